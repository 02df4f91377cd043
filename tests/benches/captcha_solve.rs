//! The proof of work's solve time in the browser ("not a robot", ALTCHA): the demo's
//! Entr'Actes page, whose widget solves a challenge in its Web Worker as soon as the form is
//! shown; from the progress bar appearing to the step saying it is done, read in the page
//! (`performance.now()`, a MutationObserver). Chromium and Firefox, at the demo's default
//! difficulty and at half and twice it. Run by `cargo xtask bench`.

use anyhow::{bail, Context, Result};
use sesame_core::captcha::DEFAULT_MAX_NUMBER;
use sesame_e2e::bench::percentile;
use sesame_e2e::harness::{Browser, Portal, Session};
use std::time::{Duration, Instant};

/// Solves per browser and difficulty.
const RUNS: usize = 20;

/// Marks when the progress bar appears and when the step is done.
const OBSERVER: &str = r#"
  window.__pow = {};
  const mark = () => {
    const c = document.querySelector('.sesame-captcha');
    if (!c) return;
    if (window.__pow.start === undefined && c.querySelector('progress')) window.__pow.start = performance.now();
    if (window.__pow.start !== undefined && window.__pow.done === undefined && !c.querySelector('progress')) {
      window.__pow.done = performance.now();
    }
  };
  mark();
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
"#;

async fn solve_once(s: &Session, portal: &Portal) -> Result<f64> {
    s.client.goto(&portal.url("/?preset=entractes")).await?;
    s.client.execute(OBSERVER, vec![]).await?;
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
         batch); from the progress bar to \"done\", {RUNS} challenges per row (the secret number \
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
