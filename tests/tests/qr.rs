//! The QR-code login (issue 9), in Chromium then Firefox, keyboard only: the code the page
//! shows is scanned for real (its SVG rasterised and read: `sesame_e2e::qr`), and a phone
//! enrolled beforehand over HTTP (`sesame_demo::phone::Phone`) reads the request and approves it
//! with the digits the page shows and its PIN. Also: a code that expires and is renewed by the
//! widget itself, a decline and "renew", the portal restarted between the code and the
//! approval, and a browser without `EventSource` (polling alone). Texts come from core.

use anyhow::{bail, ensure, Context, Result};
use fantoccini::key::Key;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use sesame_core::api::paths;
use sesame_core::qr::{describe_user_agent, QrCode, QrPayload, QrRequestInfo, QrStatus};
use sesame_core::{ErrorCode, Lang, Method, PortalConfig};
use sesame_demo::phone::Phone;
use sesame_demo::seed::DemoAccount;
use sesame_e2e::harness::{in_each_browser, in_each_browser_on, visible, Portal, Session, WAIT};
use sesame_e2e::journey::{self, sel, API};
use sesame_e2e::qr::{self, state, ShownCode, PIN};
use std::time::{Duration, Instant};

const PAACO: &str = "paaco";

/// The life of a code on the portal of the expiry journey, in seconds (`SESAME_QR_LIFE_SECS`).
const SHORT_LIFE_SECS: u32 = 3;

/// Opens PAACO's login page (it opens on the method chooser) and chooses the QR code with the
/// keyboard: Tab to its button, Enter. Waits for the step.
async fn choose_qr(s: &Session, portal: &Portal) -> Result<()> {
    journey::open(s, portal, &format!("/?preset={PAACO}")).await?;
    let button = sel::choose(Method::Qr);
    s.wait_for(&button)
        .await
        .context("PAACO's chooser offers the QR code")?;
    s.tab_to(&button, 40).await?;
    s.press(Key::Enter).await?;
    s.wait_for(&qr::step()).await.context("the QR step opens")?;
    Ok(())
}

/// The code the page shows, scanned, checked against the portal (a login payload for this
/// portal's API) and its digits shown to read; then the accessibility check of the step
/// showing it.
async fn scanned(s: &Session, portal: &Portal, code: Result<ShownCode>) -> Result<ShownCode> {
    let code = scanned_quickly(s, portal, code).await?;
    s.check_accessibility("the QR code shown").await?;
    Ok(code)
}

/// [`scanned`] without the accessibility check, for a code that lives 3 s (the check runs
/// once the phone has opened the request: its approval then has the grace of core's
/// `QR_GRACE_SECS`).
async fn scanned_quickly(
    s: &Session,
    portal: &Portal,
    code: Result<ShownCode>,
) -> Result<ShownCode> {
    let code = code?;
    match QrPayload::parse(&code.payload) {
        Some(QrPayload::Login {
            authority, path, ..
        }) => {
            ensure!(
                authority == format!("127.0.0.1:{}", portal.addr.port()) && path == API,
                "the code sends the phone to {authority}{path}, not to this portal's API"
            );
        }
        other => bail!("the code is not a login payload: {other:?}"),
    }
    s.wait_for_text(&qr::digits(), |t| {
        qr::two_digits(t).is_ok_and(|shown| shown == code.digits)
    })
    .await
    .context("the digits are shown to read")?;
    Ok(code)
}

/// What the phone shows of the request for `code`: the portal (core's preset name), the
/// page's origin, this browser and system (core's reading of its User-Agent), and the digits
/// the page shows among the choices.
async fn read_request_on_phone(
    s: &Session,
    portal: &Portal,
    phone: &Phone,
    code: &ShownCode,
) -> Result<QrRequestInfo> {
    let info = phone
        .request(&code.payload)
        .await
        .map_err(|e| anyhow::anyhow!("the phone reads the request: {e}"))?;
    let paaco = PortalConfig::preset(PAACO).context("core's preset")?;
    ensure!(
        info.portal.as_str() == PAACO && info.portal_name == paaco.name,
        "the phone shows portal {} ({}), expected {PAACO} ({})",
        info.portal.as_str(),
        info.portal_name,
        paaco.name
    );
    let origin = portal.url("");
    ensure!(
        info.origin == origin,
        "the phone shows the request from {}, expected {origin}",
        info.origin
    );
    let agent = s
        .client
        .execute("return navigator.userAgent;", vec![])
        .await?;
    let (browser, system) = describe_user_agent(agent.as_str().unwrap_or_default());
    ensure!(
        info.browser == browser && info.system == system,
        "the phone shows {} on {}, expected {browser} on {system}",
        info.browser,
        info.system
    );
    ensure!(
        info.choices.contains(&code.digits),
        "the phone offers {:?}, not the page's {}",
        info.choices,
        code.digits
    );
    Ok(info)
}

/// The phone reads the request of the code shown and approves it with the page's digits and
/// the PIN.
async fn approve_on_phone(
    s: &Session,
    portal: &Portal,
    phone: &Phone,
    code: &ShownCode,
) -> Result<()> {
    let info = read_request_on_phone(s, portal, phone, code).await?;
    phone
        .approve_shown(&code.payload, &info, &code.digits, PIN)
        .await
        .map_err(|e| anyhow::anyhow!("the phone approves: {e}"))
}

/// The phone's approval of `payload` fails with `expected`.
async fn approval_refused(
    phone: &Phone,
    code: &ShownCode,
    expected: ErrorCode,
    why: &str,
) -> Result<()> {
    match phone.approve(&code.payload, &code.digits, PIN).await {
        Ok(()) => bail!("{why}: the portal accepted the approval"),
        Err(e) => ensure!(
            e.code() == Some(expected),
            "{why}: the approval failed with {e}, expected {}",
            expected.as_str()
        ),
    }
    Ok(())
}

/// The URLs the page has fetched so far (Resource Timing), to tell polls from the event
/// stream.
async fn fetched(s: &Session) -> Result<Vec<String>> {
    let urls = s
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await?;
    Ok(urls
        .as_array()
        .context("an array of URLs")?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

/// Jeanne, PAACO: her phone enrolled beforehand, she chooses "with the app (QR code)" with the
/// keyboard; the code appears with two digits; her phone scans it, shows PAACO, this page's
/// origin and browser, and she approves with the digits and her PIN: a strong session by QR.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paaco_the_phone_scans_the_code_and_approves_a_strong_session_by_qr() {
    in_each_browser("qr-login", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        let phone = qr::enrolled_phone(portal, &jeanne, PIN).await?;
        choose_qr(s, portal).await?;
        let code = scanned(s, portal, qr::shown_code(s).await).await?;
        // The step as the person sees it (the code, the two digits, the ring counting down).
        s.screenshot("code").await?;
        approve_on_phone(s, portal, &phone, &code).await?;
        journey::expect_session_by(s, &jeanne, Method::Qr).await?;
        ensure!(
            !s.exists(&qr::code_image()).await?,
            "the code is gone once approved"
        );
        Ok(())
    })
    .await;
}

/// Codes live 3 s on this portal: the widget renews the code by itself (a new image, a new
/// payload); the first code, expired, is refused by the portal when the phone approves it at
/// last; the code shown now is approved, and the widget logs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_renewed_by_the_widget_and_only_the_new_one_logs_in() {
    in_each_browser_on(
        "qr-expiry",
        &|c| c.qr_life_secs = SHORT_LIFE_SECS,
        async |s: &Session, portal: &Portal| {
            let jeanne = journey::account(PAACO);
            let phone = qr::enrolled_phone(portal, &jeanne, PIN).await?;
            choose_qr(s, portal).await?;
            let first = qr::shown_code(s).await;
            let first_seen = Instant::now();
            let first = scanned(s, portal, first).await?;
            let renewed = scanned_quickly(s, portal, qr::next_code(s, &first).await).await?;
            ensure!(
                renewed.payload != first.payload,
                "the renewed image carries a new code"
            );
            let (renewed, info) = open_on_phone(s, portal, &phone, renewed).await?;
            s.check_accessibility("the renewed code").await?;
            // The first code was made before it was seen: its life is surely over by now
            // (were the widget to renew a moment early, the portal's clock decides).
            let over = first_seen + Duration::from_secs(u64::from(SHORT_LIFE_SECS));
            tokio::time::sleep_until(over.into()).await;
            approval_refused(&phone, &first, ErrorCode::QrExpired, "the first code").await?;
            phone
                .approve_shown(&renewed.payload, &info, &renewed.digits, PIN)
                .await
                .map_err(|e| anyhow::anyhow!("the phone approves the renewed code: {e}"))?;
            journey::expect_session_by(s, &jeanne, Method::Qr).await
        },
    )
    .await;
}

/// The phone opens the request of `code` (which marks it opened: its approval then has the
/// grace). Codes live 3 s here: when the phone is too late for one (`qr_expired`), it scans the
/// next one the widget shows, as a person would (three codes at most). The code opened and
/// what the phone shows of it.
async fn open_on_phone(
    s: &Session,
    portal: &Portal,
    phone: &Phone,
    code: ShownCode,
) -> Result<(ShownCode, QrRequestInfo)> {
    let mut code = code;
    for _ in 0..3 {
        match phone.request(&code.payload).await {
            Ok(info) => {
                ensure!(
                    info.choices.contains(&code.digits),
                    "the phone offers {:?}, not the page's {}",
                    info.choices,
                    code.digits
                );
                return Ok((code, info));
            }
            Err(e) if e.code() == Some(ErrorCode::QrExpired) => {
                code = scanned_quickly(s, portal, qr::next_code(s, &code).await).await?;
            }
            Err(e) => bail!("the phone reads the request: {e}"),
        }
    }
    bail!("the phone was too late for three codes in a row")
}

/// The phone declines: the page says so (core's `qr_declined` text, in the error region), the
/// code is gone and "renew" is offered; Enter on it shows a new code, which the phone approves:
/// a session. The declined code stays declined.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_code_is_said_and_renewed_with_the_keyboard_then_approved() {
    in_each_browser("qr-decline", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        let phone = qr::enrolled_phone(portal, &jeanne, PIN).await?;
        choose_qr(s, portal).await?;
        let declined = scanned(s, portal, qr::shown_code(s).await).await?;
        read_request_on_phone(s, portal, &phone, &declined).await?;
        phone
            .decline(&declined.payload)
            .await
            .map_err(|e| anyhow::anyhow!("the phone declines: {e}"))?;
        let said = visible(ErrorCode::QrDeclined.text(Lang::Fr));
        s.wait_for_text(&sel::ERROR, |t| t.contains(&said))
            .await
            .context("the page says the login was declined")?;
        qr::wait_for_state(s, state::DECLINED).await?;
        s.wait_for(&qr::renew())
            .await
            .context("a new code is offered")?;
        ensure!(
            !s.exists(&qr::code_image()).await?,
            "a declined code is no longer shown"
        );
        s.check_accessibility("the declined code").await?;
        approval_refused(
            &phone,
            &declined,
            ErrorCode::QrDeclined,
            "the declined code",
        )
        .await?;

        s.tab_to(&qr::renew(), 20).await?;
        s.press(Key::Enter).await?;
        let fresh = scanned(s, portal, qr::next_code(s, &declined).await).await?;
        ensure!(
            fresh.payload != declined.payload,
            "the renewed image carries a new code"
        );
        approve_on_phone(s, portal, &phone, &fresh).await?;
        journey::expect_session_by(s, &jeanne, Method::Qr).await
    })
    .await;
}

/// The portal restarts while the code is shown (its polls and event stream fail for a while):
/// the code, kept in the portal's database, is still the one shown once the portal is back;
/// the phone approves it and the widget logs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_restarts_between_the_code_and_the_approval_and_the_widget_logs_in() {
    in_each_browser("qr-restart", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        let phone = qr::enrolled_phone(portal, &jeanne, PIN).await?;
        choose_qr(s, portal).await?;
        let before = scanned(s, portal, qr::shown_code(s).await).await?;
        portal.stop();
        // Down until the widget says so: its polls fail, it tells the person it is trying
        // again (the code stays: it can still be approved once the portal is back).
        let lost = visible(sesame_widget::texts::T::QrOffline.get(Lang::Fr));
        s.wait_for_text(&qr::status(), |t| t.contains(&lost))
            .await
            .context("the lost connection is said")?;
        ensure!(
            s.exists(&qr::code_image()).await?,
            "the code stays while the portal is away"
        );
        s.check_accessibility("the portal away").await?;
        portal.start_again().await?;
        let after = scanned(s, portal, qr::shown_code(s).await).await?;
        ensure!(
            after.payload == before.payload,
            "the code shown before the restart is still the one shown"
        );
        approve_on_phone(s, portal, &phone, &after).await?;
        journey::expect_session_by(s, &jeanne, Method::Qr).await
    })
    .await;
}

/// A browser without `EventSource` (here removed before the step opens): the widget polls
/// the status alone, and the approval still logs in. No event stream was asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_event_streams_polling_alone_logs_in() {
    in_each_browser("qr-polling", async |s: &Session, portal: &Portal| {
        let jeanne = journey::account(PAACO);
        let phone = qr::enrolled_phone(portal, &jeanne, PIN).await?;
        journey::open(s, portal, &format!("/?preset={PAACO}")).await?;
        s.client
            .execute("window.EventSource = undefined;", vec![])
            .await?;
        let button = sel::choose(Method::Qr);
        s.tab_to(&button, 40).await?;
        s.press(Key::Enter).await?;
        s.wait_for(&qr::step()).await.context("the QR step opens")?;
        let code = scanned(s, portal, qr::shown_code(s).await).await?;
        approve_on_phone(s, portal, &phone, &code).await?;
        journey::expect_session_by(s, &jeanne, Method::Qr).await?;
        let urls = fetched(s).await?;
        ensure!(
            urls.iter()
                .any(|u| u.contains(&format!("{API}{}", paths::LOGIN_QR_STATUS))),
            "the widget polled the status: {urls:?}"
        );
        ensure!(
            !urls
                .iter()
                .any(|u| u.contains(&format!("{API}{}", paths::LOGIN_QR_EVENTS))),
            "no event stream without EventSource: {urls:?}"
        );
        Ok(())
    })
    .await;
}

/// The harness itself, without a browser: [`Portal::restart`] brings the portal back on the
/// same address and database — a phone enrolled and a code made before still work after — and
/// ends the connections open before it (an event stream), as a real restart does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_restarts_on_its_address_and_database_and_ends_open_connections() {
    let portal = Portal::start().await.expect("the portal starts");
    let run = async {
        let jeanne: DemoAccount = journey::account(PAACO);
        let phone = qr::enrolled_phone(&portal, &jeanne, PIN).await?;
        let created = qr::api_post(
            &portal,
            paths::LOGIN_QR,
            json!({ "portal": PAACO }).to_string(),
            None,
        )
        .await?;
        let code: QrCode = created.json("a QR code")?;
        let qr_cookie = created
            .cookie(sesame_demo::qr::cookie_name(true))
            .context("the QR cookie")?;
        ensure!(
            qr::decode_qr_svg(&code.svg)? == code.payload,
            "the portal's SVG scans to its payload"
        );

        let client = Client::builder(TokioExecutor::new()).build_http::<String>();
        let events = http::Request::get(portal.url(&format!(
            "{API}{}?id={}",
            paths::LOGIN_QR_EVENTS,
            code.id
        )))
        .header(http::header::COOKIE, &qr_cookie)
        .body(String::new())?;
        let stream = client.request(events).await.context("the event stream")?;
        ensure!(
            stream.status() == http::StatusCode::OK,
            "the event stream answered {}",
            stream.status()
        );

        let addr = portal.addr;
        portal.restart().await?;
        ensure!(portal.addr == addr, "the portal is back on {addr}");
        // The stream the old portal served ends with it (it would run ~45 s otherwise).
        tokio::time::timeout(WAIT, stream.into_body().collect())
            .await
            .context("the event stream opened before the restart still runs after it")?
            .ok();

        let poll = || async {
            qr::api_post(
                &portal,
                paths::LOGIN_QR_STATUS,
                json!({ "id": code.id }).to_string(),
                Some(&qr_cookie),
            )
            .await?
            .json::<QrStatus>("the status")
        };
        let pending = poll().await?;
        ensure!(
            pending == QrStatus::Pending,
            "the code made before the restart is {pending:?} after it"
        );
        phone
            .approve(&code.payload, &code.digits, PIN)
            .await
            .map_err(|e| anyhow::anyhow!("the phone enrolled before approves after: {e}"))?;
        match poll().await? {
            QrStatus::Approved { session } => ensure!(
                session.identifier == jeanne.identifier && session.method == Method::Qr,
                "the session is {session:?}"
            ),
            other => bail!("after the approval the status is {other:?}"),
        }
        anyhow::Ok(())
    };
    if let Err(e) = run.await {
        panic!("{e:#}");
    }
}
