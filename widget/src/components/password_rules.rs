//! The live password checklist: each rule met or not, in words and with an icon (never colour
//! alone); a polite live region announces only the count of rules met, so a screen reader is
//! told when it changes, not at every keystroke.

use crate::dom;
use crate::texts::{rules_met, T};
use crate::view::prelude::*;
use sesame_core::password::RuleOutcome;
use sesame_core::Lang;

/// The checklist: `ul.sesame-rules > li[data-rule][data-met]`, `data-met` being `true`, `false`
/// or `on-submit`, of every rule's state in `outcomes` (in the policy's order), in `lang`; `id`
/// is the block's (for the new-password field's `aria-describedby`). A function, not a
/// component (see [`error_message`](super::error_message::error_message)).
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
        .map(|p| el("span").class("sesame-rule-problem").text(" — ").text(p));
        el("li")
            .attr("data-rule", o.rule.tag())
            .attr("data-met", data_met)
            .class(if data_met == "true" {
                "sesame-rule sesame-rule-met"
            } else {
                "sesame-rule"
            })
            .child(
                el("span")
                    .class("sesame-rule-icon")
                    .attr("aria-hidden", "true")
                    .text(icon),
            )
            .child(
                el("span")
                    .class("sesame-rule-text")
                    .child(state.map(|state| {
                        el("span")
                            .class("sesame-visually-hidden")
                            .text(state.get(lang))
                    }))
                    .text(o.rule.label(lang))
                    .child(problem),
            )
            .into()
    });
    el("div")
        .class("sesame-rules-block")
        .attr_opt("id", id)
        .child(
            el("p")
                .class("sesame-rules-title")
                .text(T::RulesTitle.get(lang)),
        )
        .child(el("ul").class("sesame-rules").children(items))
        .child(
            el("p")
                .class(dom::class::RULES_COUNT)
                .attr("aria-live", "polite")
                .text(rules_met(met, total, lang)),
        )
        .into()
}
