//! The journeys of issue 7 — one-time codes as a second step after the password — each in
//! Chromium then Firefox, against a demo portal started here with a fresh database. The code
//! step is used with the keyboard only (Tab to the field, type, Enter); codes come from an
//! authenticator app computed here or from the demo's outbox (`sesame_e2e::codes`). Run through
//! `cargo xtask test` (it builds the widget first).

use anyhow::{ensure, Context, Result};
use sesame_core::otp::{CodeProblem, OtpChannel};
use sesame_core::{AssuranceLevel, ErrorCode, Lang, Method, PortalConfig, Step};
use sesame_e2e::codes::{self, App};
use sesame_e2e::harness::{in_each_browser, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};

const PAACO: &str = "paaco";
const SPICO: &str = "spico";
const NEXUS: &str = "nexus";
const ENTRACTES: &str = "entractes";

/// Core's preset `id`.
fn preset(id: &str) -> Result<PortalConfig> {
    PortalConfig::preset(id).with_context(|| format!("core has the {id} preset"))
}

/// The steps of `method` on `config`, which core says give a strong session.
fn strong_steps(config: &PortalConfig, method: Method) -> Result<Vec<Step>> {
    let steps = journey::steps(config, method)?;
    ensure!(
        Step::assurance(&steps) == AssuranceLevel::Strong,
        "core: {} by {} ({steps:?}) is strong",
        config.id.as_str(),
        method.as_str()
    );
    Ok(steps)
}

/// Jeanne, on PAACO, chooses the login / one-time code method and logs in with her password;
/// her account has no authenticator app yet, so the page shows its QR code and its secret in
/// groups of four. She types the secret into her app (computed here, with core's PAACO
/// period), types the app's code as people copy it ("123 456", with a space), and gets a strong
/// session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paaco_app_enrolled_from_the_page_gives_a_strong_session() {
    in_each_browser("otp-paaco-app", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        let paaco = preset(PAACO)?;
        let steps = strong_steps(&paaco, Method::Otp)?;
        journey::open(s, portal, &format!("/?preset={PAACO}")).await?;
        journey::log_in_for(s, Method::Otp, &jeanne).await?;

        s.wait_for(&sel::ENROL_QR)
            .await
            .context("the enrolment shows the QR code")?;
        let shown = s
            .wait_for_text(&sel::ENROL_SECRET, |t| !t.trim().is_empty())
            .await
            .context("the enrolment shows the secret")?;
        s.wait_for(&sel::CODE).await?;
        s.check_accessibility("the enrolment screen").await?;

        let app = App::set_up(&shown, &paaco)?;
        journey::enter_code(s, &codes::with_a_space(&app.code_now()?)).await?;
        journey::expect_session_after(s, &jeanne, &steps).await
    })
    .await;
}

/// Marie, on SPICO, chooses the one-time code method, logs in with her password, asks for her
/// code by e-mail, reads it in her mailbox (the demo's outbox, at her seed address) and types
/// it: a strong session, and the services the page greyed for a password alone are open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spico_code_by_email_opens_the_strong_services() {
    in_each_browser("otp-spico-email", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        let spico = preset(SPICO)?;
        let steps = strong_steps(&spico, Method::Otp)?;
        journey::open(s, portal, &format!("/?preset={SPICO}")).await?;
        journey::log_in_for(s, Method::Otp, &marie).await?;
        let code = journey::receive_code(s, portal, &spico, &marie, OtpChannel::Email).await?;
        journey::enter_code(s, &code).await?;
        journey::expect_session_after(s, &marie, &steps).await?;
        journey::expect_strong_services_open(s).await
    })
    .await;
}

/// Dr Benali, on Entr'Actes, logs in with his identifier and password (the proof of work of
/// its "not a robot" step solved meanwhile by the widget), then asks for his verification code
/// by SMS, reads it on his phone (the demo's
/// outbox, at his seed number) and types it: a strong session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entractes_password_then_sms_code() {
    in_each_browser("otp-entractes-sms", async |s: &Session, portal: &Portal| {
        let karim = journey::account(ENTRACTES);
        let entractes = preset(ENTRACTES)?;
        let steps = strong_steps(&entractes, Method::Password)?;
        journey::open(s, portal, &format!("/?preset={ENTRACTES}")).await?;
        journey::log_in_for(s, Method::Password, &karim).await?;
        let code = journey::receive_code(s, portal, &entractes, &karim, OtpChannel::Sms).await?;
        journey::enter_code(s, &code).await?;
        journey::expect_session_after(s, &karim, &steps).await
    })
    .await;
}

/// Paul, on Nexus (code by e-mail, sent at once), mistypes: a code with letters is explained
/// at once and sends nothing; a wrong code gets core's generic answer; the form stays usable
/// and the right code then opens a strong session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_malformed_code_is_explained_and_the_form_stays_usable() {
    in_each_browser("otp-wrong-code", async |s: &Session, portal: &Portal| {
        let paul = journey::account(NEXUS);
        let nexus = preset(NEXUS)?;
        let steps = strong_steps(&nexus, Method::Otp)?;
        journey::open(s, portal, &format!("/?preset={NEXUS}")).await?;
        journey::log_in_for(s, Method::Otp, &paul).await?;
        let code = journey::receive_code(s, portal, &nexus, &paul, OtpChannel::Email).await?;

        // Letters: refused before sending anything.
        journey::hold_requests(s).await?;
        journey::enter_code(s, "12ab").await?;
        let not_digits = visible(&CodeProblem::NotDigits.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&not_digits))
            .await
            .context("a code with letters is explained")?;
        let held = journey::held_requests(s).await?;
        ensure!(
            held.is_empty(),
            "a code with letters is not sent; sent: {held:?}"
        );
        journey::release_requests(s).await?;
        s.check_accessibility("the code with letters").await?;

        // A wrong code: the generic answer; the form is offered again.
        journey::enter_code(s, &codes::wrong_code(&code)).await?;
        let invalid = visible(ErrorCode::InvalidCode.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&invalid))
            .await
            .context("a wrong code gets the generic answer")?;
        ensure!(
            journey::aria_disabled(s, &sel::CODE_SUBMIT)
                .await?
                .is_none(),
            "the code step's button is offered again after a wrong code"
        );
        ensure!(
            !journey::session_shown(s).await?,
            "no session after a wrong code"
        );
        s.check_accessibility("the wrong code").await?;

        // The same form, the right code.
        journey::enter_code(s, &code).await?;
        journey::expect_session_after(s, &paul, &steps).await
    })
    .await;
}
