//! A real `redis-server` for the tests: on a free port of 127.0.0.1, its files in a temp
//! dir, killed on drop.

use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct RedisServer {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CI sets `CI` (to `true`); there a missing redis-server fails instead of skipping.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

impl RedisServer {
    /// A running server, or `None` (after saying why) when `redis-server` is not installed
    /// and this is not CI. In CI a missing binary fails the test.
    pub fn start() -> Option<RedisServer> {
        match Command::new("redis-server").arg("--version").output() {
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::NotFound => {
                let message = "redis-server is not on PATH: install it (apt-get install -y \
                               redis-server) to run the Redis store tests";
                assert!(!in_ci(), "{message} (CI is set, so this fails)");
                eprintln!("skipped: {message}");
                return None;
            }
            Err(err) => panic!("cannot run redis-server --version: {err}"),
        }
        let dir = tempfile::tempdir().unwrap();
        // A port found free can be taken before the server binds it: try a few.
        let mut last_log = String::new();
        for _ in 0..5 {
            let port = free_port();
            match spawn(dir.path(), port) {
                Ok(child) => {
                    return Some(RedisServer {
                        child,
                        url: format!("redis://127.0.0.1:{port}/"),
                        _dir: dir,
                    });
                }
                Err(log) => last_log = log,
            }
        }
        panic!("redis-server did not start; its log:\n{last_log}");
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start a server on `port` and wait until it accepts connections (5 s at most); its log
/// when it exits or does not come up.
fn spawn(dir: &Path, port: u16) -> Result<Child, String> {
    let log = dir.join(format!("redis-{port}.log"));
    let mut child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .arg("--dir")
        .arg(dir)
        .arg("--logfile")
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| format!("cannot start redis-server: {err}"))?;
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    for _ in 0..500 {
        if let Some(status) = child.try_wait().unwrap() {
            return Err(format!("exited with {status}\n{}", read_log()));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(child);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(format!(
        "not accepting connections after 5 s\n{}",
        read_log()
    ))
}
