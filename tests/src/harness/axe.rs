//! Accessibility after each step: [axe-core](https://github.com/dequelabs/axe-core) injected
//! through WebDriver and run on the page as it is, with the WCAG 2.0/2.1/2.2 A and AA rules and
//! axe's best practices. `cargo xtask test` installs axe-core under `target/node/` and sets
//! [`AXE_ENV`] to its `axe.min.js`.
//!
//! The script goes in through WebDriver "execute script", which the page's CSP
//! (`script-src 'self'`) does not govern, in Chromium and Firefox alike.

use super::session::Session;
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

/// The environment variable naming axe-core's `axe.min.js`.
pub const AXE_ENV: &str = "SESAME_AXE_JS";

/// The rule sets every step must pass.
pub const TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// Runs axe on the document; calls back with the violations (or the error).
const RUN: &str = r#"
const [tags, done] = arguments;
window.axe
  .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then((r) => done({
    violations: r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
    })),
  }))
  .catch((e) => done({ error: String((e && e.stack) || e) }));
"#;

/// The text of `axe.min.js`, read once.
fn axe_source() -> Result<&'static str> {
    static SOURCE: OnceLock<Result<String, String>> = OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = std::env::var_os(AXE_ENV)
            .map(PathBuf::from)
            .ok_or_else(|| {
                format!(
                    "{AXE_ENV} is not set: run the e2e tests through `cargo xtask test`, which \
                 installs axe-core and sets it"
                )
            })?;
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{AXE_ENV}={}: {e} (run `cargo xtask test`, which installs axe-core)",
                path.display()
            )
        })
    });
    source.as_deref().map_err(|e| anyhow::anyhow!("{e}"))
}

impl Session {
    /// Runs axe-core on the page as it is now (injecting it first when the page has not got it
    /// yet); fails naming every violation — rule, impact, and each node's selector and HTML —
    /// and `step`.
    pub async fn check_accessibility(&self, step: &str) -> Result<()> {
        let has_axe = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await?;
        if has_axe != Value::Bool(true) {
            let loaded = self
                .client
                .execute(
                    &format!("{}\n;return typeof window.axe;", axe_source()?),
                    vec![],
                )
                .await
                .context("injecting axe-core")?;
            if loaded != json!("object") {
                bail!("axe-core injected but `window.axe` is {loaded}");
            }
        }
        let result = self
            .client
            .execute_async(RUN, vec![json!(TAGS)])
            .await
            .with_context(|| format!("running axe-core after step `{step}`"))?;
        if let Some(error) = result.get("error") {
            bail!("axe-core failed after step `{step}`: {error}");
        }
        let violations = result["violations"]
            .as_array()
            .context("axe-core answered no `violations` array")?;
        if violations.is_empty() {
            self.accessibility_checks.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        bail!(
            "accessibility: {} axe-core violation(s) after step `{step}`:\n{}",
            violations.len(),
            violations
                .iter()
                .map(describe)
                .collect::<Vec<_>>()
                .join("\n")
        )
    }
}

/// One violation: `- rule (impact): help`, then each node's target and HTML.
fn describe(v: &Value) -> String {
    let mut text = format!(
        "- {} ({}): {}",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("no impact given"),
        v["help"].as_str().unwrap_or_default()
    );
    for node in v["nodes"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "\n    at {}: {}",
            node["target"],
            node["html"].as_str().unwrap_or_default()
        ));
        if let Some(summary) = node["summary"].as_str() {
            for line in summary.lines() {
                text.push_str(&format!("\n      {line}"));
            }
        }
    }
    text
}
