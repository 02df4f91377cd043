//! The Pro Santé Connect and ESEA stand-in (`sesame_e2e::oidc_provider`), without a browser:
//! it starts, both issuers publish the discovery the portal relies on (PKCE S256, PSC's
//! `eidas1`/`eidas2` and `scope_all`, end-session), an authorization request with a redirect
//! URI on another host is refused on the provider's own page (never redirected there), one on
//! another loopback port is accepted (the tests' portal has a random port), and the e-CPS
//! phone has nothing pending for a stranger.

use anyhow::{ensure, Context, Result};
use serde_json::Value;
use sesame_e2e::oidc_provider::{self, identities, OidcStandIn, CLIENT_ID};

/// A PKCE challenge (RFC 7636's example): the provider checks its shape, not its verifier, at
/// the authorization endpoint.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn discovery(issuer: &str) -> Result<Value> {
    let url = format!("{issuer}/.well-known/openid-configuration");
    let (status, body) = oidc_provider::request(http::Method::GET, &url, None).await?;
    ensure!(status.is_success(), "GET {url}: {status} {body}");
    serde_json::from_str(&body).with_context(|| format!("GET {url}: {body}"))
}

fn strings(doc: &Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The authorization request of the portal's PSC login, with `redirect_uri`: its status and
/// `Location`.
async fn authorize(issuer: &str, scope: &str, redirect_uri: &str) -> Result<(u16, String)> {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "etat-de-test")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let url = format!("{issuer}/auth?{query}");
    let (status, headers, _) =
        oidc_provider::request_with_headers(http::Method::GET, &url, None).await?;
    let location = headers
        .get(http::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status.as_u16(), location))
}

#[tokio::test]
async fn both_issuers_publish_their_discovery_and_refuse_foreign_redirects() -> Result<()> {
    let stand_in = tokio::task::spawn_blocking(OidcStandIn::start).await??;
    let result = check(&stand_in).await;
    result.with_context(|| format!("the stand-in's log:\n{}", stand_in.log_tail()))
}

async fn check(stand_in: &OidcStandIn) -> Result<()> {
    let psc = discovery(&stand_in.psc_issuer).await?;
    ensure!(
        psc["issuer"] == stand_in.psc_issuer.as_str(),
        "PSC issuer: {}",
        psc["issuer"]
    );
    ensure!(
        strings(&psc, "code_challenge_methods_supported").contains(&"S256".to_owned()),
        "PSC: no S256 in {}",
        psc["code_challenge_methods_supported"]
    );
    ensure!(
        strings(&psc, "acr_values_supported") == ["eidas1", "eidas2"],
        "PSC acr values: {}",
        psc["acr_values_supported"]
    );
    ensure!(
        strings(&psc, "scopes_supported").contains(&"scope_all".to_owned()),
        "PSC scopes: {}",
        psc["scopes_supported"]
    );
    ensure!(
        strings(&psc, "userinfo_signing_alg_values_supported").contains(&"RS256".to_owned()),
        "PSC answers userinfo as a signed JWT: {}",
        psc["userinfo_signing_alg_values_supported"]
    );
    ensure!(
        psc["end_session_endpoint"].is_string(),
        "PSC: no end_session_endpoint"
    );

    let sso = discovery(&stand_in.sso_issuer).await?;
    ensure!(
        sso["issuer"] == stand_in.sso_issuer.as_str(),
        "ESEA issuer: {}",
        sso["issuer"]
    );
    ensure!(
        strings(&sso, "code_challenge_methods_supported").contains(&"S256".to_owned()),
        "ESEA: no S256"
    );
    ensure!(
        strings(&sso, "acr_values_supported") == ["eidas1"],
        "ESEA acr values"
    );
    for scope in ["openid", "profile", "email"] {
        ensure!(
            strings(&sso, "scopes_supported").contains(&scope.to_owned()),
            "ESEA: no scope {scope}"
        );
    }
    ensure!(
        sso["end_session_endpoint"].is_string(),
        "ESEA: no end_session_endpoint"
    );

    // Another host: refused on the provider's page, never a redirect to it.
    for uri in [
        "http://evil.example:8080/api/login/oidc/psc/callback",
        "http://127.0.0.1.evil.example/api/login/oidc/psc/callback",
        "https://127.0.0.1:8080/api/login/oidc/psc/callback",
    ] {
        let (status, location) = authorize(&stand_in.psc_issuer, "openid scope_all", uri).await?;
        ensure!(
            status == 400 && location.is_empty(),
            "redirect_uri {uri}: {status} {location:?} (expected a 400 page)"
        );
    }
    // Another loopback port, same path: on to the login page.
    let (status, location) = authorize(
        &stand_in.psc_issuer,
        "openid scope_all",
        "http://127.0.0.1:45678/api/login/oidc/psc/callback",
    )
    .await?;
    ensure!(
        status == 303 && location.contains("/interaction/"),
        "loopback redirect on another port: {status} {location:?}"
    );
    let (status, location) = authorize(
        &stand_in.sso_issuer,
        "openid profile email",
        "http://localhost:45678/api/login/oidc/sso/callback",
    )
    .await?;
    ensure!(
        status == 303 && location.contains("/interaction/"),
        "ESEA, loopback redirect on another port: {status} {location:?}"
    );

    // The phone of a known professional has nothing to answer yet.
    let people = identities()?;
    ensure!(
        people.psc.len() == 4 && people.sso.len() == 1,
        "test identities"
    );
    for p in &people.psc {
        ensure!(
            p.subject_name_id == format!("8{}", p.rpps),
            "SubjectNameID of {}",
            p.rpps
        );
    }
    ensure!(
        stand_in.ecps_pending(&people.psc[0].rpps).await?.is_none(),
        "an e-CPS request pending before any login"
    );
    Ok(())
}
