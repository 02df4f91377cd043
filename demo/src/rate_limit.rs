//! The per-address failure counter (in memory): more than [`MAX_FAILURES_PER_IP`] failed
//! logins from one address within [`WINDOW_SECONDS`] → 429 `rate_limited` until old failures
//! age out. An attempt is counted when it starts ([`IpLimiter::try_reserve`]) and forgotten if
//! it succeeds ([`IpLimiter::release`]), so attempts in flight count too. IPv6 addresses are
//! counted per /64 (one subscriber's usual allocation), IPv4-mapped IPv6 as IPv4.
//!
//! [`ClientIp`] is the client's address: the connection's peer, or — only when that peer is one
//! of the configured trusted proxies (`SESAME_TRUSTED_PROXIES`) — the nearest untrusted address
//! of `X-Forwarded-For`.

use crate::error::AppError;
use crate::state::AppState;
use anyhow::anyhow;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;

/// Failures allowed per address within the window.
pub const MAX_FAILURES_PER_IP: usize = 50;
/// The window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Addresses tracked before old entries are swept.
const SWEEP_ABOVE: usize = 10_000;

/// Recent failure (and in-flight attempt) times per address bucket.
#[derive(Debug, Default)]
pub struct IpLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<i64>>>,
}

/// An attempt counted for an address: give it back with [`IpLimiter::release`] on success.
#[derive(Debug)]
#[must_use]
pub struct Slot {
    bucket: IpAddr,
    at: i64,
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
    /// Counts an attempt of `ip` at `now`, unless the address has used up its failures.
    pub fn try_reserve(&self, ip: IpAddr, now: i64) -> Option<Slot> {
        let bucket = bucket(ip);
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
        let times = map.entry(bucket).or_default();
        prune(times, now);
        if times.len() >= MAX_FAILURES_PER_IP {
            return None;
        }
        times.push_back(now);
        Some(Slot { bucket, at: now })
    }

    /// How many attempts of `ip`'s bucket are counted now (failures in the window and attempts
    /// in flight), without counting one: what the captcha's "after N failures" rule reads.
    pub fn recent(&self, ip: IpAddr, now: i64) -> usize {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.get_mut(&bucket(ip)).map_or(0, |times| {
            prune(times, now);
            times.len()
        })
    }

    /// Forgets a counted attempt (it succeeded, or was never checked).
    pub fn release(&self, slot: Slot) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(times) = map.get_mut(&slot.bucket) {
            if let Some(i) = times.iter().rposition(|&t| t == slot.at) {
                times.remove(i);
            }
        }
    }
}

fn prune(times: &mut VecDeque<i64>, now: i64) {
    while times
        .front()
        .is_some_and(|&t| t <= now.saturating_sub(WINDOW_SECONDS))
    {
        times.pop_front();
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

    #[test]
    fn limits_after_fifty_failures_in_the_window() {
        let l = IpLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for i in 0..MAX_FAILURES_PER_IP {
            assert!(l.try_reserve(ip, 1000).is_some(), "after {i}");
        }
        assert!(l.try_reserve(ip, 1000).is_none());
        assert_eq!(l.recent(ip, 1000), MAX_FAILURES_PER_IP);
        assert_eq!(l.recent(other, 1000), 0);
        assert!(l.try_reserve(other, 1000).is_some());
        assert_eq!(l.recent(other, 1000), 1);
        assert!(l.try_reserve(ip, 1000 + WINDOW_SECONDS - 1).is_none());
        let slot = l.try_reserve(ip, 1000 + WINDOW_SECONDS).expect("aged out");
        l.release(slot);
        assert!(
            l.try_reserve(ip, 1000 + WINDOW_SECONDS).is_some(),
            "given back"
        );
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
