//! The method chooser: one button per method that works, in the portal's order and words.

use crate::texts::T;
use sesame_core::{Lang, Method, PortalConfig};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`MethodChooser`].
#[derive(Properties, PartialEq)]
pub struct MethodChooserProps {
    /// The portal.
    pub config: Rc<PortalConfig>,
    /// The methods that work.
    pub methods: Vec<Method>,
    /// Interface language.
    pub lang: Lang,
    /// A method was chosen.
    pub onchoose: Callback<Method>,
}

/// `button[data-method]` for each method.
#[component]
pub fn MethodChooser(props: &MethodChooserProps) -> Html {
    let lang = props.lang;
    let buttons = props.methods.iter().map(|&method| {
        let label = props.config.method_label(method, lang).to_owned();
        let onclick = props.onchoose.reform(move |_: MouseEvent| method);
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
