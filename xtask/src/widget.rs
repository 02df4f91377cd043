//! Building the widget bundle into `dist/widget/`: the wasm module and its JS glue from
//! wasm-bindgen, plus the hand-written loader and style sheet from `widget/assets/`.
//!
//! We call the wasm-bindgen CLI at Cargo.lock's version rather than Trunk: `cargo install
//! trunk` takes about 15 minutes on 2 cores, the CLI about 3, and the page is not a Yew app
//! but any page embedding `<sesame-login>`.

use crate::cmd::Cmd;
use crate::tools::{self, WASM_TARGET};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The cargo profile for the widget's wasm (root Cargo.toml: small over fast).
pub const PROFILE: &str = "wasm-release";

/// The `--out-name` given to wasm-bindgen: files are `sesame_widget_bg.wasm`, `sesame_widget.js`.
pub const OUT_NAME: &str = "sesame_widget";

/// Where the bundle goes.
pub fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist").join("widget")
}

/// Builds the bundle; returns its directory.
pub fn build(root: &Path) -> Result<PathBuf> {
    println!("== widget: building the bundle");
    Cmd::cargo()
        .args(["build", "-p", "sesame-widget", "--target", WASM_TARGET])
        .args(["--profile", PROFILE])
        .run()?;
    let wasm = root
        .join("target")
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{OUT_NAME}.wasm"));
    let dist = dist_dir(root);
    // Start clean so no stale file is served.
    if dist.exists() {
        std::fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist)?;
    Cmd::new(tools::wasm_bindgen()?)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&dist)
        .args(["--out-name", OUT_NAME])
        .arg(&wasm)
        .run()?;
    optimise(root, &dist.join(format!("{OUT_NAME}_bg.wasm")))?;
    let assets = root.join("widget").join("assets");
    let entries = std::fs::read_dir(&assets)
        .with_context(|| format!("reading {} (the loader and CSS)", assets.display()))?;
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), dist.join(entry.file_name()))
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    println!("widget bundle: {}", dist.display());
    Ok(dist)
}

/// Where the build keeps the module as wasm-bindgen wrote it, before wasm-opt (for the bench).
pub fn unoptimised_copy(root: &Path) -> PathBuf {
    root.join("target")
        .join("xtask")
        .join("sesame_widget_bg.before-wasm-opt.wasm")
}

/// Shrinks the module in place with wasm-opt when it is there; keeps it as it is otherwise.
fn optimise(root: &Path, wasm: &Path) -> Result<()> {
    let copy = unoptimised_copy(root);
    std::fs::create_dir_all(copy.parent().context("target/xtask")?)?;
    std::fs::copy(wasm, &copy).with_context(|| format!("copying {}", wasm.display()))?;
    let optimised = wasm.with_extension("opt.wasm");
    match wasm_opt(wasm, &optimised) {
        Ok(_) => std::fs::rename(&optimised, wasm)
            .with_context(|| format!("replacing {}", wasm.display())),
        Err(why) => {
            let _ = std::fs::remove_file(&optimised);
            println!("note: widget not passed through wasm-opt ({why})");
            Ok(())
        }
    }
}

/// Runs `wasm-opt -Oz` on `input` if a `wasm-opt` binary exists. Returns the optimised file,
/// or why there is none. Debian's binaryen 108 may refuse what today's rustc emits: that is
/// reported, never fatal.
pub fn wasm_opt(input: &Path, output: &Path) -> std::result::Result<PathBuf, String> {
    let Some(wasm_opt) = tools::which("wasm-opt") else {
        return Err("no `wasm-opt` binary on PATH".into());
    };
    let version = Cmd::new(&wasm_opt)
        .arg("--version")
        .read()
        .unwrap_or_default();
    println!("using {} ({version})", wasm_opt.display());
    let res = Cmd::new(&wasm_opt)
        .arg("-Oz")
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(input)
        .arg("-o")
        .arg(output)
        .read();
    match res {
        Ok(_) => Ok(output.to_path_buf()),
        Err(e) => Err(format!(
            "{version} refused it: {}",
            last_line(&e.to_string())
        )),
    }
}

/// The last non-empty line of an error: where wasm-opt says what it refused.
fn last_line(s: &str) -> String {
    let line = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.chars().take(300).collect()
}
