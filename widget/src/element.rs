//! The `<sesame-login>` custom element's Rust side: `mount(host)` renders the widget into the
//! element (light DOM) and dispatches `sesame-login`, `sesame-logout` and `sesame-error` events
//! on it. `assets/sesame-login.js` defines the element and calls it.

use crate::api::{object, Js};
use crate::components::login_widget::LoginWidgetProps;
use crate::components::part::{part, Part};
use crate::dom;
use crate::state::password_login::{Prefill, PrefillSlot};
use crate::texts::T;
use crate::view::{self, AttrValue, Callback};
use sesame_core::api::SessionInfo;
use sesame_core::wire::JsonValue;
use sesame_core::Secret;
use sesame_core::{ApiError, ErrorCode, Lang, PortalConfig};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// The preset used when the element has no `preset` attribute.
pub const DEFAULT_PRESET: &str = "paaco";
/// The API base used when the element has no `api` attribute.
pub const DEFAULT_API: &str = "/api";

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

/// A failure where the widget would be — an unknown preset, a portal configuration that could
/// not be loaded or read —: `section.sesame > p[role=alert][data-code]`, built with the DOM (a
/// view for it would be rendered the same way); a `sesame-error` event
/// with the same code and text, for the portal team.
fn failure(host: &Element, lang: Lang, code: ErrorCode, parts: &[&str]) -> Option<Element> {
    // Only DOM calls the view's own code already imports: no more JS glue.
    let document = web_sys::window()?.document()?;
    let element = |name: &str, attributes: &[(&str, &str)]| {
        let element = document.create_element(name).ok()?;
        for (name, value) in attributes {
            let _ = element.set_attribute(name, value);
        }
        Some(element)
    };
    let section = element("section", &[("class", "sesame"), ("lang", lang.tag())])?;
    let alert = element(
        "p",
        &[
            ("role", "alert"),
            ("class", "sesame-error"),
            ("data-code", code.as_str()),
        ],
    )?;
    let mut message = String::new();
    for part in parts {
        message.push_str(part);
    }
    let _ = alert.insert_before(&document.create_text_node(&message), None);
    let _ = section.insert_before(&alert, None);
    let _ = host.insert_before(&section, None);
    let detail = object(&[("code", code.as_str()), ("message", &message)]);
    fire(host, "sesame-error", &detail);
    Some(section)
}

/// The widget as the custom element shows it: callbacks turned into DOM events.
fn widget_props(config: Rc<PortalConfig>, host: &Element, lang: Lang) -> LoginWidgetProps {
    let (host_, portal) = (host.clone(), config.clone());
    let onlogin = Callback::from(move |session: SessionInfo| {
        let detail = login_detail(
            &session,
            portal.method_label(session.method, lang),
            session.assurance.label(lang),
        );
        fire(&host_, "sesame-login", &detail);
    });
    let host_ = host.clone();
    let onlogout = Callback::from(move |()| fire(&host_, "sesame-logout", &JsValue::NULL));
    let host_ = host.clone();
    let onerror = Callback::from(move |error: ApiError| {
        let detail = object(&[("code", error.code.as_str()), ("message", &error.message)]);
        fire(&host_, "sesame-error", &detail);
    });
    LoginWidgetProps {
        config,
        api_base: DEFAULT_API.into(),
        lang,
        onlogin,
        onlogout,
        onerror,
        prefill: PrefillSlot::default(),
        extension: None,
    }
}

/// A mounted widget; `destroy()` removes it (the element's `disconnectedCallback`).
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<view::App>,
    /// The unknown-preset or configuration error instead of the widget.
    error: Option<Element>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Unmounts the widget and empties the element.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        if let Some(error) = self.error.take() {
            if let Some(parent) = error.parent_node() {
                let _ = parent.remove_child(&error);
            }
        }
    }
}

/// Renders the widget with `props` into `host` (the element's `mount`, and tests).
pub fn mount_props(host: &Element, props: LoginWidgetProps) -> view::App {
    view::mount(host, move || part(Part::Widget(props.clone())))
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
/// `config` is the portal's own configuration when the element has a `config` attribute: the
/// JSON the loader fetched and the browser parsed, read as core's JSON loading reads it, with the
/// checks the widget needs ([`PortalConfig::read`]), or the loader's words for why it could not
/// be had (a string); it replaces the preset. A configuration that cannot be used renders an error naming the field.
/// `typed` is what the loader's first paint held (`null` when there was none): the password
/// form starts from it. `english` is the loader's function that fetches the English texts and
/// hands them to [`english`](crate::english::english) (English on demand; anything else: none).
#[wasm_bindgen]
pub fn mount(host: Element, typed: JsValue, english: JsValue, config: JsValue) -> WidgetHandle {
    crate::english::set_loader(english);
    let attr = |name: &str| host.get_attribute(name).filter(|v| !v.trim().is_empty());
    let preset = attr("preset").map(|p| p.trim().to_owned());
    let preset = preset.as_deref().unwrap_or(DEFAULT_PRESET);
    let lang = attr("lang").map(|t| Lang::from_tag(&t)).unwrap_or_default();
    // The failure's own texts are French until the English ones have come.
    let failure_lang = if crate::english::loaded() {
        lang
    } else {
        Lang::Fr
    };
    let config = if config.is_undefined() || config.is_null() {
        PortalConfig::preset(preset).ok_or_else(|| {
            failure(
                &host,
                failure_lang,
                ErrorCode::UnknownPortal,
                &[
                    T::UnknownPreset.get(failure_lang),
                    " «\u{a0}",
                    preset,
                    "\u{a0}»",
                ],
            )
        })
    } else {
        let said = ErrorCode::InvalidPortalConfig.text(failure_lang);
        match config.as_string() {
            Some(why) => Err(why),
            // (`push_str`, not a slice's `concat`: see BENCHMARKS.md, the lever table.)
            None => PortalConfig::read(&Js(config)).map_err(|e| {
                let mut why = String::from("portal configuration, ");
                for part in [e.at.as_str(), ": ", e.message.as_str()] {
                    why.push_str(part);
                }
                why
            }),
        }
        .map_err(|why| {
            failure(
                &host,
                failure_lang,
                ErrorCode::InvalidPortalConfig,
                &[said, " (", &why, ")"],
            )
        })
    };
    let config = match config {
        Ok(config) => config,
        Err(error) => return WidgetHandle { app: None, error },
    };
    let props = LoginWidgetProps {
        api_base: attr("api").unwrap_or_else(|| DEFAULT_API.into()).into(),
        extension: attr("extension").map(AttrValue::from),
        prefill: PrefillSlot::new(read_prefill(&typed)),
        ..widget_props(Rc::new(config), &host, lang)
    };
    let app = mount_props(&host, props);
    WidgetHandle {
        app: Some(app),
        error: None,
    }
}
