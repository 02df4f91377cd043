//! The widget on another origin than the API (`https://portal.example` embedding the widget,
//! `https://api.example/api` answering it).
//!
//! - **CORS** for the origins of `SESAME_ALLOWED_ORIGINS` only ([`cors`]): with credentials (the
//!   cookies), the `content-type` and CSRF headers, `GET` and `POST`, the preflight cached two
//!   hours (Chromium's cap; Firefox caps at 24 hours). Any other origin gets no CORS header at
//!   all, so its scripts can neither read an answer nor send the CSRF header; and
//!   [`crate::csrf`] refuses its `POST` by its `Origin` anyway. Listing an origin here grants
//!   nothing new: a listed origin could already `POST` (the CSRF check lets it).
//! - **Cross-site cookies** (`SESAME_CROSS_SITE=1`, [`cross_site_cookies`]): a page on another
//!   *site* (another registrable domain, not a subdomain nor another port) gets the API's
//!   cookies only if they are `SameSite=None; Secure`. One layer turns every cookie the API sets
//!   into that, rather than threading the mode through each cookie's code: the cookies stay
//!   written in one way ([`crate::session::cookie_header`]) and change in one place.

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use sesame_core::api::CSRF_HEADER;
use std::time::Duration;
use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};

/// How long a browser may keep a preflight's answer (Chromium keeps at most two hours).
pub const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(2 * 60 * 60);

/// The CORS layer for `origins` (already checked by [`crate::config`]; one that is not header
/// text is left out).
pub fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let listed = origins.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        // Said only to a listed origin (without `Access-Control-Allow-Origin` a browser refuses
        // the answer anyway; an unlisted origin is told nothing).
        .allow_credentials(AllowCredentials::predicate(move |origin, _| {
            listed.contains(origin)
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([CONTENT_TYPE, HeaderName::from_static(CSRF_HEADER)])
        .max_age(PREFLIGHT_MAX_AGE)
}

/// Middleware: every `Set-Cookie` of the answer made `SameSite=None; Secure`.
pub async fn cross_site_cookies(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().map_or_else(|_| v.clone(), cross_site_cookie))
        .collect();
    if !cookies.is_empty() {
        headers.remove(SET_COOKIE);
        for cookie in cookies {
            headers.append(SET_COOKIE, cookie);
        }
    }
    response
}

/// One `Set-Cookie` value with its `SameSite` attribute `None` and `Secure` added if missing.
fn cross_site_cookie(cookie: &str) -> HeaderValue {
    let mut out = String::with_capacity(cookie.len() + 24);
    let mut secure = false;
    for (i, attribute) in cookie.split(';').enumerate() {
        let trimmed = attribute.trim();
        if i > 0 && trimmed.len() >= 8 && trimmed[..8].eq_ignore_ascii_case("samesite") {
            continue;
        }
        secure |= i > 0 && trimmed.eq_ignore_ascii_case("secure");
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(trimmed);
    }
    out.push_str("; SameSite=None");
    if !secure {
        out.push_str("; Secure");
    }
    // Made of a header value's text and fixed text: still header text.
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_become_same_site_none_and_secure() {
        let dev = "sesame_session=ab12; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800";
        assert_eq!(
            cross_site_cookie(dev),
            "sesame_session=ab12; Path=/; HttpOnly; Max-Age=28800; SameSite=None; Secure"
        );
        let prod = "__Host-sesame_oidc=cd; Path=/; HttpOnly; SameSite=Lax; Max-Age=600; Secure";
        assert_eq!(
            cross_site_cookie(prod),
            "__Host-sesame_oidc=cd; Path=/; HttpOnly; Max-Age=600; Secure; SameSite=None"
        );
        // A cleared cookie too (the browser must accept its removal the same way).
        let cleared =
            cross_site_cookie("sesame_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        assert!(cleared
            .to_str()
            .unwrap()
            .contains("Max-Age=0; SameSite=None; Secure"));
    }
}
