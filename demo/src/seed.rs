//! The demo accounts, one per preset portal: created or reset at every start, and printed. On
//! SPICO, whose preset has terms of use, the demo accounts have accepted them already but one
//! ([`DEMO_TERMS_NOT_ACCEPTED`]), and one account waits for its first login
//! ([`DEMO_INVITATIONS`]: its e-mails in the outbox at every start).

use crate::db::{self, Db};
use crate::password_hash;
use anyhow::Context;

/// A demo account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    /// Portal id (a core preset).
    pub portal: &'static str,
    /// Identifier.
    pub identifier: &'static str,
    /// Password (public: this is a demo).
    pub password: &'static str,
    /// Name to greet with.
    pub display_name: &'static str,
    /// Mobile phone, where SMS codes go (the demo's outbox).
    pub phone: &'static str,
    /// E-mail address, where e-mailed codes go (the outbox, or the SMTP relay).
    pub email: &'static str,
}

/// The demo accounts (also used by the end-to-end tests).
pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        portal: "paaco",
        identifier: "jeanne.martin",
        password: "lavande-tulipe-cafe",
        display_name: "Jeanne Martin",
        phone: "06 12 34 56 01",
        email: "jeanne.martin@exemple.fr",
    },
    DemoAccount {
        portal: "spico",
        identifier: "marie.dupont",
        password: "Soins-Occitanie-2026!",
        display_name: "Marie Dupont",
        phone: "06 12 34 56 02",
        email: "marie.dupont@exemple.fr",
    },
    DemoAccount {
        portal: "nexus",
        identifier: "paul.bernard",
        password: "cafe-du-matin-nexus",
        display_name: "Paul Bernard",
        phone: "06 12 34 56 03",
        email: "paul.bernard@exemple.fr",
    },
    DemoAccount {
        portal: "parceo",
        identifier: "lucie.petit",
        password: "equipe-soignante-vosges",
        display_name: "Lucie Petit",
        phone: "06 12 34 56 04",
        email: "lucie.petit@exemple.fr",
    },
    DemoAccount {
        portal: "entractes",
        identifier: "12345",
        password: "482915",
        display_name: "Dr Karim Benali",
        phone: "06 12 34 56 05",
        email: "karim.benali@exemple.fr",
    },
    // The CPS test card's holder (see DEMO_CPS_HOLDERS) on a portal that offers card login;
    // after the other five so that "the account of a portal" stays the first one.
    DemoAccount {
        portal: "paaco",
        identifier: "karim.benali",
        password: "garonne-stethoscope-lune",
        display_name: "Dr Karim Benali",
        phone: "06 12 34 56 06",
        email: "k.benali@exemple.fr",
    },
    // SPICO's account that has not accepted the PASS terms yet (DEMO_TERMS_NOT_ACCEPTED): its
    // logins wait for them.
    DemoAccount {
        portal: "spico",
        identifier: "luc.moreau",
        password: "Garrigue-Pass-2026!",
        display_name: "Luc Moreau",
        phone: "06 12 34 56 09",
        email: "luc.moreau@exemple.fr",
    },
];

/// The demo accounts that have not accepted their portal's current terms of use (reset at
/// every start: their next login waits for them). Every other demo account of a portal with
/// terms has accepted the current version.
pub const DEMO_TERMS_NOT_ACCEPTED: [(&str, &str); 1] = [("spico", "luc.moreau")];

/// An account invited to set its password: created without one at every start, its two
/// e-mails (the identifier, the "Définir mon mot de passe" link) sent anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoInvitation {
    /// Portal id (a core preset).
    pub portal: &'static str,
    /// Identifier.
    pub identifier: &'static str,
    /// Name to greet with.
    pub display_name: &'static str,
    /// Mobile phone.
    pub phone: &'static str,
    /// E-mail address, where the two e-mails go (the outbox, or the SMTP relay).
    pub email: &'static str,
}

/// The demo's invitations (first login through the e-mailed link).
pub const DEMO_INVITATIONS: [DemoInvitation; 1] = [DemoInvitation {
    portal: "spico",
    identifier: "sophie.laurent",
    display_name: "Sophie Laurent",
    phone: "06 12 34 56 08",
    email: "sophie.laurent@exemple.fr",
}];

/// The accounts of the sample sixth portal, `ceviane` (`demo/portals/example.json`, loaded with
/// `SESAME_PORTALS`): seeded and printed when that portal is loaded ([`seed_samples`]).
pub const SAMPLE_ACCOUNTS: [DemoAccount; 1] = [DemoAccount {
    portal: "ceviane",
    identifier: "claire.rousseau",
    password: "Parcours-Soins-2026",
    display_name: "Claire Rousseau",
    phone: "06 12 34 56 07",
    email: "claire.rousseau@exemple.fr",
}];

/// A card holder linked to a demo account: the subject's `serialNumber` of the CPS card's
/// authentication certificate ("8" + the RPPS number) opens `identifier` on `portal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpsHolder {
    /// Portal id (a core preset offering `cps`).
    pub portal: &'static str,
    /// The account's identifier (one of [`DEMO_ACCOUNTS`]).
    pub identifier: &'static str,
    /// The card's national identifier: "8" + the RPPS number.
    pub national_id: &'static str,
    /// The holder's name, the certificate's common name.
    pub name: &'static str,
    /// The RPPS number.
    pub rpps: &'static str,
}

/// The demo's card holders: the SoftHSM2 test card (`cargo xtask setup`, PIN 1234) is issued
/// to the first by the demo's test CA ([`crate::cps::TestCa::issue_card`]).
pub const DEMO_CPS_HOLDERS: [CpsHolder; 1] = [CpsHolder {
    portal: "paaco",
    identifier: "karim.benali",
    national_id: "810012345678",
    name: "Dr Karim Benali",
    rpps: "10012345678",
}];

/// An identity at Pro Santé Connect or the regional SSO linked to a demo account: the local
/// OpenID provider (`demo/oidc-provider/`, started by `cargo xtask demo`) knows it by the same
/// subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OidcLink {
    /// `psc` or `sso` (core's `oidc::provider_name`).
    pub provider: &'static str,
    /// PSC: the national identifier (SubjectNameID, "8" + RPPS); the SSO: its `sub`.
    pub subject: &'static str,
    /// Portal id (a core preset offering the provider).
    pub portal: &'static str,
    /// The account's identifier (one of [`DEMO_ACCOUNTS`]).
    pub identifier: &'static str,
    /// How to log in at the local provider, for the banner.
    pub how: &'static str,
}

/// The demo's linked identities. Sam Leroy (RPPS 10000000009) is known to the local Pro Santé
/// Connect but linked to no account: the "no account" path.
pub const DEMO_OIDC_LINKS: [OidcLink; 4] = [
    OidcLink {
        provider: "psc",
        subject: "810000000002",
        portal: "spico",
        identifier: "marie.dupont",
        how: "RPPS 10000000002 (one establishment)",
    },
    OidcLink {
        provider: "psc",
        subject: "810000000003",
        portal: "nexus",
        identifier: "paul.bernard",
        how: "RPPS 10000000003 (two establishments: the chooser)",
    },
    OidcLink {
        provider: "psc",
        subject: "810000000004",
        portal: "parceo",
        identifier: "lucie.petit",
        how: "RPPS 10000000004 (one establishment)",
    },
    OidcLink {
        provider: "sso",
        subject: "esea-jeanne-martin",
        portal: "paaco",
        identifier: "jeanne.martin",
        how: "ESEA login jeanne.martin, password esea-demo",
    },
];

/// Creates `accounts`, or resets them (password, name, failure count) to the printed values.
async fn seed_accounts(
    db: &Db,
    accounts: impl IntoIterator<Item = DemoAccount>,
) -> anyhow::Result<()> {
    for a in accounts {
        let hash = tokio::task::spawn_blocking(move || password_hash::hash(a.password)).await??;
        let contact = db::Contact {
            phone: Some(a.phone.to_owned()),
            email: Some(a.email.to_owned()),
        };
        db::upsert_account(db, a.portal, a.identifier, a.display_name, &hash, &contact)
            .await
            .with_context(|| {
                format!("cannot seed the demo account {}/{}", a.portal, a.identifier)
            })?;
    }
    Ok(())
}

/// The accounts of the sample portals among `loaded` (from `SESAME_PORTALS`), like
/// [`seed`]'s.
pub async fn seed_samples(db: &Db, loaded: &[sesame_core::PortalConfig]) -> anyhow::Result<()> {
    let samples = SAMPLE_ACCOUNTS
        .into_iter()
        .filter(|a| loaded.iter().any(|p| p.id.as_str() == a.portal));
    seed_accounts(db, samples).await
}

/// Creates the demo accounts, or resets them (password, name, failure count) to the printed
/// values, with the terms of use of their portal accepted (but [`DEMO_TERMS_NOT_ACCEPTED`]):
/// running it twice gives the same database.
pub async fn seed(db: &Db) -> anyhow::Result<()> {
    seed_accounts(db, DEMO_ACCOUNTS).await?;
    let now = crate::state::system_clock()();
    for a in DEMO_ACCOUNTS {
        let Some(terms) = sesame_core::PortalConfig::preset(a.portal).and_then(|p| p.terms) else {
            continue;
        };
        if DEMO_TERMS_NOT_ACCEPTED.contains(&(a.portal, a.identifier)) {
            db::forget_terms(db, a.portal, a.identifier).await?;
        } else {
            db::accept_terms(db, a.portal, a.identifier, &terms.version, now).await?;
        }
    }
    for h in DEMO_CPS_HOLDERS {
        db::upsert_cps_holder(db, h.portal, h.national_id, h.identifier)
            .await
            .with_context(|| format!("cannot link the demo card holder {}", h.name))?;
    }
    for l in DEMO_OIDC_LINKS {
        db::upsert_oidc_account(db, l.provider, l.subject, l.portal, l.identifier)
            .await
            .with_context(|| format!("cannot link the demo identity {}", l.subject))?;
    }
    Ok(())
}

/// The demo's invitations, made anew ([`DEMO_INVITATIONS`]): needs the state, for the links
/// and the senders. A portal the server does not run is skipped.
pub async fn seed_invitations(state: &crate::AppState) -> anyhow::Result<()> {
    for i in DEMO_INVITATIONS {
        let Some(portal) = sesame_core::PortalId::new(i.portal)
            .ok()
            .and_then(|id| state.portal(&id))
            .cloned()
        else {
            continue;
        };
        let new = crate::account::NewAccount {
            identifier: i.identifier.to_owned(),
            display_name: i.display_name.to_owned(),
            email: i.email.to_owned(),
            phone: Some(i.phone.to_owned()),
        };
        crate::account::reinvite(state, &portal, new)
            .await
            .with_context(|| format!("cannot seed the invitation {}/{}", i.portal, i.identifier))?;
    }
    Ok(())
}

/// The text printed at start: the URL and the demo accounts, with those of the portals loaded
/// from configuration files (`extra`, `SESAME_PORTALS`).
pub fn banner(url: &str, extra: &[sesame_core::PortalConfig]) -> String {
    let mut out = format!(
        "Sésame demo portal: {url}\n\nDemo accounts (one-time codes by SMS or e-mail arrive in \
         {url}/demo/outbox):\n"
    );
    let loaded = |a: &&DemoAccount| extra.iter().any(|p| p.id.as_str() == a.portal);
    let rows = std::iter::once(["portal", "identifier", "password", "name"]).chain(
        DEMO_ACCOUNTS
            .iter()
            .chain(SAMPLE_ACCOUNTS.iter().filter(loaded))
            .map(|a| [a.portal, a.identifier, a.password, a.display_name]),
    );
    for [portal, id, pw, name] in rows {
        out.push_str(&format!("  {portal:<10} {id:<14} {pw:<24} {name}\n"));
    }
    for i in DEMO_INVITATIONS {
        out.push_str(&format!(
            "  {:<10} {:<14} {:<24} {} (invited: set the password through the \"Définir mon \
             mot de passe\" e-mail in {url}/demo/outbox)\n",
            i.portal, i.identifier, "-", i.display_name
        ));
    }
    for (portal, identifier) in DEMO_TERMS_NOT_ACCEPTED {
        out.push_str(&format!(
            "  ({portal}/{identifier} has not accepted the terms of use yet: its login asks)\n"
        ));
    }
    out.push_str(
        "\nSign-ups (Entr'Actes) and invitations: `sesame-demo signup|invite PORTAL IDENTIFIER \
         NAME EMAIL [PHONE]`\n",
    );
    if !extra.is_empty() {
        out.push_str("\nPortals from SESAME_PORTALS:");
        for p in extra {
            out.push_str(&format!(" {}", p.id));
        }
        out.push('\n');
    } else {
        out.push_str(
            "\nA sixth portal from its own configuration: SESAME_PORTALS=demo/portals/example.json \
             (ceviane)\n",
        );
    }
    for h in DEMO_CPS_HOLDERS {
        out.push_str(&format!(
            "\nCPS card (test CA, SoftHSM2 token from `cargo xtask setup`, PIN 1234): {} \
             (RPPS {}) opens {}/{}\n",
            h.name, h.rpps, h.portal, h.identifier
        ));
    }
    out.push_str(
        "\nPro Santé Connect and ESEA (the local OpenID provider of `cargo xtask demo`):\n",
    );
    for l in DEMO_OIDC_LINKS {
        let name = if l.provider == "psc" {
            "Pro Santé Connect"
        } else {
            "ESEA"
        };
        out.push_str(&format!(
            "  {:<10} {:<14} {name}: {}\n",
            l.portal, l.identifier, l.how
        ));
    }
    out
}
