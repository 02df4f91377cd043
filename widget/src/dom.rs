//! The DOM contract: the stable hooks the components render and that pages, the wasm tests and
//! the end-to-end tests query. Defined once here, so a renamed hook breaks compilation, not a
//! test at run time. Classes not listed here are styling only and may change freely.
//!
//! Components use the constants; selectors are built by the functions (for tests and pages:
//! they are not called from the widget's own code, so they cost its WebAssembly nothing).

use sesame_core::Method;

/// `data-form` of each form.
pub mod form {
    /// The identifier + password login form.
    pub const PASSWORD: &str = "password";
    /// The change-password form.
    pub const CHANGE_PASSWORD: &str = "change-password";
    /// The one-time code step (after the password).
    pub const CODE: &str = "code";
    /// Set a password from an e-mail's link (the change form without the current password).
    pub const SET_PASSWORD: &str = "set-password";
    /// A forgotten password or identifier: where to write.
    pub const FORGOT: &str = "forgot";
    /// A sign-up confirmed with the code sent by SMS.
    pub const SIGNUP: &str = "signup";
}

/// `data-action` of each button that does something other than submit a form.
pub mod action {
    /// The language switch.
    pub const SWITCH_LANG: &str = "switch-lang";
    /// Show or hide a password.
    pub const TOGGLE_PASSWORD: &str = "toggle-password";
    /// "Forgotten password?".
    pub const FORGOT_PASSWORD: &str = "forgot-password";
    /// Log out.
    pub const LOGOUT: &str = "logout";
    /// Open or close the change-password form.
    pub const CHANGE_PASSWORD: &str = "change-password";
    /// Send a one-time code (again); the button's `data-channel` says where (`sms`, `email`).
    pub const SEND_CODE: &str = "send-code";
    /// "Autre mode de connexion": back to the method chooser.
    pub const OTHER_METHOD: &str = "other-method";
    /// Leave the code step and start the login again.
    pub const RESTART: &str = "restart";
    /// Ask the extension for a bookmark to this portal.
    pub const ADD_BOOKMARK: &str = "add-bookmark";
    /// Solve the "not a robot" check again after it failed.
    pub const CAPTCHA_RETRY: &str = "captcha-retry";
    /// Log in with the CPS card (through the extension).
    pub const CPS_LOGIN: &str = "cps-login";
    /// "Renouveler le QR code": a new code at once (the widget renews by itself up to five
    /// times; then, and after a decline, only this).
    pub const QR_RENEW: &str = "qr-renew";
    /// Go to Pro Santé Connect or the regional SSO (the step's one button).
    pub const OIDC_START: &str = "oidc-start";
    /// Confirm the establishment chosen after a Pro Santé Connect login.
    pub const CHOOSE_ESTABLISHMENT: &str = "choose-establishment";
    /// "Forgotten identifier?" (when the portal offers the journey).
    pub const FORGOT_IDENTIFIER: &str = "forgot-identifier";
    /// An expired reset link: ask for a new one.
    pub const NEW_LINK: &str = "new-link";
    /// Back to the login from an account journey.
    pub const BACK_TO_LOGIN: &str = "back-to-login";
    /// Sign-up: send another code by SMS.
    pub const RESEND: &str = "resend";
    /// Accept the portal's terms of use.
    pub const ACCEPT_TERMS: &str = "accept-terms";
    /// Decline them.
    pub const DECLINE_TERMS: &str = "decline-terms";
}

/// `name` of each input.
pub mod field {
    /// The identifier.
    pub const IDENTIFIER: &str = "identifier";
    /// The password, in the login form.
    pub const PASSWORD: &str = "password";
    /// The current password, in the change-password form.
    pub const CURRENT_PASSWORD: &str = "current-password";
    /// The new password, in the change-password form.
    pub const NEW_PASSWORD: &str = "new-password";
    /// The one-time code.
    pub const CODE: &str = "code";
    /// The establishment chosen after a Pro Santé Connect login (radio buttons, `value` = its
    /// id).
    pub const ESTABLISHMENT: &str = "establishment";
    /// An e-mail address (forgotten identifier).
    pub const EMAIL: &str = "email";
}

/// Classes that are part of the contract.
pub mod class {
    /// The widget's root section (also the first paint's).
    pub const ROOT: &str = "sesame";
    /// The first paint, until the WebAssembly takes over.
    pub const FIRST_PAINT: &str = "sesame-first-paint";
    /// An error region (`role="alert"`).
    pub const ERROR: &str = "sesame-error";
    /// A success message (`role="status"`).
    pub const SUCCESS: &str = "sesame-success";
    /// The session panel.
    pub const SESSION: &str = "sesame-session";
    /// The portal's name in the header.
    pub const PORTAL: &str = "sesame-portal";
    /// The checklist's polite count ("3 of 7 rules met").
    pub const RULES_COUNT: &str = "sesame-rules-count";
    /// Where the code was sent ("m•••@exemple.fr"), as the server masked it.
    pub const CODE_DESTINATION: &str = "sesame-code-destination";
    /// Setting up an authenticator app: the QR code (`img`) and the secret in groups of four.
    pub const ENROL_QR: &str = "sesame-enrol-qr";
    /// The authenticator app's secret, in groups of four (`code` element).
    pub const ENROL_SECRET: &str = "sesame-enrol-secret";
    /// The warning that this device's clock differs from the portal's.
    pub const CLOCK_WARNING: &str = "sesame-clock-warning";
    /// The polite region announcing the countdowns (not every second).
    pub const CODE_TIMERS: &str = "sesame-code-timers";
    /// The "not a robot" step in the login form (its progress bar, its polite status).
    pub const CAPTCHA: &str = "sesame-captcha";
    /// The extension's offer (install hint, or the bookmark button).
    pub const EXTENSION: &str = "sesame-extension";
    /// Its install link, when the extension is not there.
    pub const EXTENSION_INSTALL: &str = "sesame-extension-install";
    /// The QR-code login step (a `section` with `data-state`: `loading`, `showing`, `renewing`,
    /// `declined`, `expired`, `approved`, `failed`).
    pub const QR: &str = "sesame-qr";
    /// The QR code to scan: an `img` whose `src` is the server's SVG as a `data:` URL, present
    /// only while the code can be approved (never an expired code).
    pub const QR_CODE: &str = "sesame-qr-code";
    /// The two digits to pick on the phone.
    pub const QR_DIGITS: &str = "sesame-qr-digits";
    /// The polite region saying where the QR login stands (not every second).
    pub const QR_STATUS: &str = "sesame-qr-status";
    /// The Pro Santé Connect / regional SSO step (`data-method` says which).
    pub const OIDC: &str = "sesame-oidc";
    /// The establishment chooser after a Pro Santé Connect login (a `fieldset`).
    pub const ESTABLISHMENTS: &str = "sesame-establishments";
    /// The session panel's establishment, once chosen.
    pub const ESTABLISHMENT: &str = "sesame-establishment";
    /// What the widget says above the login (a password set, terms declined).
    pub const NOTICE: &str = "sesame-notice";
    /// An account journey's box (a link from an e-mail, a forgotten password).
    pub const JOURNEY: &str = "sesame-journey";
    /// The terms to accept before the session opens.
    pub const TERMS: &str = "sesame-terms";
}

/// `form[data-form="…"]`.
pub fn form(name: &str) -> String {
    format!(r#"form[data-form="{name}"]"#)
}

/// `button[data-action="…"]`.
pub fn action(name: &str) -> String {
    format!(r#"button[data-action="{name}"]"#)
}

/// `input[name="…"]`.
pub fn field(name: &str) -> String {
    format!(r#"input[name="{name}"]"#)
}

/// The chooser's button for `method`.
pub fn method(method: Method) -> String {
    format!(r#"button[data-method="{}"]"#, method.as_str())
}

/// The button sending a code on `channel` (`sms`, `email`).
pub fn send_code(channel: &str) -> String {
    format!(
        r#"button[data-action="{}"][data-channel="{channel}"]"#,
        action::SEND_CODE
    )
}

/// A checklist item, by the rule's tag (`Rule::tag`).
pub fn rule(tag: &str) -> String {
    format!(r#"li[data-rule="{tag}"]"#)
}

/// `.class`.
pub fn class(name: &str) -> String {
    format!(".{name}")
}

/// The widget itself (the section Yew renders), not the first paint before it: the prefix of
/// every selector a page or test uses inside `<sesame-login>`.
pub fn widget(inner: &str) -> String {
    format!(
        "sesame-login > section.{}:not(.{}) {inner}",
        class::ROOT,
        class::FIRST_PAINT
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_built_from_the_hooks() {
        assert_eq!(form(form::PASSWORD), r#"form[data-form="password"]"#);
        assert_eq!(
            widget(&field(field::IDENTIFIER)),
            r#"sesame-login > section.sesame:not(.sesame-first-paint) input[name="identifier"]"#
        );
        assert_eq!(
            method(Method::Password),
            r#"button[data-method="password"]"#
        );
    }
}
