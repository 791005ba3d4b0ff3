//! The long connection's logs and `Debug` keep the app secret and the connection URL's
//! ticket out. Its own test binary: tracing caches which call sites are enabled per
//! process, and tests on other threads with no subscriber would make this one miss events.

// The gateway serves several test binaries; this one uses part of it.
#[allow(dead_code)]
#[path = "long_connection/gateway.rs"]
mod gateway;

use std::sync::{Arc, Mutex};

use feishu_runtime::Client;
use feishu_runtime::events::{Event, EventDispatcher};
use feishu_runtime::ws::LongConnection;
use serde_json::{Value, json};

use gateway::*;

fn client(gateway: &Gateway) -> Client {
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

fn config(ping: u64, interval: u64, nonce: u64, count: i64) -> Value {
    json!({"PingInterval": ping, "ReconnectInterval": interval, "ReconnectNonce": nonce, "ReconnectCount": count})
}

fn counting() -> EventDispatcher {
    EventDispatcher::new().on("im.message.receive_v1", |_: Event<Value>| async { Ok(()) })
}

fn message(event_id: &str, message_id: &str) -> Value {
    event(
        event_id,
        "im.message.receive_v1",
        json!({"message": {"message_id": message_id}}),
    )
}

#[tokio::test(start_paused = true)]
async fn the_app_secret_never_reaches_logs_or_debug() {
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut gateway = Gateway::start(config(120, 3, 0, -1)).await;
    gateway.reply_to_endpoint(json!({"code": 1, "msg": "busy"}));
    gateway.refuse_handshake(
        500,
        &[("Handshake-Status", "500"), ("Handshake-Msg", "later")],
    );
    let connection = LongConnection::new(client(&gateway), counting());
    let debug = format!("{connection:?}");
    let stop = connection.shutdown_handle();
    let task = tokio::spawn(connection.start());
    let mut conn = gateway.connection().await;
    conn.send(&event_frame(1, "m-1", &message("ev-1", "om_1")))
        .await;
    conn.ack().await;
    conn.kill();
    let _conn = gateway.connection().await;
    stop.shutdown();
    task.await.unwrap().unwrap();

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("reconnecting"), "the run was logged: {logs}");
    assert!(!logs.contains(APP_SECRET), "secret in logs: {logs}");
    assert!(
        !logs.contains("ticket=t-1"),
        "the connection URL's ticket in logs"
    );
    assert!(!debug.contains(APP_SECRET), "secret in Debug: {debug}");
}
