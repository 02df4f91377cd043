//! `sesame-host install|uninstall [--browser <name>]`: the native messaging manifests that let
//! the extension start this host, for the current user.
//!
//! Linux and macOS: one JSON file per browser in the user's profile folders; after writing,
//! each file is read back and checked. Windows needs registry keys: not supported yet (a clear
//! error, no silent no-op).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sesame_core::host::HOST_NAME;

/// The Firefox extension's id (its manifest's `browser_specific_settings.gecko.id`).
pub const GECKO_ID: &str = "sesame@sesame-sante.invalid";
/// The Chromium extension's origin (its id follows from the key in its manifest).
pub const CHROMIUM_ORIGIN: &str = "chrome-extension://hmhdhpnihiemmckgploobmphehaikjki/";

/// A browser family with its own manifest folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    /// Firefox (and ESR, Developer Edition: one folder).
    Firefox,
    /// Chromium.
    Chromium,
    /// Google Chrome.
    Chrome,
    /// Microsoft Edge.
    Edge,
    /// Brave.
    Brave,
}

impl Browser {
    /// Every browser.
    pub const ALL: [Browser; 5] = [
        Browser::Firefox,
        Browser::Chromium,
        Browser::Chrome,
        Browser::Edge,
        Browser::Brave,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Firefox => "firefox",
            Browser::Chromium => "chromium",
            Browser::Chrome => "chrome",
            Browser::Edge => "edge",
            Browser::Brave => "brave",
        }
    }

    /// Reads a name from the command line.
    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The browser's own folder under `home` (its presence means the browser was used), and
    /// the manifest folder inside it; `None` on an OS without per-user manifest files.
    pub fn dirs(self, home: &Path) -> Option<(PathBuf, PathBuf)> {
        let (profile, hosts): (&str, &str) = if cfg!(target_os = "linux") {
            match self {
                Browser::Firefox => (".mozilla", "native-messaging-hosts"),
                Browser::Chromium => (".config/chromium", "NativeMessagingHosts"),
                Browser::Chrome => (".config/google-chrome", "NativeMessagingHosts"),
                Browser::Edge => (".config/microsoft-edge", "NativeMessagingHosts"),
                Browser::Brave => (
                    ".config/BraveSoftware/Brave-Browser",
                    "NativeMessagingHosts",
                ),
            }
        } else if cfg!(target_os = "macos") {
            match self {
                Browser::Firefox => (
                    "Library/Application Support/Mozilla",
                    "NativeMessagingHosts",
                ),
                Browser::Chromium => (
                    "Library/Application Support/Chromium",
                    "NativeMessagingHosts",
                ),
                Browser::Chrome => (
                    "Library/Application Support/Google/Chrome",
                    "NativeMessagingHosts",
                ),
                Browser::Edge => (
                    "Library/Application Support/Microsoft Edge",
                    "NativeMessagingHosts",
                ),
                Browser::Brave => (
                    "Library/Application Support/BraveSoftware/Brave-Browser",
                    "NativeMessagingHosts",
                ),
            }
        } else {
            return None;
        };
        let profile = home.join(profile);
        let hosts = profile.join(hosts);
        Some((profile, hosts))
    }

    /// The manifest's path under `home`.
    pub fn manifest_path(self, home: &Path) -> Option<PathBuf> {
        self.dirs(home)
            .map(|(_, hosts)| hosts.join(format!("{HOST_NAME}.json")))
    }

    /// The manifest for this browser, starting the host at `exe`.
    pub fn manifest(self, exe: &Path) -> Value {
        let mut m = json!({
            "name": HOST_NAME,
            "description": "Sésame : carte CPS (hôte natif de l'extension)",
            "path": exe.display().to_string(),
            "type": "stdio",
        });
        match self {
            Browser::Firefox => m["allowed_extensions"] = json!([GECKO_ID]),
            _ => m["allowed_origins"] = json!([CHROMIUM_ORIGIN]),
        }
        m
    }
}

/// What `install`/`uninstall` did, one line per browser.
pub type Report = Vec<String>;

/// The browsers to act on: `chosen`, or every browser whose folder exists under `home`.
fn targets(home: &Path, chosen: Option<Browser>) -> Result<Vec<Browser>, String> {
    if let Some(b) = chosen {
        return Ok(vec![b]);
    }
    let found: Vec<Browser> = Browser::ALL
        .into_iter()
        .filter(|b| b.dirs(home).is_some_and(|(profile, _)| profile.is_dir()))
        .collect();
    if found.is_empty() {
        Err(format!(
            "no browser profile found under {}: name one with --browser ({})",
            home.display(),
            Browser::ALL.map(Browser::name).join("|")
        ))
    } else {
        Ok(found)
    }
}

fn unsupported_os() -> String {
    "installing the native messaging manifests is not supported on this OS yet (Windows needs \
     registry keys): install them by hand"
        .into()
}

/// Writes the manifest for each target browser, starting `exe`, then reads each back and
/// checks it.
pub fn install(home: &Path, exe: &Path, chosen: Option<Browser>) -> Result<Report, String> {
    if !exe.is_absolute() {
        return Err(format!(
            "the host's path must be absolute: {}",
            exe.display()
        ));
    }
    let mut report = Vec::new();
    for b in targets(home, chosen)? {
        let path = b.manifest_path(home).ok_or_else(unsupported_os)?;
        let manifest = b.manifest(exe);
        let dir = path.parent().ok_or("manifest path without a folder")?;
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        check(&path, &manifest)?;
        report.push(format!("{}: {} (checked)", b.name(), path.display()));
    }
    Ok(report)
}

/// Reads the manifest at `path` back and compares it with what was meant.
pub fn check(path: &Path, expected: &Value) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let found: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    if &found != expected {
        return Err(format!("{}: not the manifest written", path.display()));
    }
    let exe = found["path"].as_str().unwrap_or_default();
    if !Path::new(exe).is_file() {
        return Err(format!("{}: the host {exe} does not exist", path.display()));
    }
    Ok(())
}

/// Removes the manifest of each target browser (missing ones are not an error).
pub fn uninstall(home: &Path, chosen: Option<Browser>) -> Result<Report, String> {
    let browsers = match chosen {
        Some(b) => vec![b],
        None => Browser::ALL.to_vec(),
    };
    let mut report = Vec::new();
    for b in browsers {
        let path = b.manifest_path(home).ok_or_else(unsupported_os)?;
        match std::fs::remove_file(&path) {
            Ok(()) => report.push(format!("{}: removed {}", b.name(), path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
        if path.exists() {
            return Err(format!("{}: still there", path.display()));
        }
    }
    Ok(report)
}

/// Runs `install`/`uninstall` from the command line (`args` after the subcommand).
pub fn main(subcommand: &str, args: &[String]) -> Result<Report, String> {
    let chosen = match args {
        [] => None,
        [flag, name] if flag == "--browser" => {
            Some(Browser::from_name(name).ok_or_else(|| format!("unknown browser {name}"))?)
        }
        _ => return Err(usage()),
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or("HOME is not set")?;
    match subcommand {
        "install" => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            install(&home, &exe, chosen)
        }
        "uninstall" => uninstall(&home, chosen),
        _ => Err(usage()),
    }
}

/// The command line's help.
pub fn usage() -> String {
    format!(
        "usage: sesame-host install|uninstall [--browser {}]",
        Browser::ALL.map(Browser::name).join("|")
    )
}

#[cfg(all(test, any(target_os = "linux", target_os = "macos")))]
mod tests {
    use super::*;

    fn temp_home(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sesame-host-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn installs_checks_and_uninstalls() {
        let home = temp_home("install");
        let exe = std::env::current_exe().unwrap();
        // No browser profile, no choice: an error saying so.
        assert!(install(&home, &exe, None)
            .unwrap_err()
            .contains("--browser"));
        // Firefox and Chromium used here.
        for b in [Browser::Firefox, Browser::Chromium] {
            std::fs::create_dir_all(b.dirs(&home).unwrap().0).unwrap();
        }
        let report = install(&home, &exe, None).unwrap();
        assert_eq!(report.len(), 2, "{report:?}");
        let ff: Value = serde_json::from_str(
            &std::fs::read_to_string(Browser::Firefox.manifest_path(&home).unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(ff["name"], HOST_NAME);
        assert_eq!(ff["type"], "stdio");
        assert_eq!(ff["allowed_extensions"], json!([GECKO_ID]));
        assert_eq!(ff["path"], exe.display().to_string());
        let cr: Value = serde_json::from_str(
            &std::fs::read_to_string(Browser::Chromium.manifest_path(&home).unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(cr["allowed_origins"], json!([CHROMIUM_ORIGIN]));
        assert!(cr.get("allowed_extensions").is_none());
        if cfg!(target_os = "linux") {
            assert!(Browser::Chrome
                .manifest_path(&home)
                .unwrap()
                .ends_with(".config/google-chrome/NativeMessagingHosts/fr.sesame.host.json"));
        }
        // One browser by name, even without its profile.
        install(&home, &exe, Some(Browser::Chrome)).unwrap();
        assert!(Browser::Chrome.manifest_path(&home).unwrap().is_file());
        // A manifest pointing at a missing host fails its check.
        let bad = Browser::Brave.manifest(Path::new("/nonexistent/sesame-host"));
        let p = home.join("bad.json");
        std::fs::write(&p, bad.to_string()).unwrap();
        assert!(check(&p, &bad).unwrap_err().contains("does not exist"));
        assert!(install(&home, Path::new("relative"), None).is_err());
        let removed = uninstall(&home, None).unwrap();
        assert_eq!(removed.len(), 3, "{removed:?}");
        for b in Browser::ALL {
            assert!(!b.manifest_path(&home).unwrap().exists());
        }
        assert!(uninstall(&home, Some(Browser::Firefox)).unwrap().is_empty());
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn command_line() {
        assert!(main("install", &["--browser".into(), "netscape".into()]).is_err());
        assert!(main("install", &["--bogus".into()]).is_err());
        assert!(main("frobnicate", &[]).is_err());
        assert!(usage().contains("firefox|chromium|chrome"));
    }
}
