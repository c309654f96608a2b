//! What every router test needs: an app on a throwaway SQLite database, driven request by
//! request with `tower::ServiceExt::oneshot`.

pub mod proxies;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use server::config::Config;
use server::router::{AppState, router};
use server::site_assets::SiteAssets;
use server::startup::open_core;
use tollgate::Tollgate;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::model::{NewAdminRequest, NewTokenRequest, TokenLifetime, TokenType};
use tower::ServiceExt;

/// The client address requests come from unless a test says otherwise.
pub const CLIENT: &str = "127.0.0.1:40000";

pub struct TestApp {
    pub router: Router,
    pub core: Tollgate,
    site_root: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `name=value` pair of the cookie this answer sets, as a `Cookie` header value.
    pub fn session_cookie(&self) -> String {
        let set_cookie = self.header(header::SET_COOKIE);
        set_cookie.split(';').next().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// An app whose configuration `adjust` has changed from the test defaults.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    adjust(&mut config);
    let core = open_core(&config).await.unwrap();
    std::fs::create_dir_all(&config.site_root).unwrap();
    let assets = SiteAssets::read(&config.site_root).unwrap();
    let state = AppState {
        leptos_options: assets.leptos_options(config.addr),
        assets,
        core: core.clone(),
        secure_cookies: false,
        api: config.api_settings(),
        usage_flush: std::time::Duration::from_secs(config.usage_flush_seconds),
    };
    TestApp {
        router: router(state),
        core,
        site_root: config.site_root,
        _dir: dir,
    }
}

impl TestApp {
    /// Sends `request` as if from [`CLIENT`] (unless it names its own peer address).
    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            let peer: SocketAddr = CLIENT.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, authorization: Option<&str>) -> Reply {
        let mut request = Request::get(path);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, authorization: Option<&str>, body: &Value) -> Reply {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn rpc(&self, name: &str, cookie: Option<&str>, body: &Value) -> Reply {
        let mut request =
            Request::post(format!("/rpc/{name}")).header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// The first administrator, signed in: who, and the `Cookie` header value of their session.
    /// Core calls made as them skip the password re-confirmation (they have no session
    /// there); requests sent with the cookie go through it like a browser's.
    pub async fn signed_in_admin(&self) -> (Actor, String) {
        let session = self
            .core
            .admins
            .create_first(&first_admin(), &RequestOrigin::default())
            .await
            .unwrap();
        let cookie = format!("tollgate_session={}", session.secret.expose());
        (Actor::trusted(session.admin), cookie)
    }

    /// Adds an admin with the built-in role `role` (as admin 1, who must exist) and returns
    /// their session cookie, taken from a real sign-in through the server function.
    pub async fn signed_in_as(&self, role: &str) -> String {
        let super_admin = Actor::trusted(self.core.store.admin(1).await.unwrap().unwrap());
        let email = format!("{}@example.com", role.to_lowercase());
        let role_id = self.core.store.role_named(role).await.unwrap().unwrap().id;
        let request = tollgate::model::AddAdminRequest {
            email: email.clone(),
            name: role.into(),
            role_id,
            password: PASSWORD.into(),
        };
        self.core.admins.add(&super_admin, &request).await.unwrap();
        let reply = self
            .rpc(
                "sign_in",
                None,
                &serde_json::json!({"input": {"email": email, "password": PASSWORD}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.session_cookie()
    }

    /// The folder the app serves static files from (`pkg/…`).
    pub fn site_root(&self) -> &std::path::Path {
        &self.site_root
    }

    pub async fn admin(&self) -> Actor {
        self.signed_in_admin().await.0
    }

    /// A token of `token_type` and its `Authorization` header value.
    pub async fn token(
        &self,
        admin: &Actor,
        name: &str,
        token_type: TokenType,
        permissions: &[&str],
    ) -> (i64, String) {
        make_token(&self.core, admin, name, token_type, permissions).await
    }
}

/// A new 7-day token made by `admin`: its id and `Authorization` header value.
pub async fn make_token(
    core: &Tollgate,
    admin: &Actor,
    name: &str,
    token_type: TokenType,
    permissions: &[&str],
) -> (i64, String) {
    let request = NewTokenRequest {
        name: name.into(),
        description: String::new(),
        lifetime: Some(TokenLifetime::Days7),
        token_type,
        permissions: permissions.iter().map(|p| p.parse().unwrap()).collect(),
        ..Default::default()
    };
    let created = core.tokens.create(admin, &request).await.unwrap();
    (
        created.token.id,
        format!("Bearer {}", created.secret.expose()),
    )
}

/// Every token not revoked, newest first: the list's first page at its largest (tests
/// make fewer tokens than that).
pub async fn active_tokens(core: &Tollgate) -> Vec<tollgate::model::TokenView> {
    let query = tollgate::model::TokenListQuery {
        limit: tollgate::model::MAX_LIMIT,
        ..Default::default()
    };
    let page = core
        .store
        .list_tokens(
            &query,
            &tollgate::policy::TokenPolicy::default(),
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    page.data
}

/// Ada, the first administrator of every test app.
/// The password of every admin the tests make.
pub const PASSWORD: &str = "correct horse battery staple";

fn first_admin() -> NewAdminRequest {
    NewAdminRequest {
        email: "ada@example.com".into(),
        name: "Ada".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    }
}
