//! The built panel's files: the pages link to the hashed names the build made, browsers
//! keep those for a year, and get the brotli or gzip copy the build compressed.

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::common::{TestApp, spawn_app_with};

/// What `cargo leptos build --release --precompress` leaves in the site root, in small.
fn write_build(site_root: &Path) {
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        site_root.join("hash.txt"),
        "js: Js_hash1\nwasm: Wasm-hash2\ncss: Css3\n",
    )
    .unwrap();
    for (name, body) in [
        ("tollgate.Js_hash1.js", "export {};"),
        ("tollgate.Css3.css", "body {}"),
        ("tollgate.Wasm-hash2.wasm", "the wasm"),
        ("tollgate.Wasm-hash2.wasm.br", "the wasm, brotli"),
        ("tollgate.Wasm-hash2.wasm.gz", "the wasm, gzip"),
        ("unhashed.js", "export {};"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
}

/// The raw answer to a GET with these headers.
async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, header::HeaderMap, String) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn value(headers: &header::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_link_to_the_hashed_build_and_are_never_stored() {
    let app = spawn_app_with(|config| write_build(&config.site_root)).await;

    let (status, headers, html) = fetch(&app, "/login", &[]).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(value(&headers, header::CACHE_CONTROL), "no-store");
    for linked in [
        "/pkg/tollgate.Js_hash1.js",
        "/pkg/tollgate.Wasm-hash2.wasm",
        "/pkg/tollgate.Css3.css",
    ] {
        assert!(html.contains(linked), "{linked} in {html}");
    }
}

#[tokio::test]
async fn a_hashed_file_is_kept_a_year_and_comes_compressed_as_the_browser_accepts() {
    let app = spawn_app_with(|config| write_build(&config.site_root)).await;
    let wasm = "/pkg/tollgate.Wasm-hash2.wasm";

    for (accepts, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "the wasm, brotli"),
        ("gzip", "gzip", "the wasm, gzip"),
        ("identity", "", "the wasm"),
    ] {
        let (status, headers, served) =
            fetch(&app, wasm, &[(header::ACCEPT_ENCODING, accepts)]).await;
        assert_eq!(status, StatusCode::OK, "{accepts}");
        assert_eq!(served, body, "{accepts}");
        assert_eq!(
            value(&headers, header::CONTENT_ENCODING),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            value(&headers, header::CONTENT_TYPE),
            "application/wasm",
            "{accepts}"
        );
        assert_eq!(
            value(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{accepts}"
        );
        assert!(
            value(&headers, header::VARY)
                .to_lowercase()
                .contains("accept-encoding"),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn an_unhashed_file_is_asked_about_each_time_and_unchanged_is_a_304() {
    let app = spawn_app_with(|config| write_build(&config.site_root)).await;

    let (status, headers, _) = fetch(&app, "/pkg/unhashed.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(value(&headers, header::CACHE_CONTROL), "no-cache");
    let modified = value(&headers, header::LAST_MODIFIED).to_owned();
    assert!(!modified.is_empty(), "{headers:?}");

    let (again, _, body) = fetch(
        &app,
        "/pkg/unhashed.js",
        &[(header::IF_MODIFIED_SINCE, &modified)],
    )
    .await;
    assert_eq!(again, StatusCode::NOT_MODIFIED);
    assert_eq!(body, "");
}
