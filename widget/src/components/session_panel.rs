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
use sesame_core::account::TermsRequest;
use sesame_core::api::SessionInfo;
use sesame_core::oidc::EstablishmentChoice;
use sesame_core::{ApiError, Lang, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::platform::spawn_local;
use yew::prelude::*;

/// Props of [`SessionPanel`].
#[derive(Properties, PartialEq)]
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
    #[prop_or_default]
    pub autofocus: bool,
    /// Open or close the change-password form.
    pub ontogglechange: Callback<bool>,
    /// Logged out.
    pub onlogout: Callback<()>,
    /// The terms were accepted or the establishment chosen: the session, ready (or with the
    /// establishment still to choose).
    pub onchosen: Callback<SessionInfo>,
    /// The terms were declined: the portal ended the session.
    #[prop_or_default]
    pub ondeclined: Callback<()>,
    /// Logging out failed.
    pub onerror: Callback<ApiError>,
    /// Changing the password failed (the form shows it; the widget's reducer decides whether
    /// the session has ended).
    pub onchangeerror: Callback<ApiError>,
}

/// `.sesame-session`.
#[component]
pub fn SessionPanel(props: &SessionPanelProps) -> Html {
    use_session_panel(props)
}

/// [`SessionPanel`]'s body, rendered in the widget by the one component type of
/// [`part`](super::part).
#[hook]
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
                let (api, onchosen, ondeclined, onerror) =
                    (api.clone(), onchosen.clone(), ondeclined.clone(), onerror.clone());
                spawn_local(async move {
                    match api.terms(&request).await {
                        Ok(Some(session)) => onchosen.emit(session),
                        Ok(None) => ondeclined.emit(()),
                        Err(error) => onerror.emit(error),
                    }
                });
            })
        };
        html! {
            <div class="sesame-form sesame-terms">
                <p>{T::TermsIntro.get(lang)}{" "}
                    <a href={terms.url.clone()} target="_blank" rel="noopener">{T::TermsRead.get(lang)}</a></p>
                <div class="sesame-actions">
                    <button type="button" class="sesame-primary" data-action={dom::action::ACCEPT_TERMS}
                        onclick={answer.reform(|_: MouseEvent| true)}>
                        {T::Accept.get(lang)}
                    </button>
                    <button type="button" class="sesame-secondary" data-action={dom::action::DECLINE_TERMS}
                        onclick={answer.reform(|_: MouseEvent| false)}>
                        {T::Decline.get(lang)}
                    </button>
                </div>
            </div>
        }
    });
    let pending = terms.is_some();
    let choosing = session.choosing_establishment() && !pending;
    let places = session.establishments.iter().map(|place| {
        html! {
            <li><label>
                <input type="radio" name={dom::field::ESTABLISHMENT} value={place.id.clone()}/>
                {" "}{&place.name}
            </label></li>
        }
    });
    html! {
        <div class={dom::class::SESSION}>
            <p class="sesame-who" tabindex="-1" ref={who}>
                {T::ConnectedAs.get(lang)}{" "}<strong>{&session.display_name}</strong>
            </p>
            {terms}
            if choosing {
                <div class="sesame-form">
                    <fieldset class={dom::class::ESTABLISHMENTS} ref={places_ref}>
                        <legend>{T::ChooseEstablishment.get(lang)}</legend>
                        <ul>{for places}</ul>
                    </fieldset>
                    <button type="button" class="sesame-primary" data-action={dom::action::CHOOSE_ESTABLISHMENT}
                        onclick={choose}>
                        {T::Continue.get(lang)}
                    </button>
                </div>
            }
            if !pending {
                <dl class="sesame-session-facts">
                    <div>
                        <dt>{T::MethodLabel.get(lang)}</dt>
                        <dd data-method={session.method.as_str()}>
                            {method}
                            if let Some(means) = session.means {
                                {" ("}{means.label(lang)}{")"}
                            }
                        </dd>
                    </div>
                    <div>
                        <dt>{T::AssuranceLabel.get(lang)}</dt>
                        <dd data-assurance={session.assurance.as_str()}>{session.assurance.label(lang)}</dd>
                    </div>
                    if let Some(place) = &session.establishment {
                        <div>
                            <dt>{T::EstablishmentLabel.get(lang)}</dt>
                            <dd class={dom::class::ESTABLISHMENT} data-id={place.id.clone()}>{&place.name}</dd>
                        </div>
                    }
                </dl>
            }
            <div class="sesame-actions">
                if !choosing && !pending {
                    <button type="button" class="sesame-secondary" data-action={dom::action::CHANGE_PASSWORD}
                        ref={change_button}
                        aria-expanded={changing.to_string()} onclick={toggle}>
                        {T::ChangePassword.get(lang)}
                    </button>
                }
                <button type="button" class="sesame-secondary" data-action={dom::action::LOGOUT} onclick={logout}>
                    {T::LogOut.get(lang)}
                </button>
            </div>
            if changing {
                {part(Part::ChangePassword(ChangePasswordFormProps {
                    policy: Rc::new(props.config.password.clone()),
                    identifier: session.identifier.clone().into(),
                    lang,
                    api: props.api.clone(),
                    onerror: props.onchangeerror.clone(),
                    onclose: props.ontogglechange.reform(|()| false),
                    token: None,
                    onset: Callback::noop(),
                }))}
            }
        </div>
    }
}
