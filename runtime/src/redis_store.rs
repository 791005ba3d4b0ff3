//! One app's stores in Redis, shared by all its instances: the app_ticket (a marketplace
//! app's ticket received by one instance serves all), the access tokens (fetched once
//! between them) and the ids of handled events (each event handled by one instance).
//!
//! Keys (prefix `feishu:{app_id}:` by default): `app_ticket`, `token:{name}`,
//! `lease:{name}` and `event:{event_id}`. Tokens, leases and event ids expire in Redis.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, FromRedisValue, Script};

use crate::tokens::{StoredToken, TokenStore};
use crate::{AppTicketStore, BoxFuture, DedupStore, Error, Result, Secret};

/// Delete `KEYS[1]` only if it still holds `ARGV[1]`: eviction of a token and the return of
/// a lease must not remove what another instance wrote since.
const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// The app_ticket, access token and event de-duplication stores of one app, in Redis.
/// Cheap to clone: clones share one connection, which reconnects by itself.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    app_id: String,
    prefix: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("app_id", &self.app_id)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connect to `url` (`redis://[:password@]host:port/db`) for the app `app_id`. The
    /// connection gives up after 1 s connecting, 0.5 s waiting for a reply and two retries,
    /// so an unreachable Redis fails calls quickly instead of stalling them.
    pub async fn connect(url: &str, app_id: impl Into<String>) -> Result<Self> {
        let client = redis::Client::open(url).map_err(|err| failed("connect", &err))?;
        let config = ConnectionManagerConfig::new().set_number_of_retries(2);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|err| failed("connect", &err))?;
        Ok(RedisStore::new(connection, app_id))
    }

    /// Use a connection set up by the caller (its own timeouts, TLS, retries).
    pub fn new(connection: ConnectionManager, app_id: impl Into<String>) -> Self {
        let app_id = app_id.into();
        RedisStore {
            connection,
            prefix: format!("feishu:{app_id}:"),
            app_id,
        }
    }

    /// Start every key with `prefix` instead of `feishu:{app_id}:`. Give each app its own.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    /// The store serves one app: a client of another app must not read its tokens.
    fn check_app(&self, app_id: &str) -> Result<()> {
        if app_id == self.app_id {
            return Ok(());
        }
        Err(Error::Config(format!(
            "this RedisStore serves app {}, not {app_id}: make one store per app",
            self.app_id
        )))
    }

    async fn query<T: FromRedisValue>(&self, what: &str, cmd: &Cmd) -> Result<T> {
        cmd.query_async(&mut self.connection.clone())
            .await
            .map_err(|err| failed(what, &err))
    }

    async fn compare_and_delete(&self, what: &str, key: &str, value: &str) -> Result<()> {
        Script::new(COMPARE_AND_DELETE)
            .key(key)
            .arg(value)
            .invoke_async::<i64>(&mut self.connection.clone())
            .await
            .map(drop)
            .map_err(|err| failed(what, &err))
    }

    /// `SET key value [NX] PX ttl`; `true` when it was set.
    async fn set_px(
        &self,
        what: &str,
        key: &str,
        value: &str,
        ttl: Duration,
        only_new: bool,
    ) -> Result<bool> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(value);
        if only_new {
            cmd.arg("NX");
        }
        // Redis refuses an expiry of 0.
        cmd.arg("PX")
            .arg(ttl.as_millis().clamp(1, u64::MAX as u128) as u64);
        let reply: Option<String> = self.query(what, &cmd).await?;
        Ok(reply.is_some())
    }
}

/// A Redis error as a runtime error: the operation and Redis's text, which holds no values.
fn failed(what: &str, err: &redis::RedisError) -> Error {
    Error::Store(format!("redis {what}: {err}"))
}

impl AppTicketStore for RedisStore {
    fn get<'a>(&'a self, app_id: &'a str) -> BoxFuture<'a, Result<Option<Secret>>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let ticket: Option<String> = self
                .query(
                    "GET app_ticket",
                    redis::cmd("GET").arg(self.key("app_ticket")),
                )
                .await?;
            Ok(ticket.map(Secret::new))
        })
    }

    fn set<'a>(&'a self, app_id: &'a str, ticket: Secret) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let cmd = redis::cmd("SET")
                .arg(self.key("app_ticket"))
                .arg(ticket.expose())
                .to_owned();
            self.query::<()>("SET app_ticket", &cmd).await
        })
    }
}

impl TokenStore for RedisStore {
    fn get<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredToken>>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let key = self.key(&format!("token:{name}"));
            let (token, ttl_ms): (Option<String>, i64) = redis::pipe()
                .atomic()
                .get(&key)
                .pttl(&key)
                .query_async(&mut self.connection.clone())
                .await
                .map_err(|err| failed("GET token", &err))?;
            // PTTL is -2 for a key that is gone, -1 for one without expiry (not written here).
            Ok(token.filter(|_| ttl_ms > 0).map(|token| StoredToken {
                token: Secret::new(token),
                ttl: Duration::from_millis(ttl_ms as u64),
            }))
        })
    }

    fn set<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let key = self.key(&format!("token:{name}"));
            self.set_px("SET token", &key, token.token.expose(), token.ttl, false)
                .await
                .map(drop)
        })
    }

    fn remove_if<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let key = self.key(&format!("token:{name}"));
            self.compare_and_delete("remove token", &key, token.expose())
                .await
        })
    }

    fn acquire_lease<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let key = self.key(&format!("lease:{name}"));
            self.set_px("SET lease", &key, holder, ttl, true).await
        })
    }

    fn release_lease<'a>(
        &'a self,
        app_id: &'a str,
        name: &'a str,
        holder: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.check_app(app_id)?;
            let key = self.key(&format!("lease:{name}"));
            self.compare_and_delete("release lease", &key, holder).await
        })
    }
}

impl DedupStore for RedisStore {
    fn claim<'a>(&'a self, event_id: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            let key = self.key(&format!("event:{event_id}"));
            self.set_px("SET event", &key, "1", ttl, true).await
        })
    }

    fn release<'a>(&'a self, event_id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let key = self.key(&format!("event:{event_id}"));
            self.query::<()>("DEL event", redis::cmd("DEL").arg(key))
                .await
        })
    }
}
