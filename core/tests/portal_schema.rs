//! The JSON Schema derived from the types says what serde accepts: every preset passes it,
//! and what serde refuses (unknown fields, methods, steps, a bad shape) it refuses too. The
//! rules across fields stay `PortalConfig::problems`'s (tested in portal_config.rs).

use sesame_core::PortalConfig;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&PortalConfig::json_schema_text()).unwrap();
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

#[test]
fn every_preset_passes_the_schema() {
    let validator = validator();
    for p in PortalConfig::presets() {
        let json = serde_json::to_value(&p).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", p.id);
    }
}

#[test]
fn the_schema_refuses_what_serde_refuses() {
    let validator = validator();
    let spico = || serde_json::to_value(PortalConfig::spico()).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 11] = [
        ("unknown field", |v| v["colour"] = "red".into()),
        ("unknown nested field", |v| {
            v["theme"]["colour"] = "red".into()
        }),
        ("unknown method", |v| {
            v["methods"][0]["method"] = "telepathy".into()
        }),
        ("unknown step", |v| {
            v["methods"][0]["steps"] = serde_json::json!(["password", "fax"])
        }),
        ("unknown rule", |v| {
            v["password"]["rules"] = serde_json::json!([{"rule": "emoji"}])
        }),
        ("rule with a stray field", |v| {
            v["password"]["rules"] = serde_json::json!([{"rule": "min_length", "minimum": 8}])
        }),
        ("bad id", |v| v["id"] = "SPICO!".into()),
        ("not a colour", |v| v["theme"]["accent"] = "blue".into()),
        ("javascript link", |v| {
            v["links"]["forgot_password"] = "javascript:alert(1)".into()
        }),
        ("protocol-relative form", |v| {
            v["support"]["form"] = "//evil.example".into()
        }),
        ("missing name", |v| {
            v.as_object_mut().unwrap().remove("name");
        }),
    ];
    for (what, edit) in edits {
        let mut v = spico();
        edit(&mut v);
        assert!(!validator.is_valid(&v), "{what}: the schema accepts it");
        assert!(
            PortalConfig::from_json(&v.to_string()).is_err(),
            "{what}: from_json accepts it"
        );
    }
    // And what serde accepts by default, the schema accepts too.
    let mut v = spico();
    for absent in ["links", "otp", "captcha"] {
        v.as_object_mut().unwrap().remove(absent);
    }
    v["methods"] = serde_json::json!([{"method": "password", "label": {"fr": "Mot de passe", "en": "Password"}}]);
    v["captcha"] = serde_json::json!({"required": {"after_failures": 3}});
    assert!(validator.is_valid(&v), "{v}");
    assert!(PortalConfig::from_json(&v.to_string()).is_ok());
}

/// The README's sample sixth portal passes the schema and core's checks.
#[test]
fn the_sample_portal_passes_the_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/portals/example.json");
    let text = std::fs::read_to_string(path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(validator().is_valid(&json));
    let portal = PortalConfig::check(&text).unwrap();
    assert_eq!(portal.id.as_str(), "ceviane");
}
