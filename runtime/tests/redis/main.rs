//! Several instances of one app sharing a real Redis (`RedisStore`): two `Client`s stand
//! for two instances, a local mock server for Feishu. Each test starts its own
//! `redis-server` (see `server.rs`; skipped with a message where it is not installed,
//! a failure in CI).

#[path = "../mock/contracts.rs"]
mod contracts;
mod server;
#[allow(dead_code)]
#[path = "../mock/support.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use feishu_runtime::events::{Event, EventDispatcher, HeaderMap};
use feishu_runtime::redis::AsyncCommands;
use feishu_runtime::{AppTicketStore, Client, DedupStore, RedisStore, Secret, TokenStore};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

use server::RedisServer;
use support::*;

const DATA: &str = "/open-apis/x/v1/items";

async fn store(redis: &RedisServer, app_id: &str) -> Arc<RedisStore> {
    Arc::new(RedisStore::connect(&redis.url, app_id).await.unwrap())
}

/// A plain connection, to look at what the stores wrote.
async fn raw(redis: &RedisServer) -> feishu_runtime::redis::aio::MultiplexedConnection {
    feishu_runtime::redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn keys(redis: &RedisServer) -> Vec<String> {
    let mut keys: Vec<String> = raw(redis).await.keys("*").await.unwrap();
    keys.sort();
    keys
}

/// One instance of the self-built app `cli_test`, its stores in `store`.
fn instance(server: &MockServer, store: &Arc<RedisStore>) -> Client {
    builder(server)
        .app_credentials("cli_test", "app-secret-value")
        .token_store(store.clone())
        .build()
        .unwrap()
}

async fn mount_data(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ok(json!({"n": 1})))
        .mount(server)
        .await;
}

fn bearers(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn redis_dedup_store_keeps_the_contract() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    contracts::dedup_store(store(&redis, "cli_a").await.as_ref(), tokio::time::sleep).await;
}

#[tokio::test]
async fn redis_token_store_keeps_the_contract() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    contracts::token_store(store(&redis, "cli_a").await.as_ref(), tokio::time::sleep).await;
}

#[tokio::test]
async fn two_instances_fetch_the_tenant_token_once_between_them() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    mount_data(&server).await;
    let (a, b) = (
        store(&redis, "cli_test").await,
        store(&redis, "cli_test").await,
    );
    let instances = [instance(&server, &a), instance(&server, &b)];
    let calls = (0..20).map(|i| {
        let client = instances[i % 2].clone();
        tokio::spawn(async move { client.send::<Value>(get(DATA)).await })
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
    assert_eq!(bearers(&seen(&server, DATA).await), vec!["Bearer t-1"; 20]);

    // In Redis: the token, due for refresh 3 minutes before Feishu's expiry; no lease left.
    assert_eq!(
        keys(&redis).await,
        ["feishu:cli_test:token:tenant_access_token"]
    );
    let mut raw = raw(&redis).await;
    let key = "feishu:cli_test:token:tenant_access_token";
    let token: String = raw.get(key).await.unwrap();
    assert_eq!(token, "t-1");
    let ttl_ms: i64 = raw.pttl(key).await.unwrap();
    assert!(
        ttl_ms > 7000 * 1000 - 60_000 && ttl_ms <= 7020 * 1000,
        "{ttl_ms}"
    );
}

#[tokio::test]
async fn a_token_feishu_calls_invalid_is_evicted_and_refetched_once_for_all() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer t-1"))
        .respond_with(api_error(
            400,
            99991663,
            "Invalid access token for authorization",
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_data(&server).await;
    let (a, b) = (
        store(&redis, "cli_test").await,
        store(&redis, "cli_test").await,
    );
    let (a, b) = (instance(&server, &a), instance(&server, &b));
    // Both instances hold t-1; only `a` fetched it.
    assert_eq!(a.tenant_access_token().await.unwrap().expose(), "t-1");
    assert_eq!(b.tenant_access_token().await.unwrap().expose(), "t-1");

    // `a` is refused, evicts t-1 and fetches t-2; `b`, refused too, finds t-2 in Redis.
    assert_eq!(a.send::<Value>(get(DATA)).await.unwrap(), json!({"n": 1}));
    assert_eq!(b.send::<Value>(get(DATA)).await.unwrap(), json!({"n": 1}));
    assert_eq!(
        bearers(&seen(&server, DATA).await),
        ["Bearer t-1", "Bearer t-2", "Bearer t-1", "Bearer t-2"]
    );
    assert_eq!(seen(&server, TENANT_TOKEN_PATH).await.len(), 2);
    assert_eq!(b.tenant_access_token().await.unwrap().expose(), "t-2");
    let token: String = raw(&redis)
        .await
        .get("feishu:cli_test:token:tenant_access_token")
        .await
        .unwrap();
    assert_eq!(token, "t-2");
}

#[tokio::test]
async fn an_app_ticket_one_instance_received_serves_the_other() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_access_token"))
        .respond_with(token_reply("a-1", 7200))
        .mount(&server)
        .await;
    let store = store(&redis, "cli_isv").await;
    let marketplace = || {
        builder(&server)
            .marketplace_app("cli_isv", "isv-secret")
            .app_ticket_store(store.clone())
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (marketplace(), marketplace());
    // The app_ticket event reaches instance `a`.
    let ticket_event = json!({
        "uuid": "u-1", "token": "x", "ts": "1732700000.1", "type": "event_callback",
        "event": {"app_id": "cli_isv", "app_ticket": "ticket-1", "type": "app_ticket"}
    });
    let dispatcher = EventDispatcher::new().app_tickets_for(a.clone());
    let response = dispatcher
        .handle(&HeaderMap::new(), ticket_event.to_string().as_bytes())
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(b.app_access_token().await.unwrap().expose(), "a-1");
    assert_eq!(a.app_access_token().await.unwrap().expose(), "a-1");
    let fetches = seen(&server, "/open-apis/auth/v3/app_access_token").await;
    assert_eq!(fetches.len(), 1);
    assert_eq!(
        fetches[0].body_json::<Value>().unwrap(),
        json!({"app_id": "cli_isv", "app_secret": "isv-secret", "app_ticket": "ticket-1"})
    );
    // No resend was asked for: the ticket was there.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(
        keys(&redis).await,
        [
            "feishu:cli_isv:app_ticket",
            "feishu:cli_isv:token:app_access_token"
        ]
    );
}

#[tokio::test]
async fn a_lease_left_by_a_dead_instance_expires_and_the_next_one_fetches() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    let store = store(&redis, "cli_test").await;
    let dead = store
        .acquire_lease(
            "cli_test",
            "tenant_access_token",
            "dead",
            Duration::from_millis(300),
        )
        .await
        .unwrap();
    assert!(dead);
    let client = instance(&server, &store);
    assert_eq!(client.tenant_access_token().await.unwrap().expose(), "t-1");
    assert_eq!(seen(&server, TENANT_TOKEN_PATH).await.len(), 1);
    assert_eq!(
        keys(&redis).await,
        ["feishu:cli_test:token:tenant_access_token"]
    );
}

#[tokio::test]
async fn key_prefixes_keep_two_apps_apart() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let (a, b) = (store(&redis, "cli_a").await, store(&redis, "cli_b").await);
    let other = RedisStore::connect(&redis.url, "cli_a")
        .await
        .unwrap()
        .with_prefix("other:");
    let token = feishu_runtime::StoredToken {
        token: Secret::new("t-a"),
        ttl: Duration::from_secs(600),
    };
    AppTicketStore::set(a.as_ref(), "cli_a", Secret::new("ticket-a"))
        .await
        .unwrap();
    TokenStore::set(a.as_ref(), "cli_a", "tenant_access_token", &token)
        .await
        .unwrap();
    for store in [a.as_ref(), b.as_ref(), &other] {
        assert!(store.claim("ev1", Duration::from_secs(60)).await.unwrap());
    }
    assert!(!a.claim("ev1", Duration::from_secs(60)).await.unwrap());
    assert_eq!(
        AppTicketStore::get(b.as_ref(), "cli_b").await.unwrap(),
        None
    );
    assert_eq!(AppTicketStore::get(&other, "cli_a").await.unwrap(), None);
    assert_eq!(
        AppTicketStore::get(a.as_ref(), "cli_a").await.unwrap(),
        Some(Secret::new("ticket-a"))
    );
    assert_eq!(
        TokenStore::get(b.as_ref(), "cli_b", "tenant_access_token")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        keys(&redis).await,
        [
            "feishu:cli_a:app_ticket",
            "feishu:cli_a:event:ev1",
            "feishu:cli_a:token:tenant_access_token",
            "feishu:cli_b:event:ev1",
            "other:event:ev1"
        ]
    );
    // A store serves its own app only: another app's client gets an error, not its tokens.
    let err = TokenStore::get(a.as_ref(), "cli_b", "tenant_access_token")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "config: this RedisStore serves app cli_a, not cli_b: make one store per app"
    );
}

#[tokio::test]
async fn redis_errors_name_the_operation_and_show_no_password() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url.replace("redis://", "redis://:hunter2-secret@");
    let err = RedisStore::connect(&url, "cli_a").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "store: redis connect: Password authentication failed - AuthenticationFailed"
    );
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");

    // A server gone away: the call fails with the store's error, it does not hang.
    let store = store(&redis, "cli_a").await;
    drop(redis);
    let err = store
        .claim("ev1", Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("store: redis SET event: "),
        "{err}"
    );
}

fn message_event(event_id: &str) -> Vec<u8> {
    json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id, "token": "v", "create_time": "1732700000000",
            "event_type": "im.message.receive_v1", "tenant_key": "tk", "app_id": "cli_test"
        },
        "event": {"message": {"message_id": "om_1", "content": "{\"text\":\"hi\"}"}}
    })
    .to_string()
    .into_bytes()
}

/// One instance's dispatcher, its event ids in `store`; its handler counts calls in
/// `calls` and fails the first `failures` of them.
fn receiver(store: &Arc<RedisStore>, calls: &Arc<AtomicUsize>, failures: usize) -> EventDispatcher {
    let calls = calls.clone();
    EventDispatcher::new().dedup_store(store.clone()).on(
        "im.message.receive_v1",
        move |_: Event<Value>| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < failures {
                    Err("flaky".into())
                } else {
                    Ok(())
                }
            }
        },
    )
}

#[tokio::test]
async fn a_delivery_handled_by_one_instance_is_dropped_by_the_other() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let (calls_a, calls_b) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let a = receiver(&store(&redis, "cli_test").await, &calls_a, 1);
    let b = receiver(&store(&redis, "cli_test").await, &calls_b, 0);
    let deliver = |to: &EventDispatcher, event_id: &str| {
        let (to, body) = (to.clone(), message_event(event_id));
        async move {
            let response = to.handle(&HeaderMap::new(), &body).await;
            (response.status, response.body)
        }
    };
    let handled = || {
        (
            calls_a.load(Ordering::SeqCst),
            calls_b.load(Ordering::SeqCst),
        )
    };

    // `a` fails and gives its claim back; Feishu's redelivery reaches `b`, which handles it.
    assert_eq!(deliver(&a, "ev-1").await.0, 500);
    assert_eq!(deliver(&b, "ev-1").await, (200, "{}".to_string()));
    assert_eq!(handled(), (1, 1));
    // Any later repeat, to either, is acknowledged and dropped.
    assert_eq!(deliver(&a, "ev-1").await, (200, "{}".to_string()));
    assert_eq!(deliver(&b, "ev-1").await, (200, "{}".to_string()));
    assert_eq!(handled(), (1, 1));

    // Ten copies of one event at once, to both instances: handled once.
    let copies = (0..10).map(|i| tokio::spawn(deliver(if i % 2 == 0 { &a } else { &b }, "ev-2")));
    for copy in futures::future::join_all(copies).await {
        assert_eq!(copy.unwrap(), (200, "{}".to_string()));
    }
    let (after_a, after_b) = handled();
    assert_eq!(after_a + after_b, 3);

    // The ids are kept for a day.
    assert_eq!(
        keys(&redis).await,
        ["feishu:cli_test:event:ev-1", "feishu:cli_test:event:ev-2"]
    );
    let ttl_ms: i64 = raw(&redis)
        .await
        .pttl("feishu:cli_test:event:ev-2")
        .await
        .unwrap();
    assert!(ttl_ms > 86_340_000 && ttl_ms <= 86_400_000, "{ttl_ms}");
}

#[tokio::test]
async fn a_redis_outage_costs_a_warning_not_the_call() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(token_reply("t-direct", 7200))
        .mount(&server)
        .await;
    mount_data(&server).await;
    let store = store(&redis, "cli_test").await;
    let client = instance(&server, &store);
    drop(redis);
    // Redis is gone: the token comes straight from Feishu, and the call goes through.
    let request =
        feishu_runtime::ApiRequest::new(feishu_runtime::Method::Get, DATA).tokens(TENANT_USER);
    let data: Value = client.send(request).await.unwrap();
    assert_eq!(data, json!({"n": 1}));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one token fetch, one call");
    assert_eq!(
        requests[1].headers["authorization"].to_str().unwrap(),
        "Bearer t-direct"
    );
}
