//! Per-call options and the errors a call can end in.

use std::time::Duration;

use feishu_runtime::{DocumentedError, Error, RequestOptions};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn headers_request_id_and_query_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/open-apis/x/v1/items/a%2Fb"))
        .and(query_param("page_size", "10"))
        .and(header("x-request-id", "req-42"))
        .and(header("x-custom", "yes"))
        .and(header("authorization", "Bearer t-fixed"))
        .respond_with(ok(json!({"n": 1})))
        .mount(&server)
        .await;
    let client = builder(&server).access_token("t-fixed").build().unwrap();
    let options = RequestOptions::new()
        .request_id("req-42")
        .header("X-Custom", "yes");
    let data: Value = client
        .with_options(options)
        .send(
            get("/open-apis/x/v1/items/:id")
                .path_param("id", "a/b")
                .query("page_size", 10),
        )
        .await
        .unwrap();
    assert_eq!(data, json!({"n": 1}));
}

#[tokio::test]
async fn bad_header_values_are_config_errors_before_sending() {
    let server = MockServer::start().await;
    let client = builder(&server).access_token("t").build().unwrap();
    let err = client
        .with_options(RequestOptions::new().header("X-Bad", "line\nbreak"))
        .send::<Value>(get("/open-apis/x"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "config: value of header `x-bad` is not a valid header value"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn per_call_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({})).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = no_retry_client(&server);
    let err = client
        .with_options(RequestOptions::new().timeout(Duration::from_millis(100)))
        .send::<Value>(get("/open-apis/x"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn api_errors_carry_log_id_hint_and_details() {
    const ERRORS: &[DocumentedError] = &[DocumentedError {
        http_status: 400,
        code: 230002,
        message: "The bot can not be outside the group.",
        hint: Some("机器人不在群组中，请将机器人拉入群组后重试"),
    }];
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("X-Tt-Logid", "202611271200ABCDEF")
                .set_body_json(json!({
                    "code": 230002, "msg": "Bot is not in the chat",
                    "error": {"troubleshooter": "https://open.feishu.cn/search?log_id=202611271200ABCDEF"}
                })),
        )
        .mount(&server)
        .await;
    let client = builder(&server).access_token("t").build().unwrap();
    let err = client
        .send::<Value>(get("/open-apis/x").errors(ERRORS))
        .await
        .unwrap_err();
    assert_eq!(err.log_id(), Some("202611271200ABCDEF"));
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.hint, Some("机器人不在群组中，请将机器人拉入群组后重试"));
    assert_eq!(
        api.details.as_ref().unwrap().troubleshooter.as_deref(),
        Some("https://open.feishu.cn/search?log_id=202611271200ABCDEF")
    );
    assert_eq!(
        err.to_string(),
        "Feishu error 230002 (HTTP 400): Bot is not in the chat; hint: \
         机器人不在群组中，请将机器人拉入群组后重试 (log id 202611271200ABCDEF)"
    );
}

#[tokio::test]
async fn replies_that_are_not_envelopes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/html"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("X-Tt-Logid", "L2")
                .set_body_string("<html>bad gateway</html>"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/garbage"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"code\":0,", "application/json"))
        .mount(&server)
        .await;
    let client = no_retry_client(&server);
    let err = client.send::<Value>(get("/html")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "HTTP 502 (log id L2): <html>bad gateway</html>"
    );
    let err = client.send::<Value>(get("/garbage")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot decode reply: EOF while parsing a value at line 1 column 10; body starts: {\"code\":0,"
    );
}

#[tokio::test]
async fn tracing_spans_carry_no_secrets() {
    use std::sync::{Arc, Mutex};
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
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({})).insert_header("X-Tt-Logid", "LOG-9"))
        .mount(&server)
        .await;
    let client = app_client(&server);
    // Another test's thread may have registered the request span's callsite while only the
    // no-op subscriber existed and cached "never" for it: look again with this subscriber.
    tracing::callsite::rebuild_interest_cache();
    client
        .with_user_access_token("u-secret-user-token")
        .send::<Value>(get("/open-apis/x/v1/items/:id").path_param("id", "7"))
        .await
        .unwrap();
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("feishu.request"), "{logs}");
    assert!(logs.contains("method=\"GET\""), "{logs}");
    assert!(
        logs.contains("path=\"/open-apis/x/v1/items/:id\""),
        "{logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("log_id=\"LOG-9\""), "{logs}");
    assert!(logs.contains("attempt=1"), "{logs}");
    for secret in ["u-secret-user-token", "app-secret-value", "t-1"] {
        assert!(!logs.contains(secret), "{secret} in {logs}");
    }
}
