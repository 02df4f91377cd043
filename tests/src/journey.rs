//! Steps the journeys share: open the demo on a portal, log in, look at the session, hold the
//! widget's requests. Every expected text comes from `sesame-core` or the demo's seed, never
//! typed here a second time. A step that ends on a settled page runs the accessibility check
//! there ([`Session::check_accessibility`]).

use crate::harness::{Portal, Session};
use anyhow::{bail, ensure, Context, Result};
use fantoccini::Locator;
use serde_json::Value;
use sesame_demo::seed::{DemoAccount, DEMO_ACCOUNTS};

/// The widget's stable DOM hooks, built from the widget's own contract (`sesame_widget::dom`):
/// a renamed hook breaks compilation here, not a journey at run time. Use them as `&sel::X`.
pub mod sel {
    use sesame_core::Method;
    use sesame_widget::dom::{self, action, class, field, form, widget};
    use std::sync::LazyLock;

    type Sel = LazyLock<String>;

    /// The password form.
    pub static PASSWORD_FORM: Sel = LazyLock::new(|| widget(&dom::form(form::PASSWORD)));
    /// The chooser button of the password method (shown when several methods work).
    pub static CHOOSE_PASSWORD: Sel = LazyLock::new(|| widget(&dom::method(Method::Password)));
    /// Identifier field.
    pub static IDENTIFIER: Sel = LazyLock::new(|| widget(&dom::field(field::IDENTIFIER)));
    /// Password field.
    pub static PASSWORD: Sel = LazyLock::new(|| widget(&dom::field(field::PASSWORD)));
    /// The login form's submit button.
    pub static SUBMIT: Sel = LazyLock::new(|| {
        widget(&format!(
            r#"{} button[type="submit"]"#,
            dom::form(form::PASSWORD)
        ))
    });
    /// An error message.
    pub static ERROR: Sel =
        LazyLock::new(|| widget(&format!(r#"[role="alert"]{}"#, dom::class(class::ERROR))));
    /// The loader's alert when the WebAssembly cannot load (a direct child of the element).
    pub static LOAD_FAILURE: Sel = LazyLock::new(|| r#"sesame-login > p[role="alert"]"#.into());
    /// The widget's session view.
    pub static WIDGET_SESSION: Sel = LazyLock::new(|| widget(&dom::class(class::SESSION)));
    /// Log out.
    pub static LOGOUT: Sel = LazyLock::new(|| widget(&dom::action(action::LOGOUT)));
    /// Open the change-password form.
    pub static CHANGE_PASSWORD: Sel =
        LazyLock::new(|| widget(&dom::action(action::CHANGE_PASSWORD)));
    /// The change-password form.
    pub static CHANGE_FORM: Sel = LazyLock::new(|| widget(&dom::form(form::CHANGE_PASSWORD)));
    /// Current password, in the change-password form.
    pub static CURRENT_PASSWORD: Sel =
        LazyLock::new(|| widget(&dom::field(field::CURRENT_PASSWORD)));
    /// New password, in the change-password form.
    pub static NEW_PASSWORD: Sel = LazyLock::new(|| widget(&dom::field(field::NEW_PASSWORD)));
    /// The change-password form's submit button.
    pub static CHANGE_SUBMIT: Sel = LazyLock::new(|| {
        widget(&format!(
            r#"{} button[type="submit"]"#,
            dom::form(form::CHANGE_PASSWORD)
        ))
    });
    /// A success message.
    pub static SUCCESS: Sel =
        LazyLock::new(|| widget(&format!(r#"[role="status"]{}"#, dom::class(class::SUCCESS))));
    /// A checklist item, by its rule's tag.
    pub fn rule(tag: &str) -> String {
        widget(&dom::rule(tag))
    }
    /// The first paint (served with the page, or drawn by the loader) before the takeover.
    pub static FIRST_PAINT: Sel =
        LazyLock::new(|| format!("sesame-login > section{}", dom::class(class::FIRST_PAINT)));
    /// The demo page's preset switcher.
    pub static PRESET: Sel = LazyLock::new(|| "select#preset".into());
    /// The demo page's session panel.
    pub static PAGE_SESSION: Sel = LazyLock::new(|| "#session".into());
}

/// Where the demo page mounts the portal API (the `<sesame-login api>` attribute's default);
/// prefix it to `sesame_core::api::paths`.
pub const API: &str = "/api";

/// The demo account of `portal` (from the demo's seed).
pub fn account(portal: &str) -> DemoAccount {
    DEMO_ACCOUNTS
        .into_iter()
        .find(|a| a.portal == portal)
        .unwrap_or_else(|| panic!("no demo account for {portal}"))
}

/// Picks `preset` in the demo page's switcher, as a person would.
pub async fn choose_preset(s: &Session, preset: &str) -> Result<()> {
    s.wait_for(&sel::PRESET)
        .await?
        .select_by_value(preset)
        .await?;
    s.wait_until("the widget takes the preset", async || {
        let el = s.client.find(Locator::Css("sesame-login")).await?;
        Ok((el.attr("preset").await?.as_deref() == Some(preset)).then_some(()))
    })
    .await
}

/// Opens `path` on the portal and waits until the widget shows the password form or the method
/// chooser (stops at once, saying why, if the WebAssembly did not load); checks accessibility.
pub async fn open(s: &Session, portal: &Portal, path: &str) -> Result<()> {
    s.goto(&portal.url(path)).await?;
    widget_ready(s).await?;
    s.check_accessibility(&format!("open {path}")).await
}

/// Waits until the widget shows the password form (`true`) or the method chooser (`false`).
async fn widget_ready(s: &Session) -> Result<bool> {
    s.wait_until("the password form or the method chooser", async || {
        if s.exists(&sel::PASSWORD_FORM).await? {
            return Ok(Some(true));
        }
        // The loader's own alert: the WebAssembly did not load. Stop at once, saying why.
        if s.exists(&sel::LOAD_FAILURE).await? {
            let text = s
                .client
                .find(Locator::Css(&sel::LOAD_FAILURE))
                .await?
                .text()
                .await?;
            bail!("the widget did not load: {text}");
        }
        Ok(s.exists(&sel::CHOOSE_PASSWORD).await?.then_some(false))
    })
    .await
}

/// Shows the password form: directly, or through the method chooser; checks accessibility.
pub async fn open_password_form(s: &Session) -> Result<()> {
    if !widget_ready(s).await? {
        s.click(&sel::CHOOSE_PASSWORD).await?;
        s.wait_for(&sel::PASSWORD_FORM).await?;
    }
    s.check_accessibility("the password form").await
}

/// Shows the password form, types the identifier and password, and submits with the mouse
/// (the step that follows waits for the outcome and checks it).
pub async fn log_in(s: &Session, identifier: &str, password: &str) -> Result<()> {
    fill_login(s, identifier, password).await?;
    s.click(&sel::SUBMIT).await
}

/// Shows the password form and types the identifier and password, without submitting.
pub async fn fill_login(s: &Session, identifier: &str, password: &str) -> Result<()> {
    open_password_form(s).await?;
    s.fill(&sel::IDENTIFIER, identifier).await?;
    s.fill(&sel::PASSWORD, password).await
}

/// The `aria-disabled` attribute of the element matching `css` (`None` when absent).
pub async fn aria_disabled(s: &Session, css: &str) -> Result<Option<String>> {
    Ok(s.wait_for(css).await?.attr("aria-disabled").await?)
}

/// Waits until the page shows `who`'s session: the panel is visible and names them.
pub async fn expect_session(s: &Session, who: &DemoAccount) -> Result<()> {
    s.wait_until("the session panel is shown", async || {
        let panel = s.client.find(Locator::Css(&sel::PAGE_SESSION)).await?;
        Ok(panel.is_displayed().await?.then_some(()))
    })
    .await?;
    let name = s.wait_for_text("#session-who", |t| !t.is_empty()).await?;
    ensure!(
        name == who.display_name,
        "session of {name:?}, expected {:?}",
        who.display_name
    );
    s.wait_for_text(&sel::WIDGET_SESSION, |t| t.contains(who.display_name))
        .await?;
    s.check_accessibility("the session").await
}

/// Whether the page's session panel is visible.
pub async fn session_shown(s: &Session) -> Result<bool> {
    Ok(s.client
        .find(Locator::Css(&sel::PAGE_SESSION))
        .await?
        .is_displayed()
        .await?)
}

/// Makes the page's `fetch` wait from now on, as a slow network would, without timing
/// anything: each call is recorded (see [`held_requests`]) and goes out only after
/// [`release_requests`]. The widget calls `window.fetch` at each request, so this catches them.
pub async fn hold_requests(s: &Session) -> Result<()> {
    s.client
        .execute(
            r#"
            const real = window.fetch;
            let release;
            const gate = new Promise((resolve) => { release = resolve; });
            window.__sesameHeld = { urls: [], release: () => { window.fetch = real; release(); } };
            window.fetch = function (input, init) {
              window.__sesameHeld.urls.push(String((input && input.url) || input));
              return gate.then(() => real.call(window, input, init));
            };
            "#,
            vec![],
        )
        .await
        .context("holding the page's requests")?;
    Ok(())
}

/// The URLs of the requests held since [`hold_requests`].
pub async fn held_requests(s: &Session) -> Result<Vec<String>> {
    let urls = s
        .client
        .execute("return window.__sesameHeld.urls;", vec![])
        .await
        .context("reading the held requests (was `hold_requests` called?)")?;
    Ok(urls
        .as_array()
        .context("an array of URLs")?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

/// Lets the held requests go, and the next ones go at once.
pub async fn release_requests(s: &Session) -> Result<()> {
    s.client
        .execute("window.__sesameHeld.release();", vec![])
        .await
        .context("releasing the held requests")?;
    Ok(())
}
