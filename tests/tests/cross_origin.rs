//! The widget on one origin, the API on another (issue 13): a portal page served by one demo
//! instance embeds `<sesame-login api="…/api">` pointing at another instance, which allows the
//! page's origin (`SESAME_ALLOWED_ORIGINS`: CORS with credentials).
//!
//! - Same site, another origin (`127.0.0.1:A` and `127.0.0.1:B`, as `portal.example` and
//!   `api.portal.example` would be): the deployment README recommends; the cookies stay
//!   `SameSite=Strict` and are first-party.
//! - Another site (`127.0.0.1:A` and `localhost:B`) with `SESAME_CROSS_SITE`: the cookies go
//!   `SameSite=None; Secure`, which makes them third-party cookies. Firefox keeps them
//!   (partitioned under the page's site); Chromium 156 as shipped blocks third-party cookies,
//!   so there the login works but the session is not found again after a reload: the widget
//!   then shows the login form again, never an error. README says so.

use anyhow::{ensure, Context};
use sesame_e2e::harness::{in_each_browser_on, own_page, Browser, Portal, Session};
use sesame_e2e::journey::{account, log_in, sel, widget_ready};
use std::net::{SocketAddr, TcpListener};
use std::sync::Mutex;

/// A port free now (the API instance binds it a moment later).
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

/// Where the API instance runs, seen from the page.
#[derive(Clone, Copy)]
enum ApiHost {
    /// `127.0.0.1`, the page's host: same site, another origin (another port).
    SameSite,
    /// `localhost`: another site.
    OtherSite,
}

/// The page on one instance, the API on another at `host`: log in, then reload the page.
async fn journey(test: &str, host: ApiHost) {
    // The API's port, chosen when the page's portal starts (each browser gets its own pair).
    let api_port = Mutex::new(0u16);
    let api_origin = |port: u16| match host {
        ApiHost::SameSite => format!("http://127.0.0.1:{port}"),
        ApiHost::OtherSite => format!("http://localhost:{port}"),
    };
    in_each_browser_on(
        test,
        &|config| {
            let port = free_port();
            *api_port.lock().unwrap_or_else(|p| p.into_inner()) = port;
            let origin = api_origin(port);
            // The widget's files come from the page's own origin, as a portal that hosts them
            // would serve them.
            config.page_dir = own_page(
                &format!(
                    r#"<sesame-login preset="spico" api="{origin}/api" lang="fr"></sesame-login>"#
                ),
                &[],
            );
            // The page's CSP lets it connect to the API.
            config.connect_sources = vec![origin];
        },
        async |s: &Session, page: &Portal| {
            let port = *api_port.lock().unwrap_or_else(|p| p.into_inner());
            let page_origin = page.url("");
            let api = Portal::start_with(|c| {
                c.bind = SocketAddr::from(([127, 0, 0, 1], port));
                c.allowed_origins = vec![page_origin.clone()];
                c.cross_site = matches!(host, ApiHost::OtherSite);
            })
            .await
            .context("the API instance")?;

            s.goto(&page.url("/")).await?;
            widget_ready(s).await?;
            s.check_accessibility("the page, its API on another origin")
                .await?;
            let who = account("spico");
            log_in(s, who.identifier, who.password).await?;
            s.wait_for_text(&sel::WIDGET_SESSION, |t| t.contains(who.display_name))
                .await
                .context("the session, opened by the API on the other origin")?;
            s.check_accessibility("logged in through the other origin")
                .await?;

            // The session lives in the API's cookie: a new visit of the page finds it there,
            // unless the browser blocks third-party cookies (Chromium, another site).
            s.goto(&page.url("/")).await?;
            let kept = !matches!((host, s.browser), (ApiHost::OtherSite, Browser::Chromium));
            if kept {
                s.wait_for_text(&sel::WIDGET_SESSION, |t| t.contains(who.display_name))
                    .await
                    .context("the session found again after a reload (the API's cookie)")?;
            } else {
                let form = widget_ready(s).await;
                ensure!(
                    form.is_ok() && !s.exists(&sel::WIDGET_SESSION).await?,
                    "without third-party cookies, the login form again: {form:?}"
                );
                s.check_accessibility("the login form again, third-party cookies blocked")
                    .await?;
            }
            drop(api);
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_page_logs_in_to_its_api_on_another_origin_of_the_same_site() {
    journey("cross_origin_same_site", ApiHost::SameSite).await;
}

#[tokio::test]
async fn a_page_logs_in_to_its_api_on_another_site() {
    journey("cross_origin_other_site", ApiHost::OtherSite).await;
}
