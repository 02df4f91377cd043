//! Shortcuts to an enabled portal: a bookmark in the toolbar (never a duplicate), a keyboard
//! command that opens or focuses its tab, a desktop shortcut file for the person's system.

use serde_json::Value;

/// The bookmarks toolbar's folder id in a `bookmarks.getTree()` result: Firefox's
/// `toolbar_____`, Chromium's bookmark bar (`"1"`); `None` (the browser's default folder) if
/// neither is there.
pub fn toolbar_folder(tree: &Value) -> Option<String> {
    let children = tree.get(0)?.get("children")?.as_array()?;
    let ids: Vec<&str> = children
        .iter()
        .filter_map(|c| c.get("id")?.as_str())
        .collect();
    ["toolbar_____", "1"]
        .into_iter()
        .find(|id| ids.contains(id))
        .map(str::to_owned)
}

/// The tab to focus for a portal in a `tabs.query({})` result: the first whose URL is on the
/// portal's origin; `(tab id, window id)`.
pub fn tab_on_origin(tabs: &Value, origin: &str) -> Option<(f64, f64)> {
    tabs.as_array()?.iter().find_map(|t| {
        let url = t.get("url")?.as_str()?;
        let on = url
            .strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
        on.then(|| Some((t.get("id")?.as_f64()?, t.get("windowId")?.as_f64()?)))
            .flatten()
    })
}

#[cfg(target_arch = "wasm32")]
mod effects {
    use super::*;
    use crate::browser::{self, from_js, to_js};
    use serde_json::json;
    use sesame_core::bridge::{EnabledPortal, ShortcutKind};
    use wasm_bindgen::{JsCast, JsValue};

    /// How many bookmarks point at `url`.
    pub async fn bookmark_count(url: &str) -> Result<usize, JsValue> {
        let found = browser::bookmarks_search(&to_js(&json!({ "url": url }))).await?;
        Ok(js_sys::Array::from(&found).length() as usize)
    }

    /// A bookmark to the portal's start page in the toolbar, unless one exists: whether one
    /// was created.
    pub async fn ensure_bookmark(portal: &EnabledPortal) -> Result<bool, JsValue> {
        if bookmark_count(&portal.start_url).await? > 0 {
            return Ok(false);
        }
        let tree = browser::bookmarks_get_tree().await?;
        let mut details = json!({ "title": portal.name, "url": portal.start_url });
        if let Some(folder) = from_js(&tree).and_then(|(_, t)| toolbar_folder(&t)) {
            details["parentId"] = folder.into();
        }
        browser::bookmarks_create(&to_js(&details)).await?;
        Ok(true)
    }

    /// Focuses a tab already on the portal, or opens its start page in a new one.
    pub async fn open_portal(portal: &EnabledPortal) -> Result<(), JsValue> {
        let tabs = browser::tabs_query(&to_js(&json!({}))).await?;
        let found = from_js(&tabs).and_then(|(_, t)| tab_on_origin(&t, portal.origin.as_str()));
        match found {
            Some((tab, window)) => {
                browser::tabs_update(tab, &to_js(&json!({ "active": true }))).await?;
                browser::windows_update(window, &to_js(&json!({ "focused": true }))).await?;
            }
            None => {
                browser::tabs_create(&to_js(&json!({ "url": portal.start_url }))).await?;
            }
        }
        Ok(())
    }

    /// Offers the portal's desktop shortcut file for the person's system as a download
    /// (from an extension page: the blob URL needs a document).
    pub async fn download_shortcut(portal: &EnabledPortal) -> Result<(), JsValue> {
        let info = browser::runtime_get_platform_info().await?;
        let os = browser::string_member(&info, "os").unwrap_or_default();
        let kind = ShortcutKind::for_os(&os);
        let text = kind.contents(&portal.name, &portal.start_url);
        let parts = js_sys::Array::of1(&JsValue::from_str(&text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/octet-stream");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let details = json!({
            "url": url,
            "filename": kind.file_name(&portal.name),
            "saveAs": true,
        });
        let result = browser::downloads_download(&to_js(&details)).await;
        // The download has its own copy once started; the URL can go after a while.
        let later = url.clone();
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(60_000).await;
            let _ = web_sys::Url::revoke_object_url(&later);
        });
        result.map(drop)
    }

    /// The shortcut keys the browser gives the portal commands (`open-portal-<n>` → keys),
    /// in order; empty strings where the person removed one.
    pub async fn command_keys() -> Vec<(String, String)> {
        let Ok(all) = browser::commands_get_all().await else {
            return Vec::new();
        };
        let list: js_sys::Array = all.unchecked_into();
        list.iter()
            .filter_map(|c| {
                let name = browser::string_member(&c, "name")?;
                name.starts_with("open-portal-").then(|| {
                    (
                        name,
                        browser::string_member(&c, "shortcut").unwrap_or_default(),
                    )
                })
            })
            .collect()
    }
}

#[cfg(target_arch = "wasm32")]
pub use effects::*;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_toolbar_in_both_browsers() {
        let firefox = json!([{"id": "root________", "children": [
            {"id": "menu________"}, {"id": "toolbar_____"}, {"id": "unfiled_____"}]}]);
        assert_eq!(toolbar_folder(&firefox).as_deref(), Some("toolbar_____"));
        let chromium = json!([{"id": "0", "children": [{"id": "1"}, {"id": "2"}]}]);
        assert_eq!(toolbar_folder(&chromium).as_deref(), Some("1"));
        assert_eq!(toolbar_folder(&json!([])), None);
        assert_eq!(toolbar_folder(&json!({"weird": true})), None);
    }

    #[test]
    fn finds_a_tab_on_the_portal() {
        let tabs = json!([
            {"id": 1, "windowId": 7, "url": "https://a.fr.evil.example/"},
            {"id": 2, "windowId": 7, "url": "https://a.fr:8443/"},
            {"id": 3, "windowId": 8, "url": "https://a.fr/login"},
            {"id": 4, "windowId": 8},
        ]);
        assert_eq!(tab_on_origin(&tabs, "https://a.fr"), Some((3.0, 8.0)));
        assert_eq!(tab_on_origin(&tabs, "https://b.fr"), None);
    }
}
