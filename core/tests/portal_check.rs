//! `PortalConfig::check`: every problem of a configuration file with its line, column and
//! field path.

use sesame_core::portal::ConfigProblem;
use sesame_core::PortalConfig;

fn problems(json: &str) -> Vec<ConfigProblem> {
    PortalConfig::check(json).expect_err("must be refused")
}

/// The line and column of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect(needle);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

/// The line and column of the character after the first `needle` in `text`.
fn after(text: &str, needle: &str) -> (usize, usize) {
    let (line, column) = position_of(text, needle);
    (line, column + needle.chars().count())
}

#[test]
fn presets_pass() {
    for p in PortalConfig::presets() {
        let json = serde_json::to_string_pretty(&p).unwrap();
        assert_eq!(PortalConfig::check(&json), Ok(p));
    }
}

#[test]
fn every_semantic_problem_is_found_where_it_is() {
    let mut v = serde_json::to_value(PortalConfig::spico()).unwrap();
    v["theme"]["accent"] = "bleu".into();
    v["links"]["forgot_password"] = "javascript:alert(1)".into();
    v["methods"][0]["steps"] = serde_json::json!(["code", "password"]);
    v["password"]["rules"] =
        serde_json::json!([{"rule":"min_length","min":12},{"rule":"max_length","max":8}]);
    v["otp"] = serde_json::Value::Null;
    let json = serde_json::to_string_pretty(&v).unwrap();
    let found = problems(&json);
    let at: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|p| (p.path.as_str(), p.line, p.column))
        .collect();
    let (steps_line, steps_column) = after(&json, "\"steps\": ");
    let (rules_line, rules_column) = after(&json, "\"rules\": ");
    let (link_line, link_column) = position_of(&json, "\"javascript:");
    let (accent_line, accent_column) = position_of(&json, "\"bleu\"");
    let (otp_line, otp_column) = after(&json, "\"otp\": ");
    assert_eq!(
        at,
        [
            ("methods[0].steps", steps_line, steps_column),
            ("otp", otp_line, otp_column),
            ("password.rules", rules_line, rules_column),
            ("links.forgot_password", link_line, link_column),
            ("theme.accent", accent_line, accent_column),
        ],
        "{found:#?}"
    );
    assert!(found[0].message.contains("password"), "{}", found[0]);
    assert_eq!(
        found[4].to_string(),
        format!("{accent_line}:{accent_column}: theme.accent: \"bleu\" is not a #rrggbb colour")
    );
}

#[test]
fn an_absent_field_points_at_its_object() {
    let mut v = serde_json::to_value(PortalConfig::spico()).unwrap();
    v.as_object_mut().unwrap().remove("otp");
    let json = serde_json::to_string(&v).unwrap();
    let found = problems(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].path.as_str(), found[0].line, found[0].column),
        ("otp", 1, 1)
    );
}

#[test]
fn syntax_and_type_errors_name_line_column_and_path() {
    let json = "{\n  \"id\": \"x\",\n  \"name\": 12\n}";
    let found = problems(json);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "name");
    assert_eq!(found[0].line, 3);
    assert!(found[0].message.contains("integer"), "{}", found[0]);

    let mut v = serde_json::to_value(PortalConfig::spico()).unwrap();
    v["methods"][1]["method"] = "telepathy".into();
    let json = serde_json::to_string_pretty(&v).unwrap();
    let found = problems(&json);
    assert_eq!(found[0].path, "methods[1].method");
    assert_eq!(found[0].line, position_of(&json, "\"telepathy\"").0);
    assert!(found[0].message.contains("telepathy"));

    v["methods"][1]["method"] = "password".into();
    v["theme"]["colour"] = "red".into();
    let found = problems(&serde_json::to_string_pretty(&v).unwrap());
    assert_eq!(found[0].path, "theme.colour");
    assert!(found[0].message.contains("colour"), "{}", found[0]);

    for (text, line) in [
        ("", 1),
        ("{ not json", 1),
        ("\n\n{}", 3),
        ("\u{0}\u{ff}", 1),
    ] {
        let found = problems(text);
        assert_eq!(found.len(), 1, "{text:?}");
        assert_eq!(found[0].line, line, "{text:?}: {}", found[0]);
        assert!(found[0].column >= 1);
        assert!(!found[0].message.is_empty());
        assert!(
            !found[0].message.contains(" at line "),
            "{}",
            found[0].message
        );
    }
    // Something after the configuration.
    let preset = serde_json::to_string(&PortalConfig::spico()).unwrap();
    let found = problems(&format!("{preset}\n{{}}"));
    assert_eq!((found[0].line, found[0].column), (2, 1), "{}", found[0]);
    assert!(found[0].message.contains("trailing"), "{}", found[0]);
}
