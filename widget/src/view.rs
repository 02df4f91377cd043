//! The widget's rendering: a small virtual DOM with function components and hooks, in place of
//! Yew in the bundle.
//!
//! Why by hand: Yew, with the `hashbrown`, `BTreeMap` and `indexmap` code it brings and its
//! generic code instantiated for the widget's types, was about 28 % of the widget's wasm
//! (twiggy, BENCHMARKS.md) — some 40 KB brotli of a 100 KB budget for the whole widget. No
//! well-kept crate offers function components with hooks at a few KB; this module keeps the
//! subset of Yew's model the widget uses, under the same names, so that the components read
//! as they did:
//!
//! - a view is a tree of [`Html`] nodes built with [`el`] (elements), strings (text),
//!   [`when`] (a node or nothing, keeping its place), lists and [`comp`] (a component);
//! - a component is a closure run with its own hooks ([`use_reducer`], [`use_state`],
//!   [`use_mut_ref`], [`use_node_ref`], [`use_memo`], [`use_effect_with`]), called in the same
//!   order at every render, as in Yew and React;
//! - a dispatch or a `set` schedules one render of the whole tree of its [`mount`] (a widget is
//!   a few dozen elements: the diff is cheap), in a microtask;
//! - the diff is positional: an element of the same tag in the same place is patched (so an
//!   input keeps its focus and caret), anything else replaced; a component is kept while it
//!   has the same key in the same place, else unmounted (its effects torn down) and a new one
//!   mounted;
//! - effects run after the DOM is patched, a component's after its children's.
//!
//! Nothing here panics on what a page does: a hook called out of order gets a fresh slot.

mod dom;
mod hooks;
mod node;

pub use dom::{mount, App};
pub use hooks::{
    use_effect_with, use_memo, use_mut_ref, use_node_ref, use_reducer, use_state, Reducible,
    TearDown, UseReducerHandle, UseStateHandle,
};
pub use node::{comp, el, when, Callback, El, Html, NodeRef};

/// The names the components use.
pub mod prelude {
    pub use super::{
        comp, el, use_effect_with, use_memo, use_mut_ref, use_node_ref, use_reducer, use_state,
        when, AttrValue, Callback, El, Html, NodeRef, Reducible, TargetCast, UseReducerHandle,
        UseStateHandle,
    };
    pub use wasm_bindgen_futures::spawn_local;
    pub use web_sys::{Event, FocusEvent, InputEvent, KeyboardEvent, MouseEvent, SubmitEvent};
}

/// An attribute's or a text's value: a `&'static str` without allocation, or an owned string.
pub type AttrValue = std::borrow::Cow<'static, str>;

/// An event's target as an element type, as Yew's `TargetCast`.
pub trait TargetCast {
    /// The target, assumed to be a `T`.
    fn target_unchecked_into<T: wasm_bindgen::JsCast>(&self) -> T;
    /// The target, if it is a `T`.
    fn target_dyn_into<T: wasm_bindgen::JsCast>(&self) -> Option<T>;
}

impl<E: AsRef<web_sys::Event>> TargetCast for E {
    fn target_unchecked_into<T: wasm_bindgen::JsCast>(&self) -> T {
        use wasm_bindgen::JsCast;
        self.as_ref()
            .target()
            .map(|t| t.unchecked_into::<T>())
            .unwrap_or_else(|| wasm_bindgen::JsValue::UNDEFINED.unchecked_into())
    }

    fn target_dyn_into<T: wasm_bindgen::JsCast>(&self) -> Option<T> {
        use wasm_bindgen::JsCast;
        self.as_ref().target().and_then(|t| t.dyn_into::<T>().ok())
    }
}
