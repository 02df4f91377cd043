//! Hooks: a component's state, kept between its renders in slots taken in call order.

use super::node::{Html, NodeRef};
use std::any::Any;
use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;

/// Schedules a render of the tree a hook belongs to.
pub(super) type Wake = Rc<dyn Fn()>;

/// What an effect leaves to run before its next run and at unmount.
type Teardown = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// An effect to run once the DOM is patched.
pub(super) type Effect = Box<dyn FnOnce()>;

/// A component's hooks.
#[derive(Default)]
pub(super) struct HookList {
    slots: Vec<Rc<dyn Any>>,
    teardowns: Vec<Teardown>,
}

impl HookList {
    /// The component is gone: every effect's teardown, once.
    pub(super) fn tear_down(&mut self) {
        for teardown in self.teardowns.drain(..) {
            let taken = teardown.borrow_mut().take();
            if let Some(teardown) = taken {
                teardown();
            }
        }
        self.slots.clear();
    }
}

/// The component being rendered.
struct Frame {
    hooks: Rc<RefCell<HookList>>,
    cursor: usize,
    wake: Wake,
    effects: Vec<Effect>,
}

thread_local! {
    static CURRENT: RefCell<Option<Frame>> = const { RefCell::new(None) };
}

/// Runs `render` as the component whose hooks are `hooks`: its node, and the effects its
/// hooks asked for (to run after the DOM is patched).
pub(super) fn render_with(
    hooks: &Rc<RefCell<HookList>>,
    wake: &Wake,
    render: &dyn Fn() -> Html,
) -> (Html, Vec<Effect>) {
    let frame = Frame {
        hooks: hooks.clone(),
        cursor: 0,
        wake: wake.clone(),
        effects: Vec::new(),
    };
    let outer = CURRENT.with(|c| c.borrow_mut().replace(frame));
    let node = render();
    let frame = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), outer));
    (node, frame.map(|f| f.effects).unwrap_or_default())
}

/// A slot's content (if any), its place, and the tree's wake.
type Found = (Option<Rc<dyn Any>>, usize, Wake);

/// The current component's next slot: what it holds (if any), its place, and the current
/// tree's wake. Not generic: one copy of the thread-local access for every hook type.
#[inline(never)]
fn next_slot() -> Option<Found> {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let frame = c.as_mut()?;
        let at = frame.cursor;
        frame.cursor += 1;
        let kept = frame.hooks.borrow().slots.get(at).cloned();
        Some((kept, at, frame.wake.clone()))
    })
}

/// Puts `made` in the current component's slot `at`.
#[inline(never)]
fn store_slot(at: usize, made: Rc<dyn Any>) {
    CURRENT.with(|c| {
        if let Some(frame) = c.borrow_mut().as_mut() {
            let mut hooks = frame.hooks.borrow_mut();
            if at < hooks.slots.len() {
                hooks.slots[at] = made;
            } else {
                hooks.slots.push(made);
            }
        }
    });
}

/// The current component's next slot, made by `init` the first time (or when the slot holds
/// something else: a hook called out of order starts afresh rather than failing), and the
/// current tree's wake. Outside a render: a slot of its own that nothing keeps.
fn slot<T: 'static>(init: impl FnOnce() -> T) -> (Rc<T>, Wake) {
    match next_slot() {
        Some((kept, at, wake)) => match kept.and_then(|k| k.downcast::<T>().ok()) {
            Some(kept) => (kept, wake),
            None => {
                let made = Rc::new(init());
                store_slot(at, made.clone());
                (made, wake)
            }
        },
        None => (Rc::new(init()), Rc::new(|| ())),
    }
}

/// Keeps `teardown` with the current component, to run when it is unmounted.
#[inline(never)]
fn keep_teardown(teardown: Teardown) {
    CURRENT.with(|c| {
        if let Some(frame) = c.borrow().as_ref() {
            frame.hooks.borrow_mut().teardowns.push(teardown);
        }
    });
}

/// Queues `effect` to run once the DOM is patched.
#[inline(never)]
fn queue_effect(effect: Effect) {
    CURRENT.with(|c| {
        if let Some(frame) = c.borrow_mut().as_mut() {
            frame.effects.push(effect);
        }
    });
}

/// A state whose changes are actions, as Yew's `Reducible`.
pub trait Reducible {
    /// What changes it.
    type Action;
    /// The state after `action`.
    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self>;
}

/// A reducer's state as of this render, and its dispatch.
pub struct UseReducerHandle<R> {
    value: Rc<R>,
    cell: Rc<RefCell<Rc<R>>>,
    wake: Wake,
}

impl<R> Clone for UseReducerHandle<R> {
    fn clone(&self) -> Self {
        UseReducerHandle {
            value: self.value.clone(),
            cell: self.cell.clone(),
            wake: self.wake.clone(),
        }
    }
}

impl<R> Deref for UseReducerHandle<R> {
    type Target = R;
    fn deref(&self) -> &R {
        &self.value
    }
}

impl<R: Reducible + 'static> UseReducerHandle<R> {
    /// Applies `action` to the latest state and schedules a render.
    pub fn dispatch(&self, action: R::Action) {
        let latest = self.cell.borrow().clone();
        let next = latest.reduce(action);
        *self.cell.borrow_mut() = next;
        (self.wake)();
    }
}

/// A state changed by actions (`dispatch`), each change rendering the tree again.
pub fn use_reducer<R: Reducible + 'static>(init: impl FnOnce() -> R) -> UseReducerHandle<R> {
    let (cell, wake) = slot(|| RefCell::new(Rc::new(init())));
    let value = cell.borrow().clone();
    UseReducerHandle { value, cell, wake }
}

/// A value as of this render, and its setter.
pub struct UseStateHandle<T> {
    value: Rc<T>,
    cell: Rc<RefCell<Rc<T>>>,
    wake: Wake,
}

impl<T> Clone for UseStateHandle<T> {
    fn clone(&self) -> Self {
        UseStateHandle {
            value: self.value.clone(),
            cell: self.cell.clone(),
            wake: self.wake.clone(),
        }
    }
}

impl<T> Deref for UseStateHandle<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> UseStateHandle<T> {
    /// Sets it and schedules a render.
    pub fn set(&self, value: T) {
        *self.cell.borrow_mut() = Rc::new(value);
        (self.wake)();
    }
}

/// A value set with `set`, each change rendering the tree again.
pub fn use_state<T: 'static>(init: impl FnOnce() -> T) -> UseStateHandle<T> {
    let (cell, wake) = slot(|| RefCell::new(Rc::new(init())));
    let value = cell.borrow().clone();
    UseStateHandle { value, cell, wake }
}

/// A value kept between renders; changing it renders nothing.
pub fn use_mut_ref<T: 'static>(init: impl FnOnce() -> T) -> Rc<RefCell<T>> {
    slot(|| RefCell::new(init())).0
}

/// A [`NodeRef`] kept between renders.
pub fn use_node_ref() -> NodeRef {
    NodeRef::clone(&slot(NodeRef::default).0)
}

/// `f(&deps)`, computed again only when `deps` change.
pub fn use_memo<D: PartialEq + 'static, T: 'static>(deps: D, f: impl FnOnce(&D) -> T) -> Rc<T> {
    let (cell, _) = slot(|| RefCell::new(None::<(D, Rc<T>)>));
    let mut kept = cell.borrow_mut();
    match kept.as_ref() {
        Some((old, value)) if *old == deps => value.clone(),
        _ => {
            let value = Rc::new(f(&deps));
            *kept = Some((deps, value.clone()));
            value
        }
    }
}

/// What an effect returns: nothing, or a function run before its next run and at unmount.
pub trait TearDown: 'static {
    /// Runs it.
    fn tear_down(self);
}

impl TearDown for () {
    fn tear_down(self) {}
}

impl<F: FnOnce() + 'static> TearDown for F {
    fn tear_down(self) {
        self()
    }
}

/// An effect's slot: its last dependencies and its teardown.
struct EffectSlot<D> {
    deps: RefCell<Option<Rc<D>>>,
    teardown: Teardown,
}

/// Runs `effect` after the first render and after each render in which `deps` changed; what
/// it returns runs before its next run and when the component is unmounted.
pub fn use_effect_with<D: PartialEq + 'static, R: TearDown>(
    deps: D,
    effect: impl FnOnce(&D) -> R + 'static,
) {
    let (kept, _) = slot(|| {
        let teardown: Teardown = Rc::new(RefCell::new(None));
        keep_teardown(teardown.clone());
        EffectSlot::<D> {
            deps: RefCell::new(None),
            teardown,
        }
    });
    if kept.deps.borrow().as_deref() == Some(&deps) {
        return;
    }
    let deps = Rc::new(deps);
    *kept.deps.borrow_mut() = Some(deps.clone());
    let teardown = kept.teardown.clone();
    let run: Effect = Box::new(move || {
        let before = teardown.borrow_mut().take();
        if let Some(before) = before {
            before();
        }
        let after = effect(&deps);
        *teardown.borrow_mut() = Some(Box::new(move || after.tear_down()));
    });
    queue_effect(run);
}
