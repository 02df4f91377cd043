//! Pro Santé Connect and the regional SSO: one button that leaves for the provider. The portal
//! says where to go (state, nonce and PKCE stay on the server), the page goes there, and the
//! provider sends the person back to this page, where the widget reads how it went
//! ([`read_return`]): a session (the session cookie, found as on any page load), or the reason
//! it did not happen, shown on this step.

use crate::dom;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::account::link_from_fragment;
use sesame_core::oidc::read_return;
use sesame_core::{ErrorCode, Lang, Method, Secret};

/// `div.sesame-oidc`: what will happen, and the button in the portal's words (`label`, its
/// element in `button`); while `leaving`, the button is busy and a polite region says so. A
/// function, not a component: see [`error_message`](super::error_message::error_message).
#[inline(never)]
pub fn oidc_step(
    method: Method,
    label: &str,
    lang: Lang,
    leaving: bool,
    onstart: &Callback<MouseEvent>,
    button: NodeRef,
) -> Html {
    let hint = if method == Method::ProSanteConnect {
        T::PscHint
    } else {
        T::SsoHint
    };
    el("div")
        .class(["sesame-form ", dom::class::OIDC].concat())
        .attr("data-method", method.as_str())
        .child(el("p").class("sesame-hint").text(hint.get(lang)))
        .child(
            el("button")
                .attr("type", "button")
                .class("sesame-primary")
                .attr("data-action", dom::action::OIDC_START)
                .node_ref(&button)
                .attr_opt("aria-disabled", leaving.then_some("true"))
                .on("click", onstart.clone())
                .text(label.to_owned()),
        )
        .child(el("p").attr("role", "status").text(if leaving {
            T::OidcLeaving.get(lang)
        } else {
            ""
        }))
        .into()
}

/// The page's own address without its fragment: where the provider sends the person back.
pub fn return_to() -> String {
    let Some(location) = location() else {
        return "/".into();
    };
    let mut path = location.pathname().unwrap_or_default();
    // `push_str`, not `concat`: no generic join of `String`s for one use (1.2 KB of wasm).
    path.push_str(&location.search().unwrap_or_default());
    path
}

/// What `read` finds in the page's fragment, which then leaves the address bar (history
/// replaced: "Back" does not bring it again, a bookmark or a copied address does not carry it).
pub(crate) fn take_fragment<T>(read: fn(&str) -> Option<T>) -> Option<T> {
    let found = read(&location()?.hash().ok()?)?;
    if let Ok(history) = web_sys::window()?.history() {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&return_to()));
    }
    Some(found)
}

/// The provider's return, once: the method and why it did not log in (`None` after a login:
/// the session cookie says the rest). The fragment is removed either way.
pub fn take_return() -> Option<(Method, ErrorCode)> {
    let (method, error) = take_fragment(read_return)?;
    Some((method, error?))
}

/// An e-mail's link, once: its token (the fragment removed, so the token is in no address
/// bar, history entry or bookmark).
pub fn take_link() -> Option<Secret> {
    take_fragment(|fragment| link_from_fragment(fragment).map(Secret::new))
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}
