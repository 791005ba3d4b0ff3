//! The long connection against a local gateway that speaks Feishu's protocol
//! (`gateway.rs`): endpoint codes, handshake refusals, pings and pongs, fragments, the
//! exact ACK frames, callbacks, failing and slow handlers, reconnects, the watchdog,
//! shutdown, de-duplication and secrets kept out of logs. Timing is read off a paused
//! clock, so it is exact and no test waits in real time.

// The gateway serves the soak benchmark too; this binary uses most of it.
#[allow(dead_code)]
mod gateway;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use feishu_runtime::Client;
use feishu_runtime::events::{
    CardAction, CardActionReply, Event, EventDispatcher, HandlerError, Toast,
};
use feishu_runtime::ws::{ConnectionState, LongConnection, LongConnectionError};
use prost::Message as _;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use gateway::*;

const SECOND: Duration = Duration::from_secs(1);

fn client(gateway: &Gateway) -> Client {
    // No timers in the HTTP client: on a paused clock they would be jumped to.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Client::builder()
        .base_url(&gateway.base_url)
        .http_client(http)
        .app_credentials(APP_ID, APP_SECRET)
        .build()
        .unwrap()
}

/// `ClientConfig` in seconds.
fn config(ping: u64, interval: u64, nonce: u64, count: i64) -> Value {
    json!({"PingInterval": ping, "ReconnectInterval": interval, "ReconnectNonce": nonce, "ReconnectCount": count})
}

fn run(connection: LongConnection) -> JoinHandle<Result<(), LongConnectionError>> {
    tokio::spawn(connection.start())
}

/// A dispatcher that counts `im.message.receive_v1` events and records their message ids.
fn counting(seen: Arc<Mutex<Vec<String>>>) -> EventDispatcher {
    EventDispatcher::new().on("im.message.receive_v1", move |event: Event<Value>| {
        let seen = seen.clone();
        async move {
            let id = event.event["message"]["message_id"]
                .as_str()
                .unwrap_or("")
                .to_string();
            seen.lock().unwrap().push(id);
            Ok(())
        }
    })
}

fn message(event_id: &str, message_id: &str) -> Value {
    event(
        event_id,
        "im.message.receive_v1",
        json!({"message": {"message_id": message_id, "content": "{\"text\":\"hi\"}"}}),
    )
}

fn decoded_data(payload: &Value) -> Value {
    let data = payload["data"].as_str().expect("data is base64 text");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test(start_paused = true)]
async fn the_endpoint_gets_the_app_credentials_and_a_final_code_stops() {
    let gateway = Gateway::start(config(120, 120, 0, -1)).await;
    gateway.reply_to_endpoint(json!({"code": 1000040344, "msg": "no credential", "data": {}}));
    let connection = LongConnection::new(client(&gateway), EventDispatcher::new());
    let mut state = connection.state();
    let error = connection.start().await.unwrap_err();
    assert_eq!(
        error,
        LongConnectionError::Refused {
            code: 1000040344,
            msg: "no credential".into()
        }
    );
    let calls = gateway.endpoint_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].locale.as_deref(), Some("zh"));
    assert_eq!(
        calls[0].body,
        json!({"AppID": APP_ID, "AppSecret": APP_SECRET})
    );
    assert!(
        gateway.handshakes().is_empty(),
        "no WebSocket after a final code"
    );
    assert_eq!(*state.borrow_and_update(), ConnectionState::Stopped);
    assert!(!error.to_string().contains(APP_SECRET));
}

#[tokio::test(start_paused = true)]
async fn busy_endpoint_codes_are_retried_after_the_documented_delays() {
    let mut gateway = Gateway::start(config(120, 7, 0, -1)).await;
    gateway.reply_to_endpoint(json!({"code": 1, "msg": "system busy"}));
    gateway.reply_to_endpoint(json!({"code": 1000040343, "msg": "internal error"}));
    let connection = LongConnection::new(client(&gateway), EventDispatcher::new());
    let mut state = connection.state();
    let stop = connection.shutdown_handle();
    let started = Instant::now();
    let task = run(connection);
    let _conn = gateway.connection().await;
    state
        .wait_for(|s| *s == ConnectionState::Ready)
        .await
        .unwrap();
    let calls = gateway.endpoint_calls();
    assert_eq!(calls.len(), 3);
    // The busy replies carried no ClientConfig: the defaults hold (nonce 30 s, interval
    // 120 s). First retry within the nonce, the second one interval after it.
    let first_retry = calls[1].at - started;
    assert!(
        first_retry < 30 * SECOND,
        "first retry after {first_retry:?}"
    );
    assert_eq!(calls[2].at - calls[1].at, 120 * SECOND);
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn handshake_refusals_are_final_or_retried() {
    for (status, code, is_final) in [
        (514, "1000040350", true),
        (403, "0", true),
        (500, "0", false),
    ] {
        let mut gateway = Gateway::start(config(120, 5, 0, -1)).await;
        let status_text = status.to_string();
        gateway.refuse_handshake(
            status,
            &[
                ("Handshake-Status", &status_text),
                ("Handshake-Msg", "refused"),
                ("Handshake-Autherrcode", code),
            ],
        );
        let connection = LongConnection::new(client(&gateway), EventDispatcher::new());
        let stop = connection.shutdown_handle();
        let task = run(connection);
        if is_final {
            let error = task.await.unwrap().unwrap_err();
            assert_eq!(
                error,
                LongConnectionError::Handshake {
                    status,
                    auth_code: code.parse().unwrap(),
                    msg: "refused".into()
                }
            );
            assert_eq!(gateway.handshakes().len(), 1);
        } else {
            let _conn = gateway.connection().await;
            assert_eq!(gateway.handshakes().len(), 2, "status {status} is retried");
            stop.shutdown();
            assert_eq!(task.await.unwrap(), Ok(()));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn pings_follow_the_interval_and_a_pong_changes_it() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let connection = LongConnection::new(client(&gateway), EventDispatcher::new());
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    let first = conn.next_ping().await.unwrap();
    assert_eq!(first.service, SERVICE_ID);
    assert_eq!(first.method, 0);
    conn.pong(None).await;
    conn.next_ping().await.unwrap();
    // The second pong says: ping every 10 s from now on.
    conn.pong(Some(&json!({"PingInterval": 10}))).await;
    conn.next_ping().await.unwrap();
    conn.pong(None).await;
    conn.next_ping().await.unwrap();
    let times: Vec<Instant> = conn.pings.iter().map(|(at, _)| *at).collect();
    assert!(times[0] - conn.opened < SECOND, "a ping on connect");
    assert_eq!(times[1] - times[0], 120 * SECOND);
    assert_eq!(times[2] - times[1], 10 * SECOND);
    assert_eq!(times[3] - times[2], 10 * SECOND);
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn fragments_are_joined_in_any_order_and_incomplete_ones_dropped() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connection = LongConnection::new(client(&gateway), counting(seen.clone()));
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;

    let whole = message("ev-1", "om_frag").to_string().into_bytes();
    let (a, rest) = whole.split_at(20);
    let (b, c) = rest.split_at(30);
    // Message m-2 loses its second half; m-1 arrives as 2, 0, 1.
    conn.send(&data_frame(
        1,
        "m-2",
        2,
        0,
        &message("ev-2", "om_lost").to_string().into_bytes()[..10],
    ))
    .await;
    conn.send(&data_frame(2, "m-1", 3, 2, c)).await;
    conn.send(&data_frame(3, "m-1", 3, 0, a)).await;
    conn.send(&data_frame(4, "m-1", 3, 1, b)).await;
    let (ack, payload) = conn.ack().await;
    assert_eq!(
        ack.seq_id, 4,
        "the ACK answers the frame that completed the message"
    );
    assert_eq!(payload["code"], 200);
    assert_eq!(*seen.lock().unwrap(), vec!["om_frag".to_string()]);

    // Nothing for m-2, ever: the next thing the gateway gets is the ACK of another event.
    tokio::time::sleep(10 * SECOND).await;
    conn.send(&event_frame(5, "m-3", &message("ev-3", "om_after")))
        .await;
    let (ack, _) = conn.ack().await;
    assert_eq!(ack.seq_id, 5);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["om_frag".to_string(), "om_after".to_string()]
    );
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_card_callback_is_answered_in_the_exact_ack_frame() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let dispatcher =
        EventDispatcher::new().on_card_action(|action: Event<CardAction>| async move {
            tokio::time::sleep(Duration::from_millis(40)).await;
            let value = action
                .event
                .action
                .and_then(|a| a.value)
                .unwrap_or_default();
            Ok(CardActionReply::toast(Toast::success(format!(
                "approved {}",
                value["order"]
            ))))
        });
    let connection = LongConnection::new(client(&gateway), dispatcher);
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;

    let callback = event(
        "ev-card-1",
        "card.action.trigger",
        json!({
            "operator": {"open_id": "ou_1"}, "token": "c-1",
            "action": {"tag": "button", "value": {"order": 42}},
            "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}
        }),
    );
    let sent = event_frame(17, "msg-card-1", &callback);
    conn.send(&sent).await;
    let Received::Frame(ack, bytes) = conn.next().await else {
        panic!("closed")
    };
    // The ACK is the frame sent, plus `biz_rt`, with the response as payload; its answer
    // is base64 of the reply's JSON.
    let answer = r#"{"toast":{"type":"success","content":"approved 42"}}"#;
    let mut expected = sent.clone();
    expected.headers.push(header("biz_rt", "40"));
    expected.payload = Some(
        format!(
            r#"{{"code":200,"headers":null,"data":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode(answer)
        )
        .into_bytes(),
    );
    assert_eq!(ack, expected);
    assert_eq!(bytes, expected.encode_to_vec(), "the exact bytes");
    let payload: Value = serde_json::from_slice(ack.payload.as_deref().unwrap()).unwrap();
    assert_eq!(
        decoded_data(&payload),
        json!({"toast": {"type": "success", "content": "approved 42"}})
    );
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_failing_handler_gets_code_500_and_the_connection_stays_up() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let dispatcher = EventDispatcher::new().on("im.message.receive_v1", move |_: Event<Value>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            match n {
                0 => Err(HandlerError::from("database down")),
                1 => panic!("handler bug"),
                _ => Ok(()),
            }
        }
    });
    let connection = LongConnection::new(client(&gateway), dispatcher);
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    for (seq, expected) in [(1, 500), (2, 500), (3, 200)] {
        // The same event each time: a failed one's claim was given back.
        conn.send(&event_frame(
            seq,
            &format!("m-{seq}"),
            &message("ev-1", "om_1"),
        ))
        .await;
        let (ack, payload) = conn.ack().await;
        assert_eq!(
            (ack.seq_id, payload["code"].as_i64()),
            (seq, Some(expected))
        );
        assert_eq!(payload["data"], Value::Null);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(gateway.handshakes().len(), 1, "one connection throughout");
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_acks_late_and_the_redelivery_is_dropped_meanwhile() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let dispatcher = EventDispatcher::new().on("im.message.receive_v1", move |_: Event<Value>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(5 * SECOND).await;
            Ok(())
        }
    });
    let connection = LongConnection::new(client(&gateway), dispatcher);
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    let sent_at = Instant::now();
    conn.send(&event_frame(1, "m-1", &message("ev-slow", "om_1")))
        .await;
    // Feishu saw no ACK within 3 s and delivers the event again.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    conn.send(&event_frame(2, "m-2", &message("ev-slow", "om_1")))
        .await;
    let (ack, payload) = conn.ack().await;
    assert_eq!(
        (ack.seq_id, ack.header("biz_rt")),
        (2, Some("0")),
        "the repeat at once"
    );
    assert_eq!(payload["code"], 200);
    let (ack, payload) = conn.ack().await;
    assert_eq!((ack.seq_id, ack.header("biz_rt")), (1, Some("5000")));
    assert_eq!(payload["code"], 200);
    assert_eq!(Instant::now() - sent_at, 5 * SECOND);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "handled once");
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_reconnects_with_the_servers_delays() {
    // Nonce 10 s, interval 7 s.
    let mut gateway = Gateway::start(config(120, 7, 10, -1)).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connection = LongConnection::new(client(&gateway), counting(seen.clone()));
    let mut state = connection.state();
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    state
        .wait_for(|s| *s == ConnectionState::Ready)
        .await
        .unwrap();

    // Half a message, then the network fails.
    let whole = message("ev-1", "om_1").to_string().into_bytes();
    conn.send(&data_frame(1, "m-1", 2, 0, &whole[..15])).await;
    tokio::task::yield_now().await;
    let dropped_at = Instant::now();
    conn.kill();
    state
        .wait_for(|s| *s == ConnectionState::Reconnecting { attempt: 1 })
        .await
        .unwrap();
    // The first try after the drop fails (busy), the second succeeds.
    gateway.reply_to_endpoint(json!({"code": 1, "msg": "busy"}));
    let mut conn = gateway.connection().await;
    state
        .wait_for(|s| *s == ConnectionState::Ready)
        .await
        .unwrap();
    let calls = gateway.endpoint_calls();
    assert_eq!(calls.len(), 3);
    let first_try = calls[1].at - dropped_at;
    assert!(
        first_try < 10 * SECOND,
        "first try after {first_try:?}: below the nonce"
    );
    assert_eq!(calls[2].at - calls[1].at, 7 * SECOND, "then the interval");

    // Feishu delivers the whole message again on the new connection: handled once.
    conn.send(&event_frame(2, "m-1b", &message("ev-1", "om_1")))
        .await;
    let (_, payload) = conn.ack().await;
    assert_eq!(payload["code"], 200);
    assert_eq!(*seen.lock().unwrap(), vec!["om_1".to_string()]);
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
    assert_eq!(*state.borrow(), ConnectionState::Stopped);
}

#[tokio::test(start_paused = true)]
async fn the_reconnect_count_is_obeyed() {
    let mut gateway = Gateway::start(config(120, 5, 0, 2)).await;
    let connection = LongConnection::new(client(&gateway), EventDispatcher::new());
    let task = run(connection);
    let conn = gateway.connection().await;
    for _ in 0..2 {
        gateway.reply_to_endpoint(json!({"code": 1, "msg": "busy"}));
    }
    conn.kill();
    let error = task.await.unwrap().unwrap_err();
    assert_eq!(
        error,
        LongConnectionError::ReconnectsExhausted {
            attempts: 2,
            last: "endpoint busy: code 1: busy".into()
        }
    );
    assert_eq!(gateway.endpoint_calls().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_detected_by_the_watchdog_and_replaced() {
    let mut gateway = Gateway::start(config(120, 5, 0, -1)).await;
    let connection =
        LongConnection::new(client(&gateway), EventDispatcher::new()).liveness_timeout(8 * SECOND);
    let mut state = connection.state();
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut silent = gateway.connection().await;
    silent.auto_pong = false;
    silent.next_ping().await.unwrap();
    let pinged = silent.pings[0].0;
    // The socket stays open, but nothing comes back.
    let mut replacement = gateway.connection().await;
    assert_eq!(Instant::now() - pinged, 8 * SECOND);
    assert!(matches!(silent.next().await, Received::Closed));
    replacement.next_ping().await.unwrap();
    state
        .wait_for(|s| *s == ConnectionState::Ready)
        .await
        .unwrap();
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn shutdown_lets_running_handlers_finish_and_ack_then_closes() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let finished = Arc::new(AtomicUsize::new(0));
    let done = finished.clone();
    let dispatcher = EventDispatcher::new().on("im.message.receive_v1", move |_: Event<Value>| {
        let done = done.clone();
        async move {
            tokio::time::sleep(2 * SECOND).await;
            done.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let connection = LongConnection::new(client(&gateway), dispatcher);
    let mut state = connection.state();
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    conn.send(&event_frame(1, "m-1", &message("ev-1", "om_1")))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.shutdown();
    let (ack, payload) = conn.ack().await;
    assert_eq!((ack.seq_id, payload["code"].as_i64()), (1, Some(200)));
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    assert!(matches!(conn.next().await, Received::Closed));
    assert_eq!(task.await.unwrap(), Ok(()));
    assert_eq!(*state.borrow_and_update(), ConnectionState::Stopped);
    assert_eq!(
        gateway.handshakes().len(),
        1,
        "no reconnect after a shutdown"
    );
}

#[tokio::test(start_paused = true)]
async fn a_cancellation_token_stops_it_too() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let token = feishu_runtime::ws::CancellationToken::new();
    let connection = LongConnection::new(client(&gateway), EventDispatcher::new())
        .cancellation_token(token.child_token());
    let task = run(connection);
    let mut conn = gateway.connection().await;
    token.cancel();
    assert!(matches!(conn.next().await, Received::Closed));
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn duplicate_deliveries_are_acked_and_dropped() {
    let mut gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connection = LongConnection::new(client(&gateway), counting(seen.clone()));
    let stop = connection.shutdown_handle();
    let task = run(connection);
    let mut conn = gateway.connection().await;
    for (seq, event_id) in [(1, "ev-1"), (2, "ev-1"), (3, "ev-2"), (4, "ev-1")] {
        conn.send(&event_frame(
            seq,
            &format!("m-{seq}"),
            &message(event_id, event_id),
        ))
        .await;
        let (ack, payload) = conn.ack().await;
        assert_eq!((ack.seq_id, payload["code"].as_i64()), (seq, Some(200)));
    }
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["ev-1".to_string(), "ev-2".to_string()]
    );
    stop.shutdown();
    assert_eq!(task.await.unwrap(), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_marketplace_app_or_no_credentials_cannot_connect() {
    let gateway = Gateway::start(config(120, 120, 0, -1)).await;
    let marketplace = Client::builder()
        .base_url(&gateway.base_url)
        .marketplace_app(APP_ID, APP_SECRET)
        .build()
        .unwrap();
    let error = LongConnection::new(marketplace, EventDispatcher::new())
        .start()
        .await
        .unwrap_err();
    assert_eq!(error, LongConnectionError::NoCredentials);
    assert!(gateway.endpoint_calls().is_empty());
}
