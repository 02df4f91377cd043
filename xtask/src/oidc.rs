//! The OpenID Connect stand-in for Pro Santé Connect and the regional SSO "ESEA"
//! (`demo/oidc-provider/provider.mjs`, on oidc-provider from npm): started beside the demo
//! portal by `cargo xtask demo`, and named to the e2e tests by `cargo xtask test`, which start
//! their own on free ports.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The demo's PSC issuer port (`SESAME_OIDC_PSC_PORT` overrides it).
const PSC_PORT: u16 = 8081;
/// The demo's ESEA issuer port (`SESAME_OIDC_SSO_PORT` overrides it).
const SSO_PORT: u16 = 8082;
/// How long the stand-in may take to print its issuers.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The client both issuers know the portal as (demonstration only).
pub(crate) const CLIENT_ID: &str = "sesame-demo";
/// Its secret (demonstration only: a real one never sits in a repository).
pub(crate) const CLIENT_SECRET: &str = "sesame-demo-secret";
/// The password of every ESEA test identity.
const SSO_PASSWORD: &str = "esea-demo";

/// The stand-in's script (the e2e tests read it from `SESAME_OIDC_PROVIDER_JS`).
pub(crate) fn script(root: &Path) -> PathBuf {
    root.join("demo").join("oidc-provider").join("provider.mjs")
}

fn identities_file(root: &Path) -> PathBuf {
    root.join("demo")
        .join("oidc-provider")
        .join("identities.json")
}

/// The stand-in, running until dropped (then killed and waited for: no orphan).
pub(crate) struct StandIn {
    child: Child,
    /// The PSC issuer, `http://127.0.0.1:8081` by default.
    pub(crate) psc_issuer: String,
    /// The ESEA issuer, `http://127.0.0.1:8082` by default.
    pub(crate) sso_issuer: String,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port(var: &str, default: u16) -> Result<u16> {
    match std::env::var(var) {
        Ok(text) => text
            .trim()
            .parse()
            .with_context(|| format!("{var}={text:?} is not a port number")),
        Err(_) => Ok(default),
    }
}

/// Starts the stand-in for the demo: PSC on 8081 and ESEA on 8082 (or `SESAME_OIDC_PSC_PORT`,
/// `SESAME_OIDC_SSO_PORT`), on oidc-provider installed by
/// [`crate::tools::ensure_oidc_provider`]. Its logs go to the terminal. When the portal
/// does not run on port 8080 (`SESAME_BIND`), the loopback redirect URIs are accepted on any
/// port.
pub(crate) fn spawn_for_demo(root: &Path) -> Result<StandIn> {
    anyhow::ensure!(
        crate::tools::which("node").is_some(),
        "node is not installed (Node.js 18 or later)"
    );
    let modules = crate::tools::ensure_oidc_provider(root)?;
    let psc = port("SESAME_OIDC_PSC_PORT", PSC_PORT)?;
    let sso = port("SESAME_OIDC_SSO_PORT", SSO_PORT)?;
    for (port, var) in [(psc, "SESAME_OIDC_PSC_PORT"), (sso, "SESAME_OIDC_SSO_PORT")] {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            bail!(
                "port {port} of 127.0.0.1 is taken (an earlier demo still running?); choose \
                 another with {var}"
            );
        }
    }
    let mut command = Command::new("node");
    command
        .arg(script(root))
        .arg("--modules")
        .arg(&modules)
        .args([
            "--psc-port",
            &psc.to_string(),
            "--sso-port",
            &sso.to_string(),
        ]);
    let bind = std::env::var("SESAME_BIND").unwrap_or_default();
    if !bind.is_empty() && !bind.ends_with(":8080") {
        command.arg("--redirect-port-any");
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start `node demo/oidc-provider/provider.mjs`")?;
    let stdout = child.stdout.take().context("the stand-in's stdout")?;
    let (tx, rx) = mpsc::channel();
    // The first line is the issuers; the rest (nothing, normally) is read and dropped so that
    // the pipe never fills.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let mut stand_in = StandIn {
        child,
        psc_issuer: String::new(),
        sso_issuer: String::new(),
    };
    let line = match rx.recv_timeout(READY_TIMEOUT) {
        Ok(Some(Ok(line))) => line,
        Ok(_) => bail!("the OIDC stand-in stopped before it was ready (its messages are above)"),
        Err(_) => bail!(
            "the OIDC stand-in printed no issuers within {}s (its messages are above)",
            READY_TIMEOUT.as_secs()
        ),
    };
    let issuers: serde_json::Value = serde_json::from_str(&line)
        .with_context(|| format!("the OIDC stand-in's first line is not JSON: {line}"))?;
    let issuer = |key: &str| {
        issuers[key]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no `{key}` issuer in the stand-in's line: {line}"))
    };
    stand_in.psc_issuer = issuer("psc")?;
    stand_in.sso_issuer = issuer("sso")?;
    Ok(stand_in)
}

/// The demo banner's lines for the stand-in: where each issuer is, the test identities.
pub(crate) fn banner(root: &Path, stand_in: &StandIn) -> String {
    let mut out = format!(
        "Pro Santé Connect stand-in: {psc}\n  e-CPS: enter an RPPS on the login page, then open \
         {psc}/ecps/telephone (the phone) and pick the number the login page shows\n  \
         CPS card: simulated, pick a card on the login page\n",
        psc = stand_in.psc_issuer
    );
    let identities = std::fs::read_to_string(identities_file(root))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .unwrap_or_default();
    let list = |key: &str| identities[key].as_array().cloned().unwrap_or_default();
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or("?").to_owned();
    for p in list("psc") {
        out.push_str(&format!(
            "    RPPS {}  {} {}\n",
            text(&p, "rpps"),
            text(&p, "given_name"),
            text(&p, "family_name")
        ));
    }
    out.push_str(&format!(
        "ESEA (regional SSO) stand-in: {}\n",
        stand_in.sso_issuer
    ));
    for p in list("sso") {
        out.push_str(&format!(
            "    {} ({} {}), password {SSO_PASSWORD}\n",
            text(&p, "login"),
            text(&p, "given_name"),
            text(&p, "family_name")
        ));
    }
    out.push_str(&format!(
        "  Both know the portal as client {CLIENT_ID} / {CLIENT_SECRET} (demonstration only)."
    ));
    out
}
