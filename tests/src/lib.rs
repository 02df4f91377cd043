//! # sesame-e2e
//!
//! End-to-end tests of Sésame: the demo portal, started in-process on a free port with a fresh
//! SQLite database, driven through real Chromium (chromedriver) and Firefox ESR (geckodriver)
//! over WebDriver. The journeys are in `tests/journeys.rs` and `tests/one_time_codes.rs`; [`harness`] is
//! what they stand on, [`journey`] the steps they share, [`codes`] where one-time codes come from.
//!
//! Run them with `cargo xtask test`, which installs the browsers and axe-core, builds the
//! widget and sets `SESAME_WIDGET_DIR` and `SESAME_AXE_JS`. Screenshots of every journey's last state (and the WebDriver servers'
//! logs) are written to `target/e2e-screenshots/` for people to look at.

pub mod bench;
pub mod captcha_provider;
pub mod codes;
pub mod harness;
pub mod journey;
pub mod oidc_provider;
pub mod qr;
