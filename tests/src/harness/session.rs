//! A browser session over WebDriver (fantoccini): the capabilities and flags this machine
//! needs, a fresh profile, Chromium's console log, screenshots.

use super::artifacts_dir;
use super::driver::Driver;
use super::extension;
use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand, WindowHandle};
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
    /// The unpacked extension installed in this session, if any.
    pub(super) extension: Option<PathBuf>,
    // Dropped after `client` is closed: the server, then the profile directory.
    _driver: Driver,
    _profile: TempDir,
}

impl Session {
    /// Starts `browser` for the test named `test` (used in file names), with a fresh profile
    /// and a [`WINDOW`]-sized window.
    pub async fn start(browser: Browser, test: &str) -> Result<Session> {
        Session::launch(browser, test, None).await
    }

    /// Like [`Session::start`], with the unpacked extension in `extension_dir` installed (for
    /// the e2e tests, `$SESAME_EXTENSION_DIR/<browser>`: [`extension::unpacked_dir`]).
    /// Chromium loads it from the command line; Firefox gets it as a temporary add-on once the
    /// session is up. Either way its pages are at [`Session::extension_url`].
    pub async fn start_with_extension(
        browser: Browser,
        test: &str,
        extension_dir: &Path,
    ) -> Result<Session> {
        ensure!(
            extension_dir.join("manifest.json").is_file(),
            "{} holds no manifest.json: build the extension with `cargo xtask dist` (or `cargo \
             xtask test`)",
            extension_dir.display()
        );
        // Absolute: the browsers and drivers run in other working directories.
        let dir = std::path::absolute(extension_dir)?;
        let session = Session::launch(browser, test, Some(dir.clone())).await?;
        if browser == Browser::Firefox {
            session.install_temporary_addon(&dir).await?;
        }
        Ok(session)
    }

    async fn launch(browser: Browser, test: &str, extension: Option<PathBuf>) -> Result<Session> {
        let profile = tempfile::Builder::new().prefix("sesame-e2e-").tempdir()?;
        let log = artifacts_dir().join(format!("{test}-{}-driver.log", browser.name()));
        let driver = if extension.is_some() {
            Driver::start_for_extension(browser, log, profile.path())?
        } else {
            Driver::start(browser, log, profile.path())?
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(browser, profile.path(), extension.as_deref()))
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
            extension,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Firefox: installs the unpacked extension in `dir` as a temporary add-on (unsigned, gone
    /// with the profile), through geckodriver's `moz/addon/install`; checks the id it answers.
    async fn install_temporary_addon(&self, dir: &Path) -> Result<()> {
        let path = dir
            .to_str()
            .with_context(|| format!("{} is not UTF-8", dir.display()))?;
        let id = self
            .client
            .issue_cmd(SessionCommand {
                path: "moz/addon/install",
                body: Some(json!({ "path": path, "temporary": true })),
            })
            .await
            .with_context(|| format!("installing {} as a temporary add-on", dir.display()))?;
        ensure!(
            id == json!(extension::GECKO_ID),
            "Firefox installed the extension as {id}, not {}: its moz-extension:// address is \
             unknown (extension::FIREFOX_UUID)",
            extension::GECKO_ID
        );
        Ok(())
    }

    /// The session's profile folder: the browser's `$HOME` in sessions with the extension
    /// (where [`card::install_host`](super::card::install_host) installs the native host), and
    /// Chromium's user-data-dir (`.config/chromium` in it, where Chromium looks for native
    /// messaging hosts).
    pub fn profile_dir(&self) -> &Path {
        self._profile.path()
    }

    /// The address of the extension's page `path` (e.g. `options.html`) in this session:
    /// `chrome-extension://<id>/options.html` in Chromium (the id fixed by the manifest's
    /// `key`), `moz-extension://<uuid>/options.html` in Firefox (the uuid fixed by a pref).
    /// Fails when the session was started without the extension.
    pub fn extension_url(&self, path: &str) -> Result<String> {
        ensure!(
            self.extension.is_some(),
            "this session has no extension: start it with `Session::start_with_extension`"
        );
        Ok(extension::page_url(self.browser, path))
    }

    /// The handles of the browser's open windows and tabs.
    pub async fn windows(&self) -> Result<Vec<WindowHandle>> {
        Ok(self.client.windows().await?)
    }

    /// The handle of the window WebDriver is driving.
    pub async fn current_window(&self) -> Result<WindowHandle> {
        Ok(self.client.window().await?)
    }

    /// Drives `window` from now on.
    pub async fn switch_to_window(&self, window: &WindowHandle) -> Result<()> {
        self.client
            .switch_to_window(window.clone())
            .await
            .with_context(|| format!("switching to window {window:?}"))
    }

    /// Waits (at most [`WAIT`](super::WAIT)) until a window that is not in `known` opens —
    /// take `known` from [`Session::windows`] before the action that opens it —, switches to it
    /// and returns its handle. Switch back with [`Session::switch_to_window`].
    pub async fn switch_to_new_window(&self, known: &[WindowHandle]) -> Result<WindowHandle> {
        let start = std::time::Instant::now();
        loop {
            let now = self.windows().await?;
            let new: Vec<&WindowHandle> = now.iter().filter(|w| !known.contains(w)).collect();
            match new.as_slice() {
                [] => {}
                [one] => {
                    self.switch_to_window(one).await?;
                    return Ok((*one).clone());
                }
                many => bail!("{} new windows opened, expected one: {many:?}", many.len()),
            }
            if start.elapsed() > super::WAIT {
                bail!(
                    "no new window opened within {:?} (windows open: {})",
                    super::WAIT,
                    now.len()
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Waits (at most [`WAIT`](super::WAIT)) until `window` is closed (a confirmation popup
    /// that closes itself, say). WebDriver then drives no window: switch to another.
    pub async fn wait_for_window_closed(&self, window: &WindowHandle) -> Result<()> {
        let start = std::time::Instant::now();
        while self.windows().await?.contains(window) {
            if start.elapsed() > super::WAIT {
                bail!("window {window:?} still open after {:?}", super::WAIT);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Ok(())
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
/// (Chromium's user-data-dir; geckodriver makes Firefox's own), the console log kept. With an
/// `extension` folder, what loading it and opening its pages need
/// ([`extension::chromium_options`], [`extension::firefox_options`]).
fn capabilities(browser: Browser, profile: &Path, extension: Option<&Path>) -> Capabilities {
    let caps = match browser {
        Browser::Chromium => {
            let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
            // `$HOME/.config/chromium`, where Chromium's own user-level native messaging
            // folder is (`sesame-host install` writes there).
            args.push(format!(
                "--user-data-dir={}",
                profile.join(".config/chromium").display()
            ));
            args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
            let mut options = json!({ "binary": CHROMIUM_BINARY, "args": args });
            if let Some(dir) = extension {
                extension::chromium_options(&mut options, dir);
            }
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": { "browser": "ALL" },
            })
        }
        Browser::Firefox => {
            let mut options = json!({ "binary": FIREFOX_BINARY, "args": ["-headless"] });
            if extension.is_some() {
                extension::firefox_options(&mut options);
            }
            json!({ "browserName": "firefox", "moz:firefoxOptions": options })
        }
    };
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}
