//! After login: who, how, at which assurance level; log out; change password. Before the
//! session is ready: the portal's terms to accept, then the establishment to choose.

use super::change_password::ChangePasswordFormProps;
use super::login_widget::go_to;
use super::part::{part, Part};
use crate::api::Api;
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::account::TermsRequest;
use sesame_core::api::SessionInfo;
use sesame_core::oidc::EstablishmentChoice;
use sesame_core::{ApiError, Lang, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

/// Props of [`use_session_panel`].
pub struct SessionPanelProps {
    /// The session.
    pub session: SessionInfo,
    /// The portal.
    pub config: Rc<PortalConfig>,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// Whether the change-password form is open.
    pub changing: bool,
    /// Whether to take keyboard focus on mount (just logged in).
    pub autofocus: bool,
    /// Open or close the change-password form.
    pub ontogglechange: Callback<bool>,
    /// Logged out.
    pub onlogout: Callback<()>,
    /// The terms were accepted or the establishment chosen: the session, ready (or with the
    /// establishment still to choose).
    pub onchosen: Callback<SessionInfo>,
    /// The terms were declined: the portal ended the session.
    pub ondeclined: Callback<()>,
    /// Logging out failed.
    pub onerror: Callback<ApiError>,
    /// Changing the password failed (the form shows it; the widget's reducer decides whether
    /// the session has ended).
    pub onchangeerror: Callback<ApiError>,
}

/// `.sesame-session`, rendered in the widget as a component by [`part`](super::part).
pub(crate) fn use_session_panel(props: &SessionPanelProps) -> Html {
    let lang = props.lang;
    let session = &props.session;
    let who = use_focus_on_mount(props.autofocus);
    let change_button = use_node_ref();
    {
        // Closing the form removes the button that had focus: give it back to the opener.
        let (change_button, was_open) = (change_button.clone(), use_mut_ref(|| false));
        use_effect_on(
            props.changing,
            Box::new(move |&changing: &bool| {
                if *was_open.borrow() && !changing {
                    if let Some(el) = change_button.cast::<HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                *was_open.borrow_mut() = changing;
                Box::new(())
            }),
        );
    }
    let method = props.config.method_label(session.method, lang);
    let logout = {
        let (api, onlogout, onerror) = (
            props.api.clone(),
            props.onlogout.clone(),
            props.onerror.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, onlogout, onerror) = (api.clone(), onlogout.clone(), onerror.clone());
            spawn_local(async move {
                match api.logout().await {
                    Ok(provider) => {
                        onlogout.emit(());
                        // A session from Pro Santé Connect or the SSO: end the provider's too.
                        if let Some(url) = provider {
                            go_to(&url);
                        }
                    }
                    Err(error) => onerror.emit(error),
                }
            });
        })
    };
    let changing = props.changing;
    let toggle = props.ontogglechange.reform(move |_: MouseEvent| !changing);
    // The establishment chooser keeps no state of its own: the browser holds which radio is
    // checked, read when "Continuer" is pressed; nothing checked sends the keyboard to the
    // places, under the legend that says what to do.
    let places_ref = use_node_ref();
    let choose = {
        let places_ref = places_ref.clone();
        let (api, onchosen, onerror) = (
            props.api.clone(),
            props.onchosen.clone(),
            props.onerror.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(places) = places_ref.cast::<web_sys::Element>() else {
                return;
            };
            let checked = places
                .query_selector("input:checked")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
            let Some(input) = checked else {
                if let Ok(Some(first)) = places.query_selector("input") {
                    if let Ok(first) = first.dyn_into::<HtmlElement>() {
                        let _ = first.focus();
                    }
                }
                return;
            };
            let id = input.value();
            let (api, onchosen, onerror) = (api.clone(), onchosen.clone(), onerror.clone());
            spawn_local(async move {
                match api.choose_establishment(&EstablishmentChoice { id }).await {
                    Ok(session) => onchosen.emit(session),
                    Err(error) => onerror.emit(error),
                }
            });
        })
    };
    let terms = session.terms.as_ref().map(|terms| {
        // One callback for both answers: `true` accepts, `false` declines.
        let answer = {
            let (api, onchosen, ondeclined, onerror) = (
                props.api.clone(),
                props.onchosen.clone(),
                props.ondeclined.clone(),
                props.onerror.clone(),
            );
            let version = terms.version.clone();
            Callback::from(move |accept: bool| {
                let request = TermsRequest {
                    version: version.clone(),
                    accept,
                };
                let (api, onchosen, ondeclined, onerror) = (
                    api.clone(),
                    onchosen.clone(),
                    ondeclined.clone(),
                    onerror.clone(),
                );
                spawn_local(async move {
                    match api.terms(&request).await {
                        Ok(Some(session)) => onchosen.emit(session),
                        Ok(None) => ondeclined.emit(()),
                        Err(error) => onerror.emit(error),
                    }
                });
            })
        };
        el("div")
            .class("sesame-form sesame-terms")
            .child(
                el("p").text(T::TermsIntro.get(lang)).text(" ").child(
                    el("a")
                        .attr("href", terms.url.clone())
                        .attr("target", "_blank")
                        .attr("rel", "noopener")
                        .text(T::TermsRead.get(lang)),
                ),
            )
            .child(
                el("div")
                    .class("sesame-actions")
                    .child(
                        el("button")
                            .attr("type", "button")
                            .attr("data-action", dom::action::ACCEPT_TERMS)
                            .class("sesame-primary")
                            .on("click", answer.reform(|_: MouseEvent| true))
                            .text(T::Accept.get(lang)),
                    )
                    .child(
                        el("button")
                            .attr("type", "button")
                            .attr("data-action", dom::action::DECLINE_TERMS)
                            .class("sesame-secondary")
                            .on("click", answer.reform(|_: MouseEvent| false))
                            .text(T::Decline.get(lang)),
                    ),
            )
    });
    let pending = terms.is_some();
    let choosing = session.choosing_establishment() && !pending;
    let places = session.establishments.iter().map(|place| {
        el("li")
            .child(
                el("label")
                    .child(
                        el("input")
                            .attr("type", "radio")
                            .attr("name", dom::field::ESTABLISHMENT)
                            .value(place.id.clone()),
                    )
                    .text(" ")
                    .text(place.name.clone()),
            )
            .into()
    });
    el("div")
        .class(dom::class::SESSION)
        .child(
            el("p")
                .attr("tabindex", "-1")
                .class("sesame-who")
                .node_ref(&who)
                .text(T::ConnectedAs.get(lang))
                .text(" ")
                .child(el("strong").text(session.display_name.clone())),
        )
        .child(terms)
        .child(when(choosing, || {
            el("div")
                .class("sesame-form")
                .child(
                    el("fieldset")
                        .class(dom::class::ESTABLISHMENTS)
                        .node_ref(&places_ref)
                        .child(el("legend").text(T::ChooseEstablishment.get(lang)))
                        .child(el("ul").children(places)),
                )
                .child(
                    el("button")
                        .attr("type", "button")
                        .attr("data-action", dom::action::CHOOSE_ESTABLISHMENT)
                        .class("sesame-primary")
                        .on("click", choose)
                        .text(T::Continue.get(lang)),
                )
                .into()
        }))
        .child(when(!pending, || {
            el("dl")
                .class("sesame-session-facts")
                .child(
                    el("div")
                        .child(el("dt").text(T::MethodLabel.get(lang)))
                        .child(
                            el("dd")
                                .attr("data-method", session.method.as_str())
                                .text(method.to_owned())
                                .child(session.means.map(|means| {
                                    Html::List(vec![
                                        " (".into(),
                                        means.label(lang).into(),
                                        ")".into(),
                                    ])
                                })),
                        ),
                )
                .child(
                    el("div")
                        .child(el("dt").text(T::AssuranceLabel.get(lang)))
                        .child(
                            el("dd")
                                .attr("data-assurance", session.assurance.as_str())
                                .text(session.assurance.label(lang)),
                        ),
                )
                .child(session.establishment.as_ref().map(|place| {
                    el("div")
                        .child(el("dt").text(T::EstablishmentLabel.get(lang)))
                        .child(
                            el("dd")
                                .attr("data-id", place.id.clone())
                                .class(dom::class::ESTABLISHMENT)
                                .text(place.name.clone()),
                        )
                }))
                .into()
        }))
        .child(
            el("div")
                .class("sesame-actions")
                .child(when(!choosing && !pending, || {
                    el("button")
                        .attr("type", "button")
                        .attr("data-action", dom::action::CHANGE_PASSWORD)
                        .attr("aria-expanded", if changing { "true" } else { "false" })
                        .class("sesame-secondary")
                        .node_ref(&change_button)
                        .on("click", toggle)
                        .text(T::ChangePassword.get(lang))
                        .into()
                }))
                .child(
                    el("button")
                        .attr("type", "button")
                        .attr("data-action", dom::action::LOGOUT)
                        .class("sesame-secondary")
                        .on("click", logout)
                        .text(T::LogOut.get(lang)),
                ),
        )
        .child(when(changing, || {
            part(Part::ChangePassword(ChangePasswordFormProps {
                policy: Rc::new(props.config.password.clone()),
                identifier: session.identifier.clone().into(),
                lang,
                api: props.api.clone(),
                onerror: props.onchangeerror.clone(),
                onclose: props.ontogglechange.reform(|()| false),
                token: None,
                onset: Callback::default(),
            }))
        }))
        .into()
}
