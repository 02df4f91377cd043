//! Moves keyboard focus to an element when it appears, if asked: when a view replaces the one
//! that had focus, focus must not fall back to the top of the page.

use super::use_effect_on::use_effect_on;
use crate::view::prelude::*;
use web_sys::HtmlElement;

/// A ref to put on the element; it gets focus once, on mount, when `wanted`.
pub fn use_focus_on_mount(wanted: bool) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_on(
            (),
            Box::new(move |_: &()| {
                if wanted {
                    if let Some(el) = node.cast::<HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                Box::new(())
            }),
        );
    }
    node
}
