use maud::{Markup, html};

use crate::layout::{Nav, PageContext, page};

/// A section that has no content yet.
pub fn placeholder(ctx: &PageContext, nav: Nav, title: &str, text: &str) -> Markup {
    page(ctx, nav, title, html! { div.card { p.empty { (text) } } })
}
