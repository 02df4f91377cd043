//! The e2e harness: a demo portal on a free port with a fresh database ([`Portal`]), a real
//! browser driven over WebDriver ([`Session`]), and [`in_each_browser`] to run one journey in
//! Chromium then Firefox.
//!
//! **Later issues (the browser extension):** [`BrowserOptions`] already carries the hooks:
//! `extension_dir` (Chromium `--load-extension`, Firefox `moz/addon/install` as a temporary
//! add-on) and `native_messaging_hosts` (manifests written to `<user-data-dir>/NativeMessagingHosts/`
//! for Chromium, `$HOME/.mozilla/native-messaging-hosts/` for Firefox, with geckodriver's `HOME`
//! pointed at a temporary directory). They are plumbed but not exercised by any test yet.

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long to wait for an element or a state before failing.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long a WebDriver server may take to start listening.
const DRIVER_START: Duration = Duration::from_secs(20);

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

/// Options of a browser session.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// Window size in CSS pixels.
    pub window: (u32, u32),
    /// Hook for the extension issue: an unpacked extension directory to load (Chromium:
    /// `--load-extension`; Firefox: a temporary add-on through geckodriver). Not used yet.
    pub extension_dir: Option<PathBuf>,
    /// Hook for the extension issue: native-messaging host manifests to install, as
    /// (host name, manifest JSON). Not used yet.
    pub native_messaging_hosts: Vec<(String, Value)>,
}

impl Default for BrowserOptions {
    fn default() -> BrowserOptions {
        BrowserOptions {
            window: (1280, 900),
            extension_dir: None,
            native_messaging_hosts: Vec::new(),
        }
    }
}

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A text as WebDriver shows it: no-break spaces (French typography puts them before `:` and
/// inside « ») become plain spaces, as WebDriver's "element text" does in some browsers and not
/// others. Apply it to both sides of a comparison.
pub fn visible(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

/// The workspace's `target/` directory (screenshots and driver logs go under it).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Where screenshots and driver logs go: `target/e2e-screenshots/`.
pub fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Finds a program: the given env variable, then the usual places.
fn find_driver(env: &str, name: &str, places: &[PathBuf]) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Ok(p.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .chain(places.iter().cloned())
        .find(|p| p.is_file())
        .with_context(|| {
            format!("{name} not found (set {env}, or run `cargo xtask setup --browsers`)")
        })
}

/// A running WebDriver server, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(browser: Browser, log: PathBuf, home: &Path) -> Result<Driver> {
        let port = free_port()?;
        let mut cmd = match browser {
            Browser::Chromium => {
                let bin = find_driver(
                    "CHROMEDRIVER",
                    "chromedriver",
                    &["/usr/bin/chromedriver".into()],
                )?;
                let mut c = Command::new(bin);
                c.arg(format!("--port={port}"));
                c
            }
            Browser::Firefox => {
                let cargo_bin = std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".cargo/bin/geckodriver"))
                    .unwrap_or_default();
                let bin = find_driver("GECKODRIVER", "geckodriver", &[cargo_bin])?;
                let mut c = Command::new(bin);
                c.args(["--port", &port.to_string(), "--host", "127.0.0.1"]);
                // Firefox inherits it: a fresh $HOME (and so ~/.mozilla) per session.
                c.env("HOME", home);
                c
            }
        };
        std::fs::create_dir_all(log.parent().unwrap())?;
        let out = File::create(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting the {} WebDriver server", browser.name()))?;
        let mut driver = Driver { child, port, log };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                bail!("WebDriver server exited ({status}):\n{}", driver.log_tail());
            }
            if start.elapsed() > DRIVER_START {
                bail!(
                    "WebDriver server not listening after {DRIVER_START:?}:\n{}",
                    driver.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver command fantoccini has no method for: `POST|GET /session/{id}/<path>`.
#[derive(Debug)]
pub struct SessionCommand {
    /// Path after `/session/{id}/`, e.g. `se/log`.
    pub path: &'static str,
    /// JSON body: POST when present, GET otherwise.
    pub body: Option<Value>,
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

/// One entry of Chromium's browser log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`…
    pub level: String,
    /// The message, with its source URL.
    pub message: String,
}

/// A browser session, with its WebDriver server and temporary profile.
pub struct Session {
    /// The WebDriver client, for anything the helpers below do not cover.
    pub client: Client,
    /// Which browser.
    pub browser: Browser,
    test: String,
    // Dropped after `client` is closed: the server, then the profile directory.
    _driver: Driver,
    profile: TempDir,
}

impl Session {
    /// Starts `browser` with `options`, for the test named `test` (used in file names).
    pub async fn start(browser: Browser, test: &str, options: &BrowserOptions) -> Result<Session> {
        let profile = tempfile::Builder::new().prefix("sesame-e2e-").tempdir()?;
        let log = artifacts_dir().join(format!("{test}-{}-driver.log", browser.name()));
        let driver = Driver::start(browser, log, profile.path())?;
        let caps = capabilities(browser, profile.path(), options)?;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .map_err(|e| anyhow!("{} session: {e}\n{}", browser.name(), driver.log_tail()))?;
        let session = Session {
            client,
            browser,
            test: test.to_owned(),
            _driver: driver,
            profile,
        };
        if browser == Browser::Firefox {
            session
                .client
                .set_window_size(options.window.0, options.window.1)
                .await?;
            if let Some(dir) = &options.extension_dir {
                // Hook for the extension issue: unsigned add-ons load as temporary ones.
                session
                    .client
                    .issue_cmd(SessionCommand {
                        path: "moz/addon/install",
                        body: Some(json!({ "path": dir, "temporary": true })),
                    })
                    .await?;
            }
        }
        Ok(session)
    }

    /// The temporary profile directory (Chromium's user-data-dir, Firefox's `$HOME`).
    pub fn profile_dir(&self) -> &Path {
        self.profile.path()
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Waits until an element matches `css`, and returns it.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting {WAIT:?} for `{css}`"))
    }

    /// Whether an element matches `css` now.
    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// Waits until `css` matches an element whose text satisfies `pred`; returns that text.
    /// The text is as [`visible`] makes it: compare it with `visible(expected)`.
    pub async fn wait_for_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> Result<String> {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            for el in self.client.find_all(Locator::Css(css)).await? {
                if let Ok(text) = el.text().await.map(|t| visible(&t)) {
                    if pred(&text) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            if start.elapsed() > WAIT {
                bail!("`{css}` never had the expected text within {WAIT:?}; last seen: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `f` returns `Some`, polling.
    pub async fn wait_until<T>(
        &self,
        what: &str,
        mut f: impl AsyncFnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let start = Instant::now();
        loop {
            if let Some(v) = f().await? {
                return Ok(v);
            }
            if start.elapsed() > WAIT {
                bail!("{what}: not within {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Empties the field matching `css` and types `text` into it; checks the field's value.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let el = self.wait_for(css).await?;
        // As a person does: select all, delete, type. (WebDriver's Element Clear fires no
        // `input` event, so a component that keeps the value in its state would not see it.)
        let select_all_delete = format!(
            "{}a{}{}",
            char::from(Key::Control),
            char::from(Key::Null),
            char::from(Key::Backspace)
        );
        el.send_keys(&select_all_delete).await?;
        el.send_keys(text)
            .await
            .with_context(|| format!("typing into `{css}`"))?;
        let value = el.prop("value").await?.unwrap_or_default();
        ensure!(
            value == text,
            "`{css}`: typed {text:?}, the field holds {value:?}"
        );
        Ok(())
    }

    /// Clicks the element matching `css` (waiting for it).
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking `{css}`"))
    }

    /// Types `text` on the keyboard, into whatever has the focus (WebDriver key actions: no
    /// element is targeted, as for a person using the keyboard only).
    pub async fn keys(&self, text: &str) -> Result<()> {
        let mut actions = KeyActions::new("keyboard".into());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Presses one key (Tab, Enter…) on the keyboard.
    pub async fn press(&self, key: Key) -> Result<()> {
        self.keys(&char::from(key).to_string()).await
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> Result<bool> {
        let active = self.client.active_element().await?;
        let matching = self.client.find_all(Locator::Css(css)).await?;
        Ok(matching
            .iter()
            .any(|e| e.element_id() == active.element_id()))
    }

    /// A short description of the focused element, for failure messages.
    pub async fn describe_focus(&self) -> Result<String> {
        let el = self.client.active_element().await?;
        let html = el.html(false).await.unwrap_or_default();
        Ok(html.chars().take(160).collect())
    }

    /// Presses Tab until the focus is on `css` (at most `max` times); fails otherwise.
    pub async fn tab_to(&self, css: &str, max: usize) -> Result<()> {
        for _ in 0..max {
            if self.focus_is(css).await? {
                return Ok(());
            }
            self.press(Key::Tab).await?;
        }
        if self.focus_is(css).await? {
            return Ok(());
        }
        bail!(
            "`{css}` not reached with {max} Tabs; focus is on {}",
            self.describe_focus().await?
        )
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

    /// Scrolls the first element matching `css` to the middle of the window (before a
    /// screenshot).
    pub async fn scroll_to(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        Ok(())
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

fn capabilities(
    browser: Browser,
    profile: &Path,
    options: &BrowserOptions,
) -> Result<Capabilities> {
    let caps = match browser {
        Browser::Chromium => {
            let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
            args.push(format!("--user-data-dir={}", profile.display()));
            args.push(format!(
                "--window-size={},{}",
                options.window.0, options.window.1
            ));
            if let Some(dir) = &options.extension_dir {
                args.push(format!("--load-extension={}", dir.display()));
            }
            write_host_manifests(&profile.join("NativeMessagingHosts"), options)?;
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": CHROMIUM_BINARY, "args": args },
                "goog:loggingPrefs": { "browser": "ALL" },
            })
        }
        Browser::Firefox => {
            write_host_manifests(
                &profile.join(".mozilla").join("native-messaging-hosts"),
                options,
            )?;
            json!({
                "browserName": "firefox",
                "moz:firefoxOptions": { "binary": FIREFOX_BINARY, "args": ["-headless"] },
            })
        }
    };
    match caps {
        Value::Object(map) => Ok(map),
        _ => unreachable!("a JSON object"),
    }
}

fn write_host_manifests(dir: &Path, options: &BrowserOptions) -> Result<()> {
    if options.native_messaging_hosts.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    for (name, manifest) in &options.native_messaging_hosts {
        std::fs::write(
            dir.join(format!("{name}.json")),
            serde_json::to_vec_pretty(manifest)?,
        )?;
    }
    Ok(())
}

/// The demo portal, started in this process on a free port with a fresh SQLite database.
pub struct Portal {
    /// Its address.
    pub addr: SocketAddr,
    server: tokio::task::AbortHandle,
    _db: TempDir,
}

impl Portal {
    /// Starts the demo portal. Needs the built widget: `SESAME_WIDGET_DIR`, which
    /// `cargo xtask test` sets after building it.
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

/// One journey at a time: two cores, and browsers are heavy.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `journey` in Chromium, then in Firefox, each with its own portal and fresh database.
/// Takes a screenshot at the end of each (pass or fail), runs both browsers even if the first
/// fails, and panics with every failure.
pub async fn in_each_browser(test: &str, journey: impl AsyncFn(&Session, &Portal) -> Result<()>) {
    let _one = ONE_AT_A_TIME.lock().await;
    let mut failures = Vec::new();
    for browser in Browser::ALL {
        let started = Instant::now();
        let result = run_one(test, browser, &journey).await;
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok(()) => eprintln!("{test} [{}]: ok in {secs:.1} s", browser.name()),
            Err(e) => {
                eprintln!("{test} [{}]: FAILED in {secs:.1} s: {e:#}", browser.name());
                failures.push(format!("[{}] {e:#}", browser.name()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{test} failed:\n{}",
        failures.join("\n")
    );
}

async fn run_one(
    test: &str,
    browser: Browser,
    journey: &impl AsyncFn(&Session, &Portal) -> Result<()>,
) -> Result<()> {
    let portal = Portal::start().await?;
    let session = Session::start(browser, test, &BrowserOptions::default()).await?;
    let result = journey(&session, &portal).await;
    match session.screenshot("").await {
        Ok(path) => eprintln!("screenshot: {}", path.display()),
        Err(e) => eprintln!("no screenshot: {e:#}"),
    }
    if result.is_err() {
        if let Ok(Some(log)) = session.console_log().await {
            for entry in log {
                eprintln!("console {}: {}", entry.level, entry.message);
            }
        }
    }
    let closed = session.close().await;
    result?;
    closed
}
