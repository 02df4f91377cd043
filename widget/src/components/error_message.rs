//! An error in words: what happened and what to do next, plus the support contact when the
//! person cannot fix it alone.

use super::support_contact::SupportContact;
use crate::dom;
use crate::state::problem::Problem;
use sesame_core::portal::Support;
use sesame_core::Lang;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ErrorMessage`].
#[derive(Properties, PartialEq)]
pub struct ErrorMessageProps {
    /// What went wrong.
    pub problem: Problem,
    /// Interface language.
    pub lang: Lang,
    /// The support contact, shown when it helps.
    #[prop_or_default]
    pub support: Option<Rc<Support>>,
}

/// The error region: `role="alert"`, an icon and a text (never colour alone).
#[component]
pub fn ErrorMessage(props: &ErrorMessageProps) -> Html {
    let code = props.problem.code().map(|c| c.as_str());
    let support = props
        .support
        .clone()
        .filter(|_| props.problem.wants_support())
        .map(|support| html! { <SupportContact {support} lang={props.lang} /> });
    html! {
        <div class="sesame-error-block">
            <div role="alert" class={dom::class::ERROR} data-code={code}>
                <span class="sesame-error-icon" aria-hidden="true">{"!"}</span>
                <p>{props.problem.text(props.lang)}</p>
            </div>
            {support}
        </div>
    }
}
