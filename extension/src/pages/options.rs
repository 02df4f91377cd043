//! The options and diagnostics page: the portals, then what support needs to know, with one
//! "copy the report" button.

use super::dom::{self, add, attr, button, el, text};
use super::portal_list;
use crate::browser;
use crate::cps;
use crate::native::{Connection, HostFailure};
use crate::texts::T;
use sesame_core::bridge::BridgeError;
use sesame_core::host::{HostError, HostRequest, HostResponse, FIREFOX_PKCS11_NAME};
use sesame_core::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::Element;

/// A host failure's code and text, with the paths the host checked for a missing module.
fn host_error(e: &HostError, lang: Lang) -> (String, String) {
    let mut said = e.text(lang).into_owned();
    if let HostError::ModuleNotFound { checked } = e {
        if !checked.is_empty() {
            said.push(' ');
            said.push_str(T::Checked.get(lang));
            said.push(' ');
            said.push_str(&checked.join(", "));
        }
    }
    (e.code().to_owned(), said)
}

fn failure(f: HostFailure, lang: Lang) -> (String, String) {
    match f {
        HostFailure::Card(e) => host_error(&e, lang),
        HostFailure::Bridge(e) => (e.as_str().to_owned(), e.text(lang).to_owned()),
    }
}

/// The CPS card's state, as support needs it: a code (`ready`, or the failure's) and what it
/// means, in the person's words. Starts the native host as a login would, without a PIN.
async fn card_state(lang: Lang, os: &str) -> (String, String) {
    let mut host = match Connection::open().await {
        Ok(h) => h,
        Err(BridgeError::HostMissing) => {
            // `navigator.vendor` is empty in Firefox only.
            let firefox = web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"vendor".into()).ok())
                .and_then(|v| v.as_string())
                .is_some_and(|v| v.is_empty());
            let mut said = BridgeError::HostMissing.text(lang).to_owned();
            said.push(' ');
            said.push_str(T::LookedFor.get(lang));
            said.push(' ');
            said.push_str(cps::manifest_hint(firefox, os));
            if os == "linux" {
                said.push(' ');
                said.push_str(T::SandboxedBrowser.get(lang));
            }
            return (BridgeError::HostMissing.as_str().to_owned(), said);
        }
        Err(e) => return (e.as_str().to_owned(), e.text(lang).to_owned()),
    };
    let readers = match host.request(&HostRequest::Status).await {
        Ok(HostResponse::Status { readers, .. }) => readers,
        Ok(_) => return failure(HostFailure::Bridge(BridgeError::HostFailed), lang),
        Err(f) => return failure(f, lang),
    };
    if let Err(e) = cps::card_ready(&readers) {
        return host_error(&e, lang);
    }
    match host.request(&HostRequest::Certificate).await {
        Ok(HostResponse::Certificate(c)) => {
            let mut said = T::CardReady.get(lang).replacen("{}", &c.holder, 1);
            if let Some(rpps) = c.serial_number.as_deref().and_then(cps::rpps) {
                said.push_str(" (RPPS ");
                said.push_str(rpps);
                said.push(')');
            }
            ("ready".to_owned(), said)
        }
        Ok(_) => failure(HostFailure::Bridge(BridgeError::HostFailed), lang),
        Err(f) => failure(f, lang),
    }
}

/// The facts of the report, each a (label, value) pair.
async fn gather(lang: Lang) -> Vec<(T, String)> {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let (os, arch) = match browser::runtime_get_platform_info().await {
        Ok(info) => (
            browser::string_member(&info, "os").unwrap_or_default(),
            browser::string_member(&info, "arch").unwrap_or_default(),
        ),
        Err(_) => Default::default(),
    };
    let (code, card) = card_state(lang, &os).await;
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
        (T::Platform, format!("{os} {arch}")),
        (T::ExtensionVersion, browser::extension_version()),
        (T::ProductVersion, sesame_core::bridge::VERSION.to_owned()),
        (T::EnabledPortals, enabled),
        (T::Bridge, T::BridgeReady.get(lang).to_owned()),
        (T::NativeHost, format!("[{code}] {card}")),
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

/// Firefox only: the card's PKCS#11 module in Firefox itself, for portals that still ask for
/// TLS client authentication with the card: its state and one button to install or remove it
/// (`browser.pkcs11`, with the module manifest `sesame-host install` writes).
fn firefox_module(root: &Element, lang: Lang) {
    if !browser::has_pkcs11() {
        return;
    }
    let state = attr(attr(el("p"), "id", "pkcs11-state"), "role", "status");
    let toggle = attr(button("", "pkcs11", None), "id", "pkcs11-button");
    let section = add(
        attr(el("section"), "aria-labelledby", "pkcs11-title"),
        &[
            &attr(text("h2", T::FirefoxModule.get(lang)), "id", "pkcs11-title"),
            &state,
            &add(el("p"), &[&toggle]),
        ],
    );
    let _ = root.append_child(&section);
    let refresh = {
        let (state, toggle) = (state.clone(), toggle.clone());
        move |failed: bool| {
            let (state, toggle) = (state.clone(), toggle.clone());
            spawn_local(async move {
                let installed = browser::pkcs11_is_module_installed(FIREFOX_PKCS11_NAME)
                    .await
                    .ok()
                    .and_then(|v| v.as_bool());
                let (code, said, action) = match (failed, installed) {
                    (true, _) | (false, None) => {
                        ("unavailable", T::ModuleUnavailable, T::InstallInFirefox)
                    }
                    (false, Some(true)) => ("installed", T::ModuleInstalled, T::RemoveFromFirefox),
                    (false, Some(false)) => {
                        ("not-installed", T::ModuleNotInstalled, T::InstallInFirefox)
                    }
                };
                let _ = state.set_attribute("data-state", code);
                state.set_text_content(Some(said.get(lang)));
                toggle.set_text_content(Some(action.get(lang)));
                let _ = toggle.set_attribute("data-installed", &(code == "installed").to_string());
            });
        }
    };
    refresh(false);
    dom::on_click(&section, move |does, _| {
        if does != "pkcs11" {
            return;
        }
        let installed = toggle.get_attribute("data-installed").as_deref() == Some("true");
        let refresh = refresh.clone();
        spawn_local(async move {
            let done = if installed {
                browser::pkcs11_uninstall_module(FIREFOX_PKCS11_NAME).await
            } else {
                browser::pkcs11_install_module(FIREFOX_PKCS11_NAME).await
            };
            refresh(done.is_err());
        });
    });
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
    firefox_module(root, lang);
    let (facts_, area_) = (facts.clone(), area.clone());
    spawn_local(async move {
        let found = gather(lang).await;
        for (label, value) in &found {
            let _ = facts_.append_child(&text("dt", label.get(lang)));
            let dd = text("dd", value);
            if *label == T::NativeHost {
                // The code, for support and tests, as the first word in brackets.
                let _ = dd.set_attribute("id", "card-state");
                if let Some(code) = value.strip_prefix('[').and_then(|v| v.split(']').next()) {
                    let _ = dd.set_attribute("data-code", code);
                }
            }
            let _ = facts_.append_child(&dd);
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
