use maud::{Markup, html};

use super::tabs::{LinkedView, MappingTab, linked};
use crate::components::{csrf_field, error_box};
use crate::layout::{Nav, PageContext, page};

/// An Autotask record offered for mapping.
#[derive(Debug, Clone)]
pub struct ChoiceRowView {
    pub id: i64,
    pub name: String,
    /// How alike the names are, 0–100.
    pub likeness: u8,
    /// Marketplace things already mapped to it.
    pub mapped_to: Vec<String>,
}

/// The page for choosing what one customer, product or fee maps to.
#[derive(Debug, Clone)]
pub struct ChooseView {
    pub tab: MappingTab,
    pub title: String,
    /// What the page is about, as label and value.
    pub facts: Vec<(String, String)>,
    /// "company" or "service".
    pub what: &'static str,
    /// The page's address: searched by GET, mapped by POST, unmapped by POST to `…/unmap`.
    pub base: String,
    pub current: Option<LinkedView>,
    pub query: String,
    pub choices: Vec<ChoiceRowView>,
    /// Why Autotask offered nothing (not connected, not reachable).
    pub problem: Option<String>,
    /// Why the last mapping was refused.
    pub error: Option<String>,
    /// New or ready tasks that rely on the mapping.
    pub open_tasks: u64,
    /// Where to add a new service instead (products only).
    pub add_service: Option<String>,
}

fn tasks_phrase(n: u64) -> String {
    match n {
        0 => "No open task relies on this mapping.".to_owned(),
        1 => "1 open task (new or ready) relies on this mapping and will need it again.".to_owned(),
        n => format!("{n} open tasks (new or ready) rely on this mapping and will need it again."),
    }
}

fn choice_row(view: &ChooseView, row: &ChoiceRowView, csrf: &str) -> Markup {
    let current = view.current.as_ref().is_some_and(|c| c.id == row.id);
    html! {
        tr {
            td { (row.name) " " span.hint { "(id " (row.id) ")" } }
            td { (row.likeness) "%" }
            td {
                @if row.mapped_to.is_empty() { span.hint { "—" } }
                @else { "Mapped to " (row.mapped_to.join(", ")) }
            }
            td {
                @if current { span.badge { "current" } }
                @else {
                    form method="post" action=(view.base) {
                        (csrf_field(csrf))
                        input type="hidden" name="target" value=(row.id);
                        button type="submit" { "Map to this " (view.what) }
                    }
                }
            }
        }
    }
}

/// Search, ranked suggestions, map and unmap for one customer, product or fee.
pub fn choose_page(ctx: &PageContext, view: &ChooseView) -> Markup {
    page(
        ctx,
        Nav::Mapping,
        &view.title,
        html! {
            p { a href=(view.tab.path()) { "← Back to " (view.tab.label()) } }
            (error_box(view.error.as_deref()))
            div.card {
                @for (label, value) in &view.facts { p { (label) ": " strong { (value) } } }
                p { "Autotask " (view.what) ": " (linked(view.current.as_ref())) }
                @if view.current.is_some() {
                    form method="post" action={ (view.base) "/unmap" } {
                        (csrf_field(&ctx.csrf_token))
                        p.hint { (tasks_phrase(view.open_tasks)) " Ready tasks go back to the wizard; queued, applying and finished tasks are not touched." }
                        button type="submit" class="secondary" { "Unmap" }
                    }
                }
            }
            div.card {
                h2 { "Choose the Autotask " (view.what) }
                form method="get" action=(view.base) style="display:flex;gap:.6rem;align-items:end" {
                    div {
                        label for="q" { "Search Autotask by name" }
                        input #q name="q" type="search" value=(view.query) placeholder="Leave empty for suggestions";
                    }
                    button type="submit" class="secondary" { "Search" }
                }
                @if let Some(add) = &view.add_service {
                    p { "Not in Autotask yet? " a href=(add) { "Add Product to Autotask" } }
                }
                @if let Some(problem) = &view.problem { div.warning role="status" { (problem) } }
                @else if view.choices.is_empty() {
                    p.empty { "Autotask has no active " (view.what) " whose name matches. Try another search." }
                } @else {
                    table {
                        thead { tr { th { "Autotask " (view.what) } th { "Likeness" } th { "Already mapped" } th {} } }
                        tbody { @for row in &view.choices { (choice_row(view, row, &ctx.csrf_token)) } }
                    }
                }
            }
        },
    )
}
