//! QR-code login through the router: a whole login (code, phone request, approval, claim), and
//! each attack of issue 9 — another browser's cookie cannot poll, watch or claim; a signature
//! over another origin or portal, an approval after expiry or after a decline, a replayed
//! approval are refused; PIN guesses are limited; a flood of codes from one client is
//! rate-limited; garbage to the phone's endpoints is 4xx. Also: the grace of an approval the
//! phone started in time, number matching, poll pacing, the event stream, a code surviving a
//! restart (a second app on the same database), and the `Phone` library over real HTTP.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::{test_app, test_app_with, test_config, Answer, TestApp};
use sesame_core::api::SessionInfo;
use sesame_core::qr::{
    QrCode, QrDevice, QrEnrolment, QrRequestInfo, QrStatus, MAX_PIN_FAILURES, QR_GRACE_SECS,
    QR_LIFE_SECS, QR_MAX_CREATES, QR_MAX_POLLS_PER_SEC,
};
use sesame_core::{ErrorCode, Method};
use sesame_demo::phone::Phone;

const PIN: &str = "4821";
const QR_COOKIE: &str = sesame_demo::qr::COOKIE_NAME;
const SESSION_COOKIE: &str = sesame_demo::session::COOKIE_NAME;
/// PAACO offers QR login; its demo account.
const PAACO: (&str, &str, &str) = ("paaco", "jeanne.martin", "lavande-tulipe-cafe");

fn body(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

/// A phone enrolled for Jeanne Martin on PAACO (password login, enrolment code, enrol).
async fn enrolled_phone(app: &TestApp) -> Phone {
    let login = app.login(PAACO.0, PAACO.1, PAACO.2).await;
    assert_eq!(login.status, 200, "{}", body(&login));
    let session = login.cookie_named(SESSION_COOKIE).expect("session cookie");
    let enrolment = app
        .post_json("/api/phone/enrolment", "", Some(&session))
        .await;
    assert_eq!(enrolment.status, 200, "{}", body(&enrolment));
    let enrolment: QrEnrolment = serde_json::from_value(enrolment.json()).unwrap();
    assert!(enrolment.svg.starts_with("<svg"));
    assert!(enrolment
        .payload
        .starts_with("sesame-qr://127.0.0.1:8080/api?e="));
    let mut phone = Phone::new().unwrap();
    let request = phone.enrol_body(&enrolment.payload, PIN);
    let enrolled = app
        .post_json(
            "/api/phone/enrol",
            serde_json::to_string(&request).unwrap(),
            None,
        )
        .await;
    assert_eq!(enrolled.status, 200, "{}", body(&enrolled));
    let device: QrDevice = serde_json::from_value(enrolled.json()).unwrap();
    assert_eq!(device.identifier, PAACO.1);
    phone.set_device(device);
    phone
}

/// A new code for the browser holding `cookie` (a new browser when `None`): the code and the
/// QR cookie to poll with.
async fn new_code(app: &TestApp, cookie: Option<&str>) -> (QrCode, String) {
    let answer = app
        .post_json("/api/login/qr", r#"{"portal":"paaco"}"#, cookie)
        .await;
    assert_eq!(answer.status, 200, "{}", body(&answer));
    let qr_cookie = answer.cookie_named(QR_COOKIE).expect("the QR cookie");
    if let Some(c) = cookie {
        assert_eq!(c, qr_cookie, "the browser keeps its QR cookie");
    }
    (serde_json::from_value(answer.json()).unwrap(), qr_cookie)
}

async fn poll(app: &TestApp, id: &str, cookie: &str) -> Answer {
    let request = serde_json::json!({ "id": id }).to_string();
    app.post_json("/api/login/qr/status", request, Some(cookie))
        .await
}

async fn status(app: &TestApp, id: &str, cookie: &str) -> QrStatus {
    let answer = poll(app, id, cookie).await;
    assert_eq!(answer.status, 200, "{}", body(&answer));
    serde_json::from_value(answer.json()).unwrap()
}

async fn request_info(app: &TestApp, payload: &str) -> Answer {
    let request = serde_json::json!({ "payload": payload }).to_string();
    app.post_json("/api/phone/request", request, None).await
}

async fn info(app: &TestApp, payload: &str) -> QrRequestInfo {
    let answer = request_info(app, payload).await;
    assert_eq!(answer.status, 200, "{}", body(&answer));
    serde_json::from_value(answer.json()).unwrap()
}

async fn approve_as(
    app: &TestApp,
    phone: &Phone,
    payload: &str,
    shown: &QrRequestInfo,
    digits: &str,
    pin: &str,
) -> Answer {
    let request = phone.approve_body(payload, shown, digits, pin).unwrap();
    app.post_json(
        "/api/phone/approve",
        serde_json::to_string(&request).unwrap(),
        None,
    )
    .await
}

async fn approve(app: &TestApp, phone: &Phone, code: &QrCode, pin: &str) -> Answer {
    let shown = info(app, &code.payload).await;
    approve_as(app, phone, &code.payload, &shown, &code.digits, pin).await
}

async fn decline(app: &TestApp, phone: &Phone, code: &QrCode) -> Answer {
    let shown = info(app, &code.payload).await;
    let request = phone.decline_body(&code.payload, &shown).unwrap();
    app.post_json(
        "/api/phone/decline",
        serde_json::to_string(&request).unwrap(),
        None,
    )
    .await
}

async fn events(app: &TestApp, id: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::get(format!("/api/login/qr/events?id={id}"));
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn a_phone_approves_and_the_browser_claims_its_session_once() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    assert!(code.svg.starts_with("<svg"));
    assert_eq!(code.digits.len(), 2);
    assert_eq!(code.expires_in, QR_LIFE_SECS);
    assert!(code.poll_ms > 0);
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);

    let shown = info(&app, &code.payload).await;
    assert_eq!(shown.portal.as_str(), "paaco");
    assert_eq!(shown.portal_name, "PAACO/Globule");
    assert_eq!(shown.origin, "http://127.0.0.1:8080");
    assert_eq!(shown.choices.len(), 3);
    assert_eq!(
        shown.choices.iter().filter(|c| **c == code.digits).count(),
        1
    );
    assert!(shown.place.contains("192.0.2.0/24"), "{}", shown.place);
    let answer = approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN).await;
    assert_eq!(answer.status, 204, "{}", body(&answer));

    let claimed = poll(&app, &code.id, &cookie).await;
    assert_eq!(claimed.status, 200, "{}", body(&claimed));
    let session_cookie = claimed
        .cookie_named(SESSION_COOKIE)
        .expect("the session cookie is set by the claim");
    let QrStatus::Approved { session } = serde_json::from_value(claimed.json()).unwrap() else {
        panic!("not approved: {}", body(&claimed));
    };
    assert_eq!(session.method, Method::Qr);
    assert_eq!(session.identifier, PAACO.1);
    let current = app.session(Some(&session_cookie)).await;
    assert_eq!(current.status, 200);
    let current: SessionInfo = serde_json::from_value(current.json()).unwrap();
    assert_eq!(current.method, Method::Qr);

    // Once: a second claim finds it used.
    poll(&app, &code.id, &cookie)
        .await
        .assert_error(ErrorCode::QrAlreadyUsed);
    let rows = app.audit_rows().await;
    let has = |event: &str, outcome: &str| {
        rows.iter()
            .any(|r| r.1 == event && r.5 == outcome && r.3 == PAACO.1)
    };
    assert!(has("qr_enrol", "success"), "{rows:?}");
    assert!(has("qr_approve", "success"), "{rows:?}");
    assert!(has("login_qr", "success"), "{rows:?}");
}

#[tokio::test]
async fn another_browser_can_neither_poll_nor_watch_nor_claim() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let (_, other) = new_code(&app, None).await;
    assert_ne!(cookie, other);
    poll(&app, &code.id, &other)
        .await
        .assert_error(ErrorCode::QrUnknown);
    let no_cookie = app
        .post_json(
            "/api/login/qr/status",
            serde_json::json!({ "id": code.id }).to_string(),
            None,
        )
        .await;
    no_cookie.assert_error(ErrorCode::QrUnknown);
    events(&app, &code.id, Some(&other))
        .await
        .assert_error(ErrorCode::QrUnknown);
    events(&app, &code.id, None)
        .await
        .assert_error(ErrorCode::QrUnknown);
    // Even once approved: the other browser gets nothing, the owner gets the session.
    assert_eq!(approve(&app, &phone, &code, PIN).await.status, 204);
    let stolen = poll(&app, &code.id, &other).await;
    stolen.assert_error(ErrorCode::QrUnknown);
    assert!(stolen.cookie_named(SESSION_COOKIE).is_none());
    assert!(matches!(
        status(&app, &code.id, &cookie).await,
        QrStatus::Approved { .. }
    ));
}

#[tokio::test]
async fn a_signature_over_another_origin_or_portal_is_refused() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let shown = info(&app, &code.payload).await;
    let mut elsewhere = shown.clone();
    elsewhere.origin = "https://portail-malveillant.example".into();
    approve_as(&app, &phone, &code.payload, &elsewhere, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrSignatureInvalid);
    let mut other_portal = shown.clone();
    other_portal.portal = sesame_core::PortalId::new("nexus").unwrap();
    approve_as(
        &app,
        &phone,
        &code.payload,
        &other_portal,
        &code.digits,
        PIN,
    )
    .await
    .assert_error(ErrorCode::QrSignatureInvalid);
    // Another key claiming the enrolled device.
    let mut impostor = Phone::new().unwrap();
    impostor.set_device(phone.device().unwrap().clone());
    approve_as(&app, &impostor, &code.payload, &shown, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrSignatureInvalid);
    // An unknown device.
    let mut stranger = Phone::new().unwrap();
    let mut device = phone.device().unwrap().clone();
    device.device = "0".repeat(32);
    stranger.set_device(device);
    approve_as(&app, &stranger, &code.payload, &shown, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrDeviceUnknown);
    // None of it moved the code: the right approval still works.
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);
    let ok = approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN).await;
    assert_eq!(ok.status, 204, "{}", body(&ok));
    let rows = app.audit_rows().await;
    assert!(rows
        .iter()
        .any(|r| r.1 == "qr_approve" && r.5 == "signature_invalid"));
}

#[tokio::test]
async fn an_approval_after_expiry_is_refused_unless_the_phone_started_in_time() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let life = i64::from(QR_LIFE_SECS);

    let (late, cookie) = new_code(&app, None).await;
    app.advance(life);
    request_info(&app, &late.payload)
        .await
        .assert_error(ErrorCode::QrExpired);
    let shown = QrRequestInfo {
        portal: sesame_core::PortalId::new("paaco").unwrap(),
        portal_name: String::new(),
        origin: "http://127.0.0.1:8080".into(),
        browser: String::new(),
        system: String::new(),
        place: String::new(),
        choices: Vec::new(),
        expires_in: 0,
    };
    approve_as(&app, &phone, &late.payload, &shown, &late.digits, PIN)
        .await
        .assert_error(ErrorCode::QrExpired);
    assert_eq!(status(&app, &late.id, &cookie).await, QrStatus::Expired);

    // Opened on the phone a second before the end: the PIN may be typed during the grace.
    let (code, cookie) = new_code(&app, Some(&cookie)).await;
    app.advance(life - 1);
    let shown = info(&app, &code.payload).await;
    assert_eq!(shown.expires_in, 1);
    app.advance(i64::from(QR_GRACE_SECS));
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);
    let ok = approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN).await;
    assert_eq!(ok.status, 204, "{}", body(&ok));
    assert!(matches!(
        status(&app, &code.id, &cookie).await,
        QrStatus::Approved { .. }
    ));
}

#[tokio::test]
async fn a_declined_code_cannot_be_approved_and_a_replay_is_refused() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let shown = info(&app, &code.payload).await;
    let declined = decline(&app, &phone, &code).await;
    assert_eq!(declined.status, 204, "{}", body(&declined));
    approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrDeclined);
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Declined);

    // The same approval sent twice: the second is a replay.
    let (code, cookie) = new_code(&app, Some(&cookie)).await;
    let shown = info(&app, &code.payload).await;
    let request = phone
        .approve_body(&code.payload, &shown, &code.digits, PIN)
        .unwrap();
    let request = serde_json::to_string(&request).unwrap();
    let first = app
        .post_json("/api/phone/approve", request.clone(), None)
        .await;
    assert_eq!(first.status, 204, "{}", body(&first));
    app.post_json("/api/phone/approve", request.clone(), None)
        .await
        .assert_error(ErrorCode::QrAlreadyUsed);
    assert!(matches!(
        status(&app, &code.id, &cookie).await,
        QrStatus::Approved { .. }
    ));
    // And after the claim.
    app.post_json("/api/phone/approve", request, None)
        .await
        .assert_error(ErrorCode::QrAlreadyUsed);
    let rows = app.audit_rows().await;
    assert!(rows
        .iter()
        .any(|r| r.1 == "qr_decline" && r.5 == "declined"));
    assert!(rows
        .iter()
        .any(|r| r.1 == "qr_approve" && r.5 == "already_used"));
}

#[tokio::test]
async fn wrong_digits_cancel_the_code() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let shown = info(&app, &code.payload).await;
    let wrong = shown
        .choices
        .iter()
        .find(|c| **c != code.digits)
        .unwrap()
        .clone();
    approve_as(&app, &phone, &code.payload, &shown, &wrong, PIN)
        .await
        .assert_error(ErrorCode::QrDigitsWrong);
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Declined);
    approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrDeclined);
}

#[tokio::test]
async fn pin_guesses_are_limited_then_the_device_is_locked() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let shown = info(&app, &code.payload).await;
    for n in 1..=MAX_PIN_FAILURES {
        let answer = approve_as(&app, &phone, &code.payload, &shown, &code.digits, "9157").await;
        let expected = if n < MAX_PIN_FAILURES {
            ErrorCode::QrPinWrong
        } else {
            ErrorCode::QrPinLocked
        };
        answer.assert_error(expected);
    }
    // Locked: the right PIN no longer helps, the code was never approved.
    approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN)
        .await
        .assert_error(ErrorCode::QrPinLocked);
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);
    let rows = app.audit_rows().await;
    let wrong = rows
        .iter()
        .filter(|r| r.1 == "qr_approve" && r.5 == "pin_wrong")
        .count();
    assert_eq!(wrong, usize::try_from(MAX_PIN_FAILURES - 1).unwrap());
    assert!(rows.iter().any(|r| r.5 == "pin_locked"));
}

#[tokio::test]
async fn a_right_pin_resets_the_count() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    for _ in 0..2 {
        let (code, _) = new_code(&app, None).await;
        let shown = info(&app, &code.payload).await;
        for _ in 1..MAX_PIN_FAILURES {
            approve_as(&app, &phone, &code.payload, &shown, &code.digits, "9157")
                .await
                .assert_error(ErrorCode::QrPinWrong);
        }
        let ok = approve_as(&app, &phone, &code.payload, &shown, &code.digits, PIN).await;
        assert_eq!(ok.status, 204, "{}", body(&ok));
    }
}

#[tokio::test]
async fn a_flood_of_codes_from_one_client_is_rate_limited() {
    let app = test_app().await;
    let (_, cookie) = new_code(&app, None).await;
    for _ in 1..QR_MAX_CREATES {
        new_code(&app, Some(&cookie)).await;
    }
    let flood = app
        .post_json("/api/login/qr", r#"{"portal":"paaco"}"#, None)
        .await;
    flood.assert_error(ErrorCode::RateLimited);
    assert!(flood.headers.contains_key(header::RETRY_AFTER));
    // The window passes.
    app.advance(61);
    new_code(&app, Some(&cookie)).await;
}

#[tokio::test]
async fn polls_too_close_together_are_told_to_slow_down() {
    let app = test_app().await;
    let (code, cookie) = new_code(&app, None).await;
    for _ in 0..QR_MAX_POLLS_PER_SEC {
        assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);
    }
    assert!(matches!(
        status(&app, &code.id, &cookie).await,
        QrStatus::SlowDown { retry_ms } if retry_ms > 0
    ));
    app.advance(1);
    assert_eq!(status(&app, &code.id, &cookie).await, QrStatus::Pending);
}

#[tokio::test]
async fn codes_need_a_portal_that_offers_qr() {
    let app = test_app().await;
    app.post_json("/api/login/qr", r#"{"portal":"spico"}"#, None)
        .await
        .assert_error(ErrorCode::MethodNotAvailable);
    app.post_json("/api/login/qr", r#"{"portal":"nowhere"}"#, None)
        .await
        .assert_error(ErrorCode::UnknownPortal);
    app.post_json("/api/login/qr", "", None)
        .await
        .assert_error(ErrorCode::InvalidRequest);
}

#[tokio::test]
async fn the_event_stream_pushes_the_approval_and_ends() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    let shown = info(&app, &code.payload).await;
    let approver = app.clone_handle();
    let (payload, digits) = (code.payload.clone(), code.digits.clone());
    let task = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        approve_as(&approver, &phone, &payload, &shown, &digits, PIN)
            .await
            .status
    });
    // The stream ends after its final event: the whole body can be read.
    let stream = events(&app, &code.id, Some(&cookie)).await;
    assert_eq!(stream.status, 200);
    assert!(stream.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert_eq!(stream.headers["x-accel-buffering"], "no");
    assert!(
        stream.cookie_named(SESSION_COOKIE).is_none(),
        "no session from a GET"
    );
    assert_eq!(task.await.unwrap(), 204);
    let text = body(&stream);
    let pending = text.find(r#"data: {"state":"pending"}"#).expect(&text);
    let approved = text
        .find(r#"data: {"state":"approved_pending_claim"}"#)
        .expect(&text);
    assert!(pending < approved, "{text}");
    assert!(text.contains("event: status"), "{text}");
    // The claim is the poll's.
    assert!(matches!(
        status(&app, &code.id, &cookie).await,
        QrStatus::Approved { .. }
    ));
    // A stream opened after the claim says so and ends.
    let after = body(&events(&app, &code.id, Some(&cookie)).await);
    assert!(
        after.contains("event: error") && after.contains("qr_already_used"),
        "{after}"
    );
}

#[tokio::test]
async fn the_event_stream_ends_on_a_decline_or_expiry() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, cookie) = new_code(&app, None).await;
    assert_eq!(decline(&app, &phone, &code).await.status, 204);
    let text = body(&events(&app, &code.id, Some(&cookie)).await);
    assert!(text.contains(r#"data: {"state":"declined"}"#), "{text}");
    let (code, cookie) = new_code(&app, Some(&cookie)).await;
    app.advance(i64::from(QR_LIFE_SECS));
    let text = body(&events(&app, &code.id, Some(&cookie)).await);
    assert!(text.contains(r#"data: {"state":"expired"}"#), "{text}");
}

/// The first frame of an open event stream's body, as text (`None` once it ended).
async fn next_frame(body: &mut Body) -> Option<String> {
    use http_body_util::BodyExt;
    let frame = body.frame().await?.unwrap();
    Some(String::from_utf8_lossy(&frame.into_data().unwrap()).into_owned())
}

#[tokio::test]
async fn a_move_wakes_only_its_codes_stream_and_a_dropped_stream_unregisters() {
    use futures_util::FutureExt;
    use tower::ServiceExt;
    let mut watch = None;
    let app = common::test_app_custom(test_config(), |state| {
        watch = Some(state.qr_watch().clone());
        state.with_portals(common::presets_without_captcha_after_failures())
    })
    .await;
    let watch = watch.unwrap();
    let phone = enrolled_phone(&app).await;
    let (a, cookie_a) = new_code(&app, None).await;
    let (b, cookie_b) = new_code(&app, None).await;
    let open = |id: &str, cookie: &str| {
        Request::get(format!("/api/login/qr/events?id={id}"))
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    let answer = app.router.clone().oneshot(open(&a.id, &cookie_a)).await;
    let mut stream_a = answer.unwrap().into_body();
    let answer = app.router.clone().oneshot(open(&b.id, &cookie_b)).await;
    let mut stream_b = answer.unwrap().into_body();
    let pending = r#"data: {"state":"pending"}"#;
    assert!(next_frame(&mut stream_a).await.unwrap().contains(pending));
    assert!(next_frame(&mut stream_b).await.unwrap().contains(pending));
    let (hash_a, hash_b) = (
        sesame_demo::token::hash(&a.id),
        sesame_demo::token::hash(&b.id),
    );
    assert_eq!(
        (watch.streams_for(&hash_a), watch.streams_for(&hash_b)),
        (1, 1)
    );
    assert_eq!(watch.wakes(), 0);

    // A's code moves: its stream is woken (once), says so and ends; B's is not woken.
    assert_eq!(approve(&app, &phone, &a, PIN).await.status, 204);
    let approved = next_frame(&mut stream_a).await.unwrap();
    assert!(
        approved.contains(r#"data: {"state":"approved_pending_claim"}"#),
        "{approved}"
    );
    assert!(
        next_frame(&mut stream_a).await.is_none(),
        "A's stream ended"
    );
    assert_eq!(watch.wakes(), 1, "only A's stream was woken");
    assert_eq!(watch.streams_for(&hash_a), 0, "an ended stream unregisters");
    assert_eq!(watch.streams_for(&hash_b), 1);
    assert!(
        next_frame(&mut stream_b).now_or_never().is_none(),
        "B's stream sends nothing new"
    );

    // The browser goes away: its stream's registration goes with it.
    drop(stream_b);
    assert_eq!(watch.streams_for(&hash_b), 0);
    assert_eq!(watch.streams(), 0);
    drop(stream_a);
}

#[tokio::test]
async fn codes_and_devices_survive_a_restart_and_are_shared_by_instances() {
    let dir = tempfile::tempdir().unwrap();
    let config = sesame_demo::Config {
        database_url: common::shared_database_url(dir.path(), "qr.sqlite"),
        ..test_config()
    };
    let first = test_app_with(config.clone()).await;
    let phone = enrolled_phone(&first).await;
    let (code, cookie) = new_code(&first, None).await;
    drop(first);
    // A restarted demo (or a second instance on the same database).
    let second = test_app_with(config.clone()).await;
    assert_eq!(status(&second, &code.id, &cookie).await, QrStatus::Pending);
    let third = test_app_with(config).await;
    // A stream on one instance learns of an approval written by another (the database's
    // `changed_at`, read by the instance's watcher).
    let watcher = second.clone_handle();
    let (id, browser) = (code.id.clone(), cookie.clone());
    let stream = tokio::spawn(async move { body(&events(&watcher, &id, Some(&browser)).await) });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(approve(&third, &phone, &code, PIN).await.status, 204);
    let text = stream.await.unwrap();
    assert!(
        text.contains(r#"data: {"state":"approved_pending_claim"}"#),
        "{text}"
    );
    assert!(matches!(
        status(&second, &code.id, &cookie).await,
        QrStatus::Approved { .. }
    ));
    poll(&third, &code.id, &cookie)
        .await
        .assert_error(ErrorCode::QrAlreadyUsed);
}

#[tokio::test]
async fn enrolment_needs_a_session_a_good_pin_and_a_fresh_code() {
    let app = test_app().await;
    app.post_json("/api/phone/enrolment", "", None)
        .await
        .assert_error(ErrorCode::NotAuthenticated);
    let login = app.login(PAACO.0, PAACO.1, PAACO.2).await;
    let session = login.cookie_named(SESSION_COOKIE).unwrap();
    let enrolment: QrEnrolment = serde_json::from_value(
        app.post_json("/api/phone/enrolment", "", Some(&session))
            .await
            .json(),
    )
    .unwrap();
    let phone = Phone::new().unwrap();
    let send =
        |pin: &str| serde_json::to_string(&phone.enrol_body(&enrolment.payload, pin)).unwrap();
    // A guessable PIN is refused without using the code.
    app.post_json("/api/phone/enrol", send("1234"), None)
        .await
        .assert_error(ErrorCode::QrPinWeak);
    app.post_json("/api/phone/enrol", send("12a4"), None)
        .await
        .assert_error(ErrorCode::InvalidRequest);
    let ok = app.post_json("/api/phone/enrol", send(PIN), None).await;
    assert_eq!(ok.status, 200, "{}", body(&ok));
    // Once.
    app.post_json("/api/phone/enrol", send(PIN), None)
        .await
        .assert_error(ErrorCode::QrEnrolmentInvalid);
    // Expired.
    let enrolment: QrEnrolment = serde_json::from_value(
        app.post_json("/api/phone/enrolment", "", Some(&session))
            .await
            .json(),
    )
    .unwrap();
    app.advance(i64::from(sesame_core::qr::ENROL_LIFE_SECS) + 1);
    let body = serde_json::to_string(&phone.enrol_body(&enrolment.payload, PIN)).unwrap();
    app.post_json("/api/phone/enrol", body, None)
        .await
        .assert_error(ErrorCode::QrEnrolmentInvalid);
    // The PIN never reaches the audit log.
    let rows = app.audit_rows().await;
    assert!(!format!("{rows:?}").contains(PIN));
}

#[tokio::test]
async fn garbage_to_the_phone_endpoints_is_4xx() {
    let app = test_app().await;
    let phone = enrolled_phone(&app).await;
    let (code, _) = new_code(&app, None).await;
    let device = phone.device().unwrap().device.clone();
    let huge = "A".repeat(20_000);
    let long_payload = format!("sesame-qr://{}", "a".repeat(5_000));
    let bodies: Vec<String> = vec![
        String::new(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        "\u{0}".into(),
        "{\"payload\":".into(),
        r#"{"payload":42}"#.into(),
        r#"{"payload":"nope"}"#.into(),
        serde_json::json!({ "payload": long_payload }).to_string(),
        serde_json::json!({ "payload": huge }).to_string(),
        serde_json::json!({"payload": code.payload, "device": "../../etc", "signature": "!!",
            "pin": "ab", "digits": "☃"})
        .to_string(),
        serde_json::json!({"payload": code.payload, "device": device, "signature": "",
            "pin": "", "digits": ""})
        .to_string(),
        serde_json::json!({"payload": code.payload, "device": device, "signature": "AAAA",
            "pin": PIN, "digits": code.digits})
        .to_string(),
        serde_json::json!({"payload": code.payload, "algorithm": "RS256", "public_key": "x",
            "pin": PIN})
        .to_string(),
        serde_json::json!({"payload": code.payload.replace("?k=", "?e="), "algorithm": "ES256",
            "public_key": phone.public_key(), "pin": "9157"})
        .to_string(),
        serde_json::json!({"payload": format!("sesame-qr://127.0.0.1:8080/api?e={}", "A".repeat(43)),
            "algorithm": "ES256", "public_key": "AAAA", "pin": "9157"})
        .to_string(),
        serde_json::json!({"payload": format!("sesame-qr://127.0.0.1:8080/api?e={}", "A".repeat(43)),
            "algorithm": "EdDSA", "public_key": "A".repeat(43), "pin": "9157"})
        .to_string(),
        serde_json::json!({ "id": "x" }).to_string(),
        serde_json::json!({ "id": "A".repeat(22) }).to_string(),
    ];
    let paths = [
        "/api/phone/request",
        "/api/phone/approve",
        "/api/phone/decline",
        "/api/phone/enrol",
        "/api/login/qr/status",
        "/api/login/qr",
    ];
    for path in paths {
        for b in &bodies {
            let answer = app.post_json(path, b.clone(), None).await;
            assert!(
                answer.status.is_client_error(),
                "{path} {b:.80}: {} {}",
                answer.status,
                body(&answer)
            );
            answer.error();
        }
    }
    for query in ["", "?id=", "?id=%00", "?id=../../", "?x=1&id=AAAA"] {
        let answer = app
            .send(
                Request::get(format!("/api/login/qr/events{query}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(answer.status, 404, "{query}");
        answer.assert_error(ErrorCode::QrUnknown);
    }
    // Nothing was approved by the garbage.
    let rows = app.audit_rows().await;
    assert!(!rows.iter().any(|r| r.1 == "qr_approve" && r.5 == "success"));
}

#[tokio::test]
async fn the_phone_library_works_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let config = sesame_demo::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: common::shared_database_url(dir.path(), "http.sqlite"),
        dev_mode: true,
        ..sesame_demo::Config::default()
    };
    let (addr, server) = sesame_demo::spawn(config).await.unwrap();
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();
    let post = |path: &str, body: &str, cookie: Option<&str>| {
        let mut r = http
            .post(format!("{base}/api{path}"))
            .header("content-type", "application/json")
            .header("x-sesame-csrf", "1")
            .header("origin", &base)
            .body(body.to_owned());
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let set_cookie = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
            .find(|v| v.starts_with(&format!("{name}=")))
            .unwrap()
    };
    let login = serde_json::json!({"portal": PAACO.0, "identifier": PAACO.1, "password": PAACO.2});
    let login = post("/login/password", &login.to_string(), None)
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let session = set_cookie(&login, SESSION_COOKIE);
    let enrolment: QrEnrolment = serde_json::from_slice(
        &post("/phone/enrolment", "", Some(&session))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(
        enrolment.payload.contains(&addr.to_string()),
        "{}",
        enrolment.payload
    );
    let state = dir.path().join("phone.json");
    let mut phone = Phone::load_or_new(&state).unwrap();
    let device = phone.enrol(&enrolment.payload, PIN).await.unwrap();
    assert_eq!(device.identifier, PAACO.1);
    phone.save(&state).unwrap();
    let phone = Phone::load_or_new(&state).unwrap();
    assert_eq!(phone.device().unwrap().device, device.device);

    let created = post("/login/qr", r#"{"portal":"paaco"}"#, None)
        .await
        .unwrap();
    let qr_cookie = set_cookie(&created, QR_COOKIE);
    let code: QrCode = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    let shown = phone.request(&code.payload).await.unwrap();
    assert_eq!(shown.origin, base);
    assert_eq!(shown.place, "cet ordinateur (this computer)");
    let wrong_pin = phone.approve(&code.payload, &code.digits, "9157").await;
    assert_eq!(wrong_pin.unwrap_err().code(), Some(ErrorCode::QrPinWrong));
    phone
        .approve(&code.payload, &code.digits, PIN)
        .await
        .unwrap();
    let replay = phone.approve(&code.payload, &code.digits, PIN).await;
    assert_eq!(replay.unwrap_err().code(), Some(ErrorCode::QrAlreadyUsed));
    let status = post(
        "/login/qr/status",
        &serde_json::json!({ "id": code.id }).to_string(),
        Some(&qr_cookie),
    )
    .await
    .unwrap();
    assert_eq!(status.status(), 200);
    let status: QrStatus = serde_json::from_slice(&status.bytes().await.unwrap()).unwrap();
    assert!(matches!(status, QrStatus::Approved { .. }), "{status:?}");

    // Declining through the library too.
    let created = post("/login/qr", r#"{"portal":"paaco"}"#, Some(&qr_cookie))
        .await
        .unwrap();
    let code: QrCode = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    phone.decline(&code.payload).await.unwrap();
    let again = phone.approve(&code.payload, &code.digits, PIN).await;
    assert_eq!(again.unwrap_err().code(), Some(ErrorCode::QrDeclined));
    server.abort();
}

#[tokio::test]
async fn the_phone_simulator_page_is_served_without_inline_script() {
    let app = test_app().await;
    let page = app
        .send(Request::get("/phone").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, 200);
    let html = body(&page);
    assert!(html.contains("Simulateur de téléphone"), "{html:.200}");
    assert!(html.contains(r#"<script type="module" src="/demo/phone.js"></script>"#));
    assert!(!html.contains("style="), "no inline style (CSP)");
    let script = app
        .send(Request::get("/demo/phone.js").body(Body::empty()).unwrap())
        .await;
    assert_eq!(script.status, 200);
    assert!(body(&script).contains("sesame-qr-approve-v1"));
    assert_eq!(
        sesame_core::qr::APPROVE_CONTEXT,
        b"sesame-qr-approve-v1\0",
        "phone.js signs with core's context"
    );
}
