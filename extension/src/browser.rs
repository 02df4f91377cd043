//! The WebExtension APIs the extension uses, bound by hand.
//!
//! Why by hand: the crates that bind them (`web-extensions-sys` and the like) follow Chrome's
//! callback signatures or lag the MV3 API, and the extension needs about fifteen calls. Both
//! browsers' MV3 APIs return promises; the loaders set `globalThis.browser` to `chrome` where
//! only that exists (Chromium), so one binding serves both.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `browser.storage.local.get(key)`.
    #[wasm_bindgen(js_namespace = ["browser", "storage", "local"], js_name = get, catch)]
    pub async fn storage_get(key: &str) -> Result<JsValue, JsValue>;
    /// `browser.storage.local.set(items)`.
    #[wasm_bindgen(js_namespace = ["browser", "storage", "local"], js_name = set, catch)]
    pub async fn storage_set(items: &JsValue) -> Result<JsValue, JsValue>;

    /// `browser.bookmarks.search({url})`.
    #[wasm_bindgen(js_namespace = ["browser", "bookmarks"], js_name = search, catch)]
    pub async fn bookmarks_search(query: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.bookmarks.create(details)`.
    #[wasm_bindgen(js_namespace = ["browser", "bookmarks"], js_name = create, catch)]
    pub async fn bookmarks_create(details: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.bookmarks.getTree()`.
    #[wasm_bindgen(js_namespace = ["browser", "bookmarks"], js_name = getTree, catch)]
    pub async fn bookmarks_get_tree() -> Result<JsValue, JsValue>;

    /// `browser.windows.create(details)`.
    #[wasm_bindgen(js_namespace = ["browser", "windows"], js_name = create, catch)]
    pub async fn windows_create(details: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.windows.remove(id)`.
    #[wasm_bindgen(js_namespace = ["browser", "windows"], js_name = remove, catch)]
    pub async fn windows_remove(id: f64) -> Result<JsValue, JsValue>;

    /// `browser.tabs.query(query)`.
    #[wasm_bindgen(js_namespace = ["browser", "tabs"], js_name = query, catch)]
    pub async fn tabs_query(query: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.tabs.create(details)`.
    #[wasm_bindgen(js_namespace = ["browser", "tabs"], js_name = create, catch)]
    pub async fn tabs_create(details: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.tabs.update(id, details)`.
    #[wasm_bindgen(js_namespace = ["browser", "tabs"], js_name = update, catch)]
    pub async fn tabs_update(id: f64, details: &JsValue) -> Result<JsValue, JsValue>;
    /// `browser.windows.update(id, details)`.
    #[wasm_bindgen(js_namespace = ["browser", "windows"], js_name = update, catch)]
    pub async fn windows_update(id: f64, details: &JsValue) -> Result<JsValue, JsValue>;

    /// `browser.runtime.getURL(path)`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = getURL)]
    pub fn runtime_get_url(path: &str) -> String;
    /// `browser.runtime.id`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = id, thread_local_v2)]
    pub static RUNTIME_ID: JsValue;
    /// `browser.runtime.getManifest()`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = getManifest)]
    pub fn runtime_get_manifest() -> JsValue;
    /// `browser.runtime.getPlatformInfo()`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = getPlatformInfo, catch)]
    pub async fn runtime_get_platform_info() -> Result<JsValue, JsValue>;
    /// `browser.runtime.sendMessage(message)`.
    #[wasm_bindgen(js_namespace = ["browser", "runtime"], js_name = sendMessage, catch)]
    pub async fn runtime_send_message(message: &JsValue) -> Result<JsValue, JsValue>;

    /// `browser.commands.getAll()`.
    #[wasm_bindgen(js_namespace = ["browser", "commands"], js_name = getAll, catch)]
    pub async fn commands_get_all() -> Result<JsValue, JsValue>;

    /// Firefox: `browser.pkcs11.isModuleInstalled(name)`.
    #[wasm_bindgen(js_namespace = ["browser", "pkcs11"], js_name = isModuleInstalled, catch)]
    pub async fn pkcs11_is_module_installed(name: &str) -> Result<JsValue, JsValue>;
    /// Firefox: `browser.pkcs11.installModule(name)`.
    #[wasm_bindgen(js_namespace = ["browser", "pkcs11"], js_name = installModule, catch)]
    pub async fn pkcs11_install_module(name: &str) -> Result<JsValue, JsValue>;
    /// Firefox: `browser.pkcs11.uninstallModule(name)`.
    #[wasm_bindgen(js_namespace = ["browser", "pkcs11"], js_name = uninstallModule, catch)]
    pub async fn pkcs11_uninstall_module(name: &str) -> Result<JsValue, JsValue>;

    /// `browser.downloads.download(options)`.
    #[wasm_bindgen(js_namespace = ["browser", "downloads"], js_name = download, catch)]
    pub async fn downloads_download(options: &JsValue) -> Result<JsValue, JsValue>;
}

/// A JSON text as a JS value (`JSON.parse`); `undefined` if it does not parse (it always does:
/// the callers give serde_json's output).
pub fn to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::UNDEFINED)
}

/// A JS value as JSON (through `JSON.stringify`): the text (to measure it) and the value.
/// `None` for what JSON cannot carry (functions, cycles, `undefined`).
pub fn from_js(value: &JsValue) -> Option<(usize, serde_json::Value)> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    let parsed = serde_json::from_str(&text).ok()?;
    Some((text.len(), parsed))
}

/// The member `key` of a JS object, if it is a string.
pub fn string_member(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// The member `key` of a JS object, if it is a number.
pub fn number_member(value: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_f64()
}

/// Whether the browser has the `pkcs11` API (Firefox, with the permission).
pub fn has_pkcs11() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"browser".into())
        .and_then(|b| js_sys::Reflect::get(&b, &"pkcs11".into()))
        .is_ok_and(|p| p.is_object())
}

/// The extension's own version, from its manifest.
pub fn extension_version() -> String {
    string_member(&runtime_get_manifest(), "version").unwrap_or_default()
}
