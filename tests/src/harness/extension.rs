//! The browser extension in a session: where its unpacked folders are (`cargo xtask test` sets
//! [`EXTENSION_ENV`] to `dist/extension/`), what each browser needs to load it, and the fixed
//! addresses of its pages.
//!
//! - Chromium loads the folder from its command line (`--load-extension`); its id is fixed by
//!   the manifest's `key` (xtask writes it from `extension/chromium.key`): [`CHROMIUM_ID`].
//! - Firefox installs it as a temporary add-on once the session is up (geckodriver's
//!   `moz/addon/install`, in [`Session::start_with_extension`](super::Session)); the
//!   `moz-extension://` uuid is random unless the profile names it, which
//!   [`firefox_options`] does: [`FIREFOX_UUID`]. Its WebDriver opens such pages only with
//!   system access allowed ([`Driver::start_for_extension`](super::driver::Driver)).

use super::session::Browser;
use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The environment variable naming `dist/extension/`, which holds one unpacked folder per
/// browser (`firefox/`, `chromium/`).
pub const EXTENSION_ENV: &str = "SESAME_EXTENSION_DIR";

/// Chromium's id of the extension, fixed by the manifest's `key` (xtask checks the pair).
pub const CHROMIUM_ID: &str = "hmhdhpnihiemmckgploobmphehaikjki";

/// Firefox's id of the extension (`browser_specific_settings.gecko.id`, written by xtask).
pub const GECKO_ID: &str = "sesame@sesame-sante.invalid";

/// The uuid of the extension's `moz-extension://` origin in the tests' Firefox profiles.
pub const FIREFOX_UUID: &str = "5e5a3e00-c0de-4e2e-9e5a-000000000001";

/// The unpacked extension for `browser`: `$SESAME_EXTENSION_DIR/<browser>`.
pub fn unpacked_dir(browser: Browser) -> Result<PathBuf> {
    let dist = std::env::var_os(EXTENSION_ENV)
        .map(PathBuf::from)
        .with_context(|| {
            format!(
                "{EXTENSION_ENV} is not set: run the e2e tests through `cargo xtask test`, which \
             builds the extension and sets it (or set it to dist/extension after `cargo xtask \
             dist`)"
            )
        })?;
    Ok(dist.join(browser.name()))
}

/// The address of the extension's page `path` in `browser`.
pub fn page_url(browser: Browser, path: &str) -> String {
    let path = path.trim_start_matches('/');
    match browser {
        Browser::Chromium => format!("chrome-extension://{CHROMIUM_ID}/{path}"),
        Browser::Firefox => format!("moz-extension://{FIREFOX_UUID}/{path}"),
    }
}

/// Adds to `goog:chromeOptions` what loading the unpacked extension in `dir` needs: the folder
/// on the command line, every other extension off, and `enableExtensionTargets`, without which
/// ChromeDriver leaves out of its window handles every tab that opens on a
/// `chrome-extension://` page (the confirmation popups of `windows.create`). ChromeDriver 156
/// adds no `--disable-extensions` of its own (its launch line, seen with `--verbose`), so no
/// `excludeSwitches`; Chromium, unlike branded Chrome, still honours `--load-extension`.
pub(super) fn chromium_options(options: &mut Value, dir: &Path) {
    if let Some(args) = options["args"].as_array_mut() {
        args.push(json!(format!("--load-extension={}", dir.display())));
        args.push(json!(format!(
            "--disable-extensions-except={}",
            dir.display()
        )));
    }
    options["enableExtensionTargets"] = json!(true);
}

/// Adds to `moz:firefoxOptions` the prefs of a session with the extension: its
/// `moz-extension://` uuid fixed ([`FIREFOX_UUID`]), and the host permissions it asks for
/// granted without a prompt, as a person accepting them at install would. (Opening its pages
/// also needs geckodriver's `--allow-system-access`: `Driver::start_for_extension`.)
pub(super) fn firefox_options(options: &mut Value) {
    options["prefs"] = firefox_prefs();
}

fn firefox_prefs() -> Value {
    json!({
        "extensions.webextensions.uuids": json!({ GECKO_ID: FIREFOX_UUID }).to_string(),
        "extensions.webextOptionalPermissionPrompts": false,
        "extensions.originControls.grantByDefault": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_fixed_addresses() {
        assert_eq!(
            page_url(Browser::Chromium, "options.html"),
            "chrome-extension://hmhdhpnihiemmckgploobmphehaikjki/options.html"
        );
        assert_eq!(
            page_url(Browser::Firefox, "/popup.html"),
            format!("moz-extension://{FIREFOX_UUID}/popup.html")
        );
    }

    #[test]
    fn the_uuid_pref_is_a_json_string_naming_the_add_on() {
        let prefs = firefox_prefs();
        let map: Value =
            serde_json::from_str(prefs["extensions.webextensions.uuids"].as_str().unwrap())
                .unwrap();
        assert_eq!(map[GECKO_ID], FIREFOX_UUID);
    }
}
