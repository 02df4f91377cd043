//! The demo's test card: a SoftHSM2 token like a CPS card (`sesame-test-card`, a test card:
//! PIN 1234, not a secret), its certificate issued by the demo's test CA, and `sesame-host`
//! installed for the current user with that token as its module (`host.json`), so that the
//! extension's CPS login works against the demo. For `cargo xtask demo` and `cargo xtask setup`.
//!
//! Nothing here stops the demo: without SoftHSM2 (or on any failure) it says why and goes on
//! without the card.

use crate::cmd::Cmd;
use crate::tools;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The card's folder: `<target>/sesame-demo-card/`.
pub(crate) fn dir(root: &Path) -> PathBuf {
    crate::widget::target_dir(root).join("sesame-demo-card")
}

/// `cargo build -p sesame-host -p sesame-test-card` (the dev profile, shared with the demo's
/// and the tests' builds); returns the two binaries' absolute paths.
pub(crate) fn build_binaries(root: &Path) -> Result<(PathBuf, PathBuf)> {
    Cmd::cargo()
        .args([
            "build",
            "-p",
            "sesame-host",
            "-p",
            "sesame-test-card",
            "--bins",
        ])
        .current_dir(root)
        .run()?;
    let bin = crate::widget::target_dir(root).join("debug");
    let exe = |name: &str| {
        let p = bin.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        p.canonicalize()
            .with_context(|| format!("{} is missing after the build", p.display()))
    };
    Ok((exe("sesame-host")?, exe("sesame-test-card")?))
}

/// What the banner says about the card.
pub(crate) struct DemoCard {
    /// The holder's name on the certificate.
    pub(crate) holder: String,
    /// The card's PIN (a test card's).
    pub(crate) pin: String,
}

/// Makes (or keeps) the demo's card and installs the host; `None`, having said why, when it
/// could not.
pub(crate) fn ensure(root: &Path) -> Option<DemoCard> {
    println!("== demo card: SoftHSM2 token for the CPS login (a test card)");
    match make(root) {
        Ok(card) => Some(card),
        Err(e) => {
            println!("warning: no test card ({e:#}); the demo runs without the CPS card");
            None
        }
    }
}

fn make(root: &Path) -> Result<DemoCard> {
    tools::ensure_softhsm2().context("SoftHSM2 could not be installed")?;
    let (host, test_card) = build_binaries(root)?;
    // `--demo-ca`: the demo's own CA files, found as the demo finds them (DATABASE_URL, else
    // sesame-demo.sqlite in the working folder: the repository root, as `cargo xtask demo`
    // runs it), and created when missing as the demo does on its first start.
    let line = Cmd::new(&test_card)
        .args([
            "create",
            "--demo-ca",
            "--module",
            tools::SOFTHSM2_MODULE,
            "--dir",
        ])
        .arg(dir(root))
        .current_dir(root)
        .read()?;
    let made: serde_json::Value = serde_json::from_str(&line)
        .with_context(|| format!("sesame-test-card printed {line:?}"))?;
    let field = |k: &str| made[k].as_str().unwrap_or_default().to_owned();
    let conf = field("conf");
    println!(
        "ok: test card of {} in {} ({})",
        field("holder"),
        conf,
        if made["created"] == true {
            "made"
        } else {
            "kept"
        }
    );
    let install = |browsers: &[&str]| {
        let mut cmd = Cmd::new(&host).arg("install");
        for b in browsers {
            cmd = cmd.args(["--browser", b]);
        }
        cmd.args(["--module", tools::SOFTHSM2_MODULE, "--module-env"])
            .arg(format!("SOFTHSM2_CONF={conf}"))
            .run()
    };
    // Every browser whose profile is here; on a machine where none was opened yet, the two
    // the project tests.
    if install(&[]).is_err() {
        install(&["firefox", "chromium"])?;
    }
    Ok(DemoCard {
        holder: field("holder"),
        pin: field("pin"),
    })
}

/// The lines the demo's banner adds for the card.
pub(crate) fn banner(card: &DemoCard, url: &str) -> String {
    format!(
        "CPS card (a SoftHSM2 test card, not a real one): holder {}, PIN {}.\n\
         The browser needs Sésame's extension for the card: install it from {url}/demo/extension.html.\n\
         `sesame-host uninstall` (target/debug/) removes the host and its host.json.",
        card.holder, card.pin
    )
}
