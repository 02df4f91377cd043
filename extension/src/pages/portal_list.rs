//! The enabled portals, each with its one-click shortcuts (open, bookmark, desktop file,
//! keyboard keys, remove), and the known portals not yet added; a polite status line says what
//! each button did.

use super::dom::{self, add, attr, button, el, text};
use crate::texts::T;
use crate::{portals, shortcuts};
use sesame_core::bridge::{EnabledPortal, PortalOrigin};
use sesame_core::{Lang, PortalConfig};
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;

/// One portal as shown: the portal, how many bookmarks point at it, its keyboard keys.
struct Row {
    portal: EnabledPortal,
    bookmarks: usize,
    keys: String,
}

async fn load_rows() -> Vec<Row> {
    let keys = shortcuts::command_keys().await;
    let mut rows = Vec::new();
    for (i, portal) in portals::load().await.into_iter().enumerate() {
        let bookmarks = shortcuts::bookmark_count(&portal.start_url)
            .await
            .unwrap_or(0);
        let command = format!("open-portal-{}", i + 1);
        let keys = keys
            .iter()
            .find(|(n, _)| *n == command)
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

/// Carries out button `does` for the portal of `origin`: the text to say, or `Err` when the
/// browser refused.
async fn carry(does: &str, origin: &str) -> Result<Option<T>, ()> {
    if let Some(index) = does.strip_prefix("known-") {
        let i: usize = index.parse().map_err(drop)?;
        let (_, name, address) = *PortalConfig::KNOWN_ADDRESSES.get(i).ok_or(())?;
        let mut list = portals::load().await;
        portals::add(
            &mut list,
            EnabledPortal {
                origin: PortalOrigin::from_url(address).map_err(drop)?,
                name: name.to_owned(),
                start_url: address.to_owned(),
            },
        );
        return portals::save(&list).await.map(|_| None).map_err(drop);
    }
    let mut list = portals::load().await;
    let Some(portal) = list.iter().find(|p| p.origin.as_str() == origin).cloned() else {
        return Ok(None);
    };
    match does {
        "open" => shortcuts::open_portal(&portal)
            .await
            .map(|_| None)
            .map_err(drop),
        "bookmark" => shortcuts::ensure_bookmark(&portal)
            .await
            .map(|made| {
                Some(if made {
                    T::BookmarkAdded
                } else {
                    T::BookmarkThere
                })
            })
            .map_err(drop),
        "desktop" => shortcuts::download_shortcut(&portal)
            .await
            .map(|_| Some(T::ShortcutOffered))
            .map_err(drop),
        "remove" => {
            portals::remove(&mut list, origin);
            portals::save(&list).await.map(|_| None).map_err(drop)
        }
        _ => Ok(None),
    }
}

fn portal_item(row: &Row, lang: Lang) -> Element {
    let p = &row.portal;
    let origin = p.origin.as_str();
    let keys = if row.keys.is_empty() {
        T::NoKey.get(lang).to_owned()
    } else {
        row.keys.clone()
    };
    let labelled = |label: T, value: &Element| {
        let line = text("p", label.get(lang));
        // French puts a no-break space before the colon, English none.
        let _ = line.append_with_str_1(match lang {
            Lang::Fr => "\u{a0}: ",
            Lang::En => ": ",
        });
        add(line, &[value])
    };
    let in_bookmarks = if row.bookmarks > 0 { T::Yes } else { T::NotYet };
    let bookmark = button(T::AddBookmark.get(lang), "bookmark", Some(origin));
    if row.bookmarks > 0 {
        let _ = bookmark.set_attribute("disabled", "");
    }
    let item = attr(attr(el("li"), "class", "portal"), "data-origin", origin);
    let item = attr(item, "data-bookmarks", &row.bookmarks.to_string());
    add(
        item,
        &[
            &text("h3", &p.name),
            &attr(text("p", origin), "class", "origin"),
            &labelled(T::KeyboardShortcut, &text("kbd", &keys)),
            &labelled(T::Bookmarks, &text("span", in_bookmarks.get(lang))),
            &add(
                attr(el("div"), "class", "actions"),
                &[
                    &button(T::Open.get(lang), "open", Some(origin)),
                    &bookmark,
                    &button(T::DesktopShortcut.get(lang), "desktop", Some(origin)),
                    &attr(
                        button(T::Remove.get(lang), "remove", Some(origin)),
                        "class",
                        "secondary",
                    ),
                ],
            ),
        ],
    )
}

/// Fills `into` with the two sections, from the extension's storage.
async fn render(into: &Element, lang: Lang) {
    let rows = load_rows().await;
    dom::clear(into);
    let portals = add(
        attr(el("section"), "aria-labelledby", "portals-title"),
        &[&attr(
            attr(
                text("h2", T::EnabledPortals.get(lang)),
                "id",
                "portals-title",
            ),
            "tabindex",
            "-1",
        )],
    );
    if rows.is_empty() {
        let _ = portals.append_child(&attr(text("p", T::NoPortal.get(lang)), "class", "empty"));
    } else {
        let list = attr(el("ul"), "class", "portals");
        for row in &rows {
            let _ = list.append_child(&portal_item(row, lang));
        }
        let _ = portals.append_child(&list);
    }
    let known = attr(el("ul"), "class", "known");
    for (i, (_, name, address)) in PortalConfig::KNOWN_ADDRESSES.iter().enumerate() {
        let origin = PortalOrigin::from_url(address).ok();
        if rows
            .iter()
            .any(|r| Some(&r.portal.origin) == origin.as_ref())
        {
            continue;
        }
        let mut label = String::from(T::Enable.get(lang));
        label.push(' ');
        label.push_str(name);
        let line = text("span", &format!("{name} — {address} "));
        let _ = known.append_child(&add(
            el("li"),
            &[&line, &button(&label, &format!("known-{i}"), None)],
        ));
    }
    let known = add(
        attr(el("section"), "aria-labelledby", "known-title"),
        &[
            &attr(text("h2", T::KnownPortals.get(lang)), "id", "known-title"),
            &known,
        ],
    );
    let _ = into.append_child(&portals);
    let _ = into.append_child(&known);
}

/// Builds the list into `root` (its own container, then a polite status line) and handles its
/// buttons. After a button's work the list is drawn again and the focus goes back to the same
/// button (or to the list's title if the portal went away).
pub fn build(root: &Element, lang: Lang) {
    let container = el("div");
    let status = attr(
        attr(attr(el("p"), "role", "status"), "aria-live", "polite"),
        "class",
        "said",
    );
    let _ = root.append_child(&container);
    let _ = root.append_child(&status);
    {
        let container = container.clone();
        spawn_local(async move { render(&container, lang).await });
    }
    let list = container.clone();
    dom::on_click(&container, move |does, origin| {
        let (list, status) = (list.clone(), status.clone());
        spawn_local(async move {
            let origin = origin.unwrap_or_default();
            let said = match carry(&does, &origin).await {
                Ok(t) => t,
                Err(()) => Some(T::Failed),
            };
            status.set_text_content(Some(said.map(|t| t.get(lang)).unwrap_or_default()));
            render(&list, lang).await;
            let again =
                format!(r#"button[data-do="{does}"][data-origin="{origin}"]:not([disabled])"#);
            if !dom::focus(&list, &again) || does.starts_with("known-") {
                dom::focus(&list, "#portals-title");
            }
        });
    });
}
