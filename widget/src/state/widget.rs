//! The whole widget: language, which method is on screen, and the session.

use super::account::{self, AccountForm, Forgot, Journey};
use super::problem::Problem;
use sesame_core::account::LinkInfo;
use sesame_core::api::{CodeStep, SessionInfo};
use sesame_core::Secret;
use sesame_core::{ErrorCode, Lang, Method, PortalConfig};

/// The methods this version of the widget can carry out.
pub const IMPLEMENTED: [Method; 6] = Method::ALL;

/// The portal's methods that this version can carry out, in the portal's order.
pub fn working_methods(config: &PortalConfig) -> Vec<Method> {
    config
        .offers()
        .map(|o| o.method)
        .filter(|m| IMPLEMENTED.contains(m))
        .collect()
}

/// What the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Logged in: the session panel.
    Session,
    /// One method's form.
    Method(Method),
    /// The one-time code that follows the password (any method whose steps have one).
    Code,
    /// Several methods work: the chooser.
    Chooser,
    /// None works: a message and the support contact.
    NoMethod,
    /// An account journey (a link from an e-mail, a forgotten password or identifier).
    Journey,
}

/// Good news or a settled outcome the widget says above the login (`role="status"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The password was set from a link: log in with it.
    PasswordSet,
    /// The terms were declined: no session.
    TermsDeclined,
}

/// Where keyboard focus goes when the view changes under it (the button that had it is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// To the session panel, after logging in.
    Session,
    /// To the login form, after logging out or when an attempt ended.
    LoginForm,
    /// To the code step, once the password is accepted.
    CodeStep,
    /// To an account journey's form (its button is gone).
    Journey,
    /// To the method chooser's first method, after "another way to log in" (its button is
    /// gone: focus must not fall back to the top of the page).
    Chooser,
}

/// The widget's state.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetState {
    /// The interface language.
    pub lang: Lang,
    /// The methods that work, in the portal's order.
    pub methods: Vec<Method>,
    /// The method chosen (set from the start when only one works).
    pub chosen: Option<Method>,
    /// The session, once logged in.
    pub session: Option<SessionInfo>,
    /// The code step under way, after the password (the server's attempt cookie holds the
    /// rest).
    pub code: Option<CodeStep>,
    /// Whether the change-password form is open.
    pub changing_password: bool,
    /// A problem of the session panel (logout failed…).
    pub problem: Option<Problem>,
    /// Where focus goes when the new view mounts.
    pub focus: Option<Focus>,
    /// The English texts are being fetched, for a switch to English (English on demand).
    pub english_pending: bool,
    /// They could not be fetched: the widget stays in French and says so.
    pub english_failed: bool,
    /// On the way to Pro Santé Connect or the SSO (the page is about to change).
    pub leaving: bool,
    /// An account journey under way, in place of the login.
    pub journey: Option<Journey>,
    /// The journey's small form (forgotten password or identifier, sign-up code).
    pub account_form: AccountForm,
    /// What to say above the login.
    pub notice: Option<Notice>,
    /// The identifier the password form starts with (after a password was set).
    pub known_identifier: Option<String>,
}

/// What can happen to the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The language switch was pressed.
    SwitchLang,
    /// The host set the language (for English, once its texts are there).
    SetLang(Lang),
    /// English was asked for and its texts are being fetched (the language stays meanwhile).
    EnglishPending,
    /// The English texts could not be fetched: French stays.
    EnglishFailed,
    /// A method was chosen.
    Choose(Method),
    /// Back to the chooser.
    BackToChooser,
    /// Logged in with a form.
    LoggedIn(SessionInfo),
    /// The password was accepted; a code must follow.
    CodeRequired(CodeStep),
    /// The code step ended without a session (expired, too many wrong codes, or the person
    /// starts again): back to the method's form, saying why when there is a reason.
    AttemptEnded(Option<ErrorCode>),
    /// A session was found on load (focus stays where the page has it).
    SessionFound(SessionInfo),
    /// Logged out.
    LoggedOut,
    /// Open the change-password form.
    OpenChangePassword,
    /// Close it.
    CloseChangePassword,
    /// A session-panel request failed (logging out).
    Failed(ErrorCode),
    /// The form on screen reported its own outcome: an older widget-level message (an ended
    /// attempt, say) no longer applies.
    DismissProblem,
    /// Changing the password failed: its form shows why; only an ended session concerns the
    /// whole widget.
    ChangePasswordFailed(ErrorCode),
    /// The portal's configuration changed: these methods work now.
    Configure(Vec<Method>),
    /// On the way to the provider of Pro Santé Connect or the SSO (its address asked for).
    Leaving,
    /// The browser was sent there: the step is as before, so that a page the browser keeps and
    /// shows again with "Back" has a working button.
    Left,
    /// Back from the provider of `Method` without a session, for this reason: that method's
    /// step again, saying why.
    Returned(Method, ErrorCode),
    /// The page was opened from an e-mail's link (its token taken from the address).
    LinkOpened(Secret),
    /// The link was read.
    LinkRead(LinkInfo),
    /// The link could not be read (unknown, tampered, the network): the login, saying why.
    LinkFailed(ErrorCode),
    /// "Forgotten password?" or "Forgotten identifier?" was pressed (the portal offers the
    /// journey).
    Forgot(Forgot),
    /// Back to the login from a journey.
    JourneyEnded,
    /// The password was set from a link, for this identifier: the password form, filled in
    /// with it.
    PasswordSet(String),
    /// The terms were declined: the session is over (the server ended it).
    TermsDeclined,
    /// The journey's small form.
    Account(account::Action),
}

impl WidgetState {
    /// The state for a portal's `methods` (see [`working_methods`]) in `lang`.
    pub fn new(methods: Vec<Method>, lang: Lang) -> WidgetState {
        let chosen = match methods.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        WidgetState {
            lang,
            methods,
            chosen,
            session: None,
            code: None,
            changing_password: false,
            problem: None,
            focus: None,
            english_pending: false,
            english_failed: false,
            leaving: false,
            journey: None,
            account_form: AccountForm::default(),
            notice: None,
            known_identifier: None,
        }
    }

    /// What to show.
    pub fn view(&self) -> View {
        if self.session.is_some() {
            View::Session
        } else if self.journey.is_some() {
            View::Journey
        } else if self.code.is_some() {
            View::Code
        } else if let Some(method) = self.chosen {
            View::Method(method)
        } else if self.methods.is_empty() {
            View::NoMethod
        } else {
            View::Chooser
        }
    }

    /// Whether a "back to the chooser" button makes sense (not once logged in).
    pub fn can_go_back(&self) -> bool {
        self.methods.len() > 1
            && self.chosen.is_some()
            && self.session.is_none()
            && self.code.is_none()
            && self.journey.is_none()
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SwitchLang => self.lang = self.lang.other(),
            Action::SetLang(lang) => {
                self.lang = lang;
                self.english_pending = false;
                self.english_failed = false;
            }
            Action::EnglishPending => {
                self.english_pending = true;
                self.english_failed = false;
            }
            Action::EnglishFailed => {
                self.lang = Lang::Fr;
                self.english_pending = false;
                self.english_failed = true;
            }
            Action::Choose(method) => {
                if self.methods.contains(&method) && self.code.is_none() {
                    self.chosen = Some(method);
                    self.problem = None;
                    // The chooser's button is gone: the keyboard goes on in the method's form.
                    self.focus = Some(Focus::LoginForm);
                }
            }
            Action::BackToChooser => {
                if self.can_go_back() {
                    self.chosen = None;
                    self.problem = None;
                    self.focus = Some(Focus::Chooser);
                }
            }
            Action::LoggedIn(session) => {
                self.session = Some(session);
                self.code = None;
                self.problem = None;
                self.notice = None;
                self.known_identifier = None;
                self.focus = Some(Focus::Session);
            }
            Action::CodeRequired(step) => {
                if self.session.is_none() {
                    self.code = Some(step);
                    self.problem = None;
                    self.focus = Some(Focus::CodeStep);
                }
            }
            Action::AttemptEnded(reason) => {
                if self.code.take().is_some() {
                    self.problem = reason.map(Problem::Api);
                    self.focus = Some(Focus::LoginForm);
                }
            }
            Action::SessionFound(session) => {
                if self.session.is_none() {
                    self.session = Some(session);
                    self.problem = None;
                }
            }
            Action::LoggedOut => {
                self.session = None;
                self.code = None;
                self.changing_password = false;
                self.problem = None;
                self.focus = Some(Focus::LoginForm);
            }
            Action::OpenChangePassword => self.changing_password = self.session.is_some(),
            Action::CloseChangePassword => self.changing_password = false,
            Action::Configure(methods) => {
                let chosen = self.chosen.filter(|m| methods.contains(m));
                *self = WidgetState {
                    session: self.session.take(),
                    journey: self.journey.take(),
                    ..WidgetState::new(methods, self.lang)
                };
                if self.chosen.is_none() {
                    self.chosen = chosen;
                }
            }
            Action::DismissProblem => self.problem = None,
            Action::ChangePasswordFailed(code) => {
                if code == ErrorCode::NotAuthenticated {
                    self.apply(Action::Failed(code));
                }
            }
            Action::Leaving => self.leaving = true,
            Action::Left => self.leaving = false,
            Action::Returned(method, code) => {
                if self.methods.contains(&method) && self.session.is_none() {
                    self.chosen = Some(method);
                    self.problem = Some(Problem::Api(code));
                }
            }
            Action::LinkOpened(token) => {
                self.journey = Some(Journey::Checking(token));
                self.account_form = AccountForm::default();
                self.problem = None;
            }
            Action::LinkRead(info) => {
                if let Some(Journey::Checking(token)) = self.journey.take() {
                    self.journey = Some(Journey::Link(token, info));
                }
            }
            Action::LinkFailed(code) => {
                if matches!(self.journey, Some(Journey::Checking(_))) {
                    self.journey = None;
                    self.problem = Some(Problem::Api(code));
                }
            }
            Action::Forgot(forgot) => {
                if self.session.is_none() {
                    self.journey = Some(Journey::Forgot(forgot));
                    self.account_form = AccountForm::default();
                    self.problem = None;
                    self.notice = None;
                    self.focus = Some(Focus::Journey);
                }
            }
            Action::JourneyEnded => {
                if self.journey.take().is_some() {
                    self.focus = Some(Focus::LoginForm);
                }
            }
            Action::PasswordSet(identifier) => {
                self.journey = None;
                self.problem = None;
                self.notice = Some(Notice::PasswordSet);
                self.known_identifier = Some(identifier);
                if self.methods.contains(&Method::Password) {
                    self.chosen = Some(Method::Password);
                }
                self.focus = Some(Focus::LoginForm);
            }
            Action::Account(action) => self.account_form.apply(action),
            Action::TermsDeclined => {
                self.session = None;
                self.changing_password = false;
                self.problem = None;
                self.notice = Some(Notice::TermsDeclined);
                self.focus = Some(Focus::LoginForm);
            }
            Action::Failed(code) => {
                self.leaving = false;
                if code == ErrorCode::NotAuthenticated {
                    // The session ended on the server: back to the login form, saying why.
                    self.session = None;
                    self.changing_password = false;
                }
                self.problem = Some(Problem::Api(code));
            }
        }
    }
}

reducible_by_apply!(WidgetState, Action);

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::AssuranceLevel;

    fn session() -> SessionInfo {
        SessionInfo {
            portal: sesame_core::PortalId::new("spico").unwrap(),
            identifier: "marie.dupont".into(),
            display_name: "Marie Dupont".into(),
            method: Method::Password,
            assurance: AssuranceLevel::Weak,
            authenticated_at: 0,
            means: None,
            establishment: None,
            establishments: Vec::new(),
            terms: None,
        }
    }

    fn code_step() -> CodeStep {
        CodeStep {
            step: sesame_core::method::Step::Code,
            channels: vec![sesame_core::otp::OtpChannel::App],
            channel: None,
            destination: None,
            digits: 6,
            period: 60,
            expires_in: None,
            resend_in: None,
            sends_left: 0,
            server_time: 0,
            enrol: None,
        }
    }

    #[test]
    fn only_implemented_methods_work_in_portal_order() {
        for config in PortalConfig::presets() {
            let offered: Vec<Method> = config.offers().map(|o| o.method).collect();
            let expected: Vec<Method> = offered
                .into_iter()
                .filter(|m| IMPLEMENTED.contains(m))
                .collect();
            assert_eq!(working_methods(&config), expected, "{}", config.id);
            assert!(working_methods(&config).contains(&Method::Password));
        }
        assert_eq!(
            working_methods(&PortalConfig::spico()),
            [Method::Otp, Method::ProSanteConnect, Method::Password],
            "SPICO's order: its strong methods first"
        );
        // Every method of core is carried out now.
        assert!(Method::ALL.iter().all(|m| IMPLEMENTED.contains(m)));
    }

    #[test]
    fn back_from_a_provider_without_a_session_shows_its_step_and_why() {
        let methods = working_methods(&PortalConfig::nexus());
        let mut s = WidgetState::new(methods, Lang::Fr);
        assert_eq!(s.view(), View::Chooser);
        s.apply(Action::Returned(
            Method::ProSanteConnect,
            ErrorCode::OidcCancelled,
        ));
        assert_eq!(s.view(), View::Method(Method::ProSanteConnect));
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::OidcCancelled)));
        // Leaving again, then a failure to start: the button is back, the reason shown.
        s.apply(Action::Leaving);
        assert!(s.leaving);
        s.apply(Action::Left);
        assert!(
            !s.leaving,
            "a page shown again by Back has a working button"
        );
        s.apply(Action::Leaving);
        s.apply(Action::Failed(ErrorCode::OidcUnavailable));
        assert!(!s.leaving);
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::OidcUnavailable)));
        // A provider the portal does not offer (the SSO on Nexus) changes nothing.
        let mut s = WidgetState::new(working_methods(&PortalConfig::nexus()), Lang::Fr);
        s.apply(Action::Returned(Method::RegionalSso, ErrorCode::OidcFailed));
        assert_eq!(s.view(), View::Chooser);
        assert_eq!(s.problem, None);
        // Nor does a return once logged in.
        s.apply(Action::LoggedIn(session()));
        s.apply(Action::Returned(
            Method::ProSanteConnect,
            ErrorCode::OidcFailed,
        ));
        assert_eq!(s.view(), View::Session);
    }

    #[test]
    fn one_method_is_shown_directly_none_gives_a_message() {
        let s = WidgetState::new(vec![Method::Password], Lang::Fr);
        assert_eq!(s.view(), View::Method(Method::Password));
        assert!(!s.can_go_back());
        assert_eq!(WidgetState::new(vec![], Lang::Fr).view(), View::NoMethod);
    }

    #[test]
    fn several_methods_go_through_the_chooser() {
        let mut s = WidgetState::new(vec![Method::Password, Method::Otp], Lang::Fr);
        assert_eq!(s.view(), View::Chooser);
        s.apply(Action::Choose(Method::Cps));
        assert_eq!(
            s.view(),
            View::Chooser,
            "a method that does not work is refused"
        );
        s.apply(Action::Choose(Method::Otp));
        assert_eq!(s.view(), View::Method(Method::Otp));
        assert_eq!(s.focus, Some(Focus::LoginForm), "the form takes the focus");
        assert!(s.can_go_back());
        s.apply(Action::BackToChooser);
        assert_eq!(s.view(), View::Chooser);
        assert_eq!(
            s.focus,
            Some(Focus::Chooser),
            "the chooser's first method takes the focus of the button that went"
        );
        s.apply(Action::Choose(Method::Password));
        s.apply(Action::LoggedIn(session()));
        assert!(!s.can_go_back(), "no other method to choose once logged in");
    }

    #[test]
    fn reconfiguring_keeps_the_session_and_a_still_working_choice() {
        let mut s = WidgetState::new(vec![Method::Password, Method::Otp], Lang::En);
        s.apply(Action::Choose(Method::Otp));
        s.apply(Action::Configure(vec![Method::Otp, Method::Qr]));
        assert_eq!(s.view(), View::Method(Method::Otp));
        assert_eq!(s.lang, Lang::En);
        s.apply(Action::Configure(vec![Method::Qr, Method::Password]));
        assert_eq!(s.view(), View::Chooser);
        s.apply(Action::Configure(vec![Method::Password]));
        assert_eq!(s.view(), View::Method(Method::Password));
        s.apply(Action::LoggedIn(session()));
        s.apply(Action::Configure(vec![]));
        assert_eq!(s.view(), View::Session);
    }

    #[test]
    fn language_switch() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::SwitchLang);
        assert_eq!(s.lang, Lang::En);
        s.apply(Action::SwitchLang);
        assert_eq!(s.lang, Lang::Fr);
        s.apply(Action::SetLang(Lang::En));
        assert_eq!(s.lang, Lang::En);
    }

    #[test]
    fn english_waits_for_its_texts_and_a_failure_stays_french() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::EnglishPending);
        assert_eq!((s.lang, s.english_pending), (Lang::Fr, true));
        s.apply(Action::EnglishFailed);
        assert_eq!(s.lang, Lang::Fr);
        assert!(s.english_failed && !s.english_pending);
        s.apply(Action::EnglishPending);
        assert!(!s.english_failed, "a new try clears the failure");
        s.apply(Action::SetLang(Lang::En));
        assert_eq!(s.lang, Lang::En);
        assert!(!s.english_pending && !s.english_failed);
    }

    #[test]
    fn session_lifecycle() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::OpenChangePassword);
        assert!(
            !s.changing_password,
            "no change of password without a session"
        );
        s.apply(Action::LoggedIn(session()));
        assert_eq!(s.view(), View::Session);
        assert_eq!(s.focus, Some(Focus::Session));
        s.apply(Action::OpenChangePassword);
        assert!(s.changing_password);
        s.apply(Action::Failed(ErrorCode::NetworkError));
        assert_eq!(s.view(), View::Session);
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::NetworkError)));
        s.apply(Action::Failed(ErrorCode::NotAuthenticated));
        assert_eq!(s.view(), View::Method(Method::Password));
        assert!(!s.changing_password);
        s.apply(Action::LoggedIn(session()));
        assert_eq!(s.problem, None);
        s.apply(Action::LoggedOut);
        assert_eq!(s.view(), View::Method(Method::Password));
        assert_eq!(s.focus, Some(Focus::LoginForm));
    }

    #[test]
    fn a_failed_password_change_ends_the_session_only_when_the_portal_says_so() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::LoggedIn(session()));
        s.apply(Action::OpenChangePassword);
        s.apply(Action::ChangePasswordFailed(ErrorCode::InvalidCredentials));
        assert_eq!(s.view(), View::Session);
        assert!(s.changing_password);
        assert_eq!(s.problem, None, "the form shows it, not the widget");
        s.apply(Action::ChangePasswordFailed(ErrorCode::NotAuthenticated));
        assert_eq!(s.view(), View::Method(Method::Password));
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::NotAuthenticated)));
    }

    #[test]
    fn a_code_step_follows_the_password_and_ends_in_a_session_or_back_at_the_form() {
        let mut s = WidgetState::new(vec![Method::Password, Method::Otp], Lang::Fr);
        s.apply(Action::Choose(Method::Otp));
        s.apply(Action::CodeRequired(code_step()));
        assert_eq!(s.view(), View::Code);
        assert_eq!(s.focus, Some(Focus::CodeStep));
        assert!(
            !s.can_go_back(),
            "the attempt is under way: restart instead"
        );
        s.apply(Action::BackToChooser);
        s.apply(Action::Choose(Method::Password));
        assert_eq!(s.view(), View::Code, "no method change mid-attempt");
        s.apply(Action::AttemptEnded(Some(ErrorCode::AttemptExpired)));
        assert_eq!(s.view(), View::Method(Method::Otp));
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::AttemptExpired)));
        assert_eq!(s.focus, Some(Focus::LoginForm));
        s.apply(Action::CodeRequired(code_step()));
        assert_eq!(s.problem, None);
        s.apply(Action::AttemptEnded(Some(ErrorCode::AttemptExpired)));
        s.apply(Action::DismissProblem);
        assert_eq!(s.problem, None, "the form's own error replaces it");
        s.apply(Action::CodeRequired(code_step()));
        s.apply(Action::LoggedIn(session()));
        assert_eq!(s.view(), View::Session);
        assert_eq!(s.code, None);
        s.apply(Action::LoggedOut);
        assert_eq!(s.view(), View::Method(Method::Otp));
        s.apply(Action::AttemptEnded(None));
        assert_eq!(
            s.focus,
            Some(Focus::LoginForm),
            "no attempt: nothing changes"
        );
    }

    #[test]
    fn a_session_found_on_load_does_not_move_focus() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::SessionFound(session()));
        assert_eq!(s.view(), View::Session);
        assert_eq!(s.focus, None);
    }

    fn link(purpose: sesame_core::account::LinkPurpose) -> LinkInfo {
        LinkInfo {
            purpose,
            status: sesame_core::account::LinkStatus::Valid,
            identifier: Some("marie.dupont".into()),
            destination: None,
            expires_in: Some(60),
            resend_in: None,
        }
    }

    #[test]
    fn a_link_is_read_then_its_password_set_leads_to_the_filled_in_form() {
        let mut s = WidgetState::new(working_methods(&PortalConfig::spico()), Lang::Fr);
        let token = Secret::new("ab".repeat(32));
        s.apply(Action::LinkRead(link(
            sesame_core::account::LinkPurpose::FirstLogin,
        )));
        assert_eq!(s.journey, None, "no link was opened");
        s.apply(Action::LinkOpened(token.clone()));
        assert_eq!(s.view(), View::Journey);
        assert!(!s.can_go_back());
        s.apply(Action::LinkRead(link(
            sesame_core::account::LinkPurpose::FirstLogin,
        )));
        assert_eq!(
            s.journey.as_ref().and_then(|j| j.sets_password()),
            Some((&token, "marie.dupont"))
        );
        s.apply(Action::PasswordSet("marie.dupont".into()));
        assert_eq!(
            s.view(),
            View::Method(Method::Password),
            "SPICO has a chooser"
        );
        assert_eq!(s.notice, Some(Notice::PasswordSet));
        assert_eq!(s.known_identifier.as_deref(), Some("marie.dupont"));
        assert_eq!(s.focus, Some(Focus::LoginForm));
        s.apply(Action::LoggedIn(session()));
        assert_eq!((s.notice, s.known_identifier), (None, None));
    }

    #[test]
    fn a_link_that_cannot_be_read_leaves_the_login_saying_why() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::LinkOpened(Secret::new("x")));
        s.apply(Action::LinkFailed(ErrorCode::LinkInvalid));
        assert_eq!(s.view(), View::Method(Method::Password));
        assert_eq!(s.problem, Some(Problem::Api(ErrorCode::LinkInvalid)));
    }

    #[test]
    fn forgot_opens_its_form_and_ends_back_at_the_login() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::Failed(ErrorCode::InvalidCredentials));
        s.apply(Action::Forgot(Forgot::Identifier));
        assert_eq!(s.view(), View::Journey);
        assert_eq!(s.journey, Some(Journey::Forgot(Forgot::Identifier)));
        assert_eq!((s.problem.clone(), s.focus), (None, Some(Focus::Journey)));
        s.apply(Action::JourneyEnded);
        assert_eq!(s.view(), View::Method(Method::Password));
        assert_eq!(s.focus, Some(Focus::LoginForm));
        s.apply(Action::LoggedIn(session()));
        s.apply(Action::Forgot(Forgot::Password));
        assert_eq!(s.view(), View::Session, "not while logged in");
    }

    #[test]
    fn declining_the_terms_ends_the_session_and_says_so() {
        let mut s = WidgetState::new(vec![Method::Password], Lang::Fr);
        s.apply(Action::LoggedIn(session()));
        s.apply(Action::TermsDeclined);
        assert_eq!(s.view(), View::Method(Method::Password));
        assert_eq!(s.notice, Some(Notice::TermsDeclined));
        assert_eq!(s.focus, Some(Focus::LoginForm));
    }
}
