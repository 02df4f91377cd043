//! What every handler shares: configuration, database, clock, portals, per-IP counters, and the
//! permits that bound how many argon2 computations run at once.

use crate::captcha::Captcha;
use crate::config::Config;
use crate::cps::Trust;
use crate::db::Db;
use crate::error::AppError;
use crate::oidc::RelyingParty;
use crate::qr_watch::QrWatch;
use crate::rate_limit::IpLimiter;
use crate::sender::{Senders, Smtp};
use crate::totp::SecretBox;
use sesame_core::{PortalConfig, PortalId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a login waits for an argon2 permit before `server_busy`.
pub const HASH_WAIT: Duration = Duration::from_secs(10);

/// The current time in Unix seconds. Injected so tests can move time (e.g. to a lock's end).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The real clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// The application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The configuration.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: Db,
    clock: Clock,
    portals: Arc<HashMap<PortalId, PortalConfig>>,
    allowed_origins: Arc<Vec<String>>,
    pub(crate) ip_limiter: Arc<IpLimiter>,
    hash_permits: Arc<Semaphore>,
    hash_wait: Duration,
    secret_box: Option<Arc<SecretBox>>,
    cps_trust: Arc<Trust>,
    captcha: Option<Arc<Captcha>>,
    /// Who delivers codes by SMS and e-mail.
    pub senders: Senders,
    qr_watch: QrWatch,
    /// Pro Santé Connect and the regional SSO.
    pub(crate) oidc: RelyingParty,
}

impl AppState {
    /// Builds the state. The database must already be migrated (see [`crate::db::connect`]).
    /// The portals are core's five presets.
    pub fn new(config: Config, pool: Db, clock: Clock) -> AppState {
        // Core's presets, with the configured captcha provider when there is one.
        let portals = PortalConfig::presets()
            .into_iter()
            .map(|p| config.captcha.apply(p))
            .map(|p| (p.id.clone(), p))
            .collect();
        let allowed_origins = config.effective_origins();
        // Compute the dummy hash now, not at the first unknown identifier: that request would
        // take twice as long (telling it apart) and hash on the async runtime's thread. On
        // failure (no randomness), the first login retries and answers `internal_error`.
        if let Err(e) = crate::password_hash::dummy_hash() {
            tracing::error!(
                error = format!("{e:#}"),
                "cannot prepare the dummy password hash"
            );
        }
        // The OTP key: SESAME_OTP_KEY, else one for this process; `crate::serve` and
        // `crate::spawn` replace it with the key file's (see `with_secret_box`).
        let secret_box = SecretBox::load(config.otp_key.as_deref(), None)
            .map_err(|e| {
                tracing::error!(error = format!("{e:#}"), "no OTP key");
            })
            .ok()
            .map(Arc::new);
        // The captcha key: SESAME_CAPTCHA_KEY, else one for this process; `crate::serve` and
        // `crate::spawn` replace it with the key file's (see `with_captcha`).
        let captcha = Captcha::load(&config.captcha, None)
            .map_err(|e| {
                tracing::error!(error = format!("{e:#}"), "no captcha key");
            })
            .ok()
            .map(Arc::new);
        let senders = senders_for(&config, &pool);
        let ip_limiter = Arc::new(IpLimiter::new(pool.clone()));
        AppState {
            captcha,
            secret_box,
            // No CA until one is given: `crate::serve` and `crate::spawn` load the configured
            // ones (see `with_cps_trust`).
            cps_trust: Arc::new(Trust::default()),
            senders,
            qr_watch: QrWatch::new(pool.clone()),
            oidc: RelyingParty::new(config.oidc.clone()),
            config: Arc::new(config),
            db: pool,
            clock,
            portals: Arc::new(portals),
            allowed_origins: Arc::new(allowed_origins),
            ip_limiter,
            hash_permits: Arc::new(Semaphore::new(default_hash_permits())),
            hash_wait: HASH_WAIT,
        }
    }

    /// Replaces the argon2 bound: `permits` computations at once (default: the number of
    /// cores), each other login waiting at most `wait` before `server_busy`.
    pub fn with_hash_limit(mut self, permits: usize, wait: Duration) -> AppState {
        self.hash_permits = Arc::new(Semaphore::new(permits));
        self.hash_wait = wait;
        self
    }

    /// A permit to run one argon2 computation, waiting at most the configured time; 503
    /// `server_busy` if none frees up.
    pub async fn hash_permit(&self) -> Result<OwnedSemaphorePermit, AppError> {
        let acquire = self.hash_permits.clone().acquire_owned();
        match tokio::time::timeout(self.hash_wait, acquire).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(sesame_core::ErrorCode::ServerBusy.into()),
        }
    }

    /// Replaces the key that seals authenticator secrets.
    pub fn with_secret_box(mut self, secret_box: SecretBox) -> AppState {
        self.secret_box = Some(Arc::new(secret_box));
        self
    }

    /// Replaces the captcha's key and client.
    pub fn with_captcha(mut self, captcha: Captcha) -> AppState {
        self.captcha = Some(Arc::new(captcha));
        self
    }

    /// The captcha's key and client; `internal_error` if none could be made.
    pub fn captcha(&self) -> Result<&Captcha, AppError> {
        self.captcha
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("no captcha key").into())
    }

    /// Replaces the certification authorities whose CPS card certificates are accepted.
    pub fn with_cps_trust(mut self, trust: Trust) -> AppState {
        self.cps_trust = Arc::new(trust);
        self
    }

    /// The certification authorities whose CPS card certificates are accepted.
    pub fn cps_trust(&self) -> &Trust {
        &self.cps_trust
    }

    /// Replaces who delivers codes (tests: a sender that fails).
    pub fn with_senders(mut self, senders: Senders) -> AppState {
        self.senders = senders;
        self
    }

    /// The key that seals authenticator secrets; `internal_error` if none could be made.
    pub fn secret_box(&self) -> Result<&SecretBox, AppError> {
        self.secret_box
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("no OTP key").into())
    }

    /// Replaces the portals the server knows (core's presets by default), e.g. with portals
    /// loaded from JSON configurations.
    pub fn with_portals(mut self, portals: impl IntoIterator<Item = PortalConfig>) -> AppState {
        self.portals = Arc::new(portals.into_iter().map(|p| (p.id.clone(), p)).collect());
        self
    }

    /// Adds portals read from configuration files ([`crate::portals::load`]) to those the
    /// server knows, with the configured captcha provider as the presets get it; a portal id
    /// already known is refused.
    pub fn with_extra_portals(
        mut self,
        extra: impl IntoIterator<Item = PortalConfig>,
    ) -> anyhow::Result<AppState> {
        let mut portals = (*self.portals).clone();
        for portal in extra {
            let portal = self.config.captcha.apply(portal);
            anyhow::ensure!(
                !portals.contains_key(&portal.id),
                "portal {} is configured twice",
                portal.id
            );
            portals.insert(portal.id.clone(), portal);
        }
        self.portals = Arc::new(portals);
        Ok(self)
    }

    /// The process's watcher of QR codes for their event streams.
    pub fn qr_watch(&self) -> &QrWatch {
        &self.qr_watch
    }

    /// Now, in Unix seconds, from the injected clock.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// The portal with this id, if the server knows it.
    pub fn portal(&self, id: &PortalId) -> Option<&PortalConfig> {
        self.portals.get(id)
    }

    /// The origins allowed to send state-changing requests.
    pub fn allowed_origins(&self) -> &[String] {
        &self.allowed_origins
    }

    /// The portal's address as the browser uses it: the first allowed origin
    /// (`SESAME_ALLOWED_ORIGINS`, else `http://127.0.0.1:<port>`). The providers' callbacks
    /// and the e-mailed links ([`crate::account`]) lead there.
    pub fn public_origin(&self) -> String {
        self.allowed_origins
            .first()
            .cloned()
            .unwrap_or_else(|| format!("http://{}", self.config.bind))
    }
}

/// SMS to the outbox; e-mail through the configured SMTP relay, else to the outbox.
fn senders_for(config: &Config, db: &Db) -> Senders {
    let mut senders = Senders::outbox(db);
    if let Some(relay) = &config.smtp {
        match Smtp::new(relay, &config.mail_from) {
            Ok(smtp) => senders.email = Arc::new(smtp),
            Err(e) => tracing::error!(error = format!("{e:#}"), "SMTP relay unusable"),
        }
    }
    senders
}

/// One argon2 computation per core: each takes 19 MiB and a core's time, so more at once only
/// queue on the blocking pool while holding memory.
fn default_hash_permits() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
