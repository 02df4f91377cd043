//! Every rule and every password preset, with examples and properties.

use proptest::prelude::*;
use sesame_core::password::{
    check, is_acceptable, CheckContext, PasswordPolicy, PasswordUsage, Rule, RuleOutcome,
};
use sesame_core::Lang;

fn ctx(identifier: &str) -> CheckContext<'_> {
    CheckContext::new(identifier)
}

fn outcome(outcomes: &[RuleOutcome], pred: impl Fn(&Rule) -> bool) -> &RuleOutcome {
    outcomes
        .iter()
        .find(|o| pred(&o.rule))
        .expect("rule present")
}

fn unmet(password: &str, policy: &PasswordPolicy, identifier: &str) -> Vec<Rule> {
    check(password, policy, ctx(identifier))
        .into_iter()
        .filter(|o| !o.met)
        .map(|o| o.rule)
        .collect()
}

#[test]
fn spico_accepts_a_good_password() {
    let p = PasswordPolicy::spico();
    assert!(is_acceptable(&check(
        "Soins-Occitanie-2026!",
        &p,
        ctx("marie.dupont")
    )));
}

#[test]
fn spico_names_each_missing_class() {
    let p = PasswordPolicy::spico();
    assert_eq!(
        unmet("soins-occitanie-2026!", &p, ""),
        vec![Rule::Uppercase]
    );
    assert_eq!(
        unmet("SOINS-OCCITANIE-2026!", &p, ""),
        vec![Rule::Lowercase]
    );
    assert_eq!(unmet("Soins-Occitanie-deux!", &p, ""), vec![Rule::Digit]);
    assert_eq!(
        unmet("SoinsOccitanie2026", &p, ""),
        vec![Rule::Special {
            allowed: sesame_core::password::PasswordPolicy::spico()
                .rules
                .iter()
                .find_map(|r| match r {
                    Rule::Special { allowed } => Some(allowed.clone()),
                    _ => None,
                })
                .unwrap()
        }]
    );
    assert_eq!(
        unmet("Soi-Occ-26!", &p, ""),
        vec![Rule::MinLength { min: 12 }]
    );
}

#[test]
fn spico_refuses_and_names_forbidden_characters() {
    let p = PasswordPolicy::spico();
    for c in ['.', ':', '+', '/'] {
        let pw = format!("Soins-Occitanie{c}2026!");
        let outcomes = check(&pw, &p, ctx(""));
        let forbidden = outcome(&outcomes, |r| matches!(r, Rule::Forbidden { .. }));
        assert!(!forbidden.met, "{c} must be refused");
        assert_eq!(forbidden.found, c.to_string());
        let problem = forbidden.rule.problem(&forbidden.found, Lang::Fr).unwrap();
        assert!(problem.contains(&format!("«\u{a0}{c}\u{a0}»")), "{problem}");
        assert!(!is_acceptable(&outcomes));
    }
    let outcomes = check("a:b:c.d", &p, ctx(""));
    let forbidden = outcome(&outcomes, |r| matches!(r, Rule::Forbidden { .. }));
    assert_eq!(forbidden.found, ":.", "each culprit once, in order");
    assert!(forbidden.rule.label(Lang::Fr).contains("«\u{a0}:\u{a0}»"));
    assert!(forbidden.rule.label(Lang::En).contains("“:”"));
}

#[test]
fn spico_refuses_the_identifier() {
    let p = PasswordPolicy::spico();
    assert_eq!(
        unmet("Marie.Dupont-2026!", &p, "marie.dupont"),
        vec![
            Rule::Forbidden {
                chars: ".:+/".into()
            },
            Rule::NotIdentifier
        ]
    );
    assert_eq!(
        unmet("xMARIE-DUPONT-2026!", &p, "marie-dupont"),
        vec![Rule::NotIdentifier]
    );
}

#[test]
fn entractes_is_exactly_six_ascii_digits() {
    let p = PasswordPolicy::entractes();
    assert!(is_acceptable(&check("482915", &p, ctx("12345"))));
    assert_eq!(unmet("48291", &p, ""), vec![Rule::MinLength { min: 6 }]);
    assert_eq!(unmet("4829150", &p, ""), vec![Rule::MaxLength { max: 6 }]);
    let outcomes = check("48a91b", &p, ctx(""));
    let digits = outcome(&outcomes, |r| *r == Rule::DigitsOnly);
    assert!(!digits.met);
    assert_eq!(digits.found, "ab");
    assert!(
        !is_acceptable(&check("４８２９１５", &p, ctx(""))),
        "full-width digits"
    );
}

#[test]
fn nist_is_length_only_and_refuses_common_and_identifier() {
    let alone = PasswordPolicy::nist_alone();
    let two = PasswordPolicy::nist_with_second_factor();
    assert!(is_acceptable(&check(
        "lavande tulipe café",
        &alone,
        ctx("jeanne")
    )));
    assert!(
        is_acceptable(&check(&"é".repeat(64), &alone, ctx(""))),
        "64+ accepted"
    );
    assert_eq!(
        unmet("short-but-ok", &alone, ""),
        vec![Rule::MinLength { min: 15 }]
    );
    assert!(is_acceptable(&check("short-ok", &two, ctx(""))));
    // The list is on servers only (feature `common-passwords`, which the demo turns on);
    // a build without it leaves the rule to the server.
    let common = if sesame_core::password::HAS_COMMON_LIST {
        vec![Rule::NotCommon]
    } else {
        assert!(Rule::NotCommon.checked_on_submit());
        vec![]
    };
    assert_eq!(unmet("motdepasse", &two, ""), common);
    assert_eq!(unmet("AZERTY123456789", &alone, ""), vec![]);
    assert_eq!(unmet("password123", &two, ""), common);
    assert_eq!(
        unmet("jeanne.martin!", &two, "jeanne.martin"),
        vec![Rule::NotIdentifier]
    );
    for rule in &alone.rules {
        assert!(
            !matches!(
                rule,
                Rule::Uppercase | Rule::Lowercase | Rule::Digit | Rule::Special { .. }
            ),
            "no composition rules"
        );
    }
}

#[test]
fn entropy_estimates_are_honest() {
    let spico = PasswordPolicy::spico().entropy();
    assert!((77.0..79.0).contains(&spico.bits), "{}", spico.bits);
    let entractes = PasswordPolicy::entractes().entropy();
    assert!((19.0..21.0).contains(&entractes.bits), "{}", entractes.bits);
    assert!(
        !entractes.meets_threshold(),
        "6 digits never meet a CNIL threshold"
    );
    assert_eq!(
        PasswordPolicy::entractes().usage,
        PasswordUsage::WithRestrictions
    );
    let nist = PasswordPolicy::nist_alone().entropy();
    assert_eq!(nist.threshold_bits, 80);
    assert!(nist.meets_threshold());
    assert!(PasswordPolicy::nist_with_second_factor()
        .entropy()
        .meets_threshold());
    for p in [
        PasswordPolicy::spico(),
        PasswordPolicy::entractes(),
        PasswordPolicy::nist_alone(),
        PasswordPolicy::nist_with_second_factor(),
    ] {
        let bits = format!("{:.0}", p.entropy().bits);
        assert!(
            p.note.fr.contains(&bits) || p.note.fr.contains(&format!("{bits} bits")),
            "the note of {} states its estimate ({bits} bits): {}",
            p.name,
            p.note.fr
        );
    }
}

#[test]
fn labels_exist_in_both_languages() {
    for p in [
        PasswordPolicy::spico(),
        PasswordPolicy::entractes(),
        PasswordPolicy::nist_alone(),
    ] {
        for r in &p.rules {
            assert!(!r.label(Lang::Fr).is_empty());
            assert_ne!(r.label(Lang::Fr), r.label(Lang::En));
        }
    }
}

fn spico_valid() -> impl Strategy<Value = String> {
    (
        "[A-Z]{1,4}",
        "[a-z]{1,6}",
        "[0-9]{1,4}",
        proptest::sample::select(
            sesame_core::password::PasswordPolicy::spico()
                .rules
                .iter()
                .find_map(|r| match r {
                    Rule::Special { allowed } => Some(allowed.chars().collect::<Vec<_>>()),
                    _ => None,
                })
                .unwrap(),
        ),
        "[a-zA-Z0-9]{8,20}",
    )
        .prop_map(|(u, l, d, s, rest)| format!("{u}{l}{d}{s}{rest}"))
}

proptest! {
    #[test]
    fn one_outcome_per_rule_in_order_and_no_panic(pw in "\\PC{0,80}", id in "\\PC{0,20}") {
        for p in [PasswordPolicy::spico(), PasswordPolicy::entractes(), PasswordPolicy::nist_alone()] {
            let out = check(&pw, &p, ctx(&id));
            prop_assert_eq!(out.len(), p.rules.len());
            for (o, r) in out.iter().zip(&p.rules) {
                prop_assert_eq!(&o.rule, r);
                prop_assert!(o.found.chars().all(|c| pw.contains(c)), "found only names characters of the password");
            }
        }
    }

    #[test]
    fn min_length_counts_characters(pw in "\\PC{0,40}", min in 0usize..40) {
        let p = PasswordPolicy { rules: vec![Rule::MinLength { min }], ..PasswordPolicy::nist_alone() };
        prop_assert_eq!(is_acceptable(&check(&pw, &p, ctx(""))), pw.chars().count() >= min);
    }

    #[test]
    fn any_forbidden_character_is_refused(prefix in "[a-zA-Z0-9]{0,10}", c in "[.:+/]", suffix in "[a-zA-Z0-9]{0,10}") {
        let pw = format!("{prefix}{c}{suffix}");
        let out = check(&pw, &PasswordPolicy::spico(), ctx(""));
        let f = outcome(&out, |r| matches!(r, Rule::Forbidden { .. }));
        prop_assert!(!f.met);
        prop_assert!(f.found.contains(&c));
    }

    #[test]
    fn well_formed_spico_passwords_pass(pw in spico_valid()) {
        prop_assert!(is_acceptable(&check(&pw, &PasswordPolicy::spico(), ctx(""))), "{}", pw);
    }

    #[test]
    fn entractes_accepts_exactly_six_digits_not_guessable(pw in "[0-9]{6}", bad in "[0-9]{0,5}[^0-9][0-9]{0,5}") {
        prop_assert_eq!(
            is_acceptable(&check(&pw, &PasswordPolicy::entractes(), ctx(""))),
            !sesame_core::password::is_guessable_pin(&pw)
        );
        prop_assert!(!is_acceptable(&check(&bad, &PasswordPolicy::entractes(), ctx(""))));
    }
}
