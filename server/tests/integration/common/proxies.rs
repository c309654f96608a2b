//! Real reverse proxies for the tests behind them: nginx and Caddy (Debian's packages,
//! started by the test on loopback), a Tollgate on a real TCP listener, a small upstream
//! that records every request it is given, and a raw HTTP/1.1 client that can pick its
//! source address (127.0.0.x) and sends request targets byte for byte.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use server::Application;
use server::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;
use tollgate::Tollgate;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::model::{NewAdminRequest, TokenType};

/// Tollgate serving on 127.0.0.1 (an ephemeral port), with the first admin created.
pub struct LiveTollgate {
    pub addr: SocketAddr,
    pub core: Tollgate,
    pub admin: Actor,
    pub dir: tempfile::TempDir,
}

pub async fn start_tollgate(adjust: impl FnOnce(&mut Config)) -> LiveTollgate {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().join("data"));
    adjust(&mut config);
    let tollgate = Application::build(&config).await.unwrap();
    let addr = tollgate.addr();
    let core = tollgate.core().clone();
    tokio::spawn(tollgate.run_until_stopped());
    let admin = core
        .admins
        .create_first(
            &NewAdminRequest {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                password: "correct horse battery staple".into(),
                password_confirm: "correct horse battery staple".into(),
            },
            &RequestOrigin::default(),
        )
        .await
        .unwrap()
        .admin;
    LiveTollgate {
        addr,
        core,
        admin: Actor::trusted(admin),
        dir,
    }
}

impl LiveTollgate {
    /// A new token's `Authorization` header value.
    pub async fn token(&self, name: &str, token_type: TokenType, permissions: &[&str]) -> String {
        self.token_with_id(name, token_type, permissions).await.1
    }

    /// A new token's id and `Authorization` header value.
    pub async fn token_with_id(
        &self,
        name: &str,
        token_type: TokenType,
        permissions: &[&str],
    ) -> (i64, String) {
        super::make_token(&self.core, &self.admin, name, token_type, permissions).await
    }

    /// A folder for a proxy's configuration and logs.
    pub fn folder(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(&path).unwrap();
        path
    }
}

/// The protected service: answers `upstream served {token name}` (`… with {metadata}` for
/// a token with metadata) and remembers each
/// request line it was given (`METHOD target`, the target as received).
#[derive(Clone)]
pub struct Upstream {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    pub async fn start() -> Self {
        use axum::Router;
        use axum::extract::Request;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = Router::new().fallback(move |request: Request| {
            let log = log.clone();
            async move {
                let target = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                log.lock()
                    .unwrap()
                    .push(format!("{} {target}", request.method()));
                let headers = request.headers();
                // nginx's snippet names it X-Token-Name, Caddy copies Tollgate's header.
                let name = ["x-token-name", "x-tollgate-token-name"]
                    .iter()
                    .find_map(|h| headers.get(*h)?.to_str().ok())
                    .unwrap_or("");
                // The same for the metadata; told only when there is some.
                let metadata = ["x-token-metadata", "x-tollgate-token-metadata"]
                    .iter()
                    .find_map(|h| headers.get(*h)?.to_str().ok())
                    .filter(|m| *m != "{}");
                match metadata {
                    Some(metadata) => format!("upstream served {name} with {metadata}"),
                    None => format!("upstream served {name}"),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, seen }
    }

    /// Every request line received so far.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// One answer: the status code and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Sends `METHOD target HTTP/1.1` with `headers` to `to`, from source address `from`
/// (any 127.0.0.x works on Linux loopback), and reads the whole answer. The target goes
/// out exactly as given: no client library normalises it first.
pub async fn http(
    from: IpAddr,
    to: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the proxy answers within 10 s")
        .unwrap();
    let response = String::from_utf8_lossy(&response);
    let status = response
        .get(9..12)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Answer { status, body }
}

/// A proxy process, stopped when dropped.
pub struct Proxy {
    child: Child,
    pub addr: SocketAddr,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn installed(candidates: &[&str], package: &str) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("{package} is not installed: `make test` installs it (scripts/setup.sh), or apt-get install {package}")
        })
}

/// Waits until the proxy accepts connections; `log` says why when it does not.
fn wait_for(mut child: Child, addr: SocketAddr, log: &Path) -> Proxy {
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(addr).is_err() {
        let exited = child.try_wait().unwrap();
        if exited.is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("the proxy did not start ({exited:?}): {log}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Proxy { child, addr }
}

/// nginx with the README's forward-auth snippet, in front of `upstream`.
pub fn start_nginx(dir: &Path, tollgate: SocketAddr, upstream: SocketAddr) -> Proxy {
    let port = free_port();
    let conf = format!(
        r#"
daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        # --- the README's snippet, from here ---
        location /api/ {{
            auth_request /_tollgate;
            auth_request_set $tollgate_token $upstream_http_x_tollgate_token_name;
            proxy_set_header X-Token-Name $tollgate_token;
            auth_request_set $tollgate_metadata $upstream_http_x_tollgate_token_metadata;
            proxy_set_header X-Token-Metadata $tollgate_metadata;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://{upstream};
        }}
        location = /_tollgate {{
            internal;
            proxy_pass http://{tollgate}/auth/forward;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-Method $request_method;
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffer_size 16k;
            proxy_busy_buffers_size 16k;
        }}
        # --- to here ---
        # Tollgate's own API through the same proxy (the client-address test).
        location /tollgate/ {{
            proxy_pass http://{tollgate}/;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"#,
        dir = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let binary = installed(&["/usr/sbin/nginx", "/usr/bin/nginx"], "nginx");
    let child = Command::new(binary)
        .arg("-c")
        .arg(&path)
        .arg("-p")
        .arg(dir)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(
        child,
        SocketAddr::from(([127, 0, 0, 1], port)),
        &dir.join("error.log"),
    )
}

/// Caddy with the README's `forward_auth` snippet, in front of `upstream`. Tollgate must
/// run with `--forward-auth-headers x-forwarded`.
pub fn start_caddy(dir: &Path, tollgate: SocketAddr, upstream: SocketAddr) -> Proxy {
    let port = free_port();
    let conf = format!(
        r#"{{
    admin off
    auto_https off
}}

http://:{port} {{
    bind 127.0.0.1
    # --- the README's snippet, from here ---
    forward_auth {tollgate} {{
        uri /auth/forward
        copy_headers X-Tollgate-Token-Name X-Tollgate-Token-Metadata
    }}
    reverse_proxy {upstream}
    # --- to here ---
}}
"#
    );
    let path = dir.join("Caddyfile");
    std::fs::write(&path, conf).unwrap();
    let log = dir.join("caddy.log");
    let binary = installed(&["/usr/bin/caddy", "/usr/local/bin/caddy"], "caddy");
    let child = Command::new(binary)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&path)
        // Caddy keeps its state under $HOME / XDG folders: keep it in the test's folder.
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for(child, SocketAddr::from(([127, 0, 0, 1], port)), &log)
}
