//! Serving HTTP/1.1 so that slow or greedy clients cannot starve the others: our own accept
//! loop instead of `axum::serve`, which reads headers and bodies with no time limit and
//! accepts connections until the process runs out of file descriptors.
//!
//! - At most `max_connections` are open at once. Beyond that the loop stops accepting, so
//!   new clients wait in the kernel's backlog instead of the process failing `accept` with
//!   "Too many open files".
//! - At most `max_connections_per_ip` from one peer address (the TCP peer: behind a reverse
//!   proxy that is the proxy); one more is closed at once.
//! - A request's head must arrive within `header_read_timeout` (an idle keep-alive
//!   connection is closed after the same time), and its body within `body_read_timeout` of
//!   the head: else `408 request_timeout` and the connection is closed.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::json_error::ApiError;

/// What one client may hold, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
}

/// File descriptors kept for everything that is not a client: the database pool, the
/// listener, log and asset files.
const RESERVED_FDS: u64 = 64;

/// Raises the process's open-file soft limit to its hard limit (cheap, and often 1 024
/// against a hard limit many times that), then bounds `configured` by what fits in it.
pub fn fit_to_open_file_limit(configured: usize) -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if let Err(error) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(%error, "could not raise the open-file limit");
        }
    }
    let soft = getrlimit(Resource::Nofile).current;
    let fitted = connections_within(configured, soft);
    if fitted < configured {
        tracing::warn!(
            configured,
            fitted,
            open_file_limit = soft,
            "--max-connections lowered to fit the open-file limit (raise it with `ulimit -n`)"
        );
    }
    fitted
}

/// `configured`, or fewer when the open-file limit (`None`: unlimited) cannot hold that many
/// connections besides [`RESERVED_FDS`]. Never below 1.
fn connections_within(configured: usize, open_file_limit: Option<u64>) -> usize {
    let Some(limit) = open_file_limit else {
        return configured;
    };
    let room = usize::try_from(limit.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
    configured.min(room).max(1)
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves, then lets the
/// requests in flight finish: idle connections close at once, one still sending its head
/// within the header timeout, so stopping never waits on a client for longer than the
/// timeouts (`axum::serve` waited for held connections forever).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let app = app.layer(axum::middleware::from_fn_with_state(
        limits.body_read_timeout,
        refuse_slow_bodies,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let peers = PeerCounts::default();
    // Every connection holds a receiver; the sender tells them to stop, and its `closed()`
    // says when the last one has.
    let (stop, stopped) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // EMFILE and friends: back off rather than spin; the slot is released.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(counted) = peers.admit(peer.ip(), limits.max_connections_per_ip) else {
            tracing::debug!(peer = %peer.ip(), "too many connections from this address: closed");
            continue; // dropping `stream` closes it
        };
        let app = app.clone();
        let mut stopping = stopped.clone();
        tokio::spawn(async move {
            let _held = (slot, counted);
            let service = TowerToHyperService::new(tower::service_fn(
                move |mut request: Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().oneshot(request.map(Body::new))
                },
            ));
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => log_connection_end(result),
                () = async { drop(stopping.wait_for(|stop| *stop).await) } => {
                    connection.as_mut().graceful_shutdown();
                    log_connection_end(connection.await);
                }
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(stopped);
    stop.closed().await;
}

fn log_connection_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        // Timeouts and clients that hang up: routine, not worth a warning each.
        tracing::debug!(%error, "connection ended");
    }
}

/// Open connections per peer address.
#[derive(Clone, Default)]
struct PeerCounts(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One counted connection; uncounted when dropped.
struct Counted {
    peers: PeerCounts,
    ip: IpAddr,
}

impl PeerCounts {
    fn admit(&self, ip: IpAddr, max: usize) -> Option<Counted> {
        let mut counts = self.lock();
        let count = counts.entry(ip).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Counted {
            peers: self.clone(),
            ip,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        // Only counters inside: a panic elsewhere cannot leave them half-written.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut counts = self.peers.lock();
        if let Some(count) = counts.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// Gives the request's body `limit` from now to arrive in full (a `Content-Length` that
/// lies would otherwise keep the handler waiting forever). When it does not, the handler
/// sees a body error, and whatever it made of it is replaced by `408`.
async fn refuse_slow_bodies(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    if http_body::Body::is_end_stream(request.body()) {
        return next.run(request).await; // no body to wait for
    }
    let timed_out = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::new(BodyDeadline {
            inner: body,
            deadline: Box::pin(tokio::time::sleep(limit)),
            timed_out: timed_out.clone(),
        })
    });
    let response = next.run(request).await;
    if timed_out.load(Ordering::Relaxed) {
        let message = format!(
            "The request body did not arrive within {} seconds (does Content-Length match what is sent?).",
            limit.as_secs()
        );
        let mut response =
            ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", message).into_response();
        // The rest of the body may still come: this connection can't be reused.
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        return response;
    }
    response
}

/// A body that fails once its deadline has passed.
struct BodyDeadline {
    inner: Body,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

impl http_body::Body for BodyDeadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.timed_out.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_is_bounded_and_freed_when_its_connections_close() {
        let peers = PeerCounts::default();
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        let held: Vec<_> = (0..2).map(|_| peers.admit(a, 2).unwrap()).collect();
        assert!(peers.admit(a, 2).is_none(), "a third from one address");
        assert!(
            peers.admit(b, 2).is_some(),
            "another address is not affected"
        );
        drop(held);
        assert!(peers.admit(a, 2).is_some());
        assert!(peers.lock().is_empty(), "no entry outlives its connections");
    }

    #[test]
    fn the_total_fits_in_the_open_file_limit() {
        assert_eq!(connections_within(1000, None), 1000);
        assert_eq!(connections_within(1000, Some(20_000)), 1000);
        assert_eq!(connections_within(1000, Some(1024)), 960);
        assert_eq!(connections_within(1000, Some(10)), 1);
    }
}
