//! The "not a robot" step in the browser.
//!
//! - The portal's proof of work (ALTCHA), solved off the main thread by `pow_worker.js`, a Web
//!   Worker that wasm-bindgen writes beside the widget's glue (`link_to!`, in `snippets/`: same
//!   origin, no `blob:` in the page's `worker-src`). The challenge is read and the solution
//!   written by core (`CaptchaStart::read`, `CaptchaChallenge::payload`); the worker only hashes.
//! - A hosted provider (reCAPTCHA v2, hCaptcha, Turnstile): its script loaded on demand, once
//!   per page, with explicit render and an `onload` callback (core's table:
//!   `CaptchaProvider::{global, language_in_url}`), then `render(box, {sitekey, callback,
//!   "expired-callback", "error-callback"})`; a script that does not load within
//!   [`SCRIPT_WAIT_MS`] (no network, a content blocker, the page's CSP) is `captcha_blocked`.

use crate::api::Js;
use js_sys::{Function, Object, Reflect};
use sesame_core::captcha::{CaptchaChallenge, HostedCaptcha};
use sesame_core::wire::JsonValue;
use sesame_core::{ErrorCode, Lang};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Solves the portal's challenge: the login's `captcha` value. `progress` is told the
/// share of numbers tried (0 to 1) now and then. A page without `crypto.subtle` (not https)
/// or without workers gets `captcha_unavailable`, said plainly, never a hang.
pub async fn proof_of_work(
    challenge: CaptchaChallenge,
    progress: impl Fn(f64) + 'static,
) -> Result<String, ErrorCode> {
    let url = wasm_bindgen::link_to!(module = "/src/pow_worker.js");
    let worker = web_sys::Worker::new(&url).map_err(|_| ErrorCode::CaptchaUnavailable)?;
    let asked = Object::new();
    for (k, v) in [
        ("salt", JsValue::from_str(&challenge.salt)),
        ("challenge", JsValue::from_str(&challenge.challenge)),
        ("max", JsValue::from_f64(challenge.maxnumber as f64)),
    ] {
        let _ = Reflect::set(&asked, &k.into(), &v);
    }
    let resolve: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
    let answer = js_sys::Promise::new(&mut |r, _| *resolve.borrow_mut() = Some(r));
    let on_message = {
        let resolve = resolve.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = Js(e.data());
            match data.member("progress").and_then(|p| p.number()) {
                Some(p) => progress(p),
                None => {
                    if let Some(r) = resolve.borrow_mut().take() {
                        let _ = r.call1(&JsValue::NULL, &data.0);
                    }
                }
            }
        })
    };
    let on_error = {
        let resolve = resolve.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(r) = resolve.borrow_mut().take() {
                let _ = r.call1(&JsValue::NULL, &JsValue::NULL);
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let _ = worker.post_message(&asked);
    let outcome = Js(JsFuture::from(answer).await.unwrap_or(JsValue::NULL));
    worker.terminate();
    drop((on_message, on_error));
    match outcome.member("number").and_then(|n| n.number()) {
        Some(n) if n >= 0.0 => Ok(challenge.payload(n as u64)),
        // No number fits (a challenge that is not one), the worker failed or found no
        // `crypto.subtle`: the step cannot be done on this page.
        _ => Err(ErrorCode::CaptchaUnavailable),
    }
}

/// How long a hosted provider's script may take to load and call back.
pub const SCRIPT_WAIT_MS: i32 = 15_000;

/// The page-wide name of the `onload` callback the provider's script calls when ready.
const ONLOAD: &str = "sesameCaptchaLoaded";

/// What a hosted provider's box says.
pub enum Said {
    /// Ticked: the token to send as the login's `captcha`.
    Token(String),
    /// The token expired unused (reCAPTCHA: after 2 minutes).
    Expired,
    /// The provider failed (network lost inside its frame…).
    Failed,
}

/// A hosted provider's box on the page.
pub struct Hosted {
    global: JsValue,
    id: JsValue,
}

impl Hosted {
    /// Clears the box so that the person ticks it again (a token is good for one login).
    pub fn reset(&self) {
        if let Ok(reset) = Reflect::get(&self.global, &"reset".into()) {
            if let Ok(reset) = reset.dyn_into::<Function>() {
                let _ = reset.call1(&self.global, &self.id);
            }
        }
    }
}

/// Loads `provider`'s script if the page does not have it yet, and renders its box in `into`;
/// what the box says goes to `on`. `captcha_blocked` when the script does not come.
pub async fn hosted(
    provider: &HostedCaptcha,
    into: &web_sys::Element,
    lang: Lang,
    on: impl Fn(Said) + 'static,
) -> Result<Hosted, ErrorCode> {
    let blocked = ErrorCode::CaptchaBlocked;
    let window = web_sys::window().ok_or(blocked)?;
    let name = provider.provider.global().ok_or(blocked)?;
    let render = |window: &web_sys::Window| {
        let global = Reflect::get(window, &name.into()).ok()?;
        let render = Reflect::get(&global, &"render".into()).ok()?;
        Some((global, render.dyn_into::<Function>().ok()?))
    };
    if render(&window).is_none() {
        let mut src = provider.script.clone();
        src.push(if src.contains('?') { '&' } else { '?' });
        src.push_str("onload=");
        src.push_str(ONLOAD);
        src.push_str("&render=explicit");
        if provider.provider.language_in_url() {
            src.push_str("&hl=");
            src.push_str(lang.tag());
        }
        let document = window.document().ok_or(blocked)?;
        let script = document.create_element("script").map_err(|_| blocked)?;
        let mut resolve = None;
        let loaded = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
        let resolve = resolve.ok_or(blocked)?;
        // Each way out resolves the promise: ready (true), failed or too slow (false).
        let ready: Function = resolve
            .bind1(&JsValue::NULL, &JsValue::TRUE)
            .unchecked_into();
        let failed: Function = resolve
            .bind1(&JsValue::NULL, &JsValue::FALSE)
            .unchecked_into();
        let _ = Reflect::set(&window, &ONLOAD.into(), &ready);
        let _ = Reflect::set(&script, &"onerror".into(), &failed);
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&failed, SCRIPT_WAIT_MS);
        let _ = script.set_attribute("src", &src);
        let _ = script.set_attribute("async", "");
        let _ = document.head().ok_or(blocked)?.append_child(&script);
        let ok = JsFuture::from(loaded).await.ok().and_then(|v| v.as_bool());
        let _ = Reflect::delete_property(&window, &ONLOAD.into());
        if ok != Some(true) {
            // Gone, so that "check again" fetches it anew.
            script.remove();
            return Err(blocked);
        }
    }
    let (global, render) = render(&window).ok_or(blocked)?;
    let on = Rc::new(on);
    let params = Object::new();
    let said = |f: fn(JsValue) -> Said| {
        let on = on.clone();
        Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| on(f(v))).into_js_value()
    };
    let members = [
        (
            "sitekey",
            JsValue::from_str(provider.provider.site_key().unwrap_or("")),
        ),
        (
            "callback",
            said(|token| Said::Token(token.as_string().unwrap_or_default())),
        ),
        ("expired-callback", said(|_| Said::Expired)),
        ("error-callback", said(|_| Said::Failed)),
    ];
    for (k, v) in members {
        let _ = Reflect::set(&params, &k.into(), &v);
    }
    if !provider.provider.language_in_url() {
        let _ = Reflect::set(&params, &"language".into(), &lang.tag().into());
    }
    let id = render
        .call2(&global, into, &params)
        .map_err(|_| ErrorCode::CaptchaUnavailable)?;
    Ok(Hosted { global, id })
}
