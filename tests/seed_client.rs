//! The generated client for the seed page, against a local mock server: the exact request
//! that leaves, the reply decoded, errors mapped, rules checked, tokens fetched once.

use feishu_api::aily::v1::aily_session::{UpdateRequest, UpdateResponse};
use feishu_api::{Client, Error, runtime};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEED_REPLY: &str = r#"{
    "code": 0,
    "msg": "success",
    "data": {
        "session": {
            "id": "session_4dfunz7sp1g8m",
            "created_at": "1711975665710",
            "modified_at": "1711975665710",
            "created_by": "1794840334557292",
            "channel_context": "{}",
            "metadata": "{}"
        }
    }
}"#;

fn seed_reply() -> Value {
    serde_json::from_str(SEED_REPLY).unwrap()
}

fn client_with_token(server: &MockServer) -> Client {
    Client::new(
        runtime::Client::builder()
            .base_url(server.uri())
            .access_token("u-token-1")
            .build()
            .unwrap(),
    )
}

/// Mount a reply for any PUT on the sessions path.
async fn answer(server: &MockServer, reply: ResponseTemplate) {
    Mock::given(method("PUT"))
        .respond_with(reply)
        .mount(server)
        .await;
}

#[tokio::test]
async fn sends_exact_method_path_headers_and_body() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(seed_reply()),
    )
    .await;

    let request = UpdateRequest::builder("session/a b")
        .channel_context("ctx")
        .build();
    client_with_token(&server)
        .aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let sent = &received[0];
    assert_eq!(sent.method.as_str(), "PUT");
    assert_eq!(
        sent.url.path(),
        "/open-apis/aily/v1/sessions/session%2Fa%20b"
    );
    assert_eq!(sent.url.query(), None);
    assert_eq!(
        sent.headers.get("authorization").unwrap(),
        "Bearer u-token-1"
    );
    assert_eq!(
        sent.headers.get("content-type").unwrap(),
        "application/json; charset=utf-8"
    );
    // Unset optional fields are left out of the body, not sent as null.
    assert_eq!(
        serde_json::from_slice::<Value>(&sent.body).unwrap(),
        json!({"channel_context": "ctx"})
    );
}

#[tokio::test]
async fn decodes_the_documented_reply() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(seed_reply()),
    )
    .await;

    let request = UpdateRequest::builder("session_4dfunz7sp1g8m")
        .channel_context("{}")
        .metadata("{}")
        .build();
    let response: UpdateResponse = client_with_token(&server)
        .aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap();

    let session = response.session.expect("session");
    assert_eq!(session.id.as_deref(), Some("session_4dfunz7sp1g8m"));
    assert_eq!(session.created_at.as_deref(), Some("1711975665710"));
    assert_eq!(session.modified_at.as_deref(), Some("1711975665710"));
    assert_eq!(session.created_by.as_deref(), Some("1794840334557292"));
    assert_eq!(session.channel_context.as_deref(), Some("{}"));
    assert_eq!(session.metadata.as_deref(), Some("{}"));
    // Debug shows the members the reply had, as on the wire.
    let partial = feishu_api::aily::v1::aily_session::update::Session {
        id: session.id.clone(),
        metadata: session.metadata.clone(),
        ..Default::default()
    };
    assert_eq!(
        format!("{partial:?}"),
        r#"Session {"id": "session_4dfunz7sp1g8m", "metadata": "{}"}"#
    );
}

#[tokio::test]
async fn error_code_maps_to_api_error_with_log_id_and_hint() {
    let server = MockServer::start().await;
    let reply = ResponseTemplate::new(400)
        .insert_header("X-Tt-Logid", "20240401123456ABCDEF")
        .set_body_json(json!({"code": 2700001, "msg": "param is invalid"}));
    answer(&server, reply).await;

    let request = UpdateRequest::builder("s1").build();
    let err = client_with_token(&server)
        .aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap_err();

    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.code, 2700001);
    assert_eq!(
        api.code,
        feishu_api::aily::v1::aily_session::update::errors::PARAM_IS_INVALID
    );
    assert_eq!(api.msg, "param is invalid");
    assert_eq!(api.http_status, 400);
    assert_eq!(api.log_id.as_deref(), Some("20240401123456ABCDEF"));
    assert_eq!(api.hint, Some("参数错误"));
    assert_eq!(
        api.to_string(),
        "Feishu error 2700001 (HTTP 400): param is invalid; hint: 参数错误 (log id 20240401123456ABCDEF)"
    );
}

#[tokio::test]
async fn metadata_over_255_characters_is_rejected_before_sending() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(seed_reply()),
    )
    .await;
    let client = client_with_token(&server);

    let long = "会".repeat(256);
    let request = UpdateRequest::builder("s1").metadata(long).build();
    let err = client
        .aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap_err();
    let Error::Validation(validation) = err else {
        panic!("expected a validation error, got {err:?}")
    };
    // The full path from the request: the body's member.
    assert_eq!(validation.field, "body.metadata");
    assert_eq!(
        validation.to_string(),
        "invalid `body.metadata`: 256 characters, at most 255 allowed"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing may be sent"
    );

    // 255 characters is within the rule and goes out.
    let request = UpdateRequest::builder("s1")
        .metadata("会".repeat(255))
        .build();
    client
        .aily()
        .v1()
        .aily_session()
        .update(request)
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn tenant_token_is_fetched_once_and_reused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/tenant_access_token/internal"))
        .and(body_json(
            json!({"app_id": "cli_test", "app_secret": "very-secret-value"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "ok", "tenant_access_token": "t-cached", "expire": 7200
        })))
        .expect(1)
        .mount(&server)
        .await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(seed_reply()),
    )
    .await;

    let core = runtime::Client::builder()
        .base_url(server.uri())
        .app_credentials("cli_test", "very-secret-value")
        .build()
        .unwrap();
    let client = Client::new(core);
    for i in 0..3 {
        let request = UpdateRequest::builder(format!("s{i}")).build();
        client
            .aily()
            .v1()
            .aily_session()
            .update(request)
            .await
            .unwrap();
    }
    // Concurrent callers share the cached token too.
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..5 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .aily()
                .v1()
                .aily_session()
                .update(UpdateRequest::builder(format!("c{i}")).build())
                .await
        });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }

    let received = server.received_requests().await.unwrap();
    let api_calls: Vec<_> = received
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .collect();
    assert_eq!(api_calls.len(), 8);
    for call in api_calls {
        assert_eq!(
            call.headers.get("authorization").unwrap(),
            "Bearer t-cached"
        );
    }
    // `expect(1)` on the token mock is verified when the server drops.
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/tenant_access_token/internal"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 10014, "msg": "app secret invalid"})),
        )
        .mount(&server)
        .await;
    let core = runtime::Client::builder()
        .base_url(server.uri())
        .app_credentials("cli_test", "very-secret-value")
        .build()
        .unwrap();
    let client = Client::new(core);
    assert!(!format!("{client:?}").contains("very-secret-value"));

    let err = client
        .aily()
        .v1()
        .aily_session()
        .update(UpdateRequest::builder("s1").build())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.code == 10014),
        "{err:?}"
    );
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("very-secret-value"), "{text}");
    }
    let user = client.core().with_access_token("u-very-secret-token");
    assert!(!format!("{user:?}").contains("u-very-secret-token"));
}

#[test]
fn base_urls() {
    assert_eq!(
        runtime::Client::builder().build().unwrap().base_url(),
        "https://open.feishu.cn"
    );
    assert_eq!(
        runtime::Client::builder()
            .lark()
            .build()
            .unwrap()
            .base_url(),
        "https://open.larksuite.com"
    );
    assert_eq!(
        runtime::Client::builder()
            .base_url("http://127.0.0.1:9/")
            .build()
            .unwrap()
            .base_url(),
        "http://127.0.0.1:9"
    );
    let err = runtime::Client::builder()
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "config: base URL `ftp://x` is not http(s)");
}

/// `validate()` is the request's own method: no `runtime::Endpoint` import is needed (this
/// file has none), and it gives what the call would refuse with.
#[test]
fn requests_validate_without_importing_the_trait() {
    let request = UpdateRequest::builder("s1")
        .channel_context("x".repeat(256))
        .build();
    let err = request.validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `body.channel_context`: 256 characters, at most 255 allowed"
    );
    let fine = UpdateRequest::builder("s1").channel_context("{}").build();
    assert_eq!(fine.validate(), Ok(()));
}
