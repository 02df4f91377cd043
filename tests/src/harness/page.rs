//! What a person does on the page — open it, wait for something, type, click, Tab, read a
//! text — as methods of [`Session`]. What the journeys look for is in [`crate::journey::sel`].

use super::session::Session;
use anyhow::{bail, ensure, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// How long to wait for an element or a state before failing.
pub const WAIT: Duration = Duration::from_secs(20);

/// A text as WebDriver shows it: no-break spaces (French typography puts them before `:` and
/// inside « ») become plain spaces, as WebDriver's "element text" does in some browsers and not
/// others. Apply it to both sides of a comparison.
pub fn visible(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

impl Session {
    /// Opens `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Waits until an element matches `css`, and returns it.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting {WAIT:?} for `{css}`"))
    }

    /// Whether an element matches `css` now.
    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// Waits until `css` matches an element whose text satisfies `pred`; returns that text.
    /// The text is as [`visible`] makes it: compare it with `visible(expected)`.
    pub async fn wait_for_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> Result<String> {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            for el in self.client.find_all(Locator::Css(css)).await? {
                if let Ok(text) = el.text().await.map(|t| visible(&t)) {
                    if pred(&text) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            if start.elapsed() > WAIT {
                bail!("`{css}` never had the expected text within {WAIT:?}; last seen: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `f` returns `Some`, polling.
    pub async fn wait_until<T>(
        &self,
        what: &str,
        mut f: impl AsyncFnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let start = Instant::now();
        loop {
            if let Some(v) = f().await? {
                return Ok(v);
            }
            if start.elapsed() > WAIT {
                bail!("{what}: not within {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Empties the field matching `css` and types `text` into it; checks the field's value.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let el = self.wait_for(css).await?;
        // As a person does: select all, delete, type. (WebDriver's Element Clear fires no
        // `input` event, so a component that keeps the value in its state would not see it.)
        let select_all_delete = format!(
            "{}a{}{}",
            char::from(Key::Control),
            char::from(Key::Null),
            char::from(Key::Backspace)
        );
        el.send_keys(&select_all_delete).await?;
        el.send_keys(text)
            .await
            .with_context(|| format!("typing into `{css}`"))?;
        let value = el.prop("value").await?.unwrap_or_default();
        ensure!(
            value == text,
            "`{css}`: typed {text:?}, the field holds {value:?}"
        );
        Ok(())
    }

    /// Clicks the element matching `css` (waiting for it).
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking `{css}`"))
    }

    /// Types `text` on the keyboard, into whatever has the focus (WebDriver key actions: no
    /// element is targeted, as for a person using the keyboard only).
    pub async fn keys(&self, text: &str) -> Result<()> {
        let mut actions = KeyActions::new("keyboard".into());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Empties the focused field from the keyboard, as a person does: Ctrl+A (Control held
    /// down), then Backspace.
    pub async fn clear_focused(&self) -> Result<()> {
        let (control, backspace) = (char::from(Key::Control), char::from(Key::Backspace));
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: 'a' })
            .then(KeyAction::Up { value: 'a' })
            .then(KeyAction::Up { value: control })
            .then(KeyAction::Down { value: backspace })
            .then(KeyAction::Up { value: backspace });
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Presses one key (Tab, Enter…) on the keyboard.
    pub async fn press(&self, key: Key) -> Result<()> {
        self.keys(&char::from(key).to_string()).await
    }

    /// Presses `key` in a window that the key itself closes (the last "confirm" of an extension
    /// window): the window may be gone before the key is released, which WebDriver reports as
    /// an error ("no such window", "BrowsingContext does no longer exist") — here, the
    /// expected outcome. The caller then waits for the window to be closed.
    pub async fn press_closing(&self, key: Key) -> Result<()> {
        match self.press(key).await {
            Err(e)
                if {
                    let m = e.to_string().to_ascii_lowercase();
                    m.contains("no such window") || m.contains("no longer exist")
                } =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> Result<bool> {
        let active = self.client.active_element().await?;
        let matching = self.client.find_all(Locator::Css(css)).await?;
        Ok(matching
            .iter()
            .any(|e| e.element_id() == active.element_id()))
    }

    /// A short description of the focused element, for failure messages.
    pub async fn describe_focus(&self) -> Result<String> {
        let el = self.client.active_element().await?;
        let html = el.html(false).await.unwrap_or_default();
        Ok(html.chars().take(160).collect())
    }

    /// Presses Tab until the focus is on `css` (at most `max` times); fails otherwise.
    pub async fn tab_to(&self, css: &str, max: usize) -> Result<()> {
        for _ in 0..max {
            if self.focus_is(css).await? {
                return Ok(());
            }
            self.press(Key::Tab).await?;
        }
        if self.focus_is(css).await? {
            return Ok(());
        }
        bail!(
            "`{css}` not reached with {max} Tabs; focus is on {}",
            self.describe_focus().await?
        )
    }

    /// Presses Shift+Tab until the focus is on `css` (at most `max` times); fails otherwise.
    /// For what comes before the focus: forward, Firefox's Tabs leave the page for its own
    /// toolbar before coming back, and keys pressed after that round trip may not activate
    /// the page's buttons any more (seen with geckodriver).
    pub async fn shift_tab_to(&self, css: &str, max: usize) -> Result<()> {
        let (shift, tab) = (char::from(Key::Shift), char::from(Key::Tab));
        for _ in 0..max {
            if self.focus_is(css).await? {
                return Ok(());
            }
            let back = KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: shift })
                .then(KeyAction::Down { value: tab })
                .then(KeyAction::Up { value: tab })
                .then(KeyAction::Up { value: shift });
            self.client.perform_actions(back).await?;
        }
        ensure!(
            self.focus_is(css).await?,
            "`{css}` not reached with {max} Shift+Tabs; focus is on {}",
            self.describe_focus().await?
        );
        Ok(())
    }

    /// Scrolls the first element matching `css` to the middle of the window (before a
    /// screenshot).
    pub async fn scroll_to(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        Ok(())
    }
}
