//! The method chooser: one button per method that works, in the portal's order and words.

use crate::texts::T;
use sesame_core::{Lang, Method, PortalConfig};
use yew::prelude::*;

/// `nav.sesame-chooser`: one button per method of `methods`, in the portal's words; a press
/// is told to `onchoose`. A function, not a component: see
/// [`error_message`](super::error_message::error_message).
#[inline(never)]
pub fn method_chooser(
    config: &PortalConfig,
    methods: &[Method],
    lang: Lang,
    onchoose: &Callback<Method>,
) -> Html {
    let buttons = methods.iter().map(|&method| {
        let label = config.method_label(method, lang).to_owned();
        let onclick = onchoose.reform(move |_: MouseEvent| method);
        html! {
            <li>
                <button type="button" class="sesame-method" data-method={method.as_str()} {onclick}>
                    {label}
                </button>
            </li>
        }
    });
    html! {
        <nav class="sesame-chooser" aria-label={T::ChooseMethod.get(lang)}>
            <p class="sesame-chooser-title">{T::ChooseMethod.get(lang)}</p>
            <ul>{for buttons}</ul>
        </nav>
    }
}
