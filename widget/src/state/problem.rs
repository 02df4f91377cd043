//! What went wrong, as the widget shows it: an API error code, or a mistake caught before
//! sending anything.

use crate::texts::T;
use sesame_core::bridge::BridgeError;
use sesame_core::identifier::IdentifierRule;
use sesame_core::otp::CodeProblem;
use sesame_core::{ErrorCode, Lang};

/// A problem to show in the error region.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The portal (or the network) answered with this code.
    Api(ErrorCode),
    /// The identifier field is empty.
    MissingIdentifier,
    /// The (current) password field is empty.
    MissingPassword,
    /// The identifier does not have the portal's shape.
    IdentifierShape(IdentifierRule),
    /// The one-time code typed cannot be one (empty, wrong length, not digits).
    Code(CodeProblem),
    /// The extension, its card program or the card said no (CPS login).
    Bridge(BridgeError),
}

impl Problem {
    /// The text to show, in `lang`: what happened and what to do next.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Problem::Api(code) => code.text(lang).to_owned(),
            Problem::MissingIdentifier => T::MissingIdentifier.get(lang).to_owned(),
            Problem::MissingPassword => T::MissingPassword.get(lang).to_owned(),
            Problem::IdentifierShape(rule) => match rule.hint(lang) {
                Some(hint) => format!("{} {hint}.", T::IdentifierShape.get(lang)),
                None => T::MissingIdentifier.get(lang).to_owned(),
            },
            Problem::Code(problem) => problem.text(lang),
            Problem::Bridge(e) => e.text(lang).to_owned(),
        }
    }

    /// The API error code, if the problem came from the portal.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Problem::Api(code) => Some(*code),
            _ => None,
        }
    }

    /// Whether the support contact helps here (the person cannot fix it alone).
    pub fn wants_support(&self) -> bool {
        match self {
            Problem::Api(code) => !matches!(
                code,
                ErrorCode::NotAuthenticated
                    | ErrorCode::NetworkError
                    | ErrorCode::PasswordRulesNotMet
                    | ErrorCode::RateLimited
                    | ErrorCode::ServerBusy
                    | ErrorCode::MethodNotAvailable
                    | ErrorCode::InvalidCode
                    | ErrorCode::CodeMalformed
                    | ErrorCode::AttemptExpired
                    | ErrorCode::ResendTooSoon
                    | ErrorCode::TooManySends
                    | ErrorCode::OidcCancelled
            ),
            // The person can fix these alone: insert the card, plug the reader, try again.
            Problem::Bridge(e) => !matches!(
                e,
                BridgeError::UserCancelled
                    | BridgeError::UserTimeout
                    | BridgeError::CardAbsent
                    | BridgeError::ReaderAbsent
                    | BridgeError::ActionPending
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_problems_use_core_texts() {
        let p = Problem::Api(ErrorCode::InvalidCredentials);
        assert_eq!(
            p.text(Lang::Fr),
            ErrorCode::InvalidCredentials.text(Lang::Fr)
        );
        assert_eq!(p.code(), Some(ErrorCode::InvalidCredentials));
        assert!(p.wants_support());
        assert!(!Problem::Api(ErrorCode::PasswordRulesNotMet).wants_support());
        assert!(!Problem::Api(ErrorCode::NetworkError).wants_support());
        assert!(
            !Problem::Api(ErrorCode::ServerBusy).wants_support(),
            "waiting is the fix"
        );
        assert!(Problem::Api(ErrorCode::AccountBlocked).wants_support());
    }

    #[test]
    fn card_problems_use_the_bridge_texts() {
        let p = Problem::Bridge(BridgeError::CardAbsent);
        assert_eq!(p.text(Lang::Fr), BridgeError::CardAbsent.text(Lang::Fr));
        assert!(!p.wants_support(), "inserting the card is the fix");
        assert!(Problem::Bridge(BridgeError::PinLocked).wants_support());
        assert!(Problem::Bridge(BridgeError::HostMissing).wants_support());
        assert_eq!(p.code(), None);
    }

    #[test]
    fn shape_problem_names_the_expected_shape() {
        let p = Problem::IdentifierShape(IdentifierRule::Digits { len: 5 });
        let rule = IdentifierRule::Digits { len: 5 };
        for lang in [Lang::Fr, Lang::En] {
            let hint = rule.hint(lang).expect("a digits rule has a hint");
            assert!(p.text(lang).contains(&hint), "{}", p.text(lang));
        }
        assert_eq!(p.code(), None);
    }
}
