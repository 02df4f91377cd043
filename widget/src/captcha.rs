//! The "not a robot" step in the browser: the portal's proof of work (ALTCHA), solved off the
//! main thread by `pow_worker.js`, a Web Worker that wasm-bindgen writes beside the widget's
//! glue (`link_to!`, in `snippets/`: same origin, no `blob:` in the page's `worker-src`). The challenge is read and the solution written by core
//! (`CaptchaChallenge::read`, `CaptchaChallenge::payload`); the worker only hashes.

use crate::api::{Api, Js};
use js_sys::{Object, Reflect};
use sesame_core::wire::JsonValue;
use sesame_core::ErrorCode;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Solves a new challenge of the portal: the login's `captcha` value. `progress` is told the
/// share of numbers tried (0 to 1) now and then. A page without `crypto.subtle` (not https)
/// or without workers gets `captcha_unavailable`, said plainly, never a hang.
pub async fn proof_of_work(
    api: &Api,
    progress: impl Fn(f64) + 'static,
) -> Result<String, ErrorCode> {
    let challenge = api.captcha_challenge().await.map_err(|e| e.code)?;
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
