//! The widget's stateful parts (the widget itself, the password form, the code step, the CPS
//! card, the QR code, the session panel, the change-password form, the extension offer): each
//! is a function using hooks and returning [`Html`], rendered as a [`comp`] keyed by its kind,
//! so that a part replacing another in the same place (the code step after the password form)
//! is a new component, never the old one with other hooks.

use super::change_password::{use_change_password, ChangePasswordFormProps};
use super::code_step::{use_code_step, CodeStepFormProps};
use super::cps_login::{use_cps_login, MethodStepProps};
use super::extension_offer::{use_extension_offer, ExtensionOfferProps};
use super::login_widget::{use_login_widget, LoginWidgetProps};
use super::password_login::{use_password_login, PasswordLoginFormProps};
use super::qr_login::use_qr_login;
use super::session_panel::{use_session_panel, SessionPanelProps};
use crate::view::prelude::*;

/// Which part, with its props.
pub(crate) enum Part {
    Widget(LoginWidgetProps),
    PasswordLogin(PasswordLoginFormProps),
    Code(CodeStepFormProps),
    Cps(MethodStepProps),
    Qr(MethodStepProps),
    Session(SessionPanelProps),
    ChangePassword(ChangePasswordFormProps),
    ExtensionOffer(ExtensionOfferProps),
}

/// The part's render, with its hooks.
fn run(part: &Part) -> Html {
    match part {
        Part::Widget(p) => use_login_widget(p),
        Part::PasswordLogin(p) => use_password_login(p),
        Part::Code(p) => use_code_step(p),
        Part::Cps(p) => use_cps_login(p),
        Part::Qr(p) => use_qr_login(p),
        Part::Session(p) => use_session_panel(p),
        Part::ChangePassword(p) => use_change_password(p),
        Part::ExtensionOffer(p) => use_extension_offer(p),
    }
}

/// `part` as a component, keyed by its kind.
#[inline(never)]
pub(crate) fn part(part: Part) -> Html {
    let key = match part {
        Part::Widget(_) => "widget",
        Part::PasswordLogin(_) => "password",
        Part::Code(_) => "code",
        Part::Cps(_) => "cps",
        Part::Qr(_) => "qr",
        Part::Session(_) => "session",
        Part::ChangePassword(_) => "change",
        Part::ExtensionOffer(_) => "extension",
    };
    comp(key, move || run(&part))
}
