//! Building the browser extension into `dist/extension/`: one unpacked folder per browser
//! (`firefox/`, `chromium/`) and its archive (`sesame-<version>-firefox.xpi`,
//! `sesame-<version>-chromium.zip`).
//!
//! The Rust side (`sesame-extension`) is built like the widget (`widget::cargo_wasm`, always
//! with the stable standard library) and goes through the wasm-bindgen library with the web
//! target (an ES module, `sesame_extension.js`, beside `sesame_extension_bg.wasm`). Each folder
//! gets every file of `extension/static/`, those two files, and a `manifest.json` generated
//! from the one source `extension/manifest.json` by [`manifest`]: the workspace version, then
//! [`browser_keys`], the only place where the two browsers differ.

use crate::cmd::Cmd;
use crate::widget::{self, Std};
use crate::{bench, compress};
use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The cargo package of the extension's Rust.
const PACKAGE: &str = "sesame-extension";

/// The `--out-name` given to wasm-bindgen: `sesame_extension.js`, `sesame_extension_bg.wasm`.
pub(crate) const OUT_NAME: &str = "sesame_extension";

/// The version written into both manifests: the workspace's (`workspace.package.version`,
/// which xtask inherits).
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Firefox's add-on id (`browser_specific_settings.gecko.id`).
pub(crate) const GECKO_ID: &str = "sesame@sesame-sante.invalid";

/// Chromium's extension id, fixed by the public key in `extension/chromium.key` (the first 128
/// bits of its SHA-256, in the letters a–p; checked by a test). The e2e harness opens its pages
/// with it.
#[cfg(test)]
const CHROMIUM_ID: &str = "hmhdhpnihiemmckgploobmphehaikjki";

/// The browsers the extension is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Browser {
    /// Firefox (140 and later, Android 142): an `.xpi`.
    Firefox,
    /// Chromium, Chrome, Edge (120 and later): a `.zip`.
    Chromium,
}

impl Browser {
    pub(crate) const ALL: [Browser; 2] = [Browser::Firefox, Browser::Chromium];

    /// The folder name under `dist/extension/`, also in the archive's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Browser::Firefox => "firefox",
            Browser::Chromium => "chromium",
        }
    }

    /// The archive: `sesame-<version>-<browser>.<xpi|zip>`.
    fn archive_name(self) -> String {
        let ext = match self {
            Browser::Firefox => "xpi",
            Browser::Chromium => "zip",
        };
        format!("sesame-{VERSION}-{}.{ext}", self.name())
    }
}

/// Where the extension goes: `dist/extension/`.
pub(crate) fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist").join("extension")
}

/// The unpacked extension for `browser` (what the e2e harness loads).
pub(crate) fn unpacked_dir(root: &Path, browser: Browser) -> PathBuf {
    dist_dir(root).join(browser.name())
}

/// What each browser's manifest adds to the common one: its background script (a module
/// service worker for Chromium, a module event page for Firefox), and its id and minimum
/// version. Chromium's id comes from `chromium_key` (the public key in `extension/chromium.key`:
/// the same id on every machine); Firefox's is [`GECKO_ID`], and it is told that the extension
/// collects no data (`data_collection_permissions`). Firefox 140 (ESR) is the first to read that
/// key, Firefox for Android 142: below those, web-ext lint warns that it is unsupported.
fn browser_keys(browser: Browser, chromium_key: &str) -> Map<String, Value> {
    let keys = match browser {
        Browser::Chromium => json!({
            "background": { "service_worker": "background.js", "type": "module" },
            "key": chromium_key,
            "minimum_chrome_version": "120",
        }),
        Browser::Firefox => json!({
            "background": { "scripts": ["background.js"], "type": "module" },
            "browser_specific_settings": {
                "gecko": {
                    "id": GECKO_ID,
                    "strict_min_version": "140.0",
                    "data_collection_permissions": { "required": ["none"] },
                },
                "gecko_android": { "strict_min_version": "142.0" },
            },
        }),
    };
    match keys {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}

/// The manifest of `browser`: the common manifest (`extension/manifest.json`), its `version`
/// set to `version`, plus [`browser_keys`]. Fails when the common manifest is not an object or
/// already has a key that differs between browsers (it belongs to [`browser_keys`]).
fn manifest(common: &Value, version: &str, browser: Browser, chromium_key: &str) -> Result<Value> {
    let Value::Object(common) = common else {
        bail!("extension/manifest.json is not a JSON object");
    };
    let mut out = common.clone();
    out.insert("version".into(), Value::String(version.to_owned()));
    // Both browsers' keys, so that the common file is refused whichever is built first.
    for b in Browser::ALL {
        for key in browser_keys(b, chromium_key).keys() {
            ensure!(
                !common.contains_key(key),
                "extension/manifest.json has `{key}`, which differs between browsers: \
                 xtask adds it (xtask/src/extension.rs, `browser_keys`)"
            );
        }
    }
    out.extend(browser_keys(browser, chromium_key));
    if browser == Browser::Firefox {
        // Firefox alone has the `pkcs11` API (the card's module for TLS client
        // authentication, from the options page); Chromium would warn of an unknown permission.
        if let Some(Value::Array(permissions)) = out.get_mut("permissions") {
            permissions.push(Value::from("pkcs11"));
        }
    }
    Ok(Value::Object(out))
}

/// Builds both unpacked folders and both archives; returns `dist/extension/`.
pub(crate) fn build(root: &Path) -> Result<PathBuf> {
    println!("== extension: building");
    let source = root.join("extension");
    let common: Value = serde_json::from_str(
        &std::fs::read_to_string(source.join("manifest.json"))
            .context("reading extension/manifest.json")?,
    )
    .context("extension/manifest.json is not valid JSON")?;
    let key = std::fs::read_to_string(source.join("chromium.key"))
        .context("reading extension/chromium.key")?;
    let key = key.trim();
    ensure!(!key.is_empty(), "extension/chromium.key is empty");
    // Checked before the (long) build.
    for browser in Browser::ALL {
        manifest(&common, VERSION, browser, key)?;
    }

    let wasm = widget::cargo_wasm(root, PACKAGE, Std::Stable)?;
    let staging = widget::target_dir(root).join("extension-bindgen");
    widget::clean_dir(&staging)?;
    widget::bindgen(&wasm, OUT_NAME, &staging)?;
    let generated = [format!("{OUT_NAME}.js"), format!("{OUT_NAME}_bg.wasm")];

    let dist = dist_dir(root);
    // Start clean so no stale file is packed.
    widget::clean_dir(&dist)?;
    let statics = source.join("static");
    for browser in Browser::ALL {
        let dir = unpacked_dir(root, browser);
        copy_tree(&statics, &dir)?;
        for name in &generated {
            let to = dir.join(name);
            ensure!(
                !to.exists(),
                "extension/static/{name} would be overwritten by wasm-bindgen's output"
            );
            std::fs::copy(staging.join(name), &to)
                .with_context(|| format!("copying {name} into {}", dir.display()))?;
        }
        let to = dir.join("manifest.json");
        ensure!(
            !to.exists(),
            "extension/static/manifest.json: the manifest is generated from extension/manifest.json"
        );
        let mut text = serde_json::to_string_pretty(&manifest(&common, VERSION, browser, key)?)?;
        text.push('\n');
        std::fs::write(&to, text)?;
        let archive = dist.join(browser.archive_name());
        pack(&dir, &archive)?;
        println!("extension ({}): {}", browser.name(), dir.display());
        println!("extension ({}): {}", browser.name(), archive.display());
    }
    Ok(dist)
}

/// Copies every file under `from` into `to` (created), keeping sub-folders; dot files are left
/// out.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for rel in files_under(from)? {
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from.join(&rel), &dest)
            .with_context(|| format!("copying {}", from.join(&rel).display()))?;
    }
    Ok(())
}

/// Every file under `dir`, as paths relative to it, sorted; dot files and folders left out.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(base, &path, out)?;
            } else {
                out.push(path.strip_prefix(base)?.to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Zips the contents of `dir` into `archive` (deflate): `manifest.json` first, at the root, then
/// every other file in path order, with a fixed date and mode, so the same files give the same
/// bytes.
fn pack(dir: &Path, archive: &Path) -> Result<()> {
    let mut names: Vec<String> = files_under(dir)?
        .iter()
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    names.sort_by_key(|name| (name != "manifest.json", name.clone()));
    ensure!(
        names.first().map(String::as_str) == Some("manifest.json"),
        "{}: no manifest.json to pack",
        dir.display()
    );
    let file = std::fs::File::create(archive)
        .with_context(|| format!("creating {}", archive.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::DEFAULT)
        .unix_permissions(0o644);
    for name in &names {
        zip.start_file(name.as_str(), options)?;
        std::io::copy(&mut std::fs::File::open(dir.join(name))?, &mut zip)
            .with_context(|| format!("packing {name}"))?;
    }
    zip.finish()
        .with_context(|| format!("writing {}", archive.display()))?;
    Ok(())
}

/// Prints the extension's sizes, raw and brotli (no budget: it is installed once, not
/// downloaded with every page): each file of the Firefox folder (the Chromium one differs only
/// by its manifest), then both archives.
pub(crate) fn report_sizes(dist: &Path) -> Result<()> {
    let dir = dist.join(Browser::Firefox.name());
    println!("\n## Extension sizes (`cargo xtask dist`)");
    println!(
        "\n1 KB = 1000 bytes. Rust built with `--profile {}`; no budget.\n",
        widget::PROFILE
    );
    println!("| file in `dist/extension/firefox/` | raw | brotli -q 11 |");
    println!("|---|---:|---:|");
    let (mut raw, mut br) = (0, 0);
    for rel in files_under(&dir)? {
        let bytes = std::fs::read(dir.join(&rel))?;
        let b = compress::brotli(&bytes)?.len();
        println!(
            "| `{}` | {} | {} |",
            rel.display(),
            bench::kb(bytes.len()),
            bench::kb(b)
        );
        raw += bytes.len();
        br += b;
    }
    println!(
        "| **total** | **{}** | **{}** |",
        bench::kb(raw),
        bench::kb(br)
    );
    println!("\n| archive | size |\n|---|---:|");
    for browser in Browser::ALL {
        let name = browser.archive_name();
        let len = std::fs::metadata(dist.join(&name))
            .with_context(|| format!("{name} is missing"))?
            .len();
        println!("| `{name}` | {} |", bench::kb(len as usize));
    }
    Ok(())
}

/// The web-ext lint of the Firefox folder (Mozilla's addons-linter, as addons.mozilla.org runs
/// it): fails unless it reports no error and no warning; notices are printed.
pub(crate) fn lint(root: &Path) -> Result<()> {
    let web_ext = crate::tools::ensure_web_ext(root)?;
    let dir = unpacked_dir(root, Browser::Firefox);
    let (status, out) = Cmd::new("node")
        .arg(&web_ext)
        .args(["lint", "--source-dir"])
        .arg(&dir)
        .args([
            "--output",
            "json",
            "--no-config-discovery",
            "--no-input",
            "--boring",
        ])
        // Its update-notifier would otherwise ask the npm registry for a newer web-ext.
        .env("NO_UPDATE_NOTIFIER", "1")
        .read_any()?;
    let report = parse_lint(&out)?;
    ensure!(
        status.success() || report.errors > 0,
        "web-ext lint failed ({status}) without reporting an error:\n{out}"
    );
    for line in &report.lines {
        println!("{line}");
    }
    println!(
        "web-ext lint: {} error(s), {} warning(s), {} notice(s)",
        report.errors, report.warnings, report.notices
    );
    ensure!(
        report.errors == 0 && report.warnings == 0,
        "web-ext lint of {}: {} error(s), {} warning(s) (listed above)",
        dir.display(),
        report.errors,
        report.warnings,
    );
    Ok(())
}

/// What `web-ext lint --output json` reported.
#[derive(Debug, PartialEq, Eq)]
struct LintReport {
    errors: u64,
    warnings: u64,
    notices: u64,
    /// One line per message: `error|warning|notice CODE file:line: message (description)`.
    lines: Vec<String>,
}

/// Reads web-ext's JSON report (the last line of its output that holds a JSON object).
fn parse_lint(out: &str) -> Result<LintReport> {
    let json: Value = out
        .lines()
        .rev()
        .find_map(|l| {
            serde_json::from_str::<Value>(l.trim())
                .ok()
                .filter(Value::is_object)
        })
        .or_else(|| serde_json::from_str(out.trim()).ok())
        .with_context(|| format!("web-ext printed no JSON report:\n{out}"))?;
    let count = |kind: &str| -> Result<u64> {
        json["summary"][kind]
            .as_u64()
            .with_context(|| format!("web-ext's report has no summary.{kind}:\n{out}"))
    };
    let mut lines = Vec::new();
    for (kind, word) in [
        ("errors", "error"),
        ("warnings", "warning"),
        ("notices", "notice"),
    ] {
        for m in json[kind].as_array().into_iter().flatten() {
            let place = match (m["file"].as_str(), m["line"].as_u64()) {
                (Some(file), Some(line)) => format!(" {file}:{line}"),
                (Some(file), None) => format!(" {file}"),
                _ => String::new(),
            };
            let description = match &m["description"] {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => String::new(),
            };
            lines.push(format!(
                "{word} {}{place}: {} ({})",
                m["code"].as_str().unwrap_or("?"),
                m["message"].as_str().unwrap_or_default(),
                description.trim()
            ));
        }
    }
    Ok(LintReport {
        errors: count("errors")?,
        warnings: count("warnings")?,
        notices: count("notices")?,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MIIBIjANBgkq";

    fn common() -> Value {
        json!({
            "manifest_version": 3,
            "name": "Sésame",
            "version": "filled in by xtask",
            "permissions": ["storage"],
            "action": { "default_popup": "popup.html" },
        })
    }

    #[test]
    fn each_browser_gets_its_keys_on_the_same_common_part() {
        let chromium = manifest(&common(), "1.2.3", Browser::Chromium, KEY).unwrap();
        let firefox = manifest(&common(), "1.2.3", Browser::Firefox, KEY).unwrap();

        assert_eq!(
            chromium["background"],
            json!({ "service_worker": "background.js", "type": "module" })
        );
        assert_eq!(chromium["key"], KEY);
        assert_eq!(chromium["minimum_chrome_version"], "120");
        assert!(chromium.get("browser_specific_settings").is_none());

        assert_eq!(
            firefox["background"],
            json!({ "scripts": ["background.js"], "type": "module" })
        );
        let gecko = &firefox["browser_specific_settings"]["gecko"];
        assert_eq!(gecko["id"], GECKO_ID);
        assert_eq!(gecko["strict_min_version"], "140.0");
        assert_eq!(
            firefox["browser_specific_settings"]["gecko_android"]["strict_min_version"],
            "142.0"
        );
        assert_eq!(
            gecko["data_collection_permissions"],
            json!({ "required": ["none"] })
        );
        assert!(firefox.get("key").is_none());
        assert!(firefox.get("minimum_chrome_version").is_none());
        // Firefox alone asks for `pkcs11` (the card's module for TLS client authentication).
        assert_eq!(firefox["permissions"], json!(["storage", "pkcs11"]));
        assert_eq!(chromium["permissions"], json!(["storage"]));
        let mut firefox = firefox;
        firefox["permissions"] = json!(["storage"]);

        // Without their own keys, both are the common manifest with the version set.
        let mut expected = common();
        expected["version"] = json!("1.2.3");
        for (m, b) in [(chromium, Browser::Chromium), (firefox, Browser::Firefox)] {
            let mut m = m;
            for key in browser_keys(b, KEY).keys() {
                m.as_object_mut().unwrap().remove(key);
            }
            assert_eq!(m, expected, "{b:?}");
        }
    }

    #[test]
    fn the_common_manifest_may_not_hold_a_browser_key() {
        let mut common = common();
        common["background"] = json!({ "service_worker": "background.js" });
        let err = manifest(&common, "1.2.3", Browser::Firefox, KEY).unwrap_err();
        assert!(err.to_string().contains("`background`"), "{err}");
        assert!(manifest(&json!([]), "1", Browser::Chromium, KEY).is_err());
    }

    #[test]
    fn archives_are_the_same_bytes_for_the_same_files_manifest_first() {
        let dir = std::env::temp_dir().join(format!("sesame-xtask-pack-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let src = dir.join("src");
        std::fs::create_dir_all(src.join("icons")).unwrap();
        std::fs::write(src.join("a.js"), "export {};\n").unwrap();
        std::fs::write(src.join("icons").join("x.png"), [0u8, 1, 2]).unwrap();
        std::fs::write(src.join("manifest.json"), "{}\n").unwrap();
        std::fs::write(src.join(".hidden"), "no").unwrap();
        let (one, two) = (dir.join("one.zip"), dir.join("two.zip"));
        pack(&src, &one).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        pack(&src, &two).unwrap();
        assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());

        let mut archive = zip::ZipArchive::new(std::fs::File::open(&one).unwrap()).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        assert_eq!(names, ["manifest.json", "a.js", "icons/x.png"]);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("a.js").unwrap(), &mut text).unwrap();
        assert_eq!(text, "export {};\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Chromium's id is the SHA-256 of the key (DER, base64 in the file), its first 32 hex
    /// digits written with the letters a–p: the e2e harness relies on it.
    #[test]
    fn chromium_key_gives_the_fixed_id() {
        use base64::Engine;
        use sha2::Digest;
        let key = std::fs::read_to_string(crate::repo_root().join("extension/chromium.key"))
            .expect("extension/chromium.key exists");
        let der = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .expect("the key is base64");
        let id: String = sha2::Sha256::digest(&der)[..16]
            .iter()
            .flat_map(|b| [b >> 4, b & 0xf])
            .map(|nibble| char::from(b'a' + nibble))
            .collect();
        assert_eq!(id, CHROMIUM_ID);
    }

    #[test]
    fn reads_web_ext_json_report() {
        let out = r#"
{"count":2,"summary":{"errors":0,"notices":1,"warnings":1},"metadata":{},"errors":[],"notices":[{"_type":"notice","code":"N1","message":"A notice","description":"Why.","file":"manifest.json"}],"warnings":[{"_type":"warning","code":"UNSAFE_VAR_ASSIGNMENT","message":"Unsafe assignment to innerHTML","description":["Due to both", "security and performance."],"file":"popup.js","line":12,"column":3}]}
"#;
        let report = parse_lint(out).unwrap();
        assert_eq!((report.errors, report.warnings, report.notices), (0, 1, 1));
        assert_eq!(
            report.lines,
            [
                "warning UNSAFE_VAR_ASSIGNMENT popup.js:12: Unsafe assignment to innerHTML \
                 (Due to both security and performance.)",
                "notice N1 manifest.json: A notice (Why.)",
            ]
        );
        assert!(parse_lint("Running web-ext lint\n").is_err());
    }
}
