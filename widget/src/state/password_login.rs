//! Identifier + password login: what is typed, what is shown, and where the attempt stands.

use super::problem::Problem;
use super::submission::{Step, Submission, Submits};
use crate::api::LoginOutcome;
use sesame_core::api::{LoginPasswordBody, LoginPasswordRequest};
use sesame_core::identifier::IdentifierRule;
use sesame_core::{ErrorCode, Method, PortalId, Secret};

/// The password login form's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PasswordLogin {
    /// The identifier as typed.
    pub identifier: String,
    /// The password as typed.
    pub password: Secret,
    /// Whether the password is shown in clear.
    pub show_password: bool,
    /// Whether Caps Lock was on at the last key press in the password field.
    pub caps_lock: bool,
    /// Whether "Forgotten password?" is open.
    pub forgot_open: bool,
    /// Where the login request stands.
    pub submission: Submission,
    /// The "not a robot" step, when the portal asks for it.
    pub captcha: Captcha,
}

/// The "not a robot" step of the login form: the portal's proof of work, solved in a worker
/// while the person types, or a hosted provider's box (reCAPTCHA, hCaptcha, Turnstile) that the
/// person ticks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Captcha {
    /// The step is asked: always (the preset says so), or since the portal answered
    /// `captcha_required`.
    pub due: bool,
    /// A challenge is being solved.
    pub solving: bool,
    /// How far the solving is, in percent.
    pub progress: u8,
    /// The solution to send with the next login (used once).
    pub solution: Option<String>,
    /// Why the last solving failed (shown with a "try again" button).
    pub failed: Option<ErrorCode>,
    /// "Log in" was pressed while solving: the login goes as soon as it is solved.
    pub queued: bool,
    /// A hosted provider's box is on the page (the person does the step; nothing to queue).
    pub hosted: bool,
    /// The box is shown and waits for the person.
    pub waiting: bool,
    /// The box's token expired before the login was sent (said; the box asks again).
    pub expired: bool,
}

impl Captcha {
    /// Whether a new challenge should be solved now.
    pub fn wants_solving(&self) -> bool {
        self.due
            && !self.solving
            && !self.waiting
            && self.solution.is_none()
            && self.failed.is_none()
    }
}

/// What the first paint (the loader's plain form) held when the widget took over: typed
/// values, the focused field, and whether the person already pressed "log in".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prefill {
    /// The identifier as typed.
    pub identifier: String,
    /// The password as typed.
    pub password: Secret,
    /// The field that had focus: [`dom::field::IDENTIFIER`](crate::dom::field::IDENTIFIER) or
    /// [`dom::field::PASSWORD`](crate::dom::field::PASSWORD) (never another name).
    pub focus: Option<&'static str>,
    /// Submitted before the widget was ready: submit now.
    pub submit: bool,
}

/// A prefill used once: the first form to mount takes it, so a form shown again later (after
/// logging out) starts empty.
#[derive(Debug, Clone, Default)]
pub struct PrefillSlot(std::rc::Rc<std::cell::RefCell<Option<Prefill>>>);

impl PrefillSlot {
    /// A slot holding `prefill`.
    pub fn new(prefill: Option<Prefill>) -> PrefillSlot {
        PrefillSlot(std::rc::Rc::new(std::cell::RefCell::new(prefill)))
    }

    /// The prefill, once; `None` afterwards.
    pub fn take(&self) -> Option<Prefill> {
        self.0.borrow_mut().take()
    }
}

impl PartialEq for PrefillSlot {
    fn eq(&self, other: &PrefillSlot) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl PasswordLogin {
    /// The form's first state: empty, or what the first paint held.
    /// `captcha_always`: the offer's captcha step is asked at every login (due from the start,
    /// so a first paint's pending submit waits for it).
    pub fn from_prefill(prefill: Option<&Prefill>, captcha_always: bool) -> PasswordLogin {
        let mut s = match prefill {
            Some(p) => PasswordLogin {
                identifier: p.identifier.clone(),
                password: p.password.clone(),
                ..PasswordLogin::default()
            },
            None => PasswordLogin::default(),
        };
        s.captcha.due = captcha_always;
        s
    }
}

/// What can happen to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The identifier field changed.
    Identifier(String),
    /// The password field changed.
    Password(Secret),
    /// The show/hide button was pressed.
    ToggleShow,
    /// A key was pressed in the password field; Caps Lock was on or off.
    CapsLock(bool),
    /// "Forgotten password?" was pressed: open or close what to do.
    ToggleForgot,
    /// A step of the login request (rejected before sending: see [`PasswordLogin::prepare`]).
    Submit(Step<LoginOutcome>),
    /// A challenge is being solved.
    CaptchaSolving,
    /// How far the solving is, in percent.
    CaptchaProgress(u8),
    /// Solved: the login's `captcha` value.
    CaptchaSolved(String),
    /// Could not be solved here (no `crypto.subtle`, portal unreachable…).
    CaptchaFailed(ErrorCode),
    /// "Try again" after a failure.
    CaptchaRetry,
    /// "Log in" pressed while the check is being solved: send when it is.
    CaptchaQueue,
    /// A hosted provider's box is shown (again), waiting for the person.
    CaptchaShown,
    /// The hosted provider's token expired unused: the box asks again.
    CaptchaExpired,
}

impl From<Step<LoginOutcome>> for Action {
    fn from(step: Step<LoginOutcome>) -> Action {
        Action::Submit(step)
    }
}

impl PasswordLogin {
    /// The request to send, or why the form cannot be sent yet: empty fields, or an identifier
    /// that does not have the portal's shape (checked here so the person learns it at once).
    /// `method` is the one whose steps the server runs (password alone, or password then code).
    pub fn prepare(
        &self,
        portal: &PortalId,
        rule: &IdentifierRule,
        method: Method,
    ) -> Result<LoginPasswordBody, Problem> {
        let identifier = self.identifier.trim();
        if identifier.is_empty() {
            return Err(Problem::MissingIdentifier);
        }
        if !rule.accepts(identifier) {
            return Err(Problem::IdentifierShape(rule.clone()));
        }
        if self.password.is_empty() {
            return Err(Problem::MissingPassword);
        }
        if self.captcha.due && self.captcha.solution.is_none() {
            return Err(Problem::Api(ErrorCode::CaptchaRequired));
        }
        let request = LoginPasswordRequest {
            portal: portal.clone(),
            identifier: identifier.to_owned(),
            password: self.password.clone(),
            method,
        };
        Ok(LoginPasswordBody::new(
            request,
            self.captcha.solution.clone(),
        ))
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Identifier(value) => self.identifier = value,
            Action::Password(value) => self.password = value,
            Action::ToggleShow => self.show_password = !self.show_password,
            Action::CapsLock(on) => self.caps_lock = on,
            Action::ToggleForgot => self.forgot_open = !self.forgot_open,
            Action::CaptchaSolving => {
                self.captcha.solving = true;
                self.captcha.progress = 0;
                self.captcha.failed = None;
            }
            Action::CaptchaProgress(p) => self.captcha.progress = p.min(100),
            Action::CaptchaSolved(solution) => {
                self.captcha.solving = false;
                self.captcha.waiting = false;
                self.captcha.expired = false;
                self.captcha.progress = 100;
                self.captcha.solution = Some(solution);
            }
            Action::CaptchaFailed(code) => {
                self.captcha.solving = false;
                self.captcha.waiting = false;
                if self.captcha.queued {
                    // The login the person asked for cannot go: said where errors are.
                    self.submission.problem = Some(Problem::Api(code));
                }
                self.captcha.queued = false;
                self.captcha.failed = Some(code);
            }
            Action::CaptchaRetry => self.captcha.failed = None,
            Action::CaptchaShown => {
                self.captcha.solving = false;
                self.captcha.hosted = true;
                self.captcha.waiting = true;
                self.captcha.expired = false;
            }
            Action::CaptchaExpired => {
                self.captcha.solution = None;
                self.captcha.waiting = true;
                self.captcha.expired = true;
            }
            Action::CaptchaQueue => {
                // "Log in" before the check is solved: solve (again, after a failure), then send.
                // A hosted box is the person's to tick: the form says so instead.
                if self.captcha.due && self.captcha.solution.is_none() && !self.captcha.hosted {
                    self.captcha.queued = true;
                    self.captcha.failed = None;
                    self.submission.problem = None;
                }
            }
            Action::Submit(step) => {
                if !self.submission.apply(&step) {
                    return;
                }
                if let Step::Submitting = step {
                    // A solution is good for one login, whatever its outcome.
                    self.captcha.solution = None;
                    self.captcha.queued = false;
                }
                if let Step::Failed(error) = &step {
                    if error.code == ErrorCode::CaptchaRequired {
                        self.captcha.due = true;
                        if !self.captcha.hosted {
                            // The proof of work needs nothing from the person: solved, then
                            // the same login sent again, as if "log in" had waited for it.
                            self.captcha.queued = true;
                            self.submission.problem = None;
                        }
                    }
                }
                match step {
                    // Type it again: the wrong one is no use, and it must not linger.
                    Step::Failed(error) if error.code == ErrorCode::InvalidCredentials => {
                        self.password = Secret::default();
                    }
                    Step::Succeeded(_) => self.password = Secret::default(),
                    _ => {}
                }
            }
        }
    }
}

reducible_by_apply!(PasswordLogin, Action);

impl Submits for PasswordLogin {
    fn submission(&self) -> &Submission {
        &self.submission
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Reducible;
    use sesame_core::api::SessionInfo;
    use sesame_core::ApiError;
    use sesame_core::AssuranceLevel;
    use std::rc::Rc;

    fn portal() -> PortalId {
        PortalId::new("entractes").unwrap()
    }

    fn typed(identifier: &str, password: &str) -> PasswordLogin {
        let mut s = PasswordLogin::default();
        s.apply(Action::Identifier(identifier.into()));
        s.apply(Action::Password(password.into()));
        s
    }

    fn session() -> LoginOutcome {
        LoginOutcome::Session(SessionInfo {
            portal: portal(),
            identifier: "12345".into(),
            display_name: "Dr Karim Benali".into(),
            method: Method::Password,
            assurance: AssuranceLevel::Weak,
            authenticated_at: 0,
            means: None,
            establishment: None,
            establishments: Vec::new(),
            terms: None,
        })
    }

    #[test]
    fn identifier_shape_is_checked_before_sending() {
        let digits = IdentifierRule::Digits { len: 5 };
        assert_eq!(
            typed("", "482915").prepare(&portal(), &digits, Method::Password),
            Err(Problem::MissingIdentifier)
        );
        assert_eq!(
            typed("1234", "482915").prepare(&portal(), &digits, Method::Password),
            Err(Problem::IdentifierShape(digits.clone()))
        );
        assert_eq!(
            typed("12345", "").prepare(&portal(), &digits, Method::Password),
            Err(Problem::MissingPassword)
        );
        let req = typed(" 12345 ", "482915")
            .prepare(&portal(), &digits, Method::Otp)
            .unwrap();
        assert_eq!(req.method, Method::Otp, "the chosen method's steps");
        assert_eq!(req.identifier, "12345");
        assert_eq!(req.password.expose(), "482915");
        assert_eq!(req.portal, portal());
    }

    #[test]
    fn the_captcha_is_solved_once_per_login_and_comes_back_after_a_failure() {
        let digits = IdentifierRule::Digits { len: 5 };
        let mut s = typed("12345", "482915");
        assert!(!s.captcha.wants_solving(), "not asked");
        let body = s.prepare(&portal(), &digits, Method::Password).unwrap();
        assert_eq!(body.captcha, None);
        s.captcha.due = true;
        assert!(s.captcha.wants_solving());
        assert_eq!(
            s.prepare(&portal(), &digits, Method::Password),
            Err(Problem::Api(ErrorCode::CaptchaRequired)),
            "not sent before it is solved"
        );
        s.apply(Action::CaptchaSolving);
        assert!(!s.captcha.wants_solving(), "one challenge at a time");
        s.apply(Action::CaptchaProgress(140));
        assert_eq!(s.captcha.progress, 100);
        s.apply(Action::CaptchaSolved("eyJhbGdvcml0aG0i".into()));
        let body = s.prepare(&portal(), &digits, Method::Password).unwrap();
        assert_eq!(body.captcha.as_deref(), Some("eyJhbGdvcml0aG0i"));
        s.apply(Action::Submit(Step::Submitting));
        assert_eq!(s.captcha.solution, None, "used once");
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCredentials,
        ))));
        assert!(
            s.captcha.wants_solving(),
            "a new challenge for the next try"
        );
        s.apply(Action::CaptchaSolving);
        s.apply(Action::CaptchaFailed(ErrorCode::CaptchaUnavailable));
        assert!(!s.captcha.wants_solving(), "waits for the person's retry");
        s.apply(Action::CaptchaRetry);
        assert!(s.captcha.wants_solving());
    }

    #[test]
    fn a_login_pressed_while_solving_goes_once_solved() {
        let mut s = typed("12345", "482915");
        s.apply(Action::CaptchaQueue);
        assert!(!s.captcha.queued, "nothing to wait for");
        s.captcha.due = true;
        s.apply(Action::CaptchaSolving);
        s.apply(Action::CaptchaQueue);
        assert!(s.captcha.queued);
        s.apply(Action::CaptchaSolved("eyJ".into()));
        assert!(
            s.captcha.queued && s.captcha.solution.is_some(),
            "the form sends now"
        );
        s.apply(Action::Submit(Step::Submitting));
        assert!(!s.captcha.queued);
        s.apply(Action::CaptchaSolving);
        s.apply(Action::CaptchaQueue);
        s.apply(Action::CaptchaFailed(ErrorCode::NetworkError));
        assert!(!s.captcha.queued, "a failure cancels the wait");
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::NetworkError)),
            "and is said where errors are"
        );
        // Pressed again after a failure: the check is tried again, then the login sent.
        s.apply(Action::CaptchaQueue);
        assert!(s.captcha.queued && s.captcha.wants_solving());
        assert_eq!(s.submission.problem, None);
    }

    #[test]
    fn a_hosted_box_waits_for_the_person_and_asks_again_when_its_token_expires() {
        let digits = IdentifierRule::Digits { len: 5 };
        let mut s = typed("12345", "482915");
        s.captcha.due = true;
        s.apply(Action::CaptchaSolving);
        s.apply(Action::CaptchaShown);
        assert!(s.captcha.hosted && s.captcha.waiting);
        assert!(!s.captcha.wants_solving(), "shown once, not loaded again");
        s.apply(Action::CaptchaQueue);
        assert!(
            !s.captcha.queued,
            "the box is the person's to tick, not a wait"
        );
        assert_eq!(
            s.prepare(&portal(), &digits, Method::Password),
            Err(Problem::Api(ErrorCode::CaptchaRequired)),
            "the form says the check is needed"
        );
        s.apply(Action::CaptchaSolved("03AFcWeA".into()));
        assert!(!s.captcha.waiting);
        s.apply(Action::CaptchaExpired);
        assert!(s.captcha.expired && s.captcha.waiting && s.captcha.solution.is_none());
        assert!(!s.captcha.wants_solving(), "the box asks again by itself");
        s.apply(Action::CaptchaSolved("03AFcWeB".into()));
        assert!(!s.captcha.expired);
        let body = s.prepare(&portal(), &digits, Method::Password).unwrap();
        assert_eq!(body.captcha.as_deref(), Some("03AFcWeB"));
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCredentials,
        ))));
        assert!(
            s.captcha.wants_solving(),
            "a token is good once: the box is reset"
        );
        s.apply(Action::CaptchaShown);
        s.apply(Action::CaptchaFailed(ErrorCode::CaptchaUnavailable));
        assert!(!s.captcha.waiting && !s.captcha.wants_solving());
        s.apply(Action::CaptchaRetry);
        assert!(s.captcha.wants_solving());
    }

    #[test]
    fn a_preset_asking_the_captcha_always_starts_with_it_due() {
        let s = PasswordLogin::from_prefill(None, true);
        assert!(s.captcha.due && s.captcha.wants_solving());
        assert!(!PasswordLogin::from_prefill(None, false).captcha.due);
    }

    #[test]
    fn the_portal_can_ask_for_the_captcha_after_failures() {
        let mut s = typed("12345", "482915");
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::CaptchaRequired,
        ))));
        assert!(s.captcha.due);
        assert!(s.captcha.wants_solving());
        assert_eq!(
            s.password.expose(),
            "482915",
            "kept for the login sent again"
        );
        assert!(
            s.captcha.queued && s.submission.problem.is_none(),
            "nothing for the person to do: sent again once solved"
        );
        s.apply(Action::CaptchaSolving);
        s.apply(Action::CaptchaSolved("eyJ".into()));
        assert!(
            s.captcha.queued && s.captcha.solution.is_some(),
            "the form sends now"
        );
        // With a hosted box, the person ticks it: said, not queued.
        let mut s = typed("12345", "482915");
        s.captcha.hosted = true;
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::CaptchaRequired,
        ))));
        assert!(!s.captcha.queued);
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::CaptchaRequired))
        );
    }

    #[test]
    fn toggles_and_caps_lock() {
        let mut s = PasswordLogin::default();
        s.apply(Action::ToggleShow);
        assert!(s.show_password);
        s.apply(Action::ToggleShow);
        assert!(!s.show_password);
        s.apply(Action::CapsLock(true));
        assert!(s.caps_lock);
        s.apply(Action::CapsLock(false));
        assert!(!s.caps_lock);
    }

    #[test]
    fn wrong_password_is_cleared_and_the_error_kept() {
        let mut s = typed("12345", "000000");
        s.apply(Action::Submit(Step::Submitting));
        assert!(s.submission.submitting);
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCredentials,
        ))));
        assert!(!s.submission.submitting);
        assert!(s.password.is_empty());
        assert_eq!(s.identifier, "12345");
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::InvalidCredentials))
        );
        // A network failure keeps what was typed.
        let mut s = typed("12345", "482915");
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::NetworkError,
        ))));
        assert_eq!(s.password.expose(), "482915");
    }

    #[test]
    fn success_forgets_the_password() {
        let mut s = typed("12345", "482915");
        s.apply(Action::Submit(Step::Rejected(Problem::MissingPassword)));
        s.apply(Action::Submit(Step::Submitting));
        assert_eq!(
            s.submission.problem, None,
            "a new attempt clears the old problem"
        );
        s.apply(Action::Submit(Step::Succeeded(session())));
        assert!(s.password.is_empty());
        assert!(!s.submission.submitting);
    }

    #[test]
    fn a_prefill_is_taken_once() {
        let prefill = Prefill {
            identifier: "12345".into(),
            password: "482915".into(),
            focus: Some(crate::dom::field::PASSWORD),
            submit: true,
        };
        let slot = PrefillSlot::new(Some(prefill.clone()));
        assert_eq!(slot.clone(), slot, "clones are the same slot");
        assert_ne!(slot, PrefillSlot::default());
        let taken = slot.take();
        assert_eq!(taken, Some(prefill));
        let s = PasswordLogin::from_prefill(taken.as_ref(), false);
        assert_eq!(s.identifier, "12345");
        assert_eq!(s.password.expose(), "482915");
        assert_eq!(slot.take(), None, "a form shown again starts empty");
        assert_eq!(
            PasswordLogin::from_prefill(None, false),
            PasswordLogin::default()
        );
    }

    #[test]
    fn reducer_applies_actions() {
        let s = Rc::new(PasswordLogin::default()).reduce(Action::Identifier("x".into()));
        assert_eq!(s.identifier, "x");
        let s = s.reduce(Action::ToggleForgot);
        assert!(s.forgot_open);
        assert!(!s.reduce(Action::ToggleForgot).forgot_open);
    }
}
