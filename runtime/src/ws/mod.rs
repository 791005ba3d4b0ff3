//! Events over Feishu's long connection (长连接): the app dials out to Feishu over a
//! WebSocket, so it needs no public URL, no signature checks and no decryption. Feishu
//! sends each event (and each card or link-preview callback) as a protobuf frame and waits
//! up to 3 s for the ACK frame, which carries the handler's answer.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use feishu_runtime::events::{CardActionReply, EventDispatcher, Toast};
//! use feishu_runtime::ws::LongConnection;
//!
//! let core = feishu_runtime::Client::builder()
//!     .app_credentials("cli_a1b2c3d4e5f6a7b8", "app secret")
//!     .build()?;
//! let dispatcher = EventDispatcher::new()
//!     .on_card_action(|_action| async { Ok(CardActionReply::toast(Toast::success("Done"))) });
//! let connection = LongConnection::new(core, dispatcher);
//! let stop = connection.shutdown_handle();
//! tokio::spawn(async move {
//!     tokio::signal::ctrl_c().await.ok();
//!     stop.shutdown(); // in-flight handlers finish, then the socket closes
//! });
//! connection.start().await?;
//! # Ok(()) }
//! ```
//!
//! What happens when:
//! - **The connection drops** (or the server closes it): reconnect after a random delay
//!   below the server's `ReconnectNonce`, then every `ReconnectInterval`, up to
//!   `ReconnectCount` attempts (defaults: 30 s, 120 s, unlimited). Handlers already running
//!   go on; their ACKs are for the old socket and are dropped, so Feishu delivers those
//!   events again and the dispatcher's de-duplication drops the repeats.
//! - **The connection goes silent**: a ping goes out on connect and every `PingInterval`
//!   (default 120 s; a pong may change it). When nothing at all arrives within the
//!   [liveness timeout](LongConnection::liveness_timeout) after a ping, the connection is
//!   counted dead and replaced.
//! - **A handler is slow**: it is never cut short. Its ACK goes out when it finishes, with
//!   the real `biz_rt`; past 3 s Feishu counts the delivery as failed and sends it again,
//!   and the repeat is answered at once and dropped while the first one still runs (or
//!   after it succeeded). A callback's answer that late is not shown to the user.
//! - **A handler fails or panics**: the ACK says 500, the connection stays up, and Feishu
//!   delivers the event again later.
//! - **Stopping**: [`ShutdownHandle::shutdown`] (or cancelling the token given to
//!   [`LongConnection::cancellation_token`]) stops reading frames, waits for in-flight
//!   handlers (at most the [shutdown timeout](LongConnection::shutdown_timeout)), sends
//!   their ACKs, closes the socket and returns `Ok(())` from [`LongConnection::start`].
//! - **Refusals that trying again will not change** (the endpoint refusing the app's
//!   credentials, a handshake refused with 403 or for too many connections, the reconnect
//!   count running out) end `start` with a [`LongConnectionError`].

mod endpoint;
pub mod fragments;
pub mod frame;
mod session;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
pub use tokio_util::sync::CancellationToken;

use endpoint::{AttemptError, Endpoint};
pub use endpoint::{LongConnectionError, ServerConfig, Settings};
use fragments::Fragments;
use frame::Frame;

use crate::Client;
use crate::events::EventDispatcher;

/// Where the long connection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// The first connection is being made.
    Connecting,
    /// Connected: events flow.
    Ready,
    /// The connection was lost (or could not be made); `attempt` counts the tries since.
    Reconnecting { attempt: u32 },
    /// [`LongConnection::start`] has returned.
    Stopped,
}

/// Stops a running [`LongConnection`] gracefully; cheap to clone.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(CancellationToken);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        self.0.cancel();
    }
}

/// Receives an app's events over the long connection and hands them to an
/// [`EventDispatcher`]: the same dispatcher, with the same handlers, that serves webhooks.
/// Only self-built apps can use it (Feishu's rule).
pub struct LongConnection {
    client: Client,
    dispatcher: Arc<EventDispatcher>,
    liveness_timeout: Duration,
    shutdown_timeout: Duration,
    settings: Settings,
    cancel: CancellationToken,
    state: watch::Sender<ConnectionState>,
}

impl std::fmt::Debug for LongConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LongConnection")
            .field("app_id", &self.client.app_id())
            .field("liveness_timeout", &self.liveness_timeout)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("state", &*self.state.borrow())
            .finish_non_exhaustive()
    }
}

/// An ACK a handler produced, for the connection it came in on.
struct Ack {
    generation: u64,
    frame: Frame,
}

/// What lives across connections: handlers still running, their ACKs, fragments.
struct Run {
    handlers: JoinSet<()>,
    acks_tx: mpsc::UnboundedSender<Ack>,
    acks_rx: mpsc::UnboundedReceiver<Ack>,
    fragments: Fragments,
    /// Counts connections, so an ACK never goes out on a socket its frame did not come on.
    generation: u64,
    settings: Settings,
}

impl LongConnection {
    pub fn new(client: Client, dispatcher: EventDispatcher) -> Self {
        LongConnection {
            client,
            dispatcher: Arc::new(dispatcher),
            liveness_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            settings: Settings::default(),
            cancel: CancellationToken::new(),
            state: watch::Sender::new(ConnectionState::Connecting),
        }
    }

    /// How long after a ping the connection may stay silent (no frame, no pong) before it
    /// counts as dead and is replaced (default 30 s).
    pub fn liveness_timeout(mut self, timeout: Duration) -> Self {
        self.liveness_timeout = timeout;
        self
    }

    /// How long a shutdown waits for running handlers before it aborts them (default 30 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// The settings used until the server sends its own (ping and reconnect timing).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Stop when `token` is cancelled (e.g. one token for all of an app's tasks).
    pub fn cancellation_token(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.cancel.clone())
    }

    /// The connection's state as it changes.
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.subscribe()
    }

    /// Connect and deliver events until stopped (`Ok`) or refused for good (`Err`).
    pub async fn start(self) -> Result<(), LongConnectionError> {
        let Some((app_id, app_secret)) = self.client.self_built_app() else {
            self.state.send_replace(ConnectionState::Stopped);
            return Err(LongConnectionError::NoCredentials);
        };
        let (app_id, app_secret) = (app_id.to_string(), app_secret.clone());
        let (acks_tx, acks_rx) = mpsc::unbounded_channel();
        let mut run = Run {
            handlers: JoinSet::new(),
            acks_tx,
            acks_rx,
            fragments: Fragments::default(),
            generation: 0,
            settings: self.settings.clone(),
        };
        // `None` until the first connection is lost; then the attempts since.
        let mut reconnects: Option<u32> = None;
        let mut last_failure = String::new();
        let result = loop {
            if let Some(done) = reconnects {
                if run.settings.reconnect_count.is_some_and(|max| done >= max) {
                    break Err(LongConnectionError::ReconnectsExhausted {
                        attempts: done,
                        last: last_failure,
                    });
                }
                let attempt = done + 1;
                reconnects = Some(attempt);
                self.state
                    .send_replace(ConnectionState::Reconnecting { attempt });
                let delay = if attempt == 1 {
                    jitter(run.settings.reconnect_nonce)
                } else {
                    run.settings.reconnect_interval
                };
                tracing::info!(attempt, delay_ms = delay.as_millis() as u64, "reconnecting");
                if self.stopped_during(tokio::time::sleep(delay)).await {
                    break Ok(());
                }
            }
            let connected = tokio::select! {
                _ = self.cancel.cancelled() => break Ok(()),
                connected = self.connect(&app_id, &app_secret, &mut run.settings) => connected,
            };
            match connected {
                Ok((socket, endpoint)) => {
                    self.state.send_replace(ConnectionState::Ready);
                    tracing::info!(service_id = endpoint.service_id, "long connection ready");
                    match self.session(&mut run, socket, endpoint.service_id).await {
                        session::End::Shutdown => break Ok(()),
                        session::End::Lost(why) => {
                            tracing::warn!(why, "long connection lost");
                            last_failure = why;
                            reconnects = Some(0);
                        }
                    }
                }
                Err(AttemptError::Final(error)) => break Err(error),
                Err(AttemptError::Retry(why)) => {
                    tracing::warn!(why, "cannot connect");
                    last_failure = why;
                    reconnects = Some(reconnects.unwrap_or(0));
                }
            }
        };
        self.finish_handlers(&mut run).await;
        self.state.send_replace(ConnectionState::Stopped);
        result
    }

    /// One try: ask the endpoint for a URL, then open the WebSocket.
    async fn connect(
        &self,
        app_id: &str,
        app_secret: &crate::Secret,
        settings: &mut Settings,
    ) -> Result<(session::Socket, Endpoint), AttemptError> {
        let endpoint = endpoint::fetch(&self.client, app_id, app_secret).await?;
        if let Some(config) = &endpoint.config {
            settings.apply(config);
        }
        let socket = session::open(&endpoint.url).await?;
        Ok((socket, endpoint))
    }

    /// Wait for `sleep`; `true` when a shutdown came first.
    async fn stopped_during(&self, sleep: tokio::time::Sleep) -> bool {
        tokio::select! {
            _ = self.cancel.cancelled() => true,
            _ = sleep => false,
        }
    }

    /// Let running handlers finish (no socket to answer on: Feishu delivers again).
    async fn finish_handlers(&self, run: &mut Run) {
        let deadline = tokio::time::sleep(self.shutdown_timeout);
        tokio::pin!(deadline);
        while !run.handlers.is_empty() {
            tokio::select! {
                _ = run.handlers.join_next() => {}
                _ = &mut deadline => {
                    tracing::warn!(running = run.handlers.len(), "handlers aborted at shutdown");
                    run.handlers.abort_all();
                    break;
                }
            }
        }
    }
}

/// A random delay below `nonce`, so instances that lost their connections together do
/// not all come back at once.
fn jitter(nonce: Duration) -> Duration {
    let ms = nonce.as_millis() as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(fastrand::u64(0..ms))
}
