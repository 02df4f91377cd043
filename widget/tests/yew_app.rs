//! `LoginWidget` for Yew apps (feature `yew`): a Yew app renders it, the widget appears in its
//! `div`, and its callbacks reach the app.
#![cfg(all(target_arch = "wasm32", feature = "yew"))]

use sesame_core::{ApiError, ErrorCode, Method, PortalConfig};
use sesame_widget::dom;
use sesame_widget::LoginWidget;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

mod common;

use common::{container, settle, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, PartialEq)]
struct AppProps {
    onerror: Callback<ApiError>,
}

#[function_component]
fn App(props: &AppProps) -> Html {
    let mut config = PortalConfig::spico();
    config.methods.retain(|o| o.method == Method::Password);
    html! {
        <LoginWidget config={Rc::new(config)} api_base="http://127.0.0.1:9/api"
            onerror={props.onerror.clone()} />
    }
}

#[wasm_bindgen_test]
async fn a_yew_app_renders_the_widget_and_hears_its_errors() {
    let root = container();
    let errors = Rc::new(RefCell::new(Vec::<ApiError>::new()));
    let seen = errors.clone();
    let onerror = Callback::from(move |e: ApiError| seen.borrow_mut().push(e));
    let app =
        yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { onerror }).render();
    let form = wait_for(&root, &dom::form(dom::form::PASSWORD)).await;
    for (field, value) in [
        (dom::field::IDENTIFIER, "marie.dupont"),
        (dom::field::PASSWORD, "x"),
    ] {
        let input: HtmlInputElement = form
            .query_selector(&dom::field(field))
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        input.set_value(value);
        let event = web_sys::Event::new("input").unwrap();
        input.dispatch_event(&event).unwrap();
    }
    settle().await;
    form.query_selector("button[type=\"submit\"]")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    wait_for(&root, "[role=\"alert\"].sesame-error").await;
    assert_eq!(
        errors.borrow().first().map(|e| e.code),
        Some(ErrorCode::NetworkError)
    );
    app.destroy();
    settle().await;
    assert!(root.query_selector("section.sesame").unwrap().is_none());
}
