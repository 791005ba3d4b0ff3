//! Where fetched access tokens are kept, so several instances of one app share them.
//!
//! Each client also keeps the tokens it uses in its own memory; the [`TokenStore`] is asked
//! only when that copy is missing or due for refresh. With a shared store (the `redis`
//! feature's `RedisStore`, or your own) N instances fetch a token once between them instead
//! of N times, and a token Feishu calls invalid is dropped for all of them.
//!
//! Only one instance fetches at a time: it takes a short lease on the token's name, fetches,
//! stores the token and gives the lease back; the others wait for the stored token. A lease
//! expires on its own after its ttl, so an instance that died holding one blocks nobody for
//! longer than that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::{BoxFuture, Result, Secret};

/// A token and how long it may still be used before it must be refreshed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub token: Secret,
    pub ttl: Duration,
}

/// Where an app's access tokens are shared. `name` is `app_access_token`,
/// `tenant_access_token` (self-built apps) or `tenant_access_token:{tenant_key}`
/// (marketplace apps); `holder` is a random id the lease taker chose.
pub trait TokenStore: Send + Sync {
    /// The stored token, unless none is stored or its ttl ran out.
    fn get<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredToken>>>;

    /// Store `token` for its ttl, replacing any other.
    fn set<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<()>>;

    /// Remove the stored token if it is still `token` (Feishu called it invalid); a newer
    /// one another instance stored in the meantime stays.
    fn remove_if<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<()>>;

    /// Take the fetch lease on `name` for `ttl`: `true` when nobody held it.
    fn acquire_lease<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool>>;

    /// Give the lease back if `holder` still holds it (it may have expired and been taken).
    fn release_lease<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        holder: &'a str,
    ) -> BoxFuture<'a, Result<()>>;
}

/// The default [`TokenStore`]: in this process's memory. Each client gets its own unless
/// one is shared through `ClientBuilder::token_store`.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    state: Mutex<State>,
}

type Name = (String, String);

#[derive(Debug, Default)]
struct State {
    tokens: HashMap<Name, (Secret, Instant)>,
    leases: HashMap<Name, (String, Instant)>,
}

fn name(app_id: &str, name: &str) -> Name {
    (app_id.to_string(), name.to_string())
}

impl MemoryTokenStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TokenStore for MemoryTokenStore {
    fn get<'a>(
        &'a self,
        app_id: &'a str,
        token_name: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredToken>>> {
        let now = Instant::now();
        let stored = self
            .lock()
            .tokens
            .get(&name(app_id, token_name))
            .filter(|(_, expires_at)| now < *expires_at)
            .map(|(token, expires_at)| StoredToken {
                token: token.clone(),
                ttl: *expires_at - now,
            });
        Box::pin(async move { Ok(stored) })
    }

    fn set<'a>(
        &'a self,
        app_id: &'a str,
        token_name: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<()>> {
        let expires_at = Instant::now() + token.ttl;
        self.lock()
            .tokens
            .insert(name(app_id, token_name), (token.token.clone(), expires_at));
        Box::pin(async { Ok(()) })
    }

    fn remove_if<'a>(
        &'a self,
        app_id: &'a str,
        token_name: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<()>> {
        let key = name(app_id, token_name);
        let mut state = self.lock();
        if state
            .tokens
            .get(&key)
            .is_some_and(|(held, _)| held == token)
        {
            state.tokens.remove(&key);
        }
        Box::pin(async { Ok(()) })
    }

    fn acquire_lease<'a>(
        &'a self,
        app_id: &'a str,
        token_name: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool>> {
        let now = Instant::now();
        let mut state = self.lock();
        let key = name(app_id, token_name);
        let free = state
            .leases
            .get(&key)
            .is_none_or(|(_, expires_at)| *expires_at <= now);
        if free {
            state.leases.insert(key, (holder.to_string(), now + ttl));
        }
        Box::pin(async move { Ok(free) })
    }

    fn release_lease<'a>(
        &'a self,
        app_id: &'a str,
        token_name: &'a str,
        holder: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        let key = name(app_id, token_name);
        let mut state = self.lock();
        if state
            .leases
            .get(&key)
            .is_some_and(|(held, _)| held == holder)
        {
            state.leases.remove(&key);
        }
        Box::pin(async { Ok(()) })
    }
}
