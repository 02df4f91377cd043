//! The proof of work's solve time in the browser ("not a robot", ALTCHA): the demo's
//! Entr'Actes page, whose widget solves a challenge in its Web Worker as soon as the form is
//! shown; from the step saying it is checking to its saying it is done, read in the page
//! (`performance.now()`, a MutationObserver). Chromium and Firefox, at the demo's default
//! difficulty and at half and twice it. Run by `cargo xtask bench`.

use anyhow::{bail, Context, Result};
use sesame_core::captcha::DEFAULT_MAX_NUMBER;
use sesame_core::Lang;
use sesame_e2e::bench::percentile;
use sesame_e2e::harness::{Browser, Portal, Session};
use sesame_widget::texts::T;
use std::time::{Duration, Instant};

/// Solves per browser and difficulty.
const RUNS: usize = 20;

/// Marks when the step starts solving (its status says so) and when it is done (its status
/// says that), in the page. Installed once the page is loaded, by which time the page's widget
/// may have solved its challenge already (it is ready within ≈ 200 ms): so the element is then
/// replaced by a fresh copy of itself, whose widget starts a new challenge under the observer's
/// eyes. (Not the progress bar: it shows from 5 % of the work, and a challenge whose secret
/// number comes first is solved before it shows.)
fn observer() -> String {
    let checking = T::CaptchaChecking.get(Lang::Fr);
    let done = T::CaptchaDone.get(Lang::Fr);
    format!(
        r#"
  window.__pow = {{}};
  const mark = () => {{
    const status = document.querySelector('.sesame-captcha [role=status]');
    if (!status) return;
    const said = status.textContent;
    if (window.__pow.start === undefined && said === {checking:?}) window.__pow.start = performance.now();
    if (window.__pow.start !== undefined && window.__pow.done === undefined && said === {done:?}) {{
      window.__pow.done = performance.now();
    }}
  }};
  new MutationObserver(mark).observe(document, {{ childList: true, subtree: true, characterData: true }});
  const old = document.querySelector('sesame-login');
  old.replaceWith(old.cloneNode(false));
"#
    )
}

async fn solve_once(s: &Session, portal: &Portal) -> Result<f64> {
    s.client.goto(&portal.url("/?preset=entractes")).await?;
    s.client.execute(&observer(), vec![]).await?;
    let start = Instant::now();
    loop {
        let t = s
            .client
            .execute(
                "return [window.__pow.start ?? null, window.__pow.done ?? null];",
                vec![],
            )
            .await?;
        if let (Some(a), Some(b)) = (t[0].as_f64(), t[1].as_f64()) {
            return Ok(b - a);
        }
        if start.elapsed() > Duration::from_secs(30) {
            bail!("no solution after 30 s ({t})");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    println!("\n## Proof of work: solve time in the browser (`cargo xtask bench`)\n");
    println!(
        "The demo's Entr'Actes page; the widget's Web Worker (`crypto.subtle`, 500 hashes per \
         batch); from \"checking\" to \"done\" in the step's status, {RUNS} challenges per row (the secret number \
         is uniform in 0..=maxnumber). Milliseconds.\n"
    );
    println!("| browser | maxnumber | median | p95 | max |");
    println!("|---|---:|---:|---:|---:|");
    for max in [
        DEFAULT_MAX_NUMBER / 2,
        DEFAULT_MAX_NUMBER,
        DEFAULT_MAX_NUMBER * 2,
    ] {
        let portal = Portal::start_with(|c| c.captcha.max_number = max)
            .await
            .context("starting the demo")?;
        for browser in Browser::ALL {
            let s = Session::start(browser, "bench-captcha").await?;
            let mut times = Vec::with_capacity(RUNS);
            let result = async {
                solve_once(&s, &portal).await.context("warm-up")?;
                for _ in 0..RUNS {
                    times.push(solve_once(&s, &portal).await?);
                }
                anyhow::Ok(())
            }
            .await;
            s.close().await?;
            result?;
            println!(
                "| {} | {max} | {:.0} | {:.0} | {:.0} |",
                browser.name(),
                percentile(&mut times, 50),
                percentile(&mut times, 95),
                percentile(&mut times, 100),
            );
        }
    }
    Ok(())
}
