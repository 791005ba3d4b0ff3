//! A local stand-in for Feishu's long-connection gateway, speaking the protocol as the
//! official SDKs do: the endpoint request over HTTP, then a WebSocket whose binary messages
//! are `pbbp2.Frame` protobufs. Its frame types are declared here from the protocol's
//! schema, apart from the runtime's, so a mistake in one shows against the other.
//!
//! Everything runs on the test's own runtime (no threads), so a paused clock measures the
//! client's timers exactly.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use futures::{SinkExt, StreamExt};
use prost::Message as _;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};

pub const APP_ID: &str = "cli_a1b2c3d4e5f6a7b8";
pub const APP_SECRET: &str = "gw-secret-do-not-log-4f9c";
pub const SERVICE_ID: i32 = 33554678;

#[derive(Clone, PartialEq, prost::Message)]
pub struct WireHeader {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, required, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct WireFrame {
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<WireHeader>,
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

impl WireFrame {
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    fn kind(&self) -> Option<&str> {
        self.header("type")
    }
}

pub fn header(key: &str, value: &str) -> WireHeader {
    WireHeader {
        key: key.to_string(),
        value: value.to_string(),
    }
}

/// A data frame: fragment `seq` of `sum` of message `message_id`.
pub fn data_frame(seq_id: u64, message_id: &str, sum: u32, seq: u32, payload: &[u8]) -> WireFrame {
    WireFrame {
        seq_id,
        log_id: 9000 + seq_id,
        service: SERVICE_ID,
        method: 1,
        headers: vec![
            header("type", "event"),
            header("message_id", message_id),
            header("sum", &sum.to_string()),
            header("seq", &seq.to_string()),
            header("trace_id", "trace-1"),
        ],
        payload: Some(payload.to_vec()),
        ..WireFrame::default()
    }
}

/// A whole event in one frame.
pub fn event_frame(seq_id: u64, message_id: &str, payload: &Value) -> WireFrame {
    data_frame(seq_id, message_id, 1, 0, payload.to_string().as_bytes())
}

/// A schema 2.0 event as Feishu sends it.
pub fn event(event_id: &str, event_type: &str, body: Value) -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id, "token": "", "create_time": "1732700000000",
            "event_type": event_type, "tenant_key": "tk-1", "app_id": APP_ID
        },
        "event": body
    })
}

/// One endpoint request the gateway saw.
#[derive(Debug, Clone)]
pub struct EndpointCall {
    pub at: Instant,
    pub locale: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct Script {
    /// Replies to the next endpoint requests; when empty, a good one.
    endpoint_replies: VecDeque<Value>,
    /// Refusals for the next handshakes: HTTP status and the `Handshake-*` headers.
    handshake_refusals: VecDeque<(u16, Vec<(String, String)>)>,
    endpoint_calls: Vec<EndpointCall>,
    handshakes: Vec<Instant>,
    client_config: Value,
}

pub struct Gateway {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
    connections: mpsc::UnboundedReceiver<Conn>,
}

#[derive(Clone)]
struct Shared {
    script: Arc<Mutex<Script>>,
    ws_addr: SocketAddr,
}

impl Gateway {
    /// A gateway whose endpoint hands out `client_config` (the `ClientConfig` object).
    pub async fn start(client_config: Value) -> Gateway {
        let script = Arc::new(Mutex::new(Script {
            client_config,
            ..Script::default()
        }));
        let ws_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let shared = Shared {
            script: script.clone(),
            ws_addr: ws_listener.local_addr().unwrap(),
        };
        let http_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", http_listener.local_addr().unwrap());
        let app = Router::new()
            .route("/callback/ws/endpoint", post(endpoint))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(http_listener, app).await });
        let (tx, connections) = mpsc::unbounded_channel();
        tokio::spawn(accept_loop(ws_listener, shared, tx));
        Gateway {
            base_url,
            script,
            connections,
        }
    }

    /// The next endpoint request gets `reply` (`{"code", "msg", "data"}`).
    pub fn reply_to_endpoint(&self, reply: Value) {
        self.script
            .lock()
            .unwrap()
            .endpoint_replies
            .push_back(reply);
    }

    /// The next handshake is refused with `status` and these `Handshake-*` headers.
    pub fn refuse_handshake(&self, status: u16, headers: &[(&str, &str)]) {
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.script
            .lock()
            .unwrap()
            .handshake_refusals
            .push_back((status, headers));
    }

    pub fn endpoint_calls(&self) -> Vec<EndpointCall> {
        self.script.lock().unwrap().endpoint_calls.clone()
    }

    /// When each handshake (accepted or refused) arrived.
    pub fn handshakes(&self) -> Vec<Instant> {
        self.script.lock().unwrap().handshakes.clone()
    }

    /// The next accepted connection.
    pub async fn connection(&mut self) -> Conn {
        self.connections.recv().await.expect("gateway stopped")
    }
}

async fn endpoint(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    let mut script = shared.script.lock().unwrap();
    script.endpoint_calls.push(EndpointCall {
        at: Instant::now(),
        locale: headers
            .get("locale")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body,
    });
    let reply = script.endpoint_replies.pop_front().unwrap_or_else(|| {
        json!({
            "code": 0, "msg": "ok",
            "data": {
                "URL": format!(
                    "ws://{}/ws/v2?fpid=493&aid=552564&device_id=dev-1&access_key=ak-1&service_id={SERVICE_ID}&ticket=t-1",
                    shared.ws_addr
                ),
                "ClientConfig": script.client_config,
            }
        })
    });
    Json(reply)
}

async fn accept_loop(listener: TcpListener, shared: Shared, tx: mpsc::UnboundedSender<Conn>) {
    while let Ok((stream, _)) = listener.accept().await {
        let refusal = {
            let mut script = shared.script.lock().unwrap();
            script.handshakes.push(Instant::now());
            script.handshake_refusals.pop_front()
        };
        // The error type is tungstenite's, however large clippy finds it.
        #[allow(clippy::result_large_err)]
        let callback = |_request: &Request, response: Response| match refusal {
            None => Ok(response),
            Some((status, headers)) => {
                let mut refused = ErrorResponse::new(None);
                *refused.status_mut() = status.try_into().unwrap();
                for (name, value) in headers {
                    refused.headers_mut().insert(
                        axum::http::HeaderName::try_from(name).unwrap(),
                        value.parse().unwrap(),
                    );
                }
                Err(refused)
            }
        };
        if let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await
            && tx
                .send(Conn {
                    ws,
                    opened: Instant::now(),
                    auto_pong: true,
                    pings: Vec::new(),
                })
                .is_err()
        {
            return;
        }
    }
}

pub type WsSink = futures::stream::SplitSink<WebSocketStream<TcpStream>, Message>;
pub type WsStream = futures::stream::SplitStream<WebSocketStream<TcpStream>>;

/// One accepted connection, driven by the test.
pub struct Conn {
    ws: WebSocketStream<TcpStream>,
    pub opened: Instant,
    /// Answer pings with a plain pong (on by default).
    pub auto_pong: bool,
    /// When each ping arrived, and its `service`.
    pub pings: Vec<(Instant, i32)>,
}

/// What the client sent next, apart from pings.
#[derive(Debug)]
pub enum Received {
    Frame(WireFrame, Vec<u8>),
    Closed,
}

impl Conn {
    pub async fn send(&mut self, frame: &WireFrame) {
        self.ws
            .send(Message::Binary(frame.encode_to_vec().into()))
            .await
            .unwrap();
    }

    /// A pong carrying `config` (a `ClientConfig` object).
    pub async fn pong(&mut self, config: Option<&Value>) {
        let frame = WireFrame {
            service: SERVICE_ID,
            method: 0,
            headers: vec![header("type", "pong")],
            payload: config.map(|c| c.to_string().into_bytes()),
            ..WireFrame::default()
        };
        self.send(&frame).await;
    }

    /// The next ping (recording it), answering none.
    pub async fn next_ping(&mut self) -> Option<WireFrame> {
        loop {
            match self.ws.next().await? {
                Ok(Message::Binary(bytes)) => {
                    let frame = WireFrame::decode(&bytes[..]).expect("client frame decodes");
                    if frame.kind() == Some("ping") {
                        self.pings.push((Instant::now(), frame.service));
                        return Some(frame);
                    }
                    panic!("expected a ping, got {frame:?}");
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// The next frame that is not a ping (pings are recorded and, with `auto_pong`,
    /// answered), with its exact bytes.
    pub async fn next(&mut self) -> Received {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Binary(bytes))) => {
                    let frame = WireFrame::decode(&bytes[..]).expect("client frame decodes");
                    if frame.kind() == Some("ping") {
                        self.pings.push((Instant::now(), frame.service));
                        if self.auto_pong {
                            self.pong(None).await;
                        }
                        continue;
                    }
                    return Received::Frame(frame, bytes.to_vec());
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Received::Closed,
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next ACK: its frame and its payload as JSON.
    pub async fn ack(&mut self) -> (WireFrame, Value) {
        match self.next().await {
            Received::Frame(frame, _) => {
                let payload = serde_json::from_slice(frame.payload.as_deref().unwrap_or_default())
                    .expect("ACK payload is JSON");
                (frame, payload)
            }
            Received::Closed => panic!("connection closed before an ACK"),
        }
    }

    /// The socket's two halves, for a driver that sends and reads at once.
    pub fn split(self) -> (WsSink, WsStream) {
        self.ws.split()
    }

    /// Drop the connection without a close frame, as a network failure would.
    pub fn kill(self) {
        drop(self);
    }
}
