//! Event subscriptions and callbacks: Feishu POSTs JSON to your URL; [`EventDispatcher`]
//! checks it came from Feishu, decrypts it, answers the URL check, and hands each event to
//! the handler registered for its type.
//!
//! It is a plain async function from request headers and body to a response, so it fits
//! any HTTP server (see `runtime/examples/axum_events.rs`):
//!
//! ```no_run
//! # async fn run(headers: reqwest::header::HeaderMap, body: Vec<u8>) {
//! use feishu_runtime::events::{Event, EventDispatcher};
//!
//! #[derive(serde::Deserialize)]
//! struct MessageReceived {
//!     message: serde_json::Value,
//! }
//!
//! let dispatcher = EventDispatcher::new()
//!     .verification_token("verification token")
//!     .encrypt_key("encrypt key")
//!     .on("im.message.receive_v1", |event: Event<MessageReceived>| async move {
//!         println!("{} in {:?}", event.header.event_id, event.event.message);
//!         Ok(())
//!     });
//! let response = dispatcher.handle(&headers, &body).await;
//! // reply with response.status, response.content_type and response.body
//! # }
//! ```
//!
//! Security: with an encrypt key set, the `X-Lark-Signature` header is required and checked
//! (SHA-256 of timestamp, nonce, encrypt key and body), and encrypted bodies are decrypted
//! (AES-256-CBC keyed by the SHA-256 of the encrypt key). With a verification token set,
//! the token inside every event must match it.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
pub use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{BoxFuture, Client, Secret};

/// What a handler may fail with; the dispatcher answers 500 so Feishu delivers again.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

type Handler =
    Arc<dyn Fn(EventHeader, Value) -> BoxFuture<'static, HandlerResult> + Send + Sync + 'static>;
type HandlerResult = Result<Option<Value>, HandlerError>;

/// An event of type `T`, with the envelope's header.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    pub header: EventHeader,
    pub event: T,
}

/// The `header` of a schema 2.0 event (filled from the fields of a 1.0 event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct EventHeader {
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub event_type: String,
    /// Milliseconds since the epoch, as Feishu sends it.
    #[serde(default)]
    pub create_time: String,
    #[serde(default)]
    pub tenant_key: Option<String>,
    #[serde(default)]
    pub app_id: Option<String>,
}

/// The HTTP response to send back to Feishu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl EventResponse {
    fn json(status: u16, body: Value) -> Self {
        EventResponse {
            status,
            content_type: "application/json; charset=utf-8",
            body: body.to_string(),
        }
    }

    fn refused(status: u16, why: &str) -> Self {
        tracing::warn!(status, why, "event refused");
        EventResponse::json(status, json!({ "msg": why }))
    }
}

/// Routes verified events to typed handlers. Build it once and share it (`Arc`, or clone:
/// handlers are shared).
#[derive(Clone, Default)]
pub struct EventDispatcher {
    verification_token: Option<Secret>,
    encrypt_key: Option<Secret>,
    handlers: HashMap<String, Handler>,
    tickets: Option<Client>,
}

impl fmt::Debug for EventDispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<&String> = self.handlers.keys().collect();
        types.sort();
        f.debug_struct("EventDispatcher")
            .field("verification_token", &self.verification_token)
            .field("encrypt_key", &self.encrypt_key)
            .field("event_types", &types)
            .finish_non_exhaustive()
    }
}

impl EventDispatcher {
    pub fn new() -> Self {
        EventDispatcher::default()
    }

    /// The Verification Token of the app's event settings; events carrying another are refused.
    pub fn verification_token(mut self, token: impl Into<Secret>) -> Self {
        self.verification_token = Some(token.into());
        self
    }

    /// The Encrypt Key of the app's event settings: signatures are required and checked,
    /// and encrypted bodies decrypted.
    pub fn encrypt_key(mut self, key: impl Into<Secret>) -> Self {
        self.encrypt_key = Some(key.into());
        self
    }

    /// Handle events of `event_type` (`im.message.receive_v1`, or a 1.0 type such as
    /// `app_ticket`): the `event` object is decoded into `T`.
    pub fn on<T, F, Fut>(self, event_type: &str, handler: F) -> Self
    where
        T: DeserializeOwned + Send + 'static,
        F: Fn(Event<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        self.on_callback(event_type, move |event: Event<T>| {
            let done = handler(event);
            async move { done.await.map(|()| Value::Null) }
        })
    }

    /// Handle callbacks of `event_type` whose answer Feishu reads, such as
    /// `card.action.trigger`: the value the handler returns is the response body.
    pub fn on_callback<T, R, F, Fut>(mut self, event_type: &str, handler: F) -> Self
    where
        T: DeserializeOwned + Send + 'static,
        R: serde::Serialize + 'static,
        F: Fn(Event<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |header: EventHeader, event: Value| {
            let handler = handler.clone();
            Box::pin(async move {
                let event: T = serde_json::from_value(event)
                    .map_err(|err| format!("event {} does not decode: {err}", header.event_type))?;
                let answer = handler(Event { header, event }).await?;
                let answer = serde_json::to_value(answer)?;
                Ok((!answer.is_null()).then_some(answer))
            })
        });
        self.handlers.insert(event_type.to_string(), erased);
        self
    }

    /// Store the tickets of `app_ticket` events in this client's ticket store, which a
    /// marketplace app needs for its app_access_token.
    pub fn app_tickets_for(mut self, client: Client) -> Self {
        self.tickets = Some(client);
        self
    }

    /// Check, decrypt and dispatch one delivery.
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> EventResponse {
        if let Some(key) = &self.encrypt_key {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            let (Some(timestamp), Some(nonce), Some(signature)) = (
                header("x-lark-request-timestamp"),
                header("x-lark-request-nonce"),
                header("x-lark-signature"),
            ) else {
                return EventResponse::refused(401, "missing signature headers");
            };
            let expected = signature_of(timestamp, nonce, key.expose(), body);
            if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
                return EventResponse::refused(401, "signature does not match");
            }
        }
        let mut payload: Value = match serde_json::from_slice(body) {
            Ok(payload) => payload,
            Err(_) => return EventResponse::refused(400, "body is not JSON"),
        };
        if let Some(encrypted) = payload.get("encrypt").and_then(Value::as_str) {
            let Some(key) = &self.encrypt_key else {
                return EventResponse::refused(400, "encrypted event but no encrypt key set");
            };
            payload = match decrypt(key.expose(), encrypted)
                .and_then(|plain| serde_json::from_slice(&plain).map_err(|_| "not JSON"))
            {
                Ok(payload) => payload,
                Err(why) => return EventResponse::refused(400, &format!("cannot decrypt: {why}")),
            };
        }
        self.dispatch(payload).await
    }

    async fn dispatch(&self, payload: Value) -> EventResponse {
        let token = payload
            .pointer("/header/token")
            .or_else(|| payload.get("token"))
            .and_then(Value::as_str);
        if let Some(expected) = &self.verification_token
            && !token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.expose().as_bytes()))
        {
            return EventResponse::refused(401, "verification token does not match");
        }
        if payload.get("type").and_then(Value::as_str) == Some("url_verification") {
            let challenge = payload.get("challenge").cloned().unwrap_or(Value::Null);
            return EventResponse::json(200, json!({ "challenge": challenge }));
        }
        let (header, event) = split(payload);
        if header.event_type == "app_ticket"
            && let Some(client) = &self.tickets
            && let Some(ticket) = event.get("app_ticket").and_then(Value::as_str)
            && let Err(err) = client.set_app_ticket(ticket).await
        {
            tracing::error!(%err, "cannot store the app_ticket");
            return EventResponse::refused(500, "cannot store the app_ticket");
        }
        let Some(handler) = self.handlers.get(&header.event_type) else {
            // Acknowledged, or Feishu would deliver it again and again.
            tracing::debug!(event_type = header.event_type, "no handler for event");
            return EventResponse::json(200, json!({}));
        };
        let event_type = header.event_type.clone();
        match handler(header, event).await {
            Ok(Some(answer)) => EventResponse::json(200, answer),
            Ok(None) => EventResponse::json(200, json!({})),
            Err(err) => {
                tracing::error!(event_type, %err, "event handler failed");
                EventResponse::json(500, json!({ "msg": "handler failed" }))
            }
        }
    }
}

/// A payload → its header and `event` object, for schema 2.0 and 1.0 alike.
fn split(mut payload: Value) -> (EventHeader, Value) {
    let event = payload
        .get_mut("event")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if let Some(header) = payload.get_mut("header") {
        let header = serde_json::from_value(header.take()).unwrap_or_default();
        return (header, event);
    }
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let header = EventHeader {
        event_id: text(payload.get("uuid")),
        event_type: text(event.get("type")),
        create_time: text(payload.get("ts")),
        tenant_key: event
            .get("tenant_key")
            .and_then(Value::as_str)
            .map(str::to_string),
        app_id: event
            .get("app_id")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    (header, event)
}

/// `X-Lark-Signature`: hex SHA-256 of timestamp + nonce + encrypt key + body.
pub fn signature_of(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(encrypt_key.as_bytes());
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

fn key_of(encrypt_key: &str) -> [u8; 32] {
    Sha256::digest(encrypt_key.as_bytes()).into()
}

/// The `encrypt` field → plaintext: base64 of a 16-byte IV followed by the AES-256-CBC
/// ciphertext (PKCS#7), keyed by the SHA-256 of the encrypt key.
pub fn decrypt(encrypt_key: &str, encrypted: &str) -> Result<Vec<u8>, &'static str> {
    let data = BASE64.decode(encrypted.trim()).map_err(|_| "not base64")?;
    if data.len() < 32 || data.len() % 16 != 0 {
        return Err("wrong length");
    }
    let (iv, ciphertext) = data.split_at(16);
    let iv: [u8; 16] = iv.try_into().map_err(|_| "wrong length")?;
    Decryptor::new(&key_of(encrypt_key).into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| "bad padding (wrong key?)")
}

/// The inverse of [`decrypt`], with a random IV: to build test deliveries for your handlers.
pub fn encrypt(encrypt_key: &str, plaintext: &[u8]) -> String {
    let mut iv = [0u8; 16];
    iv.iter_mut().for_each(|b| *b = fastrand::u8(..));
    let ciphertext = Encryptor::new(&key_of(encrypt_key).into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut data = iv.to_vec();
    data.extend(ciphertext);
    BASE64.encode(data)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypts_what_it_encrypts() {
        let sealed = encrypt("test key", br#"{"a":1}"#);
        assert_eq!(decrypt("test key", &sealed).unwrap(), br#"{"a":1}"#);
        assert_ne!(
            decrypt("other key", &sealed).ok(),
            Some(br#"{"a":1}"#.to_vec())
        );
        assert_eq!(decrypt("k", "%%%"), Err("not base64"));
        assert_eq!(decrypt("k", "AAAA"), Err("wrong length"));
    }

    #[test]
    fn known_signature() {
        // sha256("1" + "2" + "k" + "{}"), from Python's hashlib
        assert_eq!(
            signature_of("1", "2", "k", b"{}"),
            "a2c08cfc1732e85c101a8e8b6dfeddbe44d732caedfb06a1dd08711e6398a656"
        );
    }

    #[test]
    fn schema_one_events_get_a_header() {
        let (header, event) = split(json!({
            "uuid": "u1", "token": "t", "ts": "1.5", "type": "event_callback",
            "event": {"type": "app_ticket", "app_id": "cli_1", "app_ticket": "tk"}
        }));
        assert_eq!(
            (
                header.event_id.as_str(),
                header.event_type.as_str(),
                header.create_time.as_str()
            ),
            ("u1", "app_ticket", "1.5")
        );
        assert_eq!(header.app_id.as_deref(), Some("cli_1"));
        assert_eq!(event["app_ticket"], "tk");
    }
}
