//! Building the widget bundle into `dist/widget/`: the wasm module and its JS glue from
//! wasm-bindgen, plus the hand-written loader and style sheet from `widget/assets/`. The cargo
//! build ([`cargo_wasm`]) and wasm-bindgen ([`bindgen`]) steps serve the extension too
//! (`extension.rs`).
//!
//! We run wasm-bindgen as a library (`wasm-bindgen-cli-support`, at the `wasm-bindgen` crate's
//! exact version) rather than Trunk: `cargo install trunk` takes about 15 minutes on 2 cores,
//! and the page is not a Yew app but any page embedding `<sesame-login>`. The library rather
//! than `cargo install wasm-bindgen-cli` (about 3 minutes cold, mostly the test runner's
//! server): the first `cargo xtask demo` needs no install; only `cargo xtask test` installs the
//! CLI, for `wasm-bindgen-test-runner` (BENCHMARKS.md).
//!
//! wasm-opt runs on the widget's module ([`wasm_opt`]), from binaryen's npm package (pinned,
//! run with `node`, like terser): not Debian's binaryen 108, which turned this module into one
//! that fails to instantiate, nor the `wasm-opt` crate, many minutes of C++ on 2 cores.

use crate::cmd::Cmd;
use crate::compress;
use crate::english;
use crate::schema;
use crate::tools::{self, WASM_TARGET};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The cargo profile for the widget's wasm (root Cargo.toml: small over fast).
pub(crate) const PROFILE: &str = "wasm-release";

/// The `--out-name` given to wasm-bindgen: files are `sesame_widget_bg.wasm`, `sesame_widget.js`.
pub(crate) const OUT_NAME: &str = "sesame_widget";

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else `target/` in the workspace.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Where the bundle goes.
pub(crate) fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist").join("widget")
}

/// Which standard library the wasm is linked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Std {
    /// The toolchain's prebuilt one: stable Rust, the default build.
    Stable,
    /// **Opt-in** (`cargo xtask dist --build-std`): the standard library rebuilt for size
    /// (`-Zbuild-std`, `optimize_for_size`, `-Cpanic=immediate-abort`: a panic traps without a
    /// message), on the same stable toolchain through `RUSTC_BOOTSTRAP=1` with its `rust-src`
    /// component. −9.7 KB brotli (BENCHMARKS.md), at the price of unstable compiler features:
    /// they may change with any toolchain update, so this build is measured beside the default
    /// one, not shipped by default.
    BuildStd,
}

/// Builds the bundle; returns its directory.
pub(crate) fn build(root: &Path, std: Std) -> Result<PathBuf> {
    println!("== widget: building the bundle ({std:?})");
    let wasm = cargo_wasm(root, "sesame-widget", std)?;
    let dist = dist_dir(root);
    // Start clean so no stale file is served.
    clean_dir(&dist)?;
    bindgen_stripped(&wasm, OUT_NAME, &dist, true)?;
    wasm_opt(root, &dist.join(format!("{OUT_NAME}_bg.wasm")))?;
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
    // The portal configuration's JSON Schema came with the assets (committed, kept fresh by
    // the schema module's test): shipped, not loaded by the widget.
    if !dist.join(schema::FILE).is_file() {
        bail!(
            "widget/assets/{} is missing: run `cargo test -p xtask`",
            schema::FILE
        );
    }
    // The English texts, fetched on demand: written from the sources now, so never stale.
    let table = english::pairs(root)?;
    std::fs::write(dist.join(english::FILE), english::json(&table))?;
    minify(root, &dist)?;
    compress::precompress_dir(&dist)?;
    println!(
        "widget bundle: {} (with .gz and .br copies)",
        dist.display()
    );
    Ok(dist)
}

/// `cargo build -p <package> --target wasm32-unknown-unknown --profile wasm-release`, source
/// paths remapped, with the standard library `std` asks for; returns the `.wasm` file (the
/// package's library name: `-` becomes `_`). Shared by the widget and the extension.
pub(crate) fn cargo_wasm(root: &Path, package: &str, std: Std) -> Result<PathBuf> {
    let mut flags = remap_flags(root);
    let mut cargo = Cmd::cargo()
        .args(["build", "-p", package, "--target", WASM_TARGET])
        .args(["--profile", PROFILE]);
    let target = match std {
        Std::Stable => target_dir(root),
        Std::BuildStd => {
            tools::ensure_rust_src()?;
            flags.extend([
                "-Zunstable-options".into(),
                "-Cpanic=immediate-abort".into(),
            ]);
            cargo = cargo.env("RUSTC_BOOTSTRAP", "1").args([
                "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=optimize_for_size",
            ]);
            // Its own directory: the default build's artefacts stay valid.
            let dir = target_dir(root).join("build-std");
            cargo = cargo.arg("--target-dir").arg(&dir);
            dir
        }
    };
    cargo.arg("--config").arg(rustflags_config(&flags)).run()?;
    Ok(target
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{}.wasm", package.replace('-', "_"))))
}

/// Removes `dir` if it exists and creates it empty.
pub(crate) fn clean_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// wasm-bindgen, as a library (`wasm-bindgen-cli-support`, pinned to the `wasm-bindgen` crate's
/// version): what `wasm-bindgen --target web --no-typescript --out-name <out_name>` does —
/// `<out_name>.js` (an ES module) and `<out_name>_bg.wasm` in `out`.
pub(crate) fn bindgen(wasm: &Path, out_name: &str, out: &Path) -> Result<()> {
    bindgen_stripped(wasm, out_name, out, false)
}

/// [`bindgen`], and with `strip` the module's `name` and `producers` sections removed: with
/// `strip = true` in the profile, the names left are only wasm-bindgen's own shims (`Closure(…)
/// -> Externref`…), 4.8 KB raw; −0.55 KB brotli for the widget (BENCHMARKS.md). A panic's stack
/// in the console then shows function indices instead of those shim names.
fn bindgen_stripped(wasm: &Path, out_name: &str, out: &Path, strip: bool) -> Result<()> {
    let start = std::time::Instant::now();
    let mut output = wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .web(true)?
        .typescript(false)
        .remove_name_section(strip)
        .remove_producers_section(strip)
        // The CLI's default, not the library's: the glue finds `<out_name>_bg.wasm` beside
        // itself (`import.meta.url`) when the loader calls it without a path.
        .omit_default_module_path(false)
        // Files a crate links with `link_to!` (the widget's proof-of-work worker) are written
        // under `snippets/` beside the glue and loaded from there (same origin), not inlined as
        // `data:` URLs, which a CSP `worker-src 'self'` refuses.
        .split_linked_modules(true)
        .out_name(out_name)
        .generate_output()
        .with_context(|| format!("wasm-bindgen on {}", wasm.display()))?;
    // With `strip`, the imports from the glue get short names ([`short_name`]).
    let mut renamed = Vec::new();
    if strip {
        let glue = format!("./{out_name}_bg.js");
        for import in output.wasm_mut().imports.iter_mut() {
            if import.module == glue {
                let short = short_name(renamed.len());
                renamed.push((std::mem::replace(&mut import.name, short.clone()), short));
            }
        }
    }
    output
        .emit(out)
        .with_context(|| format!("writing wasm-bindgen's output to {}", out.display()))?;
    if !renamed.is_empty() {
        let js = out.join(format!("{out_name}.js"));
        let text = std::fs::read_to_string(&js)?;
        std::fs::write(&js, rename_words(&text, &renamed))?;
    }
    println!(
        "wasm-bindgen (library): {} -> {} in {:.1} s",
        wasm.display(),
        out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The `n`th short name: `a`…`Z`, then `a0`…: the glue's imports renamed (`__wbg_addEventListener_
/// f2d27251d333a631`…: a name and a hash, written in both the wasm and the glue, the hashes
/// incompressible): ≈ −3 KB brotli (BENCHMARKS.md). Every such name is a JavaScript
/// identifier, a key of the glue's import object.
fn short_name(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut short = String::from(LETTERS[n % LETTERS.len()] as char);
    if n >= LETTERS.len() {
        short.push_str(&(n / LETTERS.len() - 1).to_string());
    }
    short
}

/// `text` with every whole identifier `old` of `renamed` replaced by its `new`.
fn rename_words(text: &str, renamed: &[(String, String)]) -> String {
    let map: std::collections::HashMap<&str, &str> = renamed
        .iter()
        .map(|(o, n)| (o.as_str(), n.as_str()))
        .collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word.find(|c: char| !is_word(c)).unwrap_or(word.len());
        out.push_str(map.get(&word[..end]).copied().unwrap_or(&word[..end]));
        rest = &word[end..];
    }
    out.push_str(rest);
    out
}

/// `--remap-path-prefix` flags for the source paths that panic locations keep in the wasm (this
/// workspace's, the crate registry's and the standard library's): shorter paths, −0.85 KB
/// brotli (BENCHMARKS.md), and no path of the build machine in what is shipped.
fn remap_flags(root: &Path) -> Vec<String> {
    let mut dirs = vec![root.to_path_buf()];
    if let Some(Ok(entries)) =
        tools::cargo_home().map(|home| home.join("registry").join("src").read_dir())
    {
        dirs.extend(entries.flatten().map(|entry| entry.path()));
    }
    // With rust-src installed, the standard library's generic code (instantiated in the
    // widget's crates) points to its sources under the sysroot: `/root/.rustup/toolchains/…`
    // (−0.25 KB brotli).
    if let Ok(sysroot) = Cmd::new("rustc").args(["--print", "sysroot"]).read() {
        dirs.push(Path::new(sysroot.trim()).join("lib/rustlib/src/rust"));
    }
    dirs.iter()
        .map(|dir| format!("--remap-path-prefix={}/=", dir.display()))
        .collect()
}

/// `flags` as a `--config` value setting the wasm target's rustflags (a TOML array).
fn rustflags_config(flags: &[String]) -> String {
    let quoted: Vec<String> = flags
        .iter()
        .map(|f| format!("\"{}\"", f.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("target.{WASM_TARGET}.rustflags=[{}]", quoted.join(","))
}

/// wasm-opt's flags for the widget: the features rustc's wasm32 target enables (the module
/// is checked against them), binaryen's default pipeline at `-O2` with shrink level 1 (`-s`
/// after `-O2`: `-O2` resets it), and **no inlining** (`-aimfs`, `-fimfs`, `-ocimfs` at 0):
/// binaryen's inlining makes the module smaller raw but larger in brotli. Measured against the
/// module without wasm-opt (BENCHMARKS.md): these flags −2.1 KB brotli; `-Oz` +2.5 KB, `-O2`
/// with binaryen's inlining +2.0 KB.
const WASM_OPT_FLAGS: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "-O2",
    "-s",
    "1",
    "-aimfs",
    "0",
    "-fimfs",
    "0",
    "-ocimfs",
    "0",
];

/// Rewrites `wasm` through binaryen's `wasm-opt` ([`WASM_OPT_FLAGS`]).
fn wasm_opt(root: &Path, wasm: &Path) -> Result<()> {
    let script = tools::ensure_wasm_opt(root)?;
    let tmp = wasm.with_extension("opt.wasm");
    Cmd::new("node")
        .arg(&script)
        .args(WASM_OPT_FLAGS)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp)
        .run()
        .with_context(|| format!("wasm-opt on {}", wasm.display()))?;
    std::fs::rename(&tmp, wasm)?;
    Ok(())
}

/// Minifies the bundle's JavaScript (the loader and wasm-bindgen's glue) with terser: −2.7 KB
/// brotli (BENCHMARKS.md). Property names are kept (the glue's imports are looked up by name),
/// and so are the module's exports. Then the CSS, with csso.
fn minify(root: &Path, dist: &Path) -> Result<()> {
    let terser = tools::ensure_terser(root)?;
    for name in [format!("{OUT_NAME}.js"), "sesame-login.js".to_owned()] {
        let file = dist.join(&name);
        let tmp = dist.join(format!("{name}.min"));
        Cmd::new("node")
            .arg(&terser)
            .arg(&file)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&tmp)
            .run()
            .with_context(|| format!("minifying {name}"))?;
        std::fs::rename(&tmp, &file)?;
    }
    // The CSS without its comments and spaces (csso without restructuring: no rule merged or
    // moved, so the cascade is the source's): −0.6 KB brotli (BENCHMARKS.md).
    let csso = tools::ensure_csso(root)?;
    let (file, tmp) = (dist.join(CSS), dist.join(format!("{CSS}.min")));
    Cmd::new("node")
        .arg(&csso)
        .arg(&file)
        .arg("--no-restructure")
        .arg("--output")
        .arg(&tmp)
        .run()
        .context("minifying the CSS")?;
    std::fs::rename(&tmp, &file)?;
    Ok(())
}

/// The widget's style sheet, in `widget/assets/` and the bundle.
const CSS: &str = "sesame-login.css";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustflags_are_a_toml_array_of_quoted_flags() {
        let flags = [
            "--remap-path-prefix=/a b/=".to_owned(),
            r#"x"y\z"#.to_owned(),
        ];
        assert_eq!(
            rustflags_config(&flags),
            r#"target.wasm32-unknown-unknown.rustflags=["--remap-path-prefix=/a b/=","x\"y\\z"]"#
        );
    }
}
