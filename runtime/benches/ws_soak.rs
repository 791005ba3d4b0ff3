//! Soak: 10,000 events through the long connection from the local gateway, the connection
//! dropped after every 1,000th event is sent (with ACKs still in flight), and every event
//! whose ACK did not come back delivered again on the next connection, as Feishu does.
//! Prints events per second, ACK latency, peak memory, and the events lost or handled
//! twice (both must be 0).
//!
//! ```sh
//! cargo bench -p feishu-runtime --features ws --bench ws_soak
//! ```

#[allow(dead_code)]
#[path = "../tests/long_connection/gateway.rs"]
mod gateway;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feishu_runtime::Client;
use feishu_runtime::events::{Event, EventDispatcher};
use feishu_runtime::ws::LongConnection;
use futures::{SinkExt, StreamExt};
use prost::Message as _;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use gateway::*;

const EVENTS: usize = 10_000;
const DROP_EVERY: usize = 1_000;
/// How long the last connection waits for its ACKs before delivering again.
const ACK_WAIT: Duration = Duration::from_secs(5);

/// What the gateway knows of each delivery: event index by frame `SeqID`, and when it went.
#[derive(Default)]
struct Deliveries {
    next_seq_id: u64,
    sent: HashMap<u64, (usize, Instant)>,
    acked: BTreeMap<usize, Duration>,
}

impl Deliveries {
    fn frame(&mut self, index: usize) -> WireFrame {
        self.next_seq_id += 1;
        let seq_id = self.next_seq_id;
        self.sent.insert(seq_id, (index, Instant::now()));
        let payload = event(
            &format!("ev-{index}"),
            "im.message.receive_v1",
            json!({"message": {"message_id": format!("om_{index}"), "content": "{\"text\":\"soak\"}"}}),
        );
        event_frame(seq_id, &format!("msg-{seq_id}"), &payload)
    }

    fn unacked(&self, upto: usize) -> Vec<usize> {
        (0..upto).filter(|i| !self.acked.contains_key(i)).collect()
    }
}

/// Send `indexes` on `conn` and read ACKs; drop the connection right after the last
/// send when `drop_after`, else wait for the ACKs.
async fn deliver(
    conn: Conn,
    indexes: &[usize],
    deliveries: &Arc<Mutex<Deliveries>>,
    drop_after: bool,
) {
    let (mut sink, mut stream) = conn.split();
    let reader_deliveries = deliveries.clone();
    let expected = indexes.len();
    let reader = tokio::spawn(async move {
        let mut acks = 0;
        while let Some(Ok(message)) = stream.next().await {
            let Message::Binary(bytes) = message else {
                continue;
            };
            let frame = WireFrame::decode(&bytes[..]).unwrap();
            if frame.method != 1 {
                continue;
            }
            let mut d = reader_deliveries.lock().unwrap();
            if let Some((index, sent_at)) = d.sent.get(&frame.seq_id).copied() {
                d.acked.entry(index).or_insert(sent_at.elapsed());
                acks += 1;
            }
            if acks == expected {
                break;
            }
        }
    });
    for &index in indexes {
        let frame = deliveries.lock().unwrap().frame(index);
        if sink
            .send(Message::Binary(frame.encode_to_vec().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    if drop_after {
        reader.abort();
        drop(sink);
    } else {
        let _ = tokio::time::timeout(ACK_WAIT, reader).await;
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn soak() {
    let mut gateway = Gateway::start(json!({
        "PingInterval": 120, "ReconnectInterval": 1, "ReconnectNonce": 0, "ReconnectCount": -1
    }))
    .await;
    let handled: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let counts = handled.clone();
    let dispatcher =
        EventDispatcher::new().on("im.message.receive_v1", move |event: Event<Value>| {
            *counts
                .lock()
                .unwrap()
                .entry(event.header.event_id)
                .or_default() += 1;
            async { Ok(()) }
        });
    let client = Client::builder()
        .base_url(&gateway.base_url)
        .app_credentials(APP_ID, APP_SECRET)
        .build()
        .unwrap();
    let connection = LongConnection::new(client, dispatcher);
    let stop = connection.shutdown_handle();
    let task = tokio::spawn(connection.start());

    let deliveries = Arc::new(Mutex::new(Deliveries::default()));
    let started = Instant::now();
    let mut connections = 0;
    for segment in 0..EVENTS / DROP_EVERY {
        let conn = gateway.connection().await;
        connections += 1;
        let mut batch = deliveries.lock().unwrap().unacked(segment * DROP_EVERY);
        batch.extend(segment * DROP_EVERY..(segment + 1) * DROP_EVERY);
        let last = segment + 1 == EVENTS / DROP_EVERY;
        deliver(conn, &batch, &deliveries, !last).await;
    }
    // Whatever is still unacknowledged goes again on a fresh connection, a few times at most.
    for _ in 0..5 {
        let missing = deliveries.lock().unwrap().unacked(EVENTS);
        if missing.is_empty() {
            break;
        }
        let conn = gateway.connection().await;
        connections += 1;
        deliver(conn, &missing, &deliveries, true).await;
    }
    let elapsed = started.elapsed();
    stop.shutdown();
    let _ = tokio::time::timeout(Duration::from_secs(10), task).await;

    let d = deliveries.lock().unwrap();
    let mut latencies: Vec<Duration> = d.acked.values().copied().collect();
    latencies.sort();
    let handled = handled.lock().unwrap();
    let lost = (0..EVENTS)
        .filter(|i| !handled.contains_key(&format!("ev-{i}")))
        .count();
    let twice = handled.values().filter(|n| **n > 1).count();
    let sends = d.next_seq_id;
    println!("| measure | value |");
    println!("| --- | --- |");
    println!("| events | {EVENTS} (connection dropped after every {DROP_EVERY} sent) |");
    println!("| connections | {connections} |");
    println!("| deliveries sent (with redeliveries) | {sends} |");
    println!("| wall time | {:.2} s |", elapsed.as_secs_f64());
    println!(
        "| events per second | {:.0} |",
        EVENTS as f64 / elapsed.as_secs_f64()
    );
    println!(
        "| ACK latency p50 | {:.2} ms |",
        percentile(&latencies, 50.0).as_secs_f64() * 1e3
    );
    println!(
        "| ACK latency p99 | {:.2} ms |",
        percentile(&latencies, 99.0).as_secs_f64() * 1e3
    );
    println!(
        "| ACK latency max | {:.2} ms |",
        percentile(&latencies, 100.0).as_secs_f64() * 1e3
    );
    println!(
        "| peak memory (whole process: gateway and client) | {:.1} MiB |",
        peak_rss_kib() as f64 / 1024.0
    );
    println!("| events lost | {lost} |");
    println!("| events handled twice | {twice} |");
    assert_eq!((lost, twice), (0, 0), "every event handled exactly once");
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(soak());
}
