//! Stored secrets are ciphertext at rest and never appear in a page.

use psa_sync::domain::accounts::Role;
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use tests::spawn_app;

const AUTOTASK_SECRET: &str = "at-Secret-7f3a9c";
const MP_PASSWORD: &str = "mp-Password-51be";
const MP_KEY: &str = "mp-SubKey-0d44e2";

#[tokio::test]
async fn stored_secrets_are_ciphertext_and_never_rendered() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;

    let saved = admin
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "api@acme.example"),
                ("secret", AUTOTASK_SECRET),
                ("integration_code", "CODE1"),
                // Nothing listens there: the import page asks Autotask, and a test must never
                // reach the real one.
                ("api_url", "http://127.0.0.1:9/atservicesrest"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let saved = admin
        .client
        .post_form(
            "/settings/marketplace",
            &[
                ("base_url", "http://127.0.0.1:9/sandbox/marketplace"),
                ("marketplace_code", "MP-DEMO"),
                ("username", "reseller"),
                ("password", MP_PASSWORD),
                ("subscription_key", MP_KEY),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    // At rest: the columns hold ciphertext that opens to the secret under the master key.
    let at = psa_sync::db::connections::find_autotask_connection(app.db(), admin.reseller_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!at.secret_ciphertext.contains(AUTOTASK_SECRET));
    assert_eq!(
        app.state
            .key
            .open(&at.secret_ciphertext)
            .unwrap()
            .expose_secret(),
        AUTOTASK_SECRET
    );
    let mp = psa_sync::db::connections::find_marketplace_connection(app.db(), admin.reseller_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!mp.password_ciphertext.contains(MP_PASSWORD));
    assert!(!mp.subscription_key_ciphertext.contains(MP_KEY));
    assert_eq!(
        app.state
            .key
            .open(&mp.password_ciphertext)
            .unwrap()
            .expose_secret(),
        MP_PASSWORD
    );

    // No page shows a secret or its ciphertext.
    for path in [
        "/",
        "/settings",
        "/tasks",
        "/mapping",
        "/import",
        "/log",
        "/metrics",
    ] {
        let page = admin.client.get(path).await;
        for secret in [
            AUTOTASK_SECRET,
            MP_PASSWORD,
            MP_KEY,
            &at.secret_ciphertext,
            &mp.password_ciphertext,
        ] {
            assert!(!page.body.contains(secret), "{path} shows a secret");
        }
    }
    let settings = admin.client.get("/settings").await;
    assert!(settings.body.contains("api@acme.example"));
    assert!(settings.body.contains("stored — leave empty to keep"));
}

#[tokio::test]
async fn saving_without_a_new_secret_keeps_the_stored_one() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    admin
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "api@acme.example"),
                ("secret", AUTOTASK_SECRET),
                ("integration_code", "CODE1"),
            ],
        )
        .await;
    let again = admin
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "api2@acme.example"),
                ("secret", ""),
                ("integration_code", "CODE2"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let stored = psa_sync::db::connections::find_autotask_connection(app.db(), admin.reseller_id)
        .await
        .unwrap()
        .unwrap();
    let secret = app.state.key.open(&stored.secret_ciphertext).unwrap();
    assert_eq!(secret.expose_secret(), AUTOTASK_SECRET);
}

#[tokio::test]
async fn a_first_save_without_a_secret_is_explained_in_the_page() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let page = admin
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "api@acme.example"),
                ("secret", ""),
                ("integration_code", "CODE1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("The API secret is required."));
    assert!(
        page.body.contains("Autotask connection"),
        "the form is shown again"
    );
}

#[tokio::test]
async fn a_refused_marketplace_connection_is_explained_with_a_code_and_not_in_the_servers_words() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let fields = [
        ("base_url", "/sandbox/marketplace"),
        (
            "marketplace_code",
            psa_sync::sandbox::marketplace::seed::MARKETPLACE,
        ),
        ("username", psa_sync::sandbox::marketplace::seed::USERNAME),
        ("password", "not-the-password"),
        (
            "subscription_key",
            psa_sync::sandbox::marketplace::seed::SUBSCRIPTION_KEY,
        ),
    ];
    admin
        .client
        .post_form("/settings/marketplace", &fields)
        .await;
    admin
        .client
        .post_form("/settings/marketplace/test", &[])
        .await;
    let page = admin.client.get("/settings").await.body;
    assert!(
        page.contains("The marketplace connection does not work: the marketplace refused the credentials: check the user name, password, subscription key and marketplace code. (MPC01)"),
        "{page}"
    );
    assert!(
        !page.contains("Invalid credentials, subscription key or marketplace."),
        "what the marketplace said stays in the server log"
    );
}
