//! The journeys of issue 14 — the account around the login — each in Chromium then Firefox,
//! against a demo portal started here with a fresh database: SPICO's first login from the
//! e-mailed link to a session after the terms (keyboard only), a forgotten password to a new
//! one, links that expired, and Entr'Actes' sign-up confirmed by the SMS code. E-mails and SMS
//! are read in the demo's outbox; every expected text comes from core or the widget's texts.
//! Each screen is screenshot at 360 and 1280 px (`target/e2e-screenshots/`).

use anyhow::{bail, ensure, Context, Result};
use fantoccini::key::Key;
use serde_json::{json, Value};
use sesame_core::{ErrorCode, Lang};
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS, DEMO_INVITATIONS, DEMO_TERMS_NOT_ACCEPTED};
use sesame_e2e::codes;
use sesame_e2e::harness::{in_each_browser, visible, Portal, Session};
use sesame_e2e::journey::{self, sel, API};
use sesame_widget::dom::{self, action, class, field, form, widget};
use sesame_widget::texts::T;
use std::time::{Duration, Instant};

const SPICO: &str = "spico";
const ENTRACTES: &str = "entractes";

/// A new password SPICO's rules accept (12+, upper, lower, digit, an allowed special).
const NEW_PASSWORD: &str = "Soins-Occitanie-2031";

/// How long an e-mail may take to reach the outbox (it is sent after the answer).
const MAIL_WAIT: Duration = Duration::from_secs(10);

fn set_password_form() -> String {
    widget(&dom::form(form::SET_PASSWORD))
}

fn new_password_field() -> String {
    widget(&format!(
        "{} {}",
        dom::form(form::SET_PASSWORD),
        dom::field(field::NEW_PASSWORD)
    ))
}

fn notice() -> String {
    widget(&dom::class(class::NOTICE))
}

/// Screenshots of the screen as it is, at 360 px then 1280 px wide, each checked for
/// accessibility; `focus` (a selector) is scrolled into view first.
async fn look_at(s: &Session, name: &str, focus: &str) -> Result<()> {
    for (width, suffix) in [(360, "-360"), (1280, "-1280")] {
        s.resize(width, 900).await?;
        s.scroll_to(focus).await?;
        s.check_accessibility(&format!("{name} at {width} px"))
            .await?;
        s.screenshot(&format!("{name}{suffix}")).await?;
    }
    Ok(())
}

/// The newest link e-mailed to `to` after `before` messages: the address as written in the
/// message (the page a person's click opens), waited for like an e-mail.
async fn mailed_link(portal: &Portal, to: &str, before: usize) -> Result<String> {
    let start = Instant::now();
    loop {
        let messages = codes::outbox(portal, to).await?;
        if messages.len() > before {
            if let Some(url) = messages.iter().find_map(link_in) {
                return Ok(url);
            }
        }
        if start.elapsed() > MAIL_WAIT {
            bail!("no link e-mailed to {to} within {MAIL_WAIT:?}: {messages:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The link's address in a message's text.
fn link_in(message: &Value) -> Option<String> {
    let body = message["body"].as_str()?;
    body.split_whitespace()
        .find(|word| word.starts_with("http") && word.contains("#sesame-link="))
        .map(str::to_owned)
}

/// How many messages the outbox holds for `to`.
async fn outbox_count(portal: &Portal, to: &str) -> Result<usize> {
    Ok(codes::outbox(portal, to).await?.len())
}

/// Lets the links of `identifier` expire, as days passing would: their stored expiry moved to
/// the past.
async fn expire_links(portal: &Portal, identifier: &str) -> Result<()> {
    let db = sesame_demo::db::connect(portal.database_url()).await?;
    let moved = sqlx::query("UPDATE account_links SET expires_at = 1 WHERE identifier = $1")
        .bind(identifier)
        .execute(&db)
        .await?
        .rows_affected();
    ensure!(moved > 0, "no link of {identifier} to expire");
    db.close().await;
    Ok(())
}

/// Opens `url` (an e-mailed link) and waits for the widget to show `css`.
async fn open_link(s: &Session, url: &str, css: &str) -> Result<()> {
    s.goto(url).await?;
    s.wait_for(css).await.context("the link's screen")?;
    let address = s.client.current_url().await?;
    ensure!(
        address.fragment().is_none(),
        "the token left the address bar: {address}"
    );
    Ok(())
}

/// Sophie, invited to SPICO, opens the e-mail's "Définir mon mot de passe" link and does
/// everything with the keyboard: Tab to the new password, types it while the checklist turns
/// green, Enter; the login form comes back with her identifier filled in and the password
/// field focused; she types it, Enter; the terms of use are asked before the session opens
/// (the page hears of no login yet); she Tabs to "J'accepte", Enter: logged in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spico_first_login_from_the_e_mail_to_a_session_after_the_terms() {
    in_each_browser(
        "account-first-login",
        async |s: &Session, portal: &Portal| {
            let sophie = DEMO_INVITATIONS[0];
            ensure!(sophie.portal == SPICO, "the demo's invitation is on SPICO");
            // The seed sent her two e-mails: the identifier, and the link.
            let mails = codes::outbox(portal, sophie.email).await?;
            ensure!(
                mails.iter().any(|m| m["body"]
                    .as_str()
                    .is_some_and(|b| b.contains(sophie.identifier))),
                "an e-mail gives the identifier: {mails:?}"
            );
            let url = mailed_link(portal, sophie.email, 0).await?;
            open_link(s, &url, &set_password_form()).await?;
            s.wait_for_text(&set_password_form(), |t| {
                t.contains(&visible(T::SetPassword.get(Lang::Fr)))
            })
            .await?;
            ensure!(
                !s.exists(&widget(&dom::field(field::CURRENT_PASSWORD)))
                    .await?,
                "no current password is asked with a link"
            );
            look_at(s, "set-password", &set_password_form()).await?;

            s.tab_to(&new_password_field(), 20).await?;
            s.keys(NEW_PASSWORD).await?;
            let checklist_met =
                format!(r#"{} li[data-met="false"]"#, dom::form(form::SET_PASSWORD));
            s.wait_until("every rule met", async || {
                Ok((!s.exists(&widget(&checklist_met)).await?).then_some(()))
            })
            .await?;
            look_at(s, "set-password-met", &set_password_form()).await?;
            s.press(Key::Enter).await?;

            s.wait_for_text(&notice(), |t| {
                t.contains(&visible(T::PasswordSet.get(Lang::Fr)))
            })
            .await
            .context("the widget says the password is set")?;
            s.wait_until("the identifier filled in", async || {
                let value = s.wait_for(&sel::IDENTIFIER).await?.prop("value").await?;
                Ok((value.as_deref() == Some(sophie.identifier)).then_some(()))
            })
            .await?;
            s.wait_until("the password field focused", async || {
                Ok(s.focus_is(&sel::PASSWORD).await?.then_some(()))
            })
            .await?;
            look_at(s, "password-set", &sel::PASSWORD_FORM).await?;
            s.keys(NEW_PASSWORD).await?;
            s.press(Key::Enter).await?;

            let terms = widget(&dom::class(class::TERMS));
            s.wait_for_text(&terms, |t| {
                t.contains(&visible(T::TermsIntro.get(Lang::Fr)))
            })
            .await
            .context("the terms are asked before the session opens")?;
            ensure!(
                !journey::session_shown(s).await?,
                "the page heard of no login while the terms wait"
            );
            look_at(s, "terms", &terms).await?;
            s.tab_to(&widget(&dom::action(action::ACCEPT_TERMS)), 20)
                .await?;
            s.press(Key::Enter).await?;
            let who = DemoAccount {
                portal: SPICO,
                identifier: sophie.identifier,
                password: NEW_PASSWORD,
                display_name: sophie.display_name,
                phone: sophie.phone,
                email: sophie.email,
            };
            journey::expect_session(s, &who).await?;
            ensure!(!s.exists(&terms).await?, "the terms are gone once accepted");

            // The link is spent: opened again, it says so.
            s.click(&sel::LOGOUT).await?;
            journey::widget_ready(s).await?;
            open_link(s, &url, &widget(&dom::class(class::JOURNEY))).await?;
            let used = visible(ErrorCode::LinkUsed.text(Lang::Fr));
            s.wait_for_text(&sel::ERROR, |t| t.contains(&used)).await?;
            s.check_accessibility("a used link").await
        },
    )
    .await;
}

/// Marie forgot her SPICO password: "Mot de passe oublié ?" opens the widget's own form, she
/// types her identifier and is told an e-mail is on its way (whatever the account); the
/// e-mail's link sets a new password; she logs in with it, and the old one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_password_to_a_new_password_and_a_login_with_it() {
    in_each_browser(
        "account-forgot-password",
        async |s: &Session, portal: &Portal| {
            let marie = journey::account(SPICO);
            journey::open(s, portal, &format!("/?preset={SPICO}")).await?;
            journey::open_password_form(s).await?;
            let before = outbox_count(portal, marie.email).await?;
            s.click(&widget(&dom::action(action::FORGOT_PASSWORD)))
                .await?;
            let forgot = widget(&dom::form(form::FORGOT));
            s.wait_for(&forgot).await?;
            let field = widget(&format!(
                "{} {}",
                dom::form(form::FORGOT),
                dom::field(field::IDENTIFIER)
            ));
            s.wait_until("the field focused", async || {
                Ok(s.focus_is(&field).await?.then_some(()))
            })
            .await?;
            look_at(s, "forgot", &forgot).await?;
            s.keys(marie.identifier).await?;
            s.press(Key::Enter).await?;
            let on_its_way = visible(T::MailOnItsWay.get(Lang::Fr));
            s.wait_for_text(&sel::SUCCESS, |t| t.contains(&on_its_way))
                .await?;
            look_at(s, "forgot-sent", &sel::SUCCESS).await?;

            let url = mailed_link(portal, marie.email, before).await?;
            open_link(s, &url, &set_password_form()).await?;
            s.fill(&new_password_field(), NEW_PASSWORD).await?;
            s.click(&widget(&format!(
                r#"{} button[type="submit"]"#,
                dom::form(form::SET_PASSWORD)
            )))
            .await?;
            s.wait_for_text(&notice(), |t| {
                t.contains(&visible(T::PasswordSet.get(Lang::Fr)))
            })
            .await?;
            s.fill(&sel::PASSWORD, NEW_PASSWORD).await?;
            s.click(&sel::SUBMIT).await?;
            journey::expect_session(s, &marie).await?;

            // The old password no longer opens the account.
            s.click(&sel::LOGOUT).await?;
            journey::widget_ready(s).await?;
            journey::log_in(s, marie.identifier, marie.password).await?;
            let refused = visible(ErrorCode::InvalidCredentials.text(Lang::Fr));
            s.wait_for_text(&sel::ERROR, |t| t.contains(&refused))
                .await
                .context("the old password is refused")?;
            s.check_accessibility("the old password refused").await?;

            // "Identifiant oublié ?": her address, and her identifier arrives by e-mail.
            let before = outbox_count(portal, marie.email).await?;
            s.click(&widget(&dom::action(action::FORGOT_IDENTIFIER)))
                .await?;
            let email = widget(&format!(
                "{} {}",
                dom::form(form::FORGOT),
                dom::field(field::EMAIL)
            ));
            s.wait_until("the address field focused", async || {
                Ok(s.focus_is(&email).await?.then_some(()))
            })
            .await?;
            s.check_accessibility("the forgotten-identifier form")
                .await?;
            s.keys(marie.email).await?;
            s.press(Key::Enter).await?;
            s.wait_for_text(&sel::SUCCESS, |t| t.contains(&on_its_way))
                .await?;
            let start = Instant::now();
            loop {
                let mails = codes::outbox(portal, marie.email).await?;
                if mails.len() > before {
                    let body = mails[0]["body"].as_str().unwrap_or_default();
                    ensure!(
                        body.contains(marie.identifier),
                        "the e-mail gives the identifier: {body}"
                    );
                    break;
                }
                ensure!(start.elapsed() < MAIL_WAIT, "no identifier e-mailed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            s.click(&widget(&dom::action(action::BACK_TO_LOGIN)))
                .await?;
            journey::widget_ready(s).await?;
            s.check_accessibility("back at the login").await
        },
    )
    .await;
}

/// Luc has not accepted SPICO's terms yet: after his password they are asked; he declines:
/// no session, and the widget says why and how to get in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_the_terms_leaves_no_session() {
    in_each_browser(
        "account-terms-declined",
        async |s: &Session, portal: &Portal| {
            let (portal_id, identifier) = DEMO_TERMS_NOT_ACCEPTED[0];
            let luc = DEMO_ACCOUNTS
                .into_iter()
                .find(|a| a.portal == portal_id && a.identifier == identifier)
                .context("the seed's account without the terms")?;
            journey::open(s, portal, &format!("/?preset={portal_id}")).await?;
            journey::log_in(s, luc.identifier, luc.password).await?;
            let terms = widget(&dom::class(class::TERMS));
            s.wait_for(&terms).await?;
            s.check_accessibility("the terms").await?;
            s.click(&widget(&dom::action(action::DECLINE_TERMS)))
                .await?;
            s.wait_for_text(&notice(), |t| {
                t.contains(&visible(T::TermsDeclined.get(Lang::Fr)))
            })
            .await?;
            journey::widget_ready(s).await?;
            ensure!(
                !journey::session_shown(s).await?,
                "no session after declining"
            );
            look_at(s, "terms-declined", &notice()).await?;
            // The portal ended it too: a reload finds none.
            s.goto(&portal.url(&format!("/?preset={portal_id}")))
                .await?;
            journey::widget_ready(s).await?;
            ensure!(
                !s.exists(&terms).await? && !journey::session_shown(s).await?,
                "the declined session is gone on the server"
            );
            s.check_accessibility("reloaded after declining").await
        },
    )
    .await;
}

/// Links that expired say so plainly: a first login's (SPICO, as its guide says: call
/// support) with the support contact, a reset's with "Recevoir un nouveau lien", which opens
/// the forgotten-password form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_link_says_so_and_offers_what_to_do() {
    in_each_browser(
        "account-expired-link",
        async |s: &Session, portal: &Portal| {
            let sophie = DEMO_INVITATIONS[0];
            let url = mailed_link(portal, sophie.email, 0).await?;
            expire_links(portal, sophie.identifier).await?;
            let journey_box = widget(&dom::class(class::JOURNEY));
            open_link(s, &url, &journey_box).await?;
            let expired = visible(ErrorCode::LinkExpired.text(Lang::Fr));
            s.wait_for_text(&sel::ERROR, |t| t.contains(&expired))
                .await?;
            ensure!(
                !s.exists(&widget(&dom::action(action::NEW_LINK))).await?,
                "a first login's expired link sends to support, not to a new link"
            );
            s.wait_for(&widget(".sesame-support")).await?;
            look_at(s, "expired-first-login", &journey_box).await?;
            s.click(&widget(&dom::action(action::BACK_TO_LOGIN)))
                .await?;
            journey::widget_ready(s).await?;

            // A reset link, expired.
            let marie = journey::account(SPICO);
            let before = outbox_count(portal, marie.email).await?;
            let (status, body) = portal
                .post_json(
                    &format!("{API}{}", sesame_core::api::paths::ACCOUNT_FORGOT_PASSWORD),
                    &json!({"portal": SPICO, "identifier": marie.identifier}),
                )
                .await?;
            ensure!(status.as_u16() == 202, "forgot-password: {status} {body}");
            let url = mailed_link(portal, marie.email, before).await?;
            expire_links(portal, marie.identifier).await?;
            open_link(s, &url, &journey_box).await?;
            s.wait_for_text(&sel::ERROR, |t| t.contains(&expired))
                .await?;
            let new_link = widget(&dom::action(action::NEW_LINK));
            s.wait_for(&new_link).await?;
            look_at(s, "expired-reset", &journey_box).await?;
            s.click(&new_link).await?;
            s.wait_for(&widget(&dom::form(form::FORGOT))).await?;
            s.check_accessibility("the forgotten-password form from an expired link")
                .await
        },
    )
    .await;
}

/// A new Entr'Actes member confirms the sign-up: the e-mail's link asks for the 4-digit code
/// sent by SMS (where it went, masked); a wrong code is refused, the right one confirms, and
/// the first-login e-mail follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entractes_sign_up_confirmed_with_the_sms_code() {
    in_each_browser("account-signup", async |s: &Session, portal: &Portal| {
        let (email, phone) = ("lea.martin@exemple.fr", "06 98 76 54 32");
        let (status, body) = portal
            .post_json(
                &format!("{API}/demo/signup"),
                &json!({"portal": ENTRACTES, "identifier": "54321",
                        "display_name": "Léa Martin", "email": email, "phone": phone}),
            )
            .await?;
        ensure!(status.as_u16() == 201, "sign-up: {status} {body}");
        let url = mailed_link(portal, email, 0).await?;
        let signup = widget(&dom::form(form::SIGNUP));
        open_link(s, &url, &signup).await?;
        s.wait_for_text(&sel::CODE_DESTINATION, |t| t.contains("32"))
            .await?;
        look_at(s, "signup", &signup).await?;
        let code = codes::outbox(portal, phone)
            .await?
            .first()
            .and_then(|m| m["code"].as_str().map(str::to_owned))
            .context("the SMS code")?;
        let code_field = widget(&format!(
            "{} {}",
            dom::form(form::SIGNUP),
            dom::field(field::CODE)
        ));
        s.fill(&code_field, &codes::wrong_code(&code)).await?;
        s.press(Key::Enter).await?;
        let wrong = visible(ErrorCode::InvalidCode.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&wrong)).await?;
        s.check_accessibility("a wrong sign-up code").await?;
        let before = outbox_count(portal, email).await?;
        s.fill(&code_field, &code).await?;
        s.press(Key::Enter).await?;
        let done = visible(T::SignupDone.get(Lang::Fr));
        s.wait_for_text(&sel::SUCCESS, |t| t.contains(&done))
            .await?;
        look_at(s, "signup-done", &sel::SUCCESS).await?;
        mailed_link(portal, email, before)
            .await
            .context("the first-login e-mail follows the confirmation")?;
        Ok(())
    })
    .await;
}
