//! The demo portal, started in this process on a free port with a fresh SQLite database, and
//! [`Portal::get`]: the tests' one HTTP GET, for what WebDriver cannot see (status, response
//! headers) and the demo's test-only JSON (the outbox, [`Portal::get_json`]).

use super::workspace_root;
use anyhow::{ensure, Context, Result};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::path::PathBuf;
use tempfile::TempDir;

/// The demo portal, started in this process on a free port with a fresh SQLite database.
pub struct Portal {
    /// Its address.
    pub addr: SocketAddr,
    server: tokio::task::AbortHandle,
    _db: TempDir,
}

impl Portal {
    /// Starts the demo portal (through `sesame_demo::spawn`, as it binds port 0). Needs the
    /// built widget: `SESAME_WIDGET_DIR`, which `cargo xtask test` sets after building it.
    pub async fn start() -> Result<Portal> {
        Portal::start_with(|_| {}).await
    }

    /// [`Portal::start`] with the configuration changed by `adjust` first (a benchmark's
    /// captcha difficulty, say).
    pub async fn start_with(adjust: impl FnOnce(&mut sesame_demo::Config)) -> Result<Portal> {
        let widget_dir = widget_dir();
        let page_dir = std::env::var_os("SESAME_PAGE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(workspace_root);
        let db = tempfile::Builder::new()
            .prefix("sesame-e2e-db-")
            .tempdir()?;
        let config = sesame_demo::Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: format!(
                "sqlite://{}?mode=rwc",
                db.path().join("e2e.sqlite").display()
            ),
            widget_dir,
            // The packages the demo's install page offers (not used by the journeys: they load
            // the unpacked extension).
            extension_dir: sesame_demo::Config::default().extension_dir,
            page_dir,
            dev_mode: true,
            // Empty: the demo allows http://127.0.0.1:<bound port> and http://localhost:<port>.
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            // The key goes in a file beside the temporary database.
            otp_key: None,
            // Codes by e-mail go to the outbox, where the journeys read them.
            smtp: None,
            mail_from: sesame_demo::config::DEFAULT_MAIL_FROM.to_owned(),
            // The rest as the demo's defaults (the captcha's key beside the database, its
            // default difficulty and providers).
            ..sesame_demo::Config::default()
        };
        let mut config = config;
        adjust(&mut config);
        let (addr, handle) = sesame_demo::spawn(config)
            .await
            .context("starting the demo portal")?;
        Ok(Portal {
            addr,
            server: handle.abort_handle(),
            _db: db,
        })
    }

    /// The demo's CPS test CA (certificate, key), created beside its database when it
    /// started: the CA a test card must be issued by.
    pub fn cps_ca_files(&self) -> (PathBuf, PathBuf) {
        let db = self._db.path().join("e2e.sqlite");
        let beside = |suffix: &str| {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        };
        (beside("-cps-ca.pem"), beside("-cps-ca-key.pem"))
    }

    /// The URL of `path` on the portal (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }

    /// `GET path` over HTTP/1.1 with no cookie: the answer's status, headers and body.
    pub async fn get(&self, path: &str) -> Result<http::Response<Vec<u8>>> {
        let client = Client::builder(TokioExecutor::new()).build_http::<String>();
        let url = self.url(path);
        let response = client
            .get(url.parse()?)
            .await
            .with_context(|| format!("GET {url}"))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .with_context(|| format!("GET {url}: reading the body"))?
            .to_bytes()
            .to_vec();
        Ok(http::Response::from_parts(parts, body))
    }

    /// `GET path`, which must answer 200 with JSON: the JSON.
    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let response = self.get(path).await?;
        let body = String::from_utf8_lossy(response.body());
        ensure!(
            response.status() == http::StatusCode::OK,
            "GET {path}: {} {body}",
            response.status()
        );
        serde_json::from_str(&body).with_context(|| format!("GET {path}: not JSON: {body}"))
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `SESAME_WIDGET_DIR`, checked: the e2e tests need the built widget and never skip silently.
fn widget_dir() -> PathBuf {
    let dir = std::env::var_os("SESAME_WIDGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        panic!("SESAME_WIDGET_DIR is not set: run the e2e tests through `cargo xtask test`, which builds the widget first")
    });
    assert!(
        dir.join("sesame-login.js").is_file(),
        "SESAME_WIDGET_DIR={} has no built widget (sesame-login.js): run through `cargo xtask test`",
        dir.display()
    );
    dir
}
