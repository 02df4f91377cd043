//! The method chooser: one button per method that works, in the portal's order and words.

use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::{Lang, Method, PortalConfig};

/// `nav.sesame-chooser`: one button per method of `methods`, in the portal's words; a press
/// is told to `onchoose`; `first` is put on the first button (for focus). A function, not a component: see
/// [`error_message`](super::error_message::error_message).
#[inline(never)]
pub fn method_chooser(
    config: &PortalConfig,
    methods: &[Method],
    lang: Lang,
    onchoose: &Callback<Method>,
    first: &NodeRef,
) -> Html {
    let buttons = methods.iter().enumerate().map(|(i, &method)| {
        let label = config.method_label(method, lang).to_owned();
        let onclick = onchoose.reform(move |_: MouseEvent| method);
        el("li")
            .child(
                el("button")
                    .attr("type", "button")
                    .class("sesame-method")
                    .attr("data-method", method.as_str())
                    .on("click", onclick)
                    .text(label)
                    .node_ref_if(i == 0, first),
            )
            .into()
    });
    el("nav")
        .class("sesame-chooser")
        .attr("aria-label", T::ChooseMethod.get(lang))
        .child(
            el("p")
                .class("sesame-chooser-title")
                .text(T::ChooseMethod.get(lang)),
        )
        .child(el("ul").children(buttons))
        .into()
}
