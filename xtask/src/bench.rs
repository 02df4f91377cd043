//! `cargo xtask bench`: the widget's bundle sizes, raw and as browsers download them (gzip
//! level 9, brotli quality 11), then the demo's login latency by outcome
//! (`demo/benches/login_timing.rs`) and code step, the time to a usable form
//! (`tests/benches/first_paint.rs`), the QR-code login's latency and load
//! (`tests/benches/qr_latency.rs`, `demo/benches/qr_load.rs`) and the machine's part of a
//! CPS-card login (`tests/benches/cps_latency.rs`), printed as markdown tables for
//! BENCHMARKS.md.

use crate::cmd::Cmd;
use crate::compress;
use crate::english;
use crate::schema;
use crate::{tools, widget};
use anyhow::{Context, Result};
use std::path::Path;

/// The size budget of the whole widget (wasm + JS + CSS, brotli -q 11), every login method
/// included: the one place it is written. `cargo xtask bench` fails when the bundle is over it.
pub(crate) const BUDGET_BROTLI_BYTES: usize = 100_000;

struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

fn sizes(bytes: &[u8]) -> Result<Sizes> {
    Ok(Sizes {
        raw: bytes.len(),
        gzip: compress::gzip(bytes)?.len(),
        brotli: compress::brotli(bytes)?.len(),
    })
}

/// What a bundle file is, for the table.
fn kind(name: &str) -> &'static str {
    if name.ends_with(".wasm") {
        "wasm"
    } else if name == format!("{}.js", widget::OUT_NAME) {
        "JS glue (wasm-bindgen)"
    } else if name.ends_with(".js") {
        "loader JS"
    } else if name.ends_with(".css") {
        "CSS"
    } else {
        "other"
    }
}

pub(crate) fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}

/// Prints one table of `files`; returns the brotli total.
fn table(title: &str, files: &[(String, Vec<u8>)]) -> Result<usize> {
    println!("\n### {title}\n");
    println!("| file | kind | raw | gzip -9 | brotli -q 11 |");
    println!("|---|---|---:|---:|---:|");
    let mut total = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for (name, bytes) in files {
        let s = sizes(bytes)?;
        println!(
            "| `{name}` | {} | {} | {} | {} |",
            kind(name),
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli)
        );
        total.raw += s.raw;
        total.gzip += s.gzip;
        total.brotli += s.brotli;
    }
    println!(
        "| **total** | | **{}** | **{}** | **{}** |",
        kb(total.raw),
        kb(total.gzip),
        kb(total.brotli)
    );
    Ok(total.brotli)
}

/// Prints the size tables of the bundle in `dist` and the budget line; whether it is over.
pub(crate) fn report_sizes(dist: &Path) -> Result<(usize, bool)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // The bundle's files, those under `snippets/` (the proof-of-work worker) included.
    let mut folders = vec![dist.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.is_file() && !compress::is_precompressed(&path) {
                let name = path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                files.push((name, std::fs::read(&path)?));
            }
        }
    }
    // The English texts are fetched on demand (English pages, the language switch): not part of
    // what every page loads, so not counted against the budget, but reported.
    let (english, files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(n, _)| n == english::FILE);
    // The portal configuration's JSON Schema is for portal teams' tools: shipped, never loaded.
    let (schema, mut files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(n, _)| n == schema::FILE);
    // wasm first, then JS, then CSS.
    files.sort_by_key(|(n, _)| (!n.ends_with(".wasm"), !n.ends_with(".js"), n.clone()));
    let wasm_name = files
        .iter()
        .find(|(n, _)| n.ends_with(".wasm"))
        .map(|(n, _)| n.clone())
        .context("no .wasm file in the bundle")?;

    println!("\n## Widget bundle sizes (`cargo xtask bench`)");
    println!(
        "\n1 KB = 1000 bytes. Built with `--profile {}`.",
        widget::PROFILE
    );
    let served = table("as served in `dist/widget/`", &files)?;
    let wasm = &files.iter().find(|(n, _)| *n == wasm_name).unwrap().1;
    print_sections(wasm);

    let over = served > BUDGET_BROTLI_BYTES;
    println!(
        "\nBudget: ≤ {} brotli for the whole widget, every login method included; this build: {} ({}).",
        kb(BUDGET_BROTLI_BYTES),
        kb(served),
        if over { "OVER the budget" } else { "within the budget" }
    );
    for (name, bytes) in &english {
        let s = sizes(bytes)?;
        println!(
            "On demand, not counted: `{name}` (the English texts) {} raw, {} brotli.",
            kb(s.raw),
            kb(s.brotli)
        );
    }
    for (name, bytes) in &schema {
        let s = sizes(bytes)?;
        println!(
            "Shipped, never loaded: `{name}` (the portal configuration's JSON Schema) {} raw, {} brotli.",
            kb(s.raw),
            kb(s.brotli)
        );
    }
    Ok((served, over))
}

/// Builds the widget and prints the tables.
pub(crate) fn run(root: &Path) -> Result<()> {
    let dist = widget::build(root, widget::Std::Stable)?;
    let (served, over) = report_sizes(&dist)?;

    // Login latency by outcome: the demo's own benchmark prints its table.
    Cmd::cargo()
        .args([
            "bench",
            "-q",
            "-p",
            "sesame-demo",
            "--bench",
            "login_timing",
        ])
        .run()?;

    // One-time code latency by outcome: the demo's code-step benchmark prints its table.
    Cmd::cargo()
        .args(["bench", "-q", "-p", "sesame-demo", "--bench", "code_timing"])
        .run()?;

    // Time to a usable form against a plain one: the e2e crate's bench, in Chromium.
    tools::ensure_browsers()?;
    Cmd::cargo()
        .args(["bench", "-q", "-p", "sesame-e2e", "--bench", "first_paint"])
        .env("SESAME_WIDGET_DIR", widget::dist_dir(root))
        .env("SESAME_PAGE_DIR", root)
        .run()?;

    // The proof of work's solve time in both browsers.
    Cmd::cargo()
        .args([
            "bench",
            "-q",
            "-p",
            "sesame-e2e",
            "--bench",
            "captcha_solve",
        ])
        .env("SESAME_WIDGET_DIR", widget::dist_dir(root))
        .env("SESAME_PAGE_DIR", root)
        .run()?;

    // The QR-code login, approval → logged in, by push and by polling, beside a tiqr-like
    // polling client: the e2e crate's bench, in Chromium and Firefox.
    Cmd::cargo()
        .args(["bench", "-q", "-p", "sesame-e2e", "--bench", "qr_latency"])
        .env("SESAME_WIDGET_DIR", widget::dist_dir(root))
        .env("SESAME_PAGE_DIR", root)
        .run()?;

    // The demo holding 10,000 pending QR codes with open event streams: its own process's
    // memory and the polls per second it answers meanwhile.
    Cmd::cargo()
        .args(["bench", "-q", "-p", "sesame-demo", "--bench", "qr_load"])
        .run()?;

    // The machine's part of a CPS-card login: the e2e crate's bench, in Chromium and Firefox,
    // with the extension, the native host and a SoftHSM2 test card.
    tools::ensure_softhsm2()?;
    let extension_dist = crate::extension::build(root)?;
    let (host, test_card) = crate::card::build_binaries(root)?;
    Cmd::cargo()
        .args(["bench", "-q", "-p", "sesame-e2e", "--bench", "cps_latency"])
        .env("SESAME_WIDGET_DIR", widget::dist_dir(root))
        .env("SESAME_PAGE_DIR", root)
        .env("SESAME_EXTENSION_DIR", extension_dist)
        .env("SESAME_HOST_EXE", host)
        .env("SESAME_TEST_CARD_EXE", test_card)
        .run()?;

    anyhow::ensure!(
        !over,
        "the widget is {} brotli, over its budget of {} (BUDGET_BROTLI_BYTES in xtask/src/bench.rs)",
        kb(served),
        kb(BUDGET_BROTLI_BYTES)
    );
    Ok(())
}

/// Prints the wasm module's largest sections: what dominates its size.
fn print_sections(wasm: &[u8]) {
    let Some(mut sections) = wasm_sections(wasm) else {
        return;
    };
    sections.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let list: Vec<String> = sections
        .iter()
        .take(4)
        .map(|(name, size)| format!("{name} {}", kb(*size)))
        .collect();
    println!("\nLargest wasm sections (raw): {}.", list.join(", "));
}

/// The sections of a wasm module: (name, size in bytes). None if it does not parse.
fn wasm_sections(wasm: &[u8]) -> Option<Vec<(String, usize)>> {
    const NAMES: [&str; 13] = [
        "custom",
        "type",
        "import",
        "function",
        "table",
        "memory",
        "global",
        "export",
        "start",
        "element",
        "code",
        "data",
        "data count",
    ];
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let mut pos = 8;
    let mut out = Vec::new();
    while pos < wasm.len() {
        let id = *wasm.get(pos)? as usize;
        pos += 1;
        let (size, n) = leb128(&wasm[pos..])?;
        pos += n;
        let body = wasm.get(pos..pos + size)?;
        let name = if id == 0 {
            let (len, n) = leb128(body)?;
            let custom = String::from_utf8_lossy(body.get(n..n + len)?);
            format!("custom `{custom}`")
        } else {
            NAMES.get(id).unwrap_or(&"unknown").to_string()
        };
        out.push((name, size));
        pos += size;
    }
    Some(out)
}

fn leb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, b) in bytes.iter().enumerate().take(5) {
        value |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text() {
        let s = sizes(&b"sesame ".repeat(1000)).unwrap();
        assert_eq!(s.raw, 7000);
        assert!(s.gzip < 200 && s.brotli < 200, "{} {}", s.gzip, s.brotli);
    }

    #[test]
    fn reads_wasm_sections() {
        // magic, version, a type section of 4 bytes, a custom section "name" with 1 byte.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]);
        m.extend([0, 6, 4, b'n', b'a', b'm', b'e', 9]);
        let s = wasm_sections(&m).unwrap();
        assert_eq!(s, vec![("type".into(), 4), ("custom `name`".into(), 6)]);
        assert_eq!(kind("sesame_widget.js"), "JS glue (wasm-bindgen)");
        assert_eq!(kind("sesame-login.js"), "loader JS");
    }
}
