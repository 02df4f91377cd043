//! A password input with its label, a show/hide toggle and the caps-lock hint. Paste allowed.

use crate::dom;
use crate::texts::T;
use crate::view::prelude::*;
use sesame_core::Lang;
use web_sys::HtmlInputElement;

/// What [`password_field`] shows.
pub struct PasswordFieldProps {
    /// The input's id (unique on the page).
    pub id: AttrValue,
    /// The input's name (a DOM hook).
    pub name: AttrValue,
    /// The visible label.
    pub label: AttrValue,
    /// `current-password` or `new-password`.
    pub autocomplete: AttrValue,
    /// The value.
    pub value: AttrValue,
    /// Whether the value is shown in clear.
    pub shown: bool,
    /// The toggle was pressed.
    pub ontoggle: Callback<()>,
    /// The value changed.
    pub oninput: Callback<String>,
    /// Whether Caps Lock is on.
    pub caps_lock: bool,
    /// A key was pressed: Caps Lock on or off.
    pub oncapslock: Callback<bool>,
    /// Ids of elements describing the field (hint, checklist).
    pub describedby: Option<AttrValue>,
    /// `numeric` for digit-only passwords, else `text`.
    pub inputmode: AttrValue,
    /// Interface language.
    pub lang: Lang,
}

/// The password field. A function, not a component (it keeps no state: its parent form does):
/// see [`error_message`](super::error_message::error_message).
#[inline(never)]
pub fn password_field(props: PasswordFieldProps) -> Html {
    let lang = props.lang;
    let caps_id = format!("{}-caps", props.id);
    let mut describedby = props.describedby.as_deref().unwrap_or_default().to_owned();
    if props.caps_lock {
        if !describedby.is_empty() {
            describedby.push(' ');
        }
        describedby.push_str(&caps_id);
    }
    let oninput = props
        .oninput
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    // `change` too: some automation (WebDriver's clear) changes the value without `input`.
    let onchange = props
        .oninput
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let onkey = {
        let (caps_lock, oncapslock) = (props.caps_lock, props.oncapslock.clone());
        // Only on a change: a re-render at every key press is wasted work.
        Callback::from(move |e: KeyboardEvent| {
            let on = e.get_modifier_state("CapsLock");
            if on != caps_lock {
                oncapslock.emit(on);
            }
        })
    };
    let ontoggle = props.ontoggle.reform(|_: MouseEvent| ());
    el("div")
        .class("sesame-field")
        .child(
            el("label")
                .attr("for", props.id.clone())
                .text(props.label.clone()),
        )
        .child(
            el("div")
                .class("sesame-password-row")
                .child(
                    el("input")
                        .id(props.id.clone())
                        .attr("name", props.name.clone())
                        .attr("type", if props.shown { "text" } else { "password" })
                        .attr("autocomplete", props.autocomplete.clone())
                        .attr("inputmode", props.inputmode.clone())
                        .attr("spellcheck", "false")
                        .attr("autocapitalize", "off")
                        .attr_opt(
                            "aria-describedby",
                            (!describedby.is_empty()).then_some(describedby),
                        )
                        .value(props.value.clone())
                        .on("input", oninput)
                        .on("change", onchange)
                        .on("keydown", onkey.clone())
                        .on("keyup", onkey),
                )
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("sesame-toggle")
                        .attr("data-action", dom::action::TOGGLE_PASSWORD)
                        .attr("aria-pressed", if props.shown { "true" } else { "false" })
                        .attr("aria-controls", props.id.clone())
                        .attr("aria-label", T::ShowPassword.get(lang))
                        .on("click", ontoggle)
                        .child(
                            el("span")
                                .class("sesame-toggle-icon")
                                .attr("aria-hidden", "true")
                                .text(if props.shown { "◉" } else { "◎" }),
                        )
                        .text(T::Show.get(lang)),
                ),
        )
        .child(
            el("div")
                .class("sesame-capslock-region")
                .attr("aria-live", "polite")
                .child(when(props.caps_lock, || {
                    el("p")
                        .class("sesame-capslock")
                        .id(caps_id)
                        .text(T::CapsLock.get(lang))
                        .into()
                })),
        )
        .into()
}
