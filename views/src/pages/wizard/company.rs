//! Step 1's form: the marketplace customer created as a company in Autotask.

use maud::{Markup, html};

use super::{WizardHeader, header};
use crate::components::{csrf_field, error_box};
use crate::layout::{Nav, PageContext, page};

/// The form as shown (values as typed when it comes back).
#[derive(Debug, Clone)]
pub struct CompanyFormView {
    pub header: WizardHeader,
    pub customer: String,
    /// (label, field name, value, hint).
    pub fields: Vec<(&'static str, &'static str, String, &'static str)>,
    /// (id, name) of the resources who may own the company.
    pub owners: Vec<(String, String)>,
    pub owner: String,
    pub errors: Vec<(String, String)>,
    pub error: Option<String>,
    /// Why nothing was pre-filled, if nothing was.
    pub note: Option<String>,
    /// A company of that name Autotask has already: (id, name).
    pub existing: Option<(i64, String)>,
}

impl CompanyFormView {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The form.
pub fn company_form(ctx: &PageContext, view: &CompanyFormView) -> Markup {
    let id = view.header.task_id;
    page(
        ctx,
        Nav::Tasks,
        "Create the company in Autotask",
        html! {
            (header(&view.header))
            (error_box(view.error.as_deref()))
            @if let Some(note) = &view.note { div.warning { (note) } }
            @if let Some((existing, name)) = &view.existing {
                div.card {
                    p { "Autotask already has “" (name) "” (company " (existing) "). Map the customer to it instead of creating a second one:" }
                    form method="post" action={ "/tasks/" (id) "/customer" } {
                        (csrf_field(&ctx.csrf_token))
                        input type="hidden" name="choice" value=(existing);
                        button type="submit" { "Map to “" (name) "”" }
                    }
                }
            }
            form.card method="post" action={ "/tasks/" (id) "/customer/new" } novalidate {
                (csrf_field(&ctx.csrf_token))
                p { "A new Autotask company (type Customer) for the marketplace customer " strong { (view.customer) } ", mapped to it once created." }
                @for (label, name, value, hint) in &view.fields {
                    label for=(name) { (label) }
                    input id=(name) name=(name) type="text" value=(value);
                    @if let Some(m) = view.error_of(name) { div.field-error role="alert" { (m) } }
                    div.hint { (hint) }
                }
                label for="owner" { "Owner (Autotask resource)" }
                select id="owner" name="owner" {
                    @for (value, label) in &view.owners {
                        option value=(value) selected[*value == view.owner] { (label) }
                    }
                }
                @if let Some(m) = view.error_of("owner") { div.field-error role="alert" { (m) } }
                p { button type="submit" { "Create in Autotask and map" } " " a href={ "/tasks/" (id) "/customer" } { "back to the suggestions" } }
            }
        },
    )
}
