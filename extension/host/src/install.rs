//! `sesame-host install|uninstall [--browser <name>]… [--module PATH [--module-env NAME=VALUE]…]`:
//! the native messaging manifests that let the extension start this host, for the current user,
//! and the host's configuration file.
//!
//! Linux and macOS: one JSON file per browser in the user's profile folders; after writing,
//! each file is read back and checked. Windows: the files go in `%APPDATA%\Sesame\
//! NativeMessagingHosts\<browser>\`, and a key of the current user's registry names each
//! ([`Browser::registry_key`]; Firefox's PKCS#11 module likewise), set and read back with
//! `winreg` (compiled on Windows only: checked here with `cargo clippy --target
//! x86_64-pc-windows-gnu`, not run). With `--module`, `install` also writes the host's configuration
//! file ([`crate::module::config_path`], `host.json`) naming that PKCS#11 module and the
//! variables it needs (`--module-env`), read back and checked too; `uninstall` without
//! `--browser` removes it (with `--browser`, the other browsers' hosts still read it).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sesame_core::host::{FIREFOX_PKCS11_NAME, HOST_NAME};

use crate::module::{self, HostConfig};

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
        } else if cfg!(target_os = "windows") {
            // The browser's own folder, and ours for the manifests (the registry points there).
            let profile = match self {
                Browser::Firefox => r"AppData\Roaming\Mozilla",
                Browser::Chromium => r"AppData\Local\Chromium",
                Browser::Chrome => r"AppData\Local\Google\Chrome",
                Browser::Edge => r"AppData\Local\Microsoft\Edge",
                Browser::Brave => r"AppData\Local\BraveSoftware\Brave-Browser",
            };
            let hosts = home
                .join(r"AppData\Roaming\Sesame\NativeMessagingHosts")
                .join(self.name());
            return Some((home.join(profile), hosts));
        } else {
            return None;
        };
        let profile = home.join(profile);
        let hosts = profile.join(hosts);
        Some((profile, hosts))
    }

    /// Windows: the current user's registry key (under `HKEY_CURRENT_USER`) whose default value
    /// names this browser's manifest of the host.
    pub fn registry_key(self) -> String {
        let vendor = match self {
            Browser::Firefox => r"Software\Mozilla",
            Browser::Chromium => r"Software\Chromium",
            Browser::Chrome => r"Software\Google\Chrome",
            Browser::Edge => r"Software\Microsoft\Edge",
            Browser::Brave => r"Software\BraveSoftware\Brave-Browser",
        };
        format!(r"{vendor}\NativeMessagingHosts\{HOST_NAME}")
    }

    /// The manifest's path under `home`.
    pub fn manifest_path(self, home: &Path) -> Option<PathBuf> {
        self.dirs(home)
            .map(|(_, hosts)| hosts.join(format!("{HOST_NAME}.json")))
    }

    /// Firefox's PKCS#11 module manifest under `home` (`pkcs11-modules/` beside the native
    /// messaging folder): what lets the extension's options page install the card's module
    /// into Firefox (`browser.pkcs11.installModule`). `None` for the other browsers.
    pub fn pkcs11_manifest_path(self, home: &Path) -> Option<PathBuf> {
        if self != Browser::Firefox {
            return None;
        }
        if cfg!(target_os = "windows") {
            // Ours, named by the registry key [`PKCS11_REGISTRY_KEY`].
            let (_, hosts) = self.dirs(home)?;
            return Some(hosts.join(format!("{FIREFOX_PKCS11_NAME}.json")));
        }
        let (profile, _) = self.dirs(home)?;
        let folder = if cfg!(target_os = "macos") {
            "PKCS11Modules"
        } else {
            "pkcs11-modules"
        };
        Some(
            profile
                .join(folder)
                .join(format!("{FIREFOX_PKCS11_NAME}.json")),
        )
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

/// The browsers to act on: `chosen`, or (none chosen) every browser whose folder exists under
/// `home`.
fn targets(home: &Path, chosen: &[Browser]) -> Result<Vec<Browser>, String> {
    if !chosen.is_empty() {
        return Ok(chosen.to_vec());
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
    "installing the native messaging manifests is not supported on this OS: install them by hand"
        .into()
}

/// Windows: the registry key naming Firefox's PKCS#11 module manifest.
pub const PKCS11_REGISTRY_KEY: &str = r"Software\Mozilla\PKCS11Modules\sesame_cps";

/// Windows: sets `key`'s default value to `manifest` and reads it back.
#[cfg(windows)]
fn register(key: &str, manifest: &Path) -> Result<(), String> {
    let hkcu = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER);
    let (k, _) = hkcu
        .create_subkey(key)
        .map_err(|e| format!(r"HKCU\{key}: {e}"))?;
    let value = manifest.display().to_string();
    k.set_value("", &value)
        .map_err(|e| format!(r"HKCU\{key}: {e}"))?;
    let read: String = k.get_value("").map_err(|e| format!(r"HKCU\{key}: {e}"))?;
    if read == value {
        Ok(())
    } else {
        Err(format!(r"HKCU\{key}: not the value written"))
    }
}

/// Elsewhere the manifest's place is the registration.
#[cfg(not(windows))]
fn register(_key: &str, _manifest: &Path) -> Result<(), String> {
    Ok(())
}

/// Windows: removes `key` (absent is fine).
#[cfg(windows)]
fn unregister(key: &str) -> Result<(), String> {
    let hkcu = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER);
    match hkcu.delete_subkey_all(key) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!(r"HKCU\{key}: {e}")),
    }
}

#[cfg(not(windows))]
fn unregister(_key: &str) -> Result<(), String> {
    Ok(())
}

/// Writes the manifest for each target browser, starting `exe`, then reads each back and
/// checks it; then, when given, the configuration file `config` (its path and contents).
pub fn install(
    home: &Path,
    exe: &Path,
    chosen: &[Browser],
    config: Option<(&Path, &HostConfig)>,
) -> Result<Report, String> {
    if !exe.is_absolute() {
        return Err(format!(
            "the host's path must be absolute: {}",
            exe.display()
        ));
    }
    if let Some((_, c)) = config {
        c.check()?;
        if let Some(m) = &c.module {
            if !m.is_file() {
                return Err(format!("the module {} does not exist", m.display()));
            }
        }
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
        register(&b.registry_key(), &path)?;
        report.push(format!("{}: {} (checked)", b.name(), path.display()));
        let module = config
            .and_then(|(_, c)| c.module.clone())
            .or_else(|| module::find(None).ok().map(|m| m.path));
        if let (Some(pkcs11), Some(module)) = (b.pkcs11_manifest_path(home), module) {
            let m = pkcs11_manifest(&module);
            write_json(&pkcs11, &m)?;
            register(PKCS11_REGISTRY_KEY, &pkcs11)?;
            report.push(format!(
                "{}: {} (the card's module {}, for Firefox's TLS client authentication)",
                b.name(),
                pkcs11.display(),
                module.display()
            ));
        }
    }
    if let Some((path, c)) = config {
        write_config(path, c)?;
        let module = c
            .module
            .as_deref()
            .unwrap_or(Path::new("(the usual paths)"));
        report.push(format!(
            "config: {} (module {}{}; checked)",
            path.display(),
            module.display(),
            c.module_env
                .keys()
                .map(|k| format!(", {k}"))
                .collect::<String>()
        ));
    }
    Ok(report)
}

/// Firefox's PKCS#11 module manifest for `module`.
pub fn pkcs11_manifest(module: &Path) -> Value {
    json!({
        "name": FIREFOX_PKCS11_NAME,
        "description": "Sésame : carte CPS (authentification TLS)",
        "type": "pkcs11",
        "path": module.display().to_string(),
        "allowed_extensions": [GECKO_ID],
    })
}

fn write_json(path: &Path, value: &Value) -> Result<(), String> {
    let dir = path.parent().ok_or("a path without a folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the configuration file and reads it back as the host will.
fn write_config(path: &Path, config: &HostConfig) -> Result<(), String> {
    let dir = path.parent().ok_or("config path without a folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(path, config.to_json()).map_err(|e| format!("{}: {e}", path.display()))?;
    match module::read_config(path) {
        Ok(Some(found)) if &found == config => Ok(()),
        Ok(_) => Err(format!("{}: not the configuration written", path.display())),
        Err(why) => Err(format!("{}: {why}", path.display())),
    }
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

/// Removes the manifest of each target browser (every browser when none is chosen; missing ones
/// are not an error), and the configuration file `config` when given.
pub fn uninstall(home: &Path, chosen: &[Browser], config: Option<&Path>) -> Result<Report, String> {
    let browsers = if chosen.is_empty() {
        Browser::ALL.to_vec()
    } else {
        chosen.to_vec()
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
        unregister(&b.registry_key())?;
        if let Some(pkcs11) = b.pkcs11_manifest_path(home) {
            match std::fs::remove_file(&pkcs11) {
                Ok(()) => {
                    unregister(PKCS11_REGISTRY_KEY)?;
                    report.push(format!("{}: removed {}", b.name(), pkcs11.display()))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("{}: {e}", pkcs11.display())),
            }
        }
    }
    if let Some(path) = config {
        match std::fs::remove_file(path) {
            Ok(()) => report.push(format!("config: removed {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Ok(report)
}

/// The command line after the subcommand.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    browsers: Vec<Browser>,
    config: Option<HostConfig>,
}

fn parse(subcommand: &str, args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut module = None;
    let mut env = Vec::new();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{}", usage()))
        };
        match flag.as_str() {
            "--browser" => {
                let name = value()?;
                let b = Browser::from_name(name)
                    .ok_or_else(|| format!("unknown browser {name}\n{}", usage()))?;
                if !o.browsers.contains(&b) {
                    o.browsers.push(b);
                }
            }
            "--module" if subcommand == "install" => module = Some(PathBuf::from(value()?)),
            "--module-env" if subcommand == "install" => {
                let pair = value()?;
                let (name, val) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--module-env {pair}: expected NAME=VALUE"))?;
                env.push((name.to_owned(), val.to_owned()));
            }
            _ => return Err(format!("unknown option {flag}\n{}", usage())),
        }
    }
    match module {
        Some(m) => {
            let m =
                std::path::absolute(&m).map_err(|e| format!("--module {}: {e}", m.display()))?;
            let config = HostConfig {
                module: Some(m),
                module_env: env.into_iter().collect(),
            };
            config.check()?;
            o.config = Some(config);
        }
        None if !env.is_empty() => return Err("--module-env goes with --module".into()),
        None => {}
    }
    Ok(o)
}

/// Runs `install`/`uninstall` from the command line (`args` after the subcommand).
pub fn main(subcommand: &str, args: &[String]) -> Result<Report, String> {
    if !matches!(subcommand, "install" | "uninstall") {
        return Err(usage());
    }
    let o = parse(subcommand, args)?;
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE").filter(|_| cfg!(windows)))
        .map(PathBuf::from)
        .ok_or("HOME is not set")?;
    let var = |name: &str| -> Option<OsString> { std::env::var_os(name) };
    let config_path = module::config_path(var);
    match subcommand {
        "install" => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let config = match (&o.config, &config_path) {
                (Some(c), Some(p)) => Some((p.as_path(), c)),
                (Some(_), None) => {
                    return Err("no configuration folder: HOME (or APPDATA) is not set".into())
                }
                (None, _) => None,
            };
            let mut report = install(&home, &exe, &o.browsers, config)?;
            report.extend(confined_browsers(&home, Path::new("/")));
            Ok(report)
        }
        _ => {
            let config = config_path.as_deref().filter(|_| o.browsers.is_empty());
            uninstall(&home, &o.browsers, config)
        }
    }
}

/// Browsers packaged as Snap or Flatpak under `root` (`/`) and `home`: their sandbox keeps them
/// from starting a program of the system such as `sesame-host`, so the manifests written above
/// do not reach them. One warning each, with the fix.
pub fn confined_browsers(home: &Path, root: &Path) -> Vec<String> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let snaps = [("firefox", "Firefox"), ("chromium", "Chromium")];
    let flatpaks = [
        ("org.mozilla.firefox", "Firefox"),
        ("org.chromium.Chromium", "Chromium"),
        ("com.google.Chrome", "Chrome"),
        ("com.microsoft.Edge", "Edge"),
        ("com.brave.Browser", "Brave"),
    ];
    let mut out = Vec::new();
    for (snap, name) in snaps {
        if root.join("snap/bin").join(snap).exists() || home.join("snap").join(snap).is_dir() {
            out.push(format!(
                "warning: {name} is a Snap here: its sandbox cannot start sesame-host, so CPS \
                 card login will not work in it (Snap's native messaging needs the \
                 WebExtensions portal). Fix: use {name} from a .deb package (Mozilla's APT \
                 repository for Firefox) or another browser."
            ));
        }
    }
    for (id, name) in flatpaks {
        if home.join(".var/app").join(id).is_dir() {
            out.push(format!(
                "warning: {name} is a Flatpak here ({id}): its sandbox cannot start \
                 sesame-host, so CPS card login will not work in it. Fix: use {name} from \
                 a .deb package, or another browser."
            ));
        }
    }
    out
}

/// The command line's help.
pub fn usage() -> String {
    let browsers = Browser::ALL.map(Browser::name).join("|");
    format!(
        "usage: sesame-host install [--browser {browsers}]... [--module PATH [--module-env NAME=VALUE]...]\n       \
         sesame-host uninstall [--browser {browsers}]...\n\
         Without --browser: every browser whose profile folder exists (install), every browser \
         (uninstall). --module writes the host's configuration file (host.json) naming that \
         PKCS#11 module and the variables it needs; uninstall without --browser removes it."
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
        assert!(install(&home, &exe, &[], None)
            .unwrap_err()
            .contains("--browser"));
        // Firefox and Chromium used here.
        for b in [Browser::Firefox, Browser::Chromium] {
            std::fs::create_dir_all(b.dirs(&home).unwrap().0).unwrap();
        }
        let report = install(&home, &exe, &[], None).unwrap();
        // Plus Firefox's PKCS#11 module manifest where a card module is installed here.
        let found = usize::from(module::find(None).is_ok());
        assert_eq!(report.len(), 2 + found, "{report:?}");
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
        install(&home, &exe, &[Browser::Chrome], None).unwrap();
        assert!(Browser::Chrome.manifest_path(&home).unwrap().is_file());
        // A manifest pointing at a missing host fails its check.
        let bad = Browser::Brave.manifest(Path::new("/nonexistent/sesame-host"));
        let p = home.join("bad.json");
        std::fs::write(&p, bad.to_string()).unwrap();
        assert!(check(&p, &bad).unwrap_err().contains("does not exist"));
        assert!(install(&home, Path::new("relative"), &[], None).is_err());
        let removed = uninstall(&home, &[], None).unwrap();
        assert_eq!(removed.len(), 3 + found, "{removed:?}");
        for b in Browser::ALL {
            assert!(!b.manifest_path(&home).unwrap().exists());
        }
        assert!(uninstall(&home, &[Browser::Firefox], None)
            .unwrap()
            .is_empty());
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn windows_registry_keys_name_each_browser_and_the_host() {
        assert_eq!(
            Browser::Firefox.registry_key(),
            r"Software\Mozilla\NativeMessagingHosts\fr.sesame.host"
        );
        assert_eq!(
            Browser::Chrome.registry_key(),
            r"Software\Google\Chrome\NativeMessagingHosts\fr.sesame.host"
        );
        assert_eq!(
            Browser::Edge.registry_key(),
            r"Software\Microsoft\Edge\NativeMessagingHosts\fr.sesame.host"
        );
        assert!(PKCS11_REGISTRY_KEY.ends_with(FIREFOX_PKCS11_NAME));
    }

    #[test]
    fn snap_and_flatpak_browsers_are_named_with_the_fix() {
        let home = temp_home("confined");
        let root = home.join("root");
        assert!(confined_browsers(&home, &root).is_empty());
        std::fs::create_dir_all(root.join("snap/bin")).unwrap();
        std::fs::write(root.join("snap/bin/firefox"), b"").unwrap();
        std::fs::create_dir_all(home.join(".var/app/org.chromium.Chromium")).unwrap();
        let said = confined_browsers(&home, &root);
        if cfg!(target_os = "linux") {
            assert_eq!(said.len(), 2, "{said:?}");
            assert!(said[0].contains("Firefox is a Snap") && said[0].contains("Fix:"));
            assert!(said[1].contains("Chromium is a Flatpak") && said[1].contains("Fix:"));
        }
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn writes_the_configuration_file_where_the_host_reads_it() {
        let home = temp_home("config");
        let exe = std::env::current_exe().unwrap();
        // What the e2e tests do: HOME is the browser's profile folder, XDG_CONFIG_HOME unset.
        let config_path = module::config_path(|name| match name {
            "HOME" => Some(home.clone().into_os_string()),
            _ => None,
        })
        .unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(config_path, home.join(".config/sesame/host.json"));
            assert_eq!(
                Browser::Firefox.manifest_path(&home).unwrap(),
                home.join(".mozilla/native-messaging-hosts/fr.sesame.host.json")
            );
            assert_eq!(
                Browser::Chromium.manifest_path(&home).unwrap(),
                home.join(".config/chromium/NativeMessagingHosts/fr.sesame.host.json")
            );
        }
        let module_file = home.join("libsofthsm2.so");
        std::fs::write(&module_file, b"module").unwrap();
        let config = HostConfig {
            module: Some(module_file.clone()),
            module_env: [(
                "SOFTHSM2_CONF".to_owned(),
                "/tmp/c/softhsm2.conf".to_owned(),
            )]
            .into(),
        };
        let both = [Browser::Firefox, Browser::Chromium];
        let report = install(&home, &exe, &both, Some((&config_path, &config))).unwrap();
        assert_eq!(report.len(), 4, "{report:?}");
        let said = report.last().unwrap();
        assert!(said.starts_with("config: "), "{report:?}");
        assert!(said.contains("SOFTHSM2_CONF"), "{report:?}");
        assert!(!said.contains("/tmp/c"), "names, not values: {report:?}");
        // Firefox also gets the card's module for its TLS client authentication.
        let pkcs11 = Browser::Firefox.pkcs11_manifest_path(&home).unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(pkcs11, home.join(".mozilla/pkcs11-modules/sesame_cps.json"));
        }
        let m: Value = serde_json::from_str(&std::fs::read_to_string(&pkcs11).unwrap()).unwrap();
        assert_eq!(m["name"], FIREFOX_PKCS11_NAME);
        assert_eq!(m["type"], "pkcs11");
        assert_eq!(m["path"], module_file.display().to_string());
        assert_eq!(m["allowed_extensions"], json!([GECKO_ID]));
        assert_eq!(Browser::Chromium.pkcs11_manifest_path(&home), None);
        assert_eq!(module::read_config(&config_path), Ok(Some(config.clone())));
        // The host started with that HOME finds the module and its variables.
        let located = module::locate(|name| match name {
            "HOME" => Some(home.clone().into_os_string()),
            _ => None,
        });
        assert_eq!(located.module.unwrap().path, module_file);
        assert_eq!(
            located.module_env,
            [(
                "SOFTHSM2_CONF".to_owned(),
                "/tmp/c/softhsm2.conf".to_owned()
            )]
        );
        // A missing module is refused before anything is written.
        let missing = HostConfig {
            module: Some(home.join("nothing.so")),
            ..HostConfig::default()
        };
        let other = home.join("other.json");
        let e = install(&home, &exe, &both, Some((&other, &missing))).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        assert!(!other.exists());
        // Uninstalling one browser keeps the file; all of them removes it.
        uninstall(&home, &[Browser::Firefox], None).unwrap();
        assert!(!pkcs11.exists());
        assert!(config_path.is_file());
        let removed = uninstall(&home, &[], Some(&config_path)).unwrap();
        assert!(
            removed.last().unwrap().starts_with("config: removed"),
            "{removed:?}"
        );
        assert!(!config_path.exists());
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn parses_the_options() {
        let a = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
        let o = parse(
            "install",
            &a(&[
                "--browser",
                "firefox",
                "--module",
                "/usr/lib/softhsm/libsofthsm2.so",
                "--module-env",
                "SOFTHSM2_CONF=/tmp/a=b.conf",
                "--browser",
                "chromium",
            ]),
        )
        .unwrap();
        assert_eq!(o.browsers, [Browser::Firefox, Browser::Chromium]);
        let c = o.config.unwrap();
        assert_eq!(
            c.module.as_deref(),
            Some(Path::new("/usr/lib/softhsm/libsofthsm2.so"))
        );
        assert_eq!(c.module_env["SOFTHSM2_CONF"], "/tmp/a=b.conf");
        // A relative module path is made absolute (the browser starts the host elsewhere).
        let c = parse("install", &a(&["--module", "m.so"]))
            .unwrap()
            .config
            .unwrap();
        assert!(c.module.unwrap().is_absolute());
        for bad in [
            &["--module-env", "A=b"][..],
            &["--module", "/m.so", "--module-env", "lower=b"],
            &["--module", "/m.so", "--module-env", "NOEQUALS"],
            &["--module"],
            &["--browser", "netscape"],
            &["--bogus"],
        ] {
            assert!(parse("install", &a(bad)).is_err(), "{bad:?}");
        }
        assert!(parse("uninstall", &a(&["--module", "/m.so"])).is_err());
        assert_eq!(parse("uninstall", &a(&[])).unwrap(), Options::default());
    }

    #[test]
    fn command_line() {
        assert!(main("install", &["--browser".into(), "netscape".into()]).is_err());
        assert!(main("install", &["--bogus".into()]).is_err());
        assert!(main("frobnicate", &[]).is_err());
        assert!(usage().contains("firefox|chromium|chrome"));
    }
}
