//! Change password: the live rule checklist (the same `check` the server enforces), then the
//! server's answer.

use super::problem::Problem;
use super::submission::{Step, Submission, Submits};
use sesame_core::api::ChangePasswordRequest;
use sesame_core::password::{check, is_acceptable, CheckContext, PasswordPolicy, RuleOutcome};
use sesame_core::{ErrorCode, Secret};
use std::rc::Rc;

/// The change-password form's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePassword {
    /// The portal's policy.
    pub policy: Rc<PasswordPolicy>,
    /// The account's identifier, for "not the identifier".
    pub identifier: Rc<str>,
    /// The current password as typed.
    pub current: Secret,
    /// The new password as typed.
    pub new: Secret,
    /// Whether the current password is shown in clear.
    pub show_current: bool,
    /// Whether the new password is shown in clear.
    pub show_new: bool,
    /// Whether Caps Lock was on at the last key press in either field.
    pub caps_lock: bool,
    /// Every rule's state for the new password, in the policy's order.
    pub outcomes: Vec<RuleOutcome>,
    /// Where the request stands.
    pub submission: Submission,
    /// Whether the password was changed.
    pub done: bool,
    /// Set from an e-mail's link (first login, reset): the link's token stands for the
    /// current password, which is not asked.
    pub token: Option<Secret>,
}

/// What can happen to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The current-password field changed.
    Current(Secret),
    /// The new-password field changed.
    New(Secret),
    /// Show/hide the current password.
    ToggleShowCurrent,
    /// Show/hide the new password.
    ToggleShowNew,
    /// A key was pressed in a password field; Caps Lock was on or off.
    CapsLock(bool),
    /// A step of the request. Rejected before sending: see [`ChangePassword::prepare`]; failed
    /// with the rules' states on `password_rules_not_met`.
    Submit(Step<()>),
}

impl From<Step<()>> for Action {
    fn from(step: Step<()>) -> Action {
        Action::Submit(step)
    }
}

/// Unicode lower-casing by the browser (`String.prototype.toLowerCase`, the same default case
/// mapping as Rust's): Rust's own brings its case tables into the wasm (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
fn lowercase(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

/// Natively (reducer tests), Rust's lower-casing.
#[cfg(not(target_arch = "wasm32"))]
fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

/// Upper-casing by the browser (`toUpperCase`), for the lower-case letter rule.
#[cfg(target_arch = "wasm32")]
fn uppercase(s: &str) -> String {
    js_sys::JsString::from(s).to_upper_case().into()
}

/// Natively, Rust's upper-casing.
#[cfg(not(target_arch = "wasm32"))]
fn uppercase(s: &str) -> String {
    s.to_uppercase()
}

/// Every rule's state for `password`. Nothing typed yet: every rule is shown as not met
/// (an empty password "contains no forbidden character", but saying so would mislead).
pub fn outcomes(password: &str, policy: &PasswordPolicy, identifier: &str) -> Vec<RuleOutcome> {
    let mut outcomes = check(
        password,
        policy,
        CheckContext {
            identifier,
            lowercase,
            uppercase,
        },
    );
    if password.is_empty() {
        for o in &mut outcomes {
            o.met = false;
        }
    }
    outcomes
}

impl ChangePassword {
    /// An empty form for the account `identifier` under `policy`.
    pub fn new(policy: Rc<PasswordPolicy>, identifier: Rc<str>) -> ChangePassword {
        let outcomes = outcomes("", &policy, &identifier);
        ChangePassword {
            policy,
            identifier,
            current: Secret::default(),
            new: Secret::default(),
            show_current: false,
            show_new: false,
            caps_lock: false,
            outcomes,
            submission: Submission::default(),
            done: false,
            token: None,
        }
    }

    /// The request to send, or why not yet: the current password is missing (without a link's
    /// token), or a rule is not met (the checklist shows which). With a token, the current
    /// password is sent empty and not used: the token goes instead.
    pub fn prepare(&self) -> Result<ChangePasswordRequest, Problem> {
        if self.current.is_empty() && self.token.is_none() {
            return Err(Problem::MissingPassword);
        }
        if self.new.is_empty() || !is_acceptable(&self.outcomes) {
            return Err(Problem::Api(ErrorCode::PasswordRulesNotMet));
        }
        Ok(ChangePasswordRequest {
            current_password: self.current.clone(),
            new_password: self.new.clone(),
        })
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Current(value) => self.current = value,
            Action::New(value) => {
                self.outcomes = outcomes(value.expose(), &self.policy, &self.identifier);
                self.new = value;
            }
            Action::ToggleShowCurrent => self.show_current = !self.show_current,
            Action::ToggleShowNew => self.show_new = !self.show_new,
            Action::CapsLock(on) => self.caps_lock = on,
            Action::Submit(step) => {
                if !self.submission.apply(&step) {
                    return;
                }
                match step {
                    Step::Failed(error) => {
                        if error.code == ErrorCode::PasswordRulesNotMet && !error.rules.is_empty() {
                            // The server has the last word (the common-password list, say).
                            self.outcomes = error.rules;
                        }
                        if error.code == ErrorCode::InvalidCredentials {
                            self.current = Secret::default();
                        }
                    }
                    Step::Succeeded(()) => {
                        self.current = Secret::default();
                        self.new = Secret::default();
                        self.done = true;
                    }
                    Step::Rejected(_) | Step::Submitting => {}
                }
            }
        }
    }
}

reducible_by_apply!(ChangePassword, Action);

impl Submits for ChangePassword {
    fn submission(&self) -> &Submission {
        &self.submission
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::password::Rule;
    use sesame_core::ApiError;

    fn spico() -> ChangePassword {
        ChangePassword::new(Rc::new(PasswordPolicy::spico()), "marie.dupont".into())
    }

    fn met(s: &ChangePassword, tag: &str) -> bool {
        s.outcomes.iter().find(|o| o.rule.tag() == tag).unwrap().met
    }

    #[test]
    fn nothing_typed_means_nothing_met() {
        let s = spico();
        assert_eq!(s.outcomes.len(), PasswordPolicy::spico().rules.len());
        assert!(s.outcomes.iter().all(|o| !o.met));
    }

    #[test]
    fn checklist_follows_typing() {
        let mut s = spico();
        s.apply(Action::New("abc".into()));
        assert!(met(&s, "lowercase"));
        assert!(!met(&s, "uppercase"));
        assert!(!met(&s, "min_length"));
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        assert!(s.outcomes.iter().all(|o| o.met));
        s.apply(Action::New("Soins:Occitanie-2027!".into()));
        let forbidden = s
            .outcomes
            .iter()
            .find(|o| o.rule.tag() == "forbidden")
            .unwrap();
        assert!(!forbidden.met);
        assert_eq!(forbidden.found, ":");
        s.apply(Action::New("Marie.Dupont-2027!".into()));
        assert!(!met(&s, "not_identifier"));
    }

    #[test]
    fn prepare_refuses_until_every_rule_is_met() {
        let mut s = spico();
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        assert_eq!(s.prepare(), Err(Problem::MissingPassword));
        s.apply(Action::Current("Soins-Occitanie-2026!".into()));
        s.apply(Action::New("short".into()));
        assert_eq!(
            s.prepare(),
            Err(Problem::Api(ErrorCode::PasswordRulesNotMet))
        );
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        let req = s.prepare().unwrap();
        assert_eq!(req.new_password.expose(), "Soins-Occitanie-2027!");
        assert_eq!(req.current_password.expose(), "Soins-Occitanie-2026!");
    }

    #[test]
    fn server_outcomes_replace_the_local_ones_on_422() {
        let mut s = spico();
        s.apply(Action::Current("Soins-Occitanie-2026!".into()));
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        s.apply(Action::Submit(Step::Submitting));
        let server = vec![RuleOutcome {
            rule: Rule::NotCommon,
            met: false,
            found: String::new(),
        }];
        let mut err = ApiError::new(ErrorCode::PasswordRulesNotMet);
        err.rules = server.clone();
        s.apply(Action::Submit(Step::Failed(err)));
        assert!(!s.submission.submitting);
        assert_eq!(s.outcomes, server);
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::PasswordRulesNotMet))
        );
        // Typing again goes back to the live check.
        s.apply(Action::New("Soins-Occitanie-2028!".into()));
        assert_eq!(s.outcomes.len(), PasswordPolicy::spico().rules.len());
    }

    #[test]
    fn wrong_current_password_and_success() {
        let mut s = spico();
        s.apply(Action::Current("wrong".into()));
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCredentials,
        ))));
        assert!(s.current.is_empty());
        s.apply(Action::Current("Soins-Occitanie-2026!".into()));
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Succeeded(())));
        assert!(s.done);
        assert!(s.current.is_empty() && s.new.is_empty());
        assert_eq!(s.submission.problem, None);
    }

    #[test]
    fn toggles() {
        let mut s = spico();
        s.apply(Action::ToggleShowCurrent);
        s.apply(Action::ToggleShowNew);
        s.apply(Action::ToggleShowNew);
        assert!(s.show_current && !s.show_new);
        s.apply(Action::CapsLock(true));
        assert!(s.caps_lock);
    }

    #[test]
    fn with_a_link_s_token_no_current_password_is_asked() {
        let mut s = spico();
        s.new = Secret::default();
        assert_eq!(s.prepare(), Err(Problem::MissingPassword));
        s.token = Some(Secret::new("ab".repeat(32)));
        assert_eq!(
            s.prepare(),
            Err(Problem::Api(ErrorCode::PasswordRulesNotMet)),
            "the rules still hold"
        );
        s.apply(Action::New("Soins-Occitanie-2027!".into()));
        let request = s.prepare().expect("sendable without a current password");
        assert!(request.current_password.is_empty());
        assert_eq!(request.new_password.expose(), "Soins-Occitanie-2027!");
    }
}
