//! Slow and greedy clients against a real listener on loopback: half-sent heads, a body
//! shorter than its `Content-Length`, and one address opening more connections than it may.
//! Clients bind their own loopback address (127.0.0.2, 127.0.0.3, …) to be distinct peers.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use server::Application;
use server::config::{Config, LimitsConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const GREEDY: &str = "127.0.0.2";
const OTHER: &str = "127.0.0.3";

/// A real server with these limits; its data lives as long as the returned folder.
async fn start(adjust: impl FnOnce(&mut LimitsConfig)) -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().join("data"));
    adjust(&mut config.limits);
    let app = Application::build(&config).await.unwrap();
    let addr = app.addr();
    tokio::spawn(app.run_until_stopped());
    (addr, dir)
}

async fn connect_from(ip: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{ip}:0").parse().unwrap()).unwrap();
    socket.connect(server).await.unwrap()
}

/// A connection that sent half a request head and then nothing.
async fn half_sent_head(ip: &str, server: SocketAddr) -> TcpStream {
    let mut stream = connect_from(ip, server).await;
    // The server may have closed it already (over the bound): that is what some tests want.
    let _ = stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await;
    stream
}

/// Whether the server closes `stream` within `wait` (anything it sends first is skipped).
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// Waits on all `streams` at once: those still open, and how many the server closed
/// within `wait`.
async fn which_close(streams: Vec<TcpStream>, wait: Duration) -> (Vec<TcpStream>, usize) {
    let mut waiting = tokio::task::JoinSet::new();
    for mut stream in streams {
        waiting.spawn(async move {
            let closed = closed_within(&mut stream, wait).await;
            (stream, closed)
        });
    }
    let (mut open, mut closed) = (Vec::new(), 0);
    while let Some(done) = waiting.join_next().await {
        match done.unwrap() {
            (_, true) => closed += 1,
            (stream, false) => open.push(stream),
        }
    }
    (open, closed)
}

/// Sends `request` from `ip` and reads the answer to its end (bounded): the status and body.
async fn exchange(ip: &str, server: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = connect_from(ip, server).await;
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer, and the connection closed, within 10 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

async fn healthz_from(ip: &str, server: SocketAddr) -> u16 {
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange(ip, server, request).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_beyond_its_bound_is_closed_and_others_are_served() {
    let (server, _dir) = start(|limits| {
        limits.max_connections_per_ip = 20;
        limits.header_read_timeout_seconds = 60; // the held ones stay for this test
    })
    .await;

    let mut greedy = Vec::new();
    for _ in 0..30 {
        greedy.push(half_sent_head(GREEDY, server).await);
    }
    let (greedy, closed) = which_close(greedy, Duration::from_secs(2)).await;
    assert_eq!(
        closed, 10,
        "the 10 beyond the per-address bound are closed at once"
    );

    let mut served = 0;
    for _ in 0..20 {
        if healthz_from(OTHER, server).await == 200 {
            served += 1;
        }
    }
    assert_eq!(
        served, 20,
        "another address is served while the greedy one holds 20"
    );
    drop(greedy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_heads_and_idle_connections_are_closed_after_the_header_timeout() {
    let (server, _dir) = start(|limits| limits.header_read_timeout_seconds = 1).await;
    let started = Instant::now();
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(half_sent_head(GREEDY, server).await);
    }
    held.push(connect_from(GREEDY, server).await); // sends nothing at all

    let (open, closed) = which_close(held, Duration::from_secs(10)).await;
    assert_eq!((open.len(), closed), (0, 6), "all closed within 10 s");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the timeout: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_shorter_than_its_content_length_is_answered_408() {
    let (server, _dir) = start(|limits| limits.body_read_timeout_seconds = 1).await;
    let started = Instant::now();
    let request = b"POST /rpc/sign_in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Content-Length: 100\r\n\r\n{\"input\": ";
    let (status, body) = exchange(GREEDY, server, request).await;
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("\"request_timeout\""), "{body}");
    assert!(started.elapsed() >= Duration::from_millis(900));

    // An honest request on the same server is unaffected.
    assert_eq!(healthz_from(OTHER, server).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_total_bound_new_clients_wait_and_are_then_served() {
    let (server, _dir) = start(|limits| {
        limits.max_connections = 5;
        limits.header_read_timeout_seconds = 1;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(half_sent_head(GREEDY, server).await);
    }
    let started = Instant::now();
    // Waits in the backlog, not refused: answered once the timeout frees a slot.
    assert_eq!(healthz_from(OTHER, server).await, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served only after a slot was freed: {:?}",
        started.elapsed()
    );
    drop(held);
}
