//! `cargo xtask fuzz [seconds]` and the test stage "fuzz: host messages": the cargo-fuzz target
//! `host_message` of `extension/host/fuzz/` (the host's framing reader and request parser on
//! arbitrary bytes), on the nightly toolchain libFuzzer needs. Without a nightly toolchain the
//! stage is skipped, saying so: nothing is downloaded for it.

use crate::cmd::Cmd;
use crate::tools;
use anyhow::{Context, Result};
use std::path::Path;

/// The cargo-fuzz release installed from crates.io (pinned).
pub(crate) const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The fuzz target.
pub(crate) const TARGET: &str = "host_message";

/// How long the test stage fuzzes, in seconds.
pub(crate) const TEST_SECONDS: u32 = 30;

/// Whether rustup has a nightly toolchain installed.
pub(crate) fn has_nightly() -> bool {
    Cmd::new("rustup")
        .args(["toolchain", "list"])
        .read()
        .is_ok_and(|list| list.lines().any(|l| l.starts_with("nightly")))
}

/// Installs cargo-fuzz at [`CARGO_FUZZ_VERSION`] unless it is there.
fn ensure_cargo_fuzz() -> Result<()> {
    let found = tools::cargo_installed("cargo-fuzz");
    // `cargo-fuzz 0.13.2`
    let version = found
        .as_ref()
        .and_then(|p| Cmd::new(p).arg("--version").read().ok());
    if version.as_deref().and_then(|v| v.split_whitespace().nth(1)) == Some(CARGO_FUZZ_VERSION) {
        println!("ok: cargo-fuzz {CARGO_FUZZ_VERSION}");
        return Ok(());
    }
    println!("cargo-fuzz {CARGO_FUZZ_VERSION} missing; installing from crates.io");
    Cmd::cargo()
        .args([
            "install",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
            "--force",
        ])
        .run()
}

/// Fuzzes the host's messages for `seconds`; a crash fails, naming the input libFuzzer saved.
pub(crate) fn run(root: &Path, seconds: u32) -> Result<()> {
    anyhow::ensure!(
        has_nightly(),
        "no nightly toolchain (libFuzzer needs one): rustup toolchain install nightly"
    );
    ensure_cargo_fuzz()?;
    let host = root.join("extension").join("host");
    // The corpus folder persists between runs (target-like, git-ignored): each run starts
    // from what the previous ones found.
    std::fs::create_dir_all(host.join("fuzz").join("corpus").join(TARGET))?;
    Cmd::new("rustup")
        .args(["run", "nightly", "cargo", "fuzz", "run", TARGET, "--"])
        .arg(format!("-max_total_time={seconds}"))
        // What cargo set for xtask's own (stable) run must not reach the nightly build.
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .current_dir(&host)
        .run()
        .with_context(|| {
            format!(
                "fuzzing found a failure: the input is in {}",
                host.join("fuzz/artifacts").join(TARGET).display()
            )
        })
}
