//! Tollgate behind real reverse proxies (nginx and Caddy, started here on loopback), in
//! front of a small upstream that records what reaches it: forward-auth lets through only
//! what the token may do, whatever headers or path encodings the client tries, and the
//! client address behind nginx is the client's, not the proxy's nor the one it claims.

use std::net::{IpAddr, Ipv4Addr};

use tollgate::lifetime::TokenLifetime;
use tollgate::model::{Metadata, NewTokenRequest, TokenType};

use crate::common::proxies::{
    Answer, LiveTollgate, Proxy, Upstream, http, start_caddy, start_nginx, start_tollgate,
};
use server::api_door::ForwardAuthHeaders;

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));

async fn send(proxy: &Proxy, method: &str, target: &str, headers: &[(&str, &str)]) -> Answer {
    http(CLIENT, proxy.addr, method, target, headers).await
}

/// Requests a proxy or upstream may read as another path than Tollgate does. Sent with a
/// full-access token: only the path rule stands in their way.
const AMBIGUOUS: &[&str] = &[
    "/api/articles/1%2f..%2f..%2fauthors",
    "/api/articles/1%2F..%2F..%2Fsecrets",
    "/api/articles%2f1",
    "/api/articles/1%5c..%5c..%5cadmin",
    "/api/articles/%2e%2e",
    "/api/%2e%2e/admin",
    "/api/articles/1%252f..%252f..%252fadmin",
    "/api//articles",
    "/api/articles//1",
    "/api/./articles",
    "/api/articles/..;",
    "/api/articles/1;jsessionid=x",
];

/// Through `proxy`: the honest requests pass, forged original-request headers and
/// ambiguous paths are refused and never reach `upstream`.
async fn forward_auth_holds(tollgate: &LiveTollgate, proxy: &Proxy, upstream: &Upstream) {
    let reader = tollgate.token("reader", TokenType::ReadOnly, &[]).await;
    let full = tollgate.token("full", TokenType::FullAccess, &[]).await;

    let honest = send(
        proxy,
        "GET",
        "/api/articles?page=2",
        &[("Authorization", &reader)],
    )
    .await;
    assert_eq!(
        (honest.status, honest.body.as_str()),
        (200, "upstream served reader")
    );
    let none = send(proxy, "GET", "/api/articles", &[]).await;
    assert_eq!(none.status, 401);

    // A read-only token, a DELETE, and both header families claiming a harmless GET:
    // whichever family the proxy does not set itself arrives as the client wrote it.
    let forged = send(
        proxy,
        "DELETE",
        "/api/articles/1",
        &[
            ("Authorization", &reader),
            ("X-Original-Method", "GET"),
            ("X-Original-URI", "/api/articles"),
            ("X-Forwarded-Method", "GET"),
            ("X-Forwarded-Uri", "/api/articles"),
        ],
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.body);

    for target in AMBIGUOUS {
        let answer = send(proxy, "GET", target, &[("Authorization", &full)]).await;
        assert!(
            matches!(answer.status, 400 | 403 | 404),
            "{target}: {} {}",
            answer.status,
            answer.body
        );
    }

    assert_eq!(
        upstream.seen(),
        ["GET /api/articles?page=2"],
        "only the honest request reached the service"
    );

    // The same token may do what it holds, and the method arrives as sent.
    let delete = send(
        proxy,
        "DELETE",
        "/api/articles/2",
        &[("Authorization", &full)],
    )
    .await;
    assert_eq!(
        (delete.status, delete.body.as_str()),
        (200, "upstream served full")
    );
    let escaped = send(
        proxy,
        "GET",
        "/api/articles/caf%C3%A9",
        &[("Authorization", &reader)],
    )
    .await;
    assert_eq!(escaped.status, 200, "{}", escaped.body);
    assert_eq!(
        upstream.seen()[1..],
        ["DELETE /api/articles/2", "GET /api/articles/caf%C3%A9"]
    );
    metadata_reaches_the_service(tollgate, proxy).await;
}

/// A token's metadata, as large as it may be and escaped to several times that, reaches
/// the service as the JSON it is (the README's snippets make room for it).
async fn metadata_reaches_the_service(tollgate: &LiveTollgate, proxy: &Proxy) {
    let mut map = serde_json::Map::new();
    map.insert("customer".into(), "Åsa & Søn".into());
    // Just under the 4 KB limit, non-ASCII: escaped, the header is about 4.5 times that.
    map.insert("notes".into(), "é".repeat(1900).into());
    let metadata = Metadata(map);
    let request = NewTokenRequest {
        name: "partner".into(),
        lifetime: Some(TokenLifetime::Days7),
        token_type: TokenType::ReadOnly,
        metadata: metadata.clone(),
        ..Default::default()
    };
    let created = tollgate
        .core
        .tokens
        .create(&tollgate.admin, &request)
        .await
        .unwrap();
    let bearer = format!("Bearer {}", created.secret.expose());
    let answer = send(proxy, "GET", "/api/articles", &[("Authorization", &bearer)]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let seen = answer
        .body
        .strip_prefix("upstream served partner with ")
        .unwrap_or_else(|| panic!("{}", &answer.body[..80.min(answer.body.len())]));
    let seen: serde_json::Value = serde_json::from_str(seen).unwrap();
    assert_eq!(seen, serde_json::Value::Object(metadata.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_nginx_only_what_the_token_may_do_reaches_the_service() {
    let tollgate = start_tollgate(|_| {}).await;
    let upstream = Upstream::start().await;
    let nginx = start_nginx(&tollgate.folder("nginx"), tollgate.addr, upstream.addr);
    forward_auth_holds(&tollgate, &nginx, &upstream).await;

    // A custom token: its one permission, nothing else; revoked, nothing at all.
    let (id, reader) = tollgate
        .token_with_id("articles-reader", TokenType::Custom, &["articles.find"])
        .await;
    let auth = [("Authorization", reader.as_str())];
    let listed = send(&nginx, "GET", "/api/articles", &auth).await;
    assert_eq!(
        (listed.status, listed.body.as_str()),
        (200, "upstream served articles-reader")
    );
    assert_eq!(send(&nginx, "GET", "/api/authors", &auth).await.status, 403);
    assert_eq!(
        send(&nginx, "GET", "/api/articles/1", &auth).await.status,
        403
    );
    tollgate
        .core
        .tokens
        .revoke(&tollgate.admin, id)
        .await
        .unwrap();
    assert_eq!(
        send(&nginx, "GET", "/api/articles", &auth).await.status,
        401,
        "revoked: refused at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_caddy_only_what_the_token_may_do_reaches_the_service() {
    let tollgate = start_tollgate(|config| {
        config.forward_auth_headers = ForwardAuthHeaders::XForwarded;
    })
    .await;
    let upstream = Upstream::start().await;
    let caddy = start_caddy(&tollgate.folder("caddy"), tollgate.addr, upstream.addr);
    forward_auth_holds(&tollgate, &caddy, &upstream).await;
}

/// A token nobody issued, well-formed: a guess.
fn guess() -> String {
    format!(
        "Bearer {}",
        tollgate::tokens::format::PlainToken::generate().expose()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_one_guessing_client_is_throttled_and_the_others_are_not() {
    const LIMIT: u32 = 3;
    let tollgate = start_tollgate(|config| {
        config.throttle_limit = LIMIT;
        config.trusted_proxies = Some("127.0.0.1/32".parse().unwrap());
    })
    .await;
    let upstream = Upstream::start().await;
    let nginx = start_nginx(&tollgate.folder("nginx"), tollgate.addr, upstream.addr);
    let reader = tollgate.token("reader", TokenType::ReadOnly, &[]).await;
    let guesser: IpAddr = "127.0.0.2".parse().unwrap();
    let honest: IpAddr = "127.0.0.3".parse().unwrap();

    // .2 guesses, blaming .3 and then a made-up address: neither claim is believed.
    let mut refused = Vec::new();
    for claim in ["127.0.0.3", "10.9.9.9", "127.0.0.3", "10.9.9.9"] {
        let headers = [
            ("Authorization", guess()),
            ("X-Forwarded-For", claim.into()),
        ];
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        refused.push(
            http(guesser, nginx.addr, "GET", "/api/articles", &headers)
                .await
                .status,
        );
    }
    // nginx turns the 429 of an `auth_request` into 500 (see the README).
    assert_eq!(refused, [401, 401, 401, 500]);

    let verify = "/tollgate/api/tokens/verify";
    let served = http(
        honest,
        nginx.addr,
        "GET",
        "/api/articles",
        &[("Authorization", &reader)],
    )
    .await;
    assert_eq!(
        (served.status, served.body.as_str()),
        (200, "upstream served reader"),
        "127.0.0.3 is not held up by 127.0.0.2"
    );
    let direct = http(
        honest,
        nginx.addr,
        "GET",
        verify,
        &[("Authorization", &reader)],
    )
    .await;
    assert_eq!(direct.status, 200, "{}", direct.body);

    // .2 stays throttled, even with a valid token, whatever it claims to be.
    for claim in [None, Some("127.0.0.3"), Some("10.9.9.9, 127.0.0.3")] {
        let mut headers = vec![("Authorization", reader.as_str())];
        headers.extend(claim.map(|c| ("X-Forwarded-For", c)));
        let answer = http(guesser, nginx.addr, "GET", verify, &headers).await;
        assert_eq!(answer.status, 429, "{claim:?}: {}", answer.body);
    }
    assert_eq!(
        http(
            honest,
            nginx.addr,
            "GET",
            verify,
            &[("Authorization", &reader)]
        )
        .await
        .status,
        200
    );
}
