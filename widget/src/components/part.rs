//! One Yew component type for the widget's stateful parts (the widget itself, the password
//! form, the code step, the CPS card, the QR code, the session panel, the change-password form, the
//! extension offer): each part
//! is a hook returning `Html`, and this component runs the one its props name. Each component
//! type brings its own copy of Yew's mounting, diffing and props code (BENCHMARKS.md); the
//! parts keep their hooks, their state and their own component for Yew apps and tests.
//!
//! A part is keyed by its kind, so that a part replacing another in the same place (the code
//! step after the password form) is a new component, never the old one with other hooks.

use super::change_password::{use_change_password, ChangePasswordFormProps};
use super::code_step::{use_code_step, CodeStepFormProps};
use super::cps_login::{use_cps_login, MethodStepProps};
use super::extension_offer::{use_extension_offer, ExtensionOfferProps};
use super::login_widget::{use_login_widget, LoginWidgetProps};
use super::password_login::{use_password_login, PasswordLoginFormProps};
use super::qr_login::use_qr_login;
use super::session_panel::{use_session_panel, SessionPanelProps};
use std::rc::Rc;
use yew::functional::{Hook, HookContext};
use yew::prelude::*;
use yew::virtual_dom::{Key, VComp};

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

/// The one component's props.
#[derive(Properties)]
pub(crate) struct PartProps {
    pub(crate) part: Part,
}

/// Never equal: a part re-renders whenever the widget does (a language switch, a session, a
/// method chosen: rare, and a diff of a few elements), instead of comparing every part's props
/// field by field (the portal's configuration included) — 0.7 KB of wasm less (BENCHMARKS.md).
/// A part's own state changes re-render it alone, as before.
impl PartialEq for PartProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The part's hook, run in the component's hook context.
pub(crate) struct RunPart<'a>(&'a Part);

impl Hook for RunPart<'_> {
    type Output = Html;

    fn run(self, ctx: &mut HookContext) -> Html {
        match self.0 {
            Part::Widget(p) => use_login_widget(p).run(ctx),
            Part::PasswordLogin(p) => use_password_login(p).run(ctx),
            Part::Code(p) => use_code_step(p).run(ctx),
            Part::Cps(p) => use_cps_login(p).run(ctx),
            Part::Qr(p) => use_qr_login(p).run(ctx),
            Part::Session(p) => use_session_panel(p).run(ctx),
            Part::ChangePassword(p) => use_change_password(p).run(ctx),
            Part::ExtensionOffer(p) => use_extension_offer(p).run(ctx),
        }
    }
}

/// The part's hook (by its name, `#[component]` runs it as a hook).
fn use_part(part: &Part) -> RunPart<'_> {
    RunPart(part)
}

/// The one component type of the parts.
#[component]
pub(crate) fn PartComponent(props: &PartProps) -> Html {
    use_part(&props.part)
}

/// `part` as a child node, keyed by its kind.
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
    VComp::new::<PartComponent>(Rc::new(PartProps { part }), Some(Key::from(key))).into()
}
