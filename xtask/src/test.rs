//! `cargo xtask test`: every test of the workspace, in stages, with a summary.
//!
//! Stages: setup → native tests (`cargo test --workspace`, e2e excluded: core, demo handlers,
//! widget state machines, the native host against SoftHSM2 — installed by its own setup stage —,
//! xtask's tidy check) → the demo's tests again on PostgreSQL (a throwaway cluster of Debian's
//! `postgresql`, `SESAME_TEST_POSTGRES_URL`: every handler test on a database of its own, and
//! the two-instance tests) → the widget's wasm tests in headless Chromium,
//! then Firefox (wasm-bindgen-test-runner) → widget bundle → extension: build + web-ext lint
//! (npm; no error, no warning) → fuzz: host messages (cargo-fuzz on nightly, 30 s; skipped
//! without a nightly toolchain) → end-to-end tests (sesame-e2e, both browsers, the extension's
//! folders in `SESAME_EXTENSION_DIR`, the debug `sesame-host` and `sesame-test-card` binaries in
//! `SESAME_HOST_EXE` and `SESAME_TEST_CARD_EXE`). A failed stage does not stop the independent ones;
//! stages that need it are skipped. `--fast` runs no browser (and no npm tool): setup of the
//! wasm toolchain, native tests, widget build.

use crate::cmd::Cmd;
use crate::{card, extension, fuzz, oidc, postgres, setup, tools, widget};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// The PostgreSQL server the demo's tests use when set (`postgres://user@host:port`, no
/// database: each test creates its own); read by `demo/tests/common/mod.rs`.
const POSTGRES_URL_VAR: &str = "SESAME_TEST_POSTGRES_URL";

/// What the native stage tests: the whole workspace but the e2e crate.
const NATIVE_TEST_ARGS: [&str; 3] = ["--workspace", "--exclude", "sesame-e2e"];

/// The stage running the demo's tests on PostgreSQL.
const POSTGRES_STAGE: &str = "demo tests on PostgreSQL";

/// The demo's tests on a throwaway PostgreSQL cluster: every test that makes its database with
/// `tests/common` (`test_config`, `test_app*`) gets one of its own on this server, the
/// restart and two-instance tests share one. The aiosmtpd relay's test too when set up.
///
/// The test binaries are the ones cargo builds for `build_args` — in `cargo xtask test` the
/// native stage's own selection, so that nothing is compiled again (a `-p sesame-demo` build
/// would resolve features apart and rebuild the TLS stack and the demo) — run one by one.
fn demo_on_postgres(root: &Path, smtp_ok: bool, build_args: &[&str]) -> Result<()> {
    let built = Cmd::cargo()
        .args(["test", "--no-run", "--message-format=json"])
        .args(build_args)
        .read()?;
    let binaries: Vec<(String, String)> = built
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["profile"]["test"] == true)
        .filter(|m| {
            m["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("#sesame-demo@") || id.contains("sesame-demo#"))
        })
        .filter_map(|m| {
            Some((
                m["target"]["name"].as_str()?.to_owned(),
                m["executable"].as_str()?.to_owned(),
            ))
        })
        .collect();
    anyhow::ensure!(
        !binaries.is_empty(),
        "no test binary of sesame-demo was built"
    );
    let cluster = postgres::Cluster::start(root)?;
    let mut failed = Vec::new();
    for (name, exe) in &binaries {
        let mut cmd = Cmd::new(exe)
            .current_dir(&root.join("demo"))
            .env(POSTGRES_URL_VAR, cluster.url());
        if smtp_ok {
            cmd = cmd.env("SESAME_AIOSMTPD_PATH", tools::aiosmtpd_dir(root));
        } else {
            cmd = cmd.args(["--skip", "codes_by_email_go_through_a_real_smtp_server"]);
        }
        if cmd.run().is_err() {
            failed.push(name.as_str());
        }
    }
    anyhow::ensure!(
        failed.is_empty(),
        "failed on PostgreSQL: {}",
        failed.join(", ")
    );
    Ok(())
}

/// How much to run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Everything, browsers included.
    Full,
    /// No browser: `cargo xtask test --fast`.
    Fast,
    /// The demo's tests on PostgreSQL alone: `cargo xtask test --postgres`.
    Postgres,
}

enum Outcome {
    Passed,
    Failed(String),
    Skipped(&'static str),
}

struct Stage {
    name: &'static str,
    outcome: Outcome,
    secs: f64,
}

#[derive(Default)]
struct Report {
    stages: Vec<Stage>,
}

impl Report {
    /// Runs `f` as stage `name` unless `needs` is false (then it is skipped, naming `why`).
    fn stage(
        &mut self,
        name: &'static str,
        needs: Option<(bool, &'static str)>,
        f: impl FnOnce() -> Result<()>,
    ) -> bool {
        if let Some((false, why)) = needs {
            println!("\n== {name}: skipped ({why})");
            self.stages.push(Stage {
                name,
                outcome: Outcome::Skipped(why),
                secs: 0.0,
            });
            return false;
        }
        println!("\n== {name}");
        let start = Instant::now();
        let result = f();
        let secs = start.elapsed().as_secs_f64();
        let passed = result.is_ok();
        let outcome = match result {
            Ok(()) => Outcome::Passed,
            Err(e) => Outcome::Failed(format!("{e:#}")),
        };
        println!(
            "== {name}: {} in {secs:.0} s",
            if passed { "passed" } else { "FAILED" }
        );
        self.stages.push(Stage {
            name,
            outcome,
            secs,
        });
        passed
    }

    fn print(&self) -> (usize, usize) {
        println!("\n== summary");
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        for s in &self.stages {
            let (word, detail) = match &s.outcome {
                Outcome::Passed => {
                    passed += 1;
                    ("passed ", String::new())
                }
                Outcome::Failed(e) => {
                    failed += 1;
                    ("FAILED ", format!("  {e}"))
                }
                Outcome::Skipped(why) => {
                    skipped += 1;
                    ("skipped", format!("  ({why})"))
                }
            };
            println!("{word}  {:<34} {:>6.0} s{detail}", s.name, s.secs);
        }
        let total: f64 = self.stages.iter().map(|s| s.secs).sum();
        println!("total {total:.0} s");
        if skipped > 0 {
            println!("{passed} passed, {failed} failed ({skipped} skipped)");
        } else {
            println!("{passed} passed, {failed} failed");
        }
        (passed, failed)
    }
}

/// Runs the stages; fails if any stage failed.
pub(crate) fn run(root: &Path, mode: Mode) -> Result<()> {
    let full = mode == Mode::Full;
    let mut r = Report::default();
    if mode == Mode::Postgres {
        let smtp_ok = tools::ensure_aiosmtpd(root).is_ok();
        r.stage(POSTGRES_STAGE, None, || {
            demo_on_postgres(root, smtp_ok, &["-p", "sesame-demo"])
        });
        let (_, failed) = r.print();
        anyhow::ensure!(failed == 0, "{failed} stage(s) failed");
        return Ok(());
    }

    let wasm_ok = r.stage("setup: wasm toolchain", None, || {
        setup::run(root, setup::Scope::Wasm)
    });
    let browsers_ok = full && r.stage("setup: browsers", None, tools::ensure_browsers);
    let mut runner = None;
    let runner_ok = full
        && r.stage("setup: wasm-bindgen-test-runner", None, || {
            let version = tools::wasm_bindgen_lock_version(root)?;
            runner = Some(tools::ensure_wasm_bindgen_test_runner(&version)?);
            Ok(())
        });

    let smtp_ok = r.stage("setup: aiosmtpd", None, || {
        tools::ensure_aiosmtpd(root).map(drop)
    });
    let softhsm_ok = r.stage("setup: softhsm2", None, tools::ensure_softhsm2);
    r.stage("native tests", None, || {
        let mut cmd = Cmd::cargo().arg("test").args(NATIVE_TEST_ARGS);
        if smtp_ok {
            cmd = cmd.env("SESAME_AIOSMTPD_PATH", tools::aiosmtpd_dir(root));
        }
        if softhsm_ok {
            cmd = cmd.env("SESAME_SOFTHSM2_MODULE", tools::SOFTHSM2_MODULE);
        }
        cmd.run()
    });
    r.stage(POSTGRES_STAGE, None, || {
        demo_on_postgres(root, smtp_ok, &NATIVE_TEST_ARGS)
    });

    if full {
        let needs = Some((
            wasm_ok && browsers_ok && runner_ok,
            "needs the wasm toolchain, its test runner and browsers",
        ));
        let runner = runner.unwrap_or_default();
        r.stage("widget wasm tests: Chromium", needs, || {
            widget_wasm_tests(root, &runner, Driver::Chrome)
        });
        r.stage("widget wasm tests: Firefox", needs, || {
            widget_wasm_tests(root, &runner, Driver::Gecko)
        });
    }

    let built = r.stage(
        "widget bundle",
        Some((wasm_ok, "needs the wasm toolchain")),
        || widget::build(root, widget::Std::Stable).map(drop),
    );

    if full {
        // The e2e tests load the extension's folders: they need it built, not linted clean.
        let mut extension_built = false;
        r.stage(
            "extension: build + web-ext lint",
            Some((wasm_ok, "needs the wasm toolchain")),
            || {
                extension::build(root)?;
                extension_built = true;
                extension::lint(root)
            },
        );
        r.stage(
            "fuzz: host messages",
            Some((fuzz::has_nightly(), "no nightly toolchain")),
            || fuzz::run(root, fuzz::TEST_SECONDS),
        );
        let needs = Some((
            built && extension_built && browsers_ok,
            "needs the widget bundle, the extension and browsers",
        ));
        r.stage("end-to-end tests (Chromium, Firefox)", needs, || {
            let axe = tools::ensure_axe(root)?;
            // The PSC and ESEA stand-in: each test that needs it starts its own.
            let oidc_modules = tools::ensure_oidc_provider(root)?;
            // The CPS journeys run the host as a browser would (installed with `--module`) and
            // make their SoftHSM2 cards with the tool, in processes of their own.
            let (host, test_card) = card::build_binaries(root)?;
            Cmd::cargo()
                .args(["test", "-p", "sesame-e2e", "--no-fail-fast"])
                .env("SESAME_AXE_JS", axe)
                .env("SESAME_OIDC_PROVIDER_JS", oidc::script(root))
                .env("SESAME_OIDC_PROVIDER_MODULES", oidc_modules)
                .env("SESAME_WIDGET_DIR", widget::dist_dir(root))
                .env("SESAME_EXTENSION_DIR", extension::dist_dir(root))
                .env("SESAME_HOST_EXE", host)
                .env("SESAME_TEST_CARD_EXE", test_card)
                .env("SESAME_PAGE_DIR", root)
                .run()
        });
    } else {
        println!("\n(--fast: no browser stages)");
    }

    let (_, failed) = r.print();
    anyhow::ensure!(failed == 0, "{failed} stage(s) failed");
    Ok(())
}

#[derive(Clone, Copy)]
enum Driver {
    Chrome,
    Gecko,
}

/// `cargo test -p sesame-widget --target wasm32-unknown-unknown` through
/// wasm-bindgen-test-runner, with one WebDriver. The runner takes the browser's capabilities
/// (headless flags, `--no-sandbox` as root) from `widget/webdriver.json`.
fn widget_wasm_tests(root: &Path, runner: &Path, driver: Driver) -> Result<()> {
    if !root.join("widget").join("webdriver.json").exists() {
        println!("warning: widget/webdriver.json is missing: the browser gets the runner's default flags");
    }
    let cmd = Cmd::cargo()
        .args([
            "test",
            "-p",
            "sesame-widget",
            "--target",
            tools::WASM_TARGET,
            // With `LoginWidget` for Yew apps (`tests/yew_app.rs`); the bundle is built without.
            "--features",
            "yew",
        ])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
        // The runner picks the first driver it finds in its environment: leave only ours.
        .env_remove("CHROMEDRIVER")
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER");
    let cmd = match driver {
        Driver::Chrome => cmd.env("CHROMEDRIVER", tools::CHROMEDRIVER),
        Driver::Gecko => cmd.env(
            "GECKODRIVER",
            tools::geckodriver()
                .context("geckodriver not found: run `cargo xtask setup --browsers`")?,
        ),
    };
    cmd.run()
}
