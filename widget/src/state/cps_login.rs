//! The CPS-card login: ask the portal for a nonce, have the card sign it through the extension
//! (the PIN is typed in the extension's window, never here), send the signature to the portal.

use super::problem::Problem;

/// Where the login is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The button waits for the person.
    Ready,
    /// Asking the portal for a nonce.
    Preparing,
    /// The extension's window is open: the holder checks the address and types the PIN.
    AtTheCard,
    /// The portal checks the certificate and the signature.
    Verifying,
}

/// The CPS login's state.
#[derive(Debug, Clone, PartialEq)]
pub struct CpsLoginState {
    /// Where it is.
    pub phase: Phase,
    /// Why the last try failed (kept until the next one starts).
    pub problem: Option<Problem>,
}

/// What happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The button was pressed (ignored while a try is under way: no double submission).
    Start,
    /// The portal gave a nonce: the extension's window opens.
    NonceReceived,
    /// The card signed: the portal checks.
    Signed,
    /// The try ended without a session: why. Back to the button.
    Failed(Problem),
}

impl Default for CpsLoginState {
    fn default() -> Self {
        CpsLoginState {
            phase: Phase::Ready,
            problem: None,
        }
    }
}

impl CpsLoginState {
    /// Whether a try is under way.
    pub fn busy(&self) -> bool {
        self.phase != Phase::Ready
    }

    /// Applies `action`.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Start if !self.busy() => {
                self.phase = Phase::Preparing;
                self.problem = None;
            }
            Action::Start => {}
            Action::NonceReceived if self.phase == Phase::Preparing => {
                self.phase = Phase::AtTheCard
            }
            Action::Signed if self.phase == Phase::AtTheCard => self.phase = Phase::Verifying,
            Action::NonceReceived | Action::Signed => {}
            Action::Failed(problem) => {
                self.phase = Phase::Ready;
                self.problem = Some(problem);
            }
        }
    }
}

reducible_by_apply!(CpsLoginState, Action);

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::bridge::BridgeError;
    use sesame_core::ErrorCode;

    #[test]
    fn a_login_goes_portal_card_portal() {
        let mut s = CpsLoginState::default();
        assert!(!s.busy());
        s.apply(Action::Start);
        assert_eq!(s.phase, Phase::Preparing);
        s.apply(Action::NonceReceived);
        assert_eq!(s.phase, Phase::AtTheCard);
        s.apply(Action::Signed);
        assert_eq!(s.phase, Phase::Verifying);
        assert!(s.busy());
    }

    #[test]
    fn no_second_try_while_one_is_under_way() {
        let mut s = CpsLoginState::default();
        s.apply(Action::Start);
        s.apply(Action::NonceReceived);
        s.apply(Action::Start);
        assert_eq!(s.phase, Phase::AtTheCard, "a second press changes nothing");
        s.apply(Action::Signed);
        s.apply(Action::NonceReceived);
        assert_eq!(s.phase, Phase::Verifying, "late events do not go back");
    }

    #[test]
    fn a_failure_says_why_and_gives_the_button_back_until_the_next_try() {
        let mut s = CpsLoginState::default();
        s.apply(Action::Start);
        s.apply(Action::NonceReceived);
        s.apply(Action::Failed(Problem::Bridge(BridgeError::PinLocked)));
        assert!(!s.busy());
        assert_eq!(s.problem, Some(Problem::Bridge(BridgeError::PinLocked)));
        s.apply(Action::Start);
        assert_eq!(s.problem, None);
        s.apply(Action::Failed(Problem::Api(ErrorCode::CpsHolderUnknown)));
        assert_eq!(s.phase, Phase::Ready);
    }
}
