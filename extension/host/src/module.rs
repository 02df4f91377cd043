//! Finding the PKCS#11 module that speaks to the card.
//!
//! Order: an explicit path in the environment ([`ENV_MODULE`]), else the `module` of the host's
//! configuration file ([`config_path`]: `host.json` in the user's configuration folder), else
//! the ANS Cryptolib CPS for this OS, else OpenSC. An explicit path (environment or file) is
//! the only one checked; otherwise the first file that exists wins. None gives
//! `module_not_found` naming every path checked.
//!
//! **The configuration file.** A browser starts the host with the browser's own environment,
//! so a test or the demo cannot hand it `SESAME_PKCS11_MODULE`: they write `host.json`
//! instead (`sesame-host install --module PATH [--module-env NAME=VALUE]…`):
//!
//! ```json
//! {"module": "/usr/lib/softhsm/libsofthsm2.so",
//!  "module_env": {"SOFTHSM2_CONF": "/path/softhsm2.conf"}}
//! ```
//!
//! `module` is an absolute path; `module_env` (optional) are variables the module reads, set
//! in the host's environment at start, before the module is loaded ([`apply_env`]): names of
//! `[A-Z0-9_]{1,64}`, values of at most [`MAX_ENV_VALUE_CHARS`] characters without NUL. Unknown
//! keys are refused (a misspelt key would otherwise be silently ignored). The file is read
//! only when [`ENV_MODULE`] is not set: the environment wins as a whole, the file's
//! `module_env` included. A file that cannot be read or is damaged is not skipped: the answer
//! is `module_not_found` whose `checked` list names the file and what is wrong with it, so the
//! person (or the test) sees which file to fix. A missing file is simply not used.
//!
//! Where the file is: Linux and other Unix `$XDG_CONFIG_HOME/sesame/host.json` (when set to an
//! absolute path), else `$HOME/.config/sesame/host.json`; macOS `$HOME/Library/Application
//! Support/Sesame/host.json`; Windows `%APPDATA%\Sesame\host.json` (ASCII folder names: no
//! Unicode normalisation question).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use sesame_core::host::{HostError, CPS_PIN_TRIES};

/// The environment variable naming a PKCS#11 module explicitly.
pub const ENV_MODULE: &str = "SESAME_PKCS11_MODULE";

/// Which software a module is: it tells how many PIN tries the card has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    /// The ANS Cryptolib CPS: CPS cards, blocked after [`CPS_PIN_TRIES`] wrong PINs.
    CryptolibCps,
    /// OpenSC.
    OpenSc,
    /// A module named explicitly (SoftHSM2 in the tests, or another).
    Configured,
}

impl ModuleKind {
    /// PIN tries of a fresh card, when this kind of module implies them.
    pub fn max_pin_tries(self) -> Option<u8> {
        match self {
            ModuleKind::CryptolibCps => Some(CPS_PIN_TRIES),
            ModuleKind::OpenSc | ModuleKind::Configured => None,
        }
    }
}

/// A module found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Its path.
    pub path: PathBuf,
    /// What it is.
    pub kind: ModuleKind,
}

/// The Cryptolib CPS module paths for this OS.
pub fn cryptolib_paths() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &[
            r"C:\Windows\System32\cps3_pkcs11_w64.dll",
            r"C:\Program Files\santesocial\CPS\cps3_pkcs11_w64.dll",
        ]
    } else if cfg!(target_os = "macos") {
        &["/usr/local/lib/libcps3_pkcs11_osx.dylib"]
    } else {
        &["/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so"]
    }
}

/// The OpenSC module paths for this OS.
pub fn opensc_paths() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &[r"C:\Windows\System32\opensc-pkcs11.dll"]
    } else if cfg!(target_os = "macos") {
        &[
            "/Library/OpenSC/lib/opensc-pkcs11.so",
            "/usr/local/lib/opensc-pkcs11.so",
            "/opt/homebrew/lib/opensc-pkcs11.so",
        ]
    } else {
        &[
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib/opensc-pkcs11.so",
            "/usr/lib/pkcs11/opensc-pkcs11.so",
        ]
    }
}

/// Finds the module: `explicit` (from configuration or [`ENV_MODULE`]) when given — and then
/// only it —, else Cryptolib CPS, else OpenSC.
pub fn find(explicit: Option<&Path>) -> Result<Module, HostError> {
    let candidates: Vec<(PathBuf, ModuleKind)> = match explicit {
        Some(p) => vec![(p.to_path_buf(), ModuleKind::Configured)],
        None => cryptolib_paths()
            .iter()
            .map(|p| (PathBuf::from(p), ModuleKind::CryptolibCps))
            .chain(
                opensc_paths()
                    .iter()
                    .map(|p| (PathBuf::from(p), ModuleKind::OpenSc)),
            )
            .collect(),
    };
    candidates
        .iter()
        .find(|(p, _)| p.is_file())
        .map(|(path, kind)| Module {
            path: path.clone(),
            kind: *kind,
        })
        .ok_or_else(|| HostError::ModuleNotFound {
            checked: candidates
                .iter()
                .map(|(p, _)| p.display().to_string())
                .collect(),
        })
}

/// The configuration file's name, in the user's configuration folder ([`config_path`]).
pub const CONFIG_FILE: &str = "host.json";

/// The configuration file's largest accepted size (it holds a path and a few variables).
pub const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// The longest value of a `module_env` variable, in characters.
pub const MAX_ENV_VALUE_CHARS: usize = 4096;

/// The host's configuration file, `host.json` (see the module's documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    /// The PKCS#11 module, an absolute path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<PathBuf>,
    /// Variables set in the host's environment before the module is loaded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub module_env: BTreeMap<String, String>,
}

impl HostConfig {
    /// Reads and checks the file's text; the error says what is wrong, in plain words.
    pub fn parse(text: &str) -> Result<HostConfig, String> {
        let config: HostConfig = serde_json::from_str(text).map_err(|e| {
            format!("not the expected JSON ({e}); expected {{\"module\": \"/path/to/module\", \"module_env\": {{\"NAME\": \"value\"}}}}")
        })?;
        config.check()?;
        Ok(config)
    }

    /// Checks the module's path and the variables' names and values.
    pub fn check(&self) -> Result<(), String> {
        if let Some(module) = &self.module {
            if !module.is_absolute() {
                return Err(format!(
                    "\"module\" must be an absolute path, not {}",
                    module.display()
                ));
            }
        }
        for (name, value) in &self.module_env {
            check_env(name, value)?;
        }
        Ok(())
    }

    /// The file's text (pretty JSON, one final newline).
    pub fn to_json(&self) -> String {
        // A map of strings and a path: serialising cannot fail, but never panic on it.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into()) + "\n"
    }
}

/// A `module_env` variable is acceptable: name of `[A-Z0-9_]{1,64}`, value of at most
/// [`MAX_ENV_VALUE_CHARS`] characters without NUL (which no environment can hold).
pub fn check_env(name: &str, value: &str) -> Result<(), String> {
    let name_ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !name_ok {
        return Err(format!(
            "the variable name {name:?} is not allowed: use 1 to 64 of A-Z, 0-9 and _"
        ));
    }
    if value.chars().count() > MAX_ENV_VALUE_CHARS {
        return Err(format!(
            "the value of {name} is longer than {MAX_ENV_VALUE_CHARS} characters"
        ));
    }
    if value.contains('\0') {
        return Err(format!("the value of {name} contains a NUL character"));
    }
    Ok(())
}

/// Where the configuration file is, from the environment as read by `var` (`HOME`,
/// `XDG_CONFIG_HOME`, `APPDATA`); `None` when the variables it needs are not set.
pub fn config_path(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| {
        var(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if cfg!(target_os = "windows") {
        Some(absolute("APPDATA")?.join("Sesame").join(CONFIG_FILE))
    } else if cfg!(target_os = "macos") {
        Some(
            absolute("HOME")?
                .join("Library/Application Support/Sesame")
                .join(CONFIG_FILE),
        )
    } else {
        let base =
            absolute("XDG_CONFIG_HOME").or_else(|| Some(absolute("HOME")?.join(".config")))?;
        Some(base.join("sesame").join(CONFIG_FILE))
    }
}

/// Reads the configuration file at `path`: `Ok(None)` when there is none, an error in plain
/// words when it cannot be read, is too large or is damaged.
pub fn read_config(path: &Path) -> Result<Option<HostConfig>, String> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!("is larger than {MAX_CONFIG_BYTES} bytes"));
    }
    let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_owned())?;
    HostConfig::parse(&text).map(Some)
}

/// What the host found at start: the module (or why none), and the variables to set before
/// loading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The module, or `module_not_found` naming what was checked.
    pub module: Result<Module, HostError>,
    /// The configuration file's `module_env`, when its module is the one used.
    pub module_env: Vec<(String, String)>,
}

/// Finds the module from the environment as read by `var`: [`ENV_MODULE`], then the
/// configuration file, then the usual paths (see the module's documentation).
pub fn locate(var: impl Fn(&str) -> Option<OsString>) -> Located {
    if let Some(explicit) = var(ENV_MODULE).filter(|v| !v.is_empty()) {
        return Located {
            module: find(Some(Path::new(&explicit))),
            module_env: Vec::new(),
        };
    }
    let Some(path) = config_path(&var) else {
        return Located {
            module: find(None),
            module_env: Vec::new(),
        };
    };
    match read_config(&path) {
        Ok(Some(HostConfig {
            module: Some(module),
            module_env,
        })) => Located {
            module: find(Some(&module)),
            module_env: module_env.into_iter().collect(),
        },
        // No file, or one without a module: its variables go with its module only.
        Ok(_) => Located {
            module: find(None),
            module_env: Vec::new(),
        },
        Err(why) => Located {
            module: Err(HostError::ModuleNotFound {
                checked: vec![format!("{}: {why}", path.display())],
            }),
            module_env: Vec::new(),
        },
    }
}

/// [`locate`] with the process's environment.
pub fn locate_from_env() -> Located {
    locate(|name| std::env::var_os(name))
}

/// Sets the configuration file's variables in this process's environment. Call it at start,
/// while the process has one thread, before the module is loaded (a module reads its
/// variables when it is initialised). The names and values were checked ([`check_env`]);
/// anything else is skipped rather than handed to `set_var`, which would panic on it.
pub fn apply_env(vars: &[(String, String)]) {
    for (name, value) in vars {
        if check_env(name, value).is_ok() {
            std::env::set_var(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_path_is_the_only_one_checked() {
        let e = find(Some(Path::new("/nonexistent/libnothing.so"))).unwrap_err();
        assert_eq!(
            e,
            HostError::ModuleNotFound {
                checked: vec!["/nonexistent/libnothing.so".into()]
            }
        );
        let here = std::env::current_exe().unwrap();
        let m = find(Some(&here)).unwrap();
        assert_eq!(m.kind, ModuleKind::Configured);
        assert_eq!(m.kind.max_pin_tries(), None);
    }

    /// A fresh folder under the system's temporary folder.
    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sesame-module-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// An environment of `pairs` only (never the process's).
    fn env(pairs: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_os_str().to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn parses_the_configuration_file() {
        let c = HostConfig::parse(
            r#"{"module": "/usr/lib/softhsm/libsofthsm2.so",
                "module_env": {"SOFTHSM2_CONF": "/tmp/card/softhsm2.conf"}}"#,
        )
        .unwrap();
        assert_eq!(
            c.module.as_deref(),
            Some(Path::new("/usr/lib/softhsm/libsofthsm2.so"))
        );
        assert_eq!(c.module_env["SOFTHSM2_CONF"], "/tmp/card/softhsm2.conf");
        assert_eq!(HostConfig::parse(&c.to_json()).unwrap(), c);
        // module_env is optional, and so is module.
        let c = HostConfig::parse(r#"{"module": "/opt/m.so"}"#).unwrap();
        assert!(c.module_env.is_empty());
        assert_eq!(c.to_json(), "{\n  \"module\": \"/opt/m.so\"\n}\n");
        assert_eq!(HostConfig::parse("{}").unwrap(), HostConfig::default());

        let long = "x".repeat(MAX_ENV_VALUE_CHARS + 1);
        let refused: [(String, &str); 9] = [
            ("not json".into(), "not the expected JSON"),
            (r#"{"modul": "/opt/m.so"}"#.into(), "unknown field"),
            (r#"{"module": 3}"#.into(), "not the expected JSON"),
            (r#"{"module": "m.so"}"#.into(), "absolute"),
            (
                r#"{"module": "/m.so", "module_env": {"softhsm": "x"}}"#.into(),
                "not allowed",
            ),
            (
                r#"{"module": "/m.so", "module_env": {"A=B": "x"}}"#.into(),
                "not allowed",
            ),
            (
                r#"{"module": "/m.so", "module_env": {"": "x"}}"#.into(),
                "not allowed",
            ),
            (
                format!(r#"{{"module": "/m.so", "module_env": {{"V": "{long}"}}}}"#),
                "longer",
            ),
            (
                r#"{"module": "/m.so", "module_env": {"V": "a\u0000b"}}"#.into(),
                "NUL",
            ),
        ];
        for (text, why) in refused {
            let e = HostConfig::parse(&text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        assert!(check_env(&"A".repeat(64), "").is_ok());
        assert!(check_env(&"A".repeat(65), "").is_err());
        assert!(check_env("SOFTHSM2_CONF", &"é".repeat(MAX_ENV_VALUE_CHARS)).is_ok());
    }

    #[test]
    fn where_the_configuration_file_is() {
        let home = Path::new("/home/k");
        let xdg = Path::new("/xdg");
        let found = config_path(env(&[("HOME", home)]));
        let found_xdg = config_path(env(&[("HOME", home), ("XDG_CONFIG_HOME", xdg)]));
        let relative_xdg = config_path(env(&[("HOME", home), ("XDG_CONFIG_HOME", Path::new("x"))]));
        if cfg!(target_os = "macos") {
            let p = home.join("Library/Application Support/Sesame/host.json");
            assert_eq!(found.as_deref(), Some(p.as_path()));
        } else if cfg!(not(windows)) {
            assert_eq!(found, Some(home.join(".config/sesame/host.json")));
            assert_eq!(found_xdg, Some(xdg.join("sesame/host.json")));
            assert_eq!(relative_xdg, found, "a relative XDG_CONFIG_HOME is ignored");
            assert_eq!(config_path(env(&[])), None);
            assert_eq!(config_path(env(&[("HOME", Path::new(""))])), None);
        }
    }

    #[test]
    fn the_environment_then_the_file_then_the_usual_paths() {
        let dir = temp_dir("precedence");
        let home = dir.join("home");
        let module = dir.join("libmodule.so");
        std::fs::write(&module, b"not really a module").unwrap();
        let config = config_path(env(&[("HOME", &home)])).unwrap();
        let usual = locate(env(&[("HOME", &home)]));
        assert!(usual.module_env.is_empty());

        // The file's module, and its variables.
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        let file = HostConfig {
            module: Some(module.clone()),
            module_env: [("SOFTHSM2_CONF".to_owned(), "/tmp/c.conf".to_owned())].into(),
        };
        std::fs::write(&config, file.to_json()).unwrap();
        let l = locate(env(&[("HOME", &home)]));
        assert_eq!(
            l.module,
            Ok(Module {
                path: module.clone(),
                kind: ModuleKind::Configured
            })
        );
        assert_eq!(
            l.module_env,
            [("SOFTHSM2_CONF".to_owned(), "/tmp/c.conf".to_owned())]
        );

        // The environment wins, as a whole: the file's variables are not used either.
        let other = dir.join("other.so");
        let l = locate(env(&[("HOME", &home), (ENV_MODULE, &other)]));
        assert_eq!(
            l.module,
            Err(HostError::ModuleNotFound {
                checked: vec![other.display().to_string()]
            })
        );
        assert!(l.module_env.is_empty());

        // A configured module that is missing is the only one checked.
        let gone = dir.join("gone.so");
        let file = HostConfig {
            module: Some(gone.clone()),
            ..HostConfig::default()
        };
        std::fs::write(&config, file.to_json()).unwrap();
        assert_eq!(
            locate(env(&[("HOME", &home)])).module,
            Err(HostError::ModuleNotFound {
                checked: vec![gone.display().to_string()]
            })
        );

        // A file without a module: the usual paths, its variables unused.
        std::fs::write(&config, r#"{"module_env": {"A": "b"}}"#).unwrap();
        assert_eq!(locate(env(&[("HOME", &home)])), usual);

        // A damaged file: named, with what is wrong, never skipped.
        for (text, why) in [
            (&b"{\"module\": "[..], "not the expected JSON"),
            (&[0xff, 0xfe][..], "not UTF-8"),
            (&[b' '; MAX_CONFIG_BYTES as usize + 1][..], "larger than"),
        ] {
            std::fs::write(&config, text).unwrap();
            let Err(HostError::ModuleNotFound { checked }) = locate(env(&[("HOME", &home)])).module
            else {
                panic!("a damaged file must give module_not_found");
            };
            assert_eq!(checked.len(), 1);
            assert!(
                checked[0].starts_with(&config.display().to_string()),
                "{checked:?}"
            );
            assert!(checked[0].contains(why), "{checked:?}");
        }
        // A folder where the file should be: cannot be read.
        std::fs::remove_file(&config).unwrap();
        std::fs::create_dir(&config).unwrap();
        let Err(HostError::ModuleNotFound { checked }) = locate(env(&[("HOME", &home)])).module
        else {
            panic!("an unreadable file must give module_not_found");
        };
        assert!(checked[0].contains("cannot be read"), "{checked:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_usual_paths_name_cryptolib_first() {
        match find(None) {
            Ok(m) => assert!(m.path.is_file()),
            Err(HostError::ModuleNotFound { checked }) => {
                assert_eq!(checked[0], cryptolib_paths()[0]);
                assert_eq!(
                    checked.len(),
                    cryptolib_paths().len() + opensc_paths().len()
                );
            }
            Err(e) => panic!("{e}"),
        }
        assert_eq!(ModuleKind::CryptolibCps.max_pin_tries(), Some(3));
    }
}
