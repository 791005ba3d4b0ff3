//! One WebSocket connection, from its handshake until it is lost or shut down: pings,
//! pongs, the liveness watchdog, frames in, ACKs out.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use prost::Message as _;
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::endpoint::{AttemptError, ServerConfig, handshake_refused};
use super::fragments::Joined;
use super::frame::{self, Frame, METHOD_CONTROL, METHOD_DATA};
use super::{Ack, LongConnection, Run};
use crate::events::Delivery;

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a session ended.
pub(crate) enum End {
    Shutdown,
    Lost(String),
}

/// Open the WebSocket at `url` (`wss://` over rustls, or `ws://`).
pub(crate) async fn open(url: &str) -> Result<Socket, AttemptError> {
    match tokio_tungstenite::connect_async(url).await {
        Ok((socket, _response)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(handshake_refused(
            response.headers(),
            response.status().as_u16(),
        )),
        // Not the URL: it carries the connection's ticket.
        Err(err) => Err(AttemptError::Retry(format!(
            "WebSocket connect failed: {err}"
        ))),
    }
}

impl LongConnection {
    pub(super) async fn session(&self, run: &mut Run, socket: Socket, service_id: i32) -> End {
        run.generation += 1;
        let generation = run.generation;
        let (mut sink, mut stream) = socket.split();
        let mut next_ping = Instant::now();
        // When the last ping went out with nothing heard since.
        let mut unanswered_ping: Option<Instant> = None;
        loop {
            let watchdog = unanswered_ping.map(|sent| sent + self.liveness_timeout);
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => {
                    self.drain(run, generation, &mut sink).await;
                    return End::Shutdown;
                }
                Some(ack) = run.acks_rx.recv() => {
                    if ack.generation != generation {
                        tracing::debug!("ACK for a lost connection dropped");
                    } else if let Err(err) = send(&mut sink, &ack.frame).await {
                        return End::Lost(format!("cannot send an ACK: {err}"));
                    }
                }
                Some(done) = run.handlers.join_next(), if !run.handlers.is_empty() => {
                    if let Err(err) = done {
                        tracing::error!(%err, "event handler task failed");
                    }
                }
                _ = sleep_until(next_ping) => {
                    if let Err(err) = send(&mut sink, &Frame::ping(service_id)).await {
                        return End::Lost(format!("cannot send a ping: {err}"));
                    }
                    let now = Instant::now();
                    unanswered_ping.get_or_insert(now);
                    next_ping = now + run.settings.ping_interval;
                }
                _ = sleep_until(watchdog.unwrap_or_else(far_future)), if watchdog.is_some() => {
                    return End::Lost(format!(
                        "nothing heard for {:?} after a ping",
                        self.liveness_timeout
                    ));
                }
                message = stream.next() => {
                    unanswered_ping = None;
                    match message {
                        None => return End::Lost("the server closed the connection".into()),
                        Some(Err(err)) => return End::Lost(format!("read failed: {err}")),
                        Some(Ok(Message::Close(close))) => {
                            return End::Lost(format!("the server closed the connection: {close:?}"));
                        }
                        Some(Ok(Message::Binary(bytes))) => {
                            if let Some(interval) = self.on_frame(run, generation, &bytes) {
                                let last_ping = next_ping - run.settings.ping_interval;
                                run.settings.ping_interval = interval;
                                next_ping = last_ping + interval;
                            }
                        }
                        // WebSocket pings are answered by tungstenite; text is not the protocol.
                        Some(Ok(_)) => {}
                    }
                }
            }
        }
    }

    /// One binary message. Returns the new ping interval when a pong changed it.
    fn on_frame(&self, run: &mut Run, generation: u64, bytes: &[u8]) -> Option<Duration> {
        let frame = match Frame::decode(bytes) {
            Ok(frame) => frame,
            Err(err) => {
                tracing::warn!(%err, len = bytes.len(), "undecodable frame skipped");
                return None;
            }
        };
        match frame.method {
            METHOD_CONTROL => self.on_control(run, &frame),
            METHOD_DATA => {
                self.on_data(run, generation, frame);
                None
            }
            method => {
                tracing::debug!(method, "frame of unknown method skipped");
                None
            }
        }
    }

    fn on_control(&self, run: &mut Run, frame: &Frame) -> Option<Duration> {
        if frame.header(frame::TYPE) != Some("pong") {
            return None;
        }
        let payload = frame.payload.as_deref().filter(|p| !p.is_empty())?;
        let config: ServerConfig = match serde_json::from_slice(payload) {
            Ok(config) => config,
            Err(err) => {
                tracing::warn!(%err, "pong carries a config that does not decode");
                return None;
            }
        };
        let before = run.settings.ping_interval;
        run.settings.apply(&config);
        let after = run.settings.ping_interval;
        // The session reschedules the next ping and then takes the new interval.
        run.settings.ping_interval = before;
        (after != before).then_some(after)
    }

    fn on_data(&self, run: &mut Run, generation: u64, mut frame: Frame) {
        let delivery = match frame.header(frame::TYPE) {
            Some("event") => Delivery::Event,
            Some("card") => Delivery::LegacyCard,
            other => {
                tracing::debug!(kind = other, "data frame of unknown type skipped");
                return;
            }
        };
        let sum = frame.header_number(frame::SUM).unwrap_or(1);
        let seq = frame.header_number(frame::SEQ).unwrap_or(0);
        let message_id = frame
            .header(frame::MESSAGE_ID)
            .unwrap_or_default()
            .to_string();
        let payload = frame.payload.take().unwrap_or_default();
        let payload = match run.fragments.add(&message_id, sum, seq, payload) {
            Joined::Complete(payload) => payload,
            Joined::Pending => return,
            Joined::Invalid => {
                tracing::warn!(
                    message_id,
                    sum,
                    seq,
                    "fragment numbers make no sense; skipped"
                );
                return;
            }
        };
        let dispatcher = self.dispatcher.clone();
        let acks = run.acks_tx.clone();
        run.handlers.spawn(async move {
            let started = Instant::now();
            let outcome = dispatcher.handle_delivery(&payload, delivery).await;
            let biz_rt = started.elapsed().as_millis() as u64;
            let (status, answer) = if (200..300).contains(&outcome.status) {
                (200, outcome.answer)
            } else {
                (500, None)
            };
            if biz_rt > 3000 {
                tracing::warn!(message_id, biz_rt, "handler answered after Feishu's 3 s");
            }
            let frame = frame.ack(biz_rt, status, answer.as_ref());
            // The receiver lives as long as the connection loop; gone means stopped.
            let _ = acks.send(Ack { generation, frame });
        });
    }

    /// Shutdown: finish running handlers and send their ACKs, then close the socket.
    async fn drain(
        &self,
        run: &mut Run,
        generation: u64,
        sink: &mut futures::stream::SplitSink<Socket, Message>,
    ) {
        let deadline = tokio::time::sleep(self.shutdown_timeout);
        tokio::pin!(deadline);
        while !run.handlers.is_empty() {
            tokio::select! {
                Some(ack) = run.acks_rx.recv() => {
                    if ack.generation == generation && send(sink, &ack.frame).await.is_err() {
                        break;
                    }
                }
                Some(done) = run.handlers.join_next() => {
                    if let Err(err) = done {
                        tracing::error!(%err, "event handler task failed");
                    }
                }
                _ = &mut deadline => {
                    tracing::warn!(running = run.handlers.len(), "handlers aborted at shutdown");
                    run.handlers.abort_all();
                    break;
                }
            }
        }
        // ACKs of handlers that finished are queued already.
        while let Ok(ack) = run.acks_rx.try_recv() {
            if ack.generation == generation {
                let _ = send(sink, &ack.frame).await;
            }
        }
        let close = CloseFrame {
            code: CloseCode::Normal,
            reason: "shutdown".into(),
        };
        let _ = sink.send(Message::Close(Some(close))).await;
        let _ = sink.close().await;
    }
}

async fn send(
    sink: &mut futures::stream::SplitSink<Socket, Message>,
    frame: &Frame,
) -> Result<(), tungstenite::Error> {
    sink.send(Message::Binary(frame.encode_to_vec().into()))
        .await
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(365 * 24 * 60 * 60)
}
