//! Wire types of the portal API (widget ↔ portal), and its paths relative to the API base.
//!
//! **Invariant:** these are the only request and response bodies of the API; the demo server
//! derives its OpenAPI document from them, and the widget sends and reads exactly them.

use crate::method::{AssuranceLevel, Method};
use crate::portal::PortalId;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Paths of the portal API, relative to its base (`/api` in the demo).
pub mod paths {
    /// `POST` [`LoginPasswordRequest`](super::LoginPasswordRequest) → [`SessionInfo`](super::SessionInfo).
    pub const LOGIN_PASSWORD: &str = "/login/password";
    /// `POST` (no body) → 204: ends the session.
    pub const LOGOUT: &str = "/logout";
    /// `GET` → [`SessionInfo`](super::SessionInfo), or `204 No Content` when there is no session.
    pub const SESSION: &str = "/session";
    /// `POST` [`ChangePasswordRequest`](super::ChangePasswordRequest) → 204.
    pub const CHANGE_PASSWORD: &str = "/password/change";
    /// `GET` → the OpenAPI document.
    pub const OPENAPI: &str = "/openapi.json";
}

/// The header a page sends with every state-changing request. Together with the Origin check it
/// makes cross-site requests fail (a foreign page cannot set it without a CORS preflight the
/// portal refuses).
pub const CSRF_HEADER: &str = "x-sesame-csrf";

/// Identifier + password login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginPasswordRequest {
    /// The portal the account belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "spico"))]
    pub portal: PortalId,
    /// The identifier as typed; surrounding spaces are ignored.
    #[cfg_attr(feature = "openapi", schema(example = "marie.dupont"))]
    pub identifier: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub password: Secret,
}

/// Who is logged in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The portal.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub portal: PortalId,
    /// The account's identifier.
    pub identifier: String,
    /// The name to greet the person with.
    pub display_name: String,
    /// The method used to log in.
    pub method: Method,
    /// The assurance level of that login.
    pub assurance: AssuranceLevel,
    /// When the login happened, in Unix seconds.
    pub authenticated_at: i64,
}

impl SessionInfo {
    /// The session of `identifier` logged in with `method` at `authenticated_at`; the assurance
    /// level is the method's.
    pub fn new(
        portal: PortalId,
        identifier: String,
        display_name: String,
        method: Method,
        authenticated_at: i64,
    ) -> SessionInfo {
        SessionInfo {
            portal,
            identifier,
            display_name,
            method,
            assurance: method.assurance(),
            authenticated_at,
        }
    }
}

/// Change the logged-in account's password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The current password.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub current_password: Secret,
    /// The new password; it must meet every rule of the portal's policy.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Password))]
    pub new_password: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_request_rejects_unknown_fields_and_keeps_password_out_of_debug() {
        let ok: LoginPasswordRequest = serde_json::from_str(
            r#"{"portal":"spico","identifier":"marie","password":"Secret-Value-1"}"#,
        )
        .unwrap();
        assert!(!format!("{ok:?}").contains("Secret-Value-1"));
        let err = serde_json::from_str::<LoginPasswordRequest>(
            r#"{"portal":"spico","identifier":"marie","password":"x","admin":true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("admin"), "{err}");
    }
}
