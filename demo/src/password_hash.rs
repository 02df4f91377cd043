//! argon2id password hashing with the OWASP parameters (m = 19 MiB, t = 2, p = 1), stored as
//! PHC strings. Hashing is CPU work: the async helpers run it on the blocking pool (callers
//! bound how many at once with [`crate::AppState::hash_permit`]).
//!
//! Passwords are hashed and verified in Unicode normalisation form NFKC (NIST SP 800-63B
//! § 5.1.1.2), so `é` typed as one character or as `e` + accent, or full-width digits from an
//! Asian keyboard layout, are the same password. The rules are checked on what was typed.

use anyhow::anyhow;
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use sesame_core::Secret;
use std::sync::{Mutex, OnceLock, PoisonError};
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

fn hasher(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn owasp_params() -> anyhow::Result<Params> {
    Params::new(M_COST_KIB, T_COST, P_COST, None).map_err(|e| anyhow!("argon2 parameters: {e}"))
}

/// argon2's working memory (19 MiB a hash), kept for the next hash instead of handed back to
/// the allocator: as many buffers as hashes have run at once (the logins' hash permits bound
/// it), wiped after each use. Freed, these blocks made glibc's allocator raise its mmap
/// threshold above them and keep one in each thread's arena for good — 126 MiB held at start
/// after the seed's hashes (BENCHMARKS.md, "10,000 pending codes").
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `hash` with working memory of at least `blocks` blocks from [`MEMORY`].
fn with_memory<T>(blocks: usize, hash: impl FnOnce(&mut [Block]) -> T) -> T {
    let pooled = MEMORY.lock().unwrap_or_else(PoisonError::into_inner).pop();
    let mut memory = match pooled {
        Some(memory) if memory.len() >= blocks => memory,
        _ => vec![Block::new(); blocks],
    };
    let out = hash(&mut memory);
    // No password-derived state left behind for the next user of the buffer.
    memory.fill(Block::new());
    // A buffer of other parameters (an old hash's) is not kept.
    if memory.len() == M_COST_KIB as usize {
        MEMORY
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(memory);
    }
    out
}

/// The argon2id hash of `password` with `salt` and `params`, into `out`.
fn derive(password: &[u8], salt: &[u8], params: Params, out: &mut [u8]) -> anyhow::Result<()> {
    let blocks = params.block_count();
    let argon2 = hasher(params);
    with_memory(blocks, |memory| {
        argon2.hash_password_into_with_memory(password, salt, out, memory)
    })
    .map_err(|e| anyhow!("argon2 hashing failed: {e}"))
}

/// Hashes `password` with a fresh random salt into a PHC string.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let params = owasp_params()?;
    let salt = Salt::generate();
    let mut out = Zeroizing::new([0u8; Params::DEFAULT_OUTPUT_LEN]);
    derive(
        normalized(password).as_bytes(),
        salt.as_ref(),
        params.clone(),
        out.as_mut(),
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow!("argon2 parameters: {e}"))?,
        salt: Some(salt),
        hash: Some(Output::new(out.as_ref()).map_err(|e| anyhow!("argon2 output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed hash never matches, nor one
/// of another algorithm than argon2id.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    if parsed.algorithm != Algorithm::Argon2id.ident()
        || parsed
            .version
            .is_some_and(|v| v != u32::from(Version::V0x13))
    {
        return false;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = Zeroizing::new(vec![0u8; expected.len()]);
    if derive(
        normalized(password).as_bytes(),
        salt.as_ref(),
        params,
        &mut out,
    )
    .is_err()
    {
        return false;
    }
    // `Output`'s comparison takes the same time whatever matches.
    Output::new(&out).is_ok_and(|out| out == *expected)
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

    #[test]
    fn the_pooled_memory_agrees_with_the_crates_own_hashing() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let crate_hasher = hasher(owasp_params().unwrap());
        // A hash written by the crate (as the database's older rows were) verifies here…
        let theirs = crate_hasher
            .hash_password(normalized("Soins-Occitanie-2026!").as_bytes())
            .unwrap()
            .to_string();
        assert!(verify("Soins-Occitanie-2026!", &theirs));
        assert!(!verify("Soins-Occitanie-2025!", &theirs));
        // …and one written here verifies with the crate.
        let ours = hash("Soins-Occitanie-2026!").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(crate_hasher
            .verify_password(normalized("Soins-Occitanie-2026!").as_bytes(), &parsed)
            .is_ok());
        // Other parameters (a smaller, older hash) still verify, on memory of their own.
        let small = hasher(Params::new(64, 1, 1, None).unwrap())
            .hash_password(b"court")
            .unwrap()
            .to_string();
        assert!(verify("court", &small));
        assert!(!verify("long", &small));
        // Another algorithm is refused even when it would match.
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(64, 1, 1, None).unwrap(),
        )
        .hash_password(b"court")
        .unwrap()
        .to_string();
        assert!(!verify("court", &argon2i));
        // The pool keeps only buffers of the OWASP size.
        assert!(MEMORY
            .lock()
            .unwrap()
            .iter()
            .all(|m| m.len() == M_COST_KIB as usize));
    }
}
