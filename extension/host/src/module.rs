//! Finding the PKCS#11 module that speaks to the card.
//!
//! Order: an explicit path ([`ENV_MODULE`], for SoftHSM2 in tests or a site's own module), then
//! the ANS Cryptolib CPS for this OS, then OpenSC. The first file that exists wins; none gives
//! `module_not_found` naming every path checked.

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

/// Finds the module named by [`ENV_MODULE`] if set (and not empty), else the usual ones.
pub fn find_from_env() -> Result<Module, HostError> {
    let explicit = std::env::var_os(ENV_MODULE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    find(explicit.as_deref())
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
