use maud::{Markup, html};

use crate::components::{csrf_field, error_box, secret_input, text_input};
use crate::layout::{Nav, PageContext, page};

/// The connection fields a page may show (never a secret, only whether one is stored).
#[derive(Debug, Clone, Default)]
pub struct ConnectionsView {
    pub autotask_api_url: String,
    pub autotask_test_result: Option<String>,
    pub autotask_username: String,
    pub autotask_integration_code: String,
    pub autotask_secret_set: bool,
    pub marketplace_base_url: String,
    pub marketplace_code: String,
    pub marketplace_username: String,
    pub marketplace_password_set: bool,
    pub marketplace_key_set: bool,
}

/// Settings: the two connections and a background-job check.
pub fn settings(ctx: &PageContext, view: &ConnectionsView, error: Option<&str>) -> Markup {
    page(
        ctx,
        Nav::Settings,
        "Settings",
        html! {
            (error_box(error))
            div.card {
                h2 { "Autotask connection" }
                form method="post" action="/settings/autotask" {
                    (csrf_field(&ctx.csrf_token))
                    (text_input("API user name", "username", &view.autotask_username, Some("The API-only user created in Autotask.")))
                    (secret_input("API secret", "secret", view.autotask_secret_set))
                    (text_input("Integration code", "integration_code", &view.autotask_integration_code, None))
                    (text_input("API address (advanced)", "api_url", &view.autotask_api_url, Some("Leave empty to find your Autotask zone automatically. The demo points at the built-in sandbox.")))
                    p { button type="submit" { "Save Autotask connection" } }
                }
                form method="post" action="/settings/autotask/test" {
                    (csrf_field(&ctx.csrf_token))
                    button type="submit" class="secondary" { "Test the Autotask connection" }
                }
                @if let Some(result) = &view.autotask_test_result { p.hint { "Last test: " (result) } }
            }
            div.card {
                h2 { "Marketplace connection" }
                form method="post" action="/settings/marketplace" {
                    (csrf_field(&ctx.csrf_token))
                    (text_input("Marketplace API URL", "base_url", &view.marketplace_base_url, None))
                    (text_input("Marketplace code", "marketplace_code", &view.marketplace_code, None))
                    (text_input("User name", "username", &view.marketplace_username, None))
                    (secret_input("Password", "password", view.marketplace_password_set))
                    (secret_input("Subscription key", "subscription_key", view.marketplace_key_set))
                    p { button type="submit" { "Save marketplace connection" } }
                }
                form method="post" action="/settings/marketplace/test" {
                    (csrf_field(&ctx.csrf_token))
                    button type="submit" class="secondary" { "Test the marketplace connection" }
                }
            }
            div.card {
                h2 { "Background jobs" }
                p.hint { "Queues a small test job; its result appears in the action log." }
                form method="post" action="/settings/test-job" {
                    (csrf_field(&ctx.csrf_token))
                    button type="submit" class="secondary" { "Run a test job" }
                }
            }
        },
    )
}
