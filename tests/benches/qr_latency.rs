//! The QR-code login's latency, approval → logged in: the phone (enrolled once, over HTTP:
//! `sesame_e2e::qr::enrolled_phone`) approves the code the widget shows on the demo's PAACO
//! page, and the page shows the session. Three clients:
//!
//! - **push**: the widget as it is (an `EventSource` on `GET /api/login/qr/events`, which wakes
//!   its poll at once: the claim is one `POST /api/login/qr/status`);
//! - **polling**: the same widget in a page without `EventSource` (removed before the QR step
//!   opens, as the e2e journey does): it polls every `poll_ms` (1000 ms);
//! - **tiqr-like**: no browser; a client that polls the status every 1.5 s over HTTP with the QR
//!   cookie of the code it asked for, as tiqr's web client does; its claim is the poll that
//!   answers `approved`.
//!
//! Each run: a new code; the phone reads the request; then, after a pause that puts the
//! approval at a different phase of the poll period in each run (1 s + i/N of a period: the
//! approvals are spread evenly over the period, as a person's would be), the phone approves.
//! Times are wall-clock milliseconds: the bench reads the system clock just before the phone's
//! `POST /api/phone/approve` and as its 204 arrives; the page records when the session panel
//! appears (a MutationObserver installed before the step opens, `performance.timeOrigin +
//! performance.now()`, the same system clock). "From approval sent" includes the portal's
//! checks of the approval (signature, argon2id PIN); "from approval answered" is the
//! notification, the claim and the drawing alone. Run by `cargo xtask bench`.

use anyhow::{bail, Context, Result};
use serde_json::json;
use sesame_core::api::paths;
use sesame_core::qr::{QrCode, QrStatus, QR_POLL_MS};
use sesame_core::Method;
use sesame_demo::phone::Phone;
use sesame_e2e::bench::percentile;
use sesame_e2e::harness::{Browser, Portal, Session};
use sesame_e2e::journey::{self, sel};
use sesame_e2e::qr::{self, ShownCode, PIN};
use sesame_widget::dom::{self, class};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Logins measured per browser and mode (after one not counted, which warms the browser's
/// caches). Each portal makes at most 30 codes a minute for one address: one portal per browser
/// and mode keeps the runs under it.
const RUNS: usize = 20;

/// The tiqr-like client's poll period.
const TIQR_POLL: Duration = Duration::from_millis(1500);

/// The PAACO preset: it offers the QR code.
const PAACO: &str = "paaco";

/// Marks when the session panel appears.
const OBSERVER: &str = r#"
  window.__qr = {};
  new MutationObserver(() => {
    if (window.__qr.session === undefined && document.querySelector(arguments[0])) {
      window.__qr.session = performance.timeOrigin + performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
"#;

/// The system clock, in milliseconds since the Unix epoch (as the page's `timeOrigin`).
fn wall_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The pause before run `i` approves: 1 s (the phone scanning), then `i`/[`RUNS`] of `period`.
fn pause(i: usize, period: Duration) -> Duration {
    Duration::from_secs(1) + period.mul_f64((i % RUNS) as f64 / RUNS as f64)
}

/// The phone reads the request of `payload`, waits `pause`, and approves with `digits`: the
/// wall-clock times the approval was sent and answered.
async fn approve(
    phone: &Phone,
    payload: &str,
    digits: &str,
    pause: Duration,
) -> Result<(f64, f64)> {
    let info = phone
        .request(payload)
        .await
        .map_err(|e| anyhow::anyhow!("the phone reads the request: {e}"))?;
    tokio::time::sleep(pause).await;
    let sent = wall_ms();
    phone
        .approve_shown(payload, &info, digits, PIN)
        .await
        .map_err(|e| anyhow::anyhow!("the phone approves: {e}"))?;
    Ok((sent, wall_ms()))
}

/// One login in the browser: (from approval sent, from approval answered) to the session
/// panel, in ms.
async fn browser_login(
    s: &Session,
    portal: &Portal,
    phone: &Phone,
    push: bool,
    i: usize,
) -> Result<(f64, f64)> {
    s.client
        .goto(&portal.url(&format!("/?preset={PAACO}")))
        .await?;
    let button = s
        .wait_for(&sel::choose(Method::Qr))
        .await
        .context("PAACO's chooser offers the QR code")?;
    if !push {
        s.client
            .execute("window.EventSource = undefined;", vec![])
            .await?;
    }
    let session_css = dom::class(class::SESSION);
    s.client.execute(OBSERVER, vec![json!(session_css)]).await?;
    button.click().await?;
    let code: ShownCode = qr::shown_code(s).await?;
    let period = Duration::from_millis(u64::from(QR_POLL_MS));
    let (sent, answered) = approve(phone, &code.payload, &code.digits, pause(i, period)).await?;
    let shown = s
        .wait_until("the session panel", async || {
            Ok(s.client
                .execute("return window.__qr.session ?? null;", vec![])
                .await?
                .as_f64())
        })
        .await?;
    // Logged out for the next run: the session's and the QR cookies dropped.
    s.client.delete_all_cookies().await?;
    Ok((shown - sent, shown - answered))
}

async fn measure_browser(browser: Browser, push: bool) -> Result<Vec<(f64, f64)>> {
    let portal = Portal::start().await.context("starting the demo")?;
    let phone = qr::enrolled_phone(&portal, &journey::account(PAACO), PIN).await?;
    let s = Session::start(browser, "bench-qr").await?;
    let result = async {
        browser_login(&s, &portal, &phone, push, 0)
            .await
            .context("the warm-up login")?;
        let mut out = Vec::with_capacity(RUNS);
        for i in 0..RUNS {
            out.push(
                browser_login(&s, &portal, &phone, push, i)
                    .await
                    .with_context(|| format!("login {i}"))?,
            );
        }
        Ok(out)
    }
    .await;
    s.close().await?;
    result
}

/// One login of the tiqr-like client: asks for a code (its QR cookie kept), polls its status
/// every [`TIQR_POLL`] from then on; the phone approves after the pause. (From approval sent,
/// from approval answered) to the poll that claims the session, in ms.
async fn tiqr_login(portal: &Portal, phone: &Phone, i: usize) -> Result<(f64, f64)> {
    let answer = qr::api_post(
        portal,
        paths::LOGIN_QR,
        json!({ "portal": PAACO }).to_string(),
        None,
    )
    .await?;
    let code: QrCode = answer.json("the QR code")?;
    let cookie = answer
        .cookie(sesame_demo::qr::cookie_name(true))
        .context("no QR cookie")?;
    let poller = {
        let (id, cookie) = (code.id.clone(), cookie.clone());
        async move {
            let start = Instant::now();
            let mut next = tokio::time::Instant::now();
            loop {
                let body = json!({ "id": id }).to_string();
                let answer =
                    qr::api_post(portal, paths::LOGIN_QR_STATUS, body, Some(&cookie)).await?;
                let status: QrStatus = answer.json("the status")?;
                match status {
                    QrStatus::Approved { .. } => return Ok(wall_ms()),
                    QrStatus::Pending | QrStatus::SlowDown { .. } => {}
                    other => bail!("the code is {other:?}"),
                }
                if start.elapsed() > Duration::from_secs(20) {
                    bail!("not approved after 20 s");
                }
                next += TIQR_POLL;
                tokio::time::sleep_until(next).await;
            }
        }
    };
    let (claimed, approved) = tokio::join!(
        poller,
        approve(phone, &code.payload, &code.digits, pause(i, TIQR_POLL))
    );
    let (claimed, (sent, answered)) = (claimed?, approved?);
    Ok((claimed - sent, claimed - answered))
}

async fn measure_tiqr() -> Result<Vec<(f64, f64)>> {
    let portal = Portal::start().await.context("starting the demo")?;
    let phone = qr::enrolled_phone(&portal, &journey::account(PAACO), PIN).await?;
    let mut out = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        out.push(
            tiqr_login(&portal, &phone, i)
                .await
                .with_context(|| format!("tiqr-like login {i}"))?,
        );
    }
    Ok(out)
}

fn row(client: &str, mode: &str, runs: &[(f64, f64)]) {
    let mut sent: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let mut answered: Vec<f64> = runs.iter().map(|r| r.1).collect();
    println!(
        "| {client} | {mode} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        runs.len(),
        percentile(&mut sent, 50),
        percentile(&mut sent, 95),
        percentile(&mut answered, 50),
        percentile(&mut answered, 95),
        percentile(&mut answered, 100),
    );
}

/// The browsers to run, from `SESAME_BENCH_BROWSERS` (`chromium`, `firefox`, comma-separated;
/// both when unset).
fn browsers() -> Vec<Browser> {
    match std::env::var("SESAME_BENCH_BROWSERS") {
        Ok(list) => Browser::ALL
            .into_iter()
            .filter(|b| {
                list.split(',')
                    .any(|n| n.trim().eq_ignore_ascii_case(b.name()))
            })
            .collect(),
        Err(_) => Browser::ALL.to_vec(),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    println!("\n## QR-code login: approval → logged in (`cargo xtask bench`)\n");
    println!(
        "The demo's PAACO page; a phone enrolled once (`sesame_demo::phone::Phone`, P-256, over \
         HTTP on loopback); {RUNS} logins per row after one warm-up, the approvals spread evenly \
         over the poll period. Push: the widget's event stream wakes its claim; polling: the \
         widget without `EventSource`, every {QR_POLL_MS} ms; tiqr-like: an HTTP client polling \
         every {} ms, no browser. Milliseconds to the session panel drawn (the tiqr-like client: \
         to its claiming poll answered).\n",
        TIQR_POLL.as_millis()
    );
    println!(
        "| client | mode | runs | from approval sent: p50 | p95 | from approval answered: p50 | p95 | max |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for browser in browsers() {
        for (push, mode) in [
            (true, "push (EventSource)"),
            (false, "polling (no EventSource)"),
        ] {
            let runs = measure_browser(browser, push)
                .await
                .with_context(|| format!("{} {mode}", browser.name()))?;
            row(browser.name(), mode, &runs);
        }
    }
    let runs = measure_tiqr().await.context("the tiqr-like client")?;
    row("tiqr-like HTTP client", "polling every 1.5 s", &runs);
    Ok(())
}
