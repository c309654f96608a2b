//! The outbound HTTP client for deliveries: rustls, a short timeout, no redirects (a
//! redirect could point anywhere), no proxy, and a resolver that refuses link-local and
//! metadata addresses after DNS resolution, so a host name that resolves to
//! 169.254.169.254 is refused like the literal address is.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::model::RESPONSE_EXCERPT_MAX;
use crate::validate::webhook_url::refused_address;

/// How long one attempt may take, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The body's first [`RESPONSE_EXCERPT_MAX`] bytes, as text.
    pub excerpt: String,
}

/// Why an attempt got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The address is one Tollgate never sends to.
    #[error("refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Failed(String),
}

#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
}

impl WebhookClient {
    pub fn new(timeout: Duration) -> Self {
        // reqwest is built without a crypto provider of its own: rustls uses ring, which
        // lettre already brings. Installing twice is harmless (the first one stays).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver))
            .user_agent(concat!("Tollgate-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the webhook client's settings are valid");
        Self { http }
    }

    /// POSTs `body` as JSON with `headers`.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<Answer, SendError> {
        let url = Url::parse(url).map_err(|e| SendError::Failed(format!("bad URL: {e}")))?;
        // A literal address never reaches the resolver: checked here instead.
        let literal = match url.host() {
            Some(Host::Ipv4(v4)) => Some(v4.into()),
            Some(Host::Ipv6(v6)) => Some(v6.into()),
            _ => None,
        };
        if let Some(why) = literal.and_then(refused_address) {
            return Err(SendError::Refused(why.to_owned()));
        }
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = request.body(body).send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while bytes.len() < RESPONSE_EXCERPT_MAX {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                // The status is what counts; a body cut short is just a shorter excerpt.
                Ok(None) | Err(_) => break,
            }
        }
        Ok(Answer {
            status,
            excerpt: excerpt(&bytes),
        })
    }
}

/// At most [`RESPONSE_EXCERPT_MAX`] bytes of `bytes` as text, cut at a character.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(RESPONSE_EXCERPT_MAX)]);
    let mut end = text.len().min(RESPONSE_EXCERPT_MAX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// The error and its causes in one line ("error sending request: connection refused").
fn describe(error: reqwest::Error) -> SendError {
    let mut chain: Vec<String> = Vec::new();
    let error = error.without_url();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        let text = e.to_string();
        if let Some(refused) = text.strip_prefix("refused: ") {
            return SendError::Refused(refused.to_owned());
        }
        if chain.last() != Some(&text) {
            chain.push(text);
        }
        source = e.source();
    }
    if error.is_timeout() {
        return SendError::Failed("timed out".to_owned());
    }
    SendError::Failed(chain.join(": "))
}

/// The system resolver, refusing a name when any of its addresses is one Tollgate never
/// sends to (all of them: a name that mixes a public and a metadata address is a trick).
struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(why) = addrs.iter().find_map(|a| refused_address(a.ip())) {
                return Err(
                    Box::new(SendError::Refused(format!("{host} resolves there. {why}")))
                        as Box<dyn std::error::Error + Send + Sync>,
                );
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_stop_at_a_kilobyte_and_a_character() {
        let long = "é".repeat(RESPONSE_EXCERPT_MAX);
        let cut = excerpt(long.as_bytes());
        assert!(cut.len() <= RESPONSE_EXCERPT_MAX);
        assert!(cut.chars().all(|c| c == 'é'));
        assert_eq!(excerpt(b"ok"), "ok");
    }

    #[tokio::test]
    async fn the_metadata_address_is_refused_before_any_connection() {
        let client = WebhookClient::new(Duration::from_millis(200));
        let refused = client
            .post("http://169.254.169.254/latest/meta-data/", &[], "{}".into())
            .await
            .unwrap_err();
        assert!(matches!(refused, SendError::Refused(_)), "{refused:?}");
    }

    #[tokio::test]
    async fn a_name_resolving_to_a_refused_address_is_refused_after_resolution() {
        let refused = GuardedResolver
            .resolve("169.254.169.254".parse().unwrap())
            .await
            .err()
            .expect("refused");
        assert!(refused.to_string().starts_with("refused:"), "{refused}");
        let Ok(localhost) = GuardedResolver.resolve("localhost".parse().unwrap()).await else {
            panic!("loopback is fine");
        };
        assert!(localhost.count() > 0);
    }
}
