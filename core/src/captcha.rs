//! The "not a robot" step ([`Step::Captcha`](crate::Step::Captcha)): which provider a portal
//! uses, when the step is due, and the proof of work of the ALTCHA protocol.
//!
//! A portal's [`CaptchaSettings`] name the provider — [`CaptchaProvider::ProofOfWork`] by
//! default (self-hosted: nothing leaves the portal), or reCAPTCHA v2, hCaptcha or Cloudflare
//! Turnstile with their public site key (their secret keys are the server's alone) — and when
//! the step is due: [`CaptchaRequired::Always`] (Entr'Actes), or
//! [`CaptchaRequired::AfterFailures`], after that many consecutive failed logins of the account
//! or failed attempts from the address (one of the restriction measures the ANS référentiel
//! d'identification lists for password logins; [`DEFAULT_AFTER_FAILURES`]).
//!
//! The step runs only for an offer whose steps list it, right after the password; the server
//! decides it is due **before** the password is checked, and refuses a login that lacks a valid
//! solution with `captcha_required` (and the others below) without checking or counting the
//! password.
//!
//! Proof of work (ALTCHA, <https://altcha.org/docs/>): the server gives a
//! [`CaptchaChallenge`] — `challenge` = hex(SHA-256(`salt` ‖ decimal number)) for a secret
//! number in `0..=maxnumber`, `signature` = hex(HMAC-SHA-256(server key, `challenge`)), the
//! salt carrying its expiry (`…?expires=<unix seconds>&`). The browser finds the number by trying
//! them in order ([`CaptchaChallenge::solve`]) and sends [`CaptchaChallenge::payload`]: base64
//! of the JSON `{algorithm, challenge, number, salt, signature}`. Hosted providers give their own
//! token, sent as is.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The proof of work's hash algorithm, as ALTCHA names it.
pub const ALGORITHM: &str = "SHA-256";
/// How long a proof-of-work challenge may be solved and used, in seconds (5 minutes).
pub const CHALLENGE_LIFE_SECS: u32 = 5 * 60;
/// The default difficulty: the secret number is drawn uniformly in `0..=100_000`, so a browser
/// tries 50 000 hashes at the median and 95 000 at the 95th percentile. At the 5–10 µs a
/// `crypto.subtle.digest` call costs, that is a median of 0.25–0.5 s and a p95 of 0.5–1 s (the
/// issue's budget: median ≤ 1 s, p95 ≤ 3 s).
pub const DEFAULT_MAX_NUMBER: u64 = 100_000;
/// The failures after which [`CaptchaRequired::AfterFailures`] asks for the step in the
/// presets: 3, well before the lockout's delays (after 5) and lock (after 10), so a person who
/// mistyped three times proves they are not a script before the account is slowed down.
pub const DEFAULT_AFTER_FAILURES: u32 = 3;
/// The longest solution a login may carry (an ALTCHA payload is about 300 characters, hosted
/// tokens up to about 2 KB).
pub const MAX_SOLUTION_LEN: usize = 4096;

/// Who runs the "not a robot" check.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaptchaProvider {
    /// The portal's own proof of work (ALTCHA protocol): no third party, nothing sent anywhere.
    #[default]
    ProofOfWork,
    /// Google reCAPTCHA v2 ("Je ne suis pas un robot"): sends data to Google (CNIL: consent).
    Recaptcha {
        /// The public site key.
        site_key: String,
    },
    /// hCaptcha.
    Hcaptcha {
        /// The public site key.
        site_key: String,
    },
    /// Cloudflare Turnstile.
    Turnstile {
        /// The public site key.
        site_key: String,
    },
}

impl CaptchaProvider {
    /// The stable string form (`proof_of_work`, `recaptcha`, `hcaptcha`, `turnstile`).
    pub fn as_str(&self) -> &'static str {
        match self {
            CaptchaProvider::ProofOfWork => "proof_of_work",
            CaptchaProvider::Recaptcha { .. } => "recaptcha",
            CaptchaProvider::Hcaptcha { .. } => "hcaptcha",
            CaptchaProvider::Turnstile { .. } => "turnstile",
        }
    }

    /// The public site key of a hosted provider; `None` for the proof of work.
    pub fn site_key(&self) -> Option<&str> {
        match self {
            CaptchaProvider::ProofOfWork => None,
            CaptchaProvider::Recaptcha { site_key }
            | CaptchaProvider::Hcaptcha { site_key }
            | CaptchaProvider::Turnstile { site_key } => Some(site_key),
        }
    }
}

/// The browser side of the hosted providers: the script the widget loads on demand (explicit
/// render, `onload` callback), the global it then calls (`render(container, {sitekey, callback,
/// "expired-callback", "error-callback"})`, `reset(id)`: the same shape for all three), and the
/// Content-Security-Policy sources a portal page needs for it. One table, read by the widget,
/// the demo's CSP and the README.
impl CaptchaProvider {
    /// The provider's documented script URL (`None` for the proof of work, which needs none).
    pub fn script_url(&self) -> Option<&'static str> {
        Some(match self {
            CaptchaProvider::ProofOfWork => return None,
            CaptchaProvider::Recaptcha { .. } => "https://www.google.com/recaptcha/api.js",
            CaptchaProvider::Hcaptcha { .. } => "https://js.hcaptcha.com/1/api.js",
            CaptchaProvider::Turnstile { .. } => {
                "https://challenges.cloudflare.com/turnstile/v0/api.js"
            }
        })
    }

    /// The global object the script defines (`grecaptcha`, `hcaptcha`, `turnstile`).
    pub fn global(&self) -> Option<&'static str> {
        Some(match self {
            CaptchaProvider::ProofOfWork => return None,
            CaptchaProvider::Recaptcha { .. } => "grecaptcha",
            CaptchaProvider::Hcaptcha { .. } => "hcaptcha",
            CaptchaProvider::Turnstile { .. } => "turnstile",
        })
    }

    /// Whether the language goes in the script URL (`hl=fr`: reCAPTCHA, hCaptcha) rather than
    /// in the render parameters (`language: "fr"`: Turnstile).
    pub fn language_in_url(&self) -> bool {
        matches!(
            self,
            CaptchaProvider::Recaptcha { .. } | CaptchaProvider::Hcaptcha { .. }
        )
    }

    /// The Content-Security-Policy sources the provider's documentation asks for, as
    /// `(directive, sources)`; none for the proof of work (its worker is same-origin).
    pub fn csp_sources(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            CaptchaProvider::ProofOfWork => &[],
            CaptchaProvider::Recaptcha { .. } => &[
                (
                    "script-src",
                    "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/",
                ),
                (
                    "frame-src",
                    "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/",
                ),
            ],
            CaptchaProvider::Hcaptcha { .. } => &[
                ("script-src", "https://hcaptcha.com https://*.hcaptcha.com"),
                ("frame-src", "https://hcaptcha.com https://*.hcaptcha.com"),
                ("style-src", "https://hcaptcha.com https://*.hcaptcha.com"),
                ("connect-src", "https://hcaptcha.com https://*.hcaptcha.com"),
            ],
            CaptchaProvider::Turnstile { .. } => &[
                ("script-src", "https://challenges.cloudflare.com"),
                ("frame-src", "https://challenges.cloudflare.com"),
            ],
        }
    }

    /// The hosted provider named `kind` ([`CaptchaProvider::as_str`]) with `site_key`; `None`
    /// for another name or the proof of work.
    pub fn hosted(kind: &str, site_key: String) -> Option<CaptchaProvider> {
        Some(match kind {
            "recaptcha" => CaptchaProvider::Recaptcha { site_key },
            "hcaptcha" => CaptchaProvider::Hcaptcha { site_key },
            "turnstile" => CaptchaProvider::Turnstile { site_key },
            _ => return None,
        })
    }
}

/// What the widget is given when the step is due (`POST /login/captcha/challenge?portal=…`):
/// a proof-of-work challenge to solve, or the hosted provider to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum CaptchaStart {
    /// The portal's own proof of work.
    ProofOfWork(CaptchaChallenge),
    /// reCAPTCHA, hCaptcha or Turnstile: render it, send its token as the login's `captcha`.
    Hosted(HostedCaptcha),
}

/// A hosted provider, as the widget loads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostedCaptcha {
    /// `recaptcha`, `hcaptcha` or `turnstile`, with the public site key.
    #[serde(flatten)]
    pub provider: CaptchaProvider,
    /// The script to load: the provider's own ([`CaptchaProvider::script_url`]) unless the
    /// portal serves it from elsewhere (reCAPTCHA's `www.recaptcha.net`, a proxy).
    pub script: String,
}

/// When the captcha step is due.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaptchaRequired {
    /// At every login (`"always"`).
    Always,
    /// Once the account has this many consecutive failed logins, or the address this many
    /// failed attempts in the rate limiter's window (`{"after_failures": 3}`).
    AfterFailures(u32),
}

/// A portal's captcha: provider and when it is due.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptchaSettings {
    /// Who runs the check; the proof of work when absent.
    #[serde(default)]
    pub provider: CaptchaProvider,
    /// When the step is due.
    pub required: CaptchaRequired,
}

impl CaptchaSettings {
    /// Whether the step is due for an account with `account_failures` consecutive failures (0
    /// for an unknown account), from an address with `address_failures` recent ones.
    pub fn is_due(&self, account_failures: u32, address_failures: u32) -> bool {
        match self.required {
            CaptchaRequired::Always => true,
            CaptchaRequired::AfterFailures(n) => account_failures >= n || address_failures >= n,
        }
    }
}

/// A proof-of-work challenge (`POST /login/captcha/challenge`), in ALTCHA's own shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptchaChallenge {
    /// Always [`ALGORITHM`], `SHA-256`.
    #[cfg_attr(feature = "openapi", schema(example = "SHA-256"))]
    pub algorithm: String,
    /// hex(SHA-256(`salt` ‖ the secret number in decimal)).
    pub challenge: String,
    /// The secret number is at most this.
    #[cfg_attr(feature = "openapi", schema(example = 100000))]
    pub maxnumber: u64,
    /// Random hex, then the expiry: `…?expires=<unix seconds>&`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "5f2a9c01d3e4b6a7c8d9e0f1?expires=1767225900&")
    )]
    pub salt: String,
    /// hex(HMAC-SHA-256(server key, `challenge`)).
    pub signature: String,
}

/// What a browser sends back for a proof of work (decoded from the base64 payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptchaSolution {
    /// The challenge's algorithm.
    pub algorithm: String,
    /// The challenge.
    pub challenge: String,
    /// The number found.
    pub number: u64,
    /// The challenge's salt.
    pub salt: String,
    /// The challenge's signature.
    pub signature: String,
}

/// hex(SHA-256(`salt` ‖ `number` in decimal)): the hash a number must give.
pub fn hash_of(salt: &str, number: u64) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(number.to_string().as_bytes());
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The expiry a salt carries (`expires=<unix seconds>` among its `?k=v&` parameters).
pub fn salt_expiry(salt: &str) -> Option<i64> {
    let (_, params) = salt.split_once('?')?;
    params
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "expires")
        .and_then(|(_, v)| v.parse().ok())
}

impl CaptchaChallenge {
    /// The number whose hash is the challenge, tried in order from 0 to `maxnumber` (what the
    /// browser does; `None` if no number fits — a challenge that is not one).
    pub fn solve(&self) -> Option<u64> {
        (0..=self.maxnumber).find(|n| hash_of(&self.salt, *n) == self.challenge)
    }

    /// The solution for `number`.
    pub fn solution(&self, number: u64) -> CaptchaSolution {
        CaptchaSolution {
            algorithm: self.algorithm.clone(),
            challenge: self.challenge.clone(),
            number,
            salt: self.salt.clone(),
            signature: self.signature.clone(),
        }
    }

    /// The login's `captcha` field for `number`: standard base64 of the JSON
    /// `{"algorithm","challenge","number","salt","signature"}` (ALTCHA's payload), written
    /// without serde for the widget.
    pub fn payload(&self, number: u64) -> String {
        self.solution(number).payload()
    }
}

impl CaptchaSolution {
    /// Standard base64 of this solution's JSON (see [`CaptchaChallenge::payload`]).
    pub fn payload(&self) -> String {
        let mut json = String::from("{");
        for (key, value) in [
            ("algorithm", &self.algorithm),
            ("challenge", &self.challenge),
        ] {
            push_member(&mut json, key, value);
        }
        // Written by hand: `format!` would bring core::fmt's number code into the widget.
        json.push_str("\"number\":");
        push_decimal(&mut json, self.number);
        json.push(',');
        push_member(&mut json, "salt", &self.salt);
        push_member(&mut json, "signature", &self.signature);
        json.pop();
        json.push('}');
        base64(json.as_bytes())
    }
}

/// `n` in decimal.
fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

fn push_member(json: &mut String, key: &str, value: &str) {
    json.push('"');
    json.push_str(key);
    json.push_str("\":\"");
    for c in value.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
            c => json.push(c),
        }
    }
    json.push_str("\",");
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(number: u64) -> CaptchaChallenge {
        let salt = "0a1b2c3d4e5f60718293a4b5?expires=1767225900&".to_owned();
        CaptchaChallenge {
            algorithm: ALGORITHM.into(),
            challenge: hash_of(&salt, number),
            maxnumber: 1000,
            salt,
            signature: "ab".repeat(32),
        }
    }

    #[test]
    fn solving_finds_the_number_and_the_payload_is_altchas() {
        let c = challenge(777);
        assert_eq!(c.solve(), Some(777));
        let mut impossible = c.clone();
        impossible.maxnumber = 776;
        assert_eq!(impossible.solve(), None);
        let payload = c.payload(777);
        // Standard base64 of the JSON serde would write: the same members, the same values.
        let json = decode_base64(&payload);
        let back: CaptchaSolution = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, c.solution(777));
        // ALTCHA's known vector (altcha-lib): salt "3065d108b2314f5ecc7e1207", number 971813.
        assert_eq!(
            hash_of("3065d108b2314f5ecc7e1207", 971_813),
            "aa9c8ec8057413dd8220e21e15ab54b095fb3c840601d44c39bece8d9df34529"
        );
        assert_eq!(salt_expiry(&c.salt), Some(1_767_225_900));
        assert_eq!(salt_expiry("abc"), None);
        assert_eq!(salt_expiry("abc?expires=soon&"), None);
        let odd = CaptchaSolution {
            salt: "q\"\\\n".into(),
            ..c.solution(1)
        };
        let back: CaptchaSolution = serde_json::from_slice(&decode_base64(&odd.payload())).unwrap();
        assert_eq!(back, odd, "escaped");
        for number in [0, 9, 10, 100_000, u64::MAX] {
            let json = decode_base64(&c.payload(number));
            let back: CaptchaSolution = serde_json::from_slice(&json).unwrap();
            assert_eq!(back.number, number, "written by hand, read by serde");
        }
    }

    fn decode_base64(s: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        let mut out = Vec::new();
        for chunk in s.as_bytes().chunks(4) {
            let n = chunk
                .iter()
                .filter(|&&c| c != b'=')
                .enumerate()
                .fold(0u32, |n, (i, &c)| n | u32::from(value(c)) << (18 - 6 * i));
            let len = chunk.iter().filter(|&&c| c != b'=').count() - 1;
            out.extend_from_slice(&n.to_be_bytes()[1..=len]);
        }
        out
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
            assert_eq!(decode_base64(coded), plain.as_bytes());
        }
    }

    #[test]
    fn when_the_step_is_due() {
        let always = CaptchaSettings {
            provider: CaptchaProvider::ProofOfWork,
            required: CaptchaRequired::Always,
        };
        assert!(always.is_due(0, 0));
        let after = CaptchaSettings {
            provider: CaptchaProvider::ProofOfWork,
            required: CaptchaRequired::AfterFailures(DEFAULT_AFTER_FAILURES),
        };
        assert!(!after.is_due(2, 2));
        assert!(after.is_due(3, 0), "the account's failures");
        assert!(after.is_due(0, 3), "the address's failures");
    }

    #[test]
    fn settings_in_json() {
        let s: CaptchaSettings = serde_json::from_str(r#"{"required":"always"}"#).unwrap();
        assert_eq!(s.provider, CaptchaProvider::ProofOfWork, "the default");
        let s: CaptchaSettings = serde_json::from_str(
            r#"{"provider":{"kind":"recaptcha","site_key":"6Le-site"},"required":{"after_failures":3}}"#,
        )
        .unwrap();
        assert_eq!(s.provider.site_key(), Some("6Le-site"));
        assert_eq!(s.provider.as_str(), "recaptcha");
        assert_eq!(s.required, CaptchaRequired::AfterFailures(3));
        for bad in [
            r#"{"required":"sometimes"}"#,
            r#"{"provider":{"kind":"recaptcha"},"required":"always"}"#,
            r#"{"provider":{"kind":"recaptcha","site_key":"k","secret":"s"},"required":"always"}"#,
        ] {
            assert!(
                serde_json::from_str::<CaptchaSettings>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
