//! Retries on a paused clock: how many attempts, and how long between them.

use std::time::Duration;

use feishu_runtime::{ApiRequest, Client, DocumentedError, Method, RetryPolicy};
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(Duration::from_secs(1))
        .jitter(false)
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    builder(server)
        .access_token("t")
        .retry(policy)
        .build()
        .unwrap()
}

/// Reply with `first` `n` times, then success.
async fn fail_then_succeed(server: &MockServer, n: u64, first: ResponseTemplate) {
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({"n": 1})))
        .with_priority(2)
        .mount(server)
        .await;
}

async fn timed_get(client: &Client) -> (feishu_runtime::Result<Value>, Duration) {
    let start = Instant::now();
    let result = client.send::<Value>(get("/open-apis/x/v1/items")).await;
    (result, start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn server_errors_back_off_exponentially() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        2,
        ResponseTemplate::new(503).set_body_string("busy"),
    )
    .await;
    let (result, elapsed) = timed_get(&client(&server, policy())).await;
    assert_eq!(result.unwrap(), json!({"n": 1}));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // 1 s, then 2 s.
    assert_eq!(elapsed.as_secs(), 3);
}

#[tokio::test(start_paused = true)]
async fn attempts_are_bounded() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        100,
        ResponseTemplate::new(500).set_body_string("down"),
    )
    .await;
    let (result, elapsed) = timed_get(&client(&server, policy().max_attempts(4))).await;
    assert_eq!(result.unwrap_err().to_string(), "HTTP 500: down");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert_eq!(elapsed.as_secs(), 1 + 2 + 4);
}

#[tokio::test(start_paused = true)]
async fn total_time_is_bounded() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, 100, ResponseTemplate::new(500)).await;
    let policy = policy()
        .max_attempts(10)
        .max_elapsed(Duration::from_secs(10));
    let (result, elapsed) = timed_get(&client(&server, policy)).await;
    assert!(result.is_err());
    // 1 + 2 + 4 = 7 s; the next wait (8 s) would pass 10 s, so it stops after 4 attempts.
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert_eq!(elapsed.as_secs(), 7);
}

#[tokio::test(start_paused = true)]
async fn retry_after_and_ratelimit_reset_are_obeyed() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        1,
        api_error(429, 99991400, "request trigger frequency limit")
            .insert_header("Retry-After", "7"),
    )
    .await;
    let (result, elapsed) = timed_get(&client(&server, policy())).await;
    result.unwrap();
    assert_eq!(elapsed.as_secs(), 7);

    // Feishu's own header, on the 99991400 code sent with HTTP 400.
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        1,
        api_error(400, 99991400, "request trigger frequency limit")
            .insert_header("x-ogw-ratelimit-reset", "12"),
    )
    .await;
    let (result, elapsed) = timed_get(&client(&server, policy())).await;
    result.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(elapsed.as_secs(), 12);
}

#[tokio::test(start_paused = true)]
async fn documented_rate_limit_codes_are_retried_and_others_are_not() {
    const ERRORS: &[DocumentedError] = &[
        DocumentedError {
            http_status: 400,
            code: 230020,
            message: "This operation triggers the frequency limit.",
            hint: Some("请降低请求频率"),
        },
        DocumentedError {
            http_status: 400,
            code: 230001,
            message: "Your request contains an invalid request parameter.",
            hint: None,
        },
    ];
    let request = || get("/open-apis/x/v1/items").errors(ERRORS);

    let server = MockServer::start().await;
    fail_then_succeed(&server, 1, api_error(400, 230020, "frequency limit")).await;
    client(&server, policy())
        .send::<Value>(request())
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    fail_then_succeed(&server, 1, api_error(400, 230001, "invalid param")).await;
    let err = client(&server, policy())
        .send::<Value>(request())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(230001));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn writes_are_not_retried_unless_the_policy_says_so() {
    let post = || {
        ApiRequest::new(Method::Post, "/open-apis/x/v1/items")
            .json_body(&json!({}))
            .unwrap()
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    assert!(
        client(&server, policy())
            .send::<Value>(post())
            .await
            .is_err()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let all = policy().methods(&[Method::Get, Method::Post]);
    assert!(client(&server, all).send::<Value>(post()).await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 3);
}

#[tokio::test(start_paused = true)]
async fn jittered_delays_stay_within_the_upper_half() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, 2, ResponseTemplate::new(502)).await;
    let (result, elapsed) = timed_get(&client(&server, policy().jitter(true))).await;
    result.unwrap();
    // Between half and all of 1 s + 2 s.
    assert!(
        elapsed >= Duration::from_millis(1500) && elapsed <= Duration::from_secs(3),
        "{elapsed:?}"
    );
}
