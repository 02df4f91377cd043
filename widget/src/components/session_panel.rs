//! After login: who, how, at which assurance level; log out; change password.

use super::change_password::ChangePasswordFormProps;
use super::part::{part, Part};
use crate::api::Api;
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::texts::T;
use sesame_core::api::SessionInfo;
use sesame_core::{ApiError, Lang, PortalConfig};
use std::rc::Rc;
use web_sys::HtmlElement;
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
                    Ok(()) => onlogout.emit(()),
                    Err(error) => onerror.emit(error),
                }
            });
        })
    };
    let changing = props.changing;
    let toggle = props.ontogglechange.reform(move |_: MouseEvent| !changing);
    html! {
        <div class={dom::class::SESSION}>
            <p class="sesame-who" tabindex="-1" ref={who}>
                {T::ConnectedAs.get(lang)}{" "}<strong>{&session.display_name}</strong>
            </p>
            <dl class="sesame-session-facts">
                <div><dt>{T::MethodLabel.get(lang)}</dt><dd data-method={session.method.as_str()}>{method}</dd></div>
                <div>
                    <dt>{T::AssuranceLabel.get(lang)}</dt>
                    <dd data-assurance={session.assurance.as_str()}>{session.assurance.label(lang)}</dd>
                </div>
            </dl>
            <div class="sesame-actions">
                <button type="button" class="sesame-secondary" data-action={dom::action::CHANGE_PASSWORD}
                    ref={change_button}
                    aria-expanded={changing.to_string()} onclick={toggle}>
                    {T::ChangePassword.get(lang)}
                </button>
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
                }))}
            }
        </div>
    }
}
