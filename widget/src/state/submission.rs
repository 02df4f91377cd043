//! Where a form's request stands: the part every form shares (password login, change password,
//! and the code, captcha and QR steps to come). A form's state holds a [`Submission`] and
//! passes each [`Step`] through [`Submission::apply`] before its own handling (clearing a
//! wrong password, taking the server's rule outcomes…).

use super::problem::Problem;
use sesame_core::ApiError;

/// Whether a request is under way, and what went wrong last.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Submission {
    /// A request is under way: the submit button says so (`aria-disabled`), a second press
    /// sends nothing.
    pub submitting: bool,
    /// What went wrong last, shown in the form's error region.
    pub problem: Option<Problem>,
}

/// One step of a submission; `T` is what a success returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T> {
    /// Submitted but not sendable (empty field, identifier of the wrong shape, rule not met).
    Rejected(Problem),
    /// The request was sent.
    Submitting,
    /// The portal refused, or could not be reached.
    Failed(ApiError),
    /// Done.
    Succeeded(T),
}

impl Submission {
    /// Applies the shared part of `step`. Returns `false` when the step must be ignored
    /// altogether (a rejection while a request is under way: the earlier request decides).
    pub fn apply<T>(&mut self, step: &Step<T>) -> bool {
        match step {
            Step::Rejected(problem) => {
                if self.submitting {
                    return false;
                }
                self.problem = Some(problem.clone());
            }
            Step::Submitting => {
                self.submitting = true;
                self.problem = None;
            }
            Step::Failed(error) => {
                self.submitting = false;
                self.problem = Some(Problem::Api(error.code));
            }
            Step::Succeeded(_) => {
                self.submitting = false;
                self.problem = None;
            }
        }
        true
    }
}

/// A form state with a [`Submission`]: what the shared submit flow reads.
pub trait Submits {
    /// Where the form's request stands.
    fn submission(&self) -> &Submission;
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::ErrorCode;

    #[test]
    fn a_submission_goes_through_its_steps() {
        let mut s = Submission::default();
        assert!(s.apply(&Step::<()>::Rejected(Problem::MissingPassword)));
        assert_eq!(s.problem, Some(Problem::MissingPassword));
        assert!(s.apply(&Step::<()>::Submitting));
        assert!(s.submitting);
        assert_eq!(s.problem, None, "a new attempt clears the old problem");
        assert!(
            !s.apply(&Step::<()>::Rejected(Problem::MissingIdentifier)),
            "ignored while a request is under way"
        );
        assert_eq!(s.problem, None);
        s.apply(&Step::<()>::Failed(ApiError::new(ErrorCode::NetworkError)));
        assert!(!s.submitting);
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::NetworkError)));
        s.apply(&Step::<()>::Submitting);
        s.apply(&Step::Succeeded(()));
        assert_eq!(s, Submission::default());
    }
}
