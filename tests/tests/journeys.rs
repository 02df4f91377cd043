//! The journeys of issue 2, each in Chromium then Firefox, against a demo portal started here
//! with a fresh database. Run through `cargo xtask test` (it builds the widget first).

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use fantoccini::Locator;
use sesame_core::{AssuranceLevel, ErrorCode, Lang, Method, PortalConfig};
use sesame_e2e::harness::{in_each_browser, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};
use std::io::{Read, Write};

const SPICO: &str = "spico";

/// The harness itself: both browsers start, reach the portal and show the demo page. When this
/// fails, the problem is the machine or the harness, not the widget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_reach_the_demo_page() {
    in_each_browser("demo-page", async |s: &Session, portal: &Portal| {
        s.goto(&portal.url("/")).await?;
        s.wait_for(sel::PRESET).await?;
        s.wait_for("sesame-login").await?;
        // Chromium's log endpoint answers (an empty log is fine here).
        s.console_log().await?;
        Ok(())
    })
    .await;
}

/// A newcomer opens the demo, picks SPICO, logs in with a password, and sees who they are, how
/// they logged in, how strongly, and a service greyed out because it needs strong
/// authentication, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newcomer_logs_in_and_sees_the_session() {
    in_each_browser("newcomer", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        s.goto(&portal.url("/")).await?;
        journey::choose_preset(s, SPICO).await?;
        journey::log_in(s, marie.identifier, marie.password).await?;
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
        Ok(())
    })
    .await;
}

/// A wrong password shows the one generic error, in French, and no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_shows_the_generic_error() {
    in_each_browser("wrong-password", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        s.goto(&portal.url("/")).await?;
        journey::choose_preset(s, SPICO).await?;
        journey::log_in(s, marie.identifier, "Pas-le-bon-2026!").await?;
        let expected = visible(ErrorCode::InvalidCredentials.text(Lang::Fr));
        s.wait_for_text(sel::ERROR, |t| t.contains(&expected))
            .await?;
        ensure!(
            !journey::session_shown(s).await?,
            "no session after a wrong password"
        );
        Ok(())
    })
    .await;
}

/// A new password containing `:` is refused with the rule shown; the old password still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_character_in_new_password_is_refused() {
    in_each_browser("change-password", async |s: &Session, portal: &Portal| {
        let marie = journey::account(SPICO);
        s.goto(&portal.url("/")).await?;
        journey::choose_preset(s, SPICO).await?;
        journey::log_in(s, marie.identifier, marie.password).await?;
        journey::expect_session(s, &marie).await?;

        s.click(sel::CHANGE_PASSWORD).await?;
        s.wait_for(sel::CHANGE_FORM).await?;
        s.fill(sel::CURRENT_PASSWORD, marie.password).await?;
        s.fill(sel::NEW_PASSWORD, "Nouveau:Passe-2026!").await?;
        let forbidden = r#"sesame-login ul.sesame-rules > li[data-rule="forbidden"]"#;
        s.wait_for(&format!(r#"{forbidden}[data-met="false"]"#))
            .await?;
        s.wait_for_text(forbidden, |t| t.contains(&visible("«\u{a0}:\u{a0}»")))
            .await?;
        s.scroll_to(forbidden).await?;
        s.screenshot("checklist").await?;
        s.resize(360, 800).await?;
        s.scroll_to(forbidden).await?;
        s.screenshot("checklist-360").await?;
        s.resize(1280, 800).await?;

        let submit = s.wait_for(sel::CHANGE_SUBMIT).await?;
        if submit.is_enabled().await? {
            submit.click().await?;
            s.wait_for(sel::ERROR)
                .await
                .context("the server's refusal is shown")?;
        }
        ensure!(
            !s.exists(sel::SUCCESS).await?,
            "no success message for a refused password"
        );

        // The checklist follows typing: without the `:` the rule is met.
        s.fill(sel::NEW_PASSWORD, "Nouveau-Passe-2026!").await?;
        s.wait_for(&format!(r#"{forbidden}[data-met="true"]"#))
            .await?;

        // The old password still opens the account.
        s.click(sel::LOGOUT).await?;
        s.wait_until("the session ends", async || {
            Ok((!journey::session_shown(s).await?).then_some(()))
        })
        .await?;
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
        s.goto(&portal.url(&format!("/?preset={SPICO}"))).await?;
        journey::open_password_form(s).await?;
        s.tab_to(sel::IDENTIFIER, 15).await?;
        s.keys(marie.identifier).await?;
        s.press(Key::Tab).await?;
        ensure!(
            s.focus_is(sel::PASSWORD).await?,
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
        let csp = response_header(portal, "/", "content-security-policy")?
            .context("the page is served with a Content-Security-Policy")?;
        ensure!(
            csp == sesame_demo::security_headers::CONTENT_SECURITY_POLICY,
            "unexpected CSP: {csp}"
        );
        ensure!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );

        s.goto(&portal.url("/")).await?;
        journey::choose_preset(s, SPICO).await?;
        journey::open_password_form(s).await?;
        s.wait_for(sel::IDENTIFIER).await?;
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

/// A raw HTTP/1.1 GET, to read one response header (WebDriver cannot see headers).
fn response_header(portal: &Portal, path: &str, name: &str) -> Result<Option<String>> {
    let mut stream = std::net::TcpStream::connect(portal.addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        portal.addr
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    Ok(head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    }))
}

/// Every seed portal, one after the other in the same page, as a demo visitor would go through
/// them: the preset switcher shows the portal in its own words (name, the password method's
/// label and notice), its demo account logs in, and logging out brings back the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_logs_in_with_its_demo_account() {
    in_each_browser("every-preset", async |s: &Session, portal: &Portal| {
        s.goto(&portal.url("/")).await?;
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
            let form = visible(&s.wait_for(sel::PASSWORD_FORM).await?.text().await?);
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
            journey::expect_session(s, &account).await?;
            s.click(sel::LOGOUT).await?;
            s.wait_for(sel::PASSWORD_FORM)
                .await
                .with_context(|| format!("{id}: the form again after logout"))?;
        }
        Ok(())
    })
    .await;
}
