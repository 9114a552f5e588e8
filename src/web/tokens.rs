//! Random secrets (session ids, login links, form tokens) and their hashes.
//!
//! Only hashes are stored: a copy of the database does not open sessions.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, hex-encoded, as stored in the database.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_unique_and_hashable() {
        let (a, b) = (super::random_token(), super::random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(super::hash(&a).len(), 64);
        assert_eq!(super::hash(&a), super::hash(&a));
    }
}
