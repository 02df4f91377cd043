//! The machine's part of a CPS-card login, the person's excluded: page → extension → native
//! host → SoftHSM2 → portal verification, in Chromium and Firefox, with the built extension, the
//! real `sesame-host` and a SoftHSM2 test card (the e2e harness's `card`).
//!
//! Each run, on the demo's PAACO page with the CPS method open:
//! - **to the PIN window**: from the button's click (a capturing listener in the page) to the
//!   PIN window's form being ready (its `sesame-pin-ready` User Timing mark): the nonce from the
//!   portal, the bridge, the host started (`hello`, `status`, `certificate`), the window opened
//!   and drawn — of which, separately, the window's own part, from its navigation start (its
//!   page, the extension's wasm, the details asked of the background, the form);
//! - **PIN → session**: from the PIN submitted (read in the window as it is submitted) to the
//!   session panel in the page (a MutationObserver): the host's PKCS#11 login and signature,
//!   the answer through the bridge, the portal's verification, the session drawn.
//!
//! Times are wall-clock milliseconds (`performance.timeOrigin + performance.now()`, comparable
//! across the browser's windows). Run by `cargo xtask bench` (it builds what is needed and sets
//! the harness's variables).

use anyhow::{bail, Context, Result};
use serde_json::json;
use sesame_e2e::bench::percentile;
use sesame_e2e::harness::{card, Browser, Portal, Session};
use sesame_widget::dom::{self, action};
use std::time::{Duration, Instant};

/// Logins measured per browser (after one not counted, which warms the host's binary and the
/// browser's caches).
const RUNS: usize = 20;

/// Times the click on the CPS button and the session's appearance.
const OBSERVER: &str = r#"
  const now = () => performance.timeOrigin + performance.now();
  window.__cps = {};
  document.addEventListener('click', (e) => {
    if (e.target.closest('[data-action="cps-login"]')) window.__cps.click = now();
  }, true);
  new MutationObserver(() => {
    if (window.__cps.session === undefined && document.querySelector('.sesame-session')) {
      window.__cps.session = now();
    }
  }).observe(document, { childList: true, subtree: true });
"#;

/// In the PIN window: types the PIN and submits, returning the moment of the submission and
/// the moment the form was ready.
const SUBMIT: &str = r#"
  const ready = performance.getEntriesByName('sesame-pin-ready')[0];
  if (!ready) return null;
  document.querySelector('#pin-code').value = arguments[0];
  const submitted = performance.timeOrigin + performance.now();
  document.querySelector('form').requestSubmit();
  return [performance.timeOrigin + ready.startTime, submitted, ready.startTime];
"#;

async fn wait<T>(what: &str, mut f: impl AsyncFnMut() -> Result<Option<T>>) -> Result<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f().await? {
            return Ok(v);
        }
        if start.elapsed() > Duration::from_secs(20) {
            bail!("{what}: not after 20 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One login: (to the PIN window, PIN → session, of the first: the window's own loading and
/// drawing) in ms.
async fn login(s: &Session, portal: &Portal) -> Result<(f64, f64, f64)> {
    s.client.goto(&portal.url("/?preset=paaco")).await?;
    let choose = sesame_e2e::journey::sel::choose(sesame_core::Method::Cps);
    s.wait_for(&choose).await?.click().await?;
    let button = dom::widget(&dom::action(action::CPS_LOGIN));
    let button = s.wait_for(&button).await?;
    s.client.execute(OBSERVER, vec![]).await?;
    let page = s.current_window().await?;
    let known = s.windows().await?;
    button.click().await?;
    let window = s.switch_to_new_window(&known).await?;
    let times = wait("the PIN form", async || {
        let v = s.client.execute(SUBMIT, vec![json!(card::PIN)]).await?;
        Ok(v.as_array().cloned())
    })
    .await?;
    let (ready, submitted, drawn) = (
        times[0].as_f64().context("ready")?,
        times[1].as_f64().context("submitted")?,
        times[2].as_f64().context("drawn")?,
    );
    s.wait_for_window_closed(&window).await?;
    s.switch_to_window(&page).await?;
    let (click, session) = wait("the session", async || {
        let t = s
            .client
            .execute(
                "return [window.__cps.click ?? null, window.__cps.session ?? null];",
                vec![],
            )
            .await?;
        Ok(match (t[0].as_f64(), t[1].as_f64()) {
            (Some(c), Some(s)) => Some((c, s)),
            _ => None,
        })
    })
    .await?;
    // Logged out for the next run: the session's cookies dropped.
    s.client.delete_all_cookies().await?;
    Ok((ready - click, session - submitted, drawn))
}

async fn measure(browser: Browser, portal: &Portal) -> Result<Vec<(f64, f64, f64)>> {
    let dir = sesame_e2e::harness::extension::unpacked_dir(browser)?;
    let s = Session::start_with_extension(browser, "bench-cps", &dir).await?;
    let result = async {
        let test_card = card::card_for(&s, portal)?;
        card::install_host(&s, &test_card)?;
        login(&s, portal).await.context("the warm-up login")?;
        let mut out = Vec::with_capacity(RUNS);
        for i in 0..RUNS {
            out.push(
                login(&s, portal)
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

#[tokio::main]
async fn main() -> Result<()> {
    let portal = Portal::start().await.context("starting the demo")?;
    println!("\n## CPS-card login, the machine's part (`cargo xtask bench`)\n");
    println!(
        "The demo's PAACO page, the built extension, `sesame-host` (debug build) and a SoftHSM2 \
         test card (RSA-2048, RS256); {RUNS} logins per browser after one warm-up; the person's \
         time (reading the window, typing the PIN) excluded. Milliseconds.\n"
    );
    println!(
        "| browser | to the PIN window: median | p95 | of which the window loading itself: median | PIN → session: median | p95 | total: median | p95 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for browser in Browser::ALL {
        let runs = measure(browser, &portal).await?;
        let mut first: Vec<f64> = runs.iter().map(|r| r.0).collect();
        let mut second: Vec<f64> = runs.iter().map(|r| r.1).collect();
        let mut total: Vec<f64> = runs.iter().map(|r| r.0 + r.1).collect();
        let mut drawn: Vec<f64> = runs.iter().map(|r| r.2).collect();
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            browser.name(),
            percentile(&mut first, 50),
            percentile(&mut first, 95),
            percentile(&mut drawn, 50),
            percentile(&mut second, 50),
            percentile(&mut second, 95),
            percentile(&mut total, 50),
            percentile(&mut total, 95),
        );
    }
    Ok(())
}
