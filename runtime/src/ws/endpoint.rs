//! Where to connect: `POST {base}/callback/ws/endpoint` with the app's id and secret gives
//! a `wss://` URL (with the `device_id` and `service_id` the frames need) and the client
//! settings; a refused handshake says in its headers whether trying again can help.

use std::time::Duration;

use serde::Deserialize;

pub(crate) use crate::error::chain;
use crate::{Client, Secret};

const ENDPOINT_PATH: &str = "/callback/ws/endpoint";
/// Endpoint codes worth another try: busy, internal error.
const RETRYABLE_CODES: &[i64] = &[1, 1000040343];
/// Handshake refusals that will not change by trying again.
const HANDSHAKE_FORBIDDEN: u16 = 403;
const HANDSHAKE_AUTH_FAILED: u16 = 514;
const TOO_MANY_CONNECTIONS: i64 = 1000040350;

/// Why the long connection stopped for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LongConnectionError {
    /// The client has no app id and secret (the long connection is for self-built apps).
    #[error("the long connection needs a self-built app's id and secret on the client")]
    NoCredentials,
    /// The endpoint refused the app for good (1000040344: no such credential, …).
    #[error("the long connection endpoint refused the app: code {code}: {msg}")]
    Refused { code: i64, msg: String },
    /// The WebSocket handshake was refused for good (403, or 514 with 1000040350: too many
    /// connections).
    #[error("the WebSocket handshake was refused: status {status}, code {auth_code}: {msg}")]
    Handshake {
        status: u16,
        auth_code: i64,
        msg: String,
    },
    /// The server's reconnect count ran out.
    #[error("no connection after {attempts} attempts; the last failed with: {last}")]
    ReconnectsExhausted { attempts: u32, last: String },
}

/// A failed attempt to connect.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// Stop trying.
    Final(LongConnectionError),
    /// Try again after the reconnect interval.
    Retry(String),
}

/// `ClientConfig` of the endpoint reply and of pongs, in seconds; absent members (and
/// zero intervals) leave the setting as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ServerConfig {
    #[serde(rename = "ReconnectCount")]
    pub reconnect_count: Option<i64>,
    #[serde(rename = "ReconnectInterval")]
    pub reconnect_interval: Option<u64>,
    #[serde(rename = "ReconnectNonce")]
    pub reconnect_nonce: Option<u64>,
    #[serde(rename = "PingInterval")]
    pub ping_interval: Option<u64>,
}

/// The settings in force, from the server's last word (defaults as the official SDKs').
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Attempts after a drop; `None` is unlimited.
    pub reconnect_count: Option<u32>,
    pub reconnect_interval: Duration,
    /// The first attempt after a drop waits a random time below this.
    pub reconnect_nonce: Duration,
    pub ping_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reconnect_count: None,
            reconnect_interval: Duration::from_secs(120),
            reconnect_nonce: Duration::from_secs(30),
            ping_interval: Duration::from_secs(120),
        }
    }
}

impl Settings {
    pub fn apply(&mut self, config: &ServerConfig) {
        if let Some(count) = config.reconnect_count {
            self.reconnect_count = u32::try_from(count).ok();
        }
        if let Some(seconds) = config.reconnect_interval.filter(|s| *s > 0) {
            self.reconnect_interval = Duration::from_secs(seconds);
        }
        if let Some(seconds) = config.reconnect_nonce {
            self.reconnect_nonce = Duration::from_secs(seconds);
        }
        if let Some(seconds) = config.ping_interval.filter(|s| *s > 0) {
            self.ping_interval = Duration::from_secs(seconds);
        }
    }
}

/// What the endpoint gave.
#[derive(Debug)]
pub(crate) struct Endpoint {
    pub url: String,
    pub service_id: i32,
    pub config: Option<ServerConfig>,
}

#[derive(Deserialize)]
struct Reply {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Option<ReplyData>,
}

#[derive(Deserialize)]
struct ReplyData {
    #[serde(rename = "URL", default)]
    url: String,
    #[serde(rename = "ClientConfig", default)]
    client_config: Option<ServerConfig>,
}

/// Ask for a connection URL.
pub(crate) async fn fetch(
    client: &Client,
    app_id: &str,
    app_secret: &Secret,
) -> Result<Endpoint, AttemptError> {
    let body = serde_json::json!({ "AppID": app_id, "AppSecret": app_secret.expose() });
    let reply = client
        .http()
        .post(format!("{}{ENDPOINT_PATH}", client.base_url()))
        .header("locale", "zh")
        .json(&body)
        .send()
        .await
        .map_err(|err| AttemptError::Retry(format!("endpoint request failed: {}", chain(&err))))?;
    let status = reply.status();
    let bytes = reply
        .bytes()
        .await
        .map_err(|err| AttemptError::Retry(format!("endpoint reply failed: {}", chain(&err))))?;
    let reply: Reply = serde_json::from_slice(&bytes).map_err(|err| {
        AttemptError::Retry(format!("endpoint reply (HTTP {status}) is not JSON: {err}"))
    })?;
    if reply.code != 0 {
        return Err(if RETRYABLE_CODES.contains(&reply.code) {
            AttemptError::Retry(format!("endpoint busy: code {}: {}", reply.code, reply.msg))
        } else {
            AttemptError::Final(LongConnectionError::Refused {
                code: reply.code,
                msg: reply.msg,
            })
        });
    }
    let data = reply
        .data
        .filter(|d| !d.url.is_empty())
        .ok_or_else(|| AttemptError::Retry("endpoint reply has no URL".to_string()))?;
    let service_id = query_value(&data.url, "service_id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| AttemptError::Retry("endpoint URL has no service_id".to_string()))?;
    Ok(Endpoint {
        url: data.url,
        service_id,
        config: data.client_config,
    })
}

/// A handshake refusal, from its `Handshake-*` headers.
pub(crate) fn handshake_refused(
    headers: &tokio_tungstenite::tungstenite::http::HeaderMap,
    http_status: u16,
) -> AttemptError {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let status: u16 = header("Handshake-Status").parse().unwrap_or(http_status);
    let auth_code: i64 = header("Handshake-Autherrcode").parse().unwrap_or(0);
    let msg = header("Handshake-Msg");
    let is_final = status == HANDSHAKE_FORBIDDEN
        || (status == HANDSHAKE_AUTH_FAILED && auth_code == TOO_MANY_CONNECTIONS);
    if is_final {
        AttemptError::Final(LongConnectionError::Handshake {
            status,
            auth_code,
            msg,
        })
    } else {
        AttemptError::Retry(format!(
            "handshake refused: status {status}, code {auth_code}: {msg}"
        ))
    }
}

/// The value of `key` in a URL's query.
fn query_value(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let v = percent_encoding::percent_decode_str(v).decode_utf8().ok()?;
        (k == key).then(|| v.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_id_is_read_from_the_url() {
        let url = "wss://msg-frontier.feishu.cn/ws/v2?fpid=493&device_id=7&service_id=33554678&ticket=a%3Db";
        assert_eq!(query_value(url, "service_id").as_deref(), Some("33554678"));
        assert_eq!(query_value(url, "ticket").as_deref(), Some("a=b"));
        assert_eq!(query_value(url, "missing"), None);
    }

    #[test]
    fn server_config_changes_only_what_it_names() {
        let mut settings = Settings::default();
        settings.apply(&ServerConfig {
            ping_interval: Some(30),
            reconnect_count: Some(-1),
            reconnect_interval: Some(0),
            ..ServerConfig::default()
        });
        assert_eq!(settings.ping_interval, Duration::from_secs(30));
        assert_eq!(settings.reconnect_count, None);
        assert_eq!(settings.reconnect_interval, Duration::from_secs(120));
        settings.apply(&ServerConfig {
            reconnect_count: Some(3),
            ..ServerConfig::default()
        });
        assert_eq!(settings.reconnect_count, Some(3));
    }

    #[test]
    fn handshake_refusals_are_final_or_retried_as_documented() {
        let refusal = |status: &str, code: &str| {
            let mut headers = tokio_tungstenite::tungstenite::http::HeaderMap::new();
            headers.insert("Handshake-Status", status.parse().unwrap());
            headers.insert("Handshake-Autherrcode", code.parse().unwrap());
            headers.insert("Handshake-Msg", "no".parse().unwrap());
            matches!(handshake_refused(&headers, 400), AttemptError::Final(_))
        };
        assert!(refusal("514", "1000040350"));
        assert!(refusal("403", "0"));
        assert!(!refusal("514", "1000040351"));
        assert!(!refusal("500", "0"));
    }
}
