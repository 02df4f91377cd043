//! The confirmation window: what a page asks, with the origin the browser gave (and the name
//! the page claims, marked as such); "allow" or "cancel".

use crate::texts::T;
use yew::prelude::*;

/// What the background says is waiting.
#[derive(Clone, PartialEq)]
enum Shown {
    Loading,
    Gone,
    Ask {
        ask: String,
        origin: String,
        name: Option<String>,
    },
    Answered,
}

/// The confirmation number in the page's address (`?c=<n>`).
fn number() -> f64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .and_then(|p| p.get("c"))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0.0)
}

#[cfg(target_arch = "wasm32")]
async fn send(message: serde_json::Value) -> Option<serde_json::Value> {
    let answer = crate::browser::runtime_send_message(&crate::browser::to_js(&message))
        .await
        .ok()?;
    crate::browser::from_js(&answer).map(|(_, v)| v)
}

#[cfg(not(target_arch = "wasm32"))]
async fn send(_: serde_json::Value) -> Option<serde_json::Value> {
    None
}

/// The confirmation window.
#[component]
pub fn Confirm() -> Html {
    let lang = super::lang();
    let shown = use_state(|| Shown::Loading);
    {
        let shown = shown.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let d = send(serde_json::json!({"kind": "confirm-details", "c": number()})).await;
                let s = match d {
                    Some(d) if d["found"] == true => Shown::Ask {
                        ask: d["ask"].as_str().unwrap_or_default().to_owned(),
                        origin: d["origin"].as_str().unwrap_or_default().to_owned(),
                        name: d["name"].as_str().map(str::to_owned),
                    },
                    _ => Shown::Gone,
                };
                shown.set(s);
            });
        });
    }
    let answer = |accepted: bool| {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            let shown = shown.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let m = serde_json::json!({"kind": "confirm-answer", "c": number(), "accepted": accepted});
                send(m).await;
                shown.set(Shown::Answered);
            });
        })
    };
    let body = match &*shown {
        Shown::Loading => html! { <p>{"…"}</p> },
        Shown::Gone => html! { <p role="alert">{T::RequestGone.get(lang)}</p> },
        Shown::Answered => html! { <p role="status">{"✓"}</p> },
        Shown::Ask { ask, origin, name } => {
            let (question, yes) = match ask.as_str() {
                "enable-bookmark" => (T::ConfirmEnableBookmark, T::AllowAndBookmark),
                "bookmark" => (T::ConfirmBookmark, T::AddTheBookmark),
                _ => (T::ConfirmEnable, T::Allow),
            };
            html! {
                <>
                    <p>{question.get(lang)}</p>
                    <p class="origin"><strong>{origin}</strong></p>
                    if let Some(name) = name {
                        <p>{T::PresentsItselfAs.get(lang).replacen("{}", name, 1)}</p>
                    }
                    <div class="actions">
                        <button type="button" class="primary" id="confirm-yes" onclick={answer(true)}>{yes.get(lang)}</button>
                        <button type="button" class="secondary" id="confirm-no" onclick={answer(false)}>{T::Cancel.get(lang)}</button>
                    </div>
                </>
            }
        }
    };
    html! {
        <>
            <h1>{T::ConfirmTitle.get(lang)}</h1>
            {body}
        </>
    }
}
