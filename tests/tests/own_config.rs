//! A portal of its own (issue 13): the sixth, invented portal of `demo/portals/example.json`,
//! known to the demo through `SESAME_PORTALS` and to the widget through
//! `<sesame-login config="…">` — no preset involved — logs in; a configuration the widget cannot
//! use says so in the element, never an empty box.

use anyhow::{ensure, Context};
use sesame_core::PortalConfig;
use sesame_demo::seed::SAMPLE_ACCOUNTS;
use sesame_e2e::harness::{in_each_browser_on, own_page, workspace_root, Portal, Session};
use sesame_e2e::journey::{log_in, sel, widget_ready};
use sesame_widget::dom;
use std::path::PathBuf;

/// The sample configuration README shows.
fn example() -> PathBuf {
    workspace_root()
        .join("demo")
        .join("portals")
        .join("example.json")
}

/// A page that embeds the widget with `config="/demo/portal.json"`, that file being `config`.
fn page_dir(config: &str) -> PathBuf {
    own_page(
        r#"<sesame-login config="/demo/portal.json" api="/api" lang="fr"></sesame-login>"#,
        &[("portal.json", config)],
    )
}

#[tokio::test]
async fn the_sixth_portal_logs_in_from_its_own_configuration() {
    let json = std::fs::read_to_string(example()).expect("demo/portals/example.json");
    let config = PortalConfig::from_json(&json).expect("the sample is valid");
    let id = config.id.as_str().to_owned();
    in_each_browser_on(
        "own_configuration",
        &|c| {
            c.page_dir = page_dir(&json);
            c.portal_files = vec![example()];
        },
        async |s: &Session, portal: &Portal| {
            s.goto(&portal.url("/")).await?;
            widget_ready(s).await?;
            let name = s
                .wait_for_text(&dom::widget(&dom::class(dom::class::PORTAL)), |t| {
                    !t.is_empty()
                })
                .await?;
            ensure!(
                name == config.name,
                "the portal's name {name:?}, expected {:?}",
                config.name
            );
            s.check_accessibility("the sixth portal's own configuration")
                .await?;
            let who = SAMPLE_ACCOUNTS
                .iter()
                .find(|a| a.portal == id)
                .context("a sample account of the sixth portal")?;
            log_in(s, who.identifier, who.password).await?;
            s.wait_for_text(&sel::WIDGET_SESSION, |t| t.contains(who.display_name))
                .await
                .context("the session on the sixth portal")?;
            s.check_accessibility("logged in on the sixth portal").await
        },
    )
    .await;
}

#[tokio::test]
async fn a_broken_configuration_says_so_in_the_element() {
    let mut broken: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    broken["methods"][0]["method"] = "telepathy".into();
    let broken = broken.to_string();
    in_each_browser_on(
        "own_configuration_broken",
        &|c| c.page_dir = page_dir(&broken),
        async |s: &Session, portal: &Portal| {
            s.goto(&portal.url("/")).await?;
            let said = s
                .wait_for_text(
                    &dom::widget(r#"[role="alert"][data-code="invalid_portal_config"]"#),
                    |t| !t.is_empty(),
                )
                .await?;
            ensure!(
                said.contains("mal configuré") && said.contains("methods[0].method"),
                "the error: {said:?}"
            );
            s.check_accessibility("a broken configuration").await
        },
    )
    .await;
}
