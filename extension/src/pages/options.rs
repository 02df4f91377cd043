//! The options and diagnostics page: the portals, then what support needs to know, with one
//! "copy the report" button.

use super::dom::{self, add, attr, button, el, text};
use super::portal_list;
use crate::browser;
use crate::texts::T;
use sesame_core::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::Element;

/// The facts of the report, each a (label, value) pair.
async fn gather(lang: Lang) -> Vec<(T, String)> {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let os = match browser::runtime_get_platform_info().await {
        Ok(info) => {
            let os = browser::string_member(&info, "os").unwrap_or_default();
            let arch = browser::string_member(&info, "arch").unwrap_or_default();
            format!("{os} {arch}")
        }
        Err(_) => String::new(),
    };
    let mut enabled = crate::portals::load()
        .await
        .iter()
        .map(|p| p.origin.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if enabled.is_empty() {
        enabled.push('—');
    }
    vec![
        (T::Browser, agent),
        (T::Platform, os),
        (T::ExtensionVersion, browser::extension_version()),
        (T::ProductVersion, sesame_core::bridge::VERSION.to_owned()),
        (T::EnabledPortals, enabled),
        (T::Bridge, T::BridgeReady.get(lang).to_owned()),
        (T::NativeHost, T::NativeHostMissing.get(lang).to_owned()),
    ]
}

fn report(facts: &[(T, String)], lang: Lang) -> String {
    let mut s = String::from("Sésame\n");
    for (label, value) in facts {
        s.push_str(label.get(lang));
        s.push_str(": ");
        s.push_str(value);
        s.push('\n');
    }
    s
}

async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}

/// Builds the options page into `root`.
pub fn build(root: &Element, lang: Lang) {
    let _ = root.append_child(&text("h1", T::OptionsTitle.get(lang)));
    portal_list::build(root, lang);
    let facts = attr(el("dl"), "class", "facts");
    let area = attr(
        attr(attr(el("textarea"), "id", "report"), "readonly", ""),
        "rows",
        "9",
    );
    let said = attr(attr(el("p"), "role", "status"), "aria-live", "polite");
    let section = add(
        attr(el("section"), "aria-labelledby", "diagnostics-title"),
        &[
            &attr(
                text("h2", T::Diagnostics.get(lang)),
                "id",
                "diagnostics-title",
            ),
            &facts,
            &attr(text("label", T::CopyReport.get(lang)), "for", "report"),
            &area,
            &add(el("p"), &[&button(T::CopyReport.get(lang), "copy", None)]),
            &said,
        ],
    );
    let _ = root.append_child(&section);
    let (facts_, area_) = (facts.clone(), area.clone());
    spawn_local(async move {
        let found = gather(lang).await;
        for (label, value) in &found {
            let _ = facts_.append_child(&text("dt", label.get(lang)));
            let _ = facts_.append_child(&text("dd", value));
        }
        if let Some(area) = area_.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(&report(&found, lang));
        }
    });
    dom::on_click(&section, move |does, _| {
        if does != "copy" {
            return;
        }
        let (area, said) = (area.clone(), said.clone());
        spawn_local(async move {
            let value = area
                .dyn_ref::<web_sys::HtmlTextAreaElement>()
                .map(|a| a.value())
                .unwrap_or_default();
            let t = if copy(&value).await {
                T::ReportCopied
            } else {
                T::ReportCopyFailed
            };
            said.set_text_content(Some(t.get(lang)));
        });
    });
}
