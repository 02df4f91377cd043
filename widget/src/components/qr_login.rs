//! The QR-code login step: the portal's code (its SVG, as an image), the two digits to pick on
//! the phone, a ring counting down its 30 seconds; renewed by itself when it expires; the
//! outcome from polls of the portal (every `poll_ms`, slower after `slow_down` and on network
//! errors) and, where the browser has `EventSource`, from the portal's event stream, which
//! cuts the wait short: whichever answers first. Polling pauses while the tab is hidden, and a
//! code is not renewed until the person is back. Renders [`state::qr_login`](crate::state::qr_login).

use super::error_message::error_message;
use crate::api::{parse, Api};
use crate::dom;
use crate::hooks::use_effect_on::use_effect_on;
use crate::hooks::use_focus_on_mount::use_focus_on_mount;
use crate::hooks::use_uid::use_uid;
use crate::state::qr_login::{Action, Phase, QrLogin};
use crate::texts::T;
use crate::view::prelude::*;
use gloo_timers::callback::Interval;
use js_sys::{Function, Promise};
use sesame_core::api::{paths, SessionInfo};
use sesame_core::qr::{QrCreateRequest, QrStatus, QrStatusRequest};
use sesame_core::{ApiError, ErrorCode};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Props of the QR login ([`use_qr_login`]; its `label` titles the step).
pub type QrLoginProps = super::cps_login::MethodStepProps;

/// Errors worth trying again: the network, or a portal that is restarting or busy.
fn passing(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::NetworkError
            | ErrorCode::ServerBusy
            | ErrorCode::InternalError
            | ErrorCode::UnknownError
    )
}

fn hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Waits `ms`, or less if `wake` is called meanwhile.
async fn sleep(ms: u32, wake: &RefCell<Option<Function>>) {
    let mut resolve = None;
    let done = Promise::new(&mut |r, _| resolve = Some(r));
    if let (Some(r), Some(window)) = (resolve, web_sys::window()) {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&r, ms as i32);
        *wake.borrow_mut() = Some(r);
    }
    let _ = JsFuture::from(done).await;
}

/// An open event stream and what it calls on news (kept alive with it).
type Stream = (web_sys::EventSource, Closure<dyn Fn(web_sys::MessageEvent)>);

/// The portal's event stream for code `id`: any news but "pending" wakes the poll at once
/// (which then claims an approval). `None` where the browser has no `EventSource`.
fn listen(api: &Api, id: &str, wake: Rc<RefCell<Option<Function>>>) -> Option<Stream> {
    let url = [&api.url(paths::LOGIN_QR_EVENTS), "?id=", id].concat();
    // With the API's cookies when it is on another origin (`withCredentials`, as `fetch` does).
    let init = web_sys::EventSourceInit::new();
    init.set_with_credentials(true);
    let events = web_sys::EventSource::new_with_event_source_init_dict(&url, &init).ok()?;
    let news = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let status = e
            .data()
            .as_string()
            .and_then(|d| parse(&d))
            .and_then(|v| QrStatus::read(&v));
        if status != Some(QrStatus::Pending) {
            if let Some(wake) = wake.borrow_mut().take() {
                let _ = wake.call0(&JsValue::NULL);
            }
        }
    });
    let _ = events.add_event_listener_with_callback("status", news.as_ref().unchecked_ref());
    Some((events, news))
}

/// What a watcher of one code needs.
struct Watch {
    api: Api,
    id: String,
    generation: u32,
    poll_ms: u32,
    state: UseReducerHandle<QrLogin>,
    alive: Rc<Cell<bool>>,
    onlogin: Callback<SessionInfo>,
    onerror: Callback<ApiError>,
}

/// Follows one code until its outcome (or the step is gone): polls, woken early by the
/// event stream. An older code keeps being followed until the portal calls it expired, so
/// that an approval in the portal's grace window still logs in.
async fn watch(w: Watch) {
    let wake = Rc::new(RefCell::new(None));
    let events = listen(&w.api, &w.id, wake.clone());
    let request = QrStatusRequest { id: w.id };
    let (g, mut delay, mut failures) = (w.generation, w.poll_ms, 0u32);
    while w.alive.get() {
        sleep(delay, &wake).await;
        if !w.alive.get() {
            break;
        }
        if hidden() {
            delay = 1000;
            continue;
        }
        delay = w.poll_ms;
        match w.api.qr_status(&request).await {
            Ok(QrStatus::Pending | QrStatus::ApprovedPendingClaim) => {
                if failures > 0 {
                    failures = 0;
                    w.state.dispatch(Action::Pending(g));
                }
            }
            Ok(QrStatus::SlowDown { retry_ms }) => delay = retry_ms,
            Ok(QrStatus::Approved { session }) => {
                w.state.dispatch(Action::Approved(g));
                w.onlogin.emit(session);
                break;
            }
            Ok(QrStatus::Declined) => {
                w.state.dispatch(Action::Declined(g));
                break;
            }
            Ok(QrStatus::Expired) => {
                w.state.dispatch(Action::Expired(g));
                break;
            }
            Err(e) if passing(e.code) => {
                failures += 1;
                w.state.dispatch(Action::Offline(g));
                delay = (1000u32 << failures.min(4)).min(15_000);
            }
            Err(e) => {
                w.state.dispatch(Action::Failed(g, e.code));
                w.onerror.emit(e);
                break;
            }
        }
    }
    if let Some((events, _news)) = events {
        events.close();
    }
}

/// The QR-code login, rendered in the widget by the one component type of
/// [`part`](super::part).
pub(crate) fn use_qr_login(props: &QrLoginProps) -> Html {
    let lang = props.lang;
    let state = use_reducer(QrLogin::default);
    let section = use_focus_on_mount(props.autofocus);
    let uid = use_uid();
    // False once the step is gone: its watchers stop.
    let alive = use_mut_ref(|| Rc::new(Cell::new(true)));
    {
        struct Stop(Rc<Cell<bool>>);
        impl Drop for Stop {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        let alive = alive.borrow().clone();
        use_effect_on((), Box::new(move |_: &()| Box::new(Stop(alive))));
    }
    {
        // A new code whenever one is wanted, once the person is looking.
        let (state_, api, portal) = (state.clone(), props.api.clone(), props.portal.clone());
        let (onerror, alive) = (props.onerror.clone(), alive.borrow().clone());
        use_effect_on(
            state.wants_code(),
            Box::new(move |wanted: &bool| {
                if *wanted {
                    let state = state_.clone();
                    spawn_local(async move {
                        let nap = RefCell::new(None);
                        let request = QrCreateRequest { portal };
                        let mut tries = 0;
                        while alive.get() {
                            if hidden() {
                                sleep(1000, &nap).await;
                                continue;
                            }
                            match api.qr_code(&request).await {
                                Ok(code) => {
                                    state.dispatch(Action::Received(code, js_sys::Date::now()));
                                    break;
                                }
                                Err(e) if passing(e.code) && tries < 3 => {
                                    tries += 1;
                                    sleep(2000, &nap).await;
                                }
                                Err(e) => {
                                    state.dispatch(Action::Failed(state.generation, e.code));
                                    onerror.emit(e);
                                    break;
                                }
                            }
                        }
                    });
                }
                Box::new(())
            }),
        );
    }
    {
        // Each new code is followed until its outcome.
        let (state_, api) = (state.clone(), props.api.clone());
        let (onlogin, onerror, alive) = (
            props.onlogin.clone(),
            props.onerror.clone(),
            alive.borrow().clone(),
        );
        use_effect_on(
            state.generation,
            Box::new(move |generation: &u32| {
                if let Some(shown) = state_.shown.as_ref().filter(|_| *generation > 0) {
                    spawn_local(watch(Watch {
                        api,
                        id: shown.code.id.clone(),
                        generation: *generation,
                        poll_ms: shown.code.poll_ms.max(500),
                        state: state_.clone(),
                        alive,
                        onlogin,
                        onerror,
                    }));
                }
                Box::new(())
            }),
        );
    }
    {
        // The countdown ticks while a code is shown.
        let state = state.clone();
        use_effect_on(
            state.phase == Phase::Showing,
            Box::new(move |showing: &bool| {
                Box::new(showing.then(|| {
                    Interval::new(1_000, move || {
                        state.dispatch(Action::Tick(js_sys::Date::now()))
                    })
                }))
            }),
        );
    }
    let onrenew = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Renew))
    };
    let title_id = [uid.as_str(), "-qr"].concat();
    let said = match state.phase {
        Phase::Loading | Phase::Renewing => T::QrNewCode.get(lang),
        Phase::Showing if state.offline => T::QrOffline.get(lang),
        Phase::Showing => T::QrWaiting.get(lang),
        Phase::Expired => T::QrExpired.get(lang),
        Phase::Declined | Phase::Approved | Phase::Failed => "",
    };
    let code = state.shown.as_ref().map(|shown| {
        let src: String = [
            "data:image/svg+xml,",
            &String::from(js_sys::encode_uri_component(&shown.code.svg)),
        ]
        .concat();
        // The ring: the share of the code's life left, as a dash of a circle 100 long.
        let total = shown.code.expires_in.max(1);
        let left = (state.remaining.min(total) * 100 / total).to_string();
        Html::List(vec![
            el("p").text(T::QrScan.get(lang)).into(),
            el("div")
                .class("sesame-qr-frame")
                .child(
                    el("img")
                        .class(dom::class::QR_CODE)
                        .attr("src", src)
                        .attr("alt", T::QrAlt.get(lang))
                        .attr("width", "200")
                        .attr("height", "200"),
                )
                .into(),
            el("p")
                .class("sesame-qr-pick")
                .text(T::QrPick.get(lang))
                .text(" ")
                .child(
                    el("strong")
                        .class(dom::class::QR_DIGITS)
                        .text(shown.code.digits.clone()),
                )
                .into(),
            el("p")
                .class("sesame-qr-countdown")
                .attr("aria-hidden", "true")
                .child(
                    el("svg")
                        .class("sesame-qr-ring")
                        .attr("viewBox", "0 0 36 36")
                        .attr("width", "28")
                        .attr("height", "28")
                        .child(ring_circle("sesame-qr-track"))
                        .child(
                            ring_circle("sesame-qr-left")
                                .attr("stroke-dasharray", [left.as_str(), " 100"].concat()),
                        ),
                )
                .text(T::QrExpiresIn.get(lang))
                .text(" ")
                .text(state.remaining.to_string())
                .text("\u{a0}s")
                .into(),
        ])
    });
    el("section")
        .class([dom::class::QR, " sesame-form"].concat())
        .attr("data-state", state.phase.as_str())
        .attr("aria-labelledby", title_id.clone())
        .attr("tabindex", "-1")
        .node_ref(&section)
        .child(
            el("h3")
                .id(title_id)
                .class("sesame-form-title")
                .text(props.label.clone()),
        )
        .child(
            state
                .problem
                .as_ref()
                .map(|problem| error_message(problem, lang, Some(&*props.support))),
        )
        .child(code)
        .child(
            el("p")
                .attr("role", "status")
                .class(dom::class::QR_STATUS)
                .text(said),
        )
        .child(when(state.offers_renew(), || {
            el("button")
                .attr("type", "button")
                .class("sesame-primary")
                .attr("data-action", dom::action::QR_RENEW)
                .on("click", onrenew)
                .text(T::QrRenew.get(lang))
                .into()
        }))
        .into()
}

/// One circle of the countdown ring (the track, or what is left), 100 long.
fn ring_circle(class: &'static str) -> El {
    el("circle")
        .attr("cx", "18")
        .attr("cy", "18")
        .attr("r", "15")
        .attr("pathLength", "100")
        .class(class)
}
