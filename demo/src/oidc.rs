//! Pro Santé Connect and the regional SSO: the portal as an OpenID Connect relying party, with
//! the `openidconnect` crate (authorization code flow, PKCE S256, state, nonce; the ID token's
//! issuer, audience, expiry, nonce and signature checked by the crate — `alg: none` refused —;
//! userinfo as JSON or a signed JWT, its `sub` checked against the ID token's). A signed userinfo
//! must be RS256 (what Pro Santé Connect signs with): the crate's userinfo verifier takes no
//! other algorithm, so another one is refused (`oidc_failed`), never read unverified.
//!
//! Both providers are the same code with their own [`ProviderConfig`]; a portal offers them as
//! `pro_sante_connect` / `regional_sso` (core's presets). The provider's metadata (discovery,
//! keys) is fetched at the first login and kept for [`METADATA_LIFE`]; a provider that cannot
//! be reached is `oidc_unavailable`, and the next login tries again.
//!
//! What the portal keeps of a login under way is in `oidc_requests` (see
//! [`crate::db::insert_oidc_request`]): the state and the browser's OIDC cookie only hashed,
//! the nonce and PKCE verifier for the return, deleted by the return.

use anyhow::Context;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreIdToken};
use openidconnect::{
    AdditionalClaims, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
    UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use sesame_core::oidc::{self, Establishment, Means, OtherAcr, MAX_ESTABLISHMENTS};
use sesame_core::{AssuranceLevel, ErrorCode, Method};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long a provider's discovered metadata and keys are used before being fetched again.
pub const METADATA_LIFE: Duration = Duration::from_secs(10 * 60);
/// The longest wait for a provider's answer (discovery, token, userinfo).
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// One OpenID provider, as configured.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The issuer (`SESAME_PSC_ISSUER`, `SESAME_SSO_ISSUER`): discovery is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The portal's client id there (`…_CLIENT_ID`).
    pub client_id: String,
    /// Its secret (`…_CLIENT_SECRET`; shown redacted).
    pub client_secret: String,
    /// What an `acr` other than eidas1/eidas2, or none, gives (`…_OTHER_ACR=refuse|weak`,
    /// default refuse).
    pub other_acr: OtherAcr,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("other_acr", &self.other_acr)
            .finish()
    }
}

/// The providers this server knows: Pro Santé Connect and a regional SSO, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OidcConfig {
    /// Pro Santé Connect (`SESAME_PSC_*`).
    pub psc: Option<ProviderConfig>,
    /// The regional SSO (`SESAME_SSO_*`).
    pub sso: Option<ProviderConfig>,
}

impl OidcConfig {
    /// Reads `SESAME_PSC_*` and `SESAME_SSO_*` from `lookup`: `…_ISSUER`, `…_CLIENT_ID`,
    /// `…_CLIENT_SECRET` (all three, or none), `…_OTHER_ACR`.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<OidcConfig> {
        let read = |prefix: &str| -> anyhow::Result<Option<ProviderConfig>> {
            let var = |name: &str| {
                lookup(&format!("{prefix}_{name}"))
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            };
            let (issuer, id, secret) = (var("ISSUER"), var("CLIENT_ID"), var("CLIENT_SECRET"));
            let other_acr = match var("OTHER_ACR") {
                None => OtherAcr::default(),
                Some(v) => OtherAcr::parse(&v)
                    .with_context(|| format!("{prefix}_OTHER_ACR={v:?}: use refuse or weak"))?,
            };
            match (issuer, id, secret) {
                (None, None, None) => Ok(None),
                (Some(issuer), Some(client_id), Some(client_secret)) => {
                    IssuerUrl::new(issuer.clone())
                        .with_context(|| format!("{prefix}_ISSUER={issuer:?} is not a URL"))?;
                    Ok(Some(ProviderConfig {
                        issuer,
                        client_id,
                        client_secret,
                        other_acr,
                    }))
                }
                _ => anyhow::bail!(
                    "{prefix}_ISSUER, {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET go together: \
                     set all three, or none"
                ),
            }
        };
        Ok(OidcConfig {
            psc: read("SESAME_PSC")?,
            sso: read("SESAME_SSO")?,
        })
    }

    /// The provider of `method`, if configured.
    pub fn provider(&self, method: Method) -> Option<&ProviderConfig> {
        match method {
            Method::ProSanteConnect => self.psc.as_ref(),
            Method::RegionalSso => self.sso.as_ref(),
            _ => None,
        }
    }
}

/// The client type the crate builds from discovered metadata.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A provider's metadata and the client built from it.
struct Discovered {
    client: Client,
    end_session: Option<EndSessionUrl>,
    fetched: Instant,
}

/// Pro Santé Connect's claims beyond the standard ones (userinfo).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PscClaims {
    /// The national identifier ("8" + RPPS for an RPPS holder).
    #[serde(
        rename = "SubjectNameID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub subject_name_id: Option<String>,
    /// The professional's exercices and their activities.
    #[serde(
        rename = "SubjectRefPro",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub subject_ref_pro: Option<SubjectRefPro>,
}

impl AdditionalClaims for PscClaims {}

/// `SubjectRefPro`: what the person practises, and where.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SubjectRefPro {
    /// The exercices (one per profession).
    #[serde(default)]
    pub exercices: Vec<Exercice>,
}

/// One exercice of `SubjectRefPro`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Exercice {
    /// Its activities (one per place).
    #[serde(default)]
    pub activities: Vec<Activity>,
}

/// One activity: a place where the person practises.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Activity {
    /// The structure's technical identifier.
    #[serde(rename = "identifiantTechniqueDeLaStructure", default)]
    pub structure_id: String,
    /// Its registered name.
    #[serde(rename = "raisonSocialeSite", default)]
    pub name: String,
    /// Its trading name, when it has one.
    #[serde(rename = "enseigneCommercialeSite", default)]
    pub trading_name: String,
}

impl SubjectRefPro {
    /// The places, once each, in the provider's order, at most [`MAX_ESTABLISHMENTS`]; an
    /// activity without identifier or name is left out.
    pub fn establishments(&self) -> Vec<Establishment> {
        let mut out: Vec<Establishment> = Vec::new();
        let activities = self.exercices.iter().flat_map(|e| &e.activities);
        for a in activities {
            let id = a.structure_id.trim();
            let name = [a.trading_name.trim(), a.name.trim()]
                .into_iter()
                .find(|n| !n.is_empty());
            let (false, Some(name)) = (id.is_empty(), name) else {
                continue;
            };
            if out.len() < MAX_ESTABLISHMENTS && !out.iter().any(|e| e.id == id) {
                out.push(Establishment {
                    id: id.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        out
    }
}

/// A login sent to the provider: where the browser goes, and what the portal keeps.
pub struct Started {
    /// The authorization URL.
    pub authorize_url: String,
    /// The state (the portal keeps its hash).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
}

/// Who came back from the provider, checked.
#[derive(Debug)]
pub struct Identity {
    /// The subject the portal's accounts are linked by: PSC's national identifier
    /// (`SubjectNameID`), else the `sub`.
    pub subject: String,
    /// The assurance, from `acr`.
    pub assurance: AssuranceLevel,
    /// Card or e-CPS, from `amr`.
    pub means: Option<Means>,
    /// The places to choose from (PSC).
    pub establishments: Vec<Establishment>,
    /// The raw ID token, for the logout's `id_token_hint`.
    pub id_token: String,
}

/// The relying party: the configured providers and their discovered metadata.
#[derive(Clone)]
pub struct RelyingParty {
    config: OidcConfig,
    http: reqwest::Client,
    discovered: Arc<Mutex<HashMap<Method, Arc<Discovered>>>>,
}

impl RelyingParty {
    /// The relying party of `config`. Its HTTP client follows no redirect (a provider's
    /// endpoint that redirects elsewhere is an error, not a request to another host).
    pub fn new(config: OidcConfig) -> RelyingParty {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .unwrap_or_else(|e| {
                // Only a TLS backend that cannot start fails here; logins through a provider
                // then fail as `oidc_unavailable`, the rest of the portal works.
                tracing::error!(error = %e, "the OpenID Connect HTTP client cannot start");
                reqwest::Client::new()
            });
        RelyingParty {
            config,
            http,
            discovered: Arc::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The provider of `method`'s metadata: cached, or discovered now.
    async fn discover(&self, method: Method) -> Result<Arc<Discovered>, ErrorCode> {
        let provider = self
            .config
            .provider(method)
            .ok_or(ErrorCode::MethodNotAvailable)?;
        let mut cache = self.discovered.lock().await;
        if let Some(d) = cache.get(&method) {
            if d.fetched.elapsed() < METADATA_LIFE {
                return Ok(d.clone());
            }
        }
        let issuer =
            IssuerUrl::new(provider.issuer.clone()).map_err(|_| ErrorCode::OidcUnavailable)?;
        // With RP-initiated logout's `end_session_endpoint`: one fetch of the document.
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %provider.issuer, error = %e, "OpenID discovery failed");
                ErrorCode::OidcUnavailable
            })?;
        // Only http(s): the browser is sent there.
        let end_session = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()
            .filter(|url| matches!(url.url().scheme(), "https" | "http"));
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        );
        let discovered = Arc::new(Discovered {
            client,
            end_session,
            fetched: Instant::now(),
        });
        cache.insert(method, discovered.clone());
        Ok(discovered)
    }

    /// Forgets `method`'s metadata (after a signature that did not verify: the keys may have
    /// rotated), so that the next login fetches them again.
    async fn forget(&self, method: Method) {
        self.discovered.lock().await.remove(&method);
    }

    /// Starts a login with `method`'s provider, coming back to `redirect_uri`.
    pub async fn start(&self, method: Method, redirect_uri: &str) -> Result<Started, ErrorCode> {
        let discovered = self.discover(method).await?;
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|_| ErrorCode::InternalError)?;
        let client = discovered.client.clone().set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let scopes: &[&str] = if method == Method::ProSanteConnect {
            &oidc::PSC_SCOPES
        } else {
            &oidc::SSO_SCOPES
        };
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_auth_context_value(AuthenticationContextClass::new(oidc::ACR_EIDAS1.into()));
        // `openid` is always asked by the crate.
        for scope in scopes.iter().filter(|s| **s != "openid") {
            request = request.add_scope(Scope::new((*scope).to_owned()));
        }
        let (url, state, nonce) = request.url();
        Ok(Started {
            authorize_url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// The provider's return with `code`: the code exchanged (with the PKCE verifier), the ID
    /// token checked (issuer, audience, expiry, signature, `nonce`), `acr` and `amr` read,
    /// userinfo fetched (JSON or signed JWT) for the same `sub`.
    pub async fn finish(
        &self,
        method: Method,
        redirect_uri: &str,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Identity, ErrorCode> {
        let provider = self
            .config
            .provider(method)
            .ok_or(ErrorCode::MethodNotAvailable)?;
        let discovered = self.discover(method).await?;
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|_| ErrorCode::InternalError)?;
        let client = discovered.client.clone().set_redirect_uri(redirect);
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| ErrorCode::OidcUnavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()));
        let tokens = exchange.request_async(&self.http).await.map_err(|e| {
            tracing::warn!(provider = %provider.issuer, error = %e, "OpenID code exchange failed");
            match e {
                // Not reached, or not an answer at all: the provider is unavailable.
                openidconnect::RequestTokenError::Request(_)
                | openidconnect::RequestTokenError::Other(_) => ErrorCode::OidcUnavailable,
                // Refused, or an answer that does not parse (an ID token without `sub`…).
                _ => ErrorCode::OidcFailed,
            }
        })?;
        let id_token = tokens.id_token().ok_or_else(|| {
            tracing::warn!(provider = %provider.issuer, "no ID token in the token response");
            ErrorCode::OidcFailed
        })?;
        let verifier = client.id_token_verifier();
        let claims = match id_token.claims(&verifier, &Nonce::new(nonce.to_owned())) {
            Ok(claims) => claims.clone(),
            Err(e) => {
                tracing::warn!(provider = %provider.issuer, error = %e, "ID token refused");
                // Keys may have rotated: fetch them again next time.
                self.forget(method).await;
                return Err(ErrorCode::OidcFailed);
            }
        };
        let acr = claims.auth_context_ref().map(|a| a.as_str());
        let assurance = oidc::assurance_of(acr, provider.other_acr)?;
        let means = claims
            .auth_method_refs()
            .and_then(|amr| Means::from_amr(amr.iter().map(|a| a.as_str())));
        let subject = claims.subject().clone();
        let userinfo: UserInfoClaims<PscClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(subject.clone()))
            .map_err(|_| ErrorCode::OidcUnavailable)?
            // JSON or a signed JWT, as the provider answers (PSC signs it).
            .require_signed_response(false)
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %provider.issuer, error = %e, "userinfo refused");
                match e {
                    openidconnect::UserInfoError::ClaimsVerification(_)
                    | openidconnect::UserInfoError::Parse(_) => ErrorCode::OidcFailed,
                    _ => ErrorCode::OidcUnavailable,
                }
            })?;
        if userinfo.subject() != &subject {
            return Err(ErrorCode::OidcFailed);
        }
        let extra = userinfo.additional_claims();
        let (subject, establishments) = if method == Method::ProSanteConnect {
            let national_id = extra
                .subject_name_id
                .clone()
                .filter(|s| !s.trim().is_empty())
                .ok_or(ErrorCode::OidcFailed)?;
            let places = extra
                .subject_ref_pro
                .as_ref()
                .map(SubjectRefPro::establishments)
                .unwrap_or_default();
            (national_id, places)
        } else {
            (subject.as_str().to_owned(), Vec::new())
        };
        Ok(Identity {
            subject,
            assurance,
            means: means.filter(|_| method == Method::ProSanteConnect),
            establishments,
            id_token: id_token.to_string(),
        })
    }

    /// Where to send the browser to end `method`'s provider session too, if the provider has
    /// an end-session endpoint.
    pub async fn end_session_url(
        &self,
        method: Method,
        id_token: &str,
        post_logout_redirect_uri: &str,
    ) -> Option<String> {
        let discovered = self.discover(method).await.ok()?;
        let endpoint = discovered.end_session.clone()?;
        let client_id = self.config.provider(method)?.client_id.clone();
        let id_token = CoreIdToken::from_str(id_token).ok()?;
        let back = PostLogoutRedirectUrl::new(post_logout_redirect_uri.to_owned()).ok()?;
        let request = LogoutRequest::from(endpoint)
            .set_id_token_hint(&id_token)
            .set_client_id(ClientId::new(client_id))
            .set_post_logout_redirect_uri(back);
        Some(request.http_get_url().to_string())
    }
}
