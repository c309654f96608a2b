//! Standard Webhooks signatures: a secret `whsec_` + base64 of 32 random bytes, and
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, where the
//! key is the secret's decoded bytes. Any Standard Webhooks (or Svix) library verifies it.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

const PREFIX: &str = "whsec_";
/// The spec asks for 24 to 64 bytes; 32 is what HMAC-SHA256 uses in full.
const SECRET_BYTES: usize = 32;

/// An endpoint's signing secret. Its `Debug` is redacted: it is shown once, on create and
/// on rotate, and never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(String);

impl SigningSecret {
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the OS random generator works");
        Self(format!("{PREFIX}{}", STANDARD.encode(bytes)))
    }

    /// A secret as stored; `None` when it is not one of ours.
    pub fn from_stored(value: String) -> Option<Self> {
        Self::key_of(&value).map(|_| Self(value))
    }

    fn key_of(value: &str) -> Option<Vec<u8>> {
        STANDARD
            .decode(value.strip_prefix(PREFIX)?)
            .ok()
            .filter(|key| !key.is_empty())
    }

    /// The `whsec_…` text, for the one answer that reveals it and for the store.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `webhook-signature` header's value for one attempt.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        let key = Self::key_of(&self.0).expect("checked when made");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        // The specification's published example: what any receiver library checks.
        let secret =
            SigningSecret::from_stored("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn generated_secrets_are_whsec_and_32_random_bytes() {
        let one = SigningSecret::generate();
        let two = SigningSecret::generate();
        assert_ne!(one, two);
        assert!(one.expose().starts_with("whsec_"));
        assert_eq!(SigningSecret::key_of(one.expose()).unwrap().len(), 32);
        assert_eq!(format!("{one:?}"), "SigningSecret(..)");
    }

    #[test]
    fn anything_else_is_not_a_secret() {
        assert!(SigningSecret::from_stored("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).is_none());
        assert!(SigningSecret::from_stored("whsec_not base64!".into()).is_none());
        assert!(SigningSecret::from_stored("whsec_".into()).is_none());
    }
}
