use maud::{Markup, html};

use crate::layout::document;

/// A friendly error page: a title, one sentence and a way back. Never internal details.
pub fn error_page(status: u16, title: &str, message: &str, request_id: Option<&str>) -> Markup {
    document(
        title,
        html! {
            main style="max-width:36rem;margin-top:4rem" {
                div.card {
                    p.hint { "Error " (status) }
                    h1 { (title) }
                    p { (message) }
                    @if let Some(id) = request_id { p.hint { "Reference: " code { (id) } } }
                    p { a.button href="/" { "Back to the dashboard" } }
                }
            }
        },
    )
}
