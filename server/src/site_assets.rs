//! The built panel (`--site-root`, what `cargo leptos build --release --precompress`
//! writes) and how its files are cached.
//!
//! The build names the script, the wasm and the stylesheet after their content's hash and
//! lists the hashes in `hash.txt`; the pages link to those names. A name that changes with
//! every change of content can be kept by a browser for a year without asking again, which
//! is what the big wasm needs on a slow connection. Anything else the build wrote is
//! revalidated (its `Last-Modified` answers a `304`), and every answer that is not a
//! built file (pages, server functions, the APIs) is `no-store`: they show token metadata
//! and admins' emails, and a shared or back-button cache must not keep them.
//!
//! The precompressed copies beside each file (`.br`, `.gz`) are served to browsers that
//! accept them, by [`ServeDir`](tower_http::services::ServeDir) itself.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::LeptosOptions;
use leptos_config::Env;

/// What the build calls its files (`pkg/tollgate.<hash>.wasm`, …).
pub const OUTPUT_NAME: &str = "tollgate";
/// Where under the site root the build's own files are.
pub const PKG_DIR: &str = "pkg";
/// The build's list of hashes, in the site root (`hash-file-name` in `Cargo.toml`).
pub const HASH_FILE: &str = "hash.txt";

/// A file whose name changes with its content: kept for a year, never asked about again.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Another built file: may be kept, but asked about each time (a `304` when unchanged).
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// Everything else.
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}, line {line}: expected `js: <hash>`, `wasm: <hash>` or `css: <hash>` (rebuild with `cargo leptos build --release --precompress`, as scripts/build.sh does)"
    )]
    Malformed { path: String, line: usize },
}

/// The built panel at one site root: where it is and which of its files carry a hash.
#[derive(Clone, Debug)]
pub struct SiteAssets {
    root: PathBuf,
    /// Request paths (`/pkg/tollgate.<hash>.wasm`) of the files named after their content.
    hashed: Arc<HashSet<String>>,
}

impl SiteAssets {
    /// Reads what the build at `root` hashed. A build without hashes (a bare folder, as in
    /// the router tests) has none, and its pages link to the plain names.
    pub fn read(root: &Path) -> Result<Self, SiteError> {
        let path = root.join(HASH_FILE);
        let shown = || path.display().to_string();
        let hashed = match std::fs::read_to_string(&path) {
            Ok(text) => hashed_paths(&text).map_err(|line| SiteError::Malformed {
                path: shown(),
                line,
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => HashSet::new(),
            Err(source) => {
                return Err(SiteError::Read {
                    path: shown(),
                    source,
                });
            }
        };
        Ok(Self {
            root: root.to_path_buf(),
            hashed: Arc::new(hashed),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The options the pages are rendered with: they link to the hashed names when the
    /// build made them.
    pub fn leptos_options(&self, addr: SocketAddr) -> LeptosOptions {
        let hash_files = !self.hashed.is_empty();
        // Leptos joins this to the executable's folder; an absolute path wins that join,
        // so the list is read from the site root wherever the binary was installed.
        let hash_file = std::path::absolute(self.root.join(HASH_FILE))
            .unwrap_or_else(|_| self.root.join(HASH_FILE));
        LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(self.root.display().to_string())
            .site_pkg_dir(PKG_DIR)
            .site_addr(addr)
            .env(Env::PROD)
            .hash_files(hash_files)
            .hash_file(Arc::<str>::from(hash_file.display().to_string()))
            .build()
    }

    /// How long a browser may keep the answer to `path`.
    /// Every request passes here, the API door's too: the prefix test first, so only
    /// `/pkg/` paths are looked up among the hashed names.
    fn cache_control(&self, path: &str) -> HeaderValue {
        if !is_built_file(path) {
            NO_STORE
        } else if self.hashed.contains(path) {
            IMMUTABLE
        } else {
            REVALIDATE
        }
    }
}

/// Under `/pkg/`: written by the build, the same for everyone.
fn is_built_file(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(PKG_DIR))
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The request paths of the files `hash.txt` names (`js: <hash>` per line), or the number
/// of the first line that is not such a pair.
fn hashed_paths(text: &str) -> Result<HashSet<String>, usize> {
    let mut paths = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (kind, hash) = line.split_once(':').ok_or(index + 1)?;
        let hash = hash.trim();
        let well_formed = !hash.is_empty()
            && hash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            return Err(index + 1);
        }
        // The split-wasm manifest and loader are named by the build too, but only with
        // `--split`, which this project does not use; they are left revalidated.
        if let extension @ ("js" | "wasm" | "css") = kind.trim() {
            paths.insert(format!("/{PKG_DIR}/{OUTPUT_NAME}.{hash}.{extension}"));
        }
    }
    Ok(paths)
}

/// Sets `Cache-Control` on every answer that has none (a handler's own choice stands):
/// one rule here rather than in each of the page, `/rpc`, API and file handlers. A built
/// file also says that its bytes depend on `Accept-Encoding` (the file service picks the
/// brotli or gzip copy by it but does not say so), so no shared cache hands brotli to a
/// browser that did not ask for it.
pub async fn cache_control(
    State(assets): State<SiteAssets>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let value = assets.cache_control(path);
    let built = is_built_file(path);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(CACHE_CONTROL).or_insert(value);
    if built && !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(hash_file: &str) -> Result<SiteAssets, SiteError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HASH_FILE), hash_file).unwrap();
        SiteAssets::read(dir.path())
    }

    #[test]
    fn the_hashed_names_are_kept_for_a_year_and_the_rest_revalidated_or_not_stored() {
        let assets = assets("js: abc_1\nwasm: Def-2\ncss: ghi3\n").unwrap();
        for path in [
            "/pkg/tollgate.abc_1.js",
            "/pkg/tollgate.Def-2.wasm",
            "/pkg/tollgate.ghi3.css",
        ] {
            assert_eq!(assets.cache_control(path), IMMUTABLE, "{path}");
        }
        for path in [
            "/pkg/tollgate.js",
            "/pkg/tollgate.abc_2.js",
            "/pkg/snippets/x.js",
        ] {
            assert_eq!(assets.cache_control(path), REVALIDATE, "{path}");
        }
        for path in [
            "/settings/api-tokens",
            "/rpc/auth_state",
            "/api/articles",
            "/favicon.svg",
        ] {
            assert_eq!(assets.cache_control(path), NO_STORE, "{path}");
        }
        assert!(assets.leptos_options(([127, 0, 0, 1], 0).into()).hash_files);
    }

    #[test]
    fn a_build_without_hashes_links_to_the_plain_names() {
        let dir = tempfile::tempdir().unwrap();
        let assets = SiteAssets::read(dir.path()).unwrap();
        assert!(!assets.leptos_options(([127, 0, 0, 1], 0).into()).hash_files);
        assert_eq!(assets.cache_control("/pkg/tollgate.wasm"), REVALIDATE);
    }

    #[test]
    fn a_damaged_hash_file_names_its_line() {
        let error = assets("js: abc\nwasm abc\n").unwrap_err();
        assert!(error.to_string().contains("line 2: expected"), "{error}");
        let error = assets("js: a/../b\n").unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
    }
}
