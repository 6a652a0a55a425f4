use maud::{Markup, html};

use crate::components::{csrf_field, error_box};
use crate::layout::{Nav, PageContext, page};

/// What the form holds: as typed, or as pre-filled from the product.
#[derive(Debug, Clone, Default)]
pub struct NewServiceValues {
    pub name: String,
    pub description: String,
    pub invoice_description: String,
    pub price: String,
    pub cost: String,
    pub billing_code: String,
    pub period_type: String,
    pub vendor: String,
}

/// A service with the name asked for that Autotask already has.
#[derive(Debug, Clone)]
pub struct DuplicateView {
    pub id: i64,
    pub name: String,
    /// Where a POST with `target` maps the product to it.
    pub map_action: String,
}

/// The Add Product to Autotask form.
#[derive(Debug, Clone, Default)]
pub struct NewServiceView {
    pub action: String,
    pub back: String,
    /// The product, as label and value.
    pub product: Vec<(String, String)>,
    pub values: NewServiceValues,
    /// A message per field.
    pub errors: Vec<(String, String)>,
    /// (value, label) of the active recurring billing codes.
    pub billing_codes: Vec<(String, String)>,
    /// (value, label) of the tenant's period types.
    pub period_types: Vec<(String, String)>,
    pub duplicate: Option<DuplicateView>,
    /// A message for the whole form (Autotask refused, or could not be reached).
    pub error: Option<String>,
}

impl NewServiceView {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn field_error(view: &NewServiceView, field: &str) -> Markup {
    html! {
        @if let Some(message) = view.error_of(field) {
            div.field-error id={ (field) "-error" } role="alert" style="color:#a32020;font-size:.9rem" { (message) }
        }
    }
}

fn text_field(view: &NewServiceView, label: &str, field: &str, value: &str, hint: &str) -> Markup {
    let invalid = view.error_of(field).is_some();
    html! {
        label for=(field) { (label) }
        input id=(field) name=(field) type="text" value=(value)
            aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then(|| format!("{field}-error"))];
        (field_error(view, field))
        @if !hint.is_empty() { div.hint { (hint) } }
    }
}

fn text_area(view: &NewServiceView, label: &str, field: &str, value: &str, hint: &str) -> Markup {
    let invalid = view.error_of(field).is_some();
    html! {
        label for=(field) { (label) }
        textarea id=(field) name=(field) rows="3"
            aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then(|| format!("{field}-error"))] { (value) }
        (field_error(view, field))
        div.hint { (hint) }
    }
}

fn select(
    view: &NewServiceView,
    label: &str,
    field: &str,
    chosen: &str,
    options: &[(String, String)],
) -> Markup {
    html! {
        label for=(field) { (label) }
        select id=(field) name=(field) {
            option value="" { "Choose…" }
            @for (value, text) in options { option value=(value) selected[value == chosen] { (text) } }
        }
        (field_error(view, field))
    }
}

/// The form to create an Autotask service for a product and map the product to it.
pub fn new_service_page(ctx: &PageContext, view: &NewServiceView) -> Markup {
    let v = &view.values;
    page(
        ctx,
        Nav::Mapping,
        "Add Product to Autotask",
        html! {
            p { a href=(view.back) { "← Back to the product's mapping" } }
            (error_box(view.error.as_deref()))
            @if !view.errors.is_empty() && view.error.is_none() {
                div.error role="alert" { "Some fields need another value; see the messages beside them. Nothing was created." }
            }
            @if let Some(dup) = &view.duplicate {
                div.warning role="status" {
                    p { "Autotask already has a service named " strong { (dup.name) } " (id " (dup.id) "). Service names are unique in Autotask, so another one cannot be created with this name." }
                    p { "Choose another name below, or map this product to the existing service:" }
                    form method="post" action=(dup.map_action) {
                        (csrf_field(&ctx.csrf_token))
                        input type="hidden" name="target" value=(dup.id);
                        button type="submit" { "Map to “" (dup.name) "”" }
                    }
                }
            }
            div.card {
                @for (label, value) in &view.product { p { (label) ": " strong { (value) } } }
            }
            form.card method="post" action=(view.action) novalidate {
                (csrf_field(&ctx.csrf_token))
                (text_field(view, "Name", "name", &v.name, "Required; at most 150 characters; unique in Autotask."))
                (text_area(view, "Description", "description", &v.description, "At most 400 characters."))
                (text_area(view, "Invoice description", "invoice_description", &v.invoice_description, "Printed on invoices; at most 1000 characters."))
                (text_field(view, "Price", "price", &v.price, "Per unit and period, e.g. 12.50; a negative price is a discount."))
                (text_field(view, "Cost", "cost", &v.cost, "Per unit and period; not negative; may be left empty."))
                (select(view, "Recurring billing code", "billing_code", &v.billing_code, &view.billing_codes))
                (select(view, "Period type", "period_type", &v.period_type, &view.period_types))
                (text_field(view, "Vendor", "vendor", &v.vendor, "Optional: the vendor's Autotask company name (or its start)."))
                p { button type="submit" { "Create in Autotask and map" } }
            }
        },
    )
}
