use maud::{Markup, html};

use crate::layout::{Nav, PageContext, page};

/// The tabs of the Mapping screen, each at its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingTab {
    Customers,
    Products,
    Fees,
}

impl MappingTab {
    pub const ALL: [MappingTab; 3] = [
        MappingTab::Customers,
        MappingTab::Products,
        MappingTab::Fees,
    ];

    pub fn path(self) -> &'static str {
        match self {
            MappingTab::Customers => "/mapping",
            MappingTab::Products => "/mapping/products",
            MappingTab::Fees => "/mapping/fees",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MappingTab::Customers => "Customers",
            MappingTab::Products => "Products",
            MappingTab::Fees => "Fees",
        }
    }
}

/// An Autotask record something is mapped to; no name when Autotask could not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedView {
    pub id: i64,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CustomerRowView {
    pub id: i64,
    pub name: String,
    pub mp_id: String,
    pub company: Option<LinkedView>,
}

#[derive(Debug, Clone)]
pub struct ProductRowView {
    pub id: i64,
    pub name: String,
    pub mpn: String,
    pub vendor: String,
    pub billing_period: String,
    pub subscription_period: String,
    pub service: Option<LinkedView>,
}

#[derive(Debug, Clone)]
pub struct FeeRowView {
    pub slug: String,
    pub label: String,
    pub service: Option<LinkedView>,
}

/// The rows of the tab shown.
#[derive(Debug, Clone)]
pub enum TabRows {
    Customers(Vec<CustomerRowView>),
    Products(Vec<ProductRowView>),
    Fees(Vec<FeeRowView>),
}

impl TabRows {
    fn tab(&self) -> MappingTab {
        match self {
            TabRows::Customers(_) => MappingTab::Customers,
            TabRows::Products(_) => MappingTab::Products,
            TabRows::Fees(_) => MappingTab::Fees,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            TabRows::Customers(rows) => rows.is_empty(),
            TabRows::Products(rows) => rows.is_empty(),
            TabRows::Fees(rows) => rows.is_empty(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TabView {
    pub rows: TabRows,
    pub unmapped_only: bool,
    pub total: usize,
    pub unmapped: usize,
    /// Why Autotask's names are missing, when they are.
    pub note: Option<String>,
}

/// "Contoso Ltd (id 31)", "id 31" without a name, or a "not mapped" badge.
pub(super) fn linked(record: Option<&LinkedView>) -> Markup {
    html! {
        @match record {
            Some(LinkedView { id, name: Some(name) }) => { (name) " " span.hint { "(id " (id) ")" } }
            Some(LinkedView { id, name: None }) => { "id " (id) }
            None => { span.badge { "not mapped" } }
        }
    }
}

fn tabs(active: MappingTab, unmapped_only: bool) -> Markup {
    let suffix = if unmapped_only { "?unmapped=1" } else { "" };
    html! {
        nav.card aria-label="Mapping tabs" style="display:flex;gap:.5rem" {
            @for tab in MappingTab::ALL {
                @if tab == active {
                    strong aria-current="page" .button { (tab.label()) }
                } @else {
                    a.button.secondary style="background:#e6ebf1;color:#1d2530" href={ (tab.path()) (suffix) } { (tab.label()) }
                }
            }
        }
    }
}

fn customers(rows: &[CustomerRowView]) -> Markup {
    html! {
        table {
            thead { tr { th { "Marketplace customer" } th { "Marketplace id" } th { "Autotask company" } th {} } }
            tbody {
                @for row in rows {
                    tr {
                        td { (row.name) }
                        td { (row.mp_id) }
                        td { (linked(row.company.as_ref())) }
                        td { a href={ "/mapping/customers/" (row.id) } { (if row.company.is_some() { "Change or unmap" } else { "Map" }) } }
                    }
                }
            }
        }
    }
}

fn products(rows: &[ProductRowView]) -> Markup {
    html! {
        table {
            thead { tr { th { "Product" } th { "MPN" } th { "Vendor" } th { "Billing period" } th { "Subscription period" } th { "Autotask service" } th {} } }
            tbody {
                @for row in rows {
                    tr {
                        td { (row.name) }
                        td { (row.mpn) }
                        td { (row.vendor) }
                        td { (row.billing_period) }
                        td { (row.subscription_period) }
                        td { (linked(row.service.as_ref())) }
                        td {
                            a href={ "/mapping/products/" (row.id) } { (if row.service.is_some() { "Change or unmap" } else { "Map" }) }
                            @if row.service.is_none() {
                                " · " a href={ "/mapping/products/" (row.id) "/new-service" } { "Add to Autotask" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fees(rows: &[FeeRowView]) -> Markup {
    html! {
        table {
            thead { tr { th { "Fee" } th { "Autotask service it is charged through" } th {} } }
            tbody {
                @for row in rows {
                    tr {
                        td { (row.label) }
                        td { (linked(row.service.as_ref())) }
                        td { a href={ "/mapping/fees/" (row.slug) } { (if row.service.is_some() { "Change or unmap" } else { "Map" }) } }
                    }
                }
            }
        }
    }
}

/// One tab of the Mapping screen.
pub fn mapping_page(ctx: &PageContext, view: &TabView) -> Markup {
    let tab = view.rows.tab();
    page(
        ctx,
        Nav::Mapping,
        "Mapping",
        html! {
            (tabs(tab, view.unmapped_only))
            div.card {
                form method="get" action=(tab.path()) style="display:flex;gap:.8rem;align-items:center" {
                    label style="margin:0;font-weight:normal;display:flex;gap:.4rem;align-items:center" {
                        input type="checkbox" name="unmapped" value="1" style="width:auto" checked[view.unmapped_only];
                        "Show only unmapped"
                    }
                    button type="submit" class="secondary" { "Apply" }
                    span.hint { (view.unmapped) " of " (view.total) " not mapped" }
                }
            }
            @if let Some(note) = &view.note { div.warning role="status" { (note) } }
            @if view.rows.is_empty() {
                div.card { p.empty {
                    @if view.unmapped_only { "Everything here is mapped." }
                    @else { "Nothing yet: customers and products appear after Check Changes reads marketplace orders." }
                } }
            } @else {
                @match &view.rows {
                    TabRows::Customers(rows) => { (customers(rows)) }
                    TabRows::Products(rows) => { (products(rows)) }
                    TabRows::Fees(rows) => { (fees(rows)) }
                }
            }
        },
    )
}
