//! Steps the journeys share: open the demo on a portal, log in, look at the session. Every
//! expected text comes from `sesame-core` or the demo's seed, never typed here a second time.

use crate::harness::Session;
use anyhow::{bail, ensure, Result};
use fantoccini::Locator;
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};

/// The widget's stable DOM hooks (the contract between widget and tests).
pub mod sel {
    /// The password form.
    pub const PASSWORD_FORM: &str = r#"sesame-login form[data-form="password"]"#;
    /// The chooser button of the password method (shown when several methods work).
    pub const CHOOSE_PASSWORD: &str = r#"sesame-login button[data-method="password"]"#;
    /// Identifier field.
    pub const IDENTIFIER: &str = r#"sesame-login input[name="identifier"]"#;
    /// Password field.
    pub const PASSWORD: &str = r#"sesame-login input[name="password"]"#;
    /// The login form's submit button.
    pub const SUBMIT: &str = r#"sesame-login form[data-form="password"] button[type="submit"]"#;
    /// An error message.
    pub const ERROR: &str = r#"sesame-login [role="alert"].sesame-error"#;
    /// The loader's alert when the WebAssembly cannot load (a direct child of the element).
    pub const LOAD_FAILURE: &str = r#"sesame-login > p[role="alert"]"#;
    /// The widget's session view.
    pub const WIDGET_SESSION: &str = "sesame-login .sesame-session";
    /// Log out.
    pub const LOGOUT: &str = r#"sesame-login button[data-action="logout"]"#;
    /// Open the change-password form.
    pub const CHANGE_PASSWORD: &str = r#"sesame-login button[data-action="change-password"]"#;
    /// The change-password form.
    pub const CHANGE_FORM: &str = r#"sesame-login form[data-form="change-password"]"#;
    /// Current password, in the change-password form.
    pub const CURRENT_PASSWORD: &str = r#"sesame-login input[name="current-password"]"#;
    /// New password, in the change-password form.
    pub const NEW_PASSWORD: &str = r#"sesame-login input[name="new-password"]"#;
    /// The change-password form's submit button.
    pub const CHANGE_SUBMIT: &str =
        r#"sesame-login form[data-form="change-password"] button[type="submit"]"#;
    /// A success message.
    pub const SUCCESS: &str = r#"sesame-login [role="status"].sesame-success"#;
    /// The demo page's preset switcher.
    pub const PRESET: &str = "select#preset";
    /// The demo page's session panel.
    pub const PAGE_SESSION: &str = "#session";
}

/// The demo account of `portal` (from the demo's seed).
pub fn account(portal: &str) -> DemoAccount {
    DEMO_ACCOUNTS
        .into_iter()
        .find(|a| a.portal == portal)
        .unwrap_or_else(|| panic!("no demo account for {portal}"))
}

/// Picks `preset` in the demo page's switcher, as a person would.
pub async fn choose_preset(s: &Session, preset: &str) -> Result<()> {
    s.wait_for(sel::PRESET)
        .await?
        .select_by_value(preset)
        .await?;
    s.wait_until("the widget takes the preset", async || {
        let el = s.client.find(Locator::Css("sesame-login")).await?;
        Ok((el.attr("preset").await?.as_deref() == Some(preset)).then_some(()))
    })
    .await
}

/// Shows the password form: directly, or through the method chooser.
pub async fn open_password_form(s: &Session) -> Result<()> {
    let direct = s
        .wait_until("the password form or the method chooser", async || {
            if s.exists(sel::PASSWORD_FORM).await? {
                return Ok(Some(true));
            }
            // The loader's own alert: the WebAssembly did not load. Stop at once, saying why.
            if s.exists(sel::LOAD_FAILURE).await? {
                let text = s
                    .client
                    .find(Locator::Css(sel::LOAD_FAILURE))
                    .await?
                    .text()
                    .await?;
                bail!("the widget did not load: {text}");
            }
            Ok(s.exists(sel::CHOOSE_PASSWORD).await?.then_some(false))
        })
        .await?;
    if !direct {
        s.click(sel::CHOOSE_PASSWORD).await?;
        s.wait_for(sel::PASSWORD_FORM).await?;
    }
    Ok(())
}

/// Types the identifier and password and submits with the mouse.
pub async fn log_in(s: &Session, identifier: &str, password: &str) -> Result<()> {
    open_password_form(s).await?;
    s.fill(sel::IDENTIFIER, identifier).await?;
    s.fill(sel::PASSWORD, password).await?;
    s.click(sel::SUBMIT).await
}

/// Waits until the page shows `who`'s session: the panel is visible and names them.
pub async fn expect_session(s: &Session, who: &DemoAccount) -> Result<()> {
    s.wait_until("the session panel is shown", async || {
        let panel = s.client.find(Locator::Css(sel::PAGE_SESSION)).await?;
        Ok(panel.is_displayed().await?.then_some(()))
    })
    .await?;
    let name = s.wait_for_text("#session-who", |t| !t.is_empty()).await?;
    ensure!(
        name == who.display_name,
        "session of {name:?}, expected {:?}",
        who.display_name
    );
    s.wait_for_text(sel::WIDGET_SESSION, |t| t.contains(who.display_name))
        .await?;
    Ok(())
}

/// Whether the page's session panel is visible.
pub async fn session_shown(s: &Session) -> Result<bool> {
    Ok(s.client
        .find(Locator::Css(sel::PAGE_SESSION))
        .await?
        .is_displayed()
        .await?)
}
