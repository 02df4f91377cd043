//! Change password, with the live checklist; or set it from an e-mail's link (first login,
//! reset: the link's token instead of the current password). Renders
//! [`state::change_password`](crate::state::change_password).

use super::error_message::{error_message, success_message};
use super::form::{submit_button, titled_form};
use super::password_field::{password_field, PasswordFieldProps};
use super::password_rules::password_rules;
use crate::api::Api;
use crate::dom;
use crate::hooks::use_uid::use_uid;
use crate::state::change_password::{Action, ChangePassword};
use crate::submit_flow::submit_flow;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::account::SetPasswordRequest;
use sesame_core::password::PasswordPolicy;
use sesame_core::{ApiError, Lang, Secret};
use std::rc::Rc;

/// Props of [`use_change_password`].
pub struct ChangePasswordFormProps {
    /// The portal's password policy.
    pub policy: Rc<PasswordPolicy>,
    /// The account's identifier (for "not the identifier").
    pub identifier: AttrValue,
    /// Interface language.
    pub lang: Lang,
    /// The portal API.
    pub api: Api,
    /// The portal refused or could not be reached (the form shows it too).
    pub onerror: Callback<ApiError>,
    /// Cancel or close.
    pub onclose: Callback<()>,
    /// Set the password with this link's token (`form[data-form="set-password"]`), not
    /// change it.
    pub token: Option<Secret>,
    /// The password was set with the token (changed: the form says so itself).
    pub onset: Callback<()>,
}

/// `form[data-form="change-password"]`, then `[role="status"].sesame-success`; rendered in
/// the widget as a component by [`part`](super::part).
pub fn use_change_password(props: &ChangePasswordFormProps) -> Html {
    let state = {
        let (policy, identifier) = (props.policy.clone(), props.identifier.clone());
        let token = props.token.clone();
        use_reducer(move || ChangePassword {
            token,
            ..ChangePassword::new(policy, Rc::from(&*identifier))
        })
    };
    let setting = state.token.clone();
    let uid = use_uid();
    let lang = props.lang;
    let close = props.onclose.reform(|_: MouseEvent| ());
    if state.done {
        return el("div")
            .class("sesame-change-done")
            .child(success_message(T::PasswordChanged.get(lang)))
            .child(
                el("button")
                    .attr("type", "button")
                    .class("sesame-secondary")
                    .on("click", close)
                    .text(T::Close.get(lang)),
            )
            .into();
    }

    let onsubmit = {
        let (api, token) = (props.api.clone(), setting.clone());
        submit_flow(
            state.clone(),
            ChangePassword::prepare,
            move |request| {
                let (api, token) = (api.clone(), token.clone());
                async move {
                    match token {
                        Some(token) => {
                            let new_password = request.new_password;
                            api.set_password(&SetPasswordRequest {
                                token,
                                new_password,
                            })
                            .await
                        }
                        None => api.change_password(&request).await,
                    }
                }
            },
            props.onset.clone(),
            props.onerror.clone(),
        )
    };
    let cb = |f: fn(String) -> Action| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(f(v)))
    };
    let toggle = |action: Action| {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(action.clone()))
    };
    let on_caps = {
        let state = state.clone();
        Callback::from(move |on| state.dispatch(Action::CapsLock(on)))
    };
    let (title_id, rules_id) = (format!("{uid}-title"), format!("{uid}-rules"));
    let numeric = props.policy.input_mode();
    let (form, title) = match setting {
        Some(_) => (dom::form::SET_PASSWORD, T::SetPassword),
        None => (dom::form::CHANGE_PASSWORD, T::ChangePassword),
    };
    titled_form(form, "sesame-form", title_id, title.get(lang), onsubmit)
        // For password managers: which account the new password belongs to.
        .child(
            el("input")
                .attr("type", "text")
                .attr("name", "username")
                .attr("autocomplete", "username")
                .attr("hidden", "hidden")
                .attr("readonly", "readonly")
                .value(props.identifier.clone()),
        )
        .child(when(setting.is_none(), || {
            password_field(PasswordFieldProps {
                id: format!("{uid}-current").into(),
                name: dom::field::CURRENT_PASSWORD.into(),
                label: T::CurrentPassword.get(lang).into(),
                autocomplete: "current-password".into(),
                value: state.current.expose().to_owned().into(),
                shown: state.show_current,
                ontoggle: toggle(Action::ToggleShowCurrent),
                oninput: cb(|v| Action::Current(Secret::new(v))),
                caps_lock: state.caps_lock,
                oncapslock: on_caps.clone(),
                describedby: None,
                inputmode: numeric.into(),
                lang,
            })
        }))
        .child(password_field(PasswordFieldProps {
            id: format!("{uid}-new").into(),
            name: dom::field::NEW_PASSWORD.into(),
            label: T::NewPassword.get(lang).into(),
            autocomplete: "new-password".into(),
            value: state.new.expose().to_owned().into(),
            shown: state.show_new,
            ontoggle: toggle(Action::ToggleShowNew),
            oninput: cb(|v| Action::New(Secret::new(v))),
            caps_lock: state.caps_lock,
            oncapslock: on_caps,
            describedby: Some(rules_id.clone().into()),
            inputmode: numeric.into(),
            lang,
        }))
        .child(password_rules(&state.outcomes, lang, Some(rules_id.into())))
        .child(
            state
                .submission
                .problem
                .as_ref()
                .map(|problem| error_message(problem, lang, None)),
        )
        .child(
            el("div")
                .class("sesame-actions")
                .child(submit_button(
                    if state.submission.submitting {
                        T::Saving.get(lang)
                    } else {
                        T::Confirm.get(lang)
                    },
                    state.submission.submitting,
                ))
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("sesame-secondary")
                        .on("click", close)
                        .text(T::Cancel.get(lang)),
                ),
        )
        .into()
}
