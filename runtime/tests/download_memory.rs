//! A 50 MB download runs in bounded memory: a counting allocator sees the peak of live heap
//! bytes while the file streams from a local server into a writer that keeps nothing.
//! (Its own test binary, so no other test shares the allocator's counts.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use feishu_runtime::{ApiRequest, Client, Method};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now =
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIZE: usize = 50 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// Serves one request with `SIZE` bytes, written 64 KiB at a time from one buffer.
async fn serve_once(listener: tokio::net::TcpListener) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut request = vec![0u8; 4096];
    let _ = socket.read(&mut request).await.unwrap();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\n\
         content-disposition: attachment; filename=\"big.bin\"\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![7u8; CHUNK];
    for _ in 0..SIZE / CHUNK {
        socket.write_all(&chunk).await.unwrap();
    }
    socket.flush().await.unwrap();
}

/// Counts bytes and checks them, keeping none.
struct Sink {
    written: usize,
}

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        assert!(buf.iter().all(|b| *b == 7));
        self.written += buf.len();
        std::task::Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn fifty_megabytes_in_bounded_memory() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_once(listener));
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .access_token("t")
        .build()
        .unwrap();
    let request =
        ApiRequest::new(Method::Get, "/open-apis/im/v1/files/:key").path_param("key", "big");
    let mut sink = Sink { written: 0 };

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let download = client.download(request, &mut sink).await.unwrap();
    let peak_growth = PEAK.load(Ordering::Relaxed) - before;
    server.await.unwrap();

    assert_eq!(sink.written, SIZE);
    assert_eq!(download.bytes_written, SIZE as u64);
    assert_eq!(download.file_name.as_deref(), Some("big.bin"));
    // The whole file is 50 MiB; streaming keeps the peak to a few buffers.
    assert!(
        peak_growth < 4 * 1024 * 1024,
        "peak heap growth {peak_growth} bytes while downloading {SIZE} bytes"
    );
    println!("peak heap growth during a {SIZE}-byte download: {peak_growth} bytes");
}
