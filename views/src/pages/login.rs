use maud::{Markup, html};

use crate::components::{csrf_field, error_box};
use crate::layout::document;

/// The sign-in page; `error` is shown after a refused attempt.
pub fn login(csrf_token: &str, email: &str, error: Option<&str>) -> Markup {
    document(
        "Sign in",
        html! {
            main style="max-width:26rem;margin-top:4rem" {
                div.card {
                    h1 { "Sign in to psa-sync" }
                    (error_box(error))
                    form method="post" action="/login" {
                        (csrf_field(csrf_token))
                        label for="email" { "E-mail" }
                        input id="email" name="email" type="email" value=(email) autocomplete="username" required autofocus;
                        label for="password" { "Password" }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                        p { button type="submit" { "Sign in" } }
                    }
                }
            }
        },
    )
}
