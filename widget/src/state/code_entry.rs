//! The one-time code step: the code as typed, the channel, the countdowns (resend cooldown and
//! the code's life) and where the requests stand. The server decides everything that matters
//! (which channels, when a code may be sent again, whether the code is right); this state only
//! shows it and counts down on the device's clock from the moment the server answered.

use super::problem::Problem;
use super::submission::{Step, Submission, Submits};
use sesame_core::api::{CodeStep, SessionInfo, VerifyCodeRequest};
use sesame_core::otp::{normalize_code, OtpChannel};
use sesame_core::{ApiError, ErrorCode, Secret};

/// The code step's state. Times are Unix seconds on this device's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeEntry {
    /// What the server said of the step, last.
    pub step: CodeStep,
    /// The code as typed (not a [`Secret`] while typed: it is shown, and dies with the step).
    pub code: String,
    /// Where the code request stands.
    pub submission: Submission,
    /// A send request is under way.
    pub sending: bool,
    /// When the server's answer arrived.
    pub received_at: f64,
    /// Now (ticks once a second while a countdown runs).
    pub now: f64,
}

/// What can happen to the code step.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The field changed.
    Code(String),
    /// A step of the code request.
    Submit(Step<SessionInfo>),
    /// A send request left.
    Sending,
    /// The server sent a code: its new step, and when the answer arrived.
    Sent(CodeStep, f64),
    /// The send request failed (the step stays: the person can try again or another channel).
    SendFailed(ApiError),
    /// The clock ticked.
    Tick(f64),
}

impl From<Step<SessionInfo>> for Action {
    fn from(step: Step<SessionInfo>) -> Action {
        Action::Submit(step)
    }
}

/// Seconds left until `deadline`, rounded up; `None` once it has passed.
fn left(deadline: f64, now: f64) -> Option<u32> {
    let secs = (deadline - now).ceil();
    (secs > 0.0).then_some(secs as u32)
}

impl CodeEntry {
    /// The step as the server answered it at `now`.
    pub fn new(step: CodeStep, now: f64) -> CodeEntry {
        CodeEntry {
            step,
            code: String::new(),
            submission: Submission::default(),
            sending: false,
            received_at: now,
            now,
        }
    }

    /// Whether the person must first choose where the code is sent (no code sent yet).
    pub fn must_choose_channel(&self) -> bool {
        self.step.channel.is_none() && !self.uses_app()
    }

    /// Whether the code comes from an authenticator app.
    pub fn uses_app(&self) -> bool {
        self.step.channels.contains(&OtpChannel::App)
    }

    /// The channels a code can be sent on.
    pub fn sending_channels(&self) -> impl Iterator<Item = OtpChannel> + '_ {
        self.step.channels.iter().copied().filter(|c| c.is_sent())
    }

    /// Seconds before another code may be sent; `None` when it may be sent now.
    pub fn resend_in(&self) -> Option<u32> {
        left(self.received_at + f64::from(self.step.resend_in?), self.now)
    }

    /// Whether a send button works now.
    pub fn can_send(&self) -> bool {
        !self.sending && self.step.sends_left > 0 && self.resend_in().is_none()
    }

    /// Seconds the sent code stays valid; `Some(0)` once expired, `None` without a sent code.
    pub fn expires_in(&self) -> Option<u32> {
        let life = self.step.expires_in?;
        Some(left(self.received_at + f64::from(life), self.now).unwrap_or(0))
    }

    /// Whether a countdown runs (the clock must tick).
    pub fn counting(&self) -> bool {
        self.resend_in().is_some() || self.expires_in().is_some_and(|s| s > 0)
    }

    /// Whether this device's clock differs from the server's by more than one period: the
    /// authenticator app (whose phone is often set by hand alike) may then be refused.
    pub fn clock_differs(&self) -> bool {
        self.uses_app()
            && (self.received_at - self.step.server_time as f64).abs() > f64::from(self.step.period)
    }

    /// The request to send, or why the code cannot be one (checked here, so no attempt is
    /// used on a typing slip): spaces and dashes of a paste are accepted.
    pub fn prepare(&self) -> Result<VerifyCodeRequest, Problem> {
        normalize_code(&self.code, self.step.digits)
            .map(|code| VerifyCodeRequest {
                code: Secret::new(code),
            })
            .map_err(Problem::Code)
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Code(code) => self.code = code,
            Action::Tick(now) => self.now = now,
            Action::Sending => {
                self.sending = true;
                self.submission.problem = None;
            }
            Action::Sent(step, now) => *self = CodeEntry::new(step, now),
            Action::SendFailed(error) => {
                self.sending = false;
                self.submission.problem = Some(Problem::Api(error.code));
            }
            Action::Submit(step) => {
                if !self.submission.apply(&step) {
                    return;
                }
                match step {
                    // Refused or done: a code is no use twice, type the next one.
                    Step::Failed(error) if error.code == ErrorCode::InvalidCode => {
                        self.code.clear()
                    }
                    Step::Succeeded(_) => self.code.clear(),
                    _ => {}
                }
            }
        }
    }
}

reducible_by_apply!(CodeEntry, Action);

impl Submits for CodeEntry {
    fn submission(&self) -> &Submission {
        &self.submission
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::method::Step as MethodStep;
    use sesame_core::otp::{CodeProblem, CODE_DIGITS, CODE_LIFE_SECS, RESEND_COOLDOWN_SECS};

    fn sent(channels: Vec<OtpChannel>, channel: Option<OtpChannel>) -> CodeStep {
        let sent = channel.is_some();
        CodeStep {
            step: MethodStep::Code,
            channels,
            channel,
            destination: channel.map(|_| "m•••@exemple.fr".into()),
            digits: CODE_DIGITS,
            period: 30,
            expires_in: sent.then_some(CODE_LIFE_SECS),
            resend_in: sent.then_some(RESEND_COOLDOWN_SECS),
            sends_left: 3,
            server_time: 1_000,
            enrol: None,
        }
    }

    #[test]
    fn a_pasted_code_is_accepted_and_a_slip_is_caught_before_sending() {
        let mut s = CodeEntry::new(
            sent(vec![OtpChannel::Email], Some(OtpChannel::Email)),
            1_000.0,
        );
        s.apply(Action::Code("482 915".into()));
        assert_eq!(s.prepare().unwrap().code.expose(), "482915");
        s.apply(Action::Code("48-29-15".into()));
        assert_eq!(s.prepare().unwrap().code.expose(), "482915");
        s.apply(Action::Code("12ab56".into()));
        assert_eq!(
            s.prepare().unwrap_err(),
            Problem::Code(CodeProblem::NotDigits)
        );
        s.apply(Action::Code("12345".into()));
        assert_eq!(
            s.prepare().unwrap_err(),
            Problem::Code(CodeProblem::WrongLength {
                expected: CODE_DIGITS
            })
        );
        s.apply(Action::Code(String::new()));
        assert_eq!(s.prepare().unwrap_err(), Problem::Code(CodeProblem::Empty));
    }

    #[test]
    fn two_channels_ask_first_one_app_does_not() {
        let s = CodeEntry::new(sent(vec![OtpChannel::Sms, OtpChannel::Email], None), 0.0);
        assert!(s.must_choose_channel());
        assert_eq!(s.sending_channels().count(), 2);
        assert!(s.can_send());
        assert_eq!(s.expires_in(), None);
        assert!(!s.counting());
        let app = CodeEntry::new(sent(vec![OtpChannel::App], None), 0.0);
        assert!(!app.must_choose_channel());
        assert!(app.uses_app());
        assert_eq!(app.sending_channels().count(), 0);
    }

    #[test]
    fn countdowns_run_on_the_device_clock_from_the_answer() {
        let mut s = CodeEntry::new(
            sent(vec![OtpChannel::Email], Some(OtpChannel::Email)),
            5_000.0,
        );
        assert_eq!(s.resend_in(), Some(RESEND_COOLDOWN_SECS));
        assert!(!s.can_send(), "cooldown");
        assert!(s.counting());
        s.apply(Action::Tick(5_000.0 + 59.2));
        assert_eq!(s.resend_in(), Some(1), "rounded up");
        s.apply(Action::Tick(5_000.0 + 60.0));
        assert_eq!(s.resend_in(), None);
        assert!(s.can_send());
        assert_eq!(s.expires_in(), Some(CODE_LIFE_SECS - 60));
        s.apply(Action::Tick(5_000.0 + f64::from(CODE_LIFE_SECS) + 1.0));
        assert_eq!(s.expires_in(), Some(0), "expired");
        assert!(!s.counting(), "nothing left to count");
    }

    #[test]
    fn no_send_left_means_no_send() {
        let mut step = sent(vec![OtpChannel::Sms], Some(OtpChannel::Sms));
        step.sends_left = 0;
        step.resend_in = None;
        assert!(!CodeEntry::new(step, 0.0).can_send());
    }

    #[test]
    fn sending_then_a_new_code_restarts_the_countdowns() {
        let mut s = CodeEntry::new(sent(vec![OtpChannel::Sms, OtpChannel::Email], None), 0.0);
        s.apply(Action::Code("12".into()));
        s.apply(Action::Sending);
        assert!(s.sending);
        assert!(!s.can_send(), "one send at a time");
        s.apply(Action::Sent(
            sent(
                vec![OtpChannel::Sms, OtpChannel::Email],
                Some(OtpChannel::Sms),
            ),
            100.0,
        ));
        assert!(!s.sending);
        assert!(!s.must_choose_channel());
        assert_eq!(s.code, "");
        assert_eq!(s.resend_in(), Some(RESEND_COOLDOWN_SECS));
        s.apply(Action::SendFailed(ApiError::new(ErrorCode::SendFailed)));
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::SendFailed))
        );
        assert_eq!(s.step.channel, Some(OtpChannel::Sms), "the step is kept");
    }

    #[test]
    fn a_refused_code_is_cleared_a_network_failure_keeps_it() {
        let mut s = CodeEntry::new(sent(vec![OtpChannel::App], None), 0.0);
        s.apply(Action::Code("482915".into()));
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::NetworkError,
        ))));
        assert_eq!(s.code, "482915");
        s.apply(Action::Submit(Step::Submitting));
        s.apply(Action::Submit(Step::Failed(ApiError::new(
            ErrorCode::InvalidCode,
        ))));
        assert_eq!(s.code, "");
        assert_eq!(
            s.submission.problem,
            Some(Problem::Api(ErrorCode::InvalidCode))
        );
    }

    #[test]
    fn a_clock_off_by_more_than_a_period_is_noticed_for_the_app_only() {
        let mut step = sent(vec![OtpChannel::App], None);
        step.server_time = 10_000;
        assert!(!CodeEntry::new(step.clone(), 10_029.0).clock_differs());
        assert!(CodeEntry::new(step.clone(), 10_031.0).clock_differs());
        assert!(CodeEntry::new(step, 9_900.0).clock_differs());
        let mut mail = sent(vec![OtpChannel::Email], Some(OtpChannel::Email));
        mail.server_time = 0;
        assert!(!CodeEntry::new(mail, 10_000.0).clock_differs());
    }
}
