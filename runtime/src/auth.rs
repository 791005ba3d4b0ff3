//! tenant_access_token for self-built apps: fetched from the internal auth endpoint and
//! reused until shortly before it expires.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use crate::client::excerpt;
use crate::{ApiError, Error, Result, Secret};

const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";
/// Refresh this long before the documented expiry, so a token never expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(180);

#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    /// Held across the fetch, so concurrent callers wait for one request instead of each
    /// sending their own.
    slot: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    token: Secret,
    refresh_at: Instant,
}

#[derive(Deserialize)]
struct TokenReply {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    tenant_access_token: Option<String>,
    /// Seconds.
    #[serde(default)]
    expire: u64,
}

impl TokenCache {
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        app_id: &str,
        app_secret: &Secret,
    ) -> Result<Secret> {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(cached.token.clone());
        }
        let fetched = fetch(http, base_url, app_id, app_secret).await?;
        let token = fetched.token.clone();
        *slot = Some(fetched);
        Ok(token)
    }
}

async fn fetch(
    http: &reqwest::Client,
    base_url: &str,
    app_id: &str,
    app_secret: &Secret,
) -> Result<Cached> {
    let body = serde_json::json!({ "app_id": app_id, "app_secret": app_secret.expose() });
    let reply = http
        .post(format!("{base_url}{TENANT_TOKEN_PATH}"))
        .json(&body)
        .send()
        .await?;
    let status = reply.status().as_u16();
    let log_id = reply
        .headers()
        .get("x-tt-logid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = reply.bytes().await?;
    let parsed: TokenReply = serde_json::from_slice(&bytes).map_err(|err| Error::Decode {
        message: format!("tenant_access_token reply: {err}"),
        log_id: log_id.clone(),
        body_excerpt: excerpt(&bytes),
    })?;
    if parsed.code != 0 {
        return Err(ApiError {
            code: parsed.code,
            msg: parsed.msg,
            http_status: status,
            log_id,
            hint: None,
        }
        .into());
    }
    let token = parsed
        .tenant_access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Auth("tenant_access_token reply has no token".to_string()))?;
    let lifetime = Duration::from_secs(parsed.expire);
    let usable = if lifetime > REFRESH_MARGIN * 2 {
        lifetime - REFRESH_MARGIN
    } else {
        lifetime / 2
    };
    Ok(Cached {
        token: Secret::new(token),
        refresh_at: Instant::now() + usable,
    })
}
