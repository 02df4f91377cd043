//! Headers on every response: a strict Content-Security-Policy (the widget needs
//! `'wasm-unsafe-eval'` and nothing inline), no MIME sniffing, no referrer; outside dev mode,
//! `Strict-Transport-Security` (HTTPS only, for two years, subdomains included).

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every page and answer.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
base-uri 'none'; form-action 'self'";

/// [`CONTENT_SECURITY_POLICY`] with `extra` sources added to their directives (a directive it
/// lacks starts from `'self'`): a hosted captcha's script and frames
/// ([`CaptchaConfig::csp_sources`](crate::captcha::CaptchaConfig::csp_sources)).
pub fn content_security_policy(extra: &[(&str, String)]) -> String {
    let mut directives: Vec<String> = CONTENT_SECURITY_POLICY
        .split("; ")
        .map(str::to_owned)
        .collect();
    for (directive, sources) in extra {
        let prefix = [directive, " "].concat();
        match directives.iter_mut().find(|d| d.starts_with(&prefix)) {
            Some(d) => {
                d.push(' ');
                d.push_str(sources);
            }
            None => directives.push([&prefix, "'self' ", sources].concat()),
        }
    }
    directives.join("; ")
}

/// The `Strict-Transport-Security` sent outside dev mode.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// Adds the security headers to every response of `router`, the CSP being `csp`.
pub fn add<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    dev_mode: bool,
    csp: HeaderValue,
) -> Router<S> {
    let router = if dev_mode {
        router
    } else {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        ))
    };
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hosted_captcha_widens_only_its_directives() {
        assert_eq!(content_security_policy(&[]), CONTENT_SECURITY_POLICY);
        let csp = content_security_policy(&[
            ("script-src", "https://www.google.com/recaptcha/".into()),
            ("frame-src", "https://www.google.com/recaptcha/".into()),
        ]);
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' https://www.google.com/recaptcha/;")
        );
        assert!(csp.ends_with("; frame-src 'self' https://www.google.com/recaptcha/"));
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
