//! `cargo xtask demo`: set up the wasm toolchain, build the widget and the extension (whose
//! packages the demo's install page offers), make the test CPS card and install the native host
//! for it ([`card`]; after the widget, so the first run's wait for a usable demo stays short;
//! without it the demo runs anyway), start the Pro Santé Connect and ESEA stand-in ([`oidc`];
//! without it the demo runs without those logins), run the demo portal.
//!
//! Running it again is fine: the SQLite file persists and the demo's seeding is idempotent.

use crate::cmd::Cmd;
use crate::{card, extension, oidc, setup, widget};
use anyhow::{Context, Result};
use std::path::Path;

/// Builds and runs the demo in the foreground (Ctrl-C stops it).
pub(crate) fn run(root: &Path) -> Result<()> {
    setup::run(root, setup::Scope::Wasm)?;
    // The portal builds beside the widget (their cargo profiles lock different directories):
    // the widget's single-threaded LTO tail leaves a core free for it.
    let (dist, extension, built) = std::thread::scope(|s| {
        let server = s.spawn(|| server(root, "build").run());
        let dist = widget::build(root, widget::Std::Stable);
        // The extension after the widget: the demo works without it (its install page then
        // says the package is missing), so a failure here is a warning.
        let extension = dist.as_ref().ok().map(|_| extension::build(root));
        (dist, extension, server.join())
    });
    let dist = dist?;
    let extension_dir = match extension {
        Some(Ok(dir)) => Some(dir),
        Some(Err(e)) => {
            println!("warning: the extension did not build ({e:#}); the demo runs without it");
            None
        }
        None => None,
    };
    built
        .map_err(|_| anyhow::anyhow!("the portal's build thread panicked"))?
        .context("building the portal")?;
    let card = card::ensure(root);
    // Killed when dropped, at the end of this function, however the portal ends (a terminal's
    // Ctrl-C reaches it directly: same process group).
    let stand_in = match oidc::spawn_for_demo(root) {
        Ok(stand_in) => Some(stand_in),
        Err(e) => {
            println!(
                "warning: the Pro Santé Connect / ESEA stand-in did not start ({e:#}); the demo \
                 runs without those logins"
            );
            None
        }
    };
    println!("== demo: starting the portal (Ctrl-C to stop); it prints its demo accounts");
    if let Some(card) = &card {
        let url = std::env::var("SESAME_BIND")
            .map(|b| format!("http://{b}"))
            .unwrap_or_else(|_| "http://127.0.0.1:8080".into());
        println!("{}", card::banner(card, &url));
    }
    // DATABASE_URL and SESAME_BIND are left to the demo's defaults unless set by the caller
    // (default: sesame-demo.sqlite in the repository root, 127.0.0.1:8080).
    let mut run = server(root, "run");
    if let Some(dir) = extension_dir {
        run = run.env("SESAME_EXTENSION_DIR", dir);
    }
    if let Some(stand_in) = &stand_in {
        println!("{}", oidc::banner(root, stand_in));
        run = run
            .env("SESAME_PSC_ISSUER", &stand_in.psc_issuer)
            .env("SESAME_PSC_CLIENT_ID", oidc::CLIENT_ID)
            .env("SESAME_PSC_CLIENT_SECRET", oidc::CLIENT_SECRET)
            .env("SESAME_SSO_ISSUER", &stand_in.sso_issuer)
            .env("SESAME_SSO_CLIENT_ID", oidc::CLIENT_ID)
            .env("SESAME_SSO_CLIENT_SECRET", oidc::CLIENT_SECRET);
    }
    let ran = run
        .env("SESAME_WIDGET_DIR", &dist)
        .env("SESAME_PAGE_DIR", root)
        .env("SESAME_DEV_MODE", "1")
        .run();
    drop(stand_in);
    ran
}

/// `cargo <verb> -p sesame-demo`. The dev profile, not --release: the hot
/// crates (argon2, blake2) are optimised anyway (root Cargo.toml), a login stays well under a
/// second, the first build is shorter, and `cargo xtask test` reuses most of it (same profile
/// as the tests; BENCHMARKS.md).
fn server(root: &Path, verb: &str) -> Cmd {
    Cmd::cargo()
        .args([verb, "-p", "sesame-demo"])
        .current_dir(root)
}
