//! `tg_` + 32 random base62 characters + a 6-character base62 CRC32 of the random part.
//!
//! The prefix lets secret scanners spot a leaked token; the checksum lets the server refuse
//! typos and garbage before it computes a hash or touches the database.

use std::fmt;

use hmac::Mac;
use rand::TryRngCore;
use rand::distr::{Alphanumeric, Distribution};
use rand::rngs::OsRng;

use crate::server_key::ServerKey;

pub const PREFIX: &str = "tg_";
const RANDOM_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
pub const TOKEN_LEN: usize = PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A token's plaintext. Exists only between generation and the create response, and
/// between parsing a request header and hashing it. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainToken(String);

/// Why a string is not a well-formed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    Prefix,
    Length,
    Alphabet,
    Checksum,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::Prefix => "the token does not start with tg_",
            ParseError::Length => "the token has the wrong length",
            ParseError::Alphabet => "the token contains characters that are not letters or digits",
            ParseError::Checksum => {
                "the token's checksum does not match (a typo, or not a Tollgate token)"
            }
        })
    }
}

impl PlainToken {
    /// A fresh token from the operating system's random generator.
    pub fn generate() -> Self {
        let mut rng = OsRng.unwrap_err();
        let random: String = Alphanumeric
            .sample_iter(&mut rng)
            .take(RANDOM_LEN)
            .map(char::from)
            .collect();
        let checksum = checksum(random.as_bytes());
        Self(format!("{PREFIX}{random}{checksum}"))
    }

    /// Checks the format and checksum; touches nothing else.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let rest = value.strip_prefix(PREFIX).ok_or(ParseError::Prefix)?;
        if rest.len() != RANDOM_LEN + CHECKSUM_LEN {
            return Err(ParseError::Length);
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ParseError::Alphabet);
        }
        let (random, sum) = rest.split_at(RANDOM_LEN);
        if checksum(random.as_bytes()) != sum {
            return Err(ParseError::Checksum);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_exposed(self) -> String {
        self.0
    }

    /// What the list shows: `tg_…` and the last four characters.
    pub fn hint(&self) -> String {
        format!("{PREFIX}…{}", &self.0[self.0.len() - 4..])
    }

    pub fn hash(&self, key: &ServerKey) -> TokenHash {
        let mut mac = key.mac();
        mac.update(self.0.as_bytes());
        // Into a buffer on the stack, then one allocation: `hex::encode` builds the string a
        // character at a time, a tenth of a cache hit's whole cost.
        let mut hex = [0u8; 64];
        hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex)
            .expect("32 bytes are 64 hex digits");
        TokenHash(String::from_utf8_lossy(&hex).into_owned())
    }
}

impl fmt::Debug for PlainToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainToken(<redacted>)")
    }
}

/// `HMAC-SHA256(server key, token)` in hex: what the database stores and looks up by.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

/// CRC32 of `data` as exactly six base62 digits (62^6 > 2^32).
fn checksum(data: &[u8]) -> String {
    let mut n = crc32fast::hash(data) as u64;
    let mut digits = [b'0'; CHECKSUM_LEN];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(digits.to_vec()).expect("base62 digits are ASCII")
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};

    use super::*;

    #[test]
    fn generated_tokens_have_the_documented_shape_and_parse() {
        let token = PlainToken::generate();
        let text = token.expose();
        assert_eq!(text.len(), TOKEN_LEN);
        assert!(text.starts_with("tg_"));
        assert!(text[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(PlainToken::parse(text), Ok(token.clone()));
    }

    #[test]
    fn the_stored_hash_is_the_lowercase_hex_hmac_of_the_token() {
        // A value stored by an earlier version must still be found: same key, same text.
        let key = ServerKey::from_bytes([7; 32]);
        let token = PlainToken::generate();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&[7; 32]).unwrap();
        mac.update(token.expose().as_bytes());
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(token.hash(&key).as_str(), expected);
    }

    #[test]
    fn generated_tokens_differ() {
        assert_ne!(PlainToken::generate(), PlainToken::generate());
    }

    #[test]
    fn parse_names_what_is_wrong() {
        let good = PlainToken::generate().into_exposed();
        assert_eq!(
            PlainToken::parse(&good.replacen("tg_", "gh_", 1)),
            Err(ParseError::Prefix)
        );
        assert_eq!(
            PlainToken::parse(&good[..good.len() - 1]),
            Err(ParseError::Length)
        );
        assert_eq!(
            PlainToken::parse(&format!("{good}x")),
            Err(ParseError::Length)
        );
        let mut bad_alphabet = good.clone();
        bad_alphabet.replace_range(5..6, "-");
        assert_eq!(PlainToken::parse(&bad_alphabet), Err(ParseError::Alphabet));
    }

    #[test]
    fn a_single_typo_fails_the_checksum() {
        let good = PlainToken::generate().into_exposed();
        let original = good.as_bytes()[10];
        let replacement = if original == b'a' { "b" } else { "a" };
        let mut typo = good.clone();
        typo.replace_range(10..11, replacement);
        assert_eq!(PlainToken::parse(&typo), Err(ParseError::Checksum));
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let token = PlainToken::generate();
        let key = ServerKey::from_bytes([7; 32]);
        assert!(!format!("{token:?}").contains(&token.expose()[3..]));
        assert!(!format!("{:?}", token.hash(&key)).contains(token.hash(&key).as_str()));
    }

    #[test]
    fn the_hash_is_keyed_and_deterministic() {
        let token = PlainToken::generate();
        let a = ServerKey::from_bytes([1; 32]);
        let b = ServerKey::from_bytes([2; 32]);
        assert_eq!(token.hash(&a), token.hash(&a));
        assert_ne!(token.hash(&a), token.hash(&b));
        assert_eq!(token.hash(&a).as_str().len(), 64);
    }

    #[test]
    fn hint_shows_prefix_and_last_four() {
        let token = PlainToken::parse(&PlainToken::generate().into_exposed()).unwrap();
        let hint = token.hint();
        assert!(hint.starts_with("tg_…"));
        assert!(token.expose().ends_with(&hint["tg_…".len()..]));
    }
}
