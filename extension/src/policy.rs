//! What the background decides from a page's message and its sender, before anything is done:
//! pure functions, tested natively.
//!
//! A message from a page arrives through the content script with the browser's
//! `MessageSender`. [`decide`] reads it ([`Request::parse`]), takes the origin from the
//! sender's URL only, applies the origin policy ([`bridge::allowed`]) and gives either an answer
//! to send at once, or the action to carry out for that origin.

use serde_json::{json, Map, Value};
use sesame_core::bridge::{
    self, answer_name, Action, BridgeError, EnabledPortal, PortalOrigin, Rejected, Request,
};
use sesame_core::Lang;

/// What the browser says of a message's sender (`runtime.MessageSender`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// `sender.id`: the extension the message comes from (ours, for content scripts).
    pub extension_id: Option<String>,
    /// `sender.url`: the page (or frame) the content script runs in.
    pub url: Option<String>,
    /// `sender.frameId`: 0 for a top-level page.
    pub frame_id: Option<i64>,
    /// Whether `sender.tab` is there (content scripts run in tabs).
    pub in_tab: bool,
}

/// A request the background may carry out: read, and judged by the sender's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The request.
    pub request: Request,
    /// The sender's origin (from the browser).
    pub origin: PortalOrigin,
    /// The page to open from shortcuts (the sender's URL without query or fragment).
    pub start_url: String,
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Answer this at once.
    Answer(Value),
    /// Carry out this request.
    Carry(Accepted),
}

/// Decides what to do with `message` (its JSON, `json_len` bytes) from `sender`, given our
/// extension id and the enabled portals.
pub fn decide(
    message: &Value,
    json_len: usize,
    sender: &Sender,
    our_id: &str,
    enabled: &[EnabledPortal],
) -> Decision {
    let request = match Request::parse(message, json_len) {
        Ok(r) => r,
        Err(rejected) => return Decision::Answer(failure_for(&rejected)),
    };
    let fail = |error| Decision::Answer(failure(request.action.as_str(), &request.id, error));
    // Only our own content script, in a tab's top-level page, speaks for a page.
    if sender.extension_id.as_deref() != Some(our_id)
        || !sender.in_tab
        || sender.frame_id != Some(0)
    {
        return fail(BridgeError::OriginNotAllowed);
    }
    let Some(url) = sender.url.as_deref() else {
        return fail(BridgeError::OriginNotAllowed);
    };
    let origin = match PortalOrigin::from_url(url) {
        Ok(o) => o,
        Err(BridgeError::InsecureContext) => return fail(BridgeError::InsecureContext),
        Err(_) => return fail(BridgeError::OriginNotAllowed),
    };
    if !bridge::allowed(request.action, &origin, enabled) {
        return fail(BridgeError::OriginNotAllowed);
    }
    let start_url = bridge::start_url(url, &origin);
    Decision::Carry(Accepted {
        request,
        origin,
        start_url,
    })
}

/// `{action: "<action>-success", id, …fields}`.
pub fn success(action: Action, id: &str, fields: Value) -> Value {
    let mut map = Map::new();
    map.insert(
        "action".into(),
        answer_name(action.as_str(), "-success").into(),
    );
    map.insert("id".into(), id.into());
    if let Value::Object(extra) = fields {
        for (k, v) in extra {
            if k != "action" && k != "id" {
                map.insert(k, v);
            }
        }
    }
    Value::Object(map)
}

/// `{action: "<action>-failure", id, code, message}`; the message in English, for developers
/// (the page shows the code's text in the person's language).
pub fn failure(action: &str, id: &str, error: BridgeError) -> Value {
    json!({
        "action": answer_name(action, "-failure"),
        "id": id,
        "code": error.as_str(),
        "message": error.text(Lang::En),
    })
}

/// The failure for a message that could not be read: addressed to its action and id when they
/// could be read, else to `sesame:unknown` with an empty id.
pub fn failure_for(rejected: &Rejected) -> Value {
    failure(
        rejected.action.as_deref().unwrap_or("sesame:unknown"),
        rejected.id.as_deref().unwrap_or(""),
        rejected.error,
    )
}

/// The answer to `sesame:status`.
pub fn status(id: &str, version: &str, enabled: bool) -> Value {
    success(
        Action::Status,
        id,
        json!({ "version": version, "enabled": enabled }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "hmhdhpnihiemmckgploobmphehaikjki";

    fn page(url: &str) -> Sender {
        Sender {
            extension_id: Some(OURS.into()),
            url: Some(url.into()),
            frame_id: Some(0),
            in_tab: true,
        }
    }

    fn enabled(url: &str) -> Vec<EnabledPortal> {
        vec![EnabledPortal {
            origin: PortalOrigin::from_url(url).unwrap(),
            name: "Portail".into(),
            start_url: url.into(),
        }]
    }

    fn run(msg: Value, sender: &Sender, en: &[EnabledPortal]) -> Decision {
        let len = msg.to_string().len();
        decide(&msg, len, sender, OURS, en)
    }

    fn code(d: &Decision) -> &str {
        match d {
            Decision::Answer(v) => v["code"].as_str().unwrap_or("(no code)"),
            Decision::Carry(_) => "(carried)",
        }
    }

    #[test]
    fn an_origin_not_enabled_is_refused() {
        let d = run(
            json!({"action": "sesame:add-bookmark", "id": "1"}),
            &page("https://evil.example/login"),
            &enabled("https://spico.esante-occitanie.fr/"),
        );
        assert_eq!(code(&d), "origin_not_allowed");
        let Decision::Answer(v) = d else { panic!() };
        assert_eq!(v["action"], "sesame:add-bookmark-failure");
        assert_eq!(v["id"], "1");
    }

    #[test]
    fn a_claimed_origin_is_judged_by_its_real_sender() {
        let d = run(
            json!({"action": "sesame:add-bookmark", "id": "1",
                   "origin": "https://spico.esante-occitanie.fr",
                   "url": "https://spico.esante-occitanie.fr/"}),
            &page("https://evil.example/"),
            &enabled("https://spico.esante-occitanie.fr/"),
        );
        assert_eq!(code(&d), "origin_not_allowed");
    }

    #[test]
    fn an_enabled_origin_is_carried_with_its_start_page() {
        let d = run(
            json!({"action": "sesame:add-bookmark", "id": "1"}),
            &page("https://spico.esante-occitanie.fr/connexion?ticket=abc#x"),
            &enabled("https://spico.esante-occitanie.fr/"),
        );
        let Decision::Carry(a) = d else {
            panic!("{d:?}")
        };
        assert_eq!(a.origin.as_str(), "https://spico.esante-occitanie.fr");
        assert_eq!(a.start_url, "https://spico.esante-occitanie.fr/connexion");
    }

    #[test]
    fn status_and_enabling_need_no_enabled_origin() {
        for action in ["sesame:status", "sesame:enable-portal"] {
            let d = run(
                json!({"action": action, "id": "1"}),
                &page("http://127.0.0.1:8080/"),
                &[],
            );
            assert!(matches!(d, Decision::Carry(_)), "{action}: {d:?}");
        }
    }

    #[test]
    fn frames_other_extensions_and_insecure_pages_are_refused() {
        let msg = json!({"action": "sesame:status", "id": "1"});
        let mut frame = page("https://a.fr/");
        frame.frame_id = Some(3);
        assert_eq!(code(&run(msg.clone(), &frame, &[])), "origin_not_allowed");
        let mut other = page("https://a.fr/");
        other.extension_id = Some("another".into());
        assert_eq!(code(&run(msg.clone(), &other, &[])), "origin_not_allowed");
        let mut no_tab = page("https://a.fr/");
        no_tab.in_tab = false;
        assert_eq!(code(&run(msg.clone(), &no_tab, &[])), "origin_not_allowed");
        assert_eq!(
            code(&run(msg.clone(), &page("http://a.fr/"), &[])),
            "insecure_context"
        );
        let mut no_url = page("https://a.fr/");
        no_url.url = None;
        assert_eq!(code(&run(msg, &no_url, &[])), "origin_not_allowed");
    }

    #[test]
    fn unreadable_messages_get_a_code() {
        let s = page("https://a.fr/");
        assert_eq!(
            code(&run(json!({"action": "sesame:fly", "id": "9"}), &s, &[])),
            "unknown_action"
        );
        assert_eq!(code(&run(json!(42), &s, &[])), "malformed_message");
        let big = json!({"action": "sesame:status", "id": "b", "x": "y".repeat(10_000)});
        let d = run(big, &s, &[]);
        assert_eq!(code(&d), "message_too_large");
        let Decision::Answer(v) = d else { panic!() };
        assert_eq!(v["action"], "sesame:status-failure");
        let d = run(json!(null), &s, &[]);
        let Decision::Answer(v) = d else { panic!() };
        assert_eq!(v["action"], "sesame:unknown-failure");
        assert_eq!(v["id"], "");
    }

    #[test]
    fn answers_keep_their_names() {
        let v = status("r", "0.1.0", true);
        assert_eq!(v["action"], "sesame:status-success");
        assert_eq!(v["version"], "0.1.0");
        assert_eq!(v["enabled"], true);
        let v = success(
            Action::AddBookmark,
            "r",
            json!({"id": "spoof", "created": true}),
        );
        assert_eq!(v["id"], "r");
    }
}
