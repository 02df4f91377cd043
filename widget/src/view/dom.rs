//! The rendered tree: mounting, the positional diff, and the render scheduled by hooks.

use super::hooks::{render_with, Effect, HookList, Wake};
use super::node::{Comp, El, ElData, Html, Listener, NodeRef};
use super::AttrValue;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Node};

/// A listener on a rendered element: the closure the DOM holds calls whatever `current` is, so
/// that a render changes the handler without touching the DOM.
struct Listening {
    event: &'static str,
    current: Rc<RefCell<Listener>>,
    closure: Closure<dyn Fn(web_sys::Event)>,
}

/// A rendered element.
struct Rendered {
    node: Element,
    tag: &'static str,
    attrs: Vec<(&'static str, AttrValue)>,
    listening: Vec<Listening>,
    children: Vec<Mounted>,
    node_ref: Option<NodeRef>,
    /// In the SVG namespace (`svg` and what is inside it).
    svg: bool,
}

/// A rendered component.
struct Instance {
    key: &'static str,
    hooks: Rc<RefCell<HookList>>,
    child: Mounted,
}

/// What a node was rendered to. Each holds one DOM node at least (nothing is an empty text
/// node), so that there is always a place to insert before.
enum Mounted {
    Text(web_sys::Text, AttrValue),
    El(Box<Rendered>),
    List(Vec<Mounted>),
    Comp(Box<Instance>),
}

impl Mounted {
    fn first(&self) -> Node {
        match self {
            Mounted::Text(t, _) => t.clone().into(),
            Mounted::El(r) => r.node.clone().into(),
            Mounted::List(items) => items[0].first(),
            Mounted::Comp(c) => c.child.first(),
        }
    }

    fn last(&self) -> Node {
        match self {
            Mounted::Text(t, _) => t.clone().into(),
            Mounted::El(r) => r.node.clone().into(),
            Mounted::List(items) => items[items.len() - 1].last(),
            Mounted::Comp(c) => c.child.last(),
        }
    }

    /// Inserts its DOM nodes into `parent` before `before` (at the end when `None`).
    fn attach(&self, parent: &Node, before: Option<&Node>) {
        match self {
            Mounted::List(items) => items.iter().for_each(|m| m.attach(parent, before)),
            Mounted::Comp(c) => c.child.attach(parent, before),
            _ => {
                let _ = parent.insert_before(&self.first(), before);
            }
        }
    }

    /// Takes it out of the DOM, then tears it down: components' effects, refs, listeners.
    fn remove(self) {
        self.detach();
        self.unmount();
    }

    fn detach(&self) {
        match self {
            Mounted::List(items) => items.iter().for_each(Mounted::detach),
            Mounted::Comp(c) => c.child.detach(),
            Mounted::Text(t, _) => t.remove(),
            Mounted::El(r) => r.node.remove(),
        }
    }

    fn unmount(self) {
        match self {
            Mounted::Text(..) => {}
            Mounted::List(items) => items.into_iter().for_each(Mounted::unmount),
            Mounted::Comp(c) => {
                c.hooks.borrow_mut().tear_down();
                c.child.unmount();
            }
            Mounted::El(r) => {
                let r = *r;
                if let Some(node_ref) = &r.node_ref {
                    release(node_ref, &r.node);
                }
                for l in &r.listening {
                    let _ = r.node.remove_event_listener_with_callback(
                        l.event,
                        l.closure.as_ref().unchecked_ref(),
                    );
                }
                r.children.into_iter().for_each(Mounted::unmount);
            }
        }
    }
}

/// Clears `node_ref` if it still points at `node` (another element may hold it by now).
fn release(node_ref: &NodeRef, node: &Element) {
    let mut held = node_ref.0.borrow_mut();
    if held
        .as_ref()
        .is_some_and(|h| JsValue::from(h) == JsValue::from(node))
    {
        *held = None;
    }
}

/// What a render needs: the document, the tree's wake, and the effects to run after it.
struct Pass<'a> {
    document: &'a Document,
    wake: &'a Wake,
    effects: Vec<Effect>,
    /// Creating inside an `svg` element: its namespace.
    svg: bool,
}

const SVG: &str = "http://www.w3.org/2000/svg";

impl Pass<'_> {
    /// A node rendered afresh, not yet in the DOM.
    fn create(&mut self, node: Html) -> Mounted {
        match node {
            Html::Empty => self.text(AttrValue::Borrowed("")),
            Html::Text(text) => self.text(text),
            Html::List(items) if items.is_empty() => self.text(AttrValue::Borrowed("")),
            Html::List(items) => Mounted::List(items.into_iter().map(|n| self.create(n)).collect()),
            Html::Comp(comp) => {
                let hooks = Rc::new(RefCell::new(HookList::default()));
                self.instance(comp, hooks, None)
            }
            Html::El(el) => self.element(el),
        }
    }

    fn text(&mut self, text: AttrValue) -> Mounted {
        Mounted::Text(self.document.create_text_node(&text), text)
    }

    fn element(&mut self, el: El) -> Mounted {
        let ElData {
            tag,
            attrs,
            value,
            checked,
            listeners,
            children,
            node_ref,
        } = *el.0;
        let svg = self.svg || tag == "svg";
        let made = if svg {
            self.document.create_element_ns(Some(SVG), tag)
        } else {
            self.document.create_element(tag)
        };
        let node = match made {
            Ok(node) => node,
            // Only an invalid tag name fails: the widget's are literals.
            Err(_) => return self.text(AttrValue::Borrowed("")),
        };
        for (name, value) in &attrs {
            let _ = node.set_attribute(name, value);
        }
        let outer = std::mem::replace(&mut self.svg, svg);
        let children: Vec<Mounted> = children.into_iter().map(|c| self.create(c)).collect();
        self.svg = outer;
        for child in &children {
            child.attach(&node, None);
        }
        // After the children: a `value` needs the options of a `select`.
        set_properties(&node, value, checked);
        let listening = listeners
            .into_iter()
            .map(|(e, l)| listen(&node, e, l))
            .collect();
        if let Some(node_ref) = &node_ref {
            *node_ref.0.borrow_mut() = Some(node.clone().into());
        }
        Mounted::El(Box::new(Rendered {
            node,
            tag,
            attrs,
            listening,
            children,
            node_ref,
            svg,
        }))
    }

    /// Renders a component with `hooks`, against what it rendered before (`old`), if any.
    fn instance(
        &mut self,
        comp: Comp,
        hooks: Rc<RefCell<HookList>>,
        old: Option<(&Node, Mounted)>,
    ) -> Mounted {
        let (node, effects) = render_with(&hooks, self.wake, &*comp.render);
        let child = match old {
            Some((parent, old)) => self.patch(parent, old, node),
            None => self.create(node),
        };
        // A component's effects after its children's, as in Yew.
        self.effects.extend(effects);
        Mounted::Comp(Box::new(Instance {
            key: comp.key,
            hooks,
            child,
        }))
    }

    /// `old`, in `parent`, made to show `new`: patched where it is the same kind, else replaced.
    fn patch(&mut self, parent: &Node, old: Mounted, new: Html) -> Mounted {
        match (old, new) {
            (Mounted::Text(node, was), Html::Text(text)) => {
                if was != text {
                    node.set_data(&text);
                }
                Mounted::Text(node, text)
            }
            (Mounted::Text(node, was), Html::Empty) => {
                if !was.is_empty() {
                    node.set_data("");
                }
                Mounted::Text(node, AttrValue::Borrowed(""))
            }
            (Mounted::El(r), Html::El(el)) if r.tag == el.0.tag => self.patch_element(*r, *el.0),
            (Mounted::Comp(c), Html::Comp(comp)) if c.key == comp.key => {
                let Instance { hooks, child, .. } = *c;
                self.instance(comp, hooks, Some((parent, child)))
            }
            (Mounted::List(items), Html::List(news)) if !news.is_empty() => {
                let next = items[items.len() - 1].last().next_sibling();
                Mounted::List(self.patch_children(parent, items, news, next.as_ref()))
            }
            (old, new) => {
                let made = self.create(new);
                made.attach(parent, Some(&old.first()));
                old.remove();
                made
            }
        }
    }

    fn patch_element(&mut self, mut r: Rendered, el: ElData) -> Mounted {
        let node = &r.node;
        for (name, value) in &el.attrs {
            if !r.attrs.iter().any(|(n, v)| n == name && v == value) {
                let _ = node.set_attribute(name, value);
            }
        }
        for (name, _) in &r.attrs {
            if !el.attrs.iter().any(|(n, _)| n == name) {
                let _ = node.remove_attribute(name);
            }
        }
        r.attrs = el.attrs;
        let same_events = r.listening.len() == el.listeners.len()
            && r.listening
                .iter()
                .zip(&el.listeners)
                .all(|(l, (e, _))| l.event == *e);
        if same_events {
            for (l, (_, listener)) in r.listening.iter().zip(el.listeners) {
                *l.current.borrow_mut() = listener;
            }
        } else {
            for l in &r.listening {
                let _ = node.remove_event_listener_with_callback(
                    l.event,
                    l.closure.as_ref().unchecked_ref(),
                );
            }
            r.listening = el
                .listeners
                .into_iter()
                .map(|(e, l)| listen(node, e, l))
                .collect();
        }
        let parent: Node = node.clone().into();
        let old_children = std::mem::take(&mut r.children);
        let outer = std::mem::replace(&mut self.svg, r.svg);
        r.children = self.patch_children(&parent, old_children, el.children, None);
        self.svg = outer;
        set_properties(node, el.value, el.checked);
        if r.node_ref != el.node_ref {
            if let Some(old) = &r.node_ref {
                release(old, node);
            }
            if let Some(new) = &el.node_ref {
                *new.0.borrow_mut() = Some(node.clone().into());
            }
            r.node_ref = el.node_ref;
        }
        Mounted::El(Box::new(r))
    }

    /// Children patched place by place; new ones inserted before `next` (the end when `None`),
    /// old ones beyond the new count removed.
    fn patch_children(
        &mut self,
        parent: &Node,
        olds: Vec<Mounted>,
        news: Vec<Html>,
        next: Option<&Node>,
    ) -> Vec<Mounted> {
        let mut kept = Vec::with_capacity(news.len());
        let mut olds = olds.into_iter();
        for new in news {
            match olds.next() {
                Some(old) => kept.push(self.patch(parent, old, new)),
                None => {
                    let made = self.create(new);
                    made.attach(parent, next);
                    kept.push(made);
                }
            }
        }
        olds.for_each(Mounted::remove);
        kept
    }
}

/// Sets `value` and `checked` as properties where the element's differ (what the person typed
/// is the element's, until the state says otherwise).
fn set_properties(node: &Element, value: Option<AttrValue>, checked: Option<bool>) {
    if let Some(value) = value {
        let key = JsValue::from_str("value");
        let now = js_sys::Reflect::get(node, &key)
            .ok()
            .and_then(|v| v.as_string());
        if now.as_deref() != Some(&*value) {
            let _ = js_sys::Reflect::set(node, &key, &JsValue::from_str(&value));
        }
    }
    if let Some(checked) = checked {
        let key = JsValue::from_str("checked");
        if js_sys::Reflect::get(node, &key)
            .ok()
            .and_then(|v| v.as_bool())
            != Some(checked)
        {
            let _ = js_sys::Reflect::set(node, &key, &JsValue::from_bool(checked));
        }
    }
}

fn listen(node: &Element, event: &'static str, listener: Listener) -> Listening {
    let current = Rc::new(RefCell::new(listener));
    let called = current.clone();
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        let listener = called.borrow().clone();
        listener(e)
    });
    let _ = node.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    Listening {
        event,
        current,
        closure,
    }
}

/// A tree rendered into a host element.
struct Root {
    host: Element,
    render: Rc<dyn Fn() -> Html>,
    top: Option<Mounted>,
    hooks: Rc<RefCell<HookList>>,
    wake: Wake,
    scheduled: bool,
    destroyed: bool,
}

/// Renders the tree of `root` against what it shows, then runs the effects.
fn refresh(root: &Rc<RefCell<Root>>) {
    let (host, render, top, hooks, wake) = {
        let mut r = root.borrow_mut();
        r.scheduled = false;
        if r.destroyed {
            return;
        }
        (
            r.host.clone(),
            r.render.clone(),
            r.top.take(),
            r.hooks.clone(),
            r.wake.clone(),
        )
    };
    let Some(document) = host.owner_document() else {
        return;
    };
    let mut pass = Pass {
        document: &document,
        wake: &wake,
        effects: Vec::new(),
        svg: false,
    };
    let parent: Node = host.clone().into();
    let comp = Comp {
        key: "root",
        render: Rc::new(move || render()),
    };
    let shown = match top {
        Some(Mounted::Comp(old)) => {
            let Instance { child, .. } = *old;
            pass.instance(comp, hooks, Some((&parent, child)))
        }
        _ => {
            let made = pass.instance(comp, hooks, None);
            made.attach(&parent, None);
            made
        }
    };
    let effects = std::mem::take(&mut pass.effects);
    root.borrow_mut().top = Some(shown);
    for effect in effects {
        effect();
    }
}

/// A rendered tree; [`App::destroy`] takes it out of its host. Keep it while the tree is
/// shown: it owns the listeners, so dropping it without `destroy` leaves the DOM in place but
/// no longer answering.
pub struct App(Rc<RefCell<Root>>);

impl App {
    /// Removes the tree from the page, tearing down every component's effects.
    pub fn destroy(self) {
        let top = {
            let mut r = self.0.borrow_mut();
            r.destroyed = true;
            r.top.take()
        };
        if let Some(top) = top {
            top.remove();
        }
        let hooks = self.0.borrow().hooks.clone();
        hooks.borrow_mut().tear_down();
    }
}

/// Renders `render` (a component: it may use hooks) into `host`, at once, and again whenever
/// one of its hooks' states changes.
pub fn mount(host: &Element, render: impl Fn() -> Html + 'static) -> App {
    let root = Rc::new_cyclic(|weak: &Weak<RefCell<Root>>| {
        let weak = weak.clone();
        let wake: Wake = Rc::new(move || {
            let Some(root) = weak.upgrade() else { return };
            let first = {
                let mut r = root.borrow_mut();
                !std::mem::replace(&mut r.scheduled, true)
            };
            if first {
                wasm_bindgen_futures::spawn_local(async move { refresh(&root) });
            }
        });
        RefCell::new(Root {
            host: host.clone(),
            render: Rc::new(render),
            top: None,
            hooks: Rc::new(RefCell::new(HookList::default())),
            wake,
            scheduled: false,
            destroyed: false,
        })
    });
    refresh(&root);
    App(root)
}
