use std::fmt;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

/// The 32-byte key that keys token hashes. Losing it invalidates every token; leaking it
/// lets an attacker test guesses offline, so it is kept out of `Debug` and logs.
#[derive(Clone)]
pub struct ServerKey {
    bytes: [u8; 32],
    /// HMAC-SHA256 with the key already absorbed: hashing a token clones this instead of
    /// re-deriving the key pads on every request.
    keyed: Hmac<Sha256>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the secret key must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
    )]
    Malformed,
    #[error("could not read or write the key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ServerKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let keyed = Hmac::new_from_slice(&bytes).expect("HMAC takes keys of any length");
        Self { bytes, keyed }
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the OS random generator is available");
        Self::from_bytes(bytes)
    }

    /// Parses the hex form used in configuration and in the key file.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self::from_bytes(bytes))
    }

    /// Reads `path`, or on first start creates it (owner read/write only) with a new key.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let key = Self::generate();
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(io)?;
                writeln!(file, "{}", hex::encode(key.bytes)).map_err(io)?;
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A fresh HMAC-SHA256 state keyed with this key.
    pub fn mac(&self) -> Hmac<Sha256> {
        self.keyed.clone()
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn first_start_writes_an_owner_only_key_and_later_starts_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret.key");
        let first = ServerKey::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(first.bytes(), second.bytes());
    }

    #[test]
    fn malformed_keys_are_refused_with_advice() {
        for bad in ["", "abc", &"zz".repeat(32), &"ab".repeat(31)] {
            let err = ServerKey::from_hex(bad).unwrap_err();
            assert!(err.to_string().contains("64 hexadecimal"), "{bad}");
        }
        assert!(ServerKey::from_hex(&"ab".repeat(32)).is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        let key = ServerKey::from_bytes([0xab; 32]);
        assert!(!format!("{key:?}").contains("ab"));
    }
}
