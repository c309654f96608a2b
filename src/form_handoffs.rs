//! What one request of a session leaves for that session's next request, on whichever
//! instance it lands: the no-JS form posts, which answer with a redirect (so a reload never
//! posts twice) and leave the page they redirect to a value the URL must not carry (a new
//! token's value, a refused form with what was typed).
//!
//! Kept in the database so that every instance behind a load balancer finds it, and sealed
//! there: XChaCha20-Poly1305 under a key derived from the server key (which every instance
//! on one database shares), with the session and the page as associated data, so a sealed
//! value is useless without the key and opens for no other session or page. Keyed by the
//! SHA-256 of the session id (what the sessions table holds), never the id. Taken (deleted)
//! by the first read; refused after its lifetime; purged by the lifecycle jobs.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Duration, Utc};
use hmac::Mac;

use crate::admins::SessionSecret;
use crate::server_key::ServerKey;
use crate::store::{Store, StoreResult};

/// How long a handed-over value waits for its page: long enough to follow one redirect.
pub const LIFETIME: Duration = Duration::seconds(60);

/// Bytes of the random nonce stored in front of each sealed value.
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct FormHandoffs {
    store: Store,
    cipher: XChaCha20Poly1305,
}

/// Holds a key: never printed.
impl fmt::Debug for FormHandoffs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FormHandoffs { .. }")
    }
}

impl FormHandoffs {
    pub fn new(store: Store, key: &ServerKey) -> Self {
        // A key of its own, so the token hashes' key is never used to encrypt.
        let mut mac = key.mac();
        mac.update(b"tollgate form handoffs v1");
        let derived = mac.finalize().into_bytes();
        Self {
            store,
            cipher: XChaCha20Poly1305::new(&derived),
        }
    }

    /// Leaves `value` for `session`'s next read of `page`, replacing anything waiting there.
    pub async fn put(
        &self,
        session: &SessionSecret,
        page: &str,
        value: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let session = session.hash();
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: value,
                    aad: &associated(&session, page),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any length a form has");
        let mut stored = nonce.to_vec();
        stored.extend_from_slice(&sealed);
        self.store
            .put_form_handoff(&session, page, &stored, now + LIFETIME)
            .await
    }

    /// Takes what waits for `session` at `page`, if it is still fresh. Gone after this,
    /// whichever instance asks next.
    pub async fn take(
        &self,
        session: &SessionSecret,
        page: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<u8>>> {
        let session = session.hash();
        let Some((stored, expires_at)) = self.store.take_form_handoff(&session, page).await? else {
            return Ok(None);
        };
        if expires_at <= now || stored.len() < NONCE_LEN {
            return Ok(None);
        }
        let (nonce, sealed) = stored.split_at(NONCE_LEN);
        // Fails only for a value sealed under another key (the key was changed) or altered
        // in the database: either way there is nothing to hand over.
        Ok(self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &associated(&session, page),
                },
            )
            .ok())
    }

    /// Drops what nobody came for. Run by the lifecycle jobs.
    pub async fn purge(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.store.purge_form_handoffs(now).await
    }
}

/// What a sealed value is bound to: its session and its page.
fn associated(session_hash: &str, page: &str) -> Vec<u8> {
    format!("{session_hash}\n{page}").into_bytes()
}
