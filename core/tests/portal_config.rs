//! Portal presets follow the seeds; JSON configurations round-trip and bad ones are refused
//! with a message naming the field.

use sesame_core::identifier::IdentifierRule;
use sesame_core::password::{check, is_acceptable, CheckContext};
use sesame_core::{Method, PortalConfig};

#[test]
fn every_preset_is_valid_and_round_trips_through_json() {
    let presets = PortalConfig::presets();
    assert_eq!(presets.len(), 5);
    for p in presets {
        p.validate().unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let json = serde_json::to_string_pretty(&p).unwrap();
        let back = PortalConfig::from_json(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(PortalConfig::preset(p.id.as_str()), Some(p.clone()));
        assert!(!p.tagline.fr.is_empty() && !p.tagline.en.is_empty());
        for offer in &p.methods {
            assert_ne!(offer.label.fr, "", "{}", p.id);
            assert_ne!(offer.label.en, "", "{}", p.id);
        }
    }
    assert_eq!(PortalConfig::preset("nope"), None);
}

#[test]
fn presets_follow_the_seeds() {
    let paaco = PortalConfig::paaco();
    let order: Vec<Method> = paaco.methods.iter().map(|o| o.method).collect();
    assert_eq!(
        order,
        [
            Method::Password,
            Method::Otp,
            Method::Qr,
            Method::Cps,
            Method::RegionalSso
        ]
    );
    let notice = paaco
        .offer(Method::Password)
        .unwrap()
        .notice
        .as_ref()
        .unwrap();
    assert!(notice.fr.contains("temporaire"), "PAACO: usage temporaire");
    assert_eq!(paaco.support.phone.as_deref(), Some("05 64 090 090"));

    let spico = PortalConfig::spico();
    assert_eq!(spico.support.phone.as_deref(), Some("0 820 250 035"));
    assert_eq!(
        spico.support.email.as_deref(),
        Some("assistance@esante-occitanie.fr")
    );
    assert!(spico.support.hours.as_ref().unwrap().fr.contains("8 h 30"));
    assert!(spico.offer(Method::ProSanteConnect).is_some());
    assert!(spico.offer(Method::Cps).is_none());

    let entractes = PortalConfig::entractes();
    assert_eq!(entractes.identifier.rule, IdentifierRule::Digits { len: 5 });
    assert!(entractes.identifier.rule.accepts("12345"));
    assert_eq!(entractes.password.name, "Entr'Actes");
    assert_eq!(
        entractes.support.email.as_deref(),
        Some("support@entractes.fr")
    );

    let nexus = PortalConfig::nexus();
    assert_eq!(nexus.methods[0].method, Method::Cps);
    let parceo = PortalConfig::parceo();
    assert_eq!(parceo.methods[0].method, Method::ProSanteConnect);
}

#[test]
fn presets_password_policies_are_the_seeds_rules() {
    let spico = PortalConfig::spico();
    let ok = check(
        "Soins-Occitanie-2026!",
        &spico.password,
        CheckContext::default(),
    );
    assert!(is_acceptable(&ok));
    let colon = check(
        "Soins:Occitanie-2026!",
        &spico.password,
        CheckContext::default(),
    );
    assert!(!is_acceptable(&colon));
    let e = PortalConfig::entractes();
    assert!(is_acceptable(&check(
        "482915",
        &e.password,
        CheckContext::default()
    )));
}

fn spico_json_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = serde_json::to_value(PortalConfig::spico()).unwrap();
    edit(&mut v);
    v.to_string()
}

fn refused(json: &str) -> sesame_core::portal::ConfigError {
    PortalConfig::from_json(json).expect_err("must be refused")
}

#[test]
fn bad_configurations_are_refused_naming_the_field() {
    let e = refused(&spico_json_with(|v| {
        v["colour"] = "red".into();
    }));
    assert!(e.message.contains("colour"), "{e}");

    let e = refused(&spico_json_with(|v| {
        v["theme"]["accent"] = "blue".into();
    }));
    assert_eq!(e.at, "theme.accent", "{e}");

    let e = refused(&spico_json_with(|v| {
        v["methods"][0]["method"] = "telepathy".into();
    }));
    assert!(e.message.contains("telepathy"), "{e}");

    let e = refused(&spico_json_with(|v| {
        v["id"] = "SPICO!".into();
    }));
    assert!(e.message.contains("portal id"), "{e}");
    assert!(e.message.contains("a-z, 0-9"), "{e}");

    let e = refused(&spico_json_with(|v| {
        v["links"]["create_account"] = "javascript:alert(1)".into();
    }));
    assert_eq!(e.at, "links.create_account", "{e}");

    // Protocol-relative links, plain or disguised with a backslash, leave the portal.
    for link in ["//evil.example", "/\\evil.example", "/ok\\..\\x"] {
        let e = refused(&spico_json_with(|v| {
            v["links"]["forgot_password"] = link.into();
        }));
        assert_eq!(e.at, "links.forgot_password", "{link}: {e}");
    }

    let e = refused(&spico_json_with(|v| {
        v["methods"] = serde_json::json!([]);
    }));
    assert_eq!(e.at, "methods");

    let e = refused(&spico_json_with(|v| {
        let first = v["methods"][0].clone();
        v["methods"].as_array_mut().unwrap().push(first);
    }));
    assert!(e.at.starts_with("methods["), "{e}");

    let e = refused(&spico_json_with(|v| {
        v["password"]["rules"] =
            serde_json::json!([{"rule":"min_length","min":10},{"rule":"max_length","max":4}]);
    }));
    assert_eq!(e.at, "password.rules");

    let e = refused(&spico_json_with(|v| {
        v["password"]["rules"] = serde_json::json!([{"rule":"min_length","minimum":10}]);
    }));
    assert!(e.message.contains("minimum"), "{e}");

    let e = refused(&spico_json_with(|v| {
        v["support"]["phone"] = "call me".into();
    }));
    assert_eq!(e.at, "support.phone");

    let e = refused("{ not json");
    assert!(e.at.starts_with("line 1"), "{e}");
    let e = refused("");
    assert!(!e.message.is_empty());
}

#[test]
fn methods_are_named_in_the_portals_words() {
    let spico = PortalConfig::spico();
    assert_eq!(
        spico.method_label(Method::ProSanteConnect, sesame_core::Lang::Fr),
        "S'identifier avec Pro Santé Connect"
    );
    assert_eq!(
        spico.method_label(Method::Cps, sesame_core::Lang::Fr),
        "cps",
        "a method the portal does not offer keeps its wire name"
    );
}

#[test]
fn one_time_codes_follow_the_seeds() {
    use sesame_core::otp::OtpChannel::{App, Email, Sms};
    use sesame_core::{AssuranceLevel, Step};
    let otp = |p: &PortalConfig| p.otp.clone().expect("otp settings");
    let paaco = PortalConfig::paaco();
    assert_eq!(
        otp(&paaco).period_secs,
        60,
        "PAACO: the code changes every minute"
    );
    assert_eq!(otp(&paaco).channels, [App]);
    let spico = PortalConfig::spico();
    assert_eq!(otp(&spico).period_secs, 30);
    assert_eq!(otp(&spico).channels, [Sms, Email]);
    assert_eq!(otp(&PortalConfig::nexus()).channels, [Email]);
    assert_eq!(
        PortalConfig::parceo().otp,
        None,
        "Parcéo's guide has no login code"
    );
    for p in [&paaco, &spico, &PortalConfig::nexus()] {
        let offer = p.offer(Method::Otp).expect("an otp offer");
        assert_eq!(
            offer.steps(),
            [Step::Password, Step::Captcha, Step::Code],
            "{}",
            p.id
        );
        assert_eq!(Step::assurance(offer.steps()), AssuranceLevel::Strong);
        // The password offer: the password (and the captcha after failures), a weak session.
        let password = p.offer(Method::Password).unwrap();
        assert_eq!(password.steps(), [Step::Password, Step::Captcha]);
        assert_eq!(Step::assurance(password.steps()), AssuranceLevel::Weak);
    }
    // Every portal but Entr'Actes asks the captcha only after failures (the ANS référentiel's
    // restriction measure); the proof of work, nothing sent to a third party.
    for p in [
        paaco.clone(),
        spico.clone(),
        PortalConfig::nexus(),
        PortalConfig::parceo(),
    ] {
        let captcha = p.captcha.as_ref().expect("captcha settings");
        assert_eq!(
            captcha.required,
            sesame_core::captcha::CaptchaRequired::AfterFailures(
                sesame_core::captcha::DEFAULT_AFTER_FAILURES
            ),
            "{}",
            p.id
        );
        assert_eq!(
            captcha.provider,
            sesame_core::captcha::CaptchaProvider::ProofOfWork
        );
        for offer in &p.methods {
            let steps = offer.steps();
            assert_eq!(
                steps.first() == Some(&Step::Password),
                steps.get(1) == Some(&Step::Captcha),
                "{} {}: the captcha right after any password",
                p.id,
                offer.method.as_str()
            );
        }
    }
    // Entr'Actes: its one way in is password → captcha (always) → code by SMS or e-mail.
    let entractes = PortalConfig::entractes();
    assert_eq!(entractes.methods.len(), 1);
    assert_eq!(
        entractes.offer(Method::Password).unwrap().steps(),
        [Step::Password, Step::Captcha, Step::Code]
    );
    assert_eq!(
        entractes.captcha.as_ref().map(|c| c.required),
        Some(sesame_core::captcha::CaptchaRequired::Always)
    );
    assert_eq!(otp(&entractes).channels, [Sms, Email]);
}

#[test]
fn code_steps_need_settings_a_server_can_run() {
    let e = refused(&spico_json_with(|v| {
        v["otp"] = serde_json::Value::Null;
    }));
    assert_eq!(e.at, "otp", "{e}");
    let e = refused(&spico_json_with(|v| {
        v["otp"]["channels"] = serde_json::json!([]);
    }));
    assert_eq!(e.at, "otp.channels", "{e}");
    let e = refused(&spico_json_with(|v| {
        v["otp"]["channels"] = serde_json::json!(["app", "sms"]);
    }));
    assert_eq!(e.at, "otp.channels", "{e}");
    let e = refused(&spico_json_with(|v| {
        v["otp"]["period_secs"] = 45.into();
    }));
    assert_eq!(e.at, "otp.period_secs", "{e}");
    let e = refused(&spico_json_with(|v| {
        v["otp"]["digits"] = 8.into();
    }));
    assert_eq!(e.at, "otp.digits", "{e}");
    let e = refused(&spico_json_with(|v| {
        v["otp"]["channels"] = serde_json::json!(["pigeon"]);
    }));
    assert!(e.message.contains("pigeon"), "{e}");
    for steps in [
        serde_json::json!(["code"]),
        serde_json::json!(["password", "code", "code"]),
        serde_json::json!(["password", "code", "captcha"]),
        serde_json::json!(["captcha", "password", "code"]),
    ] {
        let e = refused(&spico_json_with(|v| {
            v["methods"][0]["steps"] = steps.clone();
        }));
        assert_eq!(e.at, "methods[0].steps", "{steps}: {e}");
    }
    let e = refused(&spico_json_with(|v| {
        v["methods"][1]["steps"] = serde_json::json!(["password"]);
    }));
    assert_eq!(
        e.at, "methods[1].steps",
        "Pro Santé Connect has no steps: {e}"
    );
    // A captcha step needs the portal's captcha settings, with a usable site key.
    let with_captcha = |settings: serde_json::Value| {
        spico_json_with(|v| {
            v["methods"][0]["steps"] = serde_json::json!(["password", "captcha", "code"]);
            v["captcha"] = settings.clone();
        })
    };
    assert_eq!(
        refused(&with_captcha(serde_json::Value::Null)).at,
        "captcha"
    );
    let ok =
        PortalConfig::from_json(&with_captcha(serde_json::json!({"required": "always"}))).unwrap();
    assert_eq!(
        ok.methods[0].steps(),
        [
            sesame_core::Step::Password,
            sesame_core::Step::Captcha,
            sesame_core::Step::Code
        ]
    );
    assert_eq!(
        sesame_core::Step::assurance(ok.methods[0].steps()),
        sesame_core::AssuranceLevel::Strong
    );
    let hosted = with_captcha(serde_json::json!({
        "provider": {"kind": "turnstile", "site_key": "0x4AAAAAAA-b_c"},
        "required": {"after_failures": 3}}));
    assert!(PortalConfig::from_json(&hosted).is_ok(), "{hosted}");
    let e = refused(&with_captcha(serde_json::json!({
        "provider": {"kind": "hcaptcha", "site_key": "\"><script>"},
        "required": "always"})));
    assert_eq!(e.at, "captcha.provider.site_key", "{e}");
    let e = refused(&with_captcha(
        serde_json::json!({"required": {"after_failures": 0}}),
    ));
    assert_eq!(e.at, "captcha.required", "{e}");
    // Settings without a code step are fine (a portal may list them before offering codes).
    let mut parceo = serde_json::to_value(PortalConfig::parceo()).unwrap();
    parceo["otp"] = serde_json::json!({"period_secs": 30, "channels": ["email"]});
    assert!(PortalConfig::from_json(&parceo.to_string()).is_ok());
}

/// The refusals issue 13 lists, each naming its field, and every problem of a configuration
/// listed at once by `problems`.
#[test]
fn contradictions_and_unsafe_values_are_refused_naming_the_field() {
    // A password policy no password can meet.
    for (rules, at) in [
        (
            serde_json::json!([{"rule":"min_length","min":12},{"rule":"max_length","max":8}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"digits_only"},{"rule":"uppercase"}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"digits_only"},{"rule":"special","allowed":"!?"}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"digit"},{"rule":"forbidden","chars":"0123456789"}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"special","allowed":"!"},{"rule":"forbidden","chars":"!"}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"uppercase"},{"rule":"lowercase"},{"rule":"digit"},
                {"rule":"max_length","max":2}]),
            "password.rules",
        ),
        (
            serde_json::json!([{"rule":"min_length","min":8},{"rule":"max_length","max":0}]),
            "password.rules[1]",
        ),
        (
            serde_json::json!([{"rule":"digit"},{"rule":"digit"}]),
            "password.rules[1]",
        ),
    ] {
        let e = refused(&spico_json_with(|v| v["password"]["rules"] = rules.clone()));
        assert_eq!(e.at, at, "{rules}: {e}");
    }
    // A theme colour that is not a colour, or too light for the white text on it.
    for accent in ["red", "#12345", "#gggggg", "rgb(0,0,0)", "#ffff00"] {
        let e = refused(&spico_json_with(|v| v["theme"]["accent"] = accent.into()));
        assert_eq!(e.at, "theme.accent", "{accent}: {e}");
    }
    // Anything that becomes a link: no javascript:, data: or http:.
    for (field, value) in [
        ("forgot_identifier", "javascript:alert(1)"),
        ("forgot_password", "JavaScript:alert(1)"),
        ("create_account", "data:text/html,x"),
        ("forgot_password", "http://portal.example/reset"),
    ] {
        let e = refused(&spico_json_with(|v| v["links"][field] = value.into()));
        assert_eq!(e.at, format!("links.{field}"), "{value}: {e}");
    }
    let e = refused(&spico_json_with(|v| {
        v["support"]["form"] = "javascript:alert(1)".into();
    }));
    assert_eq!(e.at, "support.form");
    for email in [
        "javascript:alert(1)",
        "a@b.fr?subject=x",
        "not an address",
        "@x.fr",
    ] {
        let e = refused(&spico_json_with(|v| v["support"]["email"] = email.into()));
        assert_eq!(e.at, "support.email", "{email}: {e}");
    }
    // Identifiers of zero digits.
    let e = refused(&spico_json_with(|v| {
        v["identifier"]["rule"] = serde_json::json!({"kind": "digits", "len": 0});
    }));
    assert_eq!(e.at, "identifier.rule.len");
    // An unknown method (serde), a duplicated one, an empty list.
    let e = refused(&spico_json_with(|v| {
        v["methods"][1]["method"] = "carrier_pigeon".into()
    }));
    assert!(e.message.contains("carrier_pigeon"), "{e}");
    let e = refused(&spico_json_with(|v| {
        let first = v["methods"][0].clone();
        v["methods"].as_array_mut().unwrap().push(first);
    }));
    let n = PortalConfig::spico().methods.len();
    assert_eq!(e.at, format!("methods[{n}].method"), "{e}");

    // All at once.
    let mut bad: PortalConfig = PortalConfig::spico();
    bad.theme.accent = "blue".into();
    bad.links.forgot_password = Some("javascript:alert(1)".into());
    bad.methods.push(bad.methods[0].clone());
    let at: Vec<String> = bad.problems().into_iter().map(|p| p.at).collect();
    let dup = format!("methods[{n}].method");
    assert_eq!(at, [dup.as_str(), "links.forgot_password", "theme.accent"]);
    assert_eq!(bad.validate().unwrap_err().at, dup);
    for p in PortalConfig::presets() {
        assert_eq!(p.problems(), [], "{}", p.id);
    }
}

/// The account journeys and the terms (issue 14): the presets as the contract says, and each
/// refusal naming its field.
#[test]
fn account_journeys_and_terms_follow_the_contract() {
    let spico = PortalConfig::spico();
    assert!(spico.account.forgot_password && spico.account.forgot_identifier);
    assert_eq!(
        spico.account.first_login_days, 14,
        "SPICO: the link is valid 14 days"
    );
    let terms = spico.terms.as_ref().expect("SPICO's PASS terms");
    assert_eq!(terms.version, "pass-2026");
    assert_eq!(terms.url, "/demo/cgu/spico.html");
    for p in [
        PortalConfig::paaco(),
        PortalConfig::nexus(),
        PortalConfig::parceo(),
    ] {
        assert!(p.account.forgot_password, "{}", p.id);
        assert!(!p.account.forgot_identifier && !p.account.signup_confirmation);
        assert_eq!(p.terms, None, "{}", p.id);
    }
    let entractes = PortalConfig::entractes();
    assert!(entractes.account.signup_confirmation);
    assert!(!entractes.account.forgot_password);
    assert_eq!(entractes.terms, None);

    for (field, value) in [
        ("first_login_days", 0),
        ("first_login_days", 61),
        ("reset_minutes", 4),
        ("reset_minutes", 1441),
    ] {
        let e = refused(&spico_json_with(|v| v["account"][field] = value.into()));
        assert_eq!(e.at, format!("account.{field}"), "{value}: {e}");
    }
    for ok in [("first_login_days", 60), ("reset_minutes", 5)] {
        let json = spico_json_with(|v| v["account"][ok.0] = ok.1.into());
        assert!(PortalConfig::from_json(&json).is_ok(), "{json}");
    }
    for version in ["", "été-2026", "a\tb", &"v".repeat(41)] {
        let e = refused(&spico_json_with(|v| v["terms"]["version"] = version.into()));
        assert_eq!(e.at, "terms.version", "{version:?}: {e}");
    }
    for url in ["javascript:alert(1)", "//evil.example/cgu", "http://x/cgu"] {
        let e = refused(&spico_json_with(|v| v["terms"]["url"] = url.into()));
        assert_eq!(e.at, "terms.url", "{url}: {e}");
    }
    for page in [
        "javascript:alert(1)",
        "//evil.example/",
        "/connexion#x",
        "/a b",
    ] {
        let e = refused(&spico_json_with(|v| v["account"]["page"] = page.into()));
        assert_eq!(e.at, "account.page", "{page}: {e}");
    }
    for page in ["/connexion?ecran=pass", "https://pass.exemple.fr/login"] {
        let json = spico_json_with(|v| v["account"]["page"] = page.into());
        let config = PortalConfig::from_json(&json).expect(page);
        assert_eq!(config.account.page.as_deref(), Some(page));
    }
    // Absent: every journey off, no terms step.
    let bare = spico_json_with(|v| {
        let o = v.as_object_mut().unwrap();
        o.remove("account");
        o.remove("terms");
    });
    let bare = PortalConfig::from_json(&bare).unwrap();
    assert_eq!(
        bare.account,
        sesame_core::account::AccountJourneys::default()
    );
    assert_eq!(bare.terms, None);
}
