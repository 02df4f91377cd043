//! Repository hygiene, checked by `cargo test` (as rust-analyzer's `tidy.rs` does): a rule
//! that matters is a test, not a wish in a review checklist.

#![cfg(test)]

use std::path::{Path, PathBuf};

/// Every file of the repository except build output and VCS data.
fn files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !matches!(name.as_ref(), "target" | "dist" | "node_modules")
                    && !name.starts_with('.')
                {
                    walk(&path, out);
                }
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

fn with_ext(root: &Path, ext: &str) -> Vec<(PathBuf, String)> {
    files(root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

#[test]
fn every_crate_uses_the_workspace_lints() {
    let root = crate::repo_root();
    let mut bad = Vec::new();
    for path in files(&root) {
        if path.file_name().is_some_and(|n| n == "Cargo.toml") && path.parent() != Some(&root) {
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.contains("[lints]\nworkspace = true") {
                bad.push(rel(&root, &path));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "add `[lints]\\nworkspace = true` to: {bad:?}"
    );
}

#[test]
fn readme_starts_with_the_two_commands() {
    let root = crate::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md exists");
    let head: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    for cmd in ["cargo xtask demo", "cargo xtask test"] {
        assert!(
            head.contains(cmd),
            "README.md must show `{cmd}` in its first 20 lines"
        );
    }
}

#[test]
fn no_unfinished_code() {
    let root = crate::repo_root();
    // Spelled in pieces so this file does not match itself.
    let markers = [
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("dbg", "!("),
    ];
    let mut bad = Vec::new();
    for (path, text) in with_ext(&root, "rs") {
        for (i, line) in text.lines().enumerate() {
            if markers.iter().any(|m| line.contains(m)) {
                bad.push(format!("{}:{}: {}", rel(&root, &path), i + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "unfinished code:\n{}", bad.join("\n"));
}

/// Shipped JavaScript logs nothing: a console is the easiest place for a password to leak.
#[test]
fn shipped_javascript_does_not_log() {
    let root = crate::repo_root();
    let mut bad = Vec::new();
    for (path, text) in with_ext(&root, "js")
        .into_iter()
        .chain(with_ext(&root, "html"))
    {
        for (i, line) in text.lines().enumerate() {
            if line.contains(concat!("console", ".log(")) {
                bad.push(format!("{}:{}", rel(&root, &path), i + 1));
            }
        }
    }
    assert!(bad.is_empty(), "remove console logging from: {bad:?}");
}

/// The demo serves `script-src 'self'`: no inline script, no inline event handler.
#[test]
fn html_pages_work_under_the_strict_csp() {
    let root = crate::repo_root();
    let mut bad = Vec::new();
    for (path, text) in with_ext(&root, "html") {
        let lower = text.to_lowercase();
        for (i, part) in lower.split("<script").enumerate().skip(1) {
            let tag = part.split('>').next().unwrap_or("");
            if !tag.contains("src=") {
                bad.push(format!("{}: inline <script> #{i}", rel(&root, &path)));
            }
        }
        for handler in [
            " onclick=",
            " onload=",
            " onsubmit=",
            " onchange=",
            " oninput=",
        ] {
            if lower.contains(handler) {
                bad.push(format!("{}: inline handler{handler}", rel(&root, &path)));
            }
        }
        if lower.contains("<style") || lower.contains(" style=\"") {
            bad.push(format!(
                "{}: inline style (style-src 'self')",
                rel(&root, &path)
            ));
        }
    }
    assert!(bad.is_empty(), "CSP violations: {bad:?}");
}

#[test]
fn code_is_formatted() {
    let root = crate::repo_root();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["fmt", "--all", "--", "--check"])
        .current_dir(&root)
        .output()
        .expect("cargo fmt runs");
    assert!(
        out.status.success(),
        "run `cargo fmt`:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The loader's first-paint labels are generated from core's presets and the widget's texts
/// (`sesame_widget::first_paint`). When they are stale this test rewrites them and fails, so
/// the next run (and the commit) has them right.
#[test]
fn first_paint_labels_are_generated_from_core() {
    let root = crate::repo_root();
    let path = root.join("widget/assets/sesame-login.js");
    let loader = std::fs::read_to_string(&path).expect("the loader exists");
    let fresh = sesame_widget::first_paint::regenerate(&loader).unwrap_or_else(|| {
        panic!(
            "{}: the marker lines `{}` and `{}` are missing",
            rel(&root, &path),
            sesame_widget::first_paint::BEGIN,
            sesame_widget::first_paint::END
        )
    });
    if fresh != loader {
        std::fs::write(&path, fresh).expect("rewriting the loader");
        panic!(
            "{} had stale first-paint labels: rewritten, run the tests again",
            rel(&root, &path)
        );
    }
}

/// The portal the demo page presents first (`index.html`): Entr'Actes, whose one method (a
/// password, then a one-time code) opens on the password form, so the page has a first paint
/// to serve. PAACO, SPICO and Nexus open on the method chooser.
const DEMO_PAGE_PRESET: &str = "entractes";

/// The demo page serves the first paint of its default preset inside `<sesame-login>`, so its
/// fields are there as soon as the page is parsed; generated like the loader's labels.
#[test]
fn served_first_paint_is_generated_from_core() {
    let root = crate::repo_root();
    let path = root.join("index.html");
    let page = std::fs::read_to_string(&path).expect("index.html exists");
    let fresh = sesame_widget::first_paint::regenerate_page(&page, DEMO_PAGE_PRESET)
        .unwrap_or_else(|| {
            panic!(
                "{}: the first-paint marker lines are missing",
                rel(&root, &path)
            )
        });
    if fresh != page {
        std::fs::write(&path, fresh).expect("rewriting index.html");
        panic!(
            "{} had a stale served first paint: rewritten, run the tests again",
            rel(&root, &path)
        );
    }
}
