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
