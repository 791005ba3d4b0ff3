//! Tokens: fetched once under concurrency, refreshed after expiry and after a token-invalid
//! reply, marketplace tickets, and the right kind per endpoint.

use std::time::Duration;

use feishu_runtime::{ApiRequest, Error, Method, RequestOptions, TokenKind};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn mount_data(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/open-apis/x/v1/items"))
        .respond_with(ok(json!({"n": 1})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn fifty_concurrent_cold_calls_make_one_token_request() {
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    mount_data(&server).await;
    let client = app_client(&server);
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.send::<Value>(get("/open-apis/x/v1/items")).await })
    });
    for call in futures::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap(), json!({"n": 1}));
    }
    let fetches = seen(&server, TENANT_TOKEN_PATH).await;
    assert_eq!(fetches.len(), 1);
    assert_eq!(
        fetches[0].body_json::<Value>().unwrap(),
        json!({"app_id": "cli_test", "app_secret": "app-secret-value"})
    );
    let data = seen(&server, "/open-apis/x/v1/items").await;
    assert_eq!(data.len(), 50);
    assert!(data.iter().all(|r| bearer(r) == "Bearer t-1"));
}

#[tokio::test(start_paused = true)]
async fn token_is_refreshed_three_minutes_before_expiry() {
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    mount_data(&server).await;
    let client = app_client(&server);
    let call = || client.send::<Value>(get("/open-apis/x/v1/items"));
    call().await.unwrap();
    tokio::time::advance(Duration::from_secs(7200 - 180 - 1)).await;
    call().await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    call().await.unwrap();
    let tokens: Vec<String> = seen(&server, "/open-apis/x/v1/items")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(tokens, ["Bearer t-1", "Bearer t-1", "Bearer t-2"]);
}

#[tokio::test]
async fn a_token_invalid_reply_refreshes_and_retries_once() {
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    // t-1 is refused as invalid; t-2 works.
    Mock::given(method("POST"))
        .and(path("/open-apis/x/v1/items"))
        .respond_with(|r: &wiremock::Request| {
            if bearer(r) == "Bearer t-1" {
                api_error(400, 99991663, "Invalid access token for authorization")
            } else {
                ok(json!({"n": 2}))
            }
        })
        .mount(&server)
        .await;
    let client = app_client(&server);
    let request = ApiRequest::new(Method::Post, "/open-apis/x/v1/items")
        .tokens(TENANT_USER)
        .json_body(&json!({"a": 1}))
        .unwrap();
    let data: Value = client.send(request.clone()).await.unwrap();
    assert_eq!(data, json!({"n": 2}));
    let sent: Vec<String> = seen(&server, "/open-apis/x/v1/items")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(sent, ["Bearer t-1", "Bearer t-2"]);
    assert_eq!(seen(&server, TENANT_TOKEN_PATH).await.len(), 2);

    // A token that stays invalid is retried once, not forever.
    server.reset().await;
    mount_tenant_tokens(&server, 7200).await;
    Mock::given(method("POST"))
        .respond_with(api_error(400, 99991663, "Invalid access token"))
        .mount(&server)
        .await;
    let err = client.send::<Value>(request).await.unwrap_err();
    assert_eq!(err.code(), Some(99991663));
    assert_eq!(seen(&server, "/open-apis/x/v1/items").await.len(), 2);
}

#[tokio::test]
async fn app_token_for_app_only_endpoints() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_access_token/internal"))
        .and(body_json(
            json!({"app_id": "cli_test", "app_secret": "app-secret-value"}),
        ))
        .respond_with(token_reply("a-1", 7200))
        .mount(&server)
        .await;
    mount_data(&server).await;
    let client = app_client(&server);
    let request = ApiRequest::new(Method::Get, "/open-apis/x/v1/items").tokens(&[TokenKind::App]);
    client.send::<Value>(request).await.unwrap();
    let sent = seen(&server, "/open-apis/x/v1/items").await;
    assert_eq!(bearer(&sent[0]), "Bearer a-1");
}

#[tokio::test]
async fn user_token_per_call_and_clear_error_without_one() {
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    mount_data(&server).await;
    let client = app_client(&server);
    let user_only =
        || ApiRequest::new(Method::Get, "/open-apis/x/v1/items").tokens(&[TokenKind::User]);
    let err = client.send::<Value>(user_only()).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)));
    assert!(
        err.to_string().contains("needs a user_access_token"),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    client
        .with_user_access_token("u-abc")
        .send::<Value>(user_only())
        .await
        .unwrap();
    // The same handle prefers the user token where the endpoint takes both…
    client
        .with_options(RequestOptions::new().user_access_token("u-abc"))
        .send::<Value>(get("/open-apis/x/v1/items"))
        .await
        .unwrap();
    // …unless told to use the tenant token.
    client
        .with_user_access_token("u-abc")
        .with_options(RequestOptions::new().token_kind(TokenKind::Tenant))
        .send::<Value>(get("/open-apis/x/v1/items"))
        .await
        .unwrap();
    let sent: Vec<String> = seen(&server, "/open-apis/x/v1/items")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(sent, ["Bearer u-abc", "Bearer u-abc", "Bearer t-1"]);
}

async fn mount_marketplace(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_access_token"))
        .and(body_json(json!({
            "app_id": "cli_isv", "app_secret": "isv-secret", "app_ticket": "ticket-1"
        })))
        .respond_with(token_reply("a-isv", 7200))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/tenant_access_token"))
        .respond_with(|r: &wiremock::Request| {
            let body: Value = r.body_json().unwrap();
            assert_eq!(body["app_access_token"], "a-isv");
            let tenant = body["tenant_key"].as_str().unwrap();
            token_reply(&format!("t-{tenant}"), 7200)
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_ticket/resend"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "msg": "ok"})))
        .mount(server)
        .await;
    mount_data(server).await;
}

#[tokio::test]
async fn marketplace_app_ticket_then_app_token_then_tenant_token_per_tenant() {
    let server = MockServer::start().await;
    mount_marketplace(&server).await;
    let client = builder(&server)
        .marketplace_app("cli_isv", "isv-secret")
        .build()
        .unwrap();

    // No ticket yet: Feishu is asked to resend it, and the error says what to do.
    let err = client
        .with_tenant_key("tk1")
        .send::<Value>(get("/open-apis/x/v1/items"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no app_ticket for app cli_isv"),
        "{err}"
    );
    let resends = seen(&server, "/open-apis/auth/v3/app_ticket/resend").await;
    assert_eq!(
        resends[0].body_json::<Value>().unwrap(),
        json!({"app_id": "cli_isv", "app_secret": "isv-secret"})
    );

    client.set_app_ticket("ticket-1").await.unwrap();
    for tenant in ["tk1", "tk2", "tk1"] {
        client
            .with_tenant_key(tenant)
            .send::<Value>(get("/open-apis/x/v1/items"))
            .await
            .unwrap();
    }
    let sent: Vec<String> = seen(&server, "/open-apis/x/v1/items")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(sent, ["Bearer t-tk1", "Bearer t-tk2", "Bearer t-tk1"]);
    assert_eq!(
        seen(&server, "/open-apis/auth/v3/app_access_token")
            .await
            .len(),
        1
    );
    assert_eq!(
        seen(&server, "/open-apis/auth/v3/tenant_access_token")
            .await
            .len(),
        2
    );

    // Without a tenant key a marketplace app cannot pick a tenant token.
    let err = client
        .send::<Value>(get("/open-apis/x/v1/items"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("needs a tenant key"), "{err}");
}

#[tokio::test]
async fn token_errors_name_the_code_and_hide_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(
            api_error(400, 10014, "app secret invalid").insert_header("X-Tt-Logid", "LOG-1"),
        )
        .mount(&server)
        .await;
    let client = app_client(&server);
    let err = client
        .send::<Value>(get("/open-apis/x/v1/items"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Feishu error 10014 (HTTP 400): app secret invalid (log id LOG-1)"
    );
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("app-secret-value"), "{text}");
    }
}
