//! The CPS card of a session: a SoftHSM2 token made by `sesame-test-card` (a real PKCS#11
//! module), and the real native host `sesame-host` installed for the session's browser with
//! its own `install` command.
//!
//! Everything lives in the session's profile folder, which is the browser's `$HOME`
//! ([`Session::profile_dir`]): `sesame-host install` run with that `HOME` writes Firefox's
//! manifest in `~/.mozilla/native-messaging-hosts/`, Chromium's in
//! `~/.config/chromium/NativeMessagingHosts/` (the session's user-data-dir), and
//! `~/.config/sesame/host.json` naming SoftHSM2 and the token's configuration, which the host
//! reads when the browser starts it. `cargo xtask test` builds both programs and names them in
//! [`HOST_EXE_ENV`] and [`TEST_CARD_EXE_ENV`].

use super::{target_dir, Portal, Session};
use anyhow::{ensure, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable naming the built `sesame-host`.
pub const HOST_EXE_ENV: &str = "SESAME_HOST_EXE";
/// The environment variable naming the built `sesame-test-card`.
pub const TEST_CARD_EXE_ENV: &str = "SESAME_TEST_CARD_EXE";
/// Debian's SoftHSM2 module.
pub const SOFTHSM2_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The test card's PIN (`sesame-test-card`'s default; not a secret).
pub const PIN: &str = "1234";

fn exe(env: &str, name: &str) -> Result<PathBuf> {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join(name));
    ensure!(
        path.is_file(),
        "{} not found: run the e2e tests through `cargo xtask test` (it builds it and sets \
         {env}), or `cargo build -p {name}`",
        path.display()
    );
    Ok(path)
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    ensure!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A token made by `sesame-test-card`: the line it printed.
pub struct TestCard {
    /// `{"conf", "module", "holder", "national_id", "pin", …}`.
    pub info: Value,
}

impl TestCard {
    /// Its SoftHSM2 configuration file.
    pub fn conf(&self) -> &str {
        self.info["conf"].as_str().unwrap_or_default()
    }

    /// The holder's name on its certificate.
    pub fn holder(&self) -> &str {
        self.info["holder"].as_str().unwrap_or_default()
    }
}

/// A CPS-like card (Dr Karim Benali, national id 810012345678: the demo's PAACO account
/// `karim.benali`) issued by the demo portal's own test CA, in the session's profile.
pub fn card_for(session: &Session, portal: &Portal) -> Result<TestCard> {
    let (cert, key) = portal.cps_ca_files();
    let dir = session.profile_dir().join("card");
    let line = run(Command::new(exe(TEST_CARD_EXE_ENV, "sesame-test-card")?)
        .args(["create", "--dir"])
        .arg(&dir)
        .arg("--ca-cert")
        .arg(&cert)
        .arg("--ca-key")
        .arg(&key))?;
    Ok(TestCard {
        info: serde_json::from_str(line.trim()).context("sesame-test-card's line")?,
    })
}

/// A reader without a card: SoftHSM2 with no token initialised.
pub fn no_card(session: &Session) -> Result<TestCard> {
    let dir = session.profile_dir().join("empty-reader");
    let line = run(Command::new(exe(TEST_CARD_EXE_ENV, "sesame-test-card")?)
        .args(["empty", "--dir"])
        .arg(&dir))?;
    Ok(TestCard {
        info: serde_json::from_str(line.trim()).context("sesame-test-card's line")?,
    })
}

/// Another card in the reader: a token with no authentication certificate.
pub fn other_card(session: &Session) -> Result<TestCard> {
    let dir = session.profile_dir().join("other-card");
    let line = run(Command::new(exe(TEST_CARD_EXE_ENV, "sesame-test-card")?)
        .args(["other", "--dir"])
        .arg(&dir))?;
    Ok(TestCard {
        info: serde_json::from_str(line.trim()).context("sesame-test-card's line")?,
    })
}

/// Installs the native host for the session's browser, speaking to `card` through SoftHSM2,
/// with `sesame-host install` (`HOME` = the session's profile).
pub fn install_host(session: &Session, card: &TestCard) -> Result<()> {
    install_host_in(session.profile_dir(), session.browser.name(), card.conf())
}

fn install_host_in(home: &Path, browser: &str, conf: &str) -> Result<()> {
    run(Command::new(exe(HOST_EXE_ENV, "sesame-host")?)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .args(["install", "--browser", browser, "--module", SOFTHSM2_MODULE])
        .arg("--module-env")
        .arg(format!("SOFTHSM2_CONF={conf}")))?;
    Ok(())
}
