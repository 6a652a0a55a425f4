//! Importing Autotask companies into the marketplace: the unmapped companies with what each
//! lacks, Import All with its progress, and the per-company form.

use maud::{Markup, html};

use crate::components::csrf_field;
use crate::layout::{Nav, PageContext, page};

/// The latest import run.
#[derive(Debug, Clone, Default)]
pub struct ImportRunView {
    pub queued: bool,
    pub running: bool,
    pub total: i64,
    pub done: i64,
    pub imported: i64,
    pub failed: i64,
    pub incomplete: i64,
    /// Why a run stopped.
    pub stopped: Option<String>,
    pub requested: String,
    /// (company, reason) of each company that failed in it.
    pub failures: Vec<(String, String)>,
}

impl ImportRunView {
    fn going(&self) -> bool {
        self.queued || self.running
    }
}

/// One unmapped company.
#[derive(Debug, Clone)]
pub struct CompanyView {
    pub id: i64,
    pub name: String,
    /// What the profile lacks, in words; `None` when it is complete.
    pub missing: Option<String>,
    /// Why its last try failed, when it did.
    pub failed: Option<String>,
}

/// The list, or why there is none.
#[derive(Debug, Clone)]
pub enum CompanyList {
    /// "Autotask" or "marketplace".
    NotConnected(&'static str),
    Unreadable,
    Companies(Vec<CompanyView>),
}

/// One field of the per-company form.
#[derive(Debug, Clone)]
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// Import All with the latest run's progress. While a run is going, a small script replaces this
/// panel every second and reloads the page when the run ends (without it, a reload shows the
/// same).
pub fn import_panel(csrf_token: &str, run: Option<&ImportRunView>, importable: bool) -> Markup {
    let going = run.is_some_and(ImportRunView::going);
    html! {
        div #import-panel .card data-running=(going) {
            h2 { "Import All" }
            p.hint { "Imports every unmapped company whose profile is complete into the marketplace and maps it. The others are listed below with what they lack." }
            form method="post" action="/import/all" {
                (csrf_field(csrf_token))
                button type="submit" disabled[going || !importable] { (if going { "Importing…" } else { "Import All" }) }
            }
            @if let Some(run) = run {
                @if run.queued {
                    p { "Waiting for a worker…" } progress max="1" {}
                } @else if run.running {
                    p { "Importing companies: " (run.done) " of " (run.total) }
                    progress value=(run.done) max=(run.total.max(1)) {}
                } @else if let Some(stopped) = &run.stopped {
                    div.error role="alert" { (stopped) }
                } @else {
                    p role="status" {
                        "Last import (" (run.requested) "): " strong { (run.imported) " imported" } ", "
                        (run.failed) " failed, " (run.incomplete) " left out (incomplete)."
                    }
                    @if !run.failures.is_empty() {
                        div.warning role="status" {
                            strong { "Failed:" }
                            ul { @for (company, reason) in &run.failures { li { (company) ": " (reason) } } }
                        }
                    }
                }
            }
            @if going {
                script src="/static/import.js" {}
            }
        }
    }
}

/// The import page.
pub fn import_page(ctx: &PageContext, run: Option<&ImportRunView>, list: &CompanyList) -> Markup {
    let importable =
        matches!(list, CompanyList::Companies(c) if c.iter().any(|c| c.missing.is_none()));
    page(
        ctx,
        Nav::Import,
        "Import customers from Autotask",
        html! {
            (import_panel(&ctx.csrf_token, run, importable))
            div.card {
                h2 { "Unmapped Autotask customers" }
                @match list {
                    CompanyList::NotConnected(which) => {
                        p.empty { "Set up the " (which) " connection under " a href="/settings" { "Settings" } " first." }
                    }
                    CompanyList::Unreadable => {
                        div.error role="alert" { "Autotask could not be read just now; reload the page in a minute." }
                    }
                    CompanyList::Companies(companies) if companies.is_empty() => {
                        p.empty { "Every active Autotask customer is mapped to a marketplace customer." }
                    }
                    CompanyList::Companies(companies) => {
                        table {
                            thead { tr { th { "Company" } th { "Profile" } th { "" } } }
                            tbody {
                                @for company in companies {
                                    tr data-company=(company.id) {
                                        td { (company.name) }
                                        td {
                                            @match &company.missing {
                                                None => span.badge { "complete" },
                                                Some(missing) => span.missing { (missing) },
                                            }
                                            @if let Some(failed) = &company.failed {
                                                div.error { "Last try failed: " (failed) }
                                            }
                                        }
                                        td {
                                            @if company.missing.is_some() {
                                                a.button href={ "/import/companies/" (company.id) } { "Fill in and import" }
                                            } @else if company.failed.is_some() {
                                                form method="post" action={ "/import/companies/" (company.id) "/retry" } {
                                                    (csrf_field(&ctx.csrf_token))
                                                    button type="submit" { "Retry" }
                                                }
                                            } @else {
                                                a href={ "/import/companies/" (company.id) } { "Review and import" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The per-company form, pre-filled with what Autotask has (or what was typed), each message
/// beside its field.
pub fn company_form(
    ctx: &PageContext,
    company_id: i64,
    company_name: &str,
    fields: &[FormField],
    error: Option<&str>,
) -> Markup {
    page(
        ctx,
        Nav::Import,
        &format!("Import {company_name}"),
        html! {
            @if let Some(error) = error { div.error role="alert" { (error) } }
            div.card {
                p.hint { "The marketplace needs an administrator contact and an address. What Autotask has is filled in; complete the rest." }
                form method="post" action={ "/import/companies/" (company_id) } novalidate {
                    (csrf_field(&ctx.csrf_token))
                    @for field in fields {
                        label for=(field.name) { (capitalised(field.label)) }
                        input id=(field.name) name=(field.name) type=(input_type(field.name)) value=(field.value)
                            aria-invalid=[field.error.as_ref().map(|_| "true")];
                        @if let Some(error) = &field.error {
                            div.error.field-error role="alert" data-field=(field.name) { (error) }
                        }
                    }
                    p { button type="submit" { "Import into the marketplace" } " " a href="/import" { "Back" } }
                }
            }
        },
    )
}

fn input_type(field: &str) -> &'static str {
    match field {
        "email" => "email",
        "phone" => "tel",
        _ => "text",
    }
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
