//! [`in_each_browser`]: one journey in Chromium, then in Firefox, each with its own portal and
//! browser; a screenshot at the end; every failure reported. [`in_each_browser_with_extension`]:
//! the same with the browser extension installed.

use super::extension;
use super::portal::Portal;
use super::session::{Browser, Session};
use anyhow::{ensure, Result};
use std::time::Instant;

/// One journey at a time: two cores, and browsers are heavy.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `journey` in Chromium, then in Firefox, each with its own portal and fresh database.
/// Takes a screenshot at the end of each (pass or fail), runs both browsers even if the first
/// fails, and panics with every failure. A journey that ran no accessibility check
/// ([`Session::check_accessibility`]) fails.
pub async fn in_each_browser(test: &str, journey: impl AsyncFn(&Session, &Portal) -> Result<()>) {
    in_each(test, false, &|_| {}, journey).await
}

/// [`in_each_browser`] on a portal whose configuration `adjust` changed first (a hosted
/// captcha provider, say).
pub async fn in_each_browser_on(
    test: &str,
    adjust: &dyn Fn(&mut sesame_demo::Config),
    journey: impl AsyncFn(&Session, &Portal) -> Result<()>,
) {
    in_each(test, false, adjust, journey).await
}

/// [`in_each_browser`], each browser with the extension installed from
/// `$SESAME_EXTENSION_DIR/<browser>` ([`Session::start_with_extension`]; its pages at
/// [`Session::extension_url`]).
pub async fn in_each_browser_with_extension(
    test: &str,
    journey: impl AsyncFn(&Session, &Portal) -> Result<()>,
) {
    in_each(test, true, &|_| {}, journey).await
}

async fn in_each(
    test: &str,
    with_extension: bool,
    adjust: &dyn Fn(&mut sesame_demo::Config),
    journey: impl AsyncFn(&Session, &Portal) -> Result<()>,
) {
    let _one = ONE_AT_A_TIME.lock().await;
    let mut failures = Vec::new();
    for browser in Browser::ALL {
        let started = Instant::now();
        let result = run_one(test, browser, with_extension, adjust, &journey).await;
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok(checks) => eprintln!(
                "{test} [{}]: ok in {secs:.1} s, {checks} accessibility checks passed",
                browser.name()
            ),
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

/// One journey in one browser; how many accessibility checks it passed.
async fn run_one(
    test: &str,
    browser: Browser,
    with_extension: bool,
    adjust: &dyn Fn(&mut sesame_demo::Config),
    journey: &impl AsyncFn(&Session, &Portal) -> Result<()>,
) -> Result<usize> {
    let portal = Portal::start_with(adjust).await?;
    let session = if with_extension {
        Session::start_with_extension(browser, test, &extension::unpacked_dir(browser)?).await?
    } else {
        Session::start(browser, test).await?
    };
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
    let checks = session.accessibility_checks();
    let closed = session.close().await;
    result?;
    closed?;
    ensure!(
        checks > 0,
        "the journey ran no accessibility check (call `Session::check_accessibility` after each step)"
    );
    Ok(checks)
}
