//! For Yew apps (feature `yew`): [`LoginWidget`], a Yew component that renders the widget into
//! a `div` of its own. The widget itself renders with [`view`](crate::view), not Yew, so that
//! the `<sesame-login>` bundle carries no Yew; a Yew app already ships Yew, and this wrapper is
//! all it adds.

use crate::components::login_widget::LoginWidgetProps as Widget;
use crate::components::part::{part, Part};
use crate::view;
use sesame_core::api::SessionInfo;
use sesame_core::{ApiError, Lang, PortalConfig};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`LoginWidget`].
#[derive(Properties, PartialEq, Clone)]
pub struct LoginWidgetProps {
    /// The portal (a preset: `Rc::new(PortalConfig::spico())`, or loaded from JSON).
    pub config: Rc<PortalConfig>,
    /// The portal API's base URL.
    #[prop_or(AttrValue::Static("/api"))]
    pub api_base: AttrValue,
    /// The starting language (the person can switch).
    #[prop_or_default]
    pub lang: Lang,
    /// Logged in, or a session was found on load.
    #[prop_or_default]
    pub onlogin: Callback<SessionInfo>,
    /// Logged out.
    #[prop_or_default]
    pub onlogout: Callback<()>,
    /// The portal refused or could not be reached (the widget shows it too).
    #[prop_or_default]
    pub onerror: Callback<ApiError>,
    /// Where to install the Sésame extension from (none: no offer).
    #[prop_or_default]
    pub extension: Option<AttrValue>,
}

/// The login widget in a Yew app: `div > section.sesame`. New props mount it afresh.
#[function_component]
pub fn LoginWidget(props: &LoginWidgetProps) -> Html {
    let host = use_node_ref();
    {
        let host = host.clone();
        use_effect_with(props.clone(), move |p| {
            let mounted = host.cast::<web_sys::Element>().map(|host| {
                let (onlogin, onlogout, onerror) =
                    (p.onlogin.clone(), p.onlogout.clone(), p.onerror.clone());
                let widget = Widget {
                    api_base: p.api_base.to_string().into(),
                    lang: p.lang,
                    onlogin: view::Callback::from(move |s| onlogin.emit(s)),
                    onlogout: view::Callback::from(move |()| onlogout.emit(())),
                    onerror: view::Callback::from(move |e| onerror.emit(e)),
                    extension: p.extension.as_ref().map(|e| e.to_string().into()),
                    ..Widget::new(p.config.clone())
                };
                view::mount(&host, move || part(Part::Widget(widget.clone())))
            });
            move || {
                if let Some(app) = mounted {
                    app.destroy();
                }
            }
        });
    }
    html! { <div ref={host}></div> }
}
