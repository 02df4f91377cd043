//! A portal configuration read from JSON the browser parsed ([`JsonValue`]), for the widget's
//! `<sesame-login config="/portal.json">`: the same fields, defaults and refusals as serde's
//! [`PortalConfig::from_json`] (unknown fields included), without serde's machinery in the
//! widget's WebAssembly (see [`crate::wire`]). Then the checks the widget needs
//! ([`PortalConfig::essential_problems`]; the portal team's others are `check-config`'s and the
//! server's). A test checks both readings agree on the presets and on bad configurations.

use super::PortalId;
use super::{AccountJourneys, Terms};
use super::{ConfigError, IdentifierField, Links, MethodOffer, PortalConfig, Support, Theme};
use crate::captcha::{CaptchaProvider, CaptchaRequired, CaptchaSettings};
use crate::i18n::Text;
use crate::identifier::IdentifierRule;
use crate::method::{Method, Step};
use crate::otp::{OtpChannel, OtpSettings, CODE_DIGITS};
use crate::password::{PasswordPolicy, PasswordUsage, Rule};
use crate::wire::JsonValue;

/// A reading, its error boxed: each `?` of the many below moves a pointer, not the error's two
/// strings (less code in the widget's wasm).
type Read<T> = Result<T, Box<ConfigError>>;

/// `at` (a field path) is wrong: `problem`.
#[inline(never)]
fn wrong(at: &str, problem: &str) -> Box<ConfigError> {
    Box::new(ConfigError {
        at: at.to_owned(),
        message: problem.to_owned(),
    })
}

/// The path of `key` in the object at `at`.
fn path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        [at, ".", key].concat()
    }
}

/// An object at `at` whose members are among `known` (serde's `deny_unknown_fields`).
fn object<J: JsonValue>(v: &J, at: &str, known: &[&str]) -> Read<()> {
    let keys = v.keys().ok_or_else(|| wrong(at, "must be an object"))?;
    match keys.iter().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(wrong(&path(at, unknown), "is not a known field")),
        None => Ok(()),
    }
}

fn member<J: JsonValue>(v: &J, at: &str, key: &str) -> Read<J> {
    v.member(key)
        .ok_or_else(|| wrong(&path(at, key), "is missing"))
}

fn string<J: JsonValue>(v: &J, at: &str) -> Read<String> {
    v.string().ok_or_else(|| wrong(at, "must be a string"))
}

fn string_at<J: JsonValue>(v: &J, at: &str, key: &str) -> Read<String> {
    string(&member(v, at, key)?, &path(at, key))
}

/// A whole number in `0..=max`.
fn whole<J: JsonValue>(v: &J, at: &str, max: u32) -> Read<u32> {
    match v.number() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(max) => Ok(n as u32),
        _ => Err(wrong(at, "must be a whole number")),
    }
}

fn boolean<J: JsonValue>(v: &J, at: &str) -> Read<bool> {
    v.boolean()
        .ok_or_else(|| wrong(at, "must be true or false"))
}

fn whole_at<J: JsonValue>(v: &J, at: &str, key: &str) -> Read<u32> {
    whole(&member(v, at, key)?, &path(at, key), u32::MAX)
}

/// An optional member (absent or `null`: `None`).
fn optional<J: JsonValue, T>(
    v: &J,
    at: &str,
    key: &str,
    read: &dyn Fn(&J, &str) -> Read<T>,
) -> Read<Option<T>> {
    v.member(key).map(|m| read(&m, &path(at, key))).transpose()
}

/// The items of the array at `at`, each read by `read` with its index in its path.
fn list<J: JsonValue, T>(v: &J, at: &str, read: &dyn Fn(&J, &str) -> Read<T>) -> Read<Vec<T>> {
    let items = v.items().ok_or_else(|| wrong(at, "must be a list"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(read(item, &format!("{at}[{i}]"))?);
    }
    Ok(out)
}

/// A string among `name`'s values.
fn named<J: JsonValue, T>(v: &J, at: &str, parse: fn(&str) -> Option<T>) -> Read<T> {
    parse(&string(v, at)?).ok_or_else(|| wrong(at, "is not one of its known values"))
}

fn text<J: JsonValue>(v: &J, at: &str) -> Read<Text> {
    object(v, at, &["fr", "en"])?;
    Ok(Text {
        fr: string_at(v, at, "fr")?,
        en: string_at(v, at, "en")?,
    })
}

fn text_at<J: JsonValue>(v: &J, at: &str, key: &str) -> Read<Text> {
    text(&member(v, at, key)?, &path(at, key))
}

fn offer<J: JsonValue>(v: &J, at: &str) -> Read<MethodOffer> {
    object(v, at, &["method", "label", "notice", "steps"])?;
    Ok(MethodOffer {
        method: named(
            &member(v, at, "method")?,
            &path(at, "method"),
            Method::parse,
        )?,
        label: text_at(v, at, "label")?,
        notice: optional(v, at, "notice", &text)?,
        steps: optional(v, at, "steps", &|s, at| {
            list(s, at, &|step, at| named(step, at, Step::parse))
        })?
        .unwrap_or_default(),
    })
}

fn identifier<J: JsonValue>(v: &J, at: &str) -> Read<IdentifierField> {
    object(v, at, &["label", "rule"])?;
    let rule = optional(
        v,
        at,
        "rule",
        &|r, at| match string_at(r, at, "kind")?.as_str() {
            "free" => object(r, at, &["kind"]).map(|()| IdentifierRule::Free),
            "digits" => {
                object(r, at, &["kind", "len"])?;
                Ok(IdentifierRule::Digits {
                    len: whole_at(r, at, "len")? as usize,
                })
            }
            _ => Err(wrong(&path(at, "kind"), "is not one of its known values")),
        },
    )?;
    Ok(IdentifierField {
        label: text_at(v, at, "label")?,
        rule: rule.unwrap_or_default(),
    })
}

fn policy<J: JsonValue>(v: &J, at: &str) -> Read<PasswordPolicy> {
    object(v, at, &["name", "rules", "usage", "note"])?;
    Ok(PasswordPolicy {
        name: string_at(v, at, "name")?,
        rules: list(&member(v, at, "rules")?, &path(at, "rules"), &|r, at| {
            Rule::read(r).ok_or_else(|| wrong(at, "is not a rule this version knows"))
        })?,
        usage: named(&member(v, at, "usage")?, &path(at, "usage"), |u| match u {
            "alone" => Some(PasswordUsage::Alone),
            "with_restrictions" => Some(PasswordUsage::WithRestrictions),
            _ => None,
        })?,
        note: text_at(v, at, "note")?,
    })
}

fn links<J: JsonValue>(v: &J, at: &str) -> Read<Links> {
    const KEYS: [&str; 3] = ["forgot_identifier", "forgot_password", "create_account"];
    object(v, at, &KEYS)?;
    let [forgot_identifier, forgot_password, create_account] =
        KEYS.map(|key| optional(v, at, key, &string));
    Ok(Links {
        forgot_identifier: forgot_identifier?,
        forgot_password: forgot_password?,
        create_account: create_account?,
    })
}

fn support<J: JsonValue>(v: &J, at: &str) -> Read<Support> {
    object(
        v,
        at,
        &["name", "phone", "phone_note", "email", "hours", "form"],
    )?;
    Ok(Support {
        name: text_at(v, at, "name")?,
        phone: optional(v, at, "phone", &string)?,
        phone_note: optional(v, at, "phone_note", &text)?,
        email: optional(v, at, "email", &string)?,
        hours: optional(v, at, "hours", &text)?,
        form: optional(v, at, "form", &string)?,
    })
}

fn otp<J: JsonValue>(v: &J, at: &str) -> Read<OtpSettings> {
    object(v, at, &["period_secs", "digits", "channels"])?;
    Ok(OtpSettings {
        period_secs: whole_at(v, at, "period_secs")?,
        digits: optional(v, at, "digits", &|d, at| whole(d, at, u8::MAX.into()))?
            .map_or(CODE_DIGITS, |d| d as u8),
        channels: list(
            &member(v, at, "channels")?,
            &path(at, "channels"),
            &|c, at| named(c, at, OtpChannel::parse),
        )?,
    })
}

fn captcha<J: JsonValue>(v: &J, at: &str) -> Read<CaptchaSettings> {
    object(v, at, &["provider", "required"])?;
    let provider = optional(v, at, "provider", &|p, at| {
        let kind = string_at(p, at, "kind")?;
        if kind == "proof_of_work" {
            return object(p, at, &["kind"]).map(|()| CaptchaProvider::ProofOfWork);
        }
        object(p, at, &["kind", "site_key"])?;
        let site_key = string_at(p, at, "site_key")?;
        match kind.as_str() {
            "recaptcha" => Ok(CaptchaProvider::Recaptcha { site_key }),
            "hcaptcha" => Ok(CaptchaProvider::Hcaptcha { site_key }),
            "turnstile" => Ok(CaptchaProvider::Turnstile { site_key }),
            _ => Err(wrong(&path(at, "kind"), "is not one of its known values")),
        }
    })?;
    let required_at = path(at, "required");
    let required = member(v, at, "required")?;
    let required = if required.string().as_deref() == Some("always") {
        CaptchaRequired::Always
    } else {
        object(&required, &required_at, &["after_failures"])
            .and_then(|()| whole_at(&required, &required_at, "after_failures"))
            .map(CaptchaRequired::AfterFailures)
            .map_err(|_| {
                wrong(
                    &required_at,
                    "must be \"always\" or {\"after_failures\": N}",
                )
            })?
    };
    Ok(CaptchaSettings {
        provider: provider.unwrap_or_default(),
        required,
    })
}

fn account<J: JsonValue>(v: &J, at: &str) -> Read<AccountJourneys> {
    object(
        v,
        at,
        &[
            "forgot_password",
            "forgot_identifier",
            "first_login_days",
            "reset_minutes",
            "signup_confirmation",
            "page",
        ],
    )?;
    let off = AccountJourneys::default();
    let flag = |key: &str| optional(v, at, key, &boolean).map(Option::unwrap_or_default);
    let number = |key: &str, default: u32| {
        optional(v, at, key, &|n, at| whole(n, at, u32::MAX)).map(|n| n.unwrap_or(default))
    };
    Ok(AccountJourneys {
        forgot_password: flag("forgot_password")?,
        forgot_identifier: flag("forgot_identifier")?,
        first_login_days: number("first_login_days", off.first_login_days)?,
        reset_minutes: number("reset_minutes", off.reset_minutes)?,
        signup_confirmation: flag("signup_confirmation")?,
        page: optional(v, at, "page", &string)?,
    })
}

fn terms<J: JsonValue>(v: &J, at: &str) -> Read<Terms> {
    object(v, at, &["version", "url"])?;
    Ok(Terms {
        version: string_at(v, at, "version")?,
        url: string_at(v, at, "url")?,
    })
}

impl PortalConfig {
    /// Reads and checks a configuration the browser parsed: what serde refuses, then
    /// [`PortalConfig::essential_problems`]; the first problem found named by its field path.
    pub fn read<J: JsonValue>(v: &J) -> Result<PortalConfig, ConfigError> {
        Self::read_boxed(v).map_err(|e| *e)
    }

    fn read_boxed<J: JsonValue>(v: &J) -> Read<PortalConfig> {
        let at = "";
        object(
            v,
            at,
            &[
                "id",
                "name",
                "tagline",
                "methods",
                "identifier",
                "password",
                "links",
                "support",
                "theme",
                "otp",
                "captcha",
                "account",
                "terms",
            ],
        )?;
        let theme = member(v, at, "theme")?;
        object(&theme, "theme", &["accent"])?;
        let config = PortalConfig {
            id: PortalId::new(&string_at(v, at, "id")?)
                .map_err(|_| wrong("id", "must be 1 to 32 of a-z, 0-9 and -"))?,
            name: string_at(v, at, "name")?,
            tagline: text_at(v, at, "tagline")?,
            methods: list(&member(v, at, "methods")?, "methods", &offer)?,
            identifier: identifier(&member(v, at, "identifier")?, "identifier")?,
            password: policy(&member(v, at, "password")?, "password")?,
            links: optional(v, at, "links", &links)?.unwrap_or_default(),
            support: support(&member(v, at, "support")?, "support")?,
            theme: Theme {
                accent: string_at(&theme, "theme", "accent")?,
            },
            otp: optional(v, at, "otp", &otp)?,
            captcha: optional(v, at, "captcha", &captcha)?,
            account: optional(v, at, "account", &account)?.unwrap_or_default(),
            terms: optional(v, at, "terms", &terms)?,
        };
        match config.essential_problems().into_iter().next() {
            Some(problem) => Err(Box::new(problem)),
            None => Ok(config),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<PortalConfig, ConfigError> {
        PortalConfig::read(&serde_json::from_str::<serde_json::Value>(json).unwrap())
    }

    #[test]
    fn every_preset_reads_back_as_itself() {
        for preset in PortalConfig::presets() {
            let json = serde_json::to_string(&preset).unwrap();
            assert_eq!(read(&json), Ok(preset.clone()), "{}", preset.id);
            assert_eq!(PortalConfig::from_json(&json), Ok(preset));
        }
    }

    #[test]
    fn what_serde_refuses_is_refused_with_the_field_named() {
        let spico = serde_json::to_value(PortalConfig::preset("spico").unwrap()).unwrap();
        type Break = fn(&mut serde_json::Value);
        let cases: [(&str, Break); 14] = [
            ("admin", |c| c["admin"] = true.into()),
            ("methods[0].method", |c| {
                c["methods"][0]["method"] = "telepathy".into()
            }),
            ("methods[1].label.fr", |c| {
                c["methods"][1]["label"] = serde_json::json!({"en": "x"})
            }),
            ("identifier.rule.kind", |c| {
                c["identifier"]["rule"] = serde_json::json!({"kind": "email"})
            }),
            ("password.rules[0]", |c| {
                c["password"]["rules"][0] = serde_json::json!({"rule": "emoji"})
            }),
            ("theme.accent", |c| c["theme"]["accent"] = 3.into()),
            ("support", |c| {
                c.as_object_mut()
                    .unwrap()
                    .remove("support")
                    .map(drop)
                    .unwrap_or(())
            }),
            ("captcha.required", |c| {
                c["captcha"] = serde_json::json!({"required": "sometimes"})
            }),
            ("links.forgot_password", |c| {
                c["links"]["forgot_password"] = false.into()
            }),
            ("account.forgot_password", |c| {
                c["account"]["forgot_password"] = "yes".into()
            }),
            ("account.reset_minutes", |c| {
                c["account"]["reset_minutes"] = 1.5.into()
            }),
            ("account.invite", |c| c["account"]["invite"] = true.into()),
            ("terms.version", |c| {
                c["terms"] = serde_json::json!({"url": "/cgu.html"})
            }),
            ("terms.lang", |c| c["terms"]["lang"] = "fr".into()),
        ];
        for (at, break_it) in cases {
            let mut config = spico.clone();
            break_it(&mut config);
            let json = config.to_string();
            let ours = read(&json).expect_err(at);
            assert!(ours.at.starts_with(at), "{at}: {ours:?}");
            assert!(
                PortalConfig::from_json(&json).is_err(),
                "{at}: serde agrees"
            );
        }
    }

    #[test]
    fn account_and_terms_read_as_serde_reads_them() {
        let spico = serde_json::to_value(PortalConfig::preset("spico").unwrap()).unwrap();
        let cases = [
            serde_json::json!({}),
            serde_json::json!({"forgot_password": true}),
            serde_json::json!({"signup_confirmation": true, "first_login_days": 3}),
            serde_json::json!({"reset_minutes": 30, "forgot_identifier": false}),
            serde_json::json!({"forgot_password": true, "page": "/connexion"}),
        ];
        for account in cases {
            let mut config = spico.clone();
            config["account"] = account.clone();
            config["terms"] = serde_json::Value::Null;
            let json = config.to_string();
            let ours = read(&json).expect("readable");
            assert_eq!(
                Ok(ours.clone()),
                PortalConfig::from_json(&json),
                "{account}"
            );
            assert!(ours.terms.is_none());
        }
        let mut config = spico.clone();
        config.as_object_mut().unwrap().remove("account");
        config.as_object_mut().unwrap().remove("terms");
        let json = config.to_string();
        let ours = read(&json).unwrap();
        assert_eq!(ours.account, AccountJourneys::default());
        assert_eq!(Ok(ours), PortalConfig::from_json(&json));
    }

    #[test]
    fn what_validation_refuses_is_refused_here_too() {
        let mut spico = serde_json::to_value(PortalConfig::preset("spico").unwrap()).unwrap();
        spico["links"]["forgot_password"] = "javascript:alert(1)".into();
        let json = spico.to_string();
        assert_eq!(read(&json), PortalConfig::from_json(&json));
        assert!(read(&json).is_err());
        // The portal team's care (a colour too light for white text) is check-config's and
        // the server's, not the widget's.
        let mut terms = serde_json::to_value(PortalConfig::preset("spico").unwrap()).unwrap();
        terms["terms"]["url"] = "javascript:alert(1)".into();
        let json = terms.to_string();
        assert_eq!(read(&json).unwrap_err().at, "terms.url");
        assert_eq!(PortalConfig::from_json(&json).unwrap_err().at, "terms.url");
        let mut light = serde_json::to_value(PortalConfig::preset("spico").unwrap()).unwrap();
        light["theme"]["accent"] = "#f0f0f0".into();
        let json = light.to_string();
        assert!(read(&json).is_ok());
        assert_eq!(
            PortalConfig::from_json(&json).unwrap_err().at,
            "theme.accent"
        );
    }
}
