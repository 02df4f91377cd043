//! One watcher per demo process for the QR codes' event streams (`GET /api/login/qr/events`).
//!
//! Instead of each open stream re-reading its code's row every [`TICK`], one task runs **one**
//! query per tick for the codes whose state moved lately (`qr_sessions.changed_at`, stamped by
//! [`crate::qr::move_state`]) and wakes only the streams registered for those codes. The
//! database stays the truth: a move written by another demo instance sharing the database is
//! found by the same query. A woken stream re-reads its own row once and answers per core's
//! `push_answer`; a stream also wakes by itself when its code's time runs out (expiry, grace).
//!
//! On PostgreSQL a second task `LISTEN`s on [`CHANNEL`]: every move also sends a `NOTIFY`
//! there (in the move's own statement, `crate::qr::move_state`), so a move written by any
//! instance wakes the streams at once; the polling stays, as the fallback for a notification
//! lost while the listening connection was being re-made (and the only way on SQLite). Both
//! tasks tell each move once ([`Inner::tell`]).
//!
//! The task is spawned at the first stream (so a state built outside a runtime, as tests do,
//! works), skips the query while no stream is registered, and ends when the state is dropped.
//! A stream's registration is removed when the stream ends or its browser goes away
//! ([`Subscription`]'s `Drop`).

use crate::db::Db;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// How often the watcher asks the database for moved codes.
pub const TICK: Duration = Duration::from_millis(150);

/// How far back each tick looks, in milliseconds: a move is stamped before its statement
/// commits (a writer may wait for SQLite's lock), so each tick looks back this far and skips
/// the moves it already told (same code, time and state).
pub const LOOK_BACK_MS: i64 = 5_000;

/// The PostgreSQL channel QR moves are announced on; the payload is
/// `<id_hash> <changed_at> <state>`.
pub const CHANNEL: &str = "sesame_qr_moved";

/// The wall clock in Unix milliseconds, for `changed_at` (not the injected clock: the
/// watcher's ticks are real time).
pub fn wall_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The streams by code (SHA-256 of the code's handle).
type Registry = HashMap<String, Vec<Weak<Notify>>>;

/// The moves told to the streams: code → (changed_at, state).
type Told = HashMap<String, (i64, String)>;

struct Inner {
    db: Db,
    streams: Mutex<Registry>,
    told: Mutex<Told>,
    started: AtomicBool,
    wakes: AtomicU64,
    notified: AtomicU64,
    /// Dropped with the state: the listening task sees its receiver closed and ends.
    _stop: tokio::sync::watch::Sender<()>,
    stopped: tokio::sync::watch::Receiver<()>,
}

impl Inner {
    fn streams(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves a usable map: take it.
        self.streams.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn told(&self) -> MutexGuard<'_, Told> {
        self.told.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes the streams of `id_hash` for its move to `state` at `at`, unless that move was
    /// told already (by the poll or the listener).
    fn tell(&self, id_hash: &str, at: i64, state: &str) {
        let mut told = self.told();
        if told
            .get(id_hash)
            .is_some_and(|(t, s)| *t == at && s == state)
        {
            return;
        }
        told.insert(id_hash.to_owned(), (at, state.to_owned()));
        drop(told);
        let streams = self.streams();
        if let Some(list) = streams.get(id_hash) {
            for notify in list.iter().filter_map(Weak::upgrade) {
                notify.notify_one();
                self.wakes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// The process's watcher; cheap to clone (held in [`crate::AppState`]).
#[derive(Clone)]
pub struct QrWatch {
    inner: Arc<Inner>,
}

/// A stream's registration for its code: [`Subscription::changed`] returns when the watcher
/// saw the code move (a move seen while the stream was busy is kept for its next wait).
/// Dropping it unregisters the stream.
pub struct Subscription {
    inner: Arc<Inner>,
    id_hash: String,
    notify: Arc<Notify>,
}

impl Subscription {
    /// Returns once the code moved since the last call (or since the registration).
    pub async fn changed(&self) {
        self.notify.notified().await;
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mine = Arc::as_ptr(&self.notify);
        let mut streams = self.inner.streams();
        if let Some(list) = streams.get_mut(&self.id_hash) {
            list.retain(|w| w.as_ptr() != mine && w.strong_count() > 0);
            if list.is_empty() {
                streams.remove(&self.id_hash);
            }
        }
    }
}

impl QrWatch {
    /// A watcher over `db`; its task starts with the first [`QrWatch::subscribe`].
    pub fn new(db: Db) -> QrWatch {
        let (stop, stopped) = tokio::sync::watch::channel(());
        QrWatch {
            inner: Arc::new(Inner {
                db,
                streams: Mutex::new(HashMap::new()),
                told: Mutex::new(HashMap::new()),
                started: AtomicBool::new(false),
                wakes: AtomicU64::new(0),
                notified: AtomicU64::new(0),
                _stop: stop,
                stopped,
            }),
        }
    }

    /// Registers a stream for the code whose handle hashes to `id_hash`. Register before the
    /// stream's first read of the row, so no move falls between the two.
    pub fn subscribe(&self, id_hash: &str) -> Subscription {
        self.start();
        let notify = Arc::new(Notify::new());
        self.inner
            .streams()
            .entry(id_hash.to_owned())
            .or_default()
            .push(Arc::downgrade(&notify));
        Subscription {
            inner: self.inner.clone(),
            id_hash: id_hash.to_owned(),
            notify,
        }
    }

    /// How many streams are registered, all codes together.
    pub fn streams(&self) -> usize {
        self.inner.streams().values().map(Vec::len).sum()
    }

    /// How many streams are registered for the code whose handle hashes to `id_hash`.
    pub fn streams_for(&self, id_hash: &str) -> usize {
        self.inner.streams().get(id_hash).map_or(0, Vec::len)
    }

    /// How many stream wake-ups the watcher has sent.
    pub fn wakes(&self) -> u64 {
        self.inner.wakes.load(Ordering::Relaxed)
    }

    /// How many notifications the PostgreSQL listener received for codes with streams open
    /// here (0 on SQLite): a move made by another instance counted here reached this one
    /// through `NOTIFY`, whether or not the poll saw it first.
    pub fn notified(&self) -> u64 {
        self.inner.notified.load(Ordering::Relaxed)
    }

    /// Spawns the task once, on the current runtime (there is one: a stream is being opened).
    fn start(&self) {
        if self.inner.started.swap(true, Ordering::AcqRel) {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(run(Arc::downgrade(&self.inner)));
                if crate::db::is_postgres(&self.inner.db) {
                    let url = self.inner.db.connect_options().database_url.to_string();
                    let stopped = self.inner.stopped.clone();
                    runtime.spawn(listen(Arc::downgrade(&self.inner), url, stopped));
                }
            }
            Err(_) => self.inner.started.store(false, Ordering::Release),
        }
    }
}

/// The watcher's task: every [`TICK`], while streams are registered, one query for the codes
/// that moved in the last [`LOOK_BACK_MS`], and a wake-up for each of their streams (once per
/// move). Ends when the state is dropped.
async fn run(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        if inner.streams().is_empty() {
            inner.told().clear();
            continue;
        }
        let since = wall_millis().saturating_sub(LOOK_BACK_MS);
        let moved: Vec<(String, i64, String)> = match sqlx::query_as(
            "SELECT id_hash, changed_at, state FROM qr_sessions WHERE changed_at > $1",
        )
        .bind(since)
        .fetch_all(&inner.db)
        .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "qr watcher: database");
                continue;
            }
        };
        inner.told().retain(|_, (at, _)| *at > since);
        for (id_hash, at, state) in moved {
            inner.tell(&id_hash, at, &state);
        }
    }
}

/// How long the listener waits before listening again after its connection failed.
const RELISTEN: Duration = Duration::from_secs(1);

/// The PostgreSQL listener: `LISTEN` on [`CHANNEL`] over a connection of its own (to `url`,
/// the pool's), and each notification's move told at once. A lost connection is made again
/// after [`RELISTEN`] (the poll covers the gap). Ends when the state is dropped.
async fn listen(inner: Weak<Inner>, url: String, mut stopped: tokio::sync::watch::Receiver<()>) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect(&url).await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "qr watcher: cannot listen");
                tokio::select! {
                    _ = stopped.changed() => return,
                    () = tokio::time::sleep(RELISTEN) => continue,
                }
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::error!(error = %e, "qr watcher: cannot listen");
            tokio::select! {
                _ = stopped.changed() => return,
                () = tokio::time::sleep(RELISTEN) => continue,
            }
        }
        loop {
            let received = tokio::select! {
                _ = stopped.changed() => return,
                r = listener.try_recv() => r,
            };
            let notification = match received {
                Ok(Some(n)) => n,
                // The connection was lost: made again on the next call (moves meanwhile
                // reach the streams through the poll).
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "qr watcher: listening");
                    break;
                }
            };
            let Some(inner) = inner.upgrade() else {
                return;
            };
            // `<id_hash> <changed_at> <state>`; anything else is not ours and is ignored.
            let mut parts = notification.payload().split(' ');
            if let (Some(id_hash), Some(Ok(at)), Some(state), None) = (
                parts.next(),
                parts.next().map(str::parse::<i64>),
                parts.next(),
                parts.next(),
            ) {
                if inner.streams().contains_key(id_hash) {
                    inner.notified.fetch_add(1, Ordering::Relaxed);
                }
                inner.tell(id_hash, at, state);
            }
        }
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(RELISTEN) => {}
        }
    }
}
