//! Pro Santé Connect and the regional SSO (issue 12), in Chromium then Firefox, through the
//! local OpenID provider (`demo/oidc-provider/`: oidc-provider from npm, two issuers, French
//! login pages, e-CPS with its phone, a simulated CPS card, ESEA's password form) — real
//! redirects, real tokens, the portal as relying party. The widget's steps are checked with axe
//! and driven with the keyboard; the provider's pages are the stand-in's, filled as a person
//! would.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use sesame_core::{ErrorCode, Lang, Method};
use sesame_demo::oidc::ProviderConfig;
use sesame_e2e::harness::{in_each_browser_on, visible, Portal, Session};
use sesame_e2e::journey::{self, sel};
use sesame_e2e::oidc_provider::{identities, OidcStandIn, PscIdentity};
use sesame_widget::dom::{self, action, class, field, widget};
use sesame_widget::texts::T;

/// The demo client at the stand-in (demo only: `demo/oidc-provider/README.md`).
const CLIENT_ID: &str = "sesame-demo";
const CLIENT_SECRET: &str = "sesame-demo-secret";

/// The portal configured with both providers of the stand-in.
fn configure(standin: &OidcStandIn) -> impl Fn(&mut sesame_demo::Config) + '_ {
    move |config| {
        let provider = |issuer: &str| ProviderConfig {
            issuer: issuer.to_owned(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            other_acr: Default::default(),
        };
        config.oidc.psc = Some(provider(&standin.psc_issuer));
        config.oidc.sso = Some(provider(&standin.sso_issuer));
    }
}

/// The stand-in's Pro Santé Connect identity with this RPPS number.
fn psc_identity(rpps: &str) -> PscIdentity {
    identities()
        .expect("the stand-in's identities")
        .psc
        .into_iter()
        .find(|p| p.rpps == rpps)
        .unwrap_or_else(|| panic!("no identity with RPPS {rpps} in identities.json"))
}

fn start_button() -> String {
    widget(&dom::action(action::OIDC_START))
}

/// Opens `preset`'s page, chooses `method` in its chooser (keyboard), checks the step, and
/// leaves for the provider with the keyboard; waits for the provider's page.
async fn go_to_provider(s: &Session, portal: &Portal, preset: &str, method: Method) -> Result<()> {
    journey::open(s, portal, &format!("/?preset={preset}")).await?;
    s.tab_to(&sel::choose(method), 20).await?;
    s.press(Key::Enter).await?;
    s.wait_for(&widget(&dom::class(class::OIDC)))
        .await
        .context("the provider's step is shown")?;
    ensure!(
        s.focus_is(&start_button()).await?,
        "the step's button has the focus after the chooser: {}",
        s.describe_focus().await?
    );
    s.check_accessibility(&format!("the {} step", method.as_str()))
        .await?;
    s.press(Key::Enter).await?;
    s.wait_for("main form")
        .await
        .context("the provider's login page")?;
    Ok(())
}

/// Back on the portal: the URL is the page the login started from, its fragment gone.
async fn back_on_the_portal(s: &Session, portal: &Portal, preset: &str) -> Result<()> {
    let page = format!("http://{}/?preset={preset}", portal.addr);
    s.wait_until(
        "back on the portal's page, the fragment read and removed",
        async || {
            let url = s.client.current_url().await?;
            Ok((url.as_str() == page).then_some(()))
        },
    )
    .await
}

/// The widget's error region says `code`'s text.
async fn says(s: &Session, code: ErrorCode) -> Result<()> {
    let text = visible(code.text(Lang::Fr));
    s.wait_for_text(&sel::ERROR, |t| t.contains(&text))
        .await
        .with_context(|| format!("the widget says {}", code.as_str()))?;
    Ok(())
}

/// The session panel's text, once shown.
async fn session_text(s: &Session) -> Result<String> {
    s.wait_for_text(&widget(&dom::class(class::SESSION)), |t| {
        t.contains("Pro Santé Connect") || t.contains("ESEA")
    })
    .await
}

/// Dr Paul Bernard on Nexus, with e-CPS: his RPPS number typed at Pro Santé Connect, the
/// number shown on the computer picked on the phone; back on Nexus, he has two establishments:
/// "Continuer" without a choice takes him to them, he picks the second with the arrow keys, and
/// his session is strong, by e-CPS, for that establishment; the services needing strong
/// authentication open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nexus_by_e_cps_then_the_establishment_chosen_with_the_keyboard() {
    let standin = OidcStandIn::start().expect("the local OpenID provider starts");
    let paul = psc_identity("10000000003");
    in_each_browser_on(
        "psc-e-cps",
        &configure(&standin),
        async |s: &Session, portal: &Portal| {
            go_to_provider(s, portal, "nexus", Method::ProSanteConnect).await?;
            s.tab_to("input#rpps", 10).await?;
            s.keys(&paul.rpps).await?;
            s.press(Key::Enter).await?;
            let number = s
                .wait_for_text("#nombre", |t| !t.trim().is_empty())
                .await
                .context("the number to pick on the phone")?;
            let pending = s
                .wait_until("the phone sees the request", async || {
                    standin.ecps_pending(&paul.rpps).await
                })
                .await?;
            ensure!(
                pending
                    .choices
                    .iter()
                    .any(|c| c.to_string() == number.trim()),
                "the phone offers the number the computer shows ({number}): {:?}",
                pending.choices
            );
            let picked: u8 = number.trim().parse().context("a two-digit number")?;
            let answer = standin.ecps_answer(&pending.uid, picked).await?;
            ensure!(answer.contains("approved"), "the phone approves: {answer}");

            back_on_the_portal(s, portal, "nexus").await?;
            let chooser = widget(&dom::class(class::ESTABLISHMENTS));
            s.wait_for(&chooser)
                .await
                .context("two establishments: the chooser")?;
            for a in &paul.activities {
                s.wait_for_text(&chooser, |t| t.contains(&a.name)).await?;
            }
            s.check_accessibility("the establishment chooser").await?;
            let confirm = widget(&dom::action(action::CHOOSE_ESTABLISHMENT));
            let radio = widget(&format!("input[name={}]", field::ESTABLISHMENT));
            // "Continuer" before choosing: the keyboard is taken to the places, under the
            // legend that says what to do.
            s.tab_to(&confirm, 10).await?;
            s.press(Key::Enter).await?;
            s.wait_until("nothing chosen: the focus on the places", async || {
                Ok(s.focus_is(&radio).await?.then_some(()))
            })
            .await?;
            let legend = visible(T::ChooseEstablishment.get(Lang::Fr));
            s.wait_for_text(&[chooser.as_str(), " legend"].concat(), |t| t == legend)
                .await?;
            // The arrows choose (and check) the second place.
            let second = widget(&format!(
                "input[name={}][value={}]:checked",
                field::ESTABLISHMENT,
                paul.activities[1].id
            ));
            for _ in 0..paul.activities.len() {
                if s.focus_is(&second).await? {
                    break;
                }
                s.press(Key::Down).await?;
            }
            ensure!(s.focus_is(&second).await?, "the second place is chosen");
            s.tab_to(&confirm, 5).await?;
            s.press(Key::Enter).await?;
            let chosen = &paul.activities[1].name;
            s.wait_for_text(&widget(&dom::class(class::ESTABLISHMENT)), |t| {
                t.contains(chosen.as_str())
            })
            .await
            .context("the session's establishment")?;
            let facts = session_text(s).await?;
            ensure!(facts.contains("e-CPS"), "the means is said: {facts}");
            ensure!(facts.contains("forte"), "a strong session: {facts}");
            s.check_accessibility("logged in by Pro Santé Connect")
                .await?;
            journey::expect_strong_services_open(s).await
        },
    )
    .await;
}

/// Marie Dupont on SPICO, with her (simulated) CPS card at Pro Santé Connect: one
/// establishment, so no question; a strong session by card (the provider answers `eidas2`).
/// Logging out ends Pro Santé Connect's session too and comes back to the portal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spico_by_card_then_logged_out_at_the_provider_too() {
    let standin = OidcStandIn::start().expect("the local OpenID provider starts");
    let marie = psc_identity("10000000002");
    in_each_browser_on(
        "psc-card",
        &configure(&standin),
        async |s: &Session, portal: &Portal| {
            go_to_provider(s, portal, "spico", Method::ProSanteConnect).await?;
            s.click("a[href$='/carte']").await?;
            let card = format!("input#carte-{}", marie.rpps);
            s.wait_for(&card).await.context("the card page")?;
            s.click(&card).await?;
            s.click("main form button[type=submit]").await?;

            back_on_the_portal(s, portal, "spico").await?;
            let place = &marie.activities[0].name;
            s.wait_for_text(&widget(&dom::class(class::ESTABLISHMENT)), |t| {
                t.contains(place.as_str())
            })
            .await
            .context("one establishment: taken without a question")?;
            let facts = session_text(s).await?;
            ensure!(facts.contains("carte CPS"), "the means is said: {facts}");
            ensure!(facts.contains("forte"), "eidas2 is strong: {facts}");
            ensure!(
                !s.exists(&widget(&dom::class(class::ESTABLISHMENTS)))
                    .await?,
                "no chooser for one establishment"
            );
            s.check_accessibility("logged in by card").await?;

            // This page is marked: the portal's home after the provider's logout is another
            // document (checking the address alone passed before the page had even left).
            s.client
                .execute("window.sesameBeforeLogout = true;", vec![])
                .await?;
            s.click(&widget(&dom::action(action::LOGOUT))).await?;
            // The provider's logout page, then back to the portal's home, logged out.
            let home = format!("http://{}/", portal.addr);
            s.wait_until(
                "back on the portal after the provider's logout",
                async || {
                    let url = s.client.current_url().await?;
                    if !url.as_str().starts_with(&home) {
                        return Ok(None);
                    }
                    let fresh = s
                        .client
                        .execute("return window.sesameBeforeLogout === undefined;", vec![])
                        .await?;
                    Ok((fresh == serde_json::Value::Bool(true)).then_some(()))
                },
            )
            .await?;
            journey::widget_ready(s).await?;
            ensure!(
                !journey::session_shown(s).await?,
                "logged out on the portal"
            );
            Ok(())
        },
    )
    .await;
}

/// On Parcéo, the person cancels at Pro Santé Connect: back on Parcéo, the step again with
/// what happened in plain words (no support needed). Then Sam Leroy, whose identity is known to
/// Pro Santé Connect but linked to no account here, is told so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_at_the_provider_or_no_account_here_said_plainly() {
    let standin = OidcStandIn::start().expect("the local OpenID provider starts");
    in_each_browser_on(
        "psc-cancel",
        &configure(&standin),
        async |s: &Session, portal: &Portal| {
            go_to_provider(s, portal, "parceo", Method::ProSanteConnect).await?;
            s.click("form[action$='/abort'] button").await?;
            back_on_the_portal(s, portal, "parceo").await?;
            says(s, ErrorCode::OidcCancelled).await?;
            s.wait_for(&start_button())
                .await
                .context("the step is there again")?;
            s.check_accessibility("cancelled at the provider").await?;

            // Sam Leroy, by card, on Parcéo: no account linked.
            s.tab_to(&start_button(), 10).await?;
            s.press(Key::Enter).await?;
            s.wait_for("main form").await?;
            s.click("a[href$='/carte']").await?;
            s.wait_for("input#carte-10000000009").await?;
            s.click("input#carte-10000000009").await?;
            s.click("main form button[type=submit]").await?;
            back_on_the_portal(s, portal, "parceo").await?;
            says(s, ErrorCode::OidcAccountUnknown).await?;
            s.check_accessibility("no account for this identity").await
        },
    )
    .await;
}

/// Jeanne Martin on PAACO, "Via le service sécurisé ESEA": ESEA's own login page, then back
/// with a strong session by the regional SSO (no establishment: ESEA gives none).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paaco_through_the_regional_sso() {
    let standin = OidcStandIn::start().expect("the local OpenID provider starts");
    let jeanne = identities()
        .expect("the stand-in's identities")
        .sso
        .into_iter()
        .find(|p| p.login == "jeanne.martin")
        .expect("Jeanne Martin at ESEA");
    in_each_browser_on(
        "sso",
        &configure(&standin),
        async |s: &Session, portal: &Portal| {
            go_to_provider(s, portal, "paaco", Method::RegionalSso).await?;
            s.tab_to("input#login", 10).await?;
            s.keys(&jeanne.login).await?;
            s.tab_to("input#password", 5).await?;
            s.keys("esea-demo").await?;
            s.press(Key::Enter).await?;
            back_on_the_portal(s, portal, "paaco").await?;
            let facts = session_text(s).await?;
            ensure!(facts.contains("Jeanne Martin"), "{facts}");
            ensure!(facts.contains("forte"), "{facts}");
            ensure!(
                !s.exists(&widget(&dom::class(class::ESTABLISHMENT))).await?,
                "no establishment from the SSO"
            );
            s.check_accessibility("logged in through ESEA").await
        },
    )
    .await;
}
