//! The demo portal, started in this process on a free port with a fresh SQLite database, and
//! [`Portal::get`]: the tests' one HTTP GET, for what WebDriver cannot see (status, response
//! headers) and the demo's test-only JSON (the outbox, [`Portal::get_json`]).
//!
//! The portal runs on a Tokio runtime of its own, as a server apart from the test: stopping it
//! ([`Portal::stop`], [`Portal::restart`]) ends the listener *and* every open connection (a
//! browser's keep-alive connections, an event stream), as a real restart does — aborting the
//! accept loop alone would leave the connections already accepted served by the old process.

use super::workspace_root;
use anyhow::{ensure, Context, Result};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::runtime::Runtime;

/// Worker threads of the portal's own runtime.
const SERVER_THREADS: usize = 2;

/// The demo portal, started in this process on a free port with a fresh SQLite database.
pub struct Portal {
    /// Its address (the same after a [`Portal::restart`]).
    pub addr: SocketAddr,
    /// The configuration it was started with, bound to [`Portal::addr`]: what a restart
    /// starts it with again.
    config: sesame_demo::Config,
    /// The runtime the server runs on; `None` while stopped.
    server: Mutex<Option<Runtime>>,
    _db: TempDir,
}

/// Starts the demo with `config` on a runtime of its own: the bound address and the runtime
/// (shut it down with [`Runtime::shutdown_background`]: a runtime cannot be dropped in the
/// test's asynchronous context).
async fn serve(config: sesame_demo::Config) -> Result<(SocketAddr, Runtime)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(SERVER_THREADS)
        .thread_name("sesame-demo")
        .enable_all()
        .build()
        .context("the portal's runtime")?;
    // The server's task and each connection's are spawned on the portal's runtime.
    let started = runtime.spawn(async move {
        let (addr, _task) = sesame_demo::spawn(config).await?;
        anyhow::Ok(addr)
    });
    match started.await {
        Ok(Ok(addr)) => Ok((addr, runtime)),
        Ok(Err(e)) => {
            runtime.shutdown_background();
            Err(e)
        }
        Err(e) => {
            runtime.shutdown_background();
            Err(e).context("the portal's start panicked")
        }
    }
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
        let (addr, runtime) = serve(config.clone())
            .await
            .context("starting the demo portal")?;
        // Restarts bind the same port again.
        config.bind = addr;
        Ok(Portal {
            addr,
            config,
            server: Mutex::new(Some(runtime)),
            _db: db,
        })
    }

    /// Stops the portal as a killed process stops: the listener and every open connection
    /// closed at once, nothing answered any more. What it stored stays in its database (and the
    /// keys beside it). Start it again with [`Portal::start_again`].
    pub fn stop(&self) {
        let runtime = self
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(runtime) = runtime {
            runtime.shutdown_background();
        }
    }

    /// Starts the stopped portal again with the same configuration, database and address
    /// (waiting, at most [`WAIT`](super::WAIT), for the old listener to be closed). Does
    /// nothing to a portal that runs.
    pub async fn start_again(&self) -> Result<()> {
        if self
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
        {
            return Ok(());
        }
        let start = Instant::now();
        let runtime = loop {
            match serve(self.config.clone()).await {
                Ok((addr, runtime)) => {
                    if addr != self.addr {
                        runtime.shutdown_background();
                        anyhow::bail!("the portal came back on {addr}, not {}", self.addr);
                    }
                    break runtime;
                }
                // The stopped runtime closes its listener on its own threads, soon.
                Err(e) if start.elapsed() < super::WAIT && is_address_in_use(&e) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => {
                    return Err(e.context(format!("starting the portal again on {}", self.addr)))
                }
            }
        };
        *self
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(runtime);
        Ok(())
    }

    /// Restarts the portal: [`Portal::stop`], then [`Portal::start_again`] on the same
    /// database and address. Codes, sessions and devices stored before are there after.
    pub async fn restart(&self) -> Result<()> {
        self.stop();
        self.start_again().await
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

    /// `POST path` with the JSON `body` and the CSRF header, as the widget sends it, no cookie:
    /// the answer's status and body (the demo's dev-mode helpers: an invitation, a sign-up).
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(http::StatusCode, String)> {
        let client = Client::builder(TokioExecutor::new()).build_http::<String>();
        let url = self.url(path);
        let request = http::Request::post(&url)
            .header("content-type", "application/json")
            .header(sesame_core::api::CSRF_HEADER, "1")
            .body(body.to_string())?;
        let response = client
            .request(request)
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .with_context(|| format!("POST {url}: reading the body"))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// The portal's database (its SQLite file), for a journey that lets time pass by moving a
    /// stored expiry.
    pub fn database_url(&self) -> &str {
        &self.config.database_url
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
        self.stop();
    }
}

/// Whether starting failed because the address is still taken.
fn is_address_in_use(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse)
    })
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

/// A portal page of its own, for a portal started with `page_dir` set to the returned directory
/// (kept for the test's life): `index.html` that embeds the widget from the portal's `/widget/`
/// with `element` (a `<sesame-login …>` tag) under a heading, and `assets` (name, content)
/// served at `/demo/<name>`.
pub fn own_page(element: &str, assets: &[(&str, &str)]) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix("sesame-e2e-page-")
        .tempdir()
        .expect("a temporary directory")
        .keep();
    let served = dir.join("demo").join("page");
    std::fs::create_dir_all(&served).expect("the page's directory");
    for (name, content) in assets {
        std::fs::write(served.join(name), content).expect("a page asset written");
    }
    let page = format!(
        r#"<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Portail de coordination — connexion</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/widget/sesame-login.css">
  <script type="module" async src="/widget/sesame-login.js"></script>
</head>
<body>
  <main>
    <h1>Connexion</h1>
    {element}
  </main>
</body>
</html>
"#
    );
    std::fs::write(dir.join("index.html"), page).expect("the page written");
    dir
}
