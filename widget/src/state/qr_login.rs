//! The QR-code login: a code from the portal, shown with its two digits and a countdown while
//! it can be approved on the phone; renewed by itself when it expires (never shown expired),
//! up to [`MAX_RENEWALS`] times, then on the person's "Renouveler"; the outcome from the
//! portal's polls or its event stream.
//!
//! Each code is one *generation*: answers about an older code are ignored, except its approval
//! (a person who approved on the phone just as the code was renewed still logs in: the
//! portal's grace window, `QR_GRACE_SECS`).

use super::problem::Problem;
use sesame_core::qr::QrCode;
use sesame_core::ErrorCode;

/// Renewals the widget does by itself before it asks the person (the seed: "if after 30
/// seconds you are not connected, renew the QR code").
pub const MAX_RENEWALS: u8 = 5;

/// Where the QR login is (the step's `data-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Asking the portal for the first code.
    Loading,
    /// A code is shown and can be approved.
    Showing,
    /// The code expired: asking for a new one (by itself, or after "Renouveler").
    Renewing,
    /// Declined on the phone: final until "Renouveler".
    Declined,
    /// Expired after the automatic renewals: "Renouveler".
    Expired,
    /// Approved on the phone: the session is there.
    Approved,
    /// The portal refused (or could not be reached to give a code): "Renouveler".
    Failed,
}

impl Phase {
    /// The step's `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Loading => "loading",
            Phase::Showing => "showing",
            Phase::Renewing => "renewing",
            Phase::Declined => "declined",
            Phase::Expired => "expired",
            Phase::Approved => "approved",
            Phase::Failed => "failed",
        }
    }
}

/// The code on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The portal's code.
    pub code: QrCode,
    /// When it stops being approvable, in this browser's milliseconds.
    pub expires_at_ms: f64,
}

/// The QR login's state.
#[derive(Debug, Clone, PartialEq)]
pub struct QrLogin {
    /// Where it is.
    pub phase: Phase,
    /// The code shown (only while it can be approved).
    pub shown: Option<Shown>,
    /// The current code's generation (counts codes received).
    pub generation: u32,
    /// Automatic renewals since the last code the person asked for.
    pub renewals: u8,
    /// Whole seconds the code has left (the countdown).
    pub remaining: u32,
    /// The last poll found no network (or no portal): trying again.
    pub offline: bool,
    /// Why it stopped (declined, refused), in the error region.
    pub problem: Option<Problem>,
}

impl Default for QrLogin {
    fn default() -> Self {
        QrLogin {
            phase: Phase::Loading,
            shown: None,
            generation: 0,
            renewals: 0,
            remaining: 0,
            offline: false,
            problem: None,
        }
    }
}

/// What happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A new code from the portal, received at this browser's `now_ms`.
    Received(QrCode, f64),
    /// A second passed (this browser's `now_ms`).
    Tick(f64),
    /// The portal says code `generation` is still pending (a poll answered).
    Pending(u32),
    /// The portal says code `generation` was declined.
    Declined(u32),
    /// The portal says code `generation` expired.
    Expired(u32),
    /// Code `generation` was approved and the session claimed.
    Approved(u32),
    /// A poll of code `generation` found no network or no portal: trying again.
    Offline(u32),
    /// The portal refused code `generation` or a new code, or none could be had.
    Failed(u32, ErrorCode),
    /// "Renouveler": a new code at once, the automatic renewals counted afresh.
    Renew,
}

impl QrLogin {
    /// Whether a new code should be asked for now.
    pub fn wants_code(&self) -> bool {
        matches!(self.phase, Phase::Loading | Phase::Renewing)
    }

    /// Whether "Renouveler" is offered: the code is no use any more and the widget will not
    /// renew it by itself.
    pub fn offers_renew(&self) -> bool {
        matches!(self.phase, Phase::Declined | Phase::Expired | Phase::Failed)
    }

    /// The current code has expired: renewed by itself, or "Renouveler" after the last time.
    fn expire(&mut self) {
        self.shown = None;
        self.remaining = 0;
        if self.renewals < MAX_RENEWALS {
            self.renewals += 1;
            self.phase = Phase::Renewing;
        } else {
            self.phase = Phase::Expired;
        }
    }

    /// Applies `action`.
    pub fn apply(&mut self, action: Action) {
        let current = |g: u32, s: &QrLogin| g == s.generation && s.phase == Phase::Showing;
        match action {
            Action::Received(code, now_ms) => {
                if self.wants_code() {
                    self.remaining = code.expires_in;
                    self.shown = Some(Shown {
                        expires_at_ms: now_ms + f64::from(code.expires_in) * 1000.0,
                        code,
                    });
                    self.generation += 1;
                    self.phase = Phase::Showing;
                    self.offline = false;
                    self.problem = None;
                }
            }
            Action::Tick(now_ms) => {
                if let (Phase::Showing, Some(shown)) = (self.phase, &self.shown) {
                    let left = ((shown.expires_at_ms - now_ms) / 1000.0).ceil();
                    if left <= 0.0 {
                        self.expire();
                    } else {
                        self.remaining = left as u32;
                    }
                }
            }
            Action::Pending(g) if current(g, self) => self.offline = false,
            Action::Expired(g) if current(g, self) => self.expire(),
            Action::Declined(g) if current(g, self) => {
                self.shown = None;
                self.phase = Phase::Declined;
                self.problem = Some(Problem::Api(ErrorCode::QrDeclined));
            }
            Action::Offline(g) if current(g, self) => self.offline = true,
            Action::Failed(g, code) if g == self.generation && self.phase != Phase::Approved => {
                self.shown = None;
                self.phase = Phase::Failed;
                self.problem = Some(Problem::Api(code));
            }
            // An older code approved in the portal's grace window counts too.
            Action::Approved(g) if g <= self.generation => {
                self.shown = None;
                self.phase = Phase::Approved;
                self.problem = None;
            }
            Action::Renew => {
                if self.phase != Phase::Approved {
                    self.shown = None;
                    self.renewals = 0;
                    self.phase = Phase::Renewing;
                    self.problem = None;
                }
            }
            // About an older code, or after the outcome: nothing to change.
            Action::Pending(_)
            | Action::Expired(_)
            | Action::Declined(_)
            | Action::Offline(_)
            | Action::Failed(..)
            | Action::Approved(_) => {}
        }
    }
}

reducible_by_apply!(QrLogin, Action);

#[cfg(test)]
mod tests {
    use super::*;

    fn code(id: &str) -> QrCode {
        QrCode {
            id: id.into(),
            svg: "<svg/>".into(),
            payload: "sesame-qr://x".into(),
            digits: "47".into(),
            expires_in: 30,
            poll_ms: 1000,
        }
    }

    fn showing() -> QrLogin {
        let mut s = QrLogin::default();
        assert!(s.wants_code(), "the first code is asked for at once");
        s.apply(Action::Received(code("a"), 1_000.0));
        s
    }

    #[test]
    fn a_code_counts_down_and_is_renewed_by_itself_never_shown_expired() {
        let mut s = showing();
        assert_eq!(
            (s.phase, s.generation, s.remaining),
            (Phase::Showing, 1, 30)
        );
        s.apply(Action::Tick(1_000.0 + 12_300.0));
        assert_eq!(s.remaining, 18, "whole seconds, rounded up");
        s.apply(Action::Tick(1_000.0 + 30_000.0));
        assert_eq!(s.phase, Phase::Renewing);
        assert!(s.shown.is_none(), "an expired code is not shown");
        assert!(s.wants_code() && !s.offers_renew());
        s.apply(Action::Received(code("b"), 40_000.0));
        assert_eq!((s.phase, s.generation), (Phase::Showing, 2));
        // The portal may say it first.
        s.apply(Action::Expired(2));
        assert_eq!((s.phase, s.renewals), (Phase::Renewing, 2));
    }

    #[test]
    fn after_five_renewals_the_person_renews() {
        let mut s = showing();
        for _ in 0..MAX_RENEWALS {
            s.apply(Action::Expired(s.generation));
            assert_eq!(s.phase, Phase::Renewing);
            s.apply(Action::Received(code("n"), 0.0));
        }
        s.apply(Action::Expired(s.generation));
        assert_eq!(s.phase, Phase::Expired);
        assert!(s.offers_renew() && !s.wants_code());
        s.apply(Action::Renew);
        assert!(s.wants_code());
        assert_eq!(s.renewals, 0, "counted afresh after the person's renewal");
    }

    #[test]
    fn answers_about_an_older_code_are_ignored_but_its_approval() {
        let mut s = showing();
        s.apply(Action::Expired(1));
        s.apply(Action::Received(code("b"), 0.0));
        for stale in [
            Action::Declined(1),
            Action::Expired(1),
            Action::Offline(1),
            Action::Failed(1, ErrorCode::QrUnknown),
        ] {
            let before = s.clone();
            s.apply(stale.clone());
            assert_eq!(s, before, "{stale:?}");
        }
        s.apply(Action::Approved(1));
        assert_eq!(s.phase, Phase::Approved, "approved in the grace window");
        s.apply(Action::Renew);
        assert_eq!(s.phase, Phase::Approved, "nothing after the outcome");
    }

    #[test]
    fn a_declined_code_is_said_and_renewed_only_on_request() {
        let mut s = showing();
        s.apply(Action::Declined(1));
        assert_eq!(s.phase, Phase::Declined);
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::QrDeclined)));
        assert!(s.shown.is_none() && s.offers_renew() && !s.wants_code());
        s.apply(Action::Tick(1e12));
        assert_eq!(s.phase, Phase::Declined, "no countdown after a decline");
        s.apply(Action::Renew);
        s.apply(Action::Received(code("c"), 0.0));
        assert_eq!((s.phase, s.problem.clone()), (Phase::Showing, None));
    }

    #[test]
    fn a_lost_network_is_said_until_a_poll_answers() {
        let mut s = showing();
        s.apply(Action::Offline(1));
        assert!(s.offline);
        assert_eq!(
            s.phase,
            Phase::Showing,
            "the code stays while it can be approved"
        );
        s.apply(Action::Pending(1));
        assert!(!s.offline);
        s.apply(Action::Failed(1, ErrorCode::RateLimited));
        assert_eq!(s.phase, Phase::Failed);
        assert!(s.offers_renew());
    }
}
