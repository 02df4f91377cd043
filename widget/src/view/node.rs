//! What a render returns: nodes, built with [`el`], strings, [`when`] and [`comp`].

use super::AttrValue;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// A view: an element, a text, nothing (a placeholder that keeps its place), several nodes in
/// a row, or a component.
#[derive(Default)]
pub enum Html {
    /// Nothing; rendered as an empty text node so that the nodes after it keep their place.
    #[default]
    Empty,
    /// A text node.
    Text(AttrValue),
    /// An element.
    El(El),
    /// Several nodes in a row (a fragment, a list).
    List(Vec<Html>),
    /// A component: its key and its render function, run with its own hooks.
    Comp(Comp),
}

impl From<&'static str> for Html {
    fn from(text: &'static str) -> Self {
        Html::Text(AttrValue::Borrowed(text))
    }
}

impl From<String> for Html {
    fn from(text: String) -> Self {
        Html::Text(AttrValue::Owned(text))
    }
}

impl From<AttrValue> for Html {
    fn from(text: AttrValue) -> Self {
        Html::Text(text)
    }
}

impl From<El> for Html {
    fn from(el: El) -> Self {
        Html::El(el)
    }
}

impl From<Vec<Html>> for Html {
    fn from(nodes: Vec<Html>) -> Self {
        Html::List(nodes)
    }
}

impl<T: Into<Html>> From<Option<T>> for Html {
    fn from(node: Option<T>) -> Self {
        node.map_or(Html::Empty, Into::into)
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(iter: I) -> Self {
        Html::List(iter.into_iter().collect())
    }
}

/// `node()` when `shown`, else nothing (which keeps its place among its siblings).
#[inline(always)]
pub fn when(shown: bool, node: impl FnOnce() -> Html) -> Html {
    if shown {
        node()
    } else {
        Html::Empty
    }
}

/// A component: `render` runs with the component's own hooks at each render of the tree. The
/// component lives while a component with the same `key` is rendered in its place; another key
/// there is another component (the old one's effects torn down).
pub fn comp(key: &'static str, render: impl Fn() -> Html + 'static) -> Html {
    Html::Comp(Comp {
        key,
        render: Rc::new(render),
    })
}

/// A component node.
pub struct Comp {
    pub(super) key: &'static str,
    pub(super) render: Rc<dyn Fn() -> Html>,
}

/// A listener as the DOM calls it.
pub(super) type Listener = Rc<dyn Fn(web_sys::Event)>;

/// An element: its tag, attributes, properties, listeners and children. Boxed, so that each
/// builder call moves a pointer, not the whole element (smaller code at every call site).
pub struct El(pub(super) Box<ElData>);

/// What an [`El`] holds.
pub(super) struct ElData {
    pub(super) tag: &'static str,
    pub(super) attrs: Vec<(&'static str, AttrValue)>,
    /// The `value` property (inputs), set when the element's differs.
    pub(super) value: Option<AttrValue>,
    /// The `checked` property (radios and checkboxes), set when the element's differs.
    pub(super) checked: Option<bool>,
    pub(super) listeners: Vec<(&'static str, Listener)>,
    pub(super) children: Vec<Html>,
    pub(super) node_ref: Option<NodeRef>,
}

/// An element `tag` with nothing yet.
pub fn el(tag: &'static str) -> El {
    El(Box::new(ElData {
        tag,
        attrs: Vec::new(),
        value: None,
        checked: None,
        listeners: Vec::new(),
        children: Vec::new(),
        node_ref: None,
    }))
}

impl El {
    /// The attribute `name`.
    #[inline(never)]
    pub fn attr(mut self, name: &'static str, value: impl Into<AttrValue>) -> Self {
        self.0.attrs.push((name, value.into()));
        self
    }

    /// The attribute `name` when there is a value; none otherwise.
    pub fn attr_opt(self, name: &'static str, value: Option<impl Into<AttrValue>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// A boolean attribute (`disabled`, `hidden`, `required`…): present when `on`, with its
    /// own name as its value (as Yew writes them).
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.attr(name, name)
        } else {
            self
        }
    }

    /// `class`.
    pub fn class(self, value: impl Into<AttrValue>) -> Self {
        self.attr("class", value)
    }

    /// `id`.
    pub fn id(self, value: impl Into<AttrValue>) -> Self {
        self.attr("id", value)
    }

    /// The `value` property (an input's value), set when the element's differs.
    pub fn value(mut self, value: impl Into<AttrValue>) -> Self {
        self.0.value = Some(value.into());
        self
    }

    /// The `checked` property, set when the element's differs.
    pub fn checked(mut self, checked: bool) -> Self {
        self.0.checked = Some(checked);
        self
    }

    /// Calls `callback` on the DOM event `event` (`"click"`, `"input"`, `"submit"`…), the event
    /// as `E` (`MouseEvent`, `InputEvent`, `SubmitEvent`…).
    pub fn on<E: JsCast + 'static>(mut self, event: &'static str, callback: Callback<E>) -> Self {
        self.0.listeners.push((
            event,
            Rc::new(move |e: web_sys::Event| callback.emit(e.unchecked_into())),
        ));
        self
    }

    /// The element, for effects (focus, a provider's box).
    pub fn node_ref(mut self, node_ref: &NodeRef) -> Self {
        self.0.node_ref = Some(node_ref.clone());
        self
    }

    /// The element for `node_ref` when `wanted` (the first of a list, say).
    pub fn node_ref_if(self, wanted: bool, node_ref: &NodeRef) -> Self {
        if wanted {
            self.node_ref(node_ref)
        } else {
            self
        }
    }

    /// A child node.
    #[inline(never)]
    pub fn child(mut self, child: impl Into<Html>) -> Self {
        self.0.children.push(child.into());
        self
    }

    /// A text child (same as `child`, for readability).
    pub fn text(self, text: impl Into<AttrValue>) -> Self {
        self.child(Html::Text(text.into()))
    }

    /// Child nodes, in order.
    #[inline(never)]
    pub fn children(mut self, children: impl IntoIterator<Item = Html>) -> Self {
        self.0.children.extend(children);
        self
    }
}

/// A function to call with a `T`, shared (`Rc`); equal only to its own clones.
pub struct Callback<T>(Rc<dyn Fn(T)>);

impl<T> Clone for Callback<T> {
    fn clone(&self) -> Self {
        Callback(self.0.clone())
    }
}

impl<T> PartialEq for Callback<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: 'static> Default for Callback<T> {
    /// A callback that does nothing.
    fn default() -> Self {
        Callback(Rc::new(|_| ()))
    }
}

impl<T, F: Fn(T) + 'static> From<F> for Callback<T> {
    fn from(f: F) -> Self {
        Callback(Rc::new(f))
    }
}

impl<T: 'static> Callback<T> {
    /// Calls it.
    pub fn emit(&self, value: T) {
        (self.0)(value)
    }

    /// A callback taking a `U`, turned into a `T` by `f`, then this one called.
    #[inline(always)]
    pub fn reform<U: 'static>(&self, f: impl Fn(U) -> T + 'static) -> Callback<U> {
        let this = self.clone();
        Callback(Rc::new(move |u| this.emit(f(u))))
    }
}

/// The DOM node an element was rendered to, once it is: read it in effects and callbacks.
#[derive(Clone, Default)]
pub struct NodeRef(pub(super) Rc<RefCell<Option<web_sys::Node>>>);

impl PartialEq for NodeRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl NodeRef {
    /// The node, if rendered.
    pub fn get(&self) -> Option<web_sys::Node> {
        self.0.borrow().clone()
    }

    /// The node as a `T` (`HtmlInputElement`, `Element`…), if rendered and one.
    pub fn cast<T: JsCast>(&self) -> Option<T> {
        self.get().and_then(|node| node.dyn_into().ok())
    }
}
