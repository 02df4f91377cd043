//! "Forgotten password?": the widget's own form where the portal offers the journey
//! (`account.forgot_password`), else the portal's reset link if it has one, otherwise its
//! support contact.

use super::support_contact::support_contact;
use crate::dom;
use crate::state::account::Forgot;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::{Lang, PortalConfig};

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
        return el("div")
            .class("sesame-forgot")
            .child(
                el("button")
                    .attr("type", "button")
                    .class("sesame-link-button")
                    .attr("data-action", dom::action::FORGOT_PASSWORD)
                    .on("click", onforgot.reform(|_: MouseEvent| Forgot::Password))
                    .text(T::ForgotPassword.get(lang)),
            )
            .into();
    }
    let what_to_do: Html = match &config.links.forgot_password {
        Some(link) => el("p")
            .child(
                el("a")
                    .attr("href", link.clone())
                    .text(T::ResetPassword.get(lang)),
            )
            .into(),
        None => Html::List(vec![
            el("p").text(T::ForgotContactSupport.get(lang)).into(),
            support_contact(&config.support, lang),
        ]),
    };
    el("div")
        .class("sesame-forgot")
        .child(
            el("button")
                .attr("type", "button")
                .class("sesame-link-button")
                .attr("data-action", dom::action::FORGOT_PASSWORD)
                .attr("aria-expanded", if open { "true" } else { "false" })
                .attr("aria-controls", panel_id.clone())
                .on("click", ontoggle)
                .text(T::ForgotPassword.get(lang)),
        )
        .child(
            el("div")
                .id(panel_id)
                .class("sesame-forgot-panel")
                .flag("hidden", !open)
                .child(when(open, || what_to_do)),
        )
        .into()
}
