//! The server's configuration, read from the environment by the binary.

use crate::captcha::CaptchaConfig;
use crate::oidc::OidcConfig;
use crate::sender::SmtpRelay;
use anyhow::Context;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// Where and how the demo portal runs. Its `Debug` shows `database_url` redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on (`SESAME_BIND`, default `127.0.0.1:8080`). Port 0 picks a free port
    /// (see [`crate::spawn`]).
    pub bind: SocketAddr,
    /// sqlx database URL (`DATABASE_URL`, default `sqlite://sesame-demo.sqlite?mode=rwc`; or
    /// `postgres://user:password@host/database`).
    /// Shown only redacted ([`crate::db::redact`]): it may hold a password.
    pub database_url: String,
    /// The built widget (`SESAME_WIDGET_DIR`, default `<repo>/dist/widget`), served at `/widget`.
    pub widget_dir: PathBuf,
    /// The built extension (`SESAME_EXTENSION_DIR`, default `<repo>/dist/extension`): its
    /// packages are offered at `/extension/firefox.xpi` and `/extension/chromium.zip`.
    pub extension_dir: PathBuf,
    /// Where `index.html` is (`SESAME_PAGE_DIR`, default the repository root); the page's own
    /// assets are in `<page_dir>/demo/page/`, served at `/demo`.
    pub page_dir: PathBuf,
    /// Plain-HTTP local development, opt-in (`SESAME_DEV_MODE=1|0`, default off; `cargo xtask
    /// demo` sets it): cookies go without `Secure` and without the `__Host-` prefix, and no
    /// `Strict-Transport-Security` is sent. Off, the demo expects HTTPS in front of it (the usual
    /// deployment binds 127.0.0.1 behind a TLS proxy, so loopback says nothing).
    pub dev_mode: bool,
    /// Origins allowed to POST (`SESAME_ALLOWED_ORIGINS`, comma-separated). Empty means the
    /// default: `http://127.0.0.1:<port>` and `http://localhost:<port>` for the bound port.
    pub allowed_origins: Vec<String>,
    /// The widget on another site than this API (`SESAME_CROSS_SITE=1|0`, default off; needs
    /// `SESAME_ALLOWED_ORIGINS`): every cookie of the API goes `SameSite=None; Secure`, so that
    /// the browser sends it with the widget's cross-site requests ([`crate::cross_origin`]).
    /// The trade-off: the cookies no longer keep other sites' requests out by themselves; the
    /// CSRF header and the `Origin` check (listed origins only) do.
    pub cross_site: bool,
    /// Other origins the pages served here may connect to (`SESAME_CONNECT_SRC`,
    /// comma-separated origins): added to the CSP's `connect-src`, for a portal page whose
    /// widget talks to an API elsewhere.
    pub connect_sources: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed (`SESAME_TRUSTED_PROXIES`, comma-separated
    /// addresses or CIDR blocks, e.g. `127.0.0.1,10.0.0.0/8`; default none). From any other
    /// peer the header is ignored and the connection's address is the client's.
    pub trusted_proxies: Vec<IpNet>,
    /// The key that seals authenticator secrets at rest (`SESAME_OTP_KEY`, 64 hex digits;
    /// shown only redacted). Without it the key is kept in a file beside the SQLite database,
    /// [`Config::otp_key_file`], created with a random key on the first start: back it up with
    /// the database, and keep it out of its backups' reach if you can (without the key, stolen
    /// secrets are useless). An in-memory database gets a key for the life of the process.
    pub otp_key: Option<String>,
    /// The SMTP relay for codes by e-mail (`SESAME_SMTP_URL`, `smtp://host[:port]`, plain SMTP);
    /// without it e-mails go to the demo's outbox. SMS always do ([`crate::sender`]).
    pub smtp: Option<SmtpRelay>,
    /// The sender of those e-mails (`SESAME_MAIL_FROM`, default
    /// `Sésame <no-reply@sesame.invalid>`).
    pub mail_from: String,
    /// The captcha step's server side: the proof of work's key and difficulty, the hosted
    /// providers' secret keys and siteverify URLs, the timeout (`SESAME_CAPTCHA_KEY`,
    /// `SESAME_CAPTCHA_MAXNUMBER`, `SESAME_CAPTCHA_TIMEOUT_MS`, `SESAME_RECAPTCHA_SECRET`,
    /// `SESAME_HCAPTCHA_SECRET`, `SESAME_TURNSTILE_SECRET` and their `…_VERIFY_URL`); see
    /// [`CaptchaConfig`]. Secrets are shown redacted.
    pub captcha: CaptchaConfig,
    /// How long a QR login code may be approved, in seconds (`SESAME_QR_LIFE_SECS`, 1 to 600;
    /// default core's `QR_LIFE_SECS`, 30): tests shorten it to see codes expire.
    pub qr_life_secs: u32,
    /// Pro Santé Connect and the regional SSO (`SESAME_PSC_*`, `SESAME_SSO_*`: issuer,
    /// client id and secret, what another `acr` gives); see [`OidcConfig`]. Secrets are shown
    /// redacted.
    pub oidc: OidcConfig,
    /// Portal configuration files served beside core's five presets (`SESAME_PORTALS`,
    /// comma-separated files or folders of `*.json`; default none): read and checked at start
    /// ([`crate::portals::load`]), every problem of a refused file a startup error with its
    /// `file:line:column`.
    pub portal_files: Vec<PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &crate::db::redact(&self.database_url))
            .field("widget_dir", &self.widget_dir)
            .field("extension_dir", &self.extension_dir)
            .field("page_dir", &self.page_dir)
            .field("dev_mode", &self.dev_mode)
            .field("allowed_origins", &self.allowed_origins)
            .field("cross_site", &self.cross_site)
            .field("connect_sources", &self.connect_sources)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("otp_key", &self.otp_key.as_ref().map(|_| "***"))
            .field("smtp", &self.smtp)
            .field("mail_from", &self.mail_from)
            .field("captcha", &self.captcha)
            .field("qr_life_secs", &self.qr_life_secs)
            .field("oidc", &self.oidc)
            .field("portal_files", &self.portal_files)
            .finish()
    }
}

/// `value`, a comma-separated list of origins (`https://host[:port]`, `http://` too), read
/// for `name`: each checked, without a path or a trailing slash.
fn origin_list(name: &str, value: &str) -> anyhow::Result<Vec<String>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            if is_origin(origin) {
                Ok(origin.to_owned())
            } else {
                anyhow::bail!(
                    "{name}: {origin:?} is not an origin like https://portal.example or \
                     http://127.0.0.1:8080 (scheme, host and port only)"
                )
            }
        })
        .collect()
}

/// `scheme://host[:port]`, as browsers send in `Origin`: http or https, a host of letters,
/// digits, dots and hyphens (or an IPv6 address in brackets), an optional port.
fn is_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    host_ok && port_ok
}

/// The default sender of e-mailed codes.
pub const DEFAULT_MAIL_FROM: &str = "Sésame <no-reply@sesame.invalid>";

/// Default database URL: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://sesame-demo.sqlite?mode=rwc";

/// The repository root (this crate's parent directory), as built.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

impl Default for Config {
    fn default() -> Config {
        let root = repo_root();
        Config {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            widget_dir: root.join("dist").join("widget"),
            extension_dir: root.join("dist").join("extension"),
            page_dir: root,
            dev_mode: false,
            allowed_origins: Vec::new(),
            cross_site: false,
            connect_sources: Vec::new(),
            trusted_proxies: Vec::new(),
            otp_key: None,
            smtp: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            captcha: CaptchaConfig::default(),
            qr_life_secs: sesame_core::qr::QR_LIFE_SECS,
            oidc: OidcConfig::default(),
            portal_files: Vec::new(),
        }
    }
}

impl Config {
    /// Reads the configuration from the environment, with the defaults above.
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration from `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let mut config = Config::default();
        if let Some(bind) = lookup("SESAME_BIND") {
            config.bind = bind.parse().with_context(|| {
                format!("SESAME_BIND={bind:?} is not an address like 127.0.0.1:8080")
            })?;
        }
        if let Some(url) = lookup("DATABASE_URL") {
            config.database_url = url;
        }
        if let Some(dir) = lookup("SESAME_WIDGET_DIR") {
            config.widget_dir = dir.into();
        }
        if let Some(dir) = lookup("SESAME_EXTENSION_DIR") {
            config.extension_dir = dir.into();
        }
        if let Some(dir) = lookup("SESAME_PAGE_DIR") {
            config.page_dir = dir.into();
        }
        config.dev_mode = match lookup("SESAME_DEV_MODE").as_deref() {
            None => false,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(other) => anyhow::bail!("SESAME_DEV_MODE={other:?}: use 1 or 0"),
        };
        if let Some(origins) = lookup("SESAME_ALLOWED_ORIGINS") {
            config.allowed_origins = origin_list("SESAME_ALLOWED_ORIGINS", &origins)?;
        }
        if let Some(origins) = lookup("SESAME_CONNECT_SRC") {
            config.connect_sources = origin_list("SESAME_CONNECT_SRC", &origins)?;
        }
        config.cross_site = match lookup("SESAME_CROSS_SITE").as_deref() {
            None | Some("") | Some("0" | "false" | "no" | "off") => false,
            Some("1" | "true" | "yes" | "on") => true,
            Some(other) => anyhow::bail!("SESAME_CROSS_SITE={other:?}: use 1 or 0"),
        };
        if config.cross_site && config.allowed_origins.is_empty() {
            anyhow::bail!(
                "SESAME_CROSS_SITE=1 needs SESAME_ALLOWED_ORIGINS: the origins of the pages that \
                 embed the widget"
            );
        }
        if let Some(proxies) = lookup("SESAME_TRUSTED_PROXIES") {
            config.trusted_proxies = proxies
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<IpNet>()
                        .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                        .with_context(|| {
                            format!(
                                "SESAME_TRUSTED_PROXIES: {p:?} is not an address or a block \
                                 like 10.0.0.0/8"
                            )
                        })
                })
                .collect::<anyhow::Result<_>>()?;
        }
        if let Some(key) = lookup("SESAME_OTP_KEY") {
            let ok = key.trim().len() == 64 && key.trim().bytes().all(|b| b.is_ascii_hexdigit());
            anyhow::ensure!(
                ok,
                "SESAME_OTP_KEY must be 64 hexadecimal digits (32 bytes)"
            );
            config.otp_key = Some(key.trim().to_owned());
        }
        if let Some(url) = lookup("SESAME_SMTP_URL").filter(|u| !u.trim().is_empty()) {
            config.smtp = Some(
                SmtpRelay::parse(url.trim()).with_context(|| format!("SESAME_SMTP_URL={url:?}"))?,
            );
        }
        if let Some(from) = lookup("SESAME_MAIL_FROM") {
            from.parse::<lettre::message::Mailbox>()
                .with_context(|| format!("SESAME_MAIL_FROM={from:?} is not an address"))?;
            config.mail_from = from;
        }
        if let Some(files) = lookup("SESAME_PORTALS") {
            config.portal_files = files
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(PathBuf::from)
                .collect();
        }
        config.captcha = CaptchaConfig::from_lookup(&lookup)?;
        config.oidc = OidcConfig::from_lookup(&lookup)?;
        if let Some(life) = lookup("SESAME_QR_LIFE_SECS") {
            config.qr_life_secs = life
                .trim()
                .parse()
                .ok()
                .filter(|secs| (1..=600).contains(secs))
                .with_context(|| {
                    format!("SESAME_QR_LIFE_SECS={life:?}: a number of seconds from 1 to 600")
                })?;
        }
        Ok(config)
    }

    /// The file that keeps the OTP key beside an SQLite database file (`<file>-otp-key`);
    /// `None` for an in-memory database or another kind of URL.
    pub fn otp_key_file(&self) -> Option<PathBuf> {
        self.beside_database("-otp-key")
    }

    /// The file that keeps the captcha's HMAC key beside an SQLite database file
    /// (`<file>-captcha-key`); `None` for an in-memory database or another kind of URL.
    pub fn captcha_key_file(&self) -> Option<PathBuf> {
        self.beside_database("-captcha-key")
    }

    /// The demo's CPS test CA beside an SQLite database file: its certificate
    /// (`<file>-cps-ca.pem`) and key (`<file>-cps-ca-key.pem`), see [`crate::cps::test_ca`];
    /// `None` for an in-memory database or another kind of URL.
    pub fn cps_test_ca_files(&self) -> Option<(PathBuf, PathBuf)> {
        Some((
            self.beside_database("-cps-ca.pem")?,
            self.beside_database("-cps-ca-key.pem")?,
        ))
    }

    /// `<SQLite file><suffix>`, for a file database.
    fn beside_database(&self, suffix: &str) -> Option<PathBuf> {
        let url = &self.database_url;
        if url.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().filter(|p| !p.is_empty())?;
        Some(PathBuf::from(format!("{path}{suffix}")))
    }

    /// The origins allowed to POST: the configured ones, or the local defaults for `bind`'s port.
    pub fn effective_origins(&self) -> Vec<String> {
        if !self.allowed_origins.is_empty() {
            return self.allowed_origins.clone();
        }
        let port = self.bind.port();
        vec![
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ]
    }

    /// The URL to print for people: loopback when listening on every interface.
    pub fn public_url(&self) -> String {
        let ip = if self.bind.ip().is_unspecified() {
            Ipv4Addr::LOCALHOST.into()
        } else {
            self.bind.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.bind.port()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = from(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert!(!c.dev_mode, "dev mode is opt-in, even on loopback");
        assert!(c.trusted_proxies.is_empty());
        assert!(c.page_dir.join("demo").is_dir());
        assert_eq!(
            c.effective_origins(),
            ["http://127.0.0.1:8080", "http://localhost:8080"]
        );
        let c = from(&[
            ("SESAME_BIND", "0.0.0.0:9000"),
            (
                "SESAME_ALLOWED_ORIGINS",
                "https://a.example, https://b.example",
            ),
        ])
        .unwrap();
        assert!(!c.dev_mode, "not loopback: Secure cookies");
        assert_eq!(c.public_url(), "http://127.0.0.1:9000");
        assert_eq!(
            c.effective_origins(),
            ["https://a.example", "https://b.example"]
        );
        assert!(from(&[("SESAME_BIND", "nope")]).is_err());
        assert!(from(&[("SESAME_DEV_MODE", "maybe")]).is_err());
        assert!(from(&[("SESAME_DEV_MODE", "1")]).unwrap().dev_mode);
        let c = from(&[("SESAME_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 3);
        assert!(c.trusted_proxies[1].contains(&"10.2.3.4".parse::<IpAddr>().unwrap()));
        assert!(from(&[("SESAME_TRUSTED_PROXIES", "proxy.local")]).is_err());
        for url in ["postgres://u@db/sesame", "sqlite::memory:"] {
            assert_eq!(
                from(&[("DATABASE_URL", url)]).unwrap().otp_key_file(),
                None,
                "only an SQLite file has a key file beside it"
            );
        }
        let c = from(&[]).unwrap();
        assert_eq!(
            c.otp_key_file(),
            Some(PathBuf::from("sesame-demo.sqlite-otp-key"))
        );
        assert_eq!(
            c.cps_test_ca_files(),
            Some((
                PathBuf::from("sesame-demo.sqlite-cps-ca.pem"),
                PathBuf::from("sesame-demo.sqlite-cps-ca-key.pem")
            ))
        );

        let key = "0f".repeat(32);
        let c = from(&[
            ("SESAME_OTP_KEY", key.as_str()),
            ("SESAME_SMTP_URL", "smtp://127.0.0.1:2525"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains(&key), "the key is redacted");
        assert_eq!(c.smtp.unwrap().port, 2525);
        assert!(from(&[("SESAME_OTP_KEY", "abc")]).is_err());
        assert!(from(&[("SESAME_SMTP_URL", "mail.local")]).is_err());
        assert!(from(&[("SESAME_MAIL_FROM", "not an address")]).is_err());
        assert_eq!(from(&[]).unwrap().qr_life_secs, 30);
        assert_eq!(
            from(&[("SESAME_QR_LIFE_SECS", "3")]).unwrap().qr_life_secs,
            3
        );
        for bad in ["0", "601", "soon"] {
            assert!(from(&[("SESAME_QR_LIFE_SECS", bad)]).is_err(), "{bad}");
        }
        let c = from(&[("DATABASE_URL", "postgres://u:hunter2@db/sesame")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(
            from(&[("SESAME_BIND", "0.0.0.0:9000"), ("SESAME_DEV_MODE", "1")])
                .unwrap()
                .dev_mode
        );
    }

    #[test]
    fn origins_are_checked_and_cross_site_needs_them() {
        let c = from(&[
            (
                "SESAME_ALLOWED_ORIGINS",
                "https://portal.example, http://127.0.0.1:8080,http://[::1]:9000",
            ),
            ("SESAME_CONNECT_SRC", "https://api.example"),
            ("SESAME_CROSS_SITE", "1"),
        ])
        .unwrap();
        assert_eq!(
            c.allowed_origins,
            [
                "https://portal.example",
                "http://127.0.0.1:8080",
                "http://[::1]:9000"
            ]
        );
        assert_eq!(c.connect_sources, ["https://api.example"]);
        assert!(c.cross_site);
        for bad in [
            "portal.example",
            "https://portal.example/",
            "https://portal.example/login",
            "javascript:alert(1)",
            "https://",
            "https://host:0",
            "https://host:99999",
            "https://a b",
            "ftp://portal.example",
        ] {
            let err = from(&[("SESAME_ALLOWED_ORIGINS", bad)]).unwrap_err();
            assert!(
                err.to_string().contains("SESAME_ALLOWED_ORIGINS"),
                "{bad}: {err}"
            );
            assert!(from(&[("SESAME_CONNECT_SRC", bad)]).is_err(), "{bad}");
        }
        let err = from(&[("SESAME_CROSS_SITE", "1")]).unwrap_err();
        assert!(err.to_string().contains("SESAME_ALLOWED_ORIGINS"), "{err}");
        assert!(from(&[("SESAME_CROSS_SITE", "maybe")]).is_err());
        assert!(!from(&[]).unwrap().cross_site);
    }
}
