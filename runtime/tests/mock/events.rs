//! Event deliveries: signed and encrypted, verified, decrypted and dispatched; tampered
//! ones refused.

use std::sync::{Arc, Mutex};

use feishu_runtime::events::{Event, EventDispatcher, HeaderMap, encrypt, signature_of};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::MockServer;

use crate::support::*;

const ENCRYPT_KEY: &str = "kudryavtsev-encrypt-key";
const VERIFICATION_TOKEN: &str = "v-token-1";

#[derive(Debug, Deserialize, PartialEq)]
struct MessageReceived {
    message: Message,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Message {
    message_id: String,
    content: String,
}

/// A delivery as Feishu sends it: the plaintext encrypted, the body signed.
fn delivery(plaintext: &Value) -> (HeaderMap, Vec<u8>) {
    let body = json!({ "encrypt": encrypt(ENCRYPT_KEY, plaintext.to_string().as_bytes()) })
        .to_string()
        .into_bytes();
    let mut headers = HeaderMap::new();
    headers.insert("X-Lark-Request-Timestamp", "1732700000".parse().unwrap());
    headers.insert("X-Lark-Request-Nonce", "nonce-1".parse().unwrap());
    let signature = signature_of("1732700000", "nonce-1", ENCRYPT_KEY, &body);
    headers.insert("X-Lark-Signature", signature.parse().unwrap());
    (headers, body)
}

fn message_event(token: &str) -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "event_id": "ev-1", "token": token, "create_time": "1732700000000",
            "event_type": "im.message.receive_v1", "tenant_key": "tk", "app_id": "cli_1"
        },
        "event": {"message": {"message_id": "om_1", "content": "{\"text\":\"hi\"}"}}
    })
}

fn dispatcher(seen: Arc<Mutex<Vec<Event<MessageReceived>>>>) -> EventDispatcher {
    EventDispatcher::new()
        .verification_token(VERIFICATION_TOKEN)
        .encrypt_key(ENCRYPT_KEY)
        .on(
            "im.message.receive_v1",
            move |event: Event<MessageReceived>| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(event);
                    Ok(())
                }
            },
        )
}

#[tokio::test]
async fn signed_encrypted_event_is_verified_decrypted_and_dispatched() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let dispatcher = dispatcher(seen.clone());
    let (headers, body) = delivery(&message_event(VERIFICATION_TOKEN));
    let response = dispatcher.handle(&headers, &body).await;
    assert_eq!((response.status, response.body.as_str()), (200, "{}"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header.event_id, "ev-1");
    assert_eq!(seen[0].header.tenant_key.as_deref(), Some("tk"));
    assert_eq!(
        seen[0].event,
        MessageReceived {
            message: Message {
                message_id: "om_1".into(),
                content: "{\"text\":\"hi\"}".into()
            }
        }
    );
}

#[tokio::test]
async fn tampered_deliveries_are_refused_and_not_dispatched() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let dispatcher = dispatcher(seen.clone());

    // A body changed after signing.
    let (headers, mut body) = delivery(&message_event(VERIFICATION_TOKEN));
    let last = body.len() - 3;
    body[last] ^= 1;
    let response = dispatcher.handle(&headers, &body).await;
    assert_eq!(
        (response.status, response.body.as_str()),
        (401, r#"{"msg":"signature does not match"}"#)
    );

    // No signature at all.
    let (_, body) = delivery(&message_event(VERIFICATION_TOKEN));
    let response = dispatcher.handle(&HeaderMap::new(), &body).await;
    assert_eq!(response.status, 401);

    // Signed correctly but with the wrong verification token inside.
    let (headers, body) = delivery(&message_event("someone-else"));
    let response = dispatcher.handle(&headers, &body).await;
    assert_eq!(
        (response.status, response.body.as_str()),
        (401, r#"{"msg":"verification token does not match"}"#)
    );

    // Encrypted with another key (and signed with it).
    let plaintext = message_event(VERIFICATION_TOKEN).to_string();
    let body = json!({ "encrypt": encrypt("other key", plaintext.as_bytes()) }).to_string();
    let mut headers = HeaderMap::new();
    headers.insert("X-Lark-Request-Timestamp", "1".parse().unwrap());
    headers.insert("X-Lark-Request-Nonce", "n".parse().unwrap());
    let signature = signature_of("1", "n", ENCRYPT_KEY, body.as_bytes());
    headers.insert("X-Lark-Signature", signature.parse().unwrap());
    let response = dispatcher.handle(&headers, body.as_bytes()).await;
    assert_eq!(response.status, 400, "{}", response.body);

    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn url_verification_is_answered_with_the_challenge() {
    let dispatcher = dispatcher(Arc::default());
    let (headers, body) = delivery(&json!({
        "challenge": "ajls384kdjx98XX", "token": VERIFICATION_TOKEN, "type": "url_verification"
    }));
    let response = dispatcher.handle(&headers, &body).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, r#"{"challenge":"ajls384kdjx98XX"}"#);
    assert_eq!(response.content_type, "application/json; charset=utf-8");
}

#[tokio::test]
async fn plain_events_unknown_types_and_failing_handlers() {
    let dispatcher = EventDispatcher::new()
        .verification_token(VERIFICATION_TOKEN)
        .on("im.message.receive_v1", |_: Event<MessageReceived>| async {
            Err("database down".into())
        });
    let body = message_event(VERIFICATION_TOKEN).to_string();
    let response = dispatcher.handle(&HeaderMap::new(), body.as_bytes()).await;
    assert_eq!(
        response.status, 500,
        "a failed handler asks Feishu to deliver again"
    );

    let mut other = message_event(VERIFICATION_TOKEN);
    other["header"]["event_type"] = json!("contact.user.created_v3");
    let response = dispatcher
        .handle(&HeaderMap::new(), other.to_string().as_bytes())
        .await;
    assert_eq!((response.status, response.body.as_str()), (200, "{}"));

    let response = dispatcher.handle(&HeaderMap::new(), b"not json").await;
    assert_eq!(response.status, 400);
}

#[tokio::test]
async fn card_callbacks_answer_with_the_handler_value() {
    #[derive(Deserialize)]
    struct CardAction {
        action: Value,
    }
    let dispatcher = EventDispatcher::new().on_callback(
        "card.action.trigger",
        |event: Event<CardAction>| async move {
            Ok(json!({"toast": {"type": "success", "content": event.event.action["value"]}}))
        },
    );
    let body = json!({
        "schema": "2.0",
        "header": {"event_id": "e", "event_type": "card.action.trigger"},
        "event": {"action": {"value": "approved"}}
    });
    let response = dispatcher
        .handle(&HeaderMap::new(), body.to_string().as_bytes())
        .await;
    assert_eq!(
        response.body,
        r#"{"toast":{"type":"success","content":"approved"}}"#
    );
}

#[tokio::test]
async fn app_ticket_events_feed_the_marketplace_client() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .marketplace_app("cli_isv", "isv-secret")
        .build()
        .unwrap();
    let dispatcher = EventDispatcher::new()
        .encrypt_key(ENCRYPT_KEY)
        .app_tickets_for(client.clone());
    let (headers, body) = delivery(&json!({
        "uuid": "u-1", "token": "x", "ts": "1732700000.1", "type": "event_callback",
        "event": {"app_id": "cli_isv", "app_ticket": "ticket-from-event", "type": "app_ticket"}
    }));
    assert_eq!(dispatcher.handle(&headers, &body).await.status, 200);

    wiremock::Mock::given(wiremock::matchers::body_json(json!({
        "app_id": "cli_isv", "app_secret": "isv-secret", "app_ticket": "ticket-from-event"
    })))
    .respond_with(token_reply("a-1", 7200))
    .mount(&server)
    .await;
    assert_eq!(client.app_access_token().await.unwrap().expose(), "a-1");
}

#[tokio::test]
async fn typed_card_and_preview_callbacks_answer_through_the_webhook() {
    use feishu_runtime::events::{
        CallbackCard, CardAction, CardActionReply, InlinePreview, Toast, UrlPreview,
        UrlPreviewReply,
    };
    let dispatcher = EventDispatcher::new()
        .on_card_action(|event: Event<CardAction>| async move {
            let open_id = event
                .event
                .operator
                .and_then(|o| o.open_id)
                .unwrap_or_default();
            Ok(CardActionReply::toast(Toast::info(format!("hi {open_id}")))
                .with_card(CallbackCard::raw(json!({"elements": []}))))
        })
        .on_url_preview(|event: Event<UrlPreview>| async move {
            let url = event.event.context.and_then(|c| c.url).unwrap_or_default();
            Ok(UrlPreviewReply {
                inline: Some(InlinePreview::new(format!("Preview of {url}"))),
                card: None,
            })
        });
    let card = json!({
        "schema": "2.0",
        "header": {"event_id": "e-card", "event_type": "card.action.trigger"},
        "event": {"operator": {"open_id": "ou_7"}, "action": {"tag": "button"}}
    });
    let response = dispatcher
        .handle(&HeaderMap::new(), card.to_string().as_bytes())
        .await;
    assert_eq!(
        (response.status, response.body.as_str()),
        (
            200,
            r#"{"toast":{"type":"info","content":"hi ou_7"},"card":{"type":"raw","data":{"elements":[]}}}"#
        )
    );
    let preview = json!({
        "schema": "2.0",
        "header": {"event_id": "e-preview", "event_type": "url.preview.get"},
        "event": {"context": {"url": "https://example.com/o/42", "preview_token": "p"}}
    });
    let response = dispatcher
        .handle(&HeaderMap::new(), preview.to_string().as_bytes())
        .await;
    assert_eq!(
        response.body,
        r#"{"inline":{"title":"Preview of https://example.com/o/42"}}"#
    );
}

#[tokio::test]
async fn repeated_deliveries_are_dropped_unless_the_first_one_failed() {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let dispatcher =
        EventDispatcher::new().on("im.message.receive_v1", move |_: Event<MessageReceived>| {
            let counter = counter.clone();
            async move {
                let mut calls = counter.lock().unwrap();
                *calls += 1;
                // The first try fails; Feishu delivers again.
                if *calls == 1 {
                    Err("flaky".into())
                } else {
                    Ok(())
                }
            }
        });
    let body = message_event(VERIFICATION_TOKEN).to_string();
    let response = dispatcher.handle(&HeaderMap::new(), body.as_bytes()).await;
    assert_eq!(response.status, 500);
    for _ in 0..3 {
        let response = dispatcher.handle(&HeaderMap::new(), body.as_bytes()).await;
        assert_eq!((response.status, response.body.as_str()), (200, "{}"));
    }
    assert_eq!(
        *calls.lock().unwrap(),
        2,
        "the failed try and the first redelivery"
    );

    // Without de-duplication, every delivery reaches the handler.
    let every = Arc::new(Mutex::new(0));
    let counter = every.clone();
    let dispatcher = EventDispatcher::new().without_dedup().on(
        "im.message.receive_v1",
        move |_: Event<MessageReceived>| {
            *counter.lock().unwrap() += 1;
            async { Ok(()) }
        },
    );
    for _ in 0..3 {
        dispatcher.handle(&HeaderMap::new(), body.as_bytes()).await;
    }
    assert_eq!(*every.lock().unwrap(), 3);
}
