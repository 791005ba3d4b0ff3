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
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
pub use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{BoxFuture, Client, DEFAULT_DEDUP_TTL, DedupStore, MemoryDedupStore, Secret};

mod callbacks;
mod crypto;

pub use callbacks::*;
use crypto::constant_time_eq;
pub use crypto::{decrypt, encrypt, signature_of};

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

/// What came of one delivery, whichever way it arrived: an HTTP-like status and the
/// handler's answer (the body Feishu reads, e.g. a card callback's toast).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub answer: Option<Value>,
}

impl Outcome {
    fn ok(answer: Option<Value>) -> Self {
        Outcome {
            status: 200,
            answer,
        }
    }

    fn refused(status: u16, why: &str) -> Self {
        tracing::warn!(status, why, "event refused");
        Outcome {
            status,
            answer: Some(json!({ "msg": why })),
        }
    }

    /// As the webhook's HTTP response: the answer, or `{}`.
    pub fn into_response(self) -> EventResponse {
        EventResponse {
            status: self.status,
            content_type: "application/json; charset=utf-8",
            body: self.answer.unwrap_or_else(|| json!({})).to_string(),
        }
    }
}

/// How a delivery arrived, which decides how a payload without a 2.0 header is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    Event,
    /// A long-connection `card` frame: an old-format card callback.
    #[cfg_attr(not(feature = "ws"), allow(dead_code))]
    LegacyCard,
}

/// Routes verified events to typed handlers. Build it once and share it (`Arc`, or clone:
/// handlers and the de-duplication store are shared).
///
/// The same dispatcher serves webhooks ([`EventDispatcher::handle`]) and the long
/// connection (`ws::LongConnection`, with the `ws` feature).
///
/// Feishu delivers at least once; repeats of an `event_id` (`uuid` for 1.0 events) that
/// was handled already are acknowledged and dropped, through a [`DedupStore`] (in memory by
/// default, bounded; [`EventDispatcher::dedup_store`] to share one between instances). A
/// handler that fails gives its claim back, so Feishu's redelivery is handled.
#[derive(Clone)]
pub struct EventDispatcher {
    verification_token: Option<Secret>,
    encrypt_key: Option<Secret>,
    handlers: HashMap<String, Handler>,
    tickets: Option<Client>,
    dedup: Option<Arc<dyn DedupStore>>,
    dedup_ttl: Duration,
}

impl Default for EventDispatcher {
    fn default() -> Self {
        EventDispatcher {
            verification_token: None,
            encrypt_key: None,
            handlers: HashMap::new(),
            tickets: None,
            dedup: Some(Arc::new(MemoryDedupStore::default())),
            dedup_ttl: DEFAULT_DEDUP_TTL,
        }
    }
}

impl fmt::Debug for EventDispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<&String> = self.handlers.keys().collect();
        types.sort();
        f.debug_struct("EventDispatcher")
            .field("verification_token", &self.verification_token)
            .field("encrypt_key", &self.encrypt_key)
            .field("event_types", &types)
            .field("dedup", &self.dedup.is_some())
            .field("dedup_ttl", &self.dedup_ttl)
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

    /// Where handled event ids are remembered: share one store (the `redis` feature's, or
    /// your own) between the instances of an app.
    pub fn dedup_store(mut self, store: Arc<dyn DedupStore>) -> Self {
        self.dedup = Some(store);
        self
    }

    /// How long a handled event id is remembered (default: [`DEFAULT_DEDUP_TTL`]).
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl;
        self
    }

    /// Hand every delivery to its handler, repeats too.
    pub fn without_dedup(mut self) -> Self {
        self.dedup = None;
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

    /// Handle callbacks of `event_type` whose answer Feishu reads: the value the handler
    /// returns is the answer (the webhook's response body, or the long connection's ACK
    /// `data`). [`on_card_action`](Self::on_card_action) and
    /// [`on_url_preview`](Self::on_url_preview) are this with the types filled in.
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

    /// Answer card interactions (`card.action.trigger`): the reply's toast and card are
    /// what the user who acted sees.
    pub fn on_card_action<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Event<CardAction>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<CardActionReply, HandlerError>> + Send + 'static,
    {
        self.on_callback(CARD_ACTION_TRIGGER, handler)
    }

    /// Answer link previews (`url.preview.get`) with an inline title or a card.
    pub fn on_url_preview<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Event<UrlPreview>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<UrlPreviewReply, HandlerError>> + Send + 'static,
    {
        self.on_callback(URL_PREVIEW_GET, handler)
    }

    /// Store the tickets of `app_ticket` events in this client's ticket store, which a
    /// marketplace app needs for its app_access_token.
    pub fn app_tickets_for(mut self, client: Client) -> Self {
        self.tickets = Some(client);
        self
    }

    /// Check, decrypt and dispatch one webhook delivery.
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> EventResponse {
        if let Some(key) = &self.encrypt_key {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            let (Some(timestamp), Some(nonce), Some(signature)) = (
                header("x-lark-request-timestamp"),
                header("x-lark-request-nonce"),
                header("x-lark-signature"),
            ) else {
                return Outcome::refused(401, "missing signature headers").into_response();
            };
            let expected = signature_of(timestamp, nonce, key.expose(), body);
            if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
                return Outcome::refused(401, "signature does not match").into_response();
            }
        }
        self.handle_payload(body).await.into_response()
    }

    /// Dispatch one event payload that needs no signature check: what the long connection
    /// receives (the same JSON a webhook gets; decrypted first if it is encrypted).
    pub async fn handle_payload(&self, payload: &[u8]) -> Outcome {
        self.handle_delivery(payload, Delivery::Event).await
    }

    pub(crate) async fn handle_delivery(&self, payload: &[u8], delivery: Delivery) -> Outcome {
        let mut payload: Value = match serde_json::from_slice(payload) {
            Ok(payload) => payload,
            Err(_) => return Outcome::refused(400, "body is not JSON"),
        };
        if let Some(encrypted) = payload.get("encrypt").and_then(Value::as_str) {
            let Some(key) = &self.encrypt_key else {
                return Outcome::refused(400, "encrypted event but no encrypt key set");
            };
            payload = match decrypt(key.expose(), encrypted)
                .and_then(|plain| serde_json::from_slice(&plain).map_err(|_| "not JSON"))
            {
                Ok(payload) => payload,
                Err(why) => return Outcome::refused(400, &format!("cannot decrypt: {why}")),
            };
        }
        self.dispatch(payload, delivery).await
    }

    async fn dispatch(&self, payload: Value, delivery: Delivery) -> Outcome {
        let token = payload
            .pointer("/header/token")
            .or_else(|| payload.get("token"))
            .and_then(Value::as_str);
        if let Some(expected) = &self.verification_token
            && !token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.expose().as_bytes()))
        {
            return Outcome::refused(401, "verification token does not match");
        }
        if payload.get("type").and_then(Value::as_str) == Some("url_verification") {
            let challenge = payload.get("challenge").cloned().unwrap_or(Value::Null);
            return Outcome::ok(Some(json!({ "challenge": challenge })));
        }
        let (header, event) = match delivery {
            Delivery::Event => split(payload),
            Delivery::LegacyCard => legacy_card(payload),
        };
        if header.event_type == "app_ticket"
            && let Some(client) = &self.tickets
            && let Some(ticket) = event.get("app_ticket").and_then(Value::as_str)
            && let Err(err) = client.set_app_ticket(ticket).await
        {
            tracing::error!(%err, "cannot store the app_ticket");
            return Outcome::refused(500, "cannot store the app_ticket");
        }
        let Some(handler) = self.handlers.get(&header.event_type) else {
            // Acknowledged, or Feishu would deliver it again and again.
            tracing::debug!(event_type = header.event_type, "no handler for event");
            return Outcome::ok(None);
        };
        let event_id = header.event_id.clone();
        if !self.claim(&event_id).await {
            tracing::debug!(event_id, "repeated delivery dropped");
            return Outcome::ok(None);
        }
        let event_type = header.event_type.clone();
        // A panicking handler is a failed one: its claim is given back, and Feishu is told.
        let handled = AssertUnwindSafe(handler(header, event))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err("the handler panicked".into()));
        match handled {
            Ok(answer) => Outcome::ok(answer),
            Err(err) => {
                tracing::error!(event_type, event_id, %err, "event handler failed");
                self.release(&event_id).await;
                Outcome {
                    status: 500,
                    answer: Some(json!({ "msg": "handler failed" })),
                }
            }
        }
    }

    /// Whether this delivery is the first of its id. A store that fails lets the event
    /// through: a repeat is better than a loss.
    async fn claim(&self, event_id: &str) -> bool {
        let Some(store) = self.dedup.as_ref().filter(|_| !event_id.is_empty()) else {
            return true;
        };
        match store.claim(event_id, self.dedup_ttl).await {
            Ok(first) => first,
            Err(err) => {
                tracing::warn!(event_id, %err, "de-duplication store failed; handling anyway");
                true
            }
        }
    }

    async fn release(&self, event_id: &str) {
        if let Some(store) = self.dedup.as_ref().filter(|_| !event_id.is_empty())
            && let Err(err) = store.release(event_id).await
        {
            tracing::warn!(event_id, %err, "cannot release the event's de-duplication claim");
        }
    }
}

/// An old-format card callback (no header, no `event`): the whole payload is the event.
/// It carries no event id, so it is not de-duplicated.
fn legacy_card(payload: Value) -> (EventHeader, Value) {
    let text = |key: &str| payload.get(key).and_then(Value::as_str).unwrap_or_default();
    let header = EventHeader {
        event_id: String::new(),
        event_type: LEGACY_CARD_ACTION.to_string(),
        create_time: String::new(),
        tenant_key: Some(text("tenant_key").to_string()).filter(|k| !k.is_empty()),
        app_id: None,
    };
    (header, payload)
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

#[cfg(test)]
mod tests {
    use super::*;

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
