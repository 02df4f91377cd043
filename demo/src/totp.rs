//! Authenticator apps (TOTP, RFC 6238, HMAC-SHA-1 — the one algorithm every app computes) with
//! `totp-rs`, and their secrets sealed at rest.
//!
//! - A secret is 160 random bits from the OS ([`new_secret`]), shown once as an `otpauth://`
//!   URI, its QR code (SVG rendered here: the widget carries no QR code) and base32 in groups of
//!   four ([`enrolment`]); it counts only once a first valid code confirmed it.
//! - [`verify`] accepts the code of the current time step or of one step on either side, and
//!   only a step **later** than the last one accepted (RFC 6238 §5.2): the database keeps that
//!   step and a conditional `UPDATE` records the new one (`db::accept_totp_step`), so a code is
//!   accepted once even when sent twice at the same moment.
//! - [`SecretBox`] seals secrets with ChaCha20-Poly1305 under the server's OTP key, bound to the
//!   account (associated data: portal and identifier). The key comes from `SESAME_OTP_KEY` (64
//!   hex digits) or, by default, a file beside the SQLite database (`<database>-otp-key`,
//!   created with 32 random bytes on the first start, mode 0600); an in-memory database gets a
//!   key for the life of the process. See [`crate::config::Config::otp_key`].

use anyhow::{anyhow, bail, Context};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use qrcode::render::svg;
use qrcode::QrCode;
use sesame_core::api::Enrolment;
use sesame_core::otp::{group_in_fours, TOTP_SKEW_STEPS};
use sesame_core::Secret;
use std::path::Path;
use totp_rs::{Algorithm, Builder, Totp};
use zeroize::Zeroizing;

/// Bytes of a TOTP secret: 160 bits (RFC 4226 §4 recommends it).
pub const SECRET_BYTES: usize = 20;
/// Bytes of the OTP key.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// A new secret from the OS random source.
pub fn new_secret() -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let mut secret = Zeroizing::new(vec![0u8; SECRET_BYTES]);
    getrandom::fill(&mut secret).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(secret)
}

/// What a code is computed with: the length and the period (the portal's settings; RFC 6238's
/// test vectors use 8 digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// The code's length.
    pub digits: u8,
    /// The time step, in seconds.
    pub period: u32,
}

fn totp(secret: &[u8], params: Params) -> anyhow::Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(params.digits)
        .with_step_duration(u64::from(params.period))
        .with_skew(0)
        .with_secret(secret.to_vec())
        .build()
        .map_err(|e| anyhow!("TOTP parameters: {e}"))
}

/// Byte-by-byte comparison that takes the same time wherever the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The code of the time step containing `now`, for tests and the demo's own use.
pub fn code_at(secret: &[u8], params: Params, now: i64) -> anyhow::Result<String> {
    let t = u64::try_from(now).context("time before 1970")?;
    Ok(totp(secret, params)?.generate(t).to_string())
}

/// The secret bytes of a base32 text as the enrolment shows it (spaces allowed): what a person
/// types into an app, and what the tests read from the page.
pub fn secret_from_base32(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let secret = totp_rs::Secret::try_from_base32(compact).ok()?;
    Some(Zeroizing::new(secret.as_ref().to_vec()))
}

/// The server's verification: the time step whose code is `code`, among the step of `now` and
/// one on either side, if it is later than `last_step` (a replayed or older code is refused).
/// Every candidate is computed and compared, whichever matches.
pub fn verify(
    secret: &[u8],
    params: Params,
    code: &str,
    now: i64,
    last_step: Option<i64>,
) -> anyhow::Result<Option<i64>> {
    let totp = totp(secret, params)?;
    let Ok(now) = u64::try_from(now) else {
        return Ok(None);
    };
    let period = u64::from(params.period);
    let current = now / period;
    let mut found = None;
    for step in current.saturating_sub(TOTP_SKEW_STEPS)..=current.saturating_add(TOTP_SKEW_STEPS) {
        let expected = totp.generate(step * period).to_string();
        let later = last_step.is_none_or(|last| i64::try_from(step).is_ok_and(|s| s > last));
        if same(expected.as_bytes(), code.as_bytes()) && later && found.is_none() {
            found = i64::try_from(step).ok();
        }
    }
    Ok(found)
}

/// What a person needs to set up their app: the QR code, the secret in groups of four, the URI.
/// `issuer` is the portal's name, `account` the identifier.
pub fn enrolment(
    secret: &[u8],
    params: Params,
    issuer: &str,
    account: &str,
) -> anyhow::Result<Enrolment> {
    // otpauth labels cannot hold ':'.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(params.digits)
        .with_step_duration(u64::from(params.period))
        .with_secret(secret.to_vec())
        .with_issuer(Some(issuer))
        .with_account_name(account)
        .build()
        .map_err(|e| anyhow!("TOTP parameters: {e}"))?;
    let uri = Zeroizing::new(totp.to_url().map_err(|e| anyhow!("otpauth URI: {e}"))?);
    let base32 = Zeroizing::new(totp.secret().to_base32());
    let svg = QrCode::new(uri.as_bytes())
        .context("QR code")?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The widget inserts the element: no XML declaration.
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg.clone(), |(_, s)| s.trim_start().to_owned()),
        None => svg,
    };
    Ok(Enrolment {
        svg,
        secret: Secret::new(group_in_fours(&base32)),
        uri: Secret::new(uri.as_str()),
    })
}

/// Seals and opens TOTP secrets with the server's OTP key. Its `Debug` hides the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

impl SecretBox {
    /// A box with this key.
    pub fn new(key: &[u8; KEY_BYTES]) -> SecretBox {
        SecretBox {
            cipher: ChaCha20Poly1305::new(&Key::from(*key)),
        }
    }

    /// A box with a key of its own, for the life of the process (in-memory databases, tests).
    pub fn ephemeral() -> anyhow::Result<SecretBox> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(key.as_mut()).map_err(|e| anyhow!("no randomness: {e}"))?;
        Ok(SecretBox::new(&key))
    }

    /// The key from `SESAME_OTP_KEY` (hex), else from the file `path` (created with a new
    /// random key when missing), else ephemeral.
    pub fn load(hex_key: Option<&str>, path: Option<&Path>) -> anyhow::Result<SecretBox> {
        if let Some(hex_key) = hex_key {
            return SecretBox::from_hex(hex_key.trim())
                .context("SESAME_OTP_KEY must be 64 hexadecimal digits (32 bytes)");
        }
        let Some(path) = path else {
            return SecretBox::ephemeral();
        };
        match std::fs::read_to_string(path) {
            Ok(text) => SecretBox::from_hex(text.trim())
                .with_context(|| format!("the OTP key file {} is damaged", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = Zeroizing::new([0u8; KEY_BYTES]);
                getrandom::fill(key.as_mut()).map_err(|e| anyhow!("no randomness: {e}"))?;
                write_private(path, &hex::encode(key.as_ref()))
                    .with_context(|| format!("cannot write the OTP key {}", path.display()))?;
                tracing::info!(file = %path.display(), "created the OTP key");
                Ok(SecretBox::new(&key))
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    fn from_hex(text: &str) -> anyhow::Result<SecretBox> {
        let bytes = Zeroizing::new(hex::decode(text).map_err(|_| anyhow!("not hexadecimal"))?);
        let key: [u8; KEY_BYTES] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| anyhow!("{} bytes instead of {KEY_BYTES}", bytes.len()))?;
        Ok(SecretBox::new(&key))
    }

    /// `secret` sealed for the account `aad` names: hex of a random nonce and the ciphertext.
    pub fn seal(&self, secret: &[u8], aad: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| anyhow!("no randomness: {e}"))?;
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| anyhow!("cannot seal the secret"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(hex::encode(out))
    }

    /// The secret `sealed` holds, if it was sealed with this key for `aad`.
    pub fn open(&self, sealed: &str, aad: &str) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        let bytes = hex::decode(sealed).map_err(|_| anyhow!("sealed secret: not hex"))?;
        if bytes.len() <= NONCE_BYTES {
            bail!("sealed secret: too short");
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| anyhow!("nonce"))?;
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| anyhow!("the sealed secret does not open with this OTP key"))
    }
}

/// Writes a file only its owner can read.
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1: the 20-byte ASCII secret, 8 digits, 30-second steps.
    #[test]
    fn rfc_6238_appendix_b_sha1_vectors_through_verify() {
        let secret = b"12345678901234567890";
        let params = Params {
            digits: 8,
            period: 30,
        };
        let vectors: [(i64, &str); 6] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(code_at(secret, params, time).unwrap(), code, "T = {time}");
            let step = time / 30;
            assert_eq!(
                verify(secret, params, code, time, None).unwrap(),
                Some(step),
                "T = {time}"
            );
            // Accepted once: that step and earlier ones are refused afterwards.
            assert_eq!(
                verify(secret, params, code, time, Some(step)).unwrap(),
                None
            );
            assert_eq!(
                verify(secret, params, code, time, Some(step + 1)).unwrap(),
                None
            );
            // One step of drift either way is accepted; two are not.
            assert_eq!(
                verify(secret, params, code, time + 30, None).unwrap(),
                Some(step)
            );
            assert_eq!(
                verify(secret, params, code, time - 30, None).unwrap(),
                Some(step)
            );
            assert_eq!(verify(secret, params, code, time + 60, None).unwrap(), None);
            assert_eq!(verify(secret, params, code, time - 60, None).unwrap(), None);
        }
        assert_eq!(verify(secret, params, "00000000", 59, None).unwrap(), None);
        assert_eq!(verify(secret, params, "9428708", 59, None).unwrap(), None);
    }

    #[test]
    fn secrets_are_sealed_for_one_account_and_key() {
        let key = SecretBox::ephemeral().unwrap();
        let secret = new_secret().unwrap();
        assert_eq!(secret.len() * 8, 160);
        let sealed = key.seal(&secret, "paaco/jeanne").unwrap();
        assert!(!sealed.contains(&hex::encode(secret.as_slice())));
        assert_eq!(
            key.open(&sealed, "paaco/jeanne").unwrap().as_slice(),
            secret.as_slice()
        );
        assert!(
            key.open(&sealed, "paaco/paul").is_err(),
            "bound to the account"
        );
        assert!(SecretBox::ephemeral()
            .unwrap()
            .open(&sealed, "paaco/jeanne")
            .is_err());
        assert!(!format!("{key:?}").contains(&sealed[..8]));
    }

    #[test]
    fn the_key_file_is_created_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite-otp-key");
        let first = SecretBox::load(None, Some(&path)).unwrap();
        let sealed = first.seal(b"0123456789abcdefghij", "a").unwrap();
        let again = SecretBox::load(None, Some(&path)).unwrap();
        assert_eq!(
            again.open(&sealed, "a").unwrap().as_slice(),
            b"0123456789abcdefghij"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner reads the key");
        }
        let env = SecretBox::load(Some(&"ab".repeat(32)), Some(&path)).unwrap();
        assert!(
            env.open(&sealed, "a").is_err(),
            "the variable wins over the file"
        );
        assert!(SecretBox::load(Some("short"), None).is_err());
    }

    #[test]
    fn enrolment_shows_the_secret_as_qr_text_and_uri() {
        let secret = new_secret().unwrap();
        let params = Params {
            digits: 6,
            period: 60,
        };
        let e = enrolment(&secret, params, "PAACO/Globule", "jeanne.martin").unwrap();
        assert!(e.svg.starts_with("<svg"), "{}", &e.svg[..40]);
        let uri = e.uri.expose();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains("period=60"), "{uri}");
        assert_eq!(
            secret_from_base32(e.secret.expose()).unwrap().as_slice(),
            secret.as_slice()
        );
        let typed: String = e.secret.expose().split(' ').collect();
        assert!(uri.contains(&format!("secret={typed}")), "{uri}");
        assert_eq!(typed.len(), 32, "160 bits in base32");
        assert!(e.secret.expose().split(' ').all(|g| g.len() == 4));
    }
}
