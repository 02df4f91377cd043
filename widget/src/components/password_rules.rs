//! The live password checklist: each rule met or not, in words and with an icon (never colour
//! alone); a polite live region announces only the count of rules met, so a screen reader is
//! told when it changes, not at every keystroke.

use crate::dom;
use crate::texts::{rules_met, T};
use sesame_core::password::RuleOutcome;
use sesame_core::Lang;
use yew::prelude::*;

/// Props of [`PasswordRules`].
#[derive(Properties, PartialEq)]
pub struct PasswordRulesProps {
    /// Every rule's state, in the policy's order.
    pub outcomes: Vec<RuleOutcome>,
    /// Interface language.
    pub lang: Lang,
    /// The list's id (for the new-password field's `aria-describedby`).
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// The checklist: `ul.sesame-rules > li[data-rule][data-met]`, `data-met` being `true`, `false`
/// or `on-submit` (for Yew apps; the widget's own forms call [`password_rules`]).
#[component]
pub fn PasswordRules(props: &PasswordRulesProps) -> Html {
    password_rules(&props.outcomes, props.lang, props.id.clone())
}

/// [`PasswordRules`] as a function: no component of its own in the widget (see
/// [`error_message`](super::error_message::error_message)).
#[inline(never)]
pub fn password_rules(outcomes: &[RuleOutcome], lang: Lang, id: Option<AttrValue>) -> Html {
    // A rule this build cannot check (the common-password list is on the server) is shown as
    // "checked on submit" and left out of the count.
    let checkable = || outcomes.iter().filter(|o| !o.rule.checked_on_submit());
    let met = checkable().filter(|o| o.met).count();
    let total = checkable().count();
    let items = outcomes.iter().map(|o| {
        let on_submit = o.rule.checked_on_submit();
        let (icon, state, data_met) = if on_submit {
            ("…", None, "on-submit")
        } else if o.met {
            ("✓", Some(T::RuleMet), "true")
        } else {
            ("✗", Some(T::RuleNotMet), "false")
        };
        let problem = if on_submit {
            Some(T::RuleOnSubmit.get(lang).into())
        } else if o.met {
            None
        } else {
            o.rule.problem(&o.found, lang)
        }
        .map(|p| html! { <span class="sesame-rule-problem">{" — "}{p}</span> });
        html! {
            <li data-rule={o.rule.tag()} data-met={data_met}
                class={if data_met == "true" { "sesame-rule sesame-rule-met" } else { "sesame-rule" }}>
                <span class="sesame-rule-icon" aria-hidden="true">{icon}</span>
                <span class="sesame-rule-text">
                    if let Some(state) = state {
                        <span class="sesame-visually-hidden">{state.get(lang)}</span>
                    }
                    {o.rule.label(lang)}
                    {problem}
                </span>
            </li>
        }
    });
    html! {
        <div class="sesame-rules-block" {id}>
            <p class="sesame-rules-title">{T::RulesTitle.get(lang)}</p>
            <ul class="sesame-rules">{for items}</ul>
            <p class={dom::class::RULES_COUNT} aria-live="polite">
                {rules_met(met, total, lang)}
            </p>
        </div>
    }
}
