//! "Forgotten password?": the widget's own form where the portal offers the journey
//! (`account.forgot_password`), else the portal's reset link if it has one, otherwise its
//! support contact.

use super::support_contact::support_contact;
use crate::dom;
use crate::state::account::Forgot;
use crate::texts::T;
use sesame_core::{Lang, PortalConfig};
use yew::prelude::*;

/// A disclosure button (`aria-controls` the panel `panel_id`) revealing what to do when the
/// password is forgotten; `open` and `ontoggle` are the password form's. Where the portal
/// offers the journey, a button calling `onforgot` instead. A function, not a
/// component: see [`error_message`](super::error_message::error_message).
#[inline(never)]
pub fn forgot_password(
    config: &PortalConfig,
    lang: Lang,
    panel_id: String,
    open: bool,
    ontoggle: Callback<MouseEvent>,
    onforgot: &Callback<Forgot>,
) -> Html {
    if config.account.forgot_password {
        return html! {
            <div class="sesame-forgot">
                <button type="button" class="sesame-link-button" data-action={dom::action::FORGOT_PASSWORD}
                    onclick={onforgot.reform(|_: MouseEvent| Forgot::Password)}>
                    {T::ForgotPassword.get(lang)}
                </button>
            </div>
        };
    }
    let what_to_do = match &config.links.forgot_password {
        Some(link) => html! {
            <p><a href={link.clone()}>{T::ResetPassword.get(lang)}</a></p>
        },
        None => html! {
            <>
                <p>{T::ForgotContactSupport.get(lang)}</p>
                {support_contact(&config.support, lang)}
            </>
        },
    };
    html! {
        <div class="sesame-forgot">
            <button type="button" class="sesame-link-button" data-action={dom::action::FORGOT_PASSWORD}
                aria-expanded={open.to_string()} aria-controls={panel_id.clone()}
                onclick={ontoggle}>
                {T::ForgotPassword.get(lang)}
            </button>
            <div id={panel_id} class="sesame-forgot-panel" hidden={!open}>
                if open { {what_to_do} }
            </div>
        </div>
    }
}
