//! The demo portal, started in this process on a free port with a fresh SQLite database, and
//! [`Portal::get`]: one HTTP GET for what WebDriver cannot see (status, response headers).

use super::workspace_root;
use anyhow::{Context, Result};
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
            page_dir,
            dev_mode: true,
            // Empty: the demo allows http://127.0.0.1:<bound port> and http://localhost:<port>.
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
        };
        let (addr, handle) = sesame_demo::spawn(config)
            .await
            .context("starting the demo portal")?;
        Ok(Portal {
            addr,
            server: handle.abort_handle(),
            _db: db,
        })
    }

    /// The URL of `path` on the portal (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.addr.port())
    }

    /// `GET path` over HTTP/1.1 with no cookie; the answer's status and headers (the body is
    /// not read: WebDriver shows pages, this is for what it cannot see).
    pub async fn get(&self, path: &str) -> Result<http::response::Parts> {
        let client = Client::builder(TokioExecutor::new()).build_http::<String>();
        let url = self.url(path);
        let response = client
            .get(url.parse()?)
            .await
            .with_context(|| format!("GET {url}"))?;
        Ok(response.into_parts().0)
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
