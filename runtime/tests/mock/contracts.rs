//! What every store must do, as one test body per trait: run against the memory stores
//! here (`stores.rs`, on a paused clock) and against Redis (`tests/redis`, in real time).
//! `wait` lets a ttl pass.

use std::future::Future;
use std::time::Duration;

use feishu_runtime::{DedupStore, Secret, StoredToken, TokenStore};

const SHORT: Duration = Duration::from_millis(200);
const LONG: Duration = Duration::from_secs(600);

pub async fn dedup_store<W, F>(store: &dyn DedupStore, wait: W)
where
    W: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    // A repeat is refused until its claim expires.
    assert!(store.claim("ev1", SHORT).await.unwrap());
    assert!(!store.claim("ev1", SHORT).await.unwrap());
    assert!(store.claim("ev2", LONG).await.unwrap());
    wait(SHORT * 2).await;
    assert!(store.claim("ev1", SHORT).await.unwrap());
    assert!(!store.claim("ev2", LONG).await.unwrap());

    // A released claim can be claimed again, once.
    store.release("ev2").await.unwrap();
    assert!(store.claim("ev2", LONG).await.unwrap());
    assert!(!store.claim("ev2", LONG).await.unwrap());
    // Releasing an id nobody claimed is no error.
    store.release("ev-never").await.unwrap();
}

pub async fn token_store<W, F>(store: &dyn TokenStore, wait: W)
where
    W: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let stored = |token: &str, ttl| StoredToken {
        token: Secret::new(token),
        ttl,
    };
    let token_of = |name| async move {
        store
            .get("cli_a", name)
            .await
            .unwrap()
            .map(|stored| stored.token.expose().to_string())
    };
    const TENANT: &str = "tenant_access_token";

    assert_eq!(token_of(TENANT).await, None);
    store
        .set("cli_a", TENANT, &stored("t-1", LONG))
        .await
        .unwrap();
    let got = store.get("cli_a", TENANT).await.unwrap().unwrap();
    assert_eq!(got.token.expose(), "t-1");
    assert!(
        got.ttl <= LONG && got.ttl > LONG - Duration::from_secs(60),
        "{:?}",
        got.ttl
    );
    // Other names and other apps see nothing.
    assert_eq!(token_of("app_access_token").await, None);
    assert_eq!(token_of("tenant_access_token:tk1").await, None);

    // Removal compares: a stale token does not remove the newer one stored.
    let remove = |token: &'static str| async move {
        store
            .remove_if("cli_a", TENANT, &Secret::new(token))
            .await
            .unwrap()
    };
    remove("t-0").await;
    assert_eq!(token_of(TENANT).await.as_deref(), Some("t-1"));
    remove("t-1").await;
    assert_eq!(token_of(TENANT).await, None);

    // A token is gone once its ttl ran out; a set replaces.
    store
        .set("cli_a", "app_access_token", &stored("a-1", LONG))
        .await
        .unwrap();
    store
        .set("cli_a", "app_access_token", &stored("a-2", SHORT))
        .await
        .unwrap();
    assert_eq!(token_of("app_access_token").await.as_deref(), Some("a-2"));
    wait(SHORT * 2).await;
    assert_eq!(token_of("app_access_token").await, None);

    // One lease holder at a time, per name; only the holder gives it back; it expires.
    let lease = |holder| store.acquire_lease("cli_a", TENANT, holder, SHORT);
    let release = |holder| store.release_lease("cli_a", TENANT, holder);
    assert!(lease("h1").await.unwrap());
    assert!(!lease("h2").await.unwrap());
    assert!(
        store
            .acquire_lease("cli_a", "app_access_token", "h2", SHORT)
            .await
            .unwrap()
    );
    release("h2").await.unwrap();
    assert!(!lease("h2").await.unwrap());
    release("h1").await.unwrap();
    assert!(lease("h2").await.unwrap());
    wait(SHORT * 2).await;
    assert!(lease("h3").await.unwrap());
    // h2's lease expired and h3 holds it now: h2 giving it back leaves h3's.
    release("h2").await.unwrap();
    assert!(!lease("h4").await.unwrap());
}
