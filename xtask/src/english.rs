//! The English texts the widget loads on demand (`dist/widget/sesame-en.json`): read from the
//! sources, where every text is written once, its French and English side by side
//! (`pick(lang, "…", "…")`, `Text::new("…", "…")` in `core/src` and `widget/src`). The widget's
//! wasm keeps the French alone (core's feature `english-on-demand`) and looks English up in this
//! table, by the French text (ARCHITECTURE.md, "English on demand").
//!
//! Every `pick(` and `Text::new(` outside unit tests must take two string literals: anything
//! else fails here, so no English text can be missed.

use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The table's file name, in `widget/assets/` (for the wasm tests) and in the bundle.
pub(crate) const FILE: &str = "sesame-en.json";

/// The folders whose texts the widget shows.
const SOURCES: [&str; 2] = ["core/src", "widget/src"];

/// Every French text with its English twin (texts the same in both languages left out).
pub(crate) fn pairs(root: &Path) -> Result<BTreeMap<String, String>> {
    let mut table = BTreeMap::new();
    for dir in SOURCES {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files)?;
        files.sort();
        for file in files {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let found = scan(&source).map_err(|(line, e)| {
                anyhow!(
                    "{}:{line}: {e}",
                    file.strip_prefix(root).unwrap_or(&file).display()
                )
            })?;
            for (fr, en) in found {
                if fr == en {
                    continue;
                }
                if let Some(other) = table.insert(fr.clone(), en.clone()) {
                    if other != en {
                        bail!(
                            "{}: the French text {fr:?} has two English texts, {other:?} and \
                             {en:?}: the table is keyed by the French text, make them differ",
                            file.display()
                        );
                    }
                }
            }
        }
    }
    Ok(table)
}

/// The table as the widget reads it: an array of `[french, english]` pairs, one a line (an
/// array, not an object: the widget reads it with the array calls it already imports).
pub(crate) fn json(table: &BTreeMap<String, String>) -> String {
    let lines: Vec<String> = table
        .iter()
        .map(|(fr, en)| serde_json::json!([fr, en]).to_string())
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The `(french, english)` pairs of one file's `pick(_, "…", "…")` and `Text::new("…", "…")`
/// calls, its unit tests (`#[cfg(test)] mod tests`) left out; an error names the line.
fn scan(source: &str) -> Result<Vec<(String, String)>, (usize, String)> {
    let code = blank_comments(source);
    let code = match code.find("\n#[cfg(test)]\nmod tests") {
        Some(at) => &code[..at],
        None => &code[..],
    };
    let mut found = Vec::new();
    for needle in ["pick(", "Text::new("] {
        let mut from = 0;
        while let Some(at) = code[from..].find(needle) {
            let start = from + at;
            from = start + needle.len();
            let line = code[..start].matches('\n').count() + 1;
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"') {
                continue;
            }
            if code[..start].trim_end().ends_with("fn") {
                continue; // the definition
            }
            let err = |e: &str| (line, format!("`{needle}…)`: {e}"));
            let mut rest = &code[from..];
            if needle == "pick(" {
                rest = skip_argument(rest).ok_or_else(|| err("no language argument"))?;
            }
            let (fr, rest) =
                literal(rest).ok_or_else(|| err("the French text is not a string literal"))?;
            let rest = punct(rest, ',').ok_or_else(|| err("expected `,` after the French text"))?;
            let (en, rest) =
                literal(rest).ok_or_else(|| err("the English text is not a string literal"))?;
            let rest = punct(rest, ',').unwrap_or(rest);
            punct(rest, ')').ok_or_else(|| err("expected `)` after the English text"))?;
            found.push((fr, en));
        }
    }
    Ok(found)
}

/// `source` with its comments replaced by spaces (strings, raw strings and characters kept).
fn blank_comments(source: &str) -> String {
    let b = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out.push(' ');
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = source[i + 2..]
                .find("*/")
                .map_or(b.len(), |e| i + 2 + e + 2);
            out.extend(
                source[i..end]
                    .chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' }),
            );
            i = end;
        } else if let Some((_, rest)) = literal(&source[i..]).filter(|_| starts_literal(b, i)) {
            let end = source.len() - rest.len();
            out.push_str(&source[i..end]);
            i = end;
        } else if b[i] == b'\'' && char_literal_len(&source[i..]).is_some() {
            let n = char_literal_len(&source[i..]).unwrap_or(1);
            out.push_str(&source[i..i + n]);
            i += n;
        } else {
            let c = source[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Whether a string literal starts at `i` (`"`, `r"`, `r#"`, not inside an identifier).
fn starts_literal(b: &[u8], i: usize) -> bool {
    let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    b[i] == b'"' || (b[i] == b'r' && !ident_before && matches!(b.get(i + 1), Some(b'"' | b'#')))
}

/// The length of a character literal at the start of `s` (`'a'`, `'\n'`, `'\u{a0}'`, `'"'`),
/// `None` for a lifetime.
fn char_literal_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().skip(1);
    let (_, c) = chars.next()?;
    if c == '\\' {
        let close = s[2..].find('\'')?;
        return Some(2 + close + 1);
    }
    let (at, next) = chars.next()?;
    (next == '\'').then_some(at + 1)
}

/// Skips whitespace, then expects `c`.
fn punct(s: &str, c: char) -> Option<&str> {
    s.trim_start().strip_prefix(c)
}

/// Skips one call argument up to its comma (nested brackets and strings allowed).
fn skip_argument(s: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.checked_sub(1)?,
            '"' => return None,
            ',' if depth == 0 => return Some(&s[i + 1..]),
            _ => {}
        }
    }
    None
}

/// A string literal at the start of `s` (after whitespace), its value and what follows.
fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if let Some(raw) = s.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.find(&close)?;
        return Some((body[..end].to_owned(), &body[end + close.len()..]));
    }
    let body = s.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0' => value.push('\0'),
                    '\\' | '"' | '\'' => value.push(e),
                    'x' => {
                        let hex: String = [chars.next()?.1, chars.next()?.1].iter().collect();
                        value.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
                    }
                    'u' => {
                        chars.next().filter(|(_, c)| *c == '{')?;
                        let mut hex = String::new();
                        for (_, c) in chars.by_ref() {
                            if c == '}' {
                                break;
                            }
                            hex.push(c);
                        }
                        value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    '\n' => {
                        // A line continuation: the newline and the next line's indent go.
                        let rest = &body[i + 2..];
                        let skip = rest.len() - rest.trim_start().len();
                        for _ in rest[..skip].chars() {
                            chars.next();
                        }
                    }
                    _ => return None,
                }
            }
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_read_as_rust_reads_them() {
        let source = r#"fn f(lang: Lang) -> &str {
    // pick(lang, not, code)
    let c = '"';
    pick(lang, "Attention\u{a0}: \"x\" \
                 suite", r"raw \n")
}
fn g() -> Text { i18n::Text::new("Bonjour", "Hello",) }
"#;
        let found = scan(source).unwrap();
        assert_eq!(
            found,
            [
                (
                    "Attention\u{a0}: \"x\" suite".to_owned(),
                    r"raw \n".to_owned()
                ),
                ("Bonjour".to_owned(), "Hello".to_owned()),
            ]
        );
    }

    #[test]
    fn a_text_that_is_not_a_literal_is_refused() {
        let err = scan("fn f() {\n    Text::new(format!(\"{n}\"), \"x\")\n}").unwrap_err();
        assert_eq!(err.0, 2);
        assert!(scan("fn f(l: Lang) { pick(l, FR, \"x\") }").is_err());
        // Unit tests are not scanned.
        assert!(
            scan("fn f() {}\n#[cfg(test)]\nmod tests { Text::new(a, b) }")
                .unwrap()
                .is_empty()
        );
    }

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace")
            .to_path_buf()
    }

    /// `widget/assets/sesame-en.json` (the wasm tests read it; the bundle gets a fresh one) is
    /// the sources' table: rewritten when stale, and the test fails so that it is committed.
    #[test]
    fn the_committed_table_is_up_to_date() {
        let path = root().join("widget").join("assets").join(FILE);
        let fresh = json(&pairs(&root()).unwrap());
        if std::fs::read_to_string(&path).unwrap_or_default() != fresh {
            std::fs::write(&path, &fresh).unwrap();
            panic!("{} was stale: rewritten, commit it", path.display());
        }
    }

    /// Natively English is compiled in: every English text the widget shows is the table's
    /// entry for its French twin (the scan reads literals as Rust does, and misses none).
    #[test]
    fn the_table_gives_every_english_text() {
        use sesame_core::bridge::BridgeError;
        use sesame_core::{ErrorCode, Lang, PortalConfig};
        use sesame_widget::texts::T;
        let table = pairs(&root()).unwrap();
        let check = |fr: &str, en: &str| {
            if fr != en {
                assert_eq!(
                    table.get(fr).map(String::as_str),
                    Some(en),
                    "French: {fr:?}"
                );
            }
        };
        for code in ErrorCode::ALL {
            check(code.text(Lang::Fr), code.text(Lang::En));
        }
        for error in BridgeError::ALL {
            check(error.text(Lang::Fr), error.text(Lang::En));
        }
        for t in [
            T::ForgotPassword,
            T::NoMethod,
            T::NotARobot,
            T::OtherLanguage,
            T::CapsLock,
            T::QrExpired,
            T::CpsHint,
        ] {
            check(t.get(Lang::Fr), t.get(Lang::En));
        }
        // Every bilingual text of every preset: `{"fr": …, "en": …}` in its JSON.
        fn walk(v: &serde_json::Value, check: &dyn Fn(&str, &str)) {
            match v {
                serde_json::Value::Object(o) => {
                    if let (Some(fr), Some(en), 2) = (o.get("fr"), o.get("en"), o.len()) {
                        check(fr.as_str().unwrap(), en.as_str().unwrap());
                    }
                    o.values().for_each(|v| walk(v, check));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, check)),
                _ => {}
            }
        }
        let mut texts = 0;
        for id in PortalConfig::PRESET_IDS {
            let preset = serde_json::to_value(PortalConfig::preset(id).unwrap()).unwrap();
            walk(&preset, &check);
            texts += serde_json::to_string(&preset)
                .unwrap()
                .matches("\"en\":")
                .count();
        }
        assert!(texts > 40, "the presets' texts were walked ({texts})");
    }
}
