//! The account journeys around the login (issue 14; the wire in `ACCOUNT-CONTRACT.md`): a
//! link from an e-mail (set a password, confirm a sign-up), the forgotten password and the
//! forgotten identifier. [`Journey`] is where the widget stands, held by
//! [`WidgetState`](super::widget::WidgetState); [`AccountForm`] is the one small form the
//! forgotten-password, forgotten-identifier and sign-up steps share (one field, one button).

use super::problem::Problem;
use super::submission::{Step, Submission};
use sesame_core::account::{LinkInfo, LinkPurpose, LinkStatus, SIGNUP_CODE_DIGITS};
use sesame_core::otp::normalize_code;
use sesame_core::Secret;

/// Which forgotten thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgot {
    /// The password: a reset link is sent.
    Password,
    /// The identifier: it is sent.
    Identifier,
}

/// An account journey under way, in place of the login.
#[derive(Debug, Clone, PartialEq)]
pub enum Journey {
    /// The e-mail's link (its token taken from the address) is being read.
    Checking(Secret),
    /// The link, read: what it is for and whether it still works.
    Link(Secret, LinkInfo),
    /// A forgotten password or identifier: the form asking where to write.
    Forgot(Forgot),
}

impl Journey {
    /// The set-password link to use now: its token and the account's identifier.
    pub fn sets_password(&self) -> Option<(&Secret, &str)> {
        match self {
            Journey::Link(token, info)
                if info.status == LinkStatus::Valid && info.purpose != LinkPurpose::Signup =>
            {
                Some((token, info.identifier.as_deref().unwrap_or_default()))
            }
            _ => None,
        }
    }

    /// The sign-up link to confirm now (a code to type): its token and where the code went.
    pub fn confirms_signup(&self) -> Option<(&Secret, Option<&str>)> {
        match self {
            Journey::Link(token, info)
                if info.status == LinkStatus::Valid && info.purpose == LinkPurpose::Signup =>
            {
                Some((token, info.destination.as_deref()))
            }
            _ => None,
        }
    }
}

/// What the small form is for.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    /// Asks for a forgotten password or identifier.
    Forgot(Forgot),
    /// Confirms a sign-up with the code sent by SMS (the link's token).
    Signup(Secret),
}

/// Where the small form stands. What is typed stays in the browser's field (read when the
/// form is sent): the form keeps no copy, and needs no state type of its own — it lives in
/// [`WidgetState`](super::widget::WidgetState), reset with each journey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountForm {
    /// Where the request stands.
    pub submission: Submission,
    /// The request succeeded: the form gives way to what happens next.
    pub done: bool,
    /// A new code was sent (sign-up): said until the next request.
    pub resent: bool,
}

/// What can happen to the small form.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A step of the request.
    Submit(Step<()>),
    /// Sign-up: another code was sent, or could not be (`Some` problem).
    Resent(Option<Problem>),
}

/// What the small form sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The identifier or address, for a forgotten password or identifier.
    Forgot(Forgot, String),
    /// The link's token and the code, normalised.
    Signup(Secret, Secret),
}

/// The request for what was `typed` in a `kind` form, or why not: an empty field, or a code
/// of the wrong shape.
pub fn prepare(kind: &FormKind, typed: &str) -> Result<Request, Problem> {
    let typed = typed.trim();
    match kind {
        FormKind::Forgot(_) if typed.is_empty() => Err(Problem::MissingIdentifier),
        FormKind::Forgot(forgot) => Ok(Request::Forgot(*forgot, typed.to_owned())),
        FormKind::Signup(token) => normalize_code(typed, SIGNUP_CODE_DIGITS)
            .map(|code| Request::Signup(token.clone(), Secret::new(code)))
            .map_err(Problem::Code),
    }
}

impl AccountForm {
    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Submit(step) => {
                self.resent = false;
                if self.submission.apply(&step) && step == Step::Succeeded(()) {
                    self.done = true;
                }
            }
            Action::Resent(problem) => {
                self.resent = problem.is_none();
                self.submission.problem = problem;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::otp::CodeProblem;
    use sesame_core::{ApiError, ErrorCode};

    fn info(purpose: LinkPurpose, status: LinkStatus) -> LinkInfo {
        LinkInfo {
            purpose,
            status,
            identifier: (status == LinkStatus::Valid && purpose != LinkPurpose::Signup)
                .then(|| "marie.dupont".to_owned()),
            destination: (purpose == LinkPurpose::Signup).then(|| "06 •• •• •• 12".to_owned()),
            expires_in: Some(3600),
            resend_in: None,
        }
    }

    fn token() -> Secret {
        Secret::new("ab".repeat(32))
    }

    #[test]
    fn a_valid_link_sets_a_password_or_confirms_a_sign_up() {
        let first = Journey::Link(token(), info(LinkPurpose::FirstLogin, LinkStatus::Valid));
        assert_eq!(first.sets_password(), Some((&token(), "marie.dupont")));
        assert_eq!(first.confirms_signup(), None);
        let reset = Journey::Link(token(), info(LinkPurpose::Reset, LinkStatus::Valid));
        assert!(reset.sets_password().is_some());
        let signup = Journey::Link(token(), info(LinkPurpose::Signup, LinkStatus::Valid));
        assert_eq!(signup.sets_password(), None);
        assert_eq!(
            signup.confirms_signup(),
            Some((&token(), Some("06 •• •• •• 12")))
        );
    }

    #[test]
    fn an_expired_or_used_link_does_nothing_but_say_so() {
        for status in [LinkStatus::Expired, LinkStatus::Used] {
            for purpose in [
                LinkPurpose::FirstLogin,
                LinkPurpose::Reset,
                LinkPurpose::Signup,
            ] {
                let j = Journey::Link(token(), info(purpose, status));
                assert_eq!(j.sets_password(), None, "{purpose:?} {status:?}");
                assert_eq!(j.confirms_signup(), None, "{purpose:?} {status:?}");
            }
        }
        assert_eq!(Journey::Checking(token()).sets_password(), None);
        assert_eq!(Journey::Forgot(Forgot::Password).sets_password(), None);
    }

    #[test]
    fn the_forgot_form_needs_something_typed_and_trims_it() {
        let kind = FormKind::Forgot(Forgot::Password);
        assert_eq!(prepare(&kind, ""), Err(Problem::MissingIdentifier));
        assert_eq!(prepare(&kind, "   "), Err(Problem::MissingIdentifier));
        assert_eq!(
            prepare(&kind, "  Marie.Dupont "),
            Ok(Request::Forgot(Forgot::Password, "Marie.Dupont".into()))
        );
    }

    #[test]
    fn the_sign_up_code_is_read_as_four_digits() {
        let kind = FormKind::Signup(token());
        assert_eq!(prepare(&kind, ""), Err(Problem::Code(CodeProblem::Empty)));
        assert!(matches!(
            prepare(&kind, "12 3"),
            Err(Problem::Code(CodeProblem::WrongLength { expected: 4, .. }))
        ));
        assert_eq!(
            prepare(&kind, " 12 34 "),
            Ok(Request::Signup(token(), Secret::new("1234")))
        );
    }

    #[test]
    fn success_ends_the_form_failure_says_why() {
        let mut f = AccountForm::default();
        f.apply(Action::Submit(Step::Submitting));
        assert!(f.submission.submitting);
        f.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCode,
        ))));
        assert_eq!(
            f.submission.problem,
            Some(Problem::Api(ErrorCode::InvalidCode))
        );
        assert!(!f.done);
        f.apply(Action::Submit(Step::Submitting));
        f.apply(Action::Submit(Step::Succeeded(())));
        assert!(f.done);
        assert_eq!(f.submission, Submission::default());
    }

    #[test]
    fn a_resent_code_is_said_until_the_next_request() {
        let mut f = AccountForm::default();
        f.apply(Action::Resent(None));
        assert!(f.resent);
        f.apply(Action::Submit(Step::Submitting));
        assert!(!f.resent);
        f.apply(Action::Resent(Some(Problem::Api(ErrorCode::ResendTooSoon))));
        assert!(!f.resent);
        assert_eq!(
            f.submission.problem,
            Some(Problem::Api(ErrorCode::ResendTooSoon))
        );
    }
}
