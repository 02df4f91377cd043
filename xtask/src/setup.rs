//! `cargo xtask setup`: installs what is missing, and only that.
//!
//! Split in two so that the first `cargo xtask demo` on a fresh machine stays short: the demo
//! needs only the wasm toolchain; browsers are for the tests.

use crate::tools;
use anyhow::Result;
use std::path::Path;

/// What to set up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The wasm32 target: what building the widget needs (wasm-bindgen is a library of xtask).
    Wasm,
    /// Also wasm-bindgen-cli (for its test runner), the browsers and their WebDriver servers:
    /// what the tests need.
    All,
}

/// Checks, and installs what is missing.
pub(crate) fn run(root: &Path, scope: Scope) -> Result<()> {
    println!("== setup: checking tools");
    tools::ensure_wasm_target()?;
    if scope == Scope::All {
        tools::ensure_wasm_bindgen_test_runner(&tools::wasm_bindgen_lock_version(root)?)?;
        tools::ensure_browsers()?;
    }
    Ok(())
}
