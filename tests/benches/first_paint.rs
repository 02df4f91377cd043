//! Time to a usable login form, as a new user on a slow hospital machine meets it: the demo's
//! page (the `<sesame-login>` element, its default preset Entr'Actes, whose first paint the
//! page serves) against a plain HTML form with the same two fields served by the same server, in headless Chromium, a fresh browser (cold cache, cache
//! disabled) for every run, at normal CPU speed and slowed 4×.
//!
//! "Usable" is the moment a password field is in the page (the loader's first paint for the
//! widget: people can type, and the widget keeps it); "widget ready" is the moment the
//! WebAssembly has taken over. Both are read in the page with `performance.now()` (time since
//! navigation started) by a MutationObserver installed before any page script runs.
//!
//! Run by `cargo xtask bench` (it needs the built widget: `SESAME_WIDGET_DIR`). Chromium only:
//! CPU slow-down is a DevTools command, reached through ChromeDriver's `goog/cdp/execute`.

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{json, Value};
use sesame_e2e::harness::{Browser, Portal, Session};
use std::time::{Duration, Instant};

/// Runs per page and CPU speed.
const RUNS: usize = 15;
/// CPU slow-downs measured.
const RATES: [u32; 2] = [1, 4];

/// Marks when a password field appears, and when the widget (not its first paint) has one.
const OBSERVER: &str = r#"(() => {
  const mark = () => {
    if (window.__usable === undefined && document.querySelector('input[name="password"]')) {
      window.__usable = performance.now();
    }
    if (window.__ready === undefined && (
        document.querySelector('section.sesame:not(.sesame-first-paint) input[name="password"]'))) {
      window.__ready = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
})();"#;

/// A DevTools command sent through ChromeDriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(session: &Session, cmd: &'static str, params: Value) -> Result<()> {
    session
        .client
        .issue_cmd(Cdp { cmd, params })
        .await
        .map_err(|e| anyhow!("{cmd}: {e}"))?;
    Ok(())
}

/// One run: (usable, widget ready) in milliseconds since navigation started.
async fn run(portal: &Portal, path: &str, rate: u32) -> Result<(f64, f64)> {
    let session = Session::start(Browser::Chromium, "bench-first-paint").await?;
    let result = async {
        cdp(&session, "Network.enable", json!({})).await?;
        cdp(
            &session,
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": true }),
        )
        .await?;
        cdp(
            &session,
            "Emulation.setCPUThrottlingRate",
            json!({ "rate": rate }),
        )
        .await?;
        cdp(
            &session,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": OBSERVER }),
        )
        .await?;
        session.client.goto(&portal.url(path)).await?;
        let start = Instant::now();
        loop {
            let times = session
                .client
                .execute(
                    "return [window.__usable ?? null, window.__ready ?? null];",
                    vec![],
                )
                .await?;
            if let (Some(usable), Some(ready)) = (times[0].as_f64(), times[1].as_f64()) {
                if std::env::var_os("SESAME_BENCH_DEBUG").is_some() {
                    let entries = session
                        .client
                        .execute(
                            "const n = performance.getEntriesByType('navigation')[0]; \
                             return [n.responseEnd, n.domInteractive, n.domContentLoadedEventStart, \
                             performance.getEntriesByType('resource').map(e => \
                             [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)])];",
                            vec![],
                        )
                        .await?;
                    eprintln!("{path} usable {usable:.0} ready {ready:.0}: {entries}");
                }
                return Ok((usable, ready));
            }
            if start.elapsed() > Duration::from_secs(30) {
                bail!("{path}: no password field after 30 s ({times})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    .await;
    session.close().await?;
    result
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn p90(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() * 9 / 10).min(v.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<()> {
    let portal = Portal::start().await.context("starting the demo")?;
    let pages = [
        ("plain HTML form", "/demo/plain-form.html"),
        (
            "Sésame widget (Entr'Actes, first paint served with the page)",
            "/",
        ),
    ];
    println!("\n## Time to a usable login form (`cargo xtask bench`)\n");
    println!(
        "Headless Chromium, a fresh browser per run (cold cache, cache disabled), {RUNS} runs \
         per row, interleaved; milliseconds since navigation started.\n"
    );
    println!(
        "| page | CPU | usable: median | usable: p90 | widget ready: median | usable ÷ plain |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for rate in RATES {
        let mut samples: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); pages.len()];
        for _ in 0..RUNS {
            for (i, (_, path)) in pages.iter().enumerate() {
                let (usable, ready) = run(&portal, path, rate).await?;
                samples[i].0.push(usable);
                samples[i].1.push(ready);
            }
        }
        let plain = median(&mut samples[0].0.clone());
        for (i, (name, _)) in pages.iter().enumerate() {
            let (usable, ready) = &mut samples[i];
            let m = median(usable);
            let ready = if i == 0 {
                "—".to_owned()
            } else {
                format!("{:.0} ms", median(ready))
            };
            println!(
                "| {name} | ×{rate} | {m:.0} ms | {:.0} ms | {ready} | {:.2}× |",
                p90(usable),
                m / plain
            );
        }
    }
    Ok(())
}
