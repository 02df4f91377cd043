//! The e2e harness, one job per module:
//!
//! - [`driver`] — a WebDriver server process (chromedriver or geckodriver) on a free port;
//! - [`session`] — a browser session over WebDriver: capabilities, flags, fresh profile,
//!   console log, screenshots, windows; optionally with the browser extension installed;
//! - [`extension`] — where the built extension is and what each browser needs to load it, the
//!   fixed addresses of its pages;
//! - [`page`] — what a person does on the page (wait, type, click, Tab…), on [`Session`];
//! - [`portal`] — the demo portal started in this process, and one HTTP GET to read what
//!   WebDriver cannot (response headers);
//! - [`card`] — the CPS card of a session: a SoftHSM2 token and the native host installed for
//!   the session's browser;
//! - [`axe`] — the accessibility check run after each step of each journey;
//! - [`runner`] — [`in_each_browser`]: one journey in Chromium, then in Firefox
//!   ([`in_each_browser_with_extension`]: with the extension installed; [`in_each_browser_on`]:
//!   on a portal configured otherwise).

pub mod axe;
pub mod card;
pub mod driver;
pub mod extension;
pub mod page;
pub mod portal;
pub mod runner;
pub mod session;

pub use page::{visible, WAIT};
pub use portal::{own_page, Portal};
pub use runner::{in_each_browser, in_each_browser_on, in_each_browser_with_extension};
pub use session::{Browser, Session};

use std::path::{Path, PathBuf};

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The workspace's `target/` directory (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Where screenshots and driver logs go: `target/e2e-screenshots/`.
pub fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}
