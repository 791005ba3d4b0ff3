//! The memory stores keep the same contract as the shared ones (`contracts.rs`), and a store
//! whose fetch lease is never given back delays a token fetch by the lease's ttl only.

use std::sync::Arc;
use std::time::Duration;

use feishu_runtime::{
    BoxFuture, MemoryDedupStore, MemoryTokenStore, Result, Secret, StoredToken, TokenStore,
};
use tokio::time::Instant;

use crate::contracts;
use crate::support::*;

#[tokio::test(start_paused = true)]
async fn memory_dedup_store_keeps_the_contract() {
    contracts::dedup_store(&MemoryDedupStore::default(), tokio::time::sleep).await;
}

#[tokio::test(start_paused = true)]
async fn memory_token_store_keeps_the_contract() {
    contracts::token_store(&MemoryTokenStore::default(), tokio::time::sleep).await;
}

/// A memory store whose fetch lease some dead instance holds forever.
#[derive(Default)]
struct LeaseNeverFree(MemoryTokenStore);

impl TokenStore for LeaseNeverFree {
    fn get<'a>(
        &'a self,
        app: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredToken>>> {
        self.0.get(app, name)
    }

    fn set<'a>(
        &'a self,
        app: &'a str,
        name: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<()>> {
        self.0.set(app, name, token)
    }

    fn remove_if<'a>(
        &'a self,
        app: &'a str,
        name: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<()>> {
        self.0.remove_if(app, name, token)
    }

    fn acquire_lease<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: &'a str,
        _: Duration,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async { Ok(false) })
    }

    fn release_lease<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test(start_paused = true)]
async fn a_lease_never_given_back_delays_the_fetch_by_its_ttl_only() {
    let server = wiremock::MockServer::start().await;
    mount_tenant_tokens(&server, 7200).await;
    let store = Arc::new(LeaseNeverFree::default());
    let client = builder(&server)
        .app_credentials("cli_test", "app-secret-value")
        .token_store(store.clone())
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(client.tenant_access_token().await.unwrap().expose(), "t-1");
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(seen(&server, TENANT_TOKEN_PATH).await.len(), 1);
    // The token went into the store for the other instances.
    let stored = store
        .get("cli_test", "tenant_access_token")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token.expose(), "t-1");
    assert_eq!(stored.ttl, Duration::from_secs(7200 - 180));
}

#[tokio::test(start_paused = true)]
async fn an_absurd_expiry_is_capped_at_a_day() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(TENANT_TOKEN_PATH))
        .respond_with(token_reply("t-1", u64::MAX))
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = builder(&server)
        .app_credentials("cli_test", "app-secret-value")
        .token_store(store.clone())
        .build()
        .unwrap();
    assert_eq!(client.tenant_access_token().await.unwrap().expose(), "t-1");
    let stored = store
        .get("cli_test", "tenant_access_token")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.ttl, Duration::from_secs(24 * 60 * 60 - 180));
}
