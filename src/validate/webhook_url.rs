//! Where a webhook may be sent: an `https` URL, or plain `http` to this machine only
//! (loopback: a receiver in a test or on the same host), never with a user name or
//! password in it, and never to a link-local address, where cloud metadata services
//! (169.254.169.254) hand out credentials. The address rule is checked here for a literal
//! address and again after DNS resolution at send time ([`refused_address`]).

use std::net::IpAddr;

use url::{Host, Url};

use crate::model::FieldError;

const FIELD: &str = "url";
pub const URL_MAX: usize = 2000;

/// A URL webhooks may be delivered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(Url);

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let refuse = |message: &str| Err(FieldError::new(FIELD, message));
        if raw.is_empty() {
            return refuse("URL is required: where should Tollgate send the events?");
        }
        if raw.len() > URL_MAX {
            return Err(FieldError::new(
                FIELD,
                format!("URL must be at most {URL_MAX} characters."),
            ));
        }
        let Ok(url) = Url::parse(raw) else {
            return refuse("Type a full URL, such as https://hooks.example.com/tollgate.");
        };
        if !url.username().is_empty() || url.password().is_some() {
            return refuse(
                "Leave the user name and password out of the URL: each delivery is signed, so the receiver can check it came from Tollgate.",
            );
        }
        if url.fragment().is_some() {
            return refuse("Leave out the #fragment: it is never sent to the receiver.");
        }
        let host = match url.host() {
            Some(host) => host,
            None => return refuse("The URL needs a host name."),
        };
        if let Some(address) = literal_address(&host)
            && let Some(why) = refused_address(address)
        {
            return Err(FieldError::new(FIELD, why));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return refuse(
                    "Use https: plain http is allowed only to this machine (localhost, 127.0.0.1 or [::1]).",
                );
            }
            _ => return refuse("Use an https:// URL."),
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }
}

fn literal_address(host: &Host<&str>) -> Option<IpAddr> {
    match host {
        Host::Ipv4(v4) => Some(IpAddr::V4(*v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(*v6)),
        Host::Domain(_) => None,
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        other => literal_address(other).is_some_and(|a| a.is_loopback()),
    }
}

/// Why Tollgate never sends to `address`, or `None` when it may: link-local addresses
/// (169.254.0.0/16, where cloud metadata services listen, and fe80::/10), the unspecified
/// address, and the same in IPv4-mapped IPv6 form.
pub fn refused_address(address: IpAddr) -> Option<&'static str> {
    let address = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    };
    let refused = match address {
        IpAddr::V4(v4) => v4.is_link_local() || v4.is_unspecified(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80 || v6.is_unspecified(),
    };
    refused.then_some(
        "Webhooks are never sent to link-local or metadata addresses (169.254.0.0/16, fe80::/10) or to 0.0.0.0.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(raw: &str) -> String {
        WebhookUrl::parse(raw).unwrap_err().message
    }

    #[test]
    fn https_anywhere_and_http_to_loopback_only() {
        for ok in [
            "https://hooks.example.com/tollgate",
            "https://10.0.0.5:8443/in",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert!(WebhookUrl::parse(ok).is_ok(), "{ok}");
        }
        assert!(refusal("http://hooks.example.com/").contains("Use https"));
        assert!(refusal("ftp://example.com/").contains("https"));
        assert!(refusal("hooks.example.com").contains("full URL"));
        assert!(refusal("").contains("required"));
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        assert!(refusal("https://user:pw@example.com/").contains("password"));
        assert!(refusal("https://user@example.com/").contains("user name"));
    }

    #[test]
    fn link_local_and_metadata_addresses_are_refused() {
        for raw in [
            "https://169.254.169.254/latest/meta-data/",
            "http://169.254.169.254/",
            "https://[fe80::1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://0.0.0.0/",
        ] {
            assert!(refusal(raw).contains("link-local"), "{raw}");
        }
    }

    #[test]
    fn resolved_addresses_are_checked_the_same_way() {
        assert!(refused_address("169.254.1.2".parse().unwrap()).is_some());
        assert!(refused_address("fe80::abcd".parse().unwrap()).is_some());
        assert!(refused_address("febf::1".parse().unwrap()).is_some());
        assert!(refused_address("fec0::1".parse().unwrap()).is_none());
        assert!(refused_address("127.0.0.1".parse().unwrap()).is_none());
        assert!(refused_address("93.184.216.34".parse().unwrap()).is_none());
    }
}
