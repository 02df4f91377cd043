//! The enabled portals, each with its one-click shortcuts (open, bookmark, desktop file,
//! keyboard keys, remove), and the known portals not yet added.

use crate::texts::T;
use sesame_core::bridge::{EnabledPortal, PortalOrigin};
use sesame_core::{Lang, PortalConfig};
use yew::prelude::*;

/// Props of [`PortalList`].
#[derive(Properties, PartialEq)]
pub struct PortalListProps {
    /// Interface language.
    pub lang: Lang,
}

/// One portal as shown: the portal, how many bookmarks point at it, its keyboard keys.
#[derive(Clone, PartialEq)]
struct Row {
    portal: EnabledPortal,
    bookmarks: usize,
    keys: String,
}

#[cfg(target_arch = "wasm32")]
async fn load_rows() -> Vec<Row> {
    let portals = crate::portals::load().await;
    let keys = crate::shortcuts::command_keys().await;
    let mut rows = Vec::new();
    for (i, portal) in portals.into_iter().enumerate() {
        let bookmarks = crate::shortcuts::bookmark_count(&portal.start_url)
            .await
            .unwrap_or(0);
        let name = format!("open-portal-{}", i + 1);
        let keys = keys
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| k.clone())
            .unwrap_or_default();
        rows.push(Row {
            portal,
            bookmarks,
            keys,
        });
    }
    rows
}

#[cfg(not(target_arch = "wasm32"))]
async fn load_rows() -> Vec<Row> {
    Vec::new()
}

/// What a button of a row does.
#[derive(Clone, Copy, PartialEq)]
enum Do {
    Open,
    Bookmark,
    Desktop,
    Remove,
}

#[cfg(target_arch = "wasm32")]
async fn carry(what: Do, portal: EnabledPortal) -> Result<Option<T>, ()> {
    use crate::{portals, shortcuts};
    match what {
        Do::Open => shortcuts::open_portal(&portal)
            .await
            .map(|_| None)
            .map_err(drop),
        Do::Bookmark => shortcuts::ensure_bookmark(&portal)
            .await
            .map(|created| {
                Some(if created {
                    T::BookmarkAdded
                } else {
                    T::BookmarkThere
                })
            })
            .map_err(drop),
        Do::Desktop => shortcuts::download_shortcut(&portal)
            .await
            .map(|_| Some(T::ShortcutOffered))
            .map_err(drop),
        Do::Remove => {
            let mut list = portals::load().await;
            portals::remove(&mut list, portal.origin.as_str());
            portals::save(&list).await.map(|_| None).map_err(drop)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn carry(_: Do, _: EnabledPortal) -> Result<Option<T>, ()> {
    Err(())
}

#[cfg(target_arch = "wasm32")]
async fn enable_known(name: &'static str, address: &'static str) -> Result<(), ()> {
    let origin = PortalOrigin::from_url(address).map_err(drop)?;
    let mut list = crate::portals::load().await;
    crate::portals::add(
        &mut list,
        EnabledPortal {
            origin,
            name: name.to_owned(),
            start_url: address.to_owned(),
        },
    );
    crate::portals::save(&list).await.map_err(drop)
}

#[cfg(not(target_arch = "wasm32"))]
async fn enable_known(_: &'static str, _: &'static str) -> Result<(), ()> {
    Err(())
}

/// The list, with a polite live region for what each button did.
#[component]
pub fn PortalList(props: &PortalListProps) -> Html {
    let lang = props.lang;
    let rows = use_state(|| None::<Vec<Row>>);
    let said = use_state(|| None::<T>);
    let generation = use_state(|| 0u32);
    {
        let rows = rows.clone();
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move { rows.set(Some(load_rows().await)) });
        });
    }
    let act = |what: Do, portal: &EnabledPortal| {
        let (said, generation, portal) = (said.clone(), generation.clone(), portal.clone());
        Callback::from(move |_: MouseEvent| {
            let (said, generation, portal) = (said.clone(), generation.clone(), portal.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match carry(what, portal).await {
                    Ok(text) => said.set(text),
                    Err(()) => said.set(Some(T::Failed)),
                }
                generation.set(*generation + 1);
            });
        })
    };
    let Some(list) = (*rows).clone() else {
        return html! { <p>{"…"}</p> };
    };
    let items = list.iter().map(|row| {
        let p = &row.portal;
        let keys = if row.keys.is_empty() { T::NoKey.get(lang).to_owned() } else { row.keys.clone() };
        let in_bookmarks = if row.bookmarks > 0 { T::Yes } else { T::NotYet };
        html! {
            <li class="portal" data-origin={p.origin.as_str().to_owned()}
                data-bookmarks={row.bookmarks.to_string()}>
                <h3>{&p.name}</h3>
                <p class="origin">{p.origin.as_str()}</p>
                <p>{T::KeyboardShortcut.get(lang)}{"\u{a0}: "}<kbd>{keys}</kbd></p>
                <p class="bookmark-state">{T::Bookmarks.get(lang)}{"\u{a0}: "}{in_bookmarks.get(lang)}</p>
                <div class="actions">
                    <button type="button" onclick={act(Do::Open, p)}>{T::Open.get(lang)}</button>
                    <button type="button" class="add-bookmark" onclick={act(Do::Bookmark, p)}
                        disabled={row.bookmarks > 0}>{T::AddBookmark.get(lang)}</button>
                    <button type="button" onclick={act(Do::Desktop, p)}>{T::DesktopShortcut.get(lang)}</button>
                    <button type="button" class="secondary" onclick={act(Do::Remove, p)}>{T::Remove.get(lang)}</button>
                </div>
            </li>
        }
    });
    let known = PortalConfig::KNOWN_ADDRESSES
        .iter()
        .filter(|(_, _, address)| {
            let origin = PortalOrigin::from_url(address).ok();
            !list
                .iter()
                .any(|r| Some(&r.portal.origin) == origin.as_ref())
        })
        .map(|&(_, name, address)| {
            let (said, generation) = (said.clone(), generation.clone());
            let onclick = Callback::from(move |_: MouseEvent| {
                let (said, generation) = (said.clone(), generation.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    if enable_known(name, address).await.is_err() {
                        said.set(Some(T::Failed));
                    }
                    generation.set(*generation + 1);
                });
            });
            html! {
                <li>
                    <span>{name}{" — "}{address}</span>{" "}
                    <button type="button" {onclick}>{T::Enable.get(lang)}{" "}{name}</button>
                </li>
            }
        })
        .collect::<Html>();
    html! {
        <>
            <section aria-labelledby="portals-title">
                <h2 id="portals-title">{T::EnabledPortals.get(lang)}</h2>
                if list.is_empty() {
                    <p class="empty">{T::NoPortal.get(lang)}</p>
                } else {
                    <ul class="portals">{for items}</ul>
                }
                <p class="said" role="status" aria-live="polite">
                    {(*said).map(|t| t.get(lang)).unwrap_or_default()}
                </p>
            </section>
            <section aria-labelledby="known-title">
                <h2 id="known-title">{T::KnownPortals.get(lang)}</h2>
                <ul class="known">{known}</ul>
            </section>
        </>
    }
}
