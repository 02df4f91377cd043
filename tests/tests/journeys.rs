//! The journeys of issue 2 (the one-time code journeys of issue 7 are in `one_time_codes.rs`),
//! each in Chromium then Firefox, against a demo portal started here
//! with a fresh database. Run through `cargo xtask test` (it builds the widget first).

use anyhow::{ensure, Context};
use fantoccini::key::Key;
use fantoccini::Locator;
use sesame_core::api::paths;
use sesame_core::otp::OtpChannel;
use sesame_core::{AssuranceLevel, ErrorCode, Lang, Method, PortalConfig, Step};
use sesame_e2e::harness::{in_each_browser, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};

const SPICO: &str = "spico";

/// The harness itself: both browsers start, reach the portal and show the demo page, and the
/// accessibility check runs under the page's CSP and catches a violation. When this fails, the
/// problem is the machine or the harness, not the widget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_reach_the_demo_page() {
    in_each_browser("demo-page", async |s: &Session, portal: &Portal| {
        journey::open(s, portal, "/").await?;
        s.wait_for(&sel::PRESET).await?;
        // Chromium's log endpoint answers (an empty log is fine here).
        s.console_log().await?;

        // An image without a text alternative: axe must name the rule and the element.
        s.client
            .execute(
                "const img = document.createElement('img'); img.id = 'e2e-no-alt'; \
                 img.src = '/favicon.ico'; document.body.append(img);",
                vec![],
            )
            .await?;
        let caught = s
            .check_accessibility("an image without alt, on purpose")
            .await
            .err()
            .context("axe-core let an image without alt pass")?;
        let caught = format!("{caught:#}");
        eprintln!("caught on purpose: {caught}");
        ensure!(
            caught.contains("image-alt") && caught.contains("#e2e-no-alt"),
            "the violation names neither the rule nor the element: {caught}"
        );
        s.client
            .execute("document.getElementById('e2e-no-alt').remove();", vec![])
            .await?;
        s.check_accessibility("the demo page again").await
    })
    .await;
}

/// A newcomer opens the demo, picks SPICO, logs in with a password, and sees who they are, how
/// they logged in, how strongly, and a service greyed out because it needs strong
/// authentication, saying why. While the login is on its way the button says so
/// (`aria-disabled`), and pressing it again sends nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newcomer_logs_in_and_sees_the_session() {
    in_each_browser("newcomer", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        journey::open(s, portal, "/").await?;
        journey::choose_preset(s, SPICO).await?;
        journey::fill_login(s, marie.identifier, marie.password).await?;
        ensure!(
            journey::aria_disabled(s, &sel::SUBMIT).await?.is_none(),
            "the login button is offered before anything is sent"
        );

        // The portal's answer is held: the user meets the "submitting" state.
        journey::hold_requests(s).await?;
        s.click(&sel::SUBMIT).await?;
        s.wait_until(
            "the login button is aria-disabled while submitting",
            async || {
                Ok(
                    (journey::aria_disabled(s, &sel::SUBMIT).await?.as_deref() == Some("true"))
                        .then_some(()),
                )
            },
        )
        .await?;
        s.check_accessibility("submitting").await?;
        s.click(&sel::SUBMIT).await?;
        let login = format!("{}{}", journey::API, paths::LOGIN_PASSWORD);
        let held = journey::held_requests(s).await?;
        ensure!(
            held.iter().filter(|u| u.ends_with(&login)).count() == 1,
            "one login request for two presses while submitting, sent: {held:?}"
        );
        journey::release_requests(s).await?;
        journey::expect_session(s, &marie).await?;

        // The method in the portal's own words (core's preset), as the login event labels it.
        let spico = PortalConfig::preset(SPICO).context("core has the SPICO preset")?;
        let label = spico
            .offer(Method::Password)
            .context("SPICO offers passwords")?;
        let method = visible(&s.wait_for("#session-method").await?.text().await?);
        ensure!(
            method.contains(&visible(label.label.get(Lang::Fr))),
            "method shown: {method:?}, expected {:?}",
            label.label.fr
        );
        let weak = Method::Password.assurance();
        let level = visible(&s.wait_for("#session-assurance").await?.text().await?);
        ensure!(
            level.contains(&visible(weak.label(Lang::Fr))),
            "assurance shown: {level:?}, expected {weak:?}"
        );

        ensure!(
            !weak.satisfies(AssuranceLevel::Strong),
            "core: a password alone is not strong"
        );
        let tile = s
            .wait_for(r#".tile[data-requires="strong"][aria-disabled="true"]"#)
            .await
            .context("a service needing strong authentication is greyed out")?;
        let reason = tile
            .find(Locator::Css(".tile-reason"))
            .await?
            .text()
            .await?;
        ensure!(!reason.trim().is_empty(), "the greyed tile says why");
        let open_tiles = s
            .client
            .find_all(Locator::Css(
                r#".tile[data-requires="weak"]:not([aria-disabled="true"])"#,
            ))
            .await?;
        ensure!(
            !open_tiles.is_empty(),
            "a service open at the weak level stays open"
        );
        s.check_accessibility("the services").await
    })
    .await;
}

/// A wrong password shows the one generic error, in French, and no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_shows_the_generic_error() {
    in_each_browser("wrong-password", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        journey::open(s, portal, "/").await?;
        journey::choose_preset(s, SPICO).await?;
        journey::log_in(s, marie.identifier, "Pas-le-bon-2026!").await?;
        let expected = visible(ErrorCode::InvalidCredentials.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&expected))
            .await?;
        ensure!(
            !journey::session_shown(s).await?,
            "no session after a wrong password"
        );
        ensure!(
            journey::aria_disabled(s, &sel::SUBMIT).await?.is_none(),
            "the login button is offered again after the refusal"
        );
        s.check_accessibility("the generic error").await
    })
    .await;
}

/// A new password containing `:` is refused with the rule shown; the old password still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_character_in_new_password_is_refused() {
    in_each_browser("change-password", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        journey::open(s, portal, "/").await?;
        journey::choose_preset(s, SPICO).await?;
        journey::log_in(s, marie.identifier, marie.password).await?;
        journey::expect_session(s, &marie).await?;

        s.click(&sel::CHANGE_PASSWORD).await?;
        s.wait_for(&sel::CHANGE_FORM).await?;
        s.check_accessibility("the change-password form").await?;
        s.fill(&sel::CURRENT_PASSWORD, marie.password).await?;
        s.fill(&sel::NEW_PASSWORD, "Nouveau:Passe-2026!").await?;
        let forbidden = sel::rule(
            sesame_core::password::Rule::Forbidden {
                chars: String::new(),
            }
            .tag(),
        );
        let refused = format!(r#"{forbidden}[data-met="false"]"#);
        s.wait_for(&refused).await?;
        s.wait_for_text(&forbidden, |t| t.contains(&visible("«\u{a0}:\u{a0}»")))
            .await?;
        s.check_accessibility("the checklist refusing `:`").await?;
        s.scroll_to(&forbidden).await?;
        s.screenshot("checklist").await?;
        s.resize(360, 800).await?;
        s.scroll_to(&forbidden).await?;
        s.check_accessibility("the checklist at 360 px").await?;
        s.screenshot("checklist-360").await?;
        s.resize(1280, 800).await?;

        // The button is offered; pressing it shows the refusal and sends nothing.
        ensure!(
            journey::aria_disabled(s, &sel::CHANGE_SUBMIT)
                .await?
                .is_none(),
            "the confirm button is offered before anything is sent"
        );
        journey::hold_requests(s).await?;
        s.click(&sel::CHANGE_SUBMIT).await?;
        let expected = visible(ErrorCode::PasswordRulesNotMet.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&expected))
            .await
            .context("the refusal is shown")?;
        let held = journey::held_requests(s).await?;
        ensure!(
            held.is_empty(),
            "a new password breaking a rule is not sent; sent: {held:?}"
        );
        journey::release_requests(s).await?;
        ensure!(
            journey::aria_disabled(s, &sel::CHANGE_SUBMIT)
                .await?
                .is_none(),
            "the confirm button stays offered after the refusal"
        );
        ensure!(
            s.exists(&refused).await?,
            "the checklist still shows the rule not met"
        );
        ensure!(
            !s.exists(&sel::SUCCESS).await?,
            "no success message for a refused password"
        );
        s.check_accessibility("the refused new password").await?;

        // The checklist follows typing: without the `:` the rule is met.
        s.fill(&sel::NEW_PASSWORD, "Nouveau-Passe-2026!").await?;
        s.wait_for(&format!(r#"{forbidden}[data-met="true"]"#))
            .await?;
        s.check_accessibility("the checklist met").await?;

        // The old password still opens the account.
        s.click(&sel::LOGOUT).await?;
        s.wait_until("the session ends", async || {
            Ok((!journey::session_shown(s).await?).then_some(()))
        })
        .await?;
        s.wait_for(&sel::PASSWORD_FORM).await?;
        s.check_accessibility("logged out").await?;
        journey::log_in(s, marie.identifier, marie.password).await?;
        journey::expect_session(s, &marie).await
    })
    .await;
}

/// The same login with the keyboard only: Tab to the identifier, type, Tab, type, Enter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_login() {
    in_each_browser("keyboard-only", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        // The preset comes from the address (a link), not from a click.
        journey::open(s, portal, &format!("/?preset={SPICO}")).await?;
        journey::open_password_form(s).await?;
        s.tab_to(&sel::IDENTIFIER, 15).await?;
        s.keys(marie.identifier).await?;
        s.press(Key::Tab).await?;
        ensure!(
            s.focus_is(&sel::PASSWORD).await?,
            "Tab after the identifier goes to the password, not to {}",
            s.describe_focus().await?
        );
        s.keys(marie.password).await?;
        s.press(Key::Enter).await?;
        journey::expect_session(s, &marie).await
    })
    .await;
}

/// The page is served under the strict CSP and still works (the form exists: the wasm ran),
/// with no console error in Chromium.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_under_the_strict_csp_without_console_errors() {
    in_each_browser("csp", async |s: &Session, portal: &Portal| {
        let page = portal.get("/").await?;
        ensure!(page.status() == 200, "GET /: {}", page.status());
        let csp = page
            .headers()
            .get("content-security-policy")
            .context("the page is served with a Content-Security-Policy")?
            .to_str()?;
        ensure!(
            csp == sesame_demo::security_headers::CONTENT_SECURITY_POLICY,
            "unexpected CSP: {csp}"
        );
        ensure!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );

        journey::open(s, portal, "/").await?;
        journey::choose_preset(s, SPICO).await?;
        journey::open_password_form(s).await?;
        s.wait_for(&sel::IDENTIFIER).await?;
        if let Some(log) = s.console_log().await? {
            let severe: Vec<String> = log
                .iter()
                .filter(|e| e.level == "SEVERE" && !e.message.contains("favicon.ico"))
                .map(|e| e.message.clone())
                .collect();
            let hint = if severe.iter().any(|m| m.contains("status of 4")) {
                "\n(Chromium logs every 4xx/5xx response as a console error: an expected \
                 answer, such as `GET /api/session` when nobody is logged in, should not be a 4xx)"
            } else {
                ""
            };
            ensure!(
                severe.is_empty(),
                "console errors:\n{}{hint}",
                severe.join("\n")
            );
        }
        Ok(())
    })
    .await;
}

/// Every seed portal, one after the other in the same page, as a demo visitor would go through
/// them: the preset switcher shows the portal in its own words (name, the password method's
/// label and notice), its demo account logs in (through the code step where the password
/// method has one, by SMS), and logging out brings back the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_logs_in_with_its_demo_account() {
    in_each_browser("every-preset", async |s: &Session, portal: &Portal| {
        journey::open(s, portal, "/").await?;
        for id in PortalConfig::PRESET_IDS {
            let config = PortalConfig::preset(id).context("a core preset")?;
            let account = journey::account(id);
            journey::choose_preset(s, id).await?;
            s.wait_for_text("sesame-login section.sesame", |t| {
                t.contains(&visible(&config.name))
            })
            .await
            .with_context(|| format!("{id}: the portal's name"))?;
            journey::open_password_form(s).await?;
            let offer = config.offer(Method::Password).context("offers passwords")?;
            let form = visible(&s.wait_for(&sel::PASSWORD_FORM).await?.text().await?);
            ensure!(
                form.contains(&visible(offer.label.get(Lang::Fr))),
                "{id}: the method's label {:?} in {form:?}",
                offer.label.fr
            );
            if let Some(notice) = &offer.notice {
                ensure!(
                    form.contains(&visible(notice.get(Lang::Fr))),
                    "{id}: the notice {:?}",
                    notice.fr
                );
            }
            journey::log_in(s, account.identifier, account.password).await?;
            // A portal whose password method ends with a code (Entr'Actes): by SMS.
            let steps = journey::steps(&config, Method::Password)?;
            if steps.contains(&Step::Code) {
                let code =
                    journey::receive_code(s, portal, &config, &account, OtpChannel::Sms).await?;
                journey::enter_code(s, &code).await?;
            }
            journey::expect_session_after(s, &account, &steps).await?;
            s.click(&sel::LOGOUT).await?;
            s.wait_for(&sel::PASSWORD_FORM)
                .await
                .with_context(|| format!("{id}: the form again after logout"))?;
            s.check_accessibility(&format!("{id}: logged out")).await?;
        }
        Ok(())
    })
    .await;
}

/// The language switch: on a French page, Enter on "English" brings the English texts (loaded
/// on demand, `sesame-en.json`): the field's label and then a refusal in English, with no
/// failure notice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_brings_english_on_demand() {
    in_each_browser("english", async |s: &Session, portal: &Portal| {
        let karim = journey::account("entractes");
        journey::open(s, portal, "/?preset=entractes").await?;
        let switch = sesame_widget::dom::widget(&sesame_widget::dom::action(
            sesame_widget::dom::action::SWITCH_LANG,
        ));
        s.tab_to(&switch, 30).await?;
        s.press(Key::Enter).await?;
        let label = visible(sesame_widget::texts::T::Password.get(Lang::En));
        s.wait_for_text(&sesame_widget::dom::widget("label"), |t| t.contains(&label))
            .await
            .context("the form in English")?;
        s.check_accessibility("the widget in English").await?;
        journey::log_in(s, karim.identifier, "000000").await?;
        let refused = visible(ErrorCode::InvalidCredentials.text(Lang::En));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&refused))
            .await
            .context("core's refusal in English")?;
        s.check_accessibility("a refusal in English").await
    })
    .await;
}
