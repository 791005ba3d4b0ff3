//! Helpers shared by the mock-server tests.

use feishu_runtime::{ApiRequest, Client, ClientBuilder, Method, TokenKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";
pub const TENANT_USER: &[TokenKind] = &[TokenKind::Tenant, TokenKind::User];

/// A builder pointed at `server`, with a reqwest client that sets no timers (no timeout,
/// no idle-connection sweep): on a paused clock the runtime jumps to the next timer whenever
/// it waits for the server, so the only timers must be the retry waits under test.
pub fn builder(server: &MockServer) -> ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Client::builder().base_url(server.uri()).http_client(http)
}

/// A fixed token and no retries: one attempt per call.
pub fn no_retry_client(server: &MockServer) -> Client {
    builder(server)
        .access_token("t")
        .retry(feishu_runtime::RetryPolicy::none())
        .build()
        .unwrap()
}

pub fn app_client(server: &MockServer) -> Client {
    builder(server)
        .app_credentials("cli_test", "app-secret-value")
        .build()
        .unwrap()
}

/// `{"code":0,"msg":"success","data":data}`.
pub fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "msg": "success", "data": data}))
}

pub fn api_error(status: u16, code: i64, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "msg": msg}))
}

pub fn token_reply(token: &str, expire: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "code": 0, "msg": "ok", "tenant_access_token": token, "app_access_token": token,
        "expire": expire
    }))
}

/// Tenant tokens `t-1`, `t-2`, … one per fetch, each valid for `expire` seconds.
pub async fn mount_tenant_tokens(server: &MockServer, expire: u64) {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            token_reply(&format!("t-{n}"), expire)
        })
        .mount(server)
        .await;
}

pub fn get(path_template: &'static str) -> ApiRequest {
    ApiRequest::new(Method::Get, path_template).tokens(TENANT_USER)
}

/// Requests the server saw on `path`.
pub async fn seen(server: &MockServer, on: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == on)
        .collect()
}

pub fn bearer(request: &wiremock::Request) -> String {
    request
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}
