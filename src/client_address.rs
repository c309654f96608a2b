//! Which address a request comes from, for the throttles, "last used from" and the audit
//! log. The TCP peer, unless the peer is one of the operator's reverse proxies: only then
//! is `X-Forwarded-For` believed, and only as far as the chain of trusted proxies goes.
//!
//! Every proxy appends the address it was connected from to `X-Forwarded-For`, so the
//! right-hand end of the list is written by proxies and the left-hand end by whoever sent
//! the first request, i.e. anyone. Walking from the right, past the peer and every entry
//! that is itself a trusted proxy, the first address that is not one is the client: it is
//! the last address a trusted proxy vouched for. Entries further left are the client's own
//! words and are never read. A malformed entry ends the walk the same way: nothing at or
//! left of it was written by a proxy we trust, so the last good hop counts.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// The networks the operator's reverse proxies connect from (`--trusted-proxies`).
/// Empty by default: forwarded headers are then never believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether `ip` (an IPv4-mapped IPv6 address counts as its IPv4 address) is inside one
    /// of the trusted networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, for a request from `peer` carrying these `X-Forwarded-For`
    /// header values (in the order received; several headers read as one list). See the
    /// module documentation for the rule. The answer is canonical: an IPv4-mapped IPv6
    /// address comes back as IPv4, so one client has one throttle key.
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a [u8]>,
    ) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        let entries = forwarded_for
            .rev()
            .flat_map(|value| value.rsplit(|b| *b == b','));
        for entry in entries {
            match parse_entry(entry) {
                Some(hop) if self.contains(hop) => client = hop,
                Some(hop) => return hop,
                None => return client,
            }
        }
        // Every hop is a trusted proxy: the left-most is as close to the client as we know.
        client
    }
}

/// One `X-Forwarded-For` entry: a bare IPv4 or IPv6 address, spaces around it allowed.
/// Anything else (ports, brackets, names, `unknown`, empty) is malformed.
fn parse_entry(entry: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(entry).ok()?.trim();
    text.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// `10.0.0.0/8, 192.168.1.7, 2001:db8::/32`: networks, or single addresses, comma-separated.
impl FromStr for TrustedProxies {
    type Err = BadTrustedProxies;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .map(|net| net.trunc())
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| BadTrustedProxies(entry.to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(networks))
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(IpNet::to_string).collect();
        f.write_str(&list.join(","))
    }
}

/// A `--trusted-proxies` entry that is neither a network nor an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTrustedProxies(pub String);

impl fmt::Display for BadTrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a network: write an address with its prefix length, like 10.0.0.0/8, 127.0.0.1/32 or fd00::/8, separated by commas",
            self.0
        )
    }
}

impl std::error::Error for BadTrustedProxies {}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(list: &str) -> TrustedProxies {
        list.parse().unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn client(trusted: &TrustedProxies, peer: &str, headers: &[&str]) -> IpAddr {
        trusted.client_address(ip(peer), headers.iter().map(|h| h.as_bytes()))
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::none();
        assert_eq!(
            client(&none, "203.0.113.9", &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        assert_eq!(client(&none, "127.0.0.1", &["10.9.9.9"]), ip("127.0.0.1"));
    }

    #[test]
    fn a_peer_outside_the_trusted_networks_is_the_client_whatever_it_says() {
        let proxies = trusted("10.0.0.0/8");
        assert_eq!(
            client(&proxies, "203.0.113.9", &["10.0.0.1"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client() {
        let proxies = trusted("10.0.0.0/8");
        assert_eq!(
            client(&proxies, "10.0.0.2", &["198.51.100.7"]),
            ip("198.51.100.7")
        );
        // The client typed the left entries; the proxy appended the real one.
        assert_eq!(
            client(
                &proxies,
                "10.0.0.2",
                &["10.0.0.99, 127.0.0.3, 198.51.100.7"]
            ),
            ip("198.51.100.7")
        );
        // Two trusted proxies in a row are skipped.
        assert_eq!(
            client(&proxies, "10.0.0.2", &["1.2.3.4, 198.51.100.7, 10.1.1.1"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn several_headers_read_as_one_list_in_order() {
        let proxies = trusted("10.0.0.0/8");
        assert_eq!(
            client(&proxies, "10.0.0.2", &["1.2.3.4", "198.51.100.7, 10.1.1.1"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client(
                &proxies,
                "10.0.0.2",
                &["198.51.100.7", "10.1.1.1", "10.2.2.2"]
            ),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_left_most_counts() {
        let proxies = trusted("10.0.0.0/8");
        assert_eq!(
            client(&proxies, "10.0.0.2", &["10.3.3.3, 10.1.1.1"]),
            ip("10.3.3.3")
        );
        assert_eq!(client(&proxies, "10.0.0.2", &[]), ip("10.0.0.2"));
    }

    #[test]
    fn a_malformed_entry_ends_the_walk_at_the_last_good_hop() {
        let proxies = trusted("10.0.0.0/8");
        for bad in [
            "",
            "unknown",
            "198.51.100.7:443",
            "[2001:db8::1]",
            "example.com",
            "1.2.3.4 5.6.7.8",
        ] {
            assert_eq!(
                client(&proxies, "10.0.0.2", &[&format!("1.2.3.4, {bad}")]),
                ip("10.0.0.2"),
                "{bad:?}"
            );
            assert_eq!(
                client(
                    &proxies,
                    "10.0.0.2",
                    &[&format!("1.2.3.4, {bad}, 10.1.1.1")]
                ),
                ip("10.1.1.1"),
                "{bad:?}"
            );
        }
        assert_eq!(
            client(&proxies, "10.0.0.2", &["1.2.3.4,,198.51.100.7"]),
            ip("198.51.100.7"),
            "a good entry right of the gap still counts"
        );
        let not_utf8 = trusted("10.0.0.0/8")
            .client_address(ip("10.0.0.2"), [b"1.2.3.4, \xff".as_slice()].into_iter());
        assert_eq!(not_utf8, ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_and_ipv4_mapped_peers() {
        let proxies = trusted("127.0.0.1/32, fd00::/8");
        // A dual-stack listener sees an IPv4 proxy as ::ffff:127.0.0.1.
        assert_eq!(
            client(&proxies, "::ffff:127.0.0.1", &["2001:db8::7"]),
            ip("2001:db8::7")
        );
        assert_eq!(
            client(&proxies, "fd00::1", &["203.0.113.5, fd00::2"]),
            ip("203.0.113.5")
        );
        // A mapped address in the header is the same client as the IPv4 one.
        assert_eq!(
            client(&proxies, "127.0.0.1", &["::ffff:198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Untrusted IPv6 peers keep their address; mapped ones come back as IPv4.
        assert_eq!(
            client(&proxies, "2001:db8::9", &["fd00::5"]),
            ip("2001:db8::9")
        );
        assert_eq!(
            client(&TrustedProxies::none(), "::ffff:203.0.113.9", &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_list_takes_networks_and_single_addresses() {
        let proxies = trusted(" 10.0.0.0/8 ,192.168.1.7, ::1, 172.16.5.4/12,");
        assert_eq!(
            proxies.to_string(),
            "10.0.0.0/8,192.168.1.7/32,::1/128,172.16.0.0/12"
        );
        assert!(proxies.contains(ip("10.200.0.1")));
        assert!(proxies.contains(ip("172.31.255.255")));
        assert!(!proxies.contains(ip("192.168.1.8")));
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::none()
        );
    }

    #[test]
    fn a_bad_entry_is_refused_and_named() {
        for bad in ["10.0.0.0/33", "localhost", "10.0.0/8", "::1/129", "*"] {
            let error = format!("a, {bad}").parse::<TrustedProxies>().unwrap_err();
            assert_eq!(error.0, "a", "the first bad entry is named");
            let error = format!("10.0.0.0/8,{bad}")
                .parse::<TrustedProxies>()
                .unwrap_err();
            assert_eq!(error.0, bad);
            assert!(error.to_string().contains("prefix length"));
        }
    }
}
