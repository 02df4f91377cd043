//! The widget in real browsers (headless Chromium and Firefox through wasm-bindgen-test-runner):
//! the checklist follows typing, errors render in words from core, the language switch works,
//! the custom element's `mount` and events.
#![cfg(target_arch = "wasm32")]

use sesame_core::password::{check, CheckContext, PasswordPolicy};
use sesame_core::{ErrorCode, Lang, Method, PortalConfig};
use sesame_widget::api::Api;
use sesame_widget::components::change_password::{use_change_password, ChangePasswordFormProps};
use sesame_widget::components::error_message::error_message;
use sesame_widget::components::password_rules::password_rules;
use sesame_widget::dom;
use sesame_widget::state::problem::Problem;
use sesame_widget::texts::{rules_met, T};
use sesame_widget::view::{self, Callback, Html};
use sesame_widget::LoginWidgetProps;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlFormElement, HtmlInputElement, InputEvent, InputEventInit,
};

mod common;

use common::{container, english, english_table, settle, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

/// An API nobody answers: requests fail at once as network errors.
const DEAD_API: &str = "http://127.0.0.1:9/api";

/// Waits (up to 10 s) until `selector`'s text in `root` is `expected` (a render after a click
/// may take longer than one `settle` on a busy machine).
async fn wait_for_text(root: &Element, selector: &str, expected: &str) {
    for _ in 0..500 {
        let now = root.query_selector(selector).unwrap();
        if now.and_then(|e| e.text_content()).as_deref() == Some(expected) {
            return;
        }
        settle().await;
    }
    assert_eq!(text(root, selector), expected);
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", root.inner_html()))
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

async fn type_into(root: &Element, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(value);
    let init = InputEventInit::new();
    init.set_bubbles(true);
    let event = InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    settle().await;
}

async fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
}

fn met(root: &Element, rule: &str) -> String {
    find(root, &format!("ul.sesame-rules > li[data-rule=\"{rule}\"]"))
        .get_attribute("data-met")
        .unwrap()
}

fn mount_widget(config: PortalConfig, onerror: Callback<sesame_core::ApiError>) -> Element {
    let root = container();
    let props = LoginWidgetProps {
        api_base: DEAD_API.into(),
        onerror,
        ..LoginWidgetProps::new(Rc::new(config))
    };
    // Left mounted: each test has its own container.
    std::mem::forget(sesame_widget::element::mount_props(&root, props));
    root
}

/// SPICO with its password method alone (its one-time codes put a chooser first): the
/// password form's own behaviour, on a portal with the strictest rules and a notice.
fn spico_password_only() -> PortalConfig {
    let mut config = PortalConfig::spico();
    config.methods.retain(|o| o.method == Method::Password);
    config
}

#[wasm_bindgen_test]
async fn spico_shows_its_password_form_directly_with_the_contract_hooks() {
    let root = mount_widget(spico_password_only(), Callback::default());
    let section = wait_for(&root, "section.sesame").await;
    settle().await;
    assert_eq!(section.get_attribute("lang").as_deref(), Some("fr"));
    assert!(
        root.query_selector("button[data-method]")
            .unwrap()
            .is_none(),
        "one working method: no chooser"
    );
    let form = find(&root, &dom::form(dom::form::PASSWORD));
    let identifier = find(&form, &dom::field(dom::field::IDENTIFIER));
    assert_eq!(
        identifier.get_attribute("autocomplete").as_deref(),
        Some("username")
    );
    assert_eq!(
        identifier.get_attribute("spellcheck").as_deref(),
        Some("false")
    );
    let id = identifier.id();
    assert!(!id.is_empty());
    assert!(form
        .query_selector(&format!("label[for=\"{id}\"]"))
        .unwrap()
        .is_some());
    let password = find(&form, &dom::field(dom::field::PASSWORD));
    assert_eq!(
        password.get_attribute("autocomplete").as_deref(),
        Some("current-password")
    );
    assert_eq!(password.get_attribute("type").as_deref(), Some("password"));
    find(&form, "button[type=\"submit\"]");
    find(&form, "[data-action=\"forgot-password\"]");
    let notice = PortalConfig::spico()
        .offer(Method::Password)
        .and_then(|o| o.notice.clone())
        .expect("SPICO's password offer has its notice");
    assert!(text(&root, ".sesame-notice").ends_with(&notice.fr));
    // The accent is set through the CSSOM.
    let style = section.dyn_into::<HtmlElement>().unwrap().style();
    assert_eq!(
        style.get_property_value("--sesame-accent").unwrap().trim(),
        PortalConfig::spico().theme.accent
    );

    click(&root, &dom::action(dom::action::TOGGLE_PASSWORD)).await;
    let toggle = find(&root, &dom::action(dom::action::TOGGLE_PASSWORD));
    assert_eq!(
        toggle.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(
        find(&root, &dom::field(dom::field::PASSWORD))
            .get_attribute("type")
            .as_deref(),
        Some("text")
    );
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_the_text() {
    english();
    let root = mount_widget(spico_password_only(), Callback::default());
    wait_for(&root, &dom::form(dom::form::PASSWORD)).await;
    let password_id = find(&root, &dom::field(dom::field::PASSWORD)).id();
    let label = format!("label[for=\"{password_id}\"]");
    assert_eq!(text(&root, &label), "Mot de passe");
    click(&root, &dom::action(dom::action::SWITCH_LANG)).await;
    wait_for_text(&root, &label, "Password").await;
    assert_eq!(
        find(&root, "section.sesame")
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
    let notice = PortalConfig::spico()
        .offer(Method::Password)
        .and_then(|o| o.notice.clone())
        .expect("SPICO's password offer has its notice");
    assert!(text(&root, ".sesame-notice").ends_with(notice.get(Lang::En)));
    assert_ne!(
        notice.get(Lang::En),
        notice.fr,
        "English came from the table"
    );
    click(&root, &dom::action(dom::action::SWITCH_LANG)).await;
    wait_for_text(&root, &label, "Mot de passe").await;
}

#[wasm_bindgen_test]
async fn an_unreachable_portal_gives_the_network_error_in_french() {
    let reported = Rc::new(RefCell::new(Vec::new()));
    let onerror = {
        let reported = reported.clone();
        Callback::from(move |e: sesame_core::ApiError| reported.borrow_mut().push(e))
    };
    let root = mount_widget(spico_password_only(), onerror);
    wait_for(&root, &dom::form(dom::form::PASSWORD)).await;
    type_into(&root, &dom::field(dom::field::IDENTIFIER), "marie.dupont").await;
    type_into(
        &root,
        &dom::field(dom::field::PASSWORD),
        "Soins-Occitanie-2026!",
    )
    .await;
    find(&root, &dom::form(dom::form::PASSWORD))
        .dyn_into::<HtmlFormElement>()
        .unwrap()
        .request_submit()
        .unwrap();
    let alert = wait_for(&root, "[role=\"alert\"].sesame-error").await;
    assert_eq!(
        alert.text_content().unwrap().trim_start_matches('!'),
        ErrorCode::NetworkError.text(Lang::Fr)
    );
    assert_eq!(
        alert.get_attribute("data-code").as_deref(),
        Some("network_error")
    );
    let reported = reported.borrow();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].code, ErrorCode::NetworkError);
    assert_eq!(reported[0].message, ErrorCode::NetworkError.text(Lang::Fr));
}

#[wasm_bindgen_test]
async fn entractes_checks_the_identifier_shape_before_sending() {
    let root = mount_widget(PortalConfig::entractes(), Callback::default());
    wait_for(&root, &dom::form(dom::form::PASSWORD)).await;
    let identifier = find(&root, &dom::field(dom::field::IDENTIFIER));
    assert_eq!(
        identifier.get_attribute("inputmode").as_deref(),
        Some("numeric")
    );
    type_into(&root, &dom::field(dom::field::IDENTIFIER), "12a4").await;
    type_into(&root, &dom::field(dom::field::PASSWORD), "482915").await;
    click(&root, "button[type=\"submit\"]").await;
    let alert = wait_for(&root, "[role=\"alert\"].sesame-error").await;
    let hint = PortalConfig::entractes()
        .identifier
        .rule
        .hint(Lang::Fr)
        .expect("a shape with a hint");
    assert!(alert.text_content().unwrap().contains(&hint));
}

#[wasm_bindgen_test]
async fn the_checklist_follows_typing() {
    let root = container();
    let props = ChangePasswordFormProps {
        policy: Rc::new(PasswordPolicy::spico()),
        identifier: "marie.dupont".into(),
        lang: Lang::Fr,
        api: Api::new(DEAD_API.into()),
        onerror: Callback::default(),
        onclose: Callback::default(),
        token: None,
        onset: Callback::default(),
    };
    let _app = view::mount(&root, move || use_change_password(&props));
    wait_for(&root, &dom::form(dom::form::CHANGE_PASSWORD)).await;
    find(
        &root,
        "input[name=\"current-password\"][autocomplete=\"current-password\"]",
    );
    find(
        &root,
        "input[name=\"new-password\"][autocomplete=\"new-password\"]",
    );
    // The common-password list is on the server only: that rule says "checked on submit".
    let policy = PasswordPolicy::spico();
    let total = policy
        .rules
        .iter()
        .filter(|r| !r.checked_on_submit())
        .count();
    assert!(total < policy.rules.len(), "SPICO refuses common passwords");
    assert_eq!(met(&root, "not_common"), "on-submit");
    assert_eq!(
        root.query_selector_all("li[data-met=\"false\"]")
            .unwrap()
            .length() as usize,
        total
    );

    type_into(&root, &dom::field(dom::field::NEW_PASSWORD), "abc").await;
    assert_eq!(met(&root, "lowercase"), "true");
    assert_eq!(met(&root, "uppercase"), "false");
    assert_eq!(met(&root, "min_length"), "false");

    type_into(
        &root,
        &dom::field(dom::field::NEW_PASSWORD),
        "Soins:Occitanie-2027!",
    )
    .await;
    assert_eq!(met(&root, "forbidden"), "false");
    assert!(text(&root, "li[data-rule=\"forbidden\"]").contains("«\u{a0}:\u{a0}»"));
    assert_eq!(met(&root, "uppercase"), "true");

    type_into(
        &root,
        &dom::field(dom::field::NEW_PASSWORD),
        "Soins-Occitanie-2027!",
    )
    .await;
    assert_eq!(
        root.query_selector_all("li[data-met=\"true\"]")
            .unwrap()
            .length() as usize,
        total
    );
    let count = find(&root, &dom::class(dom::class::RULES_COUNT));
    assert_eq!(count.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(
        count.text_content().unwrap(),
        rules_met(total, total, Lang::Fr)
    );
}

#[wasm_bindgen_test]
async fn password_rules_render_their_outcomes() {
    let root = container();
    let policy = PasswordPolicy::entractes();
    let outcomes = check("12a", &policy, CheckContext::default());
    let met_count = outcomes.iter().filter(|o| o.met).count();
    let total = outcomes.len();
    let _app = view::mount(&root, move || password_rules(&outcomes, Lang::En, None));
    wait_for(&root, "ul.sesame-rules").await;
    assert_eq!(met(&root, "min_length"), "false");
    assert_eq!(met(&root, "max_length"), "true");
    assert_eq!(met(&root, "digits_only"), "false");
    assert!(text(&root, "li[data-rule=\"digits_only\"]").contains("Not a digit: “a”"));
    assert_eq!(
        text(&root, &dom::class(dom::class::RULES_COUNT)),
        rules_met(met_count, total, Lang::En)
    );
}

#[wasm_bindgen_test]
async fn errors_render_in_french_from_core_with_the_support_contact() {
    let root = container();
    let _app = view::mount(&root, || -> Html {
        let support = PortalConfig::spico().support;
        error_message(
            &Problem::Api(ErrorCode::InvalidCredentials),
            Lang::Fr,
            Some(&support),
        )
    });
    let alert = wait_for(&root, "[role=\"alert\"].sesame-error").await;
    assert!(alert
        .text_content()
        .unwrap()
        .contains(ErrorCode::InvalidCredentials.text(Lang::Fr)));
    assert_eq!(
        find(&root, ".sesame-support a[href^=\"tel:\"]")
            .get_attribute("href")
            .as_deref(),
        Some("tel:0820250035")
    );
}

/// The `sesame-error` events `host` fires, kept as they come (with the listener to keep alive).
type Listener = Closure<dyn FnMut(web_sys::CustomEvent)>;
fn error_events(host: &web_sys::Element) -> (Rc<RefCell<Vec<JsValue>>>, Listener) {
    let events = Rc::new(RefCell::new(Vec::<JsValue>::new()));
    let listener = {
        let events = events.clone();
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            events.borrow_mut().push(e.detail())
        })
    };
    host.add_event_listener_with_callback("sesame-error", listener.as_ref().unchecked_ref())
        .unwrap();
    (events, listener)
}

#[wasm_bindgen_test]
async fn the_element_mounts_presets_fires_events_and_unmounts() {
    english();
    let host = container();
    host.set_attribute("preset", "entractes").unwrap();
    host.set_attribute("lang", "en").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let (events, _listener) = error_events(&host);
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    assert_eq!(text(&host, &dom::class(dom::class::PORTAL)), "Entr'Actes");
    assert_eq!(
        find(&host, "section.sesame")
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );

    type_into(&host, &dom::field(dom::field::IDENTIFIER), "12345").await;
    type_into(&host, &dom::field(dom::field::PASSWORD), "482915").await;
    click(&host, "button[type=\"submit\"]").await;
    wait_for(&host, "[role=\"alert\"].sesame-error").await;
    let detail = events
        .borrow()
        .first()
        .cloned()
        .expect("a sesame-error event");
    let code = js_sys::Reflect::get(&detail, &"code".into()).unwrap();
    let message = js_sys::Reflect::get(&detail, &"message".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("network_error"));
    assert_eq!(
        message.as_string().as_deref(),
        Some(ErrorCode::NetworkError.text(Lang::En))
    );

    handle.destroy();
    settle().await;
    assert_eq!(host.child_element_count(), 0);

    host.set_attribute("preset", "nowhere").unwrap();
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    let alert = wait_for(&host, "[role=\"alert\"]").await;
    assert!(alert
        .text_content()
        .unwrap()
        .contains("«\u{a0}nowhere\u{a0}»"));
    assert_eq!(
        alert.get_attribute("data-code").as_deref(),
        Some("unknown_portal")
    );
    assert_eq!(
        find(&host, "section.sesame")
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
    handle.destroy();
    settle().await;
    assert_eq!(host.child_element_count(), 0);
}

/// `<sesame-login config="…">`: the portal's own configuration (JSON the loader fetched and
/// the browser parsed) replaces the preset; a broken one, or one that could not be fetched,
/// shows the portal team's error naming the field, and fires `sesame-error`.
#[wasm_bindgen_test]
async fn the_element_takes_its_own_configuration() {
    let host = container();
    host.set_attribute("preset", "nowhere").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let (events, _listener) = error_events(&host);
    let mut own = serde_json::to_value(PortalConfig::preset("entractes").unwrap()).unwrap();
    own["id"] = "ceviane".into();
    own["name"] = "Céviane".into();
    let parsed = |v: &serde_json::Value| js_sys::JSON::parse(&v.to_string()).unwrap();
    // The configuration errors among the events (the dead API's own may come too).
    let config_errors = || {
        events
            .borrow()
            .iter()
            .filter(|d| {
                js_sys::Reflect::get(d, &"code".into())
                    .ok()
                    .and_then(|c| c.as_string())
                    .as_deref()
                    == Some("invalid_portal_config")
            })
            .count()
    };

    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        parsed(&own),
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    assert_eq!(text(&host, &dom::class(dom::class::PORTAL)), "Céviane");
    assert_eq!(config_errors(), 0);
    handle.destroy();
    settle().await;

    own["methods"][0]["method"] = "telepathy".into();
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        parsed(&own),
    );
    let alert = wait_for(&host, "[role=\"alert\"]").await;
    let said = alert.text_content().unwrap();
    assert!(
        said.starts_with(ErrorCode::InvalidPortalConfig.text(Lang::Fr)),
        "{said}"
    );
    assert!(said.contains("methods[0].method"), "{said}");
    assert_eq!(
        alert.get_attribute("data-code").as_deref(),
        Some("invalid_portal_config")
    );
    assert_eq!(config_errors(), 1, "a sesame-error event");
    handle.destroy();
    settle().await;

    // The loader could not fetch it: its words, in the same error.
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_str("/portal.json: HTTP 404"),
    );
    let alert = wait_for(&host, "[role=\"alert\"]").await;
    assert!(alert
        .text_content()
        .unwrap()
        .contains("/portal.json: HTTP 404"));
    assert_eq!(config_errors(), 2);
    handle.destroy();
    settle().await;
    assert_eq!(host.child_element_count(), 0);
}

/// The loader's first paint hands over what was typed, the focus and a submit pressed before
/// the module was ready: the widget starts from them and sends the login at once.
#[wasm_bindgen_test]
async fn the_element_takes_over_the_first_paint() {
    let host = container();
    host.set_attribute("preset", "entractes").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let typed = js_sys::Object::new();
    for (key, value) in [
        ("identifier", JsValue::from_str("12345")),
        ("password", JsValue::from_str("482915")),
        ("focus", JsValue::from_str("password")),
        ("submit", JsValue::TRUE),
    ] {
        js_sys::Reflect::set(&typed, &key.into(), &value).unwrap();
    }
    let mut handle = sesame_widget::mount(
        host.clone(),
        typed.into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    let value = |name: &str| {
        find(&host, &format!("input[name=\"{name}\"]"))
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value()
    };
    assert_eq!(value("identifier"), "12345");
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .and_then(|el| el.get_attribute("name"));
    assert_eq!(focused.as_deref(), Some("password"), "focus kept");
    // The pending submit went out: the dead API answers with the network error.
    let alert = wait_for(&host, "[role=\"alert\"].sesame-error").await;
    assert_eq!(
        alert.text_content().unwrap(),
        format!("!{}", ErrorCode::NetworkError.text(Lang::Fr))
    );
    handle.destroy();

    // Without a first paint the form starts empty and sends nothing.
    let host = container();
    host.set_attribute("preset", "entractes").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    settle().await;
    assert!(host.query_selector("[role=\"alert\"]").unwrap().is_none());
    handle.destroy();
}

/// The widget's checklist lower-cases with the browser's `toLowerCase` (to keep Rust's case
/// tables out of the wasm); the server with Rust's. Both must judge "contains the identifier"
/// alike, accented and non-Latin identifiers included.
#[wasm_bindgen_test]
fn browser_lowercasing_judges_the_identifier_rule_as_the_server_does() {
    use sesame_core::password::Rule;
    use sesame_widget::state::change_password::outcomes;
    let policy = PasswordPolicy::spico();
    assert!(policy.rules.contains(&Rule::NotIdentifier));
    let judged = |outcomes: Vec<sesame_core::password::RuleOutcome>| {
        outcomes
            .into_iter()
            .find(|o| o.rule == Rule::NotIdentifier)
            .map(|o| o.met)
    };
    for (password, identifier) in [
        ("xxÉLODIE.MARTINxx", "élodie.martin"),
        ("Ma-clé-ΟΔΥΣΣΕΑΣ-2026", "οδυσσεας"),
        ("STRASSE-und-Weg-9", "strasse"),
        ("İSTANBUL-2026-bien", "i̇stanbul"),
        ("sans-rapport-2026!", "marie.dupont"),
    ] {
        let server = judged(check(password, &policy, CheckContext::new(identifier)));
        let widget = judged(outcomes(password, &policy, identifier));
        assert_eq!(widget, server, "{password} / {identifier}");
    }
    assert_eq!(
        judged(outcomes("xxÉLODIE.MARTINxx", &policy, "élodie.martin")),
        Some(false)
    );
}

/// The upper- and lower-case letter rules are judged by the case mappings: the browser's
/// `toLowerCase`/`toUpperCase` in the widget, Rust's on the server. Both must agree.
#[wasm_bindgen_test]
fn browser_case_mappings_judge_the_letter_rules_as_the_server_does() {
    use sesame_core::password::Rule;
    use sesame_widget::state::change_password::outcomes;
    let policy = PasswordPolicy {
        rules: vec![Rule::Uppercase, Rule::Lowercase],
        ..PasswordPolicy::spico()
    };
    for password in [
        "abc",
        "ABC",
        "éÉ",
        "ÉCOLE-2026",
        "école",
        "ΣΟΦΙΑ",
        "σοφία",
        "ß",
        "İ",
        "ǅ",
        "1234-!?",
        "日本語",
        "Ⅻ",
        "ⓐ",
    ] {
        let server = check(password, &policy, CheckContext::new(""));
        let widget = outcomes(password, &policy, "");
        assert_eq!(widget, server, "{password}");
    }
}

/// The code step as a person meets it: the authenticator's set-up (the server's QR code with a
/// text alternative, the secret in groups of four), one code field the browser and password
/// managers recognise, a slip caught before anything is sent (core's words), and the clock
/// warning when this device's time is far from the portal's.
#[wasm_bindgen_test]
async fn the_code_step_enrols_the_app_and_catches_a_slip_before_sending() {
    use sesame_core::api::{CodeStep, Enrolment};
    use sesame_core::otp::{CodeProblem, OtpChannel};
    use sesame_core::Secret;
    use sesame_widget::components::code_step::{use_code_step, CodeStepFormProps};
    use sesame_widget::texts::T;
    let root = container();
    let step = CodeStep {
        step: sesame_core::method::Step::Code,
        channels: vec![OtpChannel::App],
        channel: None,
        destination: None,
        digits: 6,
        period: 60,
        expires_in: None,
        resend_in: None,
        sends_left: 0,
        server_time: 0, // 1970: this device is "far" from it
        enrol: Some(Enrolment {
            svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>".into(),
            secret: Secret::new("JBSW Y3DP EHPK 3PXP"),
            uri: Secret::new("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
        }),
    };
    let props = CodeStepFormProps {
        step,
        lang: Lang::Fr,
        api: Api::new(DEAD_API.into()),
        support: Rc::new(PortalConfig::paaco().support),
        autofocus: false,
        onlogin: Callback::default(),
        onerror: Callback::default(),
        onrestart: Callback::default(),
    };
    let _app = view::mount(&root, move || use_code_step(&props));
    let form = wait_for(&root, &dom::form(dom::form::CODE)).await;
    let qr = find(&form, &dom::class(dom::class::ENROL_QR));
    assert_eq!(
        qr.get_attribute("alt").as_deref(),
        Some(T::EnrolQrAlt.get(Lang::Fr))
    );
    assert!(qr
        .get_attribute("src")
        .unwrap()
        .starts_with("data:image/svg+xml,"));
    assert_eq!(
        text(&form, &dom::class(dom::class::ENROL_SECRET)),
        "JBSW Y3DP EHPK 3PXP"
    );
    let input = find(&form, &dom::field(dom::field::CODE));
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("one-time-code")
    );
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert!(form
        .query_selector(&dom::class(dom::class::CLOCK_WARNING))
        .unwrap()
        .is_some());
    type_into(&form, &dom::field(dom::field::CODE), "12ab56").await;
    click(&form, "button[type=\"submit\"]").await;
    let alert = wait_for(&form, "[role=\"alert\"].sesame-error").await;
    assert_eq!(
        alert.text_content().unwrap(),
        format!("!{}", CodeProblem::NotDigits.text(Lang::Fr))
    );
    assert_eq!(
        alert.get_attribute("data-code"),
        None,
        "caught here: nothing was sent"
    );
}

/// English on demand: the switch waits for the English texts the loader fetches (busy
/// meanwhile), then shows English; a failed fetch says so and French stays.
#[wasm_bindgen_test]
async fn english_is_fetched_when_asked_for_and_a_failure_stays_french() {
    sesame_widget::english(JsValue::NULL); // none yet
    let host = container();
    host.set_attribute("preset", "entractes").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let failing = js_sys::Function::new_no_args("return Promise.resolve()");
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        failing.into(),
        JsValue::UNDEFINED,
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    let switch = dom::action(dom::action::SWITCH_LANG);
    click(&host, &switch).await;
    wait_for(&host, "p.sesame-notice[role=\"status\"] span[lang=\"en\"]").await;
    assert_eq!(
        find(&host, "section.sesame")
            .get_attribute("lang")
            .as_deref(),
        Some("fr")
    );
    assert_eq!(text(&host, &switch), "English");
    handle.destroy();

    // A loader that takes its time: the switch is busy, the texts stay French, then English.
    let host = container();
    host.set_attribute("preset", "entractes").unwrap();
    host.set_attribute("api", DEAD_API).unwrap();
    let slow = Closure::<dyn FnMut() -> js_sys::Promise>::new(|| {
        wasm_bindgen_futures::future_to_promise(async {
            common::sleep(300).await;
            sesame_widget::english(english_table());
            Ok(JsValue::UNDEFINED)
        })
    });
    let mut handle = sesame_widget::mount(
        host.clone(),
        JsValue::NULL,
        slow.into_js_value(),
        JsValue::UNDEFINED,
    );
    wait_for(&host, &dom::form(dom::form::PASSWORD)).await;
    click(&host, &switch).await;
    let busy = wait_for(&host, "button[aria-busy=\"true\"]").await;
    assert_eq!(busy.text_content().as_deref(), Some("English"));
    wait_for_text(&host, &switch, "Français").await;
    assert_eq!(
        find(&host, "section.sesame")
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
    assert!(host.query_selector("[aria-busy]").unwrap().is_none());
    assert!(text(&host, "form").contains(T::LogIn.get(Lang::En)));
    assert_eq!(T::LogIn.get(Lang::En), "Log in");
    handle.destroy();
}
