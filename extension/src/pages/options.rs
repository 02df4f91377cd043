//! The options and diagnostics page: the portals, then what support needs to know, with one
//! "copy the report" button.

use super::portal_list::PortalList;
use crate::texts::T;
use sesame_core::Lang;
use yew::prelude::*;

/// The facts of the report, each a (label, value) pair.
#[derive(Clone, PartialEq, Default)]
struct Facts(Vec<(T, String)>);

impl Facts {
    fn report(&self, lang: Lang) -> String {
        let mut s = String::from("Sésame\n");
        for (label, value) in &self.0 {
            s.push_str(label.get(lang));
            s.push_str(": ");
            s.push_str(value);
            s.push('\n');
        }
        s
    }
}

#[cfg(target_arch = "wasm32")]
async fn gather(lang: Lang) -> Facts {
    use crate::browser;
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
    let portals = crate::portals::load().await;
    let mut enabled = portals
        .iter()
        .map(|p| p.origin.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if enabled.is_empty() {
        enabled.push('—');
    }
    Facts(vec![
        (T::Browser, agent),
        (T::Platform, os),
        (T::ExtensionVersion, browser::extension_version()),
        (T::ProductVersion, sesame_core::bridge::VERSION.to_owned()),
        (T::EnabledPortals, enabled),
        (T::Bridge, T::BridgeReady.get(lang).to_owned()),
        (T::NativeHost, T::NativeHostMissing.get(lang).to_owned()),
    ])
}

#[cfg(not(target_arch = "wasm32"))]
async fn gather(_: Lang) -> Facts {
    Facts::default()
}

#[cfg(target_arch = "wasm32")]
async fn copy(text: String) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[cfg(not(target_arch = "wasm32"))]
async fn copy(_: String) -> bool {
    false
}

/// The options page.
#[component]
pub fn Options() -> Html {
    let lang = super::lang();
    let facts = use_state(Facts::default);
    let copied = use_state(|| None::<bool>);
    {
        let facts = facts.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { facts.set(gather(lang).await) });
        });
    }
    let report = facts.report(lang);
    let on_copy = {
        let (copied, report) = (copied.clone(), report.clone());
        Callback::from(move |_: MouseEvent| {
            let (copied, report) = (copied.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move { copied.set(Some(copy(report).await)) });
        })
    };
    let rows = facts.0.iter().map(|(label, value)| {
        html! { <><dt>{label.get(lang)}</dt><dd>{value}</dd></> }
    });
    html! {
        <>
            <h1>{T::OptionsTitle.get(lang)}</h1>
            <PortalList {lang} />
            <section aria-labelledby="diagnostics-title">
                <h2 id="diagnostics-title">{T::Diagnostics.get(lang)}</h2>
                <dl class="facts">{for rows}</dl>
                <label for="report">{T::CopyReport.get(lang)}</label>
                <textarea id="report" readonly=true rows="9" value={report} />
                <p><button type="button" onclick={on_copy}>{T::CopyReport.get(lang)}</button></p>
                <p role="status" aria-live="polite">
                    {match *copied {
                        Some(true) => T::ReportCopied.get(lang),
                        Some(false) => T::ReportCopyFailed.get(lang),
                        None => "",
                    }}
                </p>
            </section>
        </>
    }
}
