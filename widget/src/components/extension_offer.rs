//! The Sésame extension, seen from the page: how to install it when it is not there (within
//! `ACK_TIMEOUT_MS`), or a one-click bookmark to this portal when it is, confirmed by the
//! person in the extension's own window.

use crate::bridge::{self, Ask};
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::bridge::{
    version_mismatch, Action, BridgeError, ANSWER_TIMEOUT_MS, USER_TIMEOUT_MS, VERSION,
};
use sesame_core::wire::JsonValue;
use sesame_core::Lang;

/// Props of the extension's offer ([`use_extension_offer`]).
pub struct ExtensionOfferProps {
    /// Where to install the extension from (the page's `extension` attribute).
    pub install: AttrValue,
    /// The portal's name, shown in the extension's window as what the site calls itself.
    pub portal: AttrValue,
    /// Interface language.
    pub lang: Lang,
}

/// What the widget knows of the extension.
#[derive(Clone, Copy, PartialEq)]
enum Known {
    Checking,
    Absent,
    /// There; whether this portal is enabled in it.
    Ready(bool),
    /// Waiting for the person in the extension's window.
    Asking,
    /// The bookmark is there (`true`: made now).
    Bookmarked(bool),
    /// The extension said no: why (the button stays).
    Failed(BridgeError, bool),
}

/// The offer, or nothing while the extension is being looked for; rendered in the widget by
/// the one component type of [`part`](super::part).
pub fn use_extension_offer(props: &ExtensionOfferProps) -> Html {
    let lang = props.lang;
    let known = use_state(|| Known::Checking);
    {
        let known = known.clone();
        use_effect_on(
            (),
            Box::new(move |_: &()| {
                spawn_local(async move {
                    let status = Ask {
                        action: Action::Status,
                        name: None,
                        bookmark: false,
                        nonce: None,
                        answer_ms: ANSWER_TIMEOUT_MS,
                    };
                    known.set(match bridge::ask(status).await {
                        Ok(a) => {
                            let version = a.member("version").and_then(|v| v.string());
                            // A mismatch names the part to update.
                            match version_mismatch(VERSION, version.as_deref().unwrap_or("")) {
                                None => Known::Ready(
                                    a.member("enabled").and_then(|e| e.boolean()) == Some(true),
                                ),
                                Some(e) => Known::Failed(e, false),
                            }
                        }
                        Err(BridgeError::ExtensionUnavailable) => Known::Absent,
                        Err(e) => Known::Failed(e, false),
                    });
                });
                Box::new(())
            }),
        );
    }
    let onclick = {
        let (known, portal) = (known.clone(), props.portal.clone());
        Callback::from(move |_: MouseEvent| {
            let enabled = match *known {
                Known::Ready(enabled) | Known::Failed(_, enabled) => enabled,
                Known::Bookmarked(_) => true,
                _ => return,
            };
            known.set(Known::Asking);
            let (known, portal) = (known.clone(), portal.clone());
            spawn_local(async move {
                let ask = Ask {
                    action: if enabled {
                        Action::AddBookmark
                    } else {
                        Action::EnablePortal
                    },
                    name: Some(&portal),
                    bookmark: true,
                    nonce: None,
                    answer_ms: USER_TIMEOUT_MS + ANSWER_TIMEOUT_MS,
                };
                known.set(match bridge::ask(ask).await {
                    Ok(a) => Known::Bookmarked(
                        a.member("bookmarked").and_then(|b| b.boolean()) == Some(true),
                    ),
                    // Enabled by now if the person said yes to that part.
                    Err(e) => Known::Failed(e, enabled),
                });
            });
        })
    };
    // One tree for every state. The button stays once shown
    // (focus is not lost); asked again, a bookmark already there is answered as such, never
    // made twice.
    let (hint, install, button, said) = match *known {
        Known::Checking => return Html::Empty,
        Known::Absent => {
            // `navigator.vendor` is empty in Firefox only (cheaper than searching the user
            // agent: substring search costs half a kilobyte of wasm).
            let firefox = web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"vendor".into()).ok())
                .and_then(|v| v.as_string())
                .is_some_and(|v| v.is_empty());
            let install = if firefox {
                T::InstallForFirefox
            } else {
                T::InstallForChromium
            };
            (true, Some(install), false, None)
        }
        Known::Ready(_) => (true, None, true, None),
        Known::Asking => (false, None, true, Some(T::ConfirmInExtension.get(lang))),
        Known::Bookmarked(made) => {
            let t = if made {
                T::BookmarkAdded
            } else {
                T::BookmarkAlready
            };
            (false, None, true, Some(t.get(lang)))
        }
        Known::Failed(e, _) => (
            false,
            None,
            !matches!(e, BridgeError::VersionMismatch | BridgeError::PageOutdated),
            Some(e.text(lang)),
        ),
    };
    el("aside")
        .class(dom::class::EXTENSION)
        .child(when(hint, || {
            el("p").text(T::ExtensionHint.get(lang)).into()
        }))
        .child(install.map(|t| {
            el("a")
                .class(dom::class::EXTENSION_INSTALL)
                .attr("href", props.install.clone())
                .text(t.get(lang))
        }))
        .child(when(button, || {
            el("button")
                .attr("type", "button")
                .class("sesame-secondary")
                .attr("data-action", dom::action::ADD_BOOKMARK)
                .on("click", onclick)
                .text(T::AddToBookmarks.get(lang))
                .into()
        }))
        .child(
            el("p")
                .attr("role", "status")
                .text(said.unwrap_or_default()),
        )
        .into()
}
