//! The `<sesame-login>` custom element's Rust side: `mount(host)` renders the widget into the
//! element (light DOM) and dispatches `sesame-login`, `sesame-logout` and `sesame-error` events
//! on it. `assets/sesame-login.js` defines the element and calls it.

use crate::api::{object, Js};
use crate::components::login_widget::LoginWidget;
use crate::dom;
use crate::state::password_login::{Prefill, PrefillSlot};
use crate::texts::T;
use sesame_core::api::SessionInfo;
use sesame_core::wire::JsonValue;
use sesame_core::Secret;
use sesame_core::{ApiError, Lang, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element};
use yew::prelude::*;
use yew::AppHandle;

/// The preset used when the element has no `preset` attribute.
pub const DEFAULT_PRESET: &str = "paaco";
/// The API base used when the element has no `api` attribute.
pub const DEFAULT_API: &str = "/api";

/// Props of [`Embedded`].
#[derive(Properties, PartialEq)]
pub struct EmbeddedProps {
    /// The `preset` attribute.
    pub preset: AttrValue,
    /// The `api` attribute.
    pub api: AttrValue,
    /// The `lang` attribute.
    pub lang: Lang,
    /// The `extension` attribute: where to install the Sésame extension from; without it the
    /// widget does not offer the extension.
    #[prop_or_default]
    pub extension: Option<AttrValue>,
    /// The `<sesame-login>` element, where events are dispatched.
    pub host: Element,
    /// What the loader's first paint held.
    #[prop_or_default]
    pub prefill: PrefillSlot,
}

/// A bubbling, composed `CustomEvent` on `host` with `detail`.
fn fire(host: &Element, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// The body of a `sesame-login` event: the session, plus its method and assurance level in
/// words (the element's language), so a page that is not a Yew app can show them as they are.
fn login_detail(session: &SessionInfo, method_label: &str, assurance_label: &str) -> JsValue {
    let mut fields = session.string_fields().to_vec();
    fields.extend([
        ("method_label", method_label),
        ("assurance_label", assurance_label),
    ]);
    let detail = object(&fields);
    let _ = js_sys::Reflect::set(
        &detail,
        &JsValue::from_str("authenticated_at"),
        &JsValue::from_f64(session.authenticated_at as f64),
    );
    detail.into()
}

/// The widget as the custom element shows it: the preset by name, callbacks turned into DOM
/// events.
#[component]
pub fn Embedded(props: &EmbeddedProps) -> Html {
    let config = use_memo(props.preset.clone(), |id| {
        PortalConfig::preset(id).map(Rc::new)
    });
    let Some(config) = (*config).clone() else {
        return html! {
            <section class="sesame" lang={props.lang.tag()}>
                <p role="alert" class="sesame-error" data-code="unknown_portal">
                    {T::UnknownPreset.get(props.lang)}{" «\u{a0}"}{props.preset.clone()}{"\u{a0}»"}
                </p>
            </section>
        };
    };
    let (host, lang, portal) = (props.host.clone(), props.lang, config.clone());
    let onlogin = Callback::from(move |session: SessionInfo| {
        let detail = login_detail(
            &session,
            portal.method_label(session.method, lang),
            session.assurance.label(lang),
        );
        fire(&host, "sesame-login", &detail);
    });
    let host = props.host.clone();
    let onlogout = Callback::from(move |()| fire(&host, "sesame-logout", &JsValue::NULL));
    let host = props.host.clone();
    let onerror = Callback::from(move |error: ApiError| {
        let detail = object(&[("code", error.code.as_str()), ("message", &error.message)]);
        fire(&host, "sesame-error", &detail);
    });
    html! {
        <LoginWidget {config} api_base={props.api.clone()} lang={props.lang}
            {onlogin} {onlogout} {onerror} prefill={props.prefill.clone()}
            extension={props.extension.clone()} />
    }
}

/// A mounted widget; `destroy()` removes it (the element's `disconnectedCallback`).
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<Embedded>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Unmounts the widget and empties the element.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// What the loader's first paint held (`{identifier, password, focus, submit}`), or `None`.
fn read_prefill(typed: &JsValue) -> Option<Prefill> {
    let typed = Js(typed.clone());
    let text = |key: &str| typed.member(key).and_then(|v| v.string());
    typed.member("identifier")?;
    Some(Prefill {
        identifier: text("identifier").unwrap_or_default(),
        password: Secret::new(text("password").unwrap_or_default()),
        focus: text("focus").and_then(|f| {
            [dom::field::IDENTIFIER, dom::field::PASSWORD]
                .into_iter()
                .find(|name| *name == f)
        }),
        submit: typed
            .member("submit")
            .and_then(|v| v.boolean())
            .unwrap_or(false),
    })
}

/// Renders the widget into `host`, reading its `preset` (default `paaco`), `api` (default
/// `/api`), `lang` (default French) and `extension` (none) attributes. An unknown preset renders an error naming it.
/// `typed` is what the loader's first paint held (`null` when there was none): the password
/// form starts from it.
#[wasm_bindgen]
pub fn mount(host: Element, typed: JsValue) -> WidgetHandle {
    let attr = |name: &str| host.get_attribute(name).filter(|v| !v.trim().is_empty());
    let props = EmbeddedProps {
        preset: attr("preset")
            .map(|p| p.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_PRESET.into())
            .into(),
        api: attr("api").unwrap_or_else(|| DEFAULT_API.into()).into(),
        lang: attr("lang").map(|t| Lang::from_tag(&t)).unwrap_or_default(),
        extension: attr("extension").map(AttrValue::from),
        host: host.clone(),
        prefill: PrefillSlot::new(read_prefill(&typed)),
    };
    let app = yew::Renderer::<Embedded>::with_root_and_props(host, props).render();
    WidgetHandle { app: Some(app) }
}
