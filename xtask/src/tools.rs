//! Checking for tools, and installing the missing ones. Nothing is installed when it is
//! already there at the right version, so every function here is idempotent.

use crate::cmd::Cmd;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The WebAssembly target the widget is built for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Debian packages the browser tests need (binary to look for, package).
const DEBIAN_BROWSERS: [(&str, &str); 3] = [
    ("/usr/lib/chromium/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/firefox-esr", "firefox-esr"),
];

/// ChromeDriver as Debian installs it.
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Finds `name` on `PATH`, then in cargo's own `bin` directory (where `cargo install` puts
/// things, which is not always on `PATH`).
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(cargo_bin_dir())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Finds `name` where `cargo install` puts it (`$CARGO_HOME/bin`) and only there: for the
/// tools xtask installs with cargo, so that what it checks is what it installed (not another
/// copy, maybe at another version, elsewhere on `PATH`).
pub(crate) fn cargo_installed(name: &str) -> Option<PathBuf> {
    cargo_bin_dir()
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file())
}

fn cargo_bin_dir() -> Option<PathBuf> {
    Some(cargo_home()?.join("bin"))
}

/// Cargo's home: `CARGO_HOME`, else `~/.cargo`.
pub(crate) fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The version of the `wasm-bindgen` crate in `Cargo.lock`: wasm-bindgen-cli must match it
/// exactly, or the generated glue refuses the module.
pub(crate) fn wasm_bindgen_lock_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen").context("no `wasm-bindgen` package in Cargo.lock")
}

/// The version of package `name` in the text of a Cargo.lock.
fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    lock.split("[[package]]").find_map(|block| {
        if !block.lines().any(|l| l.trim() == wanted) {
            return None;
        }
        block
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("version = \""))
            .map(|v| v.trim_end_matches('"').to_string())
    })
}

/// Adds the wasm32 target with rustup if it is not installed.
pub(crate) fn ensure_wasm_target() -> Result<()> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .context("rustup is needed to add the wasm32 target")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("ok: Rust target {WASM_TARGET}");
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .run()
}

/// Adds the `rust-src` component with rustup if it is not installed (for the opt-in
/// `--build-std` widget build only).
pub(crate) fn ensure_rust_src() -> Result<()> {
    let installed = Cmd::new("rustup")
        .args(["component", "list", "--installed"])
        .read()
        .context("rustup is needed to add the rust-src component")?;
    if installed.lines().any(|l| l.trim().starts_with("rust-src")) {
        println!("ok: Rust component rust-src");
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["component", "add", "rust-src"])
        .run()
}

/// Installs wasm-bindgen-cli at `version` unless its `wasm-bindgen-test-runner` (the one
/// binary xtask uses from it: the widget's wasm tests) is already there at that version; returns
/// the runner's path. The bundle itself is built with the library (`widget.rs`), so only
/// `cargo xtask test` (and `setup --browsers`) pays this install.
pub(crate) fn ensure_wasm_bindgen_test_runner(version: &str) -> Result<PathBuf> {
    let found = cargo_installed("wasm-bindgen-test-runner");
    let current = found
        .as_ref()
        .and_then(|p| Cmd::new(p).arg("--version").read().ok());
    // `wasm-bindgen-test-runner 0.2.130`
    if let Some(path) = found {
        if current.as_deref().and_then(|s| s.split_whitespace().nth(1)) == Some(version) {
            println!("ok: wasm-bindgen-test-runner {version}");
            return Ok(path);
        }
    }
    println!(
        "wasm-bindgen-test-runner {version} needed (found: {}); installing wasm-bindgen-cli, \
         this takes a few minutes",
        current.unwrap_or_else(|| "none".into())
    );
    // No --locked: the registry may lack exact versions the published lockfile pins.
    // No default features: they are ureq's TLS (rustls and ring, a C build), and the runner
    // only talks to a WebDriver on localhost over plain HTTP.
    Cmd::cargo()
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            version,
            "--no-default-features",
            "--force",
        ])
        .run()?;
    cargo_installed("wasm-bindgen-test-runner").context("wasm-bindgen-cli installed no test runner")
}

/// The geckodriver release installed from crates.io (pinned: `--locked` can fail when the
/// registry lacks a version its lockfile names).
pub(crate) const GECKODRIVER_VERSION: &str = "0.37.1";

/// Installs Chromium, ChromeDriver and Firefox ESR from Debian, and geckodriver from crates.io,
/// when missing.
pub(crate) fn ensure_browsers() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_BROWSERS
        .iter()
        .filter(|(bin, _)| !Path::new(bin).exists())
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        println!("ok: chromium, chromium-driver, firefox-esr");
    } else {
        apt_install(&missing)?;
    }
    if let Some(path) = geckodriver() {
        println!("ok: geckodriver ({})", path.display());
    } else {
        println!("geckodriver missing; installing from crates.io (about 5 minutes)");
        Cmd::cargo()
            .args(["install", "geckodriver", "--version", GECKODRIVER_VERSION])
            .run()?;
    }
    Ok(())
}

/// SoftHSM2's PKCS#11 module as Debian installs it: the CPS card of the native host's tests
/// (they read it from `SESAME_SOFTHSM2_MODULE`).
pub(crate) const SOFTHSM2_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// Installs SoftHSM2 from Debian when missing.
pub(crate) fn ensure_softhsm2() -> Result<()> {
    if Path::new(SOFTHSM2_MODULE).is_file() {
        println!("ok: softhsm2");
        return Ok(());
    }
    apt_install(&["softhsm2"])
}

/// The folder of PostgreSQL's server programs (`initdb`, `pg_ctl`): Debian's
/// `/usr/lib/postgresql/<major>/bin`, the newest major there.
fn postgresql_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Installs Debian's PostgreSQL server when missing (for the demo's tests on PostgreSQL; the
/// package's own cluster is not used); returns the folder of its server programs.
pub(crate) fn ensure_postgresql() -> Result<PathBuf> {
    if let Some(bin) = postgresql_bin() {
        println!("ok: postgresql ({})", bin.display());
        return Ok(bin);
    }
    apt_install(&["postgresql"])?;
    postgresql_bin().context("postgresql installed but no /usr/lib/postgresql/<major>/bin/initdb")
}

/// Path of geckodriver, if installed.
pub(crate) fn geckodriver() -> Option<PathBuf> {
    which("geckodriver")
}

/// The axe-core release the e2e tests run (npm; `npm view axe-core version` when pinned).
pub(crate) const AXE_CORE_VERSION: &str = "4.14.1";

/// The terser release that minifies the widget's JavaScript (npm).
pub(crate) const TERSER_VERSION: &str = "5.51.4";

/// The csso-cli release (csso 5, npm) that minifies the widget's CSS.
pub(crate) const CSSO_CLI_VERSION: &str = "4.0.2";

/// The binaryen release whose `wasm-opt` shrinks the widget's wasm (npm: binaryen compiled to
/// JavaScript and WebAssembly, run with `node`; no C++ build, no downloaded binary).
pub(crate) const BINARYEN_VERSION: &str = "132.0.0";

/// The web-ext release whose `lint` (Mozilla's addons-linter) checks the Firefox extension
/// (npm).
pub(crate) const WEB_EXT_VERSION: &str = "10.7.0";

/// The oidc-provider release (panva's certified OpenID Connect provider, npm) the PSC and
/// ESEA stand-in (`demo/oidc-provider/`) runs on. 8.8.1 is the last 8.x: it supports Node.js 18
/// and later, while oidc-provider 9 warns "unsupported runtime" below Node.js 22 and this
/// machine kind has Node.js 20.
pub(crate) const OIDC_PROVIDER_VERSION: &str = "8.8.1";

/// The oldest Node.js web-ext runs on: its undici 7 (through cheerio) needs 20.18.1, in every
/// web-ext release since 9 at least. This machine kind has Node.js 20; Debian 12's own
/// `nodejs` (18) is too old for it, though not for terser and axe-core.
const WEB_EXT_NODE: (u32, u32, u32) = (20, 18, 1);

/// npm package `name` at `version`, installed under `<target>/node/<name>-<version>/` (one
/// folder each: npm prunes what a folder's install does not name) unless it is there; returns
/// the package's folder.
fn ensure_npm_package(root: &Path, name: &str, version: &str) -> Result<PathBuf> {
    let prefix = crate::widget::target_dir(root)
        .join("node")
        .join(format!("{name}-{version}"));
    let package = prefix.join("node_modules").join(name);
    let installed = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{version}\"")) {
        println!("ok: {name} {version}");
        return Ok(package);
    }
    if which("npm").is_none() {
        println!("npm missing (needed for {name} {version}); installing Debian's");
        apt_install(&["nodejs", "npm"])?;
    }
    std::fs::create_dir_all(&prefix)?;
    Cmd::new("npm")
        .args(["install", "--prefix"])
        .arg(&prefix)
        .args(["--no-save", "--no-package-lock", "--no-audit", "--no-fund"])
        .arg(format!("{name}@{version}"))
        .run()?;
    anyhow::ensure!(
        package.join("package.json").is_file(),
        "npm installed {name} but {} is missing",
        package.display()
    );
    Ok(package)
}

/// axe-core's `axe.min.js` (the e2e tests read its path from `SESAME_AXE_JS`).
pub(crate) fn ensure_axe(root: &Path) -> Result<PathBuf> {
    let script = ensure_npm_package(root, "axe-core", AXE_CORE_VERSION)?.join("axe.min.js");
    anyhow::ensure!(script.is_file(), "{} is missing", script.display());
    Ok(script)
}

/// oidc-provider installed under `target/node/`; returns its `node_modules` folder (what
/// `demo/oidc-provider/provider.mjs --modules` takes, and the e2e tests read from
/// `SESAME_OIDC_PROVIDER_MODULES`).
pub(crate) fn ensure_oidc_provider(root: &Path) -> Result<PathBuf> {
    let package = ensure_npm_package(root, "oidc-provider", OIDC_PROVIDER_VERSION)?;
    let modules = package
        .parent()
        .context("oidc-provider's folder has no parent")?;
    Ok(modules.to_path_buf())
}

/// terser's command-line script (run with `node`).
pub(crate) fn ensure_terser(root: &Path) -> Result<PathBuf> {
    let script = ensure_npm_package(root, "terser", TERSER_VERSION)?
        .join("bin")
        .join("terser");
    anyhow::ensure!(script.is_file(), "{} is missing", script.display());
    Ok(script)
}

/// csso's command-line script (run with `node`).
pub(crate) fn ensure_csso(root: &Path) -> Result<PathBuf> {
    let script = ensure_npm_package(root, "csso-cli", CSSO_CLI_VERSION)?
        .join("bin")
        .join("csso");
    anyhow::ensure!(script.is_file(), "{} is missing", script.display());
    Ok(script)
}

/// binaryen's `wasm-opt` command-line script (run with `node`).
pub(crate) fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let script = ensure_npm_package(root, "binaryen", BINARYEN_VERSION)?
        .join("bin")
        .join("wasm-opt");
    anyhow::ensure!(script.is_file(), "{} is missing", script.display());
    Ok(script)
}

/// web-ext's command-line script (run with `node`); fails, saying why, when `node` is older
/// than web-ext needs.
pub(crate) fn ensure_web_ext(root: &Path) -> Result<PathBuf> {
    let script = ensure_npm_package(root, "web-ext", WEB_EXT_VERSION)?
        .join("bin")
        .join("web-ext.js");
    anyhow::ensure!(script.is_file(), "{} is missing", script.display());
    let version = Cmd::new("node").arg("--version").read()?;
    let (major, minor, patch) = WEB_EXT_NODE;
    anyhow::ensure!(
        node_version(&version).is_some_and(|v| v >= WEB_EXT_NODE),
        "web-ext {WEB_EXT_VERSION} needs Node.js {major}.{minor}.{patch} or later; `node \
         --version` says {version} (Debian 12's own nodejs is 18: install Node.js 20)"
    );
    Ok(script)
}

/// `v20.20.2` → `(20, 20, 2)`.
fn node_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().trim_start_matches('v').split('.');
    let mut next = || parts.next()?.parse().ok();
    Some((next()?, next()?, next()?))
}

/// The aiosmtpd release the demo's SMTP test runs as a local relay (PyPI).
pub(crate) const AIOSMTPD_VERSION: &str = "1.4.6";

/// The folder aiosmtpd is installed in (`pip install --target`, never into the system's
/// Python): the demo's SMTP test puts it on `PYTHONPATH` (`SESAME_AIOSMTPD_PATH`).
pub(crate) fn aiosmtpd_dir(root: &Path) -> PathBuf {
    crate::widget::target_dir(root)
        .join("python")
        .join(format!("aiosmtpd-{AIOSMTPD_VERSION}"))
}

/// Installs aiosmtpd (pinned) under `target/python/` unless it is there; returns its folder.
pub(crate) fn ensure_aiosmtpd(root: &Path) -> Result<PathBuf> {
    let dir = aiosmtpd_dir(root);
    let marker = dir.join(format!("aiosmtpd-{AIOSMTPD_VERSION}.dist-info"));
    if marker.is_dir() {
        println!("ok: aiosmtpd {AIOSMTPD_VERSION}");
        return Ok(dir);
    }
    if which("python3").is_none() {
        apt_install(&["python3", "python3-pip"])?;
    } else if Cmd::new("python3")
        .args(["-m", "pip", "--version"])
        .read()
        .is_err()
    {
        apt_install(&["python3-pip"])?;
    }
    println!(
        "aiosmtpd {AIOSMTPD_VERSION} missing; installing from PyPI into {}",
        dir.display()
    );
    Cmd::new("python3")
        // A --target install leaves the system's Python alone (PEP 668 allows it with this).
        .env("PIP_BREAK_SYSTEM_PACKAGES", "1")
        .args(["-m", "pip", "install", "--quiet", "--target"])
        .arg(&dir)
        .arg(format!("aiosmtpd=={AIOSMTPD_VERSION}"))
        .run()?;
    anyhow::ensure!(
        marker.is_dir(),
        "pip installed aiosmtpd but {} is missing",
        marker.display()
    );
    Ok(dir)
}

fn apt_install(packages: &[&str]) -> Result<()> {
    if which("apt-get").is_none() {
        bail!(
            "missing {}: install them with your system's package manager (this machine has no apt-get)",
            packages.join(", ")
        );
    }
    let root = Cmd::new("id").arg("-u").read().ok().as_deref() == Some("0");
    let apt = || -> Result<Cmd> {
        Ok(if root {
            Cmd::new("apt-get")
        } else if which("sudo").is_some() {
            Cmd::new("sudo").arg("apt-get")
        } else {
            bail!("installing {} needs root (or sudo)", packages.join(", "))
        })
    };
    println!("installing Debian packages: {}", packages.join(" "));
    apt()?
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["update", "-q"])
        .run()?;
    apt()?
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-q"])
        .args(packages)
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_version_from_cargo_lock() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "yew"), None);
    }

    #[test]
    fn the_bindgen_library_matches_the_wasm_bindgen_crate() {
        let lock = std::fs::read_to_string(crate::repo_root().join("Cargo.lock")).unwrap();
        assert_eq!(
            lock_version(&lock, "wasm-bindgen-cli-support"),
            lock_version(&lock, "wasm-bindgen"),
            "xtask's wasm-bindgen-cli-support must be the wasm-bindgen crate's exact version"
        );
    }

    #[test]
    fn reads_node_versions() {
        assert_eq!(node_version("v20.20.2\n"), Some((20, 20, 2)));
        assert!(node_version("v18.20.4").unwrap() < WEB_EXT_NODE);
        assert_eq!(node_version("node"), None);
    }

    #[test]
    fn this_workspace_pins_wasm_bindgen() {
        let v = wasm_bindgen_lock_version(&crate::repo_root()).unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }
}
