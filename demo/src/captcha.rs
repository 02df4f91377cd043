//! The "not a robot" step, server side ([`sesame_core::captcha`]).
//!
//! - [`gate`] runs in the password login **before** the password is checked: when the offer
//!   lists [`Step::Captcha`](sesame_core::Step::Captcha) and the portal's rule says it is due
//!   (always, or after N failures of the counter the login would use — the account's, or the
//!   trusted device's — or of the address in [`crate::rate_limit`]), a login without a valid
//!   solution is refused with `captcha_required`, `captcha_invalid`, `captcha_expired` or
//!   `captcha_unavailable`, and nothing is counted.
//! - Proof of work (ALTCHA): [`Captcha::challenge`] signs a fresh challenge with
//!   HMAC-SHA-256 (ring) under the captcha key (`SESAME_CAPTCHA_KEY`, else the file
//!   `<database>-captcha-key` created on the first start, else one per process), the secret
//!   number uniform in `0..=maxnumber` (`SESAME_CAPTCHA_MAXNUMBER`, default
//!   [`DEFAULT_MAX_NUMBER`]), the expiry in the salt ([`CHALLENGE_LIFE_SECS`]).
//!   [`Captcha::verify_pow`] checks algorithm, difficulty, signature (constant time), hash and
//!   expiry against the injected clock, then accepts the challenge once in the database
//!   ([`crate::db::use_captcha_solution`]), also across instances sharing it.
//! - Hosted providers: `siteverify` (form POST of secret, response, remote IP; hCaptcha also
//!   the site key) to the provider's URL (configurable, so tests answer locally), within a
//!   timeout; the answer's error codes, site key and host name decide the code. Never a 5xx:
//!   a provider that fails or is silent is `captcha_unavailable`.

use crate::audit::{self, AuditEvent, AuditOutcome, Entry};
use crate::db;
use crate::error::AppError;
use crate::state::AppState;
use anyhow::{anyhow, Context};
use base64::Engine;
use ring::hmac;
use sesame_core::captcha::{
    hash_of, salt_expiry, CaptchaChallenge, CaptchaProvider, CaptchaRequired, CaptchaSolution,
    HostedCaptcha, ALGORITHM, CHALLENGE_LIFE_SECS, DEFAULT_MAX_NUMBER, MAX_SOLUTION_LEN,
};
use sesame_core::{ErrorCode, PortalConfig};
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;
use zeroize::Zeroizing;

/// The largest difficulty the demo accepts in its configuration (100 times the default).
pub const MAX_MAX_NUMBER: u64 = 10_000_000;
/// How long a siteverify call may take by default.
pub const DEFAULT_VERIFY_TIMEOUT: Duration = Duration::from_secs(5);
/// reCAPTCHA's verification endpoint.
pub const RECAPTCHA_VERIFY_URL: &str = "https://www.google.com/recaptcha/api/siteverify";
/// hCaptcha's verification endpoint.
pub const HCAPTCHA_VERIFY_URL: &str = "https://api.hcaptcha.com/siteverify";
/// Cloudflare Turnstile's verification endpoint.
pub const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// One hosted provider's server side: its secret key and where to verify.
#[derive(Clone, PartialEq, Eq)]
pub struct Hosted {
    /// The secret key (`SESAME_<PROVIDER>_SECRET`); never shown.
    pub secret: Option<String>,
    /// The siteverify URL (`SESAME_<PROVIDER>_VERIFY_URL`, default the provider's).
    pub verify_url: String,
    /// The public site key (`SESAME_<PROVIDER>_SITE_KEY`), needed to choose the provider.
    pub site_key: Option<String>,
    /// Where browsers load its script (`SESAME_<PROVIDER>_SCRIPT_URL`, default the
    /// provider's, [`CaptchaProvider::script_url`]).
    pub script_url: Option<String>,
}

impl std::fmt::Debug for Hosted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hosted")
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("verify_url", &self.verify_url)
            .field("site_key", &self.site_key)
            .field("script_url", &self.script_url)
            .finish()
    }
}

/// The captcha's server configuration. Site keys are the portals' ([`CaptchaProvider`]);
/// secret keys live only here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptchaConfig {
    /// The proof of work's HMAC key (`SESAME_CAPTCHA_KEY`, 64 hex digits; shown redacted).
    /// Without it the key is kept in the file `<database>-captcha-key` (created on the first
    /// start, like the OTP key); an in-memory database gets one for the life of the process.
    /// Instances sharing a database must share the key.
    pub key: Option<Redacted>,
    /// The proof of work's difficulty (`SESAME_CAPTCHA_MAXNUMBER`, 1 to [`MAX_MAX_NUMBER`];
    /// default [`DEFAULT_MAX_NUMBER`]).
    pub max_number: u64,
    /// reCAPTCHA v2 (`SESAME_RECAPTCHA_SECRET`, `SESAME_RECAPTCHA_VERIFY_URL`).
    pub recaptcha: Hosted,
    /// hCaptcha (`SESAME_HCAPTCHA_SECRET`, `SESAME_HCAPTCHA_VERIFY_URL`).
    pub hcaptcha: Hosted,
    /// Cloudflare Turnstile (`SESAME_TURNSTILE_SECRET`, `SESAME_TURNSTILE_VERIFY_URL`).
    pub turnstile: Hosted,
    /// How long a siteverify call may take (`SESAME_CAPTCHA_TIMEOUT_MS`, default 5000).
    pub timeout: Duration,
    /// The hosted provider every portal's captcha step uses instead of the proof of work
    /// (`SESAME_CAPTCHA_PROVIDER=recaptcha|hcaptcha|turnstile`, with that provider's
    /// `…_SITE_KEY` and `…_SECRET`); `None`: the presets' own (the proof of work).
    pub provider: Option<CaptchaProvider>,
}

/// A string whose `Debug` is `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Default for CaptchaConfig {
    fn default() -> CaptchaConfig {
        let hosted = |url: &str| Hosted {
            secret: None,
            verify_url: url.to_owned(),
            site_key: None,
            script_url: None,
        };
        CaptchaConfig {
            key: None,
            max_number: DEFAULT_MAX_NUMBER,
            recaptcha: hosted(RECAPTCHA_VERIFY_URL),
            hcaptcha: hosted(HCAPTCHA_VERIFY_URL),
            turnstile: hosted(TURNSTILE_VERIFY_URL),
            timeout: DEFAULT_VERIFY_TIMEOUT,
            provider: None,
        }
    }
}

impl CaptchaConfig {
    /// Reads the `SESAME_CAPTCHA_*` and provider variables from `lookup`.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<CaptchaConfig> {
        let mut c = CaptchaConfig::default();
        if let Some(key) = lookup("SESAME_CAPTCHA_KEY") {
            let key = key.trim();
            anyhow::ensure!(
                key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
                "SESAME_CAPTCHA_KEY must be 64 hexadecimal digits (32 bytes)"
            );
            c.key = Some(Redacted(key.to_owned()));
        }
        if let Some(n) = lookup("SESAME_CAPTCHA_MAXNUMBER") {
            c.max_number = n
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=MAX_MAX_NUMBER).contains(n))
                .with_context(|| {
                    format!("SESAME_CAPTCHA_MAXNUMBER={n:?}: a number from 1 to {MAX_MAX_NUMBER}")
                })?;
        }
        if let Some(ms) = lookup("SESAME_CAPTCHA_TIMEOUT_MS") {
            let ms: u64 = ms
                .trim()
                .parse()
                .ok()
                .filter(|ms| (1..=60_000).contains(ms))
                .with_context(|| format!("SESAME_CAPTCHA_TIMEOUT_MS={ms:?}: 1 to 60000"))?;
            c.timeout = Duration::from_millis(ms);
        }
        for (name, hosted) in [
            ("RECAPTCHA", &mut c.recaptcha),
            ("HCAPTCHA", &mut c.hcaptcha),
            ("TURNSTILE", &mut c.turnstile),
        ] {
            if let Some(secret) = lookup(&format!("SESAME_{name}_SECRET")) {
                hosted.secret = Some(secret.trim().to_owned()).filter(|s| !s.is_empty());
            }
            if let Some(url) = lookup(&format!("SESAME_{name}_VERIFY_URL")) {
                anyhow::ensure!(
                    url.starts_with("https://") || url.starts_with("http://"),
                    "SESAME_{name}_VERIFY_URL={url:?} is not an http(s) URL"
                );
                hosted.verify_url = url;
            }
            if let Some(key) = lookup(&format!("SESAME_{name}_SITE_KEY")) {
                hosted.site_key = Some(key.trim().to_owned()).filter(|k| !k.is_empty());
            }
            if let Some(url) = lookup(&format!("SESAME_{name}_SCRIPT_URL")) {
                anyhow::ensure!(
                    origin_of(&url).is_some(),
                    "SESAME_{name}_SCRIPT_URL={url:?} is not an http(s) URL"
                );
                hosted.script_url = Some(url);
            }
        }
        if let Some(kind) = lookup("SESAME_CAPTCHA_PROVIDER") {
            let kind = kind.trim();
            if kind != "proof_of_work" {
                let unknown = || {
                    anyhow!(
                        "SESAME_CAPTCHA_PROVIDER={kind:?}: proof_of_work, recaptcha, hcaptcha \
                         or turnstile"
                    )
                };
                let probe = CaptchaProvider::hosted(kind, String::new()).ok_or_else(unknown)?;
                let hosted = c.hosted(&probe).ok_or_else(unknown)?;
                let name = kind.to_ascii_uppercase();
                let site_key = hosted.site_key.clone().with_context(|| {
                    format!("SESAME_CAPTCHA_PROVIDER={kind} needs SESAME_{name}_SITE_KEY")
                })?;
                anyhow::ensure!(
                    hosted.secret.is_some(),
                    "SESAME_CAPTCHA_PROVIDER={kind} needs SESAME_{name}_SECRET"
                );
                c.provider = CaptchaProvider::hosted(kind, site_key);
            }
        }
        Ok(c)
    }

    /// `portal` as this server runs it: its captcha step with [`CaptchaConfig::provider`]
    /// when one is configured.
    pub fn apply(&self, mut portal: PortalConfig) -> PortalConfig {
        if let (Some(settings), Some(provider)) = (portal.captcha.as_mut(), &self.provider) {
            settings.provider = provider.clone();
        }
        portal
    }

    /// What a browser needs to start `provider`'s step: the hosted provider and its script;
    /// `None` for the proof of work.
    pub fn hosted_start(&self, provider: &CaptchaProvider) -> Option<HostedCaptcha> {
        let script = self
            .hosted(provider)?
            .script_url
            .clone()
            .or_else(|| provider.script_url().map(str::to_owned))?;
        Some(HostedCaptcha {
            provider: provider.clone(),
            script,
        })
    }

    /// The Content-Security-Policy sources pages need for the configured provider: its
    /// documented ones, and the origin of a script served from elsewhere.
    pub fn csp_sources(&self) -> Vec<(&'static str, String)> {
        let Some(provider) = &self.provider else {
            return Vec::new();
        };
        let mut sources: Vec<(&'static str, String)> = provider
            .csp_sources()
            .iter()
            .map(|(d, s)| (*d, (*s).to_owned()))
            .collect();
        if let Some(origin) = self
            .hosted(provider)
            .and_then(|h| h.script_url.as_deref())
            .and_then(origin_of)
        {
            for directive in ["script-src", "frame-src"] {
                match sources.iter_mut().find(|(d, _)| *d == directive) {
                    Some((_, s)) => {
                        s.push(' ');
                        s.push_str(&origin);
                    }
                    None => sources.push((directive, origin.clone())),
                }
            }
        }
        sources
    }

    fn hosted(&self, provider: &CaptchaProvider) -> Option<&Hosted> {
        match provider {
            CaptchaProvider::ProofOfWork => None,
            CaptchaProvider::Recaptcha { .. } => Some(&self.recaptcha),
            CaptchaProvider::Hcaptcha { .. } => Some(&self.hcaptcha),
            CaptchaProvider::Turnstile { .. } => Some(&self.turnstile),
        }
    }
}

/// The captcha's key and HTTP client, shared by every request.
pub struct Captcha {
    key: hmac::Key,
    client: reqwest::Client,
}

impl std::fmt::Debug for Captcha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Captcha(***)")
    }
}

const KEY_BYTES: usize = 32;

impl Captcha {
    /// The key from `SESAME_CAPTCHA_KEY` (hex), else from the file `path` (created with a new
    /// random key when missing), else one for this process.
    pub fn load(config: &CaptchaConfig, path: Option<&Path>) -> anyhow::Result<Captcha> {
        let key = match (&config.key, path) {
            (Some(Redacted(hex_key)), _) => from_hex(hex_key)?,
            (None, None) => random_key()?,
            (None, Some(path)) => match std::fs::read_to_string(path) {
                Ok(text) => from_hex(text.trim()).with_context(|| {
                    format!("the captcha key file {} is damaged", path.display())
                })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let key = random_key()?;
                    crate::totp::write_private(path, &hex::encode(key.as_ref())).with_context(
                        || format!("cannot write the captcha key {}", path.display()),
                    )?;
                    tracing::info!(file = %path.display(), "created the captcha key");
                    key
                }
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
            },
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot build the captcha's HTTP client")?;
        Ok(Captcha {
            key: hmac::Key::new(hmac::HMAC_SHA256, key.as_ref()),
            client,
        })
    }

    /// A new proof-of-work challenge at `now`, of difficulty `max_number`.
    pub fn challenge(&self, now: i64, max_number: u64) -> anyhow::Result<CaptchaChallenge> {
        let mut random = [0u8; 12];
        getrandom::fill(&mut random).map_err(|e| anyhow!("no randomness: {e}"))?;
        let expires = now.saturating_add(i64::from(CHALLENGE_LIFE_SECS));
        let salt = format!("{}?expires={expires}&", hex::encode(random));
        let number = random_below_or_equal(max_number)?;
        let challenge = hash_of(&salt, number);
        let signature = hex::encode(hmac::sign(&self.key, challenge.as_bytes()).as_ref());
        Ok(CaptchaChallenge {
            algorithm: ALGORITHM.to_owned(),
            challenge,
            maxnumber: max_number,
            salt,
            signature,
        })
    }

    /// Checks a proof-of-work payload (base64 of the solution's JSON) at `now`: the challenge
    /// and its expiry (Unix seconds) when it is right, unused or not; the code otherwise.
    pub fn check_pow(
        &self,
        payload: &str,
        now: i64,
        max_number: u64,
    ) -> Result<(String, i64), ErrorCode> {
        let invalid = ErrorCode::CaptchaInvalid;
        let json = base64::engine::general_purpose::STANDARD
            .decode(payload.trim())
            .map_err(|_| invalid)?;
        let solution: CaptchaSolution = serde_json::from_slice(&json).map_err(|_| invalid)?;
        if solution.algorithm != ALGORITHM || solution.number > max_number {
            // Another algorithm, or a number no challenge of ours hides (wrong difficulty).
            return Err(invalid);
        }
        let signature = hex::decode(&solution.signature).map_err(|_| invalid)?;
        hmac::verify(&self.key, solution.challenge.as_bytes(), &signature).map_err(|_| invalid)?;
        if hash_of(&solution.salt, solution.number) != solution.challenge {
            // Another challenge's number, or a salt changed (its expiry pushed back, say).
            return Err(invalid);
        }
        let expires = salt_expiry(&solution.salt).ok_or(invalid)?;
        if expires < now {
            return Err(ErrorCode::CaptchaExpired);
        }
        Ok((solution.challenge, expires))
    }

    /// Verifies a proof-of-work payload and uses it up.
    async fn verify_pow(&self, state: &AppState, payload: &str) -> Result<(), AppError> {
        let now = state.now();
        let (challenge, expires) = self.check_pow(payload, now, state.config.captcha.max_number)?;
        if db::use_captcha_solution(&state.db, &challenge, expires, now).await? {
            Ok(())
        } else {
            Err(ErrorCode::CaptchaInvalid.into())
        }
    }

    /// Asks the hosted provider about `token`.
    async fn verify_hosted(
        &self,
        state: &AppState,
        provider: &CaptchaProvider,
        token: &str,
        ip: IpAddr,
    ) -> Result<(), AppError> {
        let unavailable = ErrorCode::CaptchaUnavailable;
        let Some(hosted) = state.config.captcha.hosted(provider) else {
            return Err(unavailable.into());
        };
        let Some(secret) = &hosted.secret else {
            tracing::error!(
                provider = provider.as_str(),
                "no secret key configured for the captcha provider"
            );
            return Err(unavailable.into());
        };
        let ip = ip.to_string();
        let mut form = vec![
            ("secret", secret.as_str()),
            ("response", token),
            ("remoteip", ip.as_str()),
        ];
        if let CaptchaProvider::Hcaptcha { site_key } = provider {
            form.push(("sitekey", site_key));
        }
        let answer = match self
            .client
            .post(&hosted.verify_url)
            .form(&form)
            .send()
            .await
        {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(
                    provider = provider.as_str(),
                    timeout = e.is_timeout(),
                    "siteverify unreachable"
                );
                return Err(unavailable.into());
            }
        };
        if !answer.status().is_success() {
            tracing::warn!(
                provider = provider.as_str(),
                status = answer.status().as_u16(),
                "siteverify failed"
            );
            return Err(unavailable.into());
        }
        let body = match answer.bytes().await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(
                    provider = provider.as_str(),
                    timeout = e.is_timeout(),
                    "siteverify answer lost"
                );
                return Err(unavailable.into());
            }
        };
        let Ok(answer) = serde_json::from_slice::<serde_json::Value>(&body) else {
            tracing::warn!(
                provider = provider.as_str(),
                "siteverify answered something else than JSON"
            );
            return Err(unavailable.into());
        };
        let code = judge(&answer, provider, state.allowed_origins());
        if code == Some(ErrorCode::CaptchaUnavailable) {
            tracing::error!(provider = provider.as_str(), answer = %answer, "siteverify refused our request");
        }
        code.map_or(Ok(()), |c| Err(c.into()))
    }
}

/// What a siteverify answer means: `None` when the token is good for this site; else the code.
pub fn judge(
    answer: &serde_json::Value,
    provider: &CaptchaProvider,
    allowed_origins: &[String],
) -> Option<ErrorCode> {
    let success = answer.get("success").and_then(|s| s.as_bool());
    let errors: Vec<&str> = answer
        .get("error-codes")
        .and_then(|e| e.as_array())
        .map(|a| a.iter().filter_map(|e| e.as_str()).collect())
        .unwrap_or_default();
    match success {
        Some(true) => {}
        Some(false) => {
            let has = |code: &str| errors.contains(&code);
            return Some(
                if has("timeout-or-duplicate") || has("expired-input-response") {
                    ErrorCode::CaptchaExpired
                } else if has("missing-input-secret")
                    || has("invalid-input-secret")
                    || has("internal-error")
                {
                    // Our configuration, or the provider's own failure: not the person's.
                    ErrorCode::CaptchaUnavailable
                } else {
                    // invalid-input-response, missing-input-response, sitekey-secret-mismatch,
                    // invalid-or-already-seen-response, bad-request, and anything new.
                    ErrorCode::CaptchaInvalid
                },
            );
        }
        None => return Some(ErrorCode::CaptchaUnavailable),
    }
    // A token solved for another site key, or on another site.
    if let Some(key) = answer.get("sitekey").and_then(|k| k.as_str()) {
        if Some(key) != provider.site_key() {
            return Some(ErrorCode::CaptchaInvalid);
        }
    }
    if let Some(host) = answer.get("hostname").and_then(|h| h.as_str()) {
        let ours = allowed_origins.iter().any(|origin| {
            origin
                .split_once("://")
                .map(|(_, rest)| rest.split(':').next().unwrap_or(rest))
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        });
        if !ours {
            return Some(ErrorCode::CaptchaInvalid);
        }
    }
    None
}

/// The "not a robot" gate of a password login whose offer lists the captcha step: whether it
/// is due (for `identifier` as typed, the device cookie's `device` token, from `ip`), and if
/// so whether `solution` passes. Runs before the password is looked at; counts nothing.
pub async fn gate(
    state: &AppState,
    portal: &PortalConfig,
    identifier: &str,
    device: Option<&str>,
    ip: IpAddr,
    solution: Option<&str>,
) -> Result<(), AppError> {
    let settings = portal
        .captcha
        .as_ref()
        .ok_or_else(|| anyhow!("portal {} has a captcha step but no settings", portal.id))?;
    let due = match settings.required {
        CaptchaRequired::Always => true,
        CaptchaRequired::AfterFailures(_) => {
            let now = state.now();
            let address =
                u32::try_from(state.ip_limiter.recent(ip, now).await?).unwrap_or(u32::MAX);
            let account = failures_of(state, portal, identifier, device, now).await?;
            settings.is_due(account, address)
        }
    };
    if !due {
        return Ok(());
    }
    let provider = settings.provider.as_str();
    // The audit's row of a login stopped here: no identifier (no account was looked at).
    let audit = |outcome| async move {
        let entry = Entry {
            at: state.now(),
            event: AuditEvent::LoginPassword,
            portal: portal.id.as_str(),
            identifier: "",
            ip,
            outcome,
        };
        if let Err(e) = audit::record(&state.db, entry).await {
            tracing::error!(error = %e, "cannot write the audit row of a captcha refusal");
        }
    };
    let Some(solution) = solution.filter(|s| !s.trim().is_empty()) else {
        tracing::info!(portal = %portal.id, %ip, provider, "captcha_required");
        audit(AuditOutcome::CaptchaMissing).await;
        return Err(ErrorCode::CaptchaRequired.into());
    };
    let captcha = state.captcha()?;
    let outcome = if solution.len() > MAX_SOLUTION_LEN {
        Err(ErrorCode::CaptchaInvalid.into())
    } else if settings.provider == CaptchaProvider::ProofOfWork {
        captcha.verify_pow(state, solution).await
    } else {
        captcha
            .verify_hosted(state, &settings.provider, solution, ip)
            .await
    };
    if let Err(AppError::Api(e)) = &outcome {
        tracing::info!(portal = %portal.id, %ip, provider, code = e.code.as_str(), "captcha refused");
        audit(AuditOutcome::CaptchaRefused).await;
    }
    outcome
}

/// The consecutive failures of the counter this login would use: the trusted device's, else
/// the account's (0 for an unknown account).
async fn failures_of(
    state: &AppState,
    portal: &PortalConfig,
    identifier: &str,
    device: Option<&str>,
    now: i64,
) -> Result<u32, AppError> {
    let identifier = portal.identifier.rule.canonical(identifier);
    if identifier.is_empty()
        || identifier.chars().count() > sesame_core::identifier::MAX_IDENTIFIER_LEN
    {
        return Ok(0);
    }
    let id = portal.id.as_str();
    let Some(account) = db::find_account(&state.db, id, &identifier).await? else {
        return Ok(0);
    };
    if let Some(token) = device {
        if let Some(d) =
            db::find_device(&state.db, id, &identifier, &crate::token::hash(token), now).await?
        {
            return Ok(u32::try_from(d.failures).unwrap_or(u32::MAX));
        }
    }
    Ok(u32::try_from(account.failures).unwrap_or(u32::MAX))
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

fn from_hex(text: &str) -> anyhow::Result<Zeroizing<[u8; KEY_BYTES]>> {
    let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| anyhow!("not hexadecimal"))?);
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    anyhow::ensure!(
        bytes.len() == KEY_BYTES,
        "{} bytes instead of {KEY_BYTES}",
        bytes.len()
    );
    key.copy_from_slice(&bytes);
    Ok(key)
}

fn random_key() -> anyhow::Result<Zeroizing<[u8; KEY_BYTES]>> {
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    getrandom::fill(key.as_mut()).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(key)
}

/// A uniform number in `0..=max` (rejection sampling: no modulo bias).
fn random_below_or_equal(max: u64) -> anyhow::Result<u64> {
    let range = max.checked_add(1).ok_or_else(|| anyhow!("max too large"))?;
    let limit = u64::MAX - u64::MAX % range;
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
        let n = u64::from_le_bytes(bytes);
        if n < limit {
            return Ok(n % range);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn siteverify_answers_and_their_codes() {
        let origins = [
            "http://127.0.0.1:8080".to_owned(),
            "https://portail.fr".to_owned(),
        ];
        let recaptcha = CaptchaProvider::Recaptcha {
            site_key: "site-a".into(),
        };
        let judge = |v| judge(&v, &recaptcha, &origins);
        assert_eq!(
            judge(json!({"success": true, "hostname": "portail.fr"})),
            None
        );
        assert_eq!(
            judge(json!({"success": true, "hostname": "127.0.0.1"})),
            None
        );
        assert_eq!(judge(json!({"success": true})), None);
        assert_eq!(
            judge(json!({"success": true, "hostname": "evil.example"})),
            Some(ErrorCode::CaptchaInvalid)
        );
        assert_eq!(
            judge(json!({"success": true, "sitekey": "site-b"})),
            Some(ErrorCode::CaptchaInvalid)
        );
        for (errors, code) in [
            (json!(["timeout-or-duplicate"]), ErrorCode::CaptchaExpired),
            (json!(["invalid-input-response"]), ErrorCode::CaptchaInvalid),
            (
                json!(["sitekey-secret-mismatch"]),
                ErrorCode::CaptchaInvalid,
            ),
            (
                json!(["invalid-input-secret"]),
                ErrorCode::CaptchaUnavailable,
            ),
            (json!([]), ErrorCode::CaptchaInvalid),
        ] {
            assert_eq!(
                judge(json!({"success": false, "error-codes": errors})),
                Some(code),
                "{errors}"
            );
        }
        assert_eq!(judge(json!({"ok": 1})), Some(ErrorCode::CaptchaUnavailable));
    }

    #[test]
    fn a_configured_hosted_provider_replaces_the_proof_of_work_and_widens_the_csp() {
        let env = |k: &str| match k {
            "SESAME_CAPTCHA_PROVIDER" => Some("recaptcha".to_owned()),
            "SESAME_RECAPTCHA_SITE_KEY" => Some("6LcSite".to_owned()),
            "SESAME_RECAPTCHA_SECRET" => Some("6LcSecret".to_owned()),
            _ => None,
        };
        let c = CaptchaConfig::from_lookup(&env).unwrap();
        let recaptcha = CaptchaProvider::Recaptcha {
            site_key: "6LcSite".into(),
        };
        assert_eq!(c.provider, Some(recaptcha.clone()));
        let entractes = PortalConfig::preset("entractes").unwrap();
        let run = c.apply(entractes.clone());
        assert_eq!(run.captcha.as_ref().map(|s| &s.provider), Some(&recaptcha));
        assert_eq!(
            run.captcha.as_ref().map(|s| s.required),
            entractes.captcha.as_ref().map(|s| s.required),
            "when it is due stays the preset's"
        );
        let mut bare = PortalConfig::preset("spico").unwrap();
        bare.captcha = None;
        assert_eq!(
            c.apply(bare.clone()),
            bare,
            "a portal without the step is left alone"
        );
        let start = c.hosted_start(&recaptcha).unwrap();
        assert_eq!(start.script, "https://www.google.com/recaptcha/api.js");
        assert_eq!(c.hosted_start(&CaptchaProvider::ProofOfWork), None);
        assert_eq!(
            c.csp_sources(),
            recaptcha
                .csp_sources()
                .iter()
                .map(|(d, s)| (*d, (*s).to_owned()))
                .collect::<Vec<_>>()
        );
        // Served from elsewhere (a proxy, www.recaptcha.net): that origin is allowed too.
        let c = CaptchaConfig::from_lookup(&|k| match k {
            "SESAME_RECAPTCHA_SCRIPT_URL" => {
                Some("https://www.recaptcha.net/recaptcha/api.js".into())
            }
            k => env(k),
        })
        .unwrap();
        assert_eq!(
            c.hosted_start(&recaptcha).unwrap().script,
            "https://www.recaptcha.net/recaptcha/api.js"
        );
        let sources = c.csp_sources();
        for directive in ["script-src", "frame-src"] {
            let (_, s) = sources.iter().find(|(d, _)| *d == directive).unwrap();
            assert!(s.ends_with(" https://www.recaptcha.net"), "{directive} {s}");
        }
        // The proof of work by name, or nothing: the presets' own.
        let pow = CaptchaConfig::from_lookup(&|k| {
            (k == "SESAME_CAPTCHA_PROVIDER").then(|| "proof_of_work".to_owned())
        })
        .unwrap();
        assert_eq!(pow.provider, None);
        assert!(pow.csp_sources().is_empty());
    }

    #[test]
    fn config_from_the_environment() {
        let c = CaptchaConfig::from_lookup(&|_| None).unwrap();
        assert_eq!(c, CaptchaConfig::default());
        let key = "ab".repeat(32);
        let c = CaptchaConfig::from_lookup(&|k| match k {
            "SESAME_CAPTCHA_KEY" => Some(key.clone()),
            "SESAME_CAPTCHA_MAXNUMBER" => Some("50000".into()),
            "SESAME_HCAPTCHA_SECRET" => Some("0xSECRET".into()),
            "SESAME_HCAPTCHA_VERIFY_URL" => Some("http://127.0.0.1:9/siteverify".into()),
            "SESAME_CAPTCHA_TIMEOUT_MS" => Some("250".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.max_number, 50_000);
        assert_eq!(c.timeout, Duration::from_millis(250));
        assert_eq!(c.hcaptcha.verify_url, "http://127.0.0.1:9/siteverify");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("0xSECRET") && !shown.contains(&key),
            "{shown}"
        );
        for (k, v) in [
            ("SESAME_CAPTCHA_KEY", "abc"),
            ("SESAME_CAPTCHA_MAXNUMBER", "0"),
            ("SESAME_CAPTCHA_MAXNUMBER", "100000000"),
            ("SESAME_CAPTCHA_TIMEOUT_MS", "soon"),
            ("SESAME_TURNSTILE_VERIFY_URL", "file:///etc/passwd"),
            ("SESAME_TURNSTILE_SCRIPT_URL", "javascript:alert(1)"),
            ("SESAME_CAPTCHA_PROVIDER", "captchaland"),
            // A hosted provider needs its site key and secret.
            ("SESAME_CAPTCHA_PROVIDER", "recaptcha"),
        ] {
            assert!(
                CaptchaConfig::from_lookup(&|key| (key == k).then(|| v.to_owned())).is_err(),
                "{k}={v}"
            );
        }
    }

    #[test]
    fn challenges_verify_once_signed_and_fresh() {
        let captcha = Captcha::load(&CaptchaConfig::default(), None).unwrap();
        let c = captcha.challenge(1000, 50).unwrap();
        assert!(c.salt.ends_with("?expires=1300&"), "{}", c.salt);
        let number = c.solve().unwrap();
        let payload = c.payload(number);
        assert_eq!(
            captcha.check_pow(&payload, 1300, 50),
            Ok((c.challenge.clone(), 1300))
        );
        assert_eq!(
            captcha.check_pow(&payload, 1301, 50),
            Err(ErrorCode::CaptchaExpired)
        );
        let other = Captcha::load(&CaptchaConfig::default(), None).unwrap();
        assert_eq!(
            other.check_pow(&payload, 1000, 50),
            Err(ErrorCode::CaptchaInvalid),
            "another key"
        );
        assert_eq!(
            captcha.check_pow("not base64!", 1000, 50),
            Err(ErrorCode::CaptchaInvalid)
        );
    }
}
