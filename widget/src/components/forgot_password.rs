//! "Forgotten password?": the portal's reset link if it has one, otherwise its support contact.

use super::support_contact::support_contact;
use crate::dom;
use crate::hooks::use_uid::use_uid;
use crate::texts::T;
use sesame_core::{Lang, PortalConfig};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ForgotPassword`].
#[derive(Properties, PartialEq)]
pub struct ForgotPasswordProps {
    /// The portal.
    pub config: Rc<PortalConfig>,
    /// Interface language.
    pub lang: Lang,
}

/// A disclosure button revealing what to do when the password is forgotten.
#[component]
pub fn ForgotPassword(props: &ForgotPasswordProps) -> Html {
    let open = use_state(|| false);
    let uid = use_uid();
    let panel_id = format!("{uid}-forgot");
    let lang = props.lang;
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let what_to_do = match &props.config.links.forgot_password {
        Some(link) => html! {
            <p><a href={link.clone()}>{T::ResetPassword.get(lang)}</a></p>
        },
        None => html! {
            <>
                <p>{T::ForgotContactSupport.get(lang)}</p>
                {support_contact(&props.config.support, lang)}
            </>
        },
    };
    html! {
        <div class="sesame-forgot">
            <button type="button" class="sesame-link-button" data-action={dom::action::FORGOT_PASSWORD}
                aria-expanded={(*open).to_string()} aria-controls={panel_id.clone()}
                onclick={toggle}>
                {T::ForgotPassword.get(lang)}
            </button>
            <div id={panel_id} class="sesame-forgot-panel" hidden={!*open}>
                if *open { {what_to_do} }
            </div>
        </div>
    }
}
