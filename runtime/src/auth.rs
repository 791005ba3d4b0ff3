//! App and tenant access tokens: fetched from the auth endpoints, cached until shortly
//! before they expire, one fetch at a time per token.
//!
//! Self-built apps get both tokens straight from app id and secret. Marketplace (ISV) apps
//! first need the app_ticket Feishu pushes to them as an event; it is kept in an
//! [`AppTicketStore`], and the tenant token is per tenant (`tenant_key`).
//!
//! Fetched tokens also go into a [`TokenStore`], which several instances of one app can
//! share; each manager keeps its own copy of the tokens it uses in memory as well.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::reply::{excerpt, log_id_of};
use crate::tokens::{StoredToken, TokenStore};
use crate::{ApiError, Error, Result, Secret};

const SELF_BUILT_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token/internal";
const SELF_BUILT_APP_TOKEN: &str = "/open-apis/auth/v3/app_access_token/internal";
const MARKETPLACE_APP_TOKEN: &str = "/open-apis/auth/v3/app_access_token";
const MARKETPLACE_TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token";
const RESEND_APP_TICKET: &str = "/open-apis/auth/v3/app_ticket/resend";
/// Refresh this long before the documented expiry, so a token never expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(180);
/// Tokens are kept at most this long, whatever the reply's `expire` says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Feishu's code for an app_ticket it no longer accepts.
const APP_TICKET_INVALID: i64 = 10012;
/// How long one instance may fetch a token while the others wait for it. A fetch takes well
/// under a second; an instance that died holding the lease blocks the others this long.
const FETCH_LEASE_TTL: Duration = Duration::from_secs(5);
/// How often a waiting instance looks for the token the lease holder stores.
const FETCH_LEASE_POLL: Duration = Duration::from_millis(50);

/// A boxed future, so [`AppTicketStore`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a marketplace app keeps the app_ticket Feishu sends it every hour. Share one store
/// (Redis, a database) between instances so each sees the latest ticket.
pub trait AppTicketStore: Send + Sync {
    fn get<'a>(&'a self, app_id: &'a str) -> BoxFuture<'a, Result<Option<Secret>>>;
    fn set<'a>(&'a self, app_id: &'a str, ticket: Secret) -> BoxFuture<'a, Result<()>>;
}

/// The default [`AppTicketStore`]: in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryTicketStore {
    tickets: SyncMutex<HashMap<String, Secret>>,
}

impl AppTicketStore for MemoryTicketStore {
    fn get<'a>(&'a self, app_id: &'a str) -> BoxFuture<'a, Result<Option<Secret>>> {
        let ticket = lock(&self.tickets).get(app_id).cloned();
        Box::pin(async move { Ok(ticket) })
    }

    fn set<'a>(&'a self, app_id: &'a str, ticket: Secret) -> BoxFuture<'a, Result<()>> {
        lock(&self.tickets).insert(app_id.to_string(), ticket);
        Box::pin(async { Ok(()) })
    }
}

/// A std mutex guard, recovering from a panic elsewhere (the data stays valid).
fn lock<T>(mutex: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Which cached token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum TokenKey {
    App,
    /// Per tenant for marketplace apps; the empty key for a self-built app.
    Tenant(String),
}

impl TokenKey {
    /// Its name in a [`TokenStore`].
    fn name(&self) -> String {
        match self {
            TokenKey::App => "app_access_token".to_string(),
            TokenKey::Tenant(key) if key.is_empty() => "tenant_access_token".to_string(),
            TokenKey::Tenant(key) => format!("tenant_access_token:{key}"),
        }
    }
}

/// An app's identity and the tokens fetched with it.
pub(crate) struct TokenManager {
    pub(crate) app_id: String,
    app_secret: Secret,
    pub(crate) marketplace: bool,
    pub(crate) tickets: Arc<dyn AppTicketStore>,
    /// Tokens shared with other instances of the app (in memory by default).
    store: Arc<dyn TokenStore>,
    /// One slot per token, each locked across its fetch so concurrent callers wait for one
    /// request instead of each sending their own.
    slots: SyncMutex<HashMap<TokenKey, Arc<Mutex<Option<Cached>>>>>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("app_id", &self.app_id)
            .field("app_secret", &self.app_secret)
            .field("marketplace", &self.marketplace)
            .finish_non_exhaustive()
    }
}

struct Cached {
    bearer: Arc<Bearer>,
    refresh_at: Instant,
}

/// A cached token and the `Authorization` header that sends it, made once when the token
/// is cached rather than on every call. Shared (`Arc`) so a call copies neither.
#[derive(Debug)]
pub(crate) struct Bearer {
    pub token: Secret,
    /// `None` for a token that cannot be a header value; the call is refused then.
    pub header: Option<HeaderValue>,
}

impl Bearer {
    fn new(token: Secret) -> Self {
        let header = bearer_header(&token);
        Bearer { token, header }
    }
}

/// `Bearer {token}`, marked sensitive so reqwest's and http's `Debug` never show it.
pub(crate) fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[derive(Deserialize)]
struct TokenReply {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    tenant_access_token: Option<String>,
    #[serde(default)]
    app_access_token: Option<String>,
    /// Seconds.
    #[serde(default)]
    expire: u64,
}

/// What the token endpoints need: the HTTP client and where to send.
pub(crate) struct Endpoint<'a> {
    pub http: &'a reqwest::Client,
    pub base_url: &'a str,
}

impl TokenManager {
    pub(crate) fn new(
        app_id: String,
        app_secret: Secret,
        marketplace: bool,
        tickets: Arc<dyn AppTicketStore>,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        TokenManager {
            app_id,
            app_secret,
            marketplace,
            tickets,
            store,
            slots: SyncMutex::default(),
        }
    }

    pub(crate) fn app_secret(&self) -> &Secret {
        &self.app_secret
    }

    fn slot(&self, key: &TokenKey) -> Arc<Mutex<Option<Cached>>> {
        lock(&self.slots).entry(key.clone()).or_default().clone()
    }

    /// The cached token, or a fresh one.
    pub(crate) async fn get(&self, at: &Endpoint<'_>, key: &TokenKey) -> Result<Secret> {
        Ok(self.bearer(at, key).await?.token.clone())
    }

    /// The cached token with its header, or a fresh one.
    pub(crate) async fn bearer(&self, at: &Endpoint<'_>, key: &TokenKey) -> Result<Arc<Bearer>> {
        let slot = self.slot(key);
        let mut cached = slot.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(c.bearer.clone());
        }
        let fresh = self.stored_or_fetched(at, key).await?;
        let bearer = Arc::new(Bearer::new(fresh.token));
        *cached = Some(Cached {
            bearer: bearer.clone(),
            refresh_at: Instant::now() + fresh.ttl,
        });
        Ok(bearer)
    }

    /// The token in the store, else one fetched under the store's fetch lease, so that of
    /// several instances only one fetches. Waits for another holder at most the lease's ttl,
    /// then fetches regardless. A store that is down (`Error::Store`) costs a warning, not
    /// the call: the token is fetched from Feishu as if there were no store.
    async fn stored_or_fetched(&self, at: &Endpoint<'_>, key: &TokenKey) -> Result<StoredToken> {
        let name = key.name();
        let holder = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let give_up = Instant::now() + FETCH_LEASE_TTL;
        loop {
            match self.store.get(&self.app_id, &name).await {
                Ok(Some(stored)) => return Ok(stored),
                Ok(None) => {}
                Err(err) => return self.fetch_past_the_store(at, key, err).await,
            }
            let leased = self
                .store
                .acquire_lease(&self.app_id, &name, &holder, FETCH_LEASE_TTL);
            match leased.await {
                Ok(true) => break,
                Ok(false) => {}
                Err(err) => return self.fetch_past_the_store(at, key, err).await,
            }
            if Instant::now() >= give_up {
                tracing::debug!(token = %name, "the fetch lease was not given back in time; fetching");
                return self.fetch_and_store(at, key, &name).await;
            }
            tokio::time::sleep(FETCH_LEASE_POLL).await;
        }
        // Another instance may have stored the token between the read and the lease.
        let fresh = match self.store.get(&self.app_id, &name).await {
            Ok(Some(stored)) => Ok(stored),
            Ok(None) => self.fetch_and_store(at, key, &name).await,
            Err(err) => self.fetch_past_the_store(at, key, err).await,
        };
        if let Err(err) = self.store.release_lease(&self.app_id, &name, &holder).await {
            // It expires by itself within the lease's ttl.
            tracing::warn!(%err, token = %name, "cannot give the token fetch lease back");
        }
        fresh
    }

    /// Fetch without the store, after it failed with `err`; other errors than the store's
    /// own (a store of another app, say) are mistakes to report, not outages to ride out.
    async fn fetch_past_the_store(
        &self,
        at: &Endpoint<'_>,
        key: &TokenKey,
        err: Error,
    ) -> Result<StoredToken> {
        if !matches!(err, Error::Store(_)) {
            return Err(err);
        }
        tracing::warn!(%err, "token store unavailable; fetching the token without it");
        self.fetch(at, key).await
    }

    async fn fetch(&self, at: &Endpoint<'_>, key: &TokenKey) -> Result<StoredToken> {
        match key {
            TokenKey::App => self.fetch_app_token(at).await,
            TokenKey::Tenant(tenant_key) => self.fetch_tenant_token(at, tenant_key).await,
        }
    }

    async fn fetch_and_store(
        &self,
        at: &Endpoint<'_>,
        key: &TokenKey,
        name: &str,
    ) -> Result<StoredToken> {
        let fresh = self.fetch(at, key).await?;
        if let Err(err) = self.store.set(&self.app_id, name, &fresh).await {
            tracing::warn!(%err, token = %name, "cannot keep the token in the store");
        }
        Ok(fresh)
    }

    /// Forget `token` after Feishu called it invalid, here and in the store, unless a newer
    /// one replaced it already.
    pub(crate) async fn evict(&self, key: &TokenKey, token: &Secret) {
        let slot = self.slot(key);
        let mut cached = slot.lock().await;
        if cached.as_ref().is_some_and(|c| &c.bearer.token == token) {
            *cached = None;
        }
        if let Err(err) = self.store.remove_if(&self.app_id, &key.name(), token).await {
            // Other instances keep sending it until Feishu refuses it to them too.
            tracing::warn!(%err, "cannot drop the invalid token from the store");
        }
    }

    async fn fetch_app_token(&self, at: &Endpoint<'_>) -> Result<StoredToken> {
        if !self.marketplace {
            let body = serde_json::json!({
                "app_id": self.app_id,
                "app_secret": self.app_secret.expose(),
            });
            return fetch(at, SELF_BUILT_APP_TOKEN, &body, "app_access_token").await;
        }
        let ticket = self.tickets.get(&self.app_id).await?;
        let Some(ticket) = ticket else {
            self.resend_ticket(at).await?;
            return Err(Error::Auth(format!(
                "no app_ticket for app {} yet: Feishu was asked to resend it; pass the \
                 app_ticket event to the event dispatcher (or store it) and try again",
                self.app_id
            )));
        };
        let body = serde_json::json!({
            "app_id": self.app_id,
            "app_secret": self.app_secret.expose(),
            "app_ticket": ticket.expose(),
        });
        match fetch(at, MARKETPLACE_APP_TOKEN, &body, "app_access_token").await {
            Err(Error::Api(err)) if err.code == APP_TICKET_INVALID => {
                self.resend_ticket(at).await?;
                Err(Error::Api(err))
            }
            other => other,
        }
    }

    async fn fetch_tenant_token(&self, at: &Endpoint<'_>, tenant_key: &str) -> Result<StoredToken> {
        if !self.marketplace {
            let body = serde_json::json!({
                "app_id": self.app_id,
                "app_secret": self.app_secret.expose(),
            });
            return fetch(at, SELF_BUILT_TENANT_TOKEN, &body, "tenant_access_token").await;
        }
        if tenant_key.is_empty() {
            return Err(Error::Auth(
                "a marketplace app needs a tenant key for a tenant_access_token: set it with \
                 RequestOptions::tenant_key"
                    .to_string(),
            ));
        }
        let app_token = Box::pin(self.get(at, &TokenKey::App)).await?;
        let body = serde_json::json!({
            "app_access_token": app_token.expose(),
            "tenant_key": tenant_key,
        });
        fetch(at, MARKETPLACE_TENANT_TOKEN, &body, "tenant_access_token").await
    }

    /// Ask Feishu to push the app_ticket event again.
    pub(crate) async fn resend_ticket(&self, at: &Endpoint<'_>) -> Result<()> {
        let body = serde_json::json!({
            "app_id": self.app_id,
            "app_secret": self.app_secret.expose(),
        });
        let reply = post(at, RESEND_APP_TICKET, &body, "app_ticket resend").await?;
        ensure_ok(reply)
    }
}

/// A token reply with the HTTP facts an error needs.
struct Reply {
    parsed: TokenReply,
    status: u16,
    log_id: Option<String>,
}

async fn post(
    at: &Endpoint<'_>,
    path: &str,
    body: &serde_json::Value,
    what: &str,
) -> Result<Reply> {
    let reply = at
        .http
        .post(format!("{}{path}", at.base_url))
        .json(body)
        .send()
        .await?;
    let status = reply.status().as_u16();
    let log_id = log_id_of(reply.headers());
    let bytes = reply.bytes().await?;
    let parsed = serde_json::from_slice(&bytes).map_err(|err| Error::Decode {
        message: format!("{what} reply: {err}"),
        log_id: log_id.clone(),
        body_excerpt: excerpt(&bytes),
    })?;
    Ok(Reply {
        parsed,
        status,
        log_id,
    })
}

fn ensure_ok(reply: Reply) -> Result<()> {
    if reply.parsed.code == 0 {
        return Ok(());
    }
    Err(ApiError {
        code: reply.parsed.code,
        msg: reply.parsed.msg,
        http_status: reply.status,
        log_id: reply.log_id,
        hint: None,
        details: None,
    }
    .into())
}

async fn fetch(
    at: &Endpoint<'_>,
    path: &str,
    body: &serde_json::Value,
    what: &str,
) -> Result<StoredToken> {
    let mut reply = post(at, path, body, what).await?;
    let token = match what {
        "app_access_token" => reply.parsed.app_access_token.take(),
        _ => reply.parsed.tenant_access_token.take(),
    };
    let expire = reply.parsed.expire;
    ensure_ok(reply)?;
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Auth(format!("the {what} reply has no token")))?;
    // Feishu's tokens live 2 hours; an absurd `expire` must not overflow a deadline.
    let lifetime = Duration::from_secs(expire).min(MAX_TOKEN_LIFETIME);
    let usable = if lifetime > REFRESH_MARGIN * 2 {
        lifetime - REFRESH_MARGIN
    } else {
        lifetime / 2
    };
    Ok(StoredToken {
        token: Secret::new(token),
        ttl: usable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_shows_neither_its_token_nor_its_header() {
        let bearer = Bearer::new(Secret::from("t-very-secret"));
        let header = bearer.header.as_ref().expect("a valid header value");
        assert_eq!(header.to_str().unwrap(), "Bearer t-very-secret");
        assert!(header.is_sensitive());
        let debug = format!("{bearer:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert_eq!(Bearer::new(Secret::from("t\n1")).header, None);
    }
}
