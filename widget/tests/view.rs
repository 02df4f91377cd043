//! The widget's own rendering (`sesame_widget::view`) in real browsers: a render patches in
//! place (an input keeps its identity and what was typed), a component with another key is a
//! new one (the old one's effects torn down), placeholders keep siblings in place, `svg` is in
//! the SVG namespace, and `destroy` empties the host.
#![cfg(target_arch = "wasm32")]

use sesame_widget::view::prelude::*;
use sesame_widget::view::{self, UseStateHandle};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

mod common;

use common::{container, settle};

wasm_bindgen_test_configure!(run_in_browser);

/// A view over a number the test changes through `handle`.
fn mount_counter(
    root: &Element,
    render: impl Fn(u32) -> Html + 'static,
) -> (view::App, Rc<RefCell<Option<UseStateHandle<u32>>>>) {
    let handle = Rc::new(RefCell::new(None));
    let kept = handle.clone();
    let app = view::mount(root, move || {
        let n = use_state(|| 0u32);
        *kept.borrow_mut() = Some(n.clone());
        render(*n)
    });
    (app, handle)
}

async fn set(handle: &Rc<RefCell<Option<UseStateHandle<u32>>>>, n: u32) {
    let h = handle.borrow().clone().expect("rendered once");
    h.set(n);
    settle().await;
}

#[wasm_bindgen_test]
async fn a_render_patches_in_place_and_keeps_what_was_typed() {
    let root = container();
    let (app, n) = mount_counter(&root, |n| {
        el("form")
            .child(when(n % 2 == 1, || {
                el("p").class("odd").text("impair").into()
            }))
            .child(el("input").attr("name", "who"))
            .child(el("span").text(n.to_string()))
            .into()
    });
    let input: HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value("marie");
    set(&n, 1).await;
    assert!(
        root.query_selector("p.odd").unwrap().is_some(),
        "the placeholder filled"
    );
    let after: HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(input.is_same_node(Some(&after)), "the same input, patched");
    assert_eq!(after.value(), "marie", "what was typed is kept");
    assert_eq!(
        root.query_selector("span")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("1")
    );
    set(&n, 2).await;
    assert!(
        root.query_selector("p.odd").unwrap().is_none(),
        "the placeholder emptied"
    );
    let form = root.query_selector("form").unwrap().unwrap();
    assert_eq!(
        form.child_element_count(),
        2,
        "input and span, in their places"
    );
    app.destroy();
    settle().await;
    assert_eq!(root.child_nodes().length(), 0, "destroy empties the host");
}

#[wasm_bindgen_test]
async fn another_key_is_another_component_and_the_old_effects_are_torn_down() {
    let root = container();
    let torn = Rc::new(Cell::new(0u32));
    let seen = torn.clone();
    let (app, n) = mount_counter(&root, move |n| {
        let seen = seen.clone();
        comp(if n == 0 { "first" } else { "second" }, move || {
            let seen = seen.clone();
            let mine = use_state(|| 7u32);
            use_effect_with((), move |_| move || seen.set(seen.get() + 1));
            el("b").text(mine.to_string()).into()
        })
    });
    assert_eq!(torn.get(), 0);
    set(&n, 0).await;
    assert_eq!(
        torn.get(),
        0,
        "the same key: the same component, no teardown"
    );
    set(&n, 1).await;
    assert_eq!(
        torn.get(),
        1,
        "another key: the first one's effect torn down"
    );
    assert_eq!(
        root.query_selector("b")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("7")
    );
    app.destroy();
    assert_eq!(torn.get(), 2, "destroy tears down the second one");
}

#[wasm_bindgen_test]
async fn svg_is_made_in_the_svg_namespace_and_listeners_follow_renders() {
    let root = container();
    let clicks = Rc::new(Cell::new(0u32));
    let counted = clicks.clone();
    let (app, n) = mount_counter(&root, move |n| {
        let counted = counted.clone();
        // Each render a new callback adding `n + 1`: the DOM keeps one listener, calling the
        // latest.
        let add = Callback::from(move |_: MouseEvent| counted.set(counted.get() + n + 1));
        el("div")
            .child(
                el("svg")
                    .attr("viewBox", "0 0 1 1")
                    .child(el("circle").attr("r", "1")),
            )
            .child(el("button").attr("type", "button").on("click", add))
            .into()
    });
    let circle = root.query_selector("circle").unwrap().unwrap();
    assert_eq!(
        circle.namespace_uri().as_deref(),
        Some("http://www.w3.org/2000/svg")
    );
    let button: web_sys::HtmlElement = root
        .query_selector("button")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    assert_eq!(clicks.get(), 1);
    set(&n, 9).await;
    button.click();
    assert_eq!(clicks.get(), 11, "the listener of the latest render, once");
    app.destroy();
}
