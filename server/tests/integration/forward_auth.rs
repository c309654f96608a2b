//! `/auth/forward`: every answer through the router, then the real thing: nginx (Debian's
//! package, started by the test) in front of a small upstream on loopback, asking Tollgate
//! with `auth_request` before each request.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::common::{TestApp, spawn_app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use server::Application;
use server::config::Config;
use tollgate::model::TokenType;

impl TestApp {
    async fn forward(
        &self,
        method: &str,
        uri: &str,
        authorization: Option<&str>,
    ) -> crate::common::Reply {
        let mut request = Request::get("/auth/forward")
            .header("x-original-method", method)
            .header("x-original-uri", uri);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }
}

#[tokio::test]
async fn an_allowed_request_is_answered_200_with_who_made_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, bearer) = app
        .token(&admin, "Partner – café", TokenType::ReadOnly, &[])
        .await;

    let reply = app
        .forward("GET", "/api/articles/3?fields=title", Some(&bearer))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("x-tollgate-token-id".parse().unwrap()),
        id.to_string()
    );
    assert_eq!(
        reply.header("x-tollgate-token-name".parse().unwrap()),
        "Partner+%E2%80%93+caf%C3%A9",
        "non-ASCII names are percent-encoded"
    );
    assert_eq!(reply.body["permission"], "articles.findOne");
}

#[tokio::test]
async fn traefik_and_caddy_headers_work_too() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, bearer) = app.token(&admin, "ci", TokenType::FullAccess, &[]).await;
    let request = Request::get("/auth/forward")
        .header("x-forwarded-method", "DELETE")
        .header("x-forwarded-uri", "/api/articles/1")
        .header(header::AUTHORIZATION, &bearer)
        .body(Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["permission"], "articles.delete");
}

#[tokio::test]
async fn refusals_say_why() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;

    let missing = app.forward("GET", "/api/articles", None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.header(header::WWW_AUTHENTICATE),
        "Bearer realm=\"tollgate\""
    );

    let invalid = app
        .forward("GET", "/api/articles", Some("Bearer tg_nope"))
        .await;
    assert_eq!(invalid.status, StatusCode::UNAUTHORIZED);
    assert_eq!(invalid.body["error"]["code"], "invalid_token");

    let write = app.forward("POST", "/api/articles", Some(&reader)).await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert!(
        write
            .header(header::WWW_AUTHENTICATE)
            .contains("scope=\"articles.create\"")
    );

    let unmapped = app.forward("GET", "/admin/users", Some(&reader)).await;
    assert_eq!(unmapped.status, StatusCode::FORBIDDEN);
    assert_eq!(unmapped.body["error"]["code"], "no_matching_route");

    let no_uri = app
        .send(
            Request::get("/auth/forward")
                .header(header::AUTHORIZATION, &reader)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(no_uri.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        no_uri.body["error"]["details"][0]["field"],
        "x-original-uri"
    );
}

// ---------------------------------------------------------------------------------------
// nginx in front of an upstream, for real.
// ---------------------------------------------------------------------------------------

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 GET; returns the status code and the body.
fn http_get(port: u16, path: &str, authorization: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The nginx process; stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(
    dir: &std::path::Path,
    port: u16,
    tollgate: SocketAddr,
    upstream: SocketAddr,
) -> Nginx {
    // The snippet the README documents, around a throwaway prefix.
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
        location /api/ {{
            auth_request /_tollgate;
            auth_request_set $tollgate_token $upstream_http_x_tollgate_token_name;
            proxy_set_header X-Token-Name $tollgate_token;
            proxy_pass http://{upstream};
        }}
        location = /_tollgate {{
            internal;
            proxy_pass http://{tollgate}/auth/forward;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-Method $request_method;
            proxy_set_header X-Original-URI $request_uri;
        }}
    }}
}}
"#,
        dir = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("nginx is not installed: `make test` installs it (scripts/setup.sh), or apt-get install nginx");
    let child = Command::new(binary)
        .arg("-c")
        .arg(&path)
        .arg("-p")
        .arg(dir)
        .spawn()
        .unwrap();
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "nginx did not start: {log}");
        std::thread::sleep(Duration::from_millis(20));
    }
    nginx
}

/// The protected service: echoes which token nginx said the request came with.
async fn start_upstream() -> SocketAddr {
    use axum::Router;
    use axum::http::HeaderMap;
    use axum::routing::get;
    let app = Router::new().fallback(get(|headers: HeaderMap| async move {
        let name = headers
            .get("x-token-name")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        format!("upstream served {name}")
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_lets_through_only_what_the_token_may_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().join("data"));
    config.trust_forwarded_for = true;
    let tollgate = Application::build(&config).await.unwrap();
    let tollgate_addr = tollgate.addr();
    let core = tollgate.core().clone();
    tokio::spawn(tollgate.run_until_stopped());
    let upstream = start_upstream().await;
    let port = free_port();
    let nginx_dir = dir.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    let _nginx = start_nginx(&nginx_dir, port, tollgate_addr, upstream);

    let admin = core
        .admins
        .create_first(
            &tollgate::model::NewAdminRequest {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                password: "correct horse battery staple".into(),
                password_confirm: "correct horse battery staple".into(),
            },
            &tollgate::actor::RequestOrigin::default(),
        )
        .await
        .unwrap()
        .admin;
    let admin = tollgate::actor::Actor::trusted(admin);
    let request = tollgate::model::NewTokenRequest {
        name: "articles-reader".into(),
        description: String::new(),
        lifetime: tollgate::model::TokenLifetime::Days7,
        token_type: TokenType::Custom,
        permissions: vec!["articles.find".parse().unwrap()],
    };
    let created = core.tokens.create(&admin, &request).await.unwrap();
    let bearer = format!("Bearer {}", created.secret.expose());

    let get = move |path: &'static str, auth: Option<String>| {
        tokio::task::spawn_blocking(move || http_get(port, path, auth.as_deref()))
    };
    let (status, body) = get("/api/articles", Some(bearer.clone())).await.unwrap();
    assert_eq!(
        (status, body.as_str()),
        (200, "upstream served articles-reader")
    );
    assert_eq!(get("/api/articles", None).await.unwrap().0, 401);
    assert_eq!(
        get("/api/authors", Some(bearer.clone())).await.unwrap().0,
        403
    );
    assert_eq!(
        get("/api/articles/1", Some(bearer.clone()))
            .await
            .unwrap()
            .0,
        403
    );

    core.tokens.revoke(&admin, created.token.id).await.unwrap();
    assert_eq!(
        get("/api/articles", Some(bearer)).await.unwrap().0,
        401,
        "revoked: refused at once"
    );
}
