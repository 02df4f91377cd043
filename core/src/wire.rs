//! The API's bodies read and written without serde, for the widget.
//!
//! serde's generic machinery, with the formatting its error messages pull in (floats
//! included), weighs about 9 KB brotli in the widget's WebAssembly (BENCHMARKS.md, "widget
//! diet"). The widget has the browser parse JSON (`JSON.parse`) and reads the resulting value
//! through [`JsonValue`]; it writes its few flat request bodies from [`Fields`]. The server keeps
//! serde: the types and their serde attributes in [`api`](crate::api), [`error`](crate::error)
//! and [`password`](crate::password) stay the one definition of the wire format, and this
//! module's tests check it against them, variant by variant.
//!
//! Reading is lenient where serde is (unknown fields ignored, an unknown error code is
//! `unknown_error`, `rules` and `found` may be absent) and strict where it is: a missing or
//! mistyped required field gives `None`, which the widget treats as an unreadable answer.

use crate::account::{
    ForgotIdentifierRequest, ForgotPasswordRequest, LinkInfo, LinkPurpose, LinkRequest, LinkStatus,
    PasswordSet, SetPasswordRequest, SignupConfirmRequest, Terms, TermsRequest,
};
use crate::api::{
    ChangePasswordRequest, CodeStep, CpsLoginRequest, Enrolment, LoginPasswordBody,
    LoginPasswordRequest, SendCodeRequest, SessionInfo, VerifyCodeRequest,
};
use crate::captcha::{CaptchaChallenge, CaptchaProvider, CaptchaStart, HostedCaptcha};
use crate::error::{ApiError, ErrorCode};
use crate::method::{AssuranceLevel, Method, Step};
use crate::oidc::{Establishment, EstablishmentChoice, Means, OidcStartRequest};
use crate::otp::OtpChannel;
use crate::password::{Rule, RuleOutcome};
use crate::portal::PortalId;
use crate::qr::{QrCode, QrCreateRequest, QrStatus, QrStatusRequest};
use crate::secret::Secret;

/// A parsed JSON value, as the widget gets it from the browser (a `JsValue`) or a test from
/// serde_json.
pub trait JsonValue: Sized {
    /// The member `key` of an object; `None` if absent, `null`, or not an object.
    fn member(&self, key: &str) -> Option<Self>;
    /// The value as a string.
    fn string(&self) -> Option<String>;
    /// The value as a boolean.
    fn boolean(&self) -> Option<bool>;
    /// The value as a number.
    fn number(&self) -> Option<f64>;
    /// The items of an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The member names of an object (`None` if it is not one).
    fn keys(&self) -> Option<Vec<String>>;
}

/// serde_json's values read the same way: for native tests of code written against
/// [`JsonValue`], and for servers that want the widget's leniency.
impl JsonValue for serde_json::Value {
    fn member(&self, key: &str) -> Option<serde_json::Value> {
        self.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn items(&self) -> Option<Vec<serde_json::Value>> {
        self.as_array().cloned()
    }
    fn keys(&self) -> Option<Vec<String>> {
        self.as_object().map(|o| o.keys().cloned().collect())
    }
}

fn string<J: JsonValue>(v: &J, key: &str) -> Option<String> {
    v.member(key)?.string()
}

/// A non-negative whole number that fits a `usize` (rule lengths).
fn count<J: JsonValue>(v: &J, key: &str) -> Option<usize> {
    let n = v.member(key)?.number()?;
    (n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64).then_some(n as usize)
}

/// A whole number in `0..=max`.
fn whole<J: JsonValue>(v: &J, key: &str, max: f64) -> Option<f64> {
    let n = v.member(key)?.number()?;
    (n >= 0.0 && n.fract() == 0.0 && n <= max).then_some(n)
}

/// An optional member: absent or `null` is `Some(None)`; present but unreadable is `None`.
fn optional<J: JsonValue, T>(
    v: &J,
    key: &str,
    read: impl FnOnce(&J) -> Option<T>,
) -> Option<Option<T>> {
    match v.member(key) {
        None => Some(None),
        Some(m) => read(&m).map(Some),
    }
}

impl ErrorCode {
    /// The code for its wire string; a code this version does not know is `unknown_error`.
    pub fn parse(s: &str) -> ErrorCode {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or(ErrorCode::UnknownError)
    }
}

impl AssuranceLevel {
    /// The level for its wire string.
    pub fn parse(s: &str) -> Option<AssuranceLevel> {
        [AssuranceLevel::Weak, AssuranceLevel::Strong]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

impl SessionInfo {
    /// Reads a session body.
    pub fn read<J: JsonValue>(v: &J) -> Option<SessionInfo> {
        let at = v.member("authenticated_at")?.number()?;
        Some(SessionInfo {
            portal: PortalId::new(&string(v, "portal")?).ok()?,
            identifier: string(v, "identifier")?,
            display_name: string(v, "display_name")?,
            method: Method::parse(&string(v, "method")?)?,
            assurance: AssuranceLevel::parse(&string(v, "assurance")?)?,
            authenticated_at: (at.fract() == 0.0).then_some(at as i64)?,
            // A means or establishment this version cannot read is left out, as unknown
            // members are.
            means: string(v, "means").and_then(|m| Means::parse(&m)),
            establishment: v
                .member("establishment")
                .and_then(|e| Establishment::read(&e)),
            establishments: v
                .member("establishments")
                .and_then(|e| e.items())
                .unwrap_or_default()
                .iter()
                .filter_map(Establishment::read)
                .collect(),
            // Terms this version cannot read are not left out: the session would then look
            // ready when it is not, and every request would meet `terms_pending`.
            terms: optional(v, "terms", Terms::read)?,
        })
    }
}

impl Terms {
    /// Reads terms of use (`{"version", "url"}`).
    pub fn read<J: JsonValue>(v: &J) -> Option<Terms> {
        Some(Terms {
            version: string(v, "version")?,
            url: string(v, "url")?,
        })
    }
}

impl LinkInfo {
    /// Reads what a link is for and where it is ([`paths::ACCOUNT_LINK`] and the sign-up's
    /// answers). A purpose or status this version does not know makes it unreadable.
    ///
    /// [`paths::ACCOUNT_LINK`]: crate::api::paths::ACCOUNT_LINK
    pub fn read<J: JsonValue>(v: &J) -> Option<LinkInfo> {
        let secs =
            |key: &str| optional(v, key, |_| whole(v, key, u32::MAX as f64).map(|n| n as u32));
        Some(LinkInfo {
            purpose: LinkPurpose::parse(&string(v, "purpose")?)?,
            status: LinkStatus::parse(&string(v, "status")?)?,
            identifier: optional(v, "identifier", |i| i.string())?,
            destination: optional(v, "destination", |d| d.string())?,
            expires_in: secs("expires_in")?,
            resend_in: secs("resend_in")?,
        })
    }
}

impl PasswordSet {
    /// Reads the answer of a password set through a link.
    pub fn read<J: JsonValue>(v: &J) -> Option<PasswordSet> {
        Some(PasswordSet {
            identifier: string(v, "identifier")?,
        })
    }
}

impl Establishment {
    /// Reads an establishment.
    pub fn read<J: JsonValue>(v: &J) -> Option<Establishment> {
        Some(Establishment {
            id: string(v, "id")?,
            name: string(v, "name")?,
        })
    }
}

impl SessionInfo {
    /// The session's string members, in order; with `authenticated_at` (a number) they are
    /// the whole body. For the widget's `sesame-login` event.
    pub fn string_fields(&self) -> [(&'static str, &str); 5] {
        [
            ("portal", self.portal.as_str()),
            ("identifier", &self.identifier),
            ("display_name", &self.display_name),
            ("method", self.method.as_str()),
            ("assurance", self.assurance.as_str()),
        ]
    }
}

impl OtpChannel {
    /// Reads a channel (a JSON string).
    pub fn read<J: JsonValue>(v: &J) -> Option<OtpChannel> {
        OtpChannel::parse(&v.string()?)
    }
}

impl Enrolment {
    /// Reads an authenticator app's enrolment.
    pub fn read<J: JsonValue>(v: &J) -> Option<Enrolment> {
        Some(Enrolment {
            svg: string(v, "svg")?,
            secret: Secret::new(string(v, "secret")?),
            uri: Secret::new(string(v, "uri")?),
        })
    }
}

impl CodeStep {
    /// Reads a code step (`202` of the password step, `200` of a send). A channel this version
    /// does not know is left out of `channels`.
    pub fn read<J: JsonValue>(v: &J) -> Option<CodeStep> {
        let secs =
            |key: &str| optional(v, key, |_| whole(v, key, u32::MAX as f64).map(|n| n as u32));
        Some(CodeStep {
            step: Step::parse(&string(v, "step")?)?,
            channels: v
                .member("channels")?
                .items()?
                .iter()
                .filter_map(OtpChannel::read)
                .collect(),
            channel: optional(v, "channel", OtpChannel::read)?,
            destination: optional(v, "destination", |d| d.string())?,
            digits: whole(v, "digits", f64::from(u8::MAX))? as u8,
            period: whole(v, "period", u32::MAX as f64)? as u32,
            expires_in: secs("expires_in")?,
            resend_in: secs("resend_in")?,
            sends_left: whole(v, "sends_left", u32::MAX as f64)? as u32,
            server_time: {
                let t = v.member("server_time")?.number()?;
                (t.fract() == 0.0).then_some(t as i64)?
            },
            enrol: optional(v, "enrol", Enrolment::read)?,
        })
    }
}

impl CaptchaChallenge {
    /// Reads a proof-of-work challenge (`POST /login/captcha/challenge`). `maxnumber` must be
    /// a whole number a browser can count to exactly (≤ 2⁵³).
    pub fn read<J: JsonValue>(v: &J) -> Option<CaptchaChallenge> {
        Some(CaptchaChallenge {
            algorithm: string(v, "algorithm")?,
            challenge: string(v, "challenge")?,
            maxnumber: whole(v, "maxnumber", 9_007_199_254_740_992.0)? as u64,
            salt: string(v, "salt")?,
            signature: string(v, "signature")?,
        })
    }
}

impl CaptchaStart {
    /// Reads what the step starts with: a hosted provider when the answer names its `kind`,
    /// else a proof-of-work challenge.
    pub fn read<J: JsonValue>(v: &J) -> Option<CaptchaStart> {
        match string(v, "kind") {
            Some(kind) => Some(CaptchaStart::Hosted(HostedCaptcha {
                provider: CaptchaProvider::hosted(&kind, string(v, "site_key")?)?,
                script: string(v, "script")?,
            })),
            None => CaptchaChallenge::read(v).map(CaptchaStart::ProofOfWork),
        }
    }
}

impl QrCode {
    /// Reads a new QR code (`POST /login/qr`).
    pub fn read<J: JsonValue>(v: &J) -> Option<QrCode> {
        Some(QrCode {
            id: string(v, "id")?,
            svg: string(v, "svg")?,
            payload: string(v, "payload")?,
            digits: string(v, "digits")?,
            expires_in: whole(v, "expires_in", u32::MAX as f64)? as u32,
            poll_ms: whole(v, "poll_ms", u32::MAX as f64)? as u32,
        })
    }
}

impl QrStatus {
    /// Reads where a QR login is (a poll's answer, an event's data).
    pub fn read<J: JsonValue>(v: &J) -> Option<QrStatus> {
        Some(match string(v, "state")?.as_str() {
            "pending" => QrStatus::Pending,
            "slow_down" => QrStatus::SlowDown {
                retry_ms: whole(v, "retry_ms", u32::MAX as f64)? as u32,
            },
            "declined" => QrStatus::Declined,
            "expired" => QrStatus::Expired,
            "approved_pending_claim" => QrStatus::ApprovedPendingClaim,
            "approved" => QrStatus::Approved {
                session: SessionInfo::read(&v.member("session")?)?,
            },
            _ => return None,
        })
    }
}

impl Rule {
    /// Reads a rule (`{"rule": "min_length", "min": 12}`).
    pub fn read<J: JsonValue>(v: &J) -> Option<Rule> {
        Some(match string(v, "rule")?.as_str() {
            "min_length" => Rule::MinLength {
                min: count(v, "min")?,
            },
            "max_length" => Rule::MaxLength {
                max: count(v, "max")?,
            },
            "uppercase" => Rule::Uppercase,
            "lowercase" => Rule::Lowercase,
            "digit" => Rule::Digit,
            "special" => Rule::Special {
                allowed: string(v, "allowed")?,
            },
            "forbidden" => Rule::Forbidden {
                chars: string(v, "chars")?,
            },
            "digits_only" => Rule::DigitsOnly,
            "not_identifier" => Rule::NotIdentifier,
            "not_common" => Rule::NotCommon,
            "not_guessable_pin" => Rule::NotGuessablePin,
            _ => return None,
        })
    }
}

impl RuleOutcome {
    /// Reads one rule's state.
    pub fn read<J: JsonValue>(v: &J) -> Option<RuleOutcome> {
        Some(RuleOutcome {
            rule: Rule::read(&v.member("rule")?)?,
            met: v.member("met")?.boolean()?,
            found: v
                .member("found")
                .and_then(|f| f.string())
                .unwrap_or_default(),
        })
    }
}

impl ApiError {
    /// Reads an error body. A rule this version does not know is left out of `rules` (the
    /// checklist then shows the local check for it).
    pub fn read<J: JsonValue>(v: &J) -> Option<ApiError> {
        Some(ApiError {
            code: ErrorCode::parse(&string(v, "code")?),
            message: string(v, "message").unwrap_or_default(),
            rules: v
                .member("rules")
                .and_then(|r| r.items())
                .unwrap_or_default()
                .iter()
                .filter_map(RuleOutcome::read)
                .collect(),
        })
    }
}

/// A request body that is one flat object of strings (and, for a few, booleans): its members,
/// in order.
pub trait Fields {
    /// The string members, as `(name, value)`. Secrets appear here exposed: the caller sends
    /// them to the portal API and drops the body.
    fn fields(&self) -> Vec<(&'static str, &str)>;

    /// The boolean members, as `(name, value)`, written after the strings; none for most
    /// bodies ([`TermsRequest`]'s `accept`).
    fn booleans(&self) -> Vec<(&'static str, bool)> {
        Vec::new()
    }
}

impl Fields for LoginPasswordRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("portal", self.portal.as_str()),
            ("identifier", &self.identifier),
            ("password", self.password.expose()),
            ("method", self.method.as_str()),
        ]
    }
}

impl Fields for LoginPasswordBody {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("portal", self.portal.as_str()),
            ("identifier", &self.identifier),
            ("password", self.password.expose()),
            ("method", self.method.as_str()),
        ];
        if let Some(captcha) = &self.captcha {
            fields.push(("captcha", captcha));
        }
        fields
    }
}

impl Fields for SendCodeRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("channel", self.channel.as_str())]
    }
}

impl Fields for VerifyCodeRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("code", self.code.expose())]
    }
}

impl Fields for ChangePasswordRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("current_password", self.current_password.expose()),
            ("new_password", self.new_password.expose()),
        ]
    }
}

impl Fields for QrCreateRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("portal", self.portal.as_str())]
    }
}

impl Fields for QrStatusRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("id", &self.id)]
    }
}

impl Fields for OidcStartRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("portal", self.portal.as_str()),
            ("method", self.method.as_str()),
            ("return_to", &self.return_to),
        ]
    }
}

impl Fields for EstablishmentChoice {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("id", &self.id)]
    }
}

impl Fields for CpsLoginRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("portal", self.portal.as_str()),
            ("certificate", &self.certificate),
            ("algorithm", &self.algorithm),
            ("signature", &self.signature),
            ("origin", &self.origin),
            ("nonce", &self.nonce),
        ]
    }
}

impl Fields for ForgotPasswordRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("portal", self.portal.as_str()),
            ("identifier", &self.identifier),
        ]
    }
}

impl Fields for ForgotIdentifierRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("portal", self.portal.as_str()), ("email", &self.email)]
    }
}

impl Fields for LinkRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("token", self.token.expose())]
    }
}

impl Fields for SetPasswordRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("token", self.token.expose()),
            ("new_password", self.new_password.expose()),
        ]
    }
}

impl Fields for SignupConfirmRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("token", self.token.expose()), ("code", self.code.expose())]
    }
}

impl Fields for TermsRequest {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("version", &self.version)]
    }

    fn booleans(&self) -> Vec<(&'static str, bool)> {
        vec![("accept", self.accept)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use serde_json::Value;

    fn session(method: Method, assurance: AssuranceLevel) -> SessionInfo {
        SessionInfo {
            portal: PortalId::new("spico").unwrap(),
            identifier: "marie.dupont".into(),
            display_name: "Marie «\u{a0}Dupont\u{a0}» \"M\"".into(),
            method,
            assurance,
            authenticated_at: 1_795_000_000,
            means: None,
            establishment: None,
            establishments: Vec::new(),
            terms: None,
        }
    }

    #[test]
    fn sessions_read_back_what_serde_writes() {
        for method in Method::ALL {
            for assurance in [AssuranceLevel::Weak, AssuranceLevel::Strong] {
                let s = session(method, assurance);
                let v = serde_json::to_value(&s).unwrap();
                assert_eq!(SessionInfo::read(&v), Some(s));
            }
        }
        let place = |id: &str| Establishment {
            id: id.into(),
            name: format!("Maison de santé «\u{a0}{id}\u{a0}»"),
        };
        for means in [None, Some(Means::Card), Some(Means::ECps)] {
            let mut s = session(Method::ProSanteConnect, AssuranceLevel::Strong);
            s.means = means;
            s.establishments = vec![place("R1"), place("R2")];
            let v = serde_json::to_value(&s).unwrap();
            assert_eq!(SessionInfo::read(&v), Some(s.clone()));
            s.establishments.clear();
            s.establishment = Some(place("R2"));
            let v = serde_json::to_value(&s).unwrap();
            assert_eq!(SessionInfo::read(&v), Some(s));
        }
    }

    #[test]
    fn oidc_bodies_are_serde_s() {
        let start = OidcStartRequest {
            portal: PortalId::new("nexus").unwrap(),
            method: Method::ProSanteConnect,
            return_to: "/?preset=nexus&x=\"y\"".into(),
        };
        let written = serde_json::to_value(&start).unwrap();
        let fields: serde_json::Map<String, Value> = start
            .fields()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect();
        assert_eq!(Value::Object(fields), written);
        let choice = EstablishmentChoice {
            id: "R10000002".into(),
        };
        assert_eq!(
            serde_json::to_value(&choice).unwrap(),
            serde_json::json!({"id": "R10000002"})
        );
        assert_eq!(choice.fields(), vec![("id", "R10000002")]);
    }

    #[test]
    fn errors_and_every_rule_read_back_what_serde_writes() {
        for code in ErrorCode::ALL {
            let e = ApiError::new(code);
            assert_eq!(ApiError::read(&serde_json::to_value(&e).unwrap()), Some(e));
        }
        let mut e = ApiError::new(ErrorCode::PasswordRulesNotMet);
        e.rules = Rule::one_of_each()
            .into_iter()
            .enumerate()
            .map(|(i, rule)| RuleOutcome {
                rule,
                met: i % 2 == 0,
                found: if i == 6 { ":".into() } else { String::new() },
            })
            .collect();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(ApiError::read(&v), Some(e));
    }

    #[test]
    fn reading_is_as_lenient_and_as_strict_as_serde() {
        let read = |json: &str| ApiError::read(&serde_json::from_str::<Value>(json).unwrap());
        // Unknown codes and fields pass; an unknown rule is left out.
        let e = read(
            r#"{"code":"brand_new","message":"m","extra":1,
                "rules":[{"rule":{"rule":"digit"},"met":true},{"rule":{"rule":"quantum"},"met":false}]}"#,
        )
        .unwrap();
        assert_eq!(e.code, ErrorCode::UnknownError);
        assert_eq!(e.rules.len(), 1);
        // No code, or not an object: not an error body.
        assert_eq!(read(r#"{"message":"m"}"#), None);
        assert_eq!(read(r#"[1,2]"#), None);
        assert_eq!(read(r#""invalid_credentials""#), None);
        // A session with a field missing or of the wrong type is unreadable.
        let mut v = serde_json::to_value(session(Method::Password, AssuranceLevel::Weak)).unwrap();
        v["authenticated_at"] = Value::from(1.5);
        assert_eq!(SessionInfo::read(&v), None);
        v["authenticated_at"] = Value::from("1");
        assert_eq!(SessionInfo::read(&v), None);
        v["authenticated_at"] = Value::from(1);
        v["method"] = Value::from("telepathy");
        assert_eq!(SessionInfo::read(&v), None);
        // A negative or fractional length is not a rule.
        let rule = |json: &str| Rule::read(&serde_json::from_str::<Value>(json).unwrap());
        assert_eq!(rule(r#"{"rule":"min_length","min":-1}"#), None);
        assert_eq!(rule(r#"{"rule":"min_length","min":1.5}"#), None);
        assert_eq!(
            rule(r#"{"rule":"min_length","min":8}"#),
            Some(Rule::MinLength { min: 8 })
        );
    }

    #[test]
    fn request_fields_are_what_serde_writes() {
        let check = |fields: Vec<(&'static str, &str)>, serde: Value| {
            let mut object = serde_json::Map::new();
            for (k, v) in fields {
                object.insert(k.to_owned(), Value::from(v));
            }
            assert_eq!(Value::Object(object), serde);
        };
        for method in [Method::Password, Method::Otp] {
            let login = LoginPasswordRequest {
                portal: PortalId::new("entractes").unwrap(),
                identifier: "12345".into(),
                password: Secret::new("4829\"15"),
                method,
            };
            check(login.fields(), serde_json::to_value(&login).unwrap());
            for captcha in [None, Some("eyJhbGdvcml0aG0iOiJTSEEtMjU2In0=".to_owned())] {
                let body = LoginPasswordBody::new(login.clone(), captcha);
                check(body.fields(), serde_json::to_value(&body).unwrap());
            }
        }
        for channel in OtpChannel::ALL {
            let send = SendCodeRequest { channel };
            check(send.fields(), serde_json::to_value(&send).unwrap());
        }
        let code = VerifyCodeRequest {
            code: Secret::new("123 456"),
        };
        check(code.fields(), serde_json::to_value(&code).unwrap());
        let change = ChangePasswordRequest {
            current_password: Secret::new("a"),
            new_password: Secret::new("b\\c"),
        };
        check(change.fields(), serde_json::to_value(&change).unwrap());
        let cps = CpsLoginRequest {
            portal: PortalId::new("paaco").unwrap(),
            certificate: "MIIB+/=".into(),
            algorithm: "RS256".into(),
            signature: "c2ln".into(),
            origin: "https://portail.example".into(),
            nonce: "bm9uY2U".into(),
        };
        check(cps.fields(), serde_json::to_value(&cps).unwrap());
        let s = session(Method::Cps, AssuranceLevel::Strong);
        let mut serde = serde_json::to_value(&s).unwrap();
        assert_eq!(
            serde["authenticated_at"].as_i64(),
            Some(s.authenticated_at),
            "the one member that is not a string"
        );
        serde.as_object_mut().unwrap().remove("authenticated_at");
        check(s.string_fields().to_vec(), serde);
    }

    fn code_step(channel: Option<OtpChannel>, enrol: Option<Enrolment>) -> CodeStep {
        CodeStep {
            step: Step::Code,
            channels: vec![OtpChannel::Sms, OtpChannel::Email],
            channel,
            destination: channel.map(|_| "m•••@exemple.fr".to_owned()),
            digits: 6,
            period: 30,
            expires_in: channel.map(|_| 600),
            resend_in: channel.map(|_| 60),
            sends_left: 3,
            server_time: 1_795_000_000,
            enrol,
        }
    }

    #[test]
    fn code_steps_read_back_what_serde_writes() {
        let enrol = Enrolment {
            svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0h1\"/></svg>".into(),
            secret: Secret::new("ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"),
            uri: Secret::new("otpauth://totp/PAACO:jeanne?secret=ABCD&period=60"),
        };
        let mut cases = vec![code_step(None, None), code_step(None, Some(enrol))];
        cases.extend(OtpChannel::ALL.map(|c| code_step(Some(c), None)));
        for step in cases {
            let v = serde_json::to_value(&step).unwrap();
            // The contract: absent values are written as `null`, not left out.
            for key in ["channel", "destination", "expires_in", "resend_in", "enrol"] {
                assert!(v.get(key).is_some(), "{key} missing in {v}");
            }
            assert_eq!(CodeStep::read(&v), Some(step));
        }
    }

    #[test]
    fn code_steps_of_the_wrong_shape_are_unreadable() {
        let good = serde_json::to_value(code_step(Some(OtpChannel::Email), None)).unwrap();
        let with = |key: &str, value: Value| {
            let mut v = good.clone();
            v[key] = value;
            CodeStep::read(&v)
        };
        assert_eq!(
            with("step", Value::from("captcha")).map(|s| s.step),
            Some(Step::Captcha)
        );
        assert_eq!(with("step", Value::from("dance")), None);
        assert_eq!(with("digits", Value::from(6.5)), None);
        assert_eq!(with("expires_in", Value::from(-1)), None);
        assert_eq!(with("channel", Value::from("pigeon")), None);
        assert_eq!(with("enrol", Value::from(1)), None);
        let channels = with("channels", serde_json::json!(["sms", "pigeon"])).unwrap();
        assert_eq!(
            channels.channels,
            [OtpChannel::Sms],
            "unknown channels are left out"
        );
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove("server_time");
        assert_eq!(CodeStep::read(&v), None);
    }

    #[test]
    fn captcha_challenges_read_back_what_serde_writes() {
        let c = CaptchaChallenge {
            algorithm: crate::captcha::ALGORITHM.into(),
            challenge: "aa9c8ec8057413dd8220e21e15ab54b095fb3c840601d44c39bece8d9df34529".into(),
            maxnumber: crate::captcha::DEFAULT_MAX_NUMBER,
            salt: "3065d108b2314f5ecc7e1207?expires=1767225900&".into(),
            signature: "d6c436288f1979f298f6532cea31db9e84e6338f4f58a9e00cb4105abbd11397".into(),
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(CaptchaChallenge::read(&v), Some(c));
        for (key, bad) in [
            ("maxnumber", Value::from(-1)),
            ("maxnumber", Value::from(1.5)),
            ("maxnumber", Value::from("100000")),
            ("salt", Value::from(1)),
            ("signature", Value::Null),
        ] {
            let mut w = v.clone();
            w[key] = bad;
            assert_eq!(CaptchaChallenge::read(&w), None, "{key}: {w}");
        }
    }

    #[test]
    fn qr_codes_and_statuses_read_back_what_serde_writes() {
        let code = QrCode {
            id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
            payload: "sesame-qr://127.0.0.1:8080/api?k=k&c=c".into(),
            digits: "47".into(),
            expires_in: 30,
            poll_ms: 1000,
        };
        let v = serde_json::to_value(&code).unwrap();
        assert_eq!(QrCode::read(&v), Some(code));
        let mut w = v.clone();
        w["expires_in"] = Value::from(-1);
        assert_eq!(QrCode::read(&w), None);
        for status in [
            QrStatus::Pending,
            QrStatus::SlowDown { retry_ms: 2000 },
            QrStatus::Declined,
            QrStatus::Expired,
            QrStatus::ApprovedPendingClaim,
            QrStatus::Approved {
                session: session(Method::Qr, AssuranceLevel::Strong),
            },
        ] {
            let v = serde_json::to_value(&status).unwrap();
            assert_eq!(QrStatus::read(&v), Some(status), "{v}");
        }
        for bad in [
            serde_json::json!({"state": "teleported"}),
            serde_json::json!({"state": "approved"}),
            serde_json::json!({"state": "slow_down"}),
            serde_json::json!({}),
        ] {
            assert_eq!(QrStatus::read(&bad), None, "{bad}");
        }
        let create = QrCreateRequest {
            portal: PortalId::new("paaco").unwrap(),
        };
        let fields: serde_json::Map<String, Value> = create
            .fields()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect();
        assert_eq!(
            Value::Object(fields),
            serde_json::to_value(&create).unwrap()
        );
        let poll = QrStatusRequest { id: "x_-".into() };
        assert_eq!(poll.fields(), [("id", "x_-")]);
    }

    #[test]
    fn the_captcha_step_starts_as_serde_writes_it() {
        let c = CaptchaChallenge {
            algorithm: crate::captcha::ALGORITHM.into(),
            challenge: "aa".repeat(32),
            maxnumber: 1000,
            salt: "3065d108b2314f5ecc7e1207?expires=1767225900&".into(),
            signature: "bb".repeat(32),
        };
        let pow = CaptchaStart::ProofOfWork(c);
        assert_eq!(
            CaptchaStart::read(&serde_json::to_value(&pow).unwrap()),
            Some(pow)
        );
        for provider in [
            CaptchaProvider::Recaptcha {
                site_key: "6LeIxAcT".into(),
            },
            CaptchaProvider::Hcaptcha {
                site_key: "10000000-ffff".into(),
            },
            CaptchaProvider::Turnstile {
                site_key: "1x00000000000000000000AA".into(),
            },
        ] {
            let script = provider.script_url().unwrap().to_owned();
            let hosted = CaptchaStart::Hosted(HostedCaptcha { provider, script });
            let v = serde_json::to_value(&hosted).unwrap();
            assert!(v["kind"].is_string() && v["site_key"].is_string(), "{v}");
            assert_eq!(CaptchaStart::read(&v), Some(hosted));
        }
        // An unknown provider, a hosted one without its key: nothing to show.
        let v = serde_json::json!({"kind": "captchaland", "site_key": "k", "script": "https://x"});
        assert_eq!(CaptchaStart::read(&v), None);
        let v = serde_json::json!({"kind": "recaptcha", "script": "https://x"});
        assert_eq!(CaptchaStart::read(&v), None);
        let v =
            serde_json::json!({"kind": "proof_of_work", "site_key": "k", "script": "https://x"});
        assert_eq!(CaptchaStart::read(&v), None);
    }

    #[test]
    fn pending_sessions_read_back_what_serde_writes() {
        let mut s = session(Method::Otp, AssuranceLevel::Strong);
        s.terms = Some(Terms {
            version: "pass-2026".into(),
            url: "/demo/cgu/spico.html".into(),
        });
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["terms"]["version"], "pass-2026");
        assert_eq!(SessionInfo::read(&v), Some(s.clone()));
        assert!(!s.is_ready() && s.terms_pending());
        // Ready: no `terms` member at all.
        s.terms = None;
        let v = serde_json::to_value(&s).unwrap();
        assert!(v.get("terms").is_none(), "{v}");
        assert_eq!(SessionInfo::read(&v), Some(s.clone()));
        assert!(s.is_ready());
        // Terms that cannot be read make the session unreadable, never ready.
        let mut v = serde_json::to_value(&s).unwrap();
        v["terms"] = serde_json::json!({"version": 3, "url": "/cgu"});
        assert_eq!(SessionInfo::read(&v), None);
        v["terms"] = serde_json::json!({"url": "/cgu"});
        assert_eq!(SessionInfo::read(&v), None);
    }

    #[test]
    fn link_infos_and_password_sets_read_back_what_serde_writes() {
        use crate::account::{LinkPurpose, LinkStatus};
        let mut cases = Vec::new();
        for purpose in LinkPurpose::ALL {
            for status in LinkStatus::ALL {
                let valid = status == LinkStatus::Valid;
                let signup = purpose == LinkPurpose::Signup;
                cases.push(LinkInfo {
                    purpose,
                    status,
                    identifier: (valid && !signup).then(|| "marie.dupont".to_owned()),
                    destination: (valid && signup).then(|| "06 •• •• •• 12".to_owned()),
                    expires_in: valid.then_some(3_600),
                    resend_in: (valid && signup).then_some(42),
                });
            }
        }
        for info in cases {
            let v = serde_json::to_value(&info).unwrap();
            assert_eq!(LinkInfo::read(&v), Some(info.clone()), "{v}");
            assert_eq!(serde_json::from_value::<LinkInfo>(v).unwrap(), info);
        }
        // Absent members are left out of the JSON; `null` reads as absent too.
        let bare = serde_json::json!({"purpose": "reset", "status": "used"});
        let info = LinkInfo::read(&bare).unwrap();
        assert_eq!(serde_json::to_value(&info).unwrap(), bare);
        let nulls = serde_json::json!({"purpose": "reset", "status": "used", "identifier": null});
        assert_eq!(LinkInfo::read(&nulls), Some(info));
        for bad in [
            serde_json::json!({"purpose": "invite", "status": "valid"}),
            serde_json::json!({"purpose": "reset", "status": "lost"}),
            serde_json::json!({"purpose": "reset"}),
            serde_json::json!({"purpose": "reset", "status": "valid", "expires_in": -1}),
            serde_json::json!({"purpose": "reset", "status": "valid", "expires_in": 1.5}),
            serde_json::json!({"purpose": "reset", "status": "valid", "identifier": 7}),
        ] {
            assert_eq!(LinkInfo::read(&bad), None, "{bad}");
        }
        let set = PasswordSet {
            identifier: "marie.dupont".into(),
        };
        let v = serde_json::to_value(&set).unwrap();
        assert_eq!(PasswordSet::read(&v), Some(set));
        assert_eq!(PasswordSet::read(&serde_json::json!({})), None);
        let terms = Terms {
            version: "2026-03".into(),
            url: "https://exemple.fr/cgu.html".into(),
        };
        let v = serde_json::to_value(&terms).unwrap();
        assert_eq!(Terms::read(&v), Some(terms));
    }

    #[test]
    fn account_request_fields_are_what_serde_writes() {
        let check = |body: &dyn Fields, serde: Value| {
            let mut object = serde_json::Map::new();
            for (k, v) in body.fields() {
                object.insert(k.to_owned(), Value::from(v));
            }
            for (k, v) in body.booleans() {
                object.insert(k.to_owned(), Value::from(v));
            }
            assert_eq!(Value::Object(object), serde);
        };
        let spico = PortalId::new("spico").unwrap();
        let token = "0f".repeat(32);
        let forgot = ForgotPasswordRequest {
            portal: spico.clone(),
            identifier: "marie.dupont@exemple.fr".into(),
        };
        check(&forgot, serde_json::to_value(&forgot).unwrap());
        assert!(forgot.booleans().is_empty());
        let identifier = ForgotIdentifierRequest {
            portal: spico,
            email: "m\"d@exemple.fr".into(),
        };
        check(&identifier, serde_json::to_value(&identifier).unwrap());
        let link = LinkRequest {
            token: Secret::new(token.clone()),
        };
        check(&link, serde_json::to_value(&link).unwrap());
        let set = SetPasswordRequest {
            token: Secret::new(token.clone()),
            new_password: Secret::new("Nouveau \"mot\" 2026"),
        };
        check(&set, serde_json::to_value(&set).unwrap());
        let confirm = SignupConfirmRequest {
            token: Secret::new(token),
            code: Secret::new("48 21"),
        };
        check(&confirm, serde_json::to_value(&confirm).unwrap());
        for accept in [true, false] {
            let terms = TermsRequest {
                version: "pass-2026".into(),
                accept,
            };
            check(&terms, serde_json::to_value(&terms).unwrap());
            assert_eq!(
                serde_json::from_value::<TermsRequest>(serde_json::to_value(&terms).unwrap())
                    .unwrap(),
                terms
            );
        }
    }

    #[test]
    fn error_codes_parse_from_their_strings() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
        }
        assert_eq!(ErrorCode::parse("nope"), ErrorCode::UnknownError);
    }
}
