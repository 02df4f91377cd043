//! Portals from JSON configuration files, beside core's five presets: `SESAME_PORTALS` (files
//! or folders of `*.json`, comma-separated) read at start, and `sesame-demo check-config FILE…`
//! for portal teams. Both go through core's one check, `PortalConfig::check`, and report every
//! problem as `FILE:LINE:COLUMN: PATH: message`.

use anyhow::Context;
use sesame_core::{PortalConfig, PortalId};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Core's presets without the "not a robot" step they ask after failures (Entr'Actes', asked
/// at every login, stays): for the tests and benches that count failures — brute-force
/// delays and locks, login latency by outcome —, which the step (after 3) would stop before
/// the password is checked. The step itself is tested on its own.
pub fn presets_without_captcha_after_failures() -> Vec<PortalConfig> {
    use sesame_core::captcha::CaptchaRequired;
    PortalConfig::presets()
        .into_iter()
        .map(|mut p| {
            if p.captcha
                .as_ref()
                .is_some_and(|c| c.required != CaptchaRequired::Always)
            {
                p.captcha = None;
                for offer in &mut p.methods {
                    let steps: Vec<_> = offer
                        .steps()
                        .iter()
                        .copied()
                        .filter(|s| *s != sesame_core::Step::Captcha)
                        .collect();
                    offer.steps = steps;
                }
            }
            p
        })
        .collect()
}

/// The largest configuration file read (1 MiB; the presets are about 4 KB): beyond it the file
/// is refused unread.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The sample configuration of an invented sixth portal, `ceviane` (README, "Your own portal").
pub fn sample_path() -> PathBuf {
    crate::config::repo_root()
        .join("demo")
        .join("portals")
        .join("example.json")
}

/// 1-based line and column (characters) of the byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads and checks one configuration file: the portal, or every problem found, each a line
/// `FILE:LINE:COLUMN: PATH: message` (`FILE: message` when the file cannot be read as text).
/// Never panics, whatever the file holds.
pub fn read(path: &Path) -> Result<PortalConfig, Vec<String>> {
    let name = path.display();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(vec![format!("{name}: cannot read the file: {e}")]);
    }
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(vec![format!(
            "{name}: larger than {} MiB, not read further: not a portal configuration",
            MAX_CONFIG_BYTES / (1024 * 1024)
        )]);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = line_column(&prefix, valid);
            return Err(vec![format!(
                "{name}:{line}:{column}: not UTF-8 text (byte {valid}): a configuration is JSON in \
                 UTF-8"
            )]);
        }
    };
    PortalConfig::check(&text).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| format!("{name}:{p}"))
            .collect()
    })
}

/// The files `SESAME_PORTALS` names: each file as given, each folder's `*.json` files in name
/// order.
fn files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("SESAME_PORTALS: cannot list {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Loads the portals of `SESAME_PORTALS` (see [`crate::Config::portal_files`]); one error
/// listing every problem of every refused file, and a portal id given twice, or already a
/// preset's, is refused too.
pub fn load(paths: &[PathBuf]) -> anyhow::Result<Vec<PortalConfig>> {
    let mut portals = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<PortalId, PathBuf> = PortalConfig::presets()
        .into_iter()
        .map(|p| (p.id, PathBuf::from("core's presets")))
        .collect();
    for file in files(paths)? {
        match read(&file) {
            Ok(portal) => {
                if let Some(first) = seen.get(&portal.id) {
                    problems.push(format!(
                        "{}: portal id {:?} is already in {}",
                        file.display(),
                        portal.id.as_str(),
                        first.display()
                    ));
                } else {
                    seen.insert(portal.id.clone(), file.clone());
                    portals.push(portal);
                }
            }
            Err(found) => problems.extend(found),
        }
    }
    anyhow::ensure!(
        problems.is_empty(),
        "SESAME_PORTALS: refused\n{}",
        problems.join("\n")
    );
    Ok(portals)
}

/// `sesame-demo check-config FILE…`: what to print on stdout and on stderr, and whether every
/// file is a valid configuration (exit code 0, else 1).
pub fn check_config_cli(args: &[String]) -> (bool, String, String) {
    if args.is_empty() || args.iter().any(|a| a == "-h" || a == "--help") {
        return (
            false,
            String::new(),
            format!(
                "usage: sesame-demo check-config FILE…\nChecks portal configuration files \
                 (JSON, at most {} MiB each) and prints every problem as \
                 FILE:LINE:COLUMN: PATH: message.\nThe schema for editors: \
                 widget/assets/sesame-portal.schema.json.\n",
                MAX_CONFIG_BYTES / (1024 * 1024)
            ),
        );
    }
    let mut ok = true;
    let mut out = String::new();
    let mut err = String::new();
    for arg in args {
        let path = Path::new(arg);
        match read(path) {
            Ok(portal) => {
                out.push_str(&format!(
                    "{arg}: valid configuration for portal {}\n",
                    portal.id
                ));
            }
            Err(problems) => {
                ok = false;
                for p in &problems {
                    err.push_str(p);
                    err.push('\n');
                }
                let n = problems.len();
                err.push_str(&format!(
                    "{arg}: {n} problem{}, not a valid configuration\n",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
    }
    (ok, out, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_a_valid_sixth_portal() {
        let portal = read(&sample_path()).unwrap();
        assert_eq!(portal.id.as_str(), "ceviane");
        assert!(PortalConfig::preset("ceviane").is_none());
        assert_eq!(load(&[sample_path()]).unwrap(), [portal]);
    }
}
