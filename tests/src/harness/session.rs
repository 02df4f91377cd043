//! A browser session over WebDriver (fantoccini): the capabilities and flags this machine
//! needs, a fresh profile, Chromium's console log, screenshots.

use super::artifacts_dir;
use super::driver::Driver;
use anyhow::{anyhow, Context, Result};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::TempDir;

/// Window size in CSS pixels at the start of every journey.
pub const WINDOW: (u32, u32) = (1280, 900);

/// Chromium's real binary: `/usr/bin/chromium` is a wrapper script that adds its own flags.
const CHROMIUM_BINARY: &str = "/usr/lib/chromium/chromium";
const FIREFOX_BINARY: &str = "/usr/bin/firefox-esr";

/// Headless Chromium flags that work on this machine kind (as root, closed network).
const CHROMIUM_ARGS: [&str; 8] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A browser the journeys run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Debian's Chromium through chromedriver.
    Chromium,
    /// Firefox ESR through geckodriver.
    Firefox,
}

impl Browser {
    /// Both, in the order the journeys run.
    pub const ALL: [Browser; 2] = [Browser::Chromium, Browser::Firefox];

    /// Lower-case name, for file names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
        }
    }
}

/// A browser session, with its WebDriver server and temporary profile.
pub struct Session {
    /// The WebDriver client, for anything the helpers do not cover.
    pub client: Client,
    /// Which browser.
    pub browser: Browser,
    test: String,
    /// How many accessibility checks passed (see [`Session::check_accessibility`]).
    pub(super) accessibility_checks: AtomicUsize,
    // Dropped after `client` is closed: the server, then the profile directory.
    _driver: Driver,
    _profile: TempDir,
}

impl Session {
    /// Starts `browser` for the test named `test` (used in file names), with a fresh profile
    /// and a [`WINDOW`]-sized window.
    pub async fn start(browser: Browser, test: &str) -> Result<Session> {
        let profile = tempfile::Builder::new().prefix("sesame-e2e-").tempdir()?;
        let log = artifacts_dir().join(format!("{test}-{}-driver.log", browser.name()));
        let driver = Driver::start(browser, log, profile.path())?;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(browser, profile.path()))
            .connect(&driver.url())
            .await
            .map_err(|e| anyhow!("{} session: {e}\n{}", browser.name(), driver.log_tail()))?;
        if browser == Browser::Firefox {
            // Firefox has no window-size flag in headless mode.
            client.set_window_size(WINDOW.0, WINDOW.1).await?;
        }
        Ok(Session {
            client,
            browser,
            test: test.to_owned(),
            accessibility_checks: AtomicUsize::new(0),
            _driver: driver,
            _profile: profile,
        })
    }

    /// How many accessibility checks this session has passed.
    pub fn accessibility_checks(&self) -> usize {
        self.accessibility_checks.load(Ordering::Relaxed)
    }

    /// Chromium's browser console log since the last call (needs `goog:loggingPrefs`). Firefox
    /// has no such WebDriver endpoint: `Ok(None)`.
    pub async fn console_log(&self) -> Result<Option<Vec<LogEntry>>> {
        if self.browser != Browser::Chromium {
            return Ok(None);
        }
        let v = self
            .client
            .issue_cmd(SessionCommand {
                path: "se/log",
                body: Some(json!({ "type": "browser" })),
            })
            .await
            .context("reading the browser log")?;
        let entries = v
            .as_array()
            .context("se/log did not answer an array")?
            .iter()
            .map(|e| LogEntry {
                level: e["level"].as_str().unwrap_or_default().to_owned(),
                message: e["message"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        Ok(Some(entries))
    }

    /// Resizes the window (to look at narrow and wide layouts).
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.client.set_window_size(width, height).await?;
        Ok(())
    }

    /// Saves a screenshot to `target/e2e-screenshots/<test>-<browser>[-<suffix>].png`, for
    /// people to look at; returns its path.
    pub async fn screenshot(&self, suffix: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir)?;
        let name = if suffix.is_empty() {
            format!("{}-{}.png", self.test, self.browser.name())
        } else {
            format!("{}-{}-{suffix}.png", self.test, self.browser.name())
        };
        let path = dir.join(name);
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the browser session (the driver and profile go when `self` is dropped).
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}

/// One entry of Chromium's browser log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`…
    pub level: String,
    /// The message, with its source URL.
    pub message: String,
}

/// A WebDriver command fantoccini has no method for: `POST|GET /session/{id}/<path>`.
#[derive(Debug)]
struct SessionCommand {
    /// Path after `/session/{id}/`, e.g. `se/log`.
    path: &'static str,
    /// JSON body: POST when present, GET otherwise.
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let id = session_id.unwrap_or_default();
        base.join(&format!("session/{id}/{}", self.path))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        match &self.body {
            Some(body) => (http::Method::POST, Some(body.to_string())),
            None => (http::Method::GET, None),
        }
    }
}

/// The capabilities of a new session: headless, the machine's flags, the fresh profile
/// (Chromium's user-data-dir; geckodriver makes Firefox's own), the console log kept.
fn capabilities(browser: Browser, profile: &Path) -> Capabilities {
    let caps = match browser {
        Browser::Chromium => {
            let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
            args.push(format!("--user-data-dir={}", profile.display()));
            args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": CHROMIUM_BINARY, "args": args },
                "goog:loggingPrefs": { "browser": "ALL" },
            })
        }
        Browser::Firefox => json!({
            "browserName": "firefox",
            "moz:firefoxOptions": { "binary": FIREFOX_BINARY, "args": ["-headless"] },
        }),
    };
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}
