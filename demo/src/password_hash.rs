//! argon2id password hashing with the OWASP parameters (m = 19 MiB, t = 2, p = 1), stored as
//! PHC strings. Hashing is CPU work: the async helpers run it on the blocking pool (callers
//! bound how many at once with [`crate::AppState::hash_permit`]).
//!
//! Passwords are hashed and verified in Unicode normalisation form NFKC (NIST SP 800-63B
//! § 5.1.1.2), so `é` typed as one character or as `e` + accent, or full-width digits from an
//! Asian keyboard layout, are the same password. The rules are checked on what was typed.

use anyhow::anyhow;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use sesame_core::Secret;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// `password` in NFKC, in memory zeroed on drop.
fn normalized(password: &str) -> Zeroizing<String> {
    Zeroizing::new(password.nfkc().collect())
}

/// Memory cost in KiB (OWASP Password Storage Cheat Sheet, ASVS 5.0).
pub const M_COST_KIB: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;

fn hasher() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with a fresh random salt into a PHC string.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let phc = hasher()?
        .hash_password(normalized(password).as_bytes())
        .map_err(|e| anyhow!("argon2 hashing failed: {e}"))?;
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match hasher() {
        Ok(h) => h
            .verify_password(normalized(password).as_bytes(), phc)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random secret nobody knows, with the same parameters: verifying against it
/// costs as much as verifying a real account, so unknown accounts take the same time.
pub fn dummy_hash() -> anyhow::Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash(&crate::token::new_token()?)?;
    Ok(DUMMY.get_or_init(|| h))
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: Secret) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(password.expose())).await?
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(password: Secret, phc: String) -> anyhow::Result<bool> {
    Ok(tokio::task::spawn_blocking(move || verify(password.expose(), &phc)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash("lavande-tulipe-cafe").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("lavande-tulipe-cafe", &h));
        assert!(!verify("lavande-tulipe-caf", &h));
        assert!(!verify("x", "not a phc string"));
        assert!(!verify("x", dummy_hash().unwrap()));
        assert_ne!(hash("same").unwrap(), hash("same").unwrap(), "random salts");
        // NFKC: composed and decomposed accents, full-width digits.
        let h = hash("caf\u{e9}-\u{ff11}\u{ff12}").unwrap();
        assert!(verify("cafe\u{301}-12", &h));
        assert!(!verify("cafe-12", &h));
    }
}
