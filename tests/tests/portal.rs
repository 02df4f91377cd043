//! The portal the journeys stand on, without a browser: `sesame_demo::spawn` serves on the free
//! port it bound, with the security headers.

use sesame_core::api::paths;
use sesame_demo::security_headers::CONTENT_SECURITY_POLICY;
use sesame_e2e::harness::Portal;
use sesame_e2e::journey::API;

#[tokio::test]
async fn spawn_serves_on_a_free_port_with_the_security_headers() {
    let portal = Portal::start().await.unwrap();
    assert_ne!(portal.addr.port(), 0);
    let session = portal
        .get(&format!("{API}{}", paths::SESSION))
        .await
        .unwrap();
    assert_eq!(session.status(), 204, "no session yet: {session:?}");
    assert_eq!(
        session.headers()["content-security-policy"],
        CONTENT_SECURITY_POLICY
    );
}
