//! The per-IP failure counter (in memory): more than [`MAX_FAILURES_PER_IP`] failed logins from
//! one address within [`WINDOW_SECONDS`] → 429 `rate_limited` until old failures age out.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;

/// Failures allowed per address within the window.
pub const MAX_FAILURES_PER_IP: usize = 50;
/// The window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Addresses tracked before old entries are swept.
const SWEEP_ABOVE: usize = 10_000;

/// Recent failure times per address.
#[derive(Debug, Default)]
pub struct IpLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<i64>>>,
}

impl IpLimiter {
    /// Whether `ip` has used up its failures at `now`.
    pub fn is_limited(&self, ip: IpAddr, now: i64) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(&ip) {
            Some(times) => {
                prune(times, now);
                times.len() >= MAX_FAILURES_PER_IP
            }
            None => false,
        }
    }

    /// Counts a failure of `ip` at `now`.
    pub fn record_failure(&self, ip: IpAddr, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
        let times = map.entry(ip).or_default();
        prune(times, now);
        if times.len() >= MAX_FAILURES_PER_IP {
            // Keep the list bounded; the newest failure keeps the address limited longer.
            times.pop_front();
        }
        times.push_back(now);
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

/// The client's address (from the connection; `0.0.0.0` when unknown, as in handler tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
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
            assert!(!l.is_limited(ip, 1000), "after {i}");
            l.record_failure(ip, 1000);
        }
        assert!(l.is_limited(ip, 1000));
        assert!(!l.is_limited(other, 1000));
        assert!(l.is_limited(ip, 1000 + WINDOW_SECONDS - 1));
        assert!(!l.is_limited(ip, 1000 + WINDOW_SECONDS));
    }
}
