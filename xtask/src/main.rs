//! `cargo xtask`: Sésame's build and test tasks, in Rust, so that they need nothing but cargo.
//!
//! This follows the [cargo-xtask](https://github.com/matklad/cargo-xtask) convention: the
//! workspace crate `xtask` is run through the `xtask` alias of `.cargo/config.toml`. The tasks
//! are listed once, in [`TASKS`] (what `cargo xtask help` prints).
//!
//! One module per task; `cmd` runs commands (echoing them), `tools` checks and installs tools,
//! `widget` builds the widget bundle into `dist/widget/`, `extension` the browser extension into
//! `dist/extension/`.

mod bench;
mod card;
mod cmd;
mod compress;
mod demo;
mod english;
mod extension;
mod fuzz;
mod oidc;
mod postgres;
mod schema;
mod setup;
mod test;
mod tidy;
mod tools;
mod widget;

use std::path::{Path, PathBuf};

/// Every task: its usage and what it does. The one list (help text, README, ARCHITECTURE).
const TASKS: [(&str, &str); 6] = [
    (
        "setup [--browsers]",
        "Install what is missing: the wasm32 target, SoftHSM2 and the demo's test CPS card \
         (target/sesame-demo-card/, PIN 1234) with sesame-host installed for it; with \
         --browsers also wasm-bindgen-cli at Cargo.lock's version (for its test runner), \
         Chromium, ChromeDriver, Firefox ESR (Debian packages) and geckodriver (crates.io).",
    ),
    (
        "demo",
        "Build the widget, make the test CPS card and install sesame-host for it, and run \
         the demo portal on http://127.0.0.1:8080 (SESAME_BIND, DATABASE_URL override the \
         defaults).",
    ),
    (
        "test [--fast|--postgres]",
        "Run every test: native (core, demo, widget state machines, tidy), the demo's tests \
         again on PostgreSQL (Debian's postgresql, a throwaway cluster), widget wasm tests \
         in headless Chromium then Firefox, the extension built and checked by web-ext lint \
         (no error, no warning), the host's messages fuzzed for 30 s (nightly), and the \
         end-to-end tests in both browsers, with axe-core after every step. --fast: native tests and the widget's wasm build only, no browser. --postgres: the demo's tests on PostgreSQL alone.",
    ),
    (
        "dist [--build-std]",
        "Build the widget bundle into dist/widget/ and print its sizes against the budget; \
         build the browser extension into dist/extension/ (firefox/ and chromium/ folders, \
         sesame-<version>-firefox.xpi, sesame-<version>-chromium.zip) and print its sizes. \
         --build-std (opt-in, measured beside the default; the widget only): the standard \
         library rebuilt for size through RUSTC_BOOTSTRAP on the stable toolchain (adds \
         rust-src with rustup).",
    ),
    (
        "fuzz [seconds]",
        "Fuzz the native host's message reader and parser (cargo-fuzz, nightly toolchain) for \
         the given seconds (default 300); the corpus is kept in extension/host/fuzz/corpus/.",
    ),
    (
        "bench",
        "Build the widget; print its bundle sizes against the budget (and fail over it), the \
         login latency by outcome, and the time to a usable form against a plain form \
         (Chromium, CPU x1 and x4).",
    ),
];

fn help() -> String {
    let mut help = String::from("cargo xtask <task> [options]\n\nTasks:\n");
    for (usage, what) in TASKS {
        // Wrapped at 96 columns, continuation lines under the description.
        let mut line = format!("  {usage:<20}");
        for word in what.split_whitespace() {
            if line.len() + word.len() > 96 {
                help.push_str(line.trim_end());
                help.push('\n');
                line = " ".repeat(22);
            }
            line.push_str(word);
            line.push(' ');
        }
        help.push_str(line.trim_end());
        help.push('\n');
    }
    help
}

/// `cargo xtask dist`: the widget bundle and its sizes (not a failure when over the budget:
/// `bench` is the check), then the extension and its sizes (`std` is the widget's only).
fn dist(root: &Path, std: widget::Std) -> anyhow::Result<()> {
    let dist = widget::build(root, std)?;
    bench::report_sizes(&dist)?;
    let dist = extension::build(root)?;
    extension::report_sizes(&dist)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Err(err) = run(&args) {
        eprintln!("\nxtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run(args: &[&str]) -> anyhow::Result<()> {
    let root = repo_root();
    std::env::set_current_dir(&root)?;
    match args {
        ["setup"] => setup::run(&root, setup::Scope::Wasm)
            .and_then(|()| tools::ensure_aiosmtpd(&root).map(drop))
            .map(|()| drop(card::ensure(&root))),
        ["setup", "--browsers"] => setup::run(&root, setup::Scope::All)
            .and_then(|()| tools::ensure_aiosmtpd(&root).map(drop))
            .map(|()| drop(card::ensure(&root))),
        ["fuzz"] => fuzz::run(&root, 300),
        ["fuzz", seconds] => {
            let seconds = seconds
                .parse()
                .map_err(|_| anyhow::anyhow!("fuzz: {seconds:?} is not a number of seconds"))?;
            fuzz::run(&root, seconds)
        }
        ["demo"] => demo::run(&root),
        ["test"] => test::run(&root, test::Mode::Full),
        ["test", "--fast"] => test::run(&root, test::Mode::Fast),
        ["test", "--postgres"] => test::run(&root, test::Mode::Postgres),
        ["dist"] => dist(&root, widget::Std::Stable),
        ["dist", "--build-std"] => dist(&root, widget::Std::BuildStd),
        ["bench"] => bench::run(&root),
        [] | ["help" | "-h" | "--help"] => {
            print!("{}", help());
            Ok(())
        }
        _ => {
            eprint!("{}", help());
            anyhow::bail!("unknown task or option: {}", args.join(" "))
        }
    }
}

/// The workspace root: the parent of this crate's directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a workspace")
        .to_path_buf()
}
