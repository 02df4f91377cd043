//! The Sésame extension, seen from the page: how to install it when it is not there (within
//! `ACK_TIMEOUT_MS`), or a one-click bookmark to this portal when it is, confirmed by the
//! person in the extension's own window.

use crate::bridge::{self, Ask};
use crate::dom;
use crate::texts::T;
use sesame_core::bridge::{
    compatible, Action, BridgeError, ANSWER_TIMEOUT_MS, USER_TIMEOUT_MS, VERSION,
};
use sesame_core::wire::JsonValue;
use sesame_core::Lang;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Props of [`ExtensionOffer`].
#[derive(Properties, PartialEq)]
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

/// The offer, or nothing while the extension is being looked for.
#[component]
pub fn ExtensionOffer(props: &ExtensionOfferProps) -> Html {
    let lang = props.lang;
    let known = use_state(|| Known::Checking);
    {
        let known = known.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let status = Ask {
                    action: Action::Status,
                    name: None,
                    bookmark: false,
                    answer_ms: ANSWER_TIMEOUT_MS,
                };
                known.set(match bridge::ask(status).await {
                    Ok(a) => {
                        let version = a.member("version").and_then(|v| v.string());
                        if compatible(version.as_deref().unwrap_or(""), VERSION) {
                            Known::Ready(
                                a.member("enabled").and_then(|e| e.boolean()) == Some(true),
                            )
                        } else {
                            Known::Failed(BridgeError::VersionMismatch, false)
                        }
                    }
                    Err(BridgeError::ExtensionUnavailable) => Known::Absent,
                    Err(e) => Known::Failed(e, false),
                });
            });
        });
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
    let (text, button, said) = match *known {
        Known::Checking => return Html::default(),
        Known::Absent => {
            let firefox = web_sys::window()
                .and_then(|w| w.navigator().user_agent().ok())
                .is_some_and(|ua| ua.contains("Firefox/"));
            let install = if firefox {
                T::InstallForFirefox
            } else {
                T::InstallForChromium
            };
            return html! {
                <aside class={dom::class::EXTENSION}>
                    <p>{T::ExtensionHint.get(lang)}</p>
                    <a class={dom::class::EXTENSION_INSTALL} href={props.install.clone()}>{install.get(lang)}</a>
                </aside>
            };
        }
        // The button stays (focus is not lost); asked again, a bookmark already there is
        // answered as such, never made twice.
        Known::Ready(_) => (Some(T::ExtensionHint), true, None),
        Known::Asking => (None, true, Some(T::ConfirmInExtension.get(lang))),
        Known::Bookmarked(made) => {
            let t = if made {
                T::BookmarkAdded
            } else {
                T::BookmarkAlready
            };
            (None, true, Some(t.get(lang)))
        }
        Known::Failed(e, _) => (None, e != BridgeError::VersionMismatch, Some(e.text(lang))),
    };
    html! {
        <aside class={dom::class::EXTENSION}>
            if let Some(t) = text { <p>{t.get(lang)}</p> }
            if button {
                <button type="button" class="sesame-secondary" data-action={dom::action::ADD_BOOKMARK}
                    {onclick}>{T::AddToBookmarks.get(lang)}</button>
            }
            <p role="status">{said.unwrap_or_default()}</p>
        </aside>
    }
}
