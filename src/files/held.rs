//! A file received with a form that was refused for another field (a
//! negative attendance, an empty title…), kept so that the corrected form
//! neither asks for it again nor stores it a second time.
//!
//! Browsers never refill a file field, so a refused form would lose its file
//! and the person would send it again, stored twice if the first had been
//! kept. Instead, the feature stores the file once ([`Held::keep`]: the clean
//! master of a photo, the file as sent for the kit) and the page that comes
//! back carries a hidden field ([`Held::token`]) naming it; the next
//! submission reads it back ([`Held::read`]) and attaches that stored file
//! when it goes through (or the person chooses another file, which replaces
//! it). Nothing is written in a table until then, so no migration: the token
//! holds the key, the kind, the size and the name, with a SHA-256 seal made
//! with the person's anti-forgery token (itself derived from their session,
//! `web::csrf`), so a token only works for the person and session it was
//! made for and cannot be edited to name another stored file. Stored keys
//! are 256 random bits never shown elsewhere, so the seal is a second lock.
//!
//! A held file that is never used (the person gives up) stays in the store
//! unreferenced, like the variants of a medium purged by hand.

use axum::body::Bytes;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{FileError, FileStore, StoredKey};

/// A file kept for a refused form (see the module's documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// Where the file is stored.
    pub key: StoredKey,
    /// The feature's code of its kind (`MediaKind::code`, `FileKind::code`).
    pub kind: String,
    /// Its size in bytes.
    pub size: i64,
    /// The name the person gave (metadata).
    pub file_name: String,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

impl Held {
    /// Stores `bytes` (already checked by the feature) and describes them;
    /// `kind` is the feature's code of the file's kind.
    pub async fn keep(
        files: &FileStore,
        bytes: Bytes,
        kind: &str,
        file_name: &str,
    ) -> Result<Held, FileError> {
        let size = bytes.len() as i64;
        let key = files.put(bytes).await?;
        Ok(Held {
            key,
            kind: kind.to_string(),
            size,
            file_name: file_name.to_string(),
        })
    }

    /// The hidden field's value for the page of the person whose
    /// anti-forgery token is `csrf` (`PageCtx::csrf`).
    pub fn token(&self, csrf: &str) -> String {
        let payload = format!(
            "{}.{}.{}.{}",
            self.key.as_str(),
            B64.encode(self.kind.as_bytes()),
            self.size,
            B64.encode(self.file_name.as_bytes())
        );
        let seal = seal(csrf, &payload);
        format!("{payload}.{seal}")
    }

    /// Reads a hidden field back for the person whose anti-forgery token is
    /// `csrf`; `None` when empty, malformed, or sealed for someone else.
    pub fn read(token: &str, csrf: &str) -> Option<Held> {
        let token = token.trim();
        let (payload, sealed) = token.rsplit_once('.')?;
        let expected = seal(csrf, payload);
        if !crate::web::csrf::same_token(sealed, &expected) {
            return None;
        }
        let mut parts = payload.split('.');
        let key = StoredKey::parse(parts.next()?)?;
        let kind = String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?;
        let size = parts.next()?.parse().ok()?;
        let file_name = String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(Held {
            key,
            kind,
            size,
            file_name,
        })
    }
}

/// SHA-256 over the session's anti-forgery token and the hash of the
/// payload (fixed lengths inside, so nothing can be appended).
fn seal(csrf: &str, payload: &str) -> String {
    let inner = Sha256::digest(payload.as_bytes());
    let mut outer = Sha256::new();
    outer.update(b"perseverance held file\0");
    outer.update(Sha256::digest(csrf.as_bytes()));
    outer.update(inner);
    B64.encode(outer.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> Held {
        Held {
            key: StoredKey::parse("ab/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").unwrap(),
            kind: "image".into(),
            size: 1234,
            file_name: "photo de l'expo.png".into(),
        }
    }

    #[test]
    fn a_token_reads_back_for_its_session_only() {
        let token = held().token("session-a");
        assert_eq!(Held::read(&token, "session-a"), Some(held()));
        assert_eq!(Held::read(&token, "session-b"), None);
        assert_eq!(Held::read("", "session-a"), None);
        // Naming another stored file breaks the seal.
        let other = token.replacen("ab/abcdef", "ab/abcdeg", 1);
        assert_eq!(Held::read(&other, "session-a"), None);
        let bigger = token.replacen(".1234.", ".9999.", 1);
        assert_eq!(Held::read(&bigger, "session-a"), None);
    }
}
