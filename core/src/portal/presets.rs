//! The five seed portals, in their own words (see `shared/seeds/`).
//!
//! No URL is invented: a link appears only where the seed gives one. Where a portal has no
//! "forgotten password" link in its guide, the widget points to the support contact instead.

use super::{IdentifierField, Links, MethodOffer, PortalConfig, PortalId, Support, Theme};
use crate::account::{AccountJourneys, Terms, FIRST_LOGIN_DAYS};
use crate::captcha::{CaptchaProvider, CaptchaRequired, CaptchaSettings, DEFAULT_AFTER_FAILURES};
use crate::i18n::Text;
use crate::identifier::IdentifierRule;
use crate::method::{Method, Step};
use crate::otp::{OtpChannel, OtpSettings};
use crate::password::PasswordPolicy;

fn offer(method: Method, label: Text) -> MethodOffer {
    MethodOffer {
        method,
        label,
        notice: None,
        steps: Vec::new(),
    }
}

impl PortalConfig {
    /// The "not a robot" step after [`DEFAULT_AFTER_FAILURES`] failed logins of the account or
    /// the address, in every offer that starts with the password (right after it): one of the
    /// ANS référentiel's restriction measures for password logins, the proof of work (nothing
    /// sent to a third party). The seeds of these portals show no captcha: a person who types
    /// their password right never sees it.
    fn with_captcha_after_failures(mut self) -> PortalConfig {
        for offer in &mut self.methods {
            let steps = offer.steps();
            if steps.first() == Some(&Step::Password) && !steps.contains(&Step::Captcha) {
                let mut with = steps.to_vec();
                with.insert(1, Step::Captcha);
                offer.steps = with;
            }
        }
        self.captcha = Some(CaptchaSettings {
            provider: CaptchaProvider::ProofOfWork,
            required: CaptchaRequired::AfterFailures(DEFAULT_AFTER_FAILURES),
        });
        self
    }
}

/// The widget's own "Mot de passe oublié ?" form, nothing else.
fn forgot_password_only() -> AccountJourneys {
    AccountJourneys {
        forgot_password: true,
        ..AccountJourneys::default()
    }
}

fn id(s: &str) -> PortalId {
    // Not `expect`: it would `Debug`-format the error, and bring that code into the wasm.
    PortalId::new(s).unwrap_or_else(|_| unreachable!("preset ids are valid"))
}

/// PAACO says: login/password must be temporary, never regular use.
fn temporary_password_notice() -> Text {
    Text::new(
        "Usage temporaire uniquement\u{a0}: en attendant votre carte CPS ou la résolution d'un \
         problème par le support. Jamais de façon régulière.",
        "Temporary use only: while you wait for your CPS card or for support to fix a problem. \
         Never for regular use.",
    )
}

fn esea_support(name: Text, hours: Option<Text>) -> Support {
    Support {
        name,
        phone: Some("05 64 090 090".into()),
        phone_note: None,
        email: Some("support@esea-na.fr".into()),
        hours,
        form: None,
    }
}

impl PortalConfig {
    /// The ids of the built-in presets, in display order.
    pub const PRESET_IDS: [&'static str; 5] = ["paaco", "spico", "nexus", "parceo", "entractes"];

    /// The portals' own addresses, where the seed gives one (SPICO's guide:
    /// `https://spico.esante-occitanie.fr/`; Entr'Actes': `https://prod.entractes.fr`). PAACO's
    /// is per territory (`https://XXX.paaco.fr`), Nexus' and Parcéo's guides give none. The
    /// extension offers these as portals to enable in one click; the widget does not need them.
    pub const KNOWN_ADDRESSES: [(&'static str, &'static str, &'static str); 2] = [
        ("spico", "SPICO", "https://spico.esante-occitanie.fr/"),
        ("entractes", "Entr'Actes", "https://prod.entractes.fr/"),
    ];

    /// A built-in preset by id.
    pub fn preset(id: &str) -> Option<PortalConfig> {
        match id {
            "paaco" => Some(Self::paaco()),
            "spico" => Some(Self::spico()),
            "nexus" => Some(Self::nexus()),
            "parceo" => Some(Self::parceo()),
            "entractes" => Some(Self::entractes()),
            _ => None,
        }
    }

    /// Every built-in preset, in display order.
    pub fn presets() -> Vec<PortalConfig> {
        Self::PRESET_IDS
            .iter()
            .filter_map(|id| Self::preset(id))
            .collect()
    }

    /// PAACO/Globule (ESEA, Nouvelle-Aquitaine).
    pub fn paaco() -> PortalConfig {
        let mut password = offer(
            Method::Password,
            Text::new("Par login / mot de passe", "With login / password"),
        );
        password.notice = Some(temporary_password_notice());
        PortalConfig {
            id: id("paaco"),
            name: "PAACO/Globule".into(),
            tagline: Text::new(
                "Le dossier communicant de l'utilisateur en santé et social",
                "The shared health and social care record",
            ),
            methods: vec![
                password,
                offer(
                    Method::Otp,
                    Text::new("Par login / OTP", "With login / one-time code"),
                ),
                offer(
                    Method::Qr,
                    Text::new("Avec Wamewa (QR code)", "With Wamewa (QR code)"),
                ),
                offer(
                    Method::Cps,
                    Text::new("Avec ma carte CPS", "With my CPS card"),
                ),
                offer(
                    Method::RegionalSso,
                    Text::new(
                        "Via le service sécurisé ESEA",
                        "Through the ESEA secure service",
                    ),
                ),
            ],
            identifier: IdentifierField {
                label: Text::new("Utilisateur", "User name"),
                rule: IdentifierRule::Free,
            },
            password: PasswordPolicy::nist_alone(),
            links: Links::default(),
            support: esea_support(
                Text::new("Assistance technique ESEA", "ESEA technical support"),
                None,
            ),
            theme: Theme {
                accent: "#00695c".into(),
            },
            // Guide §4: "LE CODE OTP est à usage unique. IL CHANGE TOUTES LES MINUTES".
            otp: Some(OtpSettings::new(60, vec![OtpChannel::App])),
            captcha: None,
            account: forgot_password_only(),
            terms: None,
        }
        .with_captcha_after_failures()
    }

    /// SPICO (e-santé Occitanie, through the PASS portal).
    pub fn spico() -> PortalConfig {
        let mut password = offer(
            Method::Password,
            Text::new(
                "S'identifier avec identifiant et mot de passe",
                "Log in with identifier and password",
            ),
        );
        password.notice = Some(Text::new(
            "Ce mode ne donne pas accès à SPICO, qui demande une authentification forte \
             (code à usage unique ou Pro Santé Connect).",
            "This way does not open SPICO, which needs strong authentication (one-time code or \
             Pro Santé Connect).",
        ));
        PortalConfig {
            id: id("spico"),
            name: "SPICO".into(),
            tagline: Text::new(
                "Point d'Accès aux Services e-Santé (PASS) — e-santé Occitanie",
                "e-Health Services Access Point (PASS) — e-santé Occitanie",
            ),
            methods: vec![
                offer(
                    Method::Otp,
                    Text::new(
                        "Authentification par code à usage unique (SMS ou e-mail)",
                        "One-time code (SMS or e-mail)",
                    ),
                ),
                offer(
                    Method::ProSanteConnect,
                    Text::new(
                        "S'identifier avec Pro Santé Connect",
                        "Log in with Pro Santé Connect",
                    ),
                ),
                password,
            ],
            identifier: IdentifierField {
                label: Text::new("Identifiant", "Identifier"),
                rule: IdentifierRule::Free,
            },
            password: PasswordPolicy::spico(),
            links: Links {
                forgot_identifier: None,
                forgot_password: None,
                create_account: Some("https://www.esante-occitanie.fr".into()),
            },
            support: Support {
                name: Text::new(
                    "Centre de services e-santé Occitanie",
                    "e-santé Occitanie service centre",
                ),
                phone: Some("0 820 250 035".into()),
                phone_note: Some(Text::new(
                    "Service 0,00 € / appel + prix d'un appel",
                    "Service €0.00 per call + call price",
                )),
                email: Some("assistance@esante-occitanie.fr".into()),
                hours: Some(Text::new(
                    "8 h 30 – 18 h 30 du lundi au vendredi",
                    "8:30 am – 6:30 pm, Monday to Friday",
                )),
                form: Some("https://assistance.esante-occitanie.fr".into()),
            },
            theme: Theme {
                accent: "#1d4f91".into(),
            },
            // "Authentification par code à usage unique (mail ou sms)".
            otp: Some(OtpSettings::new(
                30,
                vec![OtpChannel::Sms, OtpChannel::Email],
            )),
            captcha: None,
            // Its guide: an invitation brings two e-mails, the identifier and the "Définir mon
            // mot de passe" link (valid 14 days); "Mot de passe oublié ?" and "Identifiant
            // oublié ?" on the login page; the PASS terms accepted at the first login.
            account: AccountJourneys {
                forgot_password: true,
                forgot_identifier: true,
                first_login_days: FIRST_LOGIN_DAYS,
                ..AccountJourneys::default()
            },
            terms: Some(Terms {
                version: "pass-2026".into(),
                url: "/demo/cgu/spico.html".into(),
            }),
        }
        .with_captcha_after_failures()
    }

    /// Nexus (ESEA): its logins go through the ESEA chooser, whose last option is
    /// identifier–password.
    pub fn nexus() -> PortalConfig {
        let mut password = offer(
            Method::Password,
            Text::new("Identifiant - Mot de passe", "Identifier - Password"),
        );
        password.notice = Some(temporary_password_notice());
        PortalConfig {
            id: id("nexus"),
            name: "Nexus".into(),
            tagline: Text::new("Plateforme Nexus — ESEA", "Nexus platform — ESEA"),
            methods: vec![
                offer(Method::Cps, Text::new("Carte CPS", "CPS card")),
                offer(
                    Method::Otp,
                    Text::new("OTP (code par e-mail)", "One-time code by e-mail"),
                ),
                offer(
                    Method::ProSanteConnect,
                    Text::new("Pro Santé Connect", "Pro Santé Connect"),
                ),
                offer(
                    Method::Qr,
                    Text::new("Application TIQR (QR code)", "TIQR app (QR code)"),
                ),
                password,
            ],
            identifier: IdentifierField {
                label: Text::new("Identifiant ESEA", "ESEA identifier"),
                rule: IdentifierRule::Free,
            },
            password: PasswordPolicy::nist_alone(),
            links: Links::default(),
            support: esea_support(
                Text::new("Assistance aux utilisateurs ESEA", "ESEA user support"),
                Some(Text::new(
                    "Heures et jours ouvrés",
                    "Working hours and days",
                )),
            ),
            theme: Theme {
                accent: "#5b2c83".into(),
            },
            // "AVEC L'OTP MAIL … Envoyez OTP par mail".
            otp: Some(OtpSettings::new(30, vec![OtpChannel::Email])),
            captcha: None,
            account: forgot_password_only(),
            terms: None,
        }
        .with_captcha_after_failures()
    }

    /// Parcéo (Pulsy, Grand-Est).
    pub fn parceo() -> PortalConfig {
        PortalConfig {
            id: id("parceo"),
            name: "Parcéo".into(),
            tagline: Text::new(
                "Échanges sécurisés en équipe autour du patient — Pulsy",
                "Secure team exchanges around the patient — Pulsy",
            ),
            methods: vec![
                offer(
                    Method::ProSanteConnect,
                    Text::new(
                        "Pro Santé Connect (carte CPS ou e-CPS)",
                        "Pro Santé Connect (CPS card or e-CPS)",
                    ),
                ),
                offer(Method::Cps, Text::new("Carte CPS", "CPS card")),
                offer(
                    Method::Password,
                    Text::new("Identifiants Pulsy", "Pulsy identifiers"),
                ),
            ],
            identifier: IdentifierField {
                label: Text::new(
                    "Identifiant (prénom.nom)",
                    "Identifier (firstname.lastname)",
                ),
                rule: IdentifierRule::Free,
            },
            password: PasswordPolicy::nist_alone(),
            links: Links {
                forgot_identifier: None,
                forgot_password: None,
                create_account: Some("https://store.pulsy.fr/services/parceo".into()),
            },
            support: Support {
                name: Text::new("Assistance Utilisateurs Pulsy", "Pulsy user support"),
                phone: None,
                phone_note: None,
                email: None,
                hours: None,
                form: None,
            },
            theme: Theme {
                accent: "#a1341b".into(),
            },
            // Its guide has no one-time code at login (the 4-digit code is the desktop apps'
            // PIN, the e-mail is for signing up): none invented.
            otp: None,
            captcha: None,
            account: forgot_password_only(),
            terms: None,
        }
        .with_captcha_after_failures()
    }

    /// Entr'Actes: 5-digit identifier, 6-digit password, captcha, then a verification code.
    pub fn entractes() -> PortalConfig {
        let mut password = offer(Method::Password, Text::new("Se connecter", "Log in"));
        password.notice = Some(Text::new(
            "Identifiant à 5 chiffres et mot de passe à 6 chiffres reçus d'Entr'Actes.",
            "The 5-digit identifier and 6-digit password Entr'Actes sent you.",
        ));
        // Its one way in: identifier and password, "Je ne suis pas un robot", then "Code de
        // vérification" by SMS or e-mail ("JE VALIDE & ME CONNECTE").
        password.steps = vec![Step::Password, Step::Captcha, Step::Code];
        PortalConfig {
            id: id("entractes"),
            name: "Entr'Actes".into(),
            tagline: Text::new(
                "Votre plateforme de coordination des soins primaires",
                "Your primary care coordination platform",
            ),
            methods: vec![password],
            identifier: IdentifierField {
                label: Text::new("Identifiant", "Identifier"),
                rule: IdentifierRule::Digits { len: 5 },
            },
            password: PasswordPolicy::entractes(),
            links: Links {
                forgot_identifier: None,
                forgot_password: None,
                create_account: Some("https://www.entractes.fr".into()),
            },
            support: Support {
                name: Text::new("Support Entr'Actes", "Entr'Actes support"),
                phone: None,
                phone_note: None,
                email: Some("support@entractes.fr".into()),
                hours: None,
                form: None,
            },
            theme: Theme {
                accent: "#0b5cad".into(),
            },
            otp: Some(OtpSettings::new(
                30,
                vec![OtpChannel::Sms, OtpChannel::Email],
            )),
            // Its "Je ne suis pas un robot" at every login; the proof of work, not Google's.
            captcha: Some(CaptchaSettings {
                provider: CaptchaProvider::ProofOfWork,
                required: CaptchaRequired::Always,
            }),
            // A sign-up is confirmed by the e-mailed link and a 4-digit code sent by SMS.
            account: AccountJourneys {
                signup_confirmation: true,
                ..AccountJourneys::default()
            },
            terms: None,
        }
    }
}
