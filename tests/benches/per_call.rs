//! What one call costs at run time: the generated client against plain reqwest + serde
//! derive, sending the identical request to a local keep-alive server and decoding the
//! identical reply; allocations per call; and a 1 MB paged list decoded by the generated
//! types against serde-derive types of the same shape.
//!
//! `cargo bench -p feishu-tests --bench per_call` prints two markdown tables of the same
//! shape every run (BENCHMARKS.md); `PER_CALL_QUICK=1` runs fewer, shorter rounds for a
//! quick look. Rounds alternate between the two clients so a noisy machine slows both
//! alike; compare the ratios, not the absolute numbers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{post, put};
use feishu_api::aily::v1::aily_session::UpdateRequest;
use feishu_api::im::v1::chat::ListResponse;
use feishu_api::{Client, runtime};
use serde::{Deserialize, Serialize};

/// Counts allocations made on the thread that has counting switched on (the client's), so
/// the in-process server's own allocations are left out.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How long the bench runs: bounded either way, so it stops by itself.
#[derive(Clone, Copy)]
struct Size {
    /// Calls per round.
    calls: u32,
    /// Rounds per client.
    rounds: usize,
    /// Rounds of [`DECODES`] decodes per decoder.
    decode_rounds: usize,
}

const FULL: Size = Size {
    calls: 5_000,
    rounds: 4,
    decode_rounds: 5,
};
/// `PER_CALL_QUICK=1`.
const QUICK: Size = Size {
    calls: 1_000,
    rounds: 2,
    decode_rounds: 2,
};
/// Decodes of the 1 MB list per timed round.
const DECODES: u32 = 20;

const SEED_REPLY: &str = r#"{"code":0,"msg":"success","data":{"session":{"id":"session_4dfunz7sp1g8m","created_at":"1711975665710","modified_at":"1711975665710","created_by":"1794840334557292","channel_context":"{}","metadata":"{}"}}}"#;
const TOKEN_REPLY: &str = r#"{"code":0,"msg":"ok","tenant_access_token":"t-bench","expire":7200}"#;

/// The local Feishu: a tenant token, and the seed endpoint's reply.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let json = |body: &'static str| {
                move || async move { ([("content-type", "application/json")], body) }
            };
            let app = Router::new()
                .route(
                    "/open-apis/auth/v3/tenant_access_token/internal",
                    post(json(TOKEN_REPLY)),
                )
                .route("/open-apis/aily/v1/sessions/{id}", put(json(SEED_REPLY)));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// The seed reply as a hand-written client would declare it.
#[derive(Deserialize)]
struct Envelope<T> {
    code: i64,
    #[allow(dead_code)]
    msg: String,
    data: Option<T>,
}

#[derive(Deserialize)]
struct UpdateData {
    session: Option<Session>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Session {
    id: Option<String>,
    created_at: Option<String>,
    modified_at: Option<String>,
    created_by: Option<String>,
    channel_context: Option<String>,
    metadata: Option<String>,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    channel_context: &'a str,
}

/// One round of calls: their rate and allocations per call.
struct Round {
    per_second: f64,
    allocations: f64,
}

async fn timed<F, Fut>(calls: u32, mut call: F) -> Round
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    ALLOCATIONS.store(0, Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    let start = Instant::now();
    for _ in 0..calls {
        call().await;
    }
    let elapsed = start.elapsed();
    COUNTING.with(|c| c.set(false));
    Round {
        per_second: f64::from(calls) / elapsed.as_secs_f64(),
        allocations: ALLOCATIONS.load(Ordering::Relaxed) as f64 / f64::from(calls),
    }
}

async fn generated_call(client: &Client) {
    let request = UpdateRequest::builder("session_4dfunz7sp1g8m")
        .channel_context("ctx")
        .build();
    let reply = client.aily().v1().aily_session().update(request).await;
    black_box(reply.expect("the local server answers"));
}

async fn plain_call(http: &reqwest::Client, url: &str) {
    let reply: Envelope<UpdateData> = http
        .put(url)
        .bearer_auth("t-bench")
        .json(&UpdateBody {
            channel_context: "ctx",
        })
        .send()
        .await
        .expect("the local server answers")
        .json()
        .await
        .expect("the reply decodes");
    assert_eq!(reply.code, 0);
    black_box(reply.data.and_then(|d| d.session));
}

/// Median of the rounds' rates and allocations.
fn median(rounds: &[Round]) -> (f64, f64) {
    let mut rates: Vec<f64> = rounds.iter().map(|r| r.per_second).collect();
    let mut allocations: Vec<f64> = rounds.iter().map(|r| r.allocations).collect();
    rates.sort_by(f64::total_cmp);
    allocations.sort_by(f64::total_cmp);
    (rates[rates.len() / 2], allocations[allocations.len() / 2])
}

fn calls_per_second(addr: SocketAddr, size: Size) -> ((f64, f64), (f64, f64)) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let base = format!("http://{addr}");
        let core = runtime::Client::builder()
            .base_url(&base)
            .app_credentials("cli_bench", "bench secret")
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let client = Client::new(core);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("{base}/open-apis/aily/v1/sessions/session_4dfunz7sp1g8m");
        // Warm up: the token is fetched and cached, both connections are open.
        for _ in 0..200 {
            generated_call(&client).await;
            plain_call(&http, &url).await;
        }
        let (mut ours, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..size.rounds {
            ours.push(timed(size.calls, || generated_call(&client)).await);
            plain.push(timed(size.calls, || plain_call(&http, &url)).await);
        }
        (median(&ours), median(&plain))
    })
}

/// The 1 MB paged list as serde derive would declare it.
#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainList {
    items: Option<Vec<PlainChat>>,
    page_token: Option<String>,
    has_more: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainChat {
    chat_id: Option<String>,
    avatar: Option<String>,
    name: Option<String>,
    description: Option<String>,
    owner_id: Option<String>,
    owner_id_type: Option<String>,
    external: Option<bool>,
    tenant_key: Option<String>,
    chat_status: Option<String>,
}

/// About 1 MB of `im.v1.chat.list` reply data.
fn big_list() -> String {
    let item = serde_json::json!({
        "chat_id": "oc_a0553eda9014c201e6969b478895c230",
        "avatar": "https://p3-lark-file.byteimg.com/img/lark-avatar-staging/default-avatar_44ae0ca3-e140-494b-956f-78091e348435~100x100.jpg",
        "name": "测试群名称",
        "description": "测试群描述",
        "owner_id": "4d7a3c6g",
        "owner_id_type": "user_id",
        "external": false,
        "tenant_key": "736588c9260f175e",
        "chat_status": "normal"
    });
    let count = 1_000_000 / item.to_string().len() + 1;
    serde_json::json!({
        "items": vec![item; count],
        "page_token": "dmJCRHhpd3JRbGV1VEVNRFFyTitRWDY5ZFkybmYrMEUwMUFYT0VMMWdENEtuYUhsNUxGMDIwemtvdE5ORjBNQQ==",
        "has_more": true
    })
    .to_string()
}

/// Megabytes per second decoding `text` as `T`, best of a few bounded rounds.
fn decode_rate<T: for<'de> Deserialize<'de>>(text: &str, rounds: usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..DECODES {
            black_box(serde_json::from_str::<T>(text).expect("decodes"));
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(DECODES));
    }
    text.len() as f64 / 1e6 / best
}

fn main() {
    let size = match std::env::var("PER_CALL_QUICK") {
        Ok(v) if v == "1" => QUICK,
        _ => FULL,
    };
    let addr = start_server();
    let ((ours, ours_allocs), (plain, plain_allocs)) = calls_per_second(addr, size);
    let list = big_list();
    // Alternate the two decoders twice; keep each one's better figure.
    let (mut generated, mut derived) = (0f64, 0f64);
    for _ in 0..2 {
        generated = generated.max(decode_rate::<ListResponse>(&list, size.decode_rounds));
        derived = derived.max(decode_rate::<PlainList>(&list, size.decode_rounds));
    }
    println!("| per call (seed `update`, local keep-alive server) | calls/s | allocations/call |");
    println!("| --- | ---: | ---: |");
    println!("| generated client | {ours:.0} | {ours_allocs:.0} |");
    println!("| plain reqwest + serde derive | {plain:.0} | {plain_allocs:.0} |");
    println!(
        "| ratio (generated / plain) | {:.2}x | {:.2}x |",
        ours / plain,
        ours_allocs / plain_allocs
    );
    println!();
    println!(
        "| 1 MB `im.v1.chat.list` reply ({} bytes) | MB/s |",
        list.len()
    );
    println!("| --- | ---: |");
    println!("| generated types | {generated:.0} |");
    println!("| serde derive of the same shape | {derived:.0} |");
    println!(
        "| ratio (generated / derive) | {:.2}x |",
        generated / derived
    );
}
