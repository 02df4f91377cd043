//! The per-address failure counter, in the database (tables `ip_attempts`, `ip_buckets`), so
//! every instance sharing it counts the same attempts: more than [`MAX_FAILURES_PER_IP`] failed
//! logins from one address within [`WINDOW_SECONDS`] → 429 `rate_limited` until old failures
//! age out. An attempt is counted when it starts ([`IpLimiter::try_reserve`]) and forgotten if
//! it succeeds ([`IpLimiter::release`]), so attempts in flight count too. A reservation is one
//! transaction that first writes the bucket's row in `ip_buckets` — a row lock on PostgreSQL,
//! the write lock on SQLite — so reservations of one bucket take turns and the count each
//! checks is exact, whichever instance they reach. IPv6 addresses are
//! counted per /64 (one subscriber's usual allocation), IPv4-mapped IPv6 as IPv4.
//!
//! [`ClientIp`] is the client's address: the connection's peer, or — only when that peer is one
//! of the configured trusted proxies (`SESAME_TRUSTED_PROXIES`) — the nearest untrusted address
//! of `X-Forwarded-For`.

use crate::db::Db;
use crate::error::AppError;
use crate::state::AppState;
use anyhow::anyhow;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// Failures allowed per address within the window.
pub const MAX_FAILURES_PER_IP: usize = 50;
/// The window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// The longest window of any limit kept in these tables (the account journeys' hour): older
/// attempts are purged by every reservation.
pub const LONGEST_WINDOW_SECONDS: i64 = 60 * 60;

/// The per-address limiter over the database.
#[derive(Debug, Clone)]
pub struct IpLimiter {
    db: Db,
}

/// An attempt counted for an address: give it back with [`IpLimiter::release`] on success.
#[derive(Debug)]
#[must_use]
pub struct Slot {
    id: String,
}

/// The address the limiter counts `ip` under: IPv6 by its /64, IPv4-mapped IPv6 as IPv4.
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

impl IpLimiter {
    /// The limiter over `db` (migrated).
    pub fn new(db: Db) -> IpLimiter {
        IpLimiter { db }
    }

    /// Counts an attempt of `ip` at `now`, unless the address has used up its failures.
    pub async fn try_reserve(&self, ip: IpAddr, now: i64) -> anyhow::Result<Option<Slot>> {
        self.try_reserve_in(
            &bucket(ip).to_string(),
            now,
            MAX_FAILURES_PER_IP,
            WINDOW_SECONDS,
        )
        .await
    }

    /// Counts an attempt in `bucket` at `now`, unless it holds `max` attempts within the last
    /// `window` seconds (at most [`LONGEST_WINDOW_SECONDS`]): the same tables and the same
    /// turn-taking as the login's limit, for other limits (the account journeys': per address,
    /// per account), each with buckets of its own prefix.
    pub async fn try_reserve_in(
        &self,
        bucket: &str,
        now: i64,
        max: usize,
        window: i64,
    ) -> anyhow::Result<Option<Slot>> {
        let id = crate::token::random_hex(16)?;
        let since = now.saturating_sub(window.min(LONGEST_WINDOW_SECONDS));
        let stale = now.saturating_sub(LONGEST_WINDOW_SECONDS);
        let mut tx = self.db.begin().await?;
        // First a write to the bucket's row: the reservations of one bucket queue here.
        sqlx::query(
            "INSERT INTO ip_buckets (bucket, reservations) VALUES ($1, 1) \
             ON CONFLICT (bucket) DO UPDATE SET reservations = ip_buckets.reservations + 1",
        )
        .bind(bucket)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM ip_attempts WHERE at <= $1")
            .bind(stale)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "INSERT INTO ip_attempts (id, bucket, at) SELECT $1, $2, $3 \
             WHERE (SELECT COUNT(*) FROM ip_attempts WHERE bucket = $2 AND at > $4) < $5",
        )
        .bind(&id)
        .bind(bucket)
        .bind(now)
        .bind(since)
        .bind(i64::try_from(max).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // Now and then (one reservation in 256, by its random id), after the commit.
        if id.starts_with("00") {
            self.sweep().await;
        }
        Ok((done.rows_affected() == 1).then_some(Slot { id }))
    }

    /// Removes the buckets without an attempt, so addresses seen once do not pile up; run by
    /// one reservation in 256, holding no lock. A bucket removed while a reservation of it is
    /// under way is made again by the next one; its attempts count all the same (they are in
    /// `ip_attempts`). A failure is logged.
    pub async fn sweep(&self) {
        if let Err(e) = sqlx::query(
            "DELETE FROM ip_buckets WHERE bucket NOT IN (SELECT bucket FROM ip_attempts)",
        )
        .execute(&self.db)
        .await
        {
            tracing::error!(error = %e, "cannot sweep the address buckets");
        }
    }

    /// How many attempts of `ip`'s bucket are counted now (failures in the window and attempts
    /// in flight), without counting one: what the captcha's "after N failures" rule reads.
    pub async fn recent(&self, ip: IpAddr, now: i64) -> sqlx::Result<usize> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM ip_attempts WHERE bucket = $1 AND at > $2")
                .bind(bucket(ip).to_string())
                .bind(now.saturating_sub(WINDOW_SECONDS))
                .fetch_one(&self.db)
                .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Forgets a counted attempt (it succeeded, or was never checked). A failure to write is
    /// logged: the attempt then stays counted until it ages out, the safe side.
    pub async fn release(&self, slot: Slot) {
        if let Err(e) = sqlx::query("DELETE FROM ip_attempts WHERE id = $1")
            .bind(&slot.id)
            .execute(&self.db)
            .await
        {
            tracing::error!(error = %e, "cannot release an address's attempt");
        }
    }
}

/// The client's address (see the module's documentation). A server not started with the
/// connection's address (`into_make_service_with_connect_info`) answers `internal_error`
/// rather than putting every client in one bucket; handler tests use `MockConnectInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                anyhow!("no client address: serve with into_make_service_with_connect_info")
            })?;
        Ok(ClientIp(client_ip(
            peer.ip(),
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy; then, walking
/// `X-Forwarded-For` from the right, the first address that is not a trusted proxy (or the
/// last trusted hop, when an entry cannot be read).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_after_fifty_failures_in_the_window() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let l = IpLimiter::new(db);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for i in 0..MAX_FAILURES_PER_IP {
            assert!(
                l.try_reserve(ip, 1000).await.unwrap().is_some(),
                "after {i}"
            );
        }
        assert!(l.try_reserve(ip, 1000).await.unwrap().is_none());
        assert_eq!(l.recent(ip, 1000).await.unwrap(), MAX_FAILURES_PER_IP);
        assert_eq!(l.recent(other, 1000).await.unwrap(), 0);
        assert!(l.try_reserve(other, 1000).await.unwrap().is_some());
        assert_eq!(l.recent(other, 1000).await.unwrap(), 1);
        assert!(l
            .try_reserve(ip, 1000 + WINDOW_SECONDS - 1)
            .await
            .unwrap()
            .is_none());
        let slot = l
            .try_reserve(ip, 1000 + WINDOW_SECONDS)
            .await
            .unwrap()
            .expect("aged out");
        l.release(slot).await;
        assert!(
            l.try_reserve(ip, 1000 + WINDOW_SECONDS)
                .await
                .unwrap()
                .is_some(),
            "given back"
        );
    }

    #[tokio::test]
    async fn the_sweep_removes_only_buckets_without_attempts() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let l = IpLimiter::new(db.clone());
        let (old, live): (IpAddr, IpAddr) =
            ("192.0.2.3".parse().unwrap(), "192.0.2.4".parse().unwrap());
        let _ = l.try_reserve(old, 1000).await.unwrap().unwrap();
        // Purged once older than the longest window of any limit.
        let _ = l
            .try_reserve(live, 1000 + LONGEST_WINDOW_SECONDS)
            .await
            .unwrap()
            .unwrap();
        l.sweep().await;
        let buckets: Vec<(String,)> = sqlx::query_as("SELECT bucket FROM ip_buckets")
            .fetch_all(&db)
            .await
            .unwrap();
        assert_eq!(buckets, vec![("192.0.2.4".to_owned(),)]);
        assert_eq!(
            l.recent(live, 1000 + LONGEST_WINDOW_SECONDS).await.unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn other_limits_keep_their_own_buckets_and_windows() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let l = IpLimiter::new(db);
        let hour = LONGEST_WINDOW_SECONDS;
        for _ in 0..3 {
            assert!(l
                .try_reserve_in("k", 1000, 3, hour)
                .await
                .unwrap()
                .is_some());
        }
        assert!(l
            .try_reserve_in("k", 1000, 3, hour)
            .await
            .unwrap()
            .is_none());
        // A login's reservation (a shorter window) purges none of them.
        let ip: IpAddr = "192.0.2.5".parse().unwrap();
        assert!(l
            .try_reserve(ip, 1000 + WINDOW_SECONDS + 1)
            .await
            .unwrap()
            .is_some());
        assert!(l
            .try_reserve_in("k", 1000 + hour - 1, 3, hour)
            .await
            .unwrap()
            .is_none());
        assert!(l
            .try_reserve_in("k", 1000 + hour, 3, hour)
            .await
            .unwrap()
            .is_some());
        assert_eq!(l.recent(ip, 1000 + WINDOW_SECONDS + 1).await.unwrap(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_reservations_do_not_pass_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("l.sqlite").display());
        let db = crate::db::connect(&url).await.unwrap();
        let l = IpLimiter::new(db);
        let ip: IpAddr = "192.0.2.9".parse().unwrap();
        let mut tries = tokio::task::JoinSet::new();
        for _ in 0..MAX_FAILURES_PER_IP + 20 {
            let l = l.clone();
            tries.spawn(async move { l.try_reserve(ip, 1000).await.unwrap().is_some() });
        }
        let granted = tries.join_all().await.into_iter().filter(|g| *g).count();
        assert_eq!(granted, MAX_FAILURES_PER_IP);
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket(a), bucket(b));
        assert_ne!(bucket(a), bucket(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.4, 10.1.1.1".parse().unwrap(),
        );
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "192.0.2.50".parse().unwrap();
        // The nearest untrusted hop, not the left-most (which the client could make up).
        assert_eq!(
            client_ip(proxy, &h, &trusted),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(stranger, &h, &trusted), stranger);
        assert_eq!(client_ip(proxy, &h, &[]), proxy);
        h.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_ip(proxy, &h, &trusted), proxy);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}
