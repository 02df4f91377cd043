//! A password input with its label, a show/hide toggle and the caps-lock hint. Paste allowed.

use crate::dom;
use crate::texts::T;
use sesame_core::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
    html! {
        <div class="sesame-field">
            <label for={props.id.clone()}>{props.label.clone()}</label>
            <div class="sesame-password-row">
                <input id={props.id.clone()} name={props.name.clone()}
                    type={if props.shown { "text" } else { "password" }}
                    autocomplete={props.autocomplete.clone()}
                    inputmode={props.inputmode.clone()}
                    spellcheck="false" autocapitalize="off"
                    aria-describedby={(!describedby.is_empty()).then_some(describedby)}
                    value={props.value.clone()} {oninput} {onchange}
                    onkeydown={onkey.clone()} onkeyup={onkey} />
                <button type="button" class="sesame-toggle" data-action={dom::action::TOGGLE_PASSWORD}
                    aria-pressed={props.shown.to_string()} aria-controls={props.id.clone()}
                    aria-label={T::ShowPassword.get(lang)} onclick={ontoggle}>
                    <span class="sesame-toggle-icon" aria-hidden="true">
                        {if props.shown { "◉" } else { "◎" }}
                    </span>
                    {T::Show.get(lang)}
                </button>
            </div>
            <div class="sesame-capslock-region" aria-live="polite">
                if props.caps_lock {
                    <p class="sesame-capslock" id={caps_id}>{T::CapsLock.get(lang)}</p>
                }
            </div>
        </div>
    }
}
