//! Random tokens for cookies (sessions, trusted devices): 32 random bytes written in hex, of
//! which only the SHA-256 is stored.

use anyhow::anyhow;
use sha2::{Digest, Sha256};

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;

/// `n` random bytes, in lower-case hexadecimal.
pub fn random_hex(n: usize) -> anyhow::Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(bytes))
}

/// A new random token.
pub fn new_token() -> anyhow::Result<String> {
    random_hex(TOKEN_BYTES)
}

/// What the database stores for a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `value` looks like a token (so garbage is not even looked up).
pub fn is_well_formed(value: &str) -> bool {
    value.len() == TOKEN_BYTES * 2 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hashed() {
        let t = new_token().unwrap();
        assert!(is_well_formed(&t), "{t}");
        assert_ne!(t, new_token().unwrap());
        assert_eq!(hash(&t).len(), 64);
        assert_ne!(hash(&t), t);
        assert!(!is_well_formed("abc"));
    }
}
