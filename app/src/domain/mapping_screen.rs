//! What the Mapping screen shows (design §2.4): every customer, product and fee with what it is
//! mapped to in Autotask, and for one of them the Autotask records it may be mapped to. Names of
//! mapped records are read from Autotask in one batched query per tab; when Autotask cannot be
//! reached the screen still lists the mappings by id and says why the names are missing.

use std::collections::HashMap;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use super::mapping::{MappingError, open_tasks_of};
use super::suggestions::{self, Candidate};
use crate::autotask::{AutotaskApi, AutotaskApiExt};
use crate::db::{self, mappings::TasksOf};
use crate::model::{
    catalog::{Customer, Product},
    ids::{CustomerRowId, ProductRowId, ResellerId},
};

/// A kind of fee the marketplace charges and Autotask bills through a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeKind {
    /// The early-cancellation fee of an annual term.
    Cancellation,
}

impl FeeKind {
    /// Every kind, in the order the screen lists them.
    pub const ALL: [FeeKind; 1] = [FeeKind::Cancellation];

    /// The word the fee mapping is stored under (the planner reads the same word).
    pub fn word(self) -> &'static str {
        match self {
            FeeKind::Cancellation => "cancellation",
        }
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            FeeKind::Cancellation => "Cancellation fee",
        }
    }

    /// The kind a stored word or URL names.
    pub fn from_word(word: &str) -> Option<FeeKind> {
        Self::ALL.into_iter().find(|k| k.word() == word)
    }
}

/// An Autotask record something is mapped to; `name` is `None` when Autotask could not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub id: i64,
    pub name: Option<String>,
}

/// One line of a tab: a marketplace thing and what it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<T> {
    pub item: T,
    pub mapped: Option<Linked>,
}

/// A tab: its lines (only the unmapped ones when asked), how many there are in all, and why
/// Autotask's names are missing, if they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab<T> {
    pub lines: Vec<Line<T>>,
    pub total: usize,
    pub unmapped: usize,
    pub names_missing: Option<String>,
}

/// Why a page shows no names from Autotask.
const NOT_CONNECTED: &str =
    "Autotask is not connected yet (Settings), so its names cannot be shown.";

/// The names of `ids` in Autotask's `entity`, read in batches.
async fn names_of<A: AutotaskApi>(
    api: Option<&A>,
    entity: &str,
    field: &str,
    ids: &[i64],
) -> (HashMap<i64, String>, Option<String>) {
    let Some(api) = api else {
        return (HashMap::new(), Some(NOT_CONNECTED.to_owned()));
    };
    if ids.is_empty() {
        return (HashMap::new(), None);
    }
    match api
        .query_in_as::<serde_json::Value>(entity, "id", ids, &[], &["id", field])
        .await
    {
        Ok(rows) => (
            rows.iter()
                .filter_map(|r| Some((r.get("id")?.as_i64()?, r.get(field)?.as_str()?.to_owned())))
                .collect(),
            None,
        ),
        Err(e) => {
            tracing::warn!(error = %e, entity, "reading names for the mapping screen");
            (
                HashMap::new(),
                Some(format!("Autotask's names cannot be shown just now ({e}).")),
            )
        }
    }
}

fn tab<T>(
    items: Vec<(T, Option<i64>)>,
    names: &HashMap<i64, String>,
    names_missing: Option<String>,
    unmapped_only: bool,
) -> Tab<T> {
    let total = items.len();
    let unmapped = items.iter().filter(|(_, id)| id.is_none()).count();
    let lines = items
        .into_iter()
        .filter(|(_, id)| !unmapped_only || id.is_none())
        .map(|(item, id)| Line {
            item,
            mapped: id.map(|id| Linked {
                id,
                name: names.get(&id).cloned(),
            }),
        })
        .collect();
    Tab {
        lines,
        total,
        unmapped,
        names_missing,
    }
}

/// The Customers tab: each marketplace customer and its Autotask company.
pub async fn customers_tab<A: AutotaskApi>(
    db: &DatabaseConnection,
    api: Option<&A>,
    reseller: ResellerId,
    unmapped_only: bool,
) -> Result<Tab<Customer>, MappingError> {
    let customers = db::catalog::find_customers_for_reseller(db, reseller)
        .await
        .context("listing customers")?;
    let ids: Vec<i64> = customers
        .iter()
        .filter_map(|c| c.autotask_company_id)
        .collect();
    let (names, missing) = names_of(api, "Companies", "companyName", &ids).await;
    let items = customers
        .into_iter()
        .map(|c| {
            let id = c.autotask_company_id;
            (c, id)
        })
        .collect();
    Ok(tab(items, &names, missing, unmapped_only))
}

/// The Products tab: each product key and its Autotask service.
pub async fn products_tab<A: AutotaskApi>(
    db: &DatabaseConnection,
    api: Option<&A>,
    reseller: ResellerId,
    unmapped_only: bool,
) -> Result<Tab<Product>, MappingError> {
    let products = db::mappings::find_products_for_reseller(db, reseller)
        .await
        .context("listing products")?;
    let ids: Vec<i64> = products
        .iter()
        .filter_map(|p| p.autotask_service_id)
        .collect();
    let (names, missing) = names_of(api, "Services", "name", &ids).await;
    let items = products
        .into_iter()
        .map(|p| {
            let id = p.autotask_service_id;
            (p, id)
        })
        .collect();
    Ok(tab(items, &names, missing, unmapped_only))
}

/// The Fees tab: each kind of fee and the service it is charged through.
pub async fn fees_tab<A: AutotaskApi>(
    db: &DatabaseConnection,
    api: Option<&A>,
    reseller: ResellerId,
    unmapped_only: bool,
) -> Result<Tab<FeeKind>, MappingError> {
    let mut items = Vec::new();
    for kind in FeeKind::ALL {
        let service = db::mappings::find_fee_service(db, reseller, kind.word())
            .await
            .context("reading the fee mappings")?;
        items.push((kind, service));
    }
    let ids: Vec<i64> = items.iter().filter_map(|(_, id)| *id).collect();
    let (names, missing) = names_of(api, "Services", "name", &ids).await;
    Ok(tab(items, &names, missing, unmapped_only))
}

/// A candidate and the marketplace things already mapped to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub candidate: Candidate,
    pub mapped_to: Vec<String>,
}

/// What the page for mapping one thing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoicePage<T> {
    pub item: T,
    pub mapped: Option<Linked>,
    /// Candidates, most alike first; empty when Autotask is not connected or not reachable.
    pub choices: Vec<Choice>,
    /// Why there are no candidates from Autotask, if that is the reason.
    pub autotask_problem: Option<String>,
    /// New or ready tasks that rely on this mapping.
    pub open_tasks: u64,
}

fn problem_of(e: &crate::autotask::AutotaskError) -> String {
    format!("Autotask could not be searched just now ({e}).")
}

/// The page for mapping a customer: its company now and companies like its name (or `typed`).
pub async fn customer_choices<A: AutotaskApi>(
    db: &DatabaseConnection,
    api: Option<&A>,
    reseller: ResellerId,
    customer: CustomerRowId,
    typed: &str,
) -> Result<ChoicePage<Customer>, MappingError> {
    let customers = db::catalog::find_customers_for_reseller(db, reseller)
        .await
        .context("listing customers")?;
    let item = customers
        .iter()
        .find(|c| c.id == customer)
        .cloned()
        .ok_or(MappingError::NotFound)?;
    let mut page = ChoicePage {
        mapped: None,
        choices: Vec::new(),
        autotask_problem: None,
        open_tasks: open_tasks_of(db, reseller, TasksOf::Customer(customer)).await?,
        item,
    };
    let Some(api) = api else {
        page.autotask_problem = Some(NOT_CONNECTED.to_owned());
        page.mapped = page
            .item
            .autotask_company_id
            .map(|id| Linked { id, name: None });
        return Ok(page);
    };
    let ids: Vec<i64> = page.item.autotask_company_id.into_iter().collect();
    let (names, _) = names_of(Some(api), "Companies", "companyName", &ids).await;
    page.mapped = page.item.autotask_company_id.map(|id| Linked {
        id,
        name: names.get(&id).cloned(),
    });
    match suggestions::companies_like(api, &page.item.name, typed).await {
        Ok(found) => {
            page.choices = found
                .into_iter()
                .map(|candidate| Choice {
                    mapped_to: customers
                        .iter()
                        .filter(|c| c.autotask_company_id == Some(candidate.id))
                        .map(|c| c.name.clone())
                        .collect(),
                    candidate,
                })
                .collect();
        }
        Err(e) => page.autotask_problem = Some(problem_of(&e)),
    }
    Ok(page)
}

/// What a service can be chosen for: a product, or a kind of fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceFor {
    Product(ProductRowId),
    Fee(FeeKind),
}

/// The thing a service is being chosen for, as the page names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceSubject {
    Product(Product),
    Fee(FeeKind),
}

/// The page for choosing a product's or fee's service: the service now and services like the
/// product's name (or `typed`).
pub async fn service_choices<A: AutotaskApi>(
    db: &DatabaseConnection,
    api: Option<&A>,
    reseller: ResellerId,
    subject: ServiceFor,
    typed: &str,
) -> Result<ChoicePage<ServiceSubject>, MappingError> {
    let products = db::mappings::find_products_for_reseller(db, reseller)
        .await
        .context("listing products")?;
    let (item, mapped, open_tasks, name) = match subject {
        ServiceFor::Product(id) => {
            let product = products
                .iter()
                .find(|p| p.id == id)
                .cloned()
                .ok_or(MappingError::NotFound)?;
            let open = open_tasks_of(db, reseller, TasksOf::Product(id)).await?;
            let name = product.name.clone();
            let mapped = product.autotask_service_id;
            (ServiceSubject::Product(product), mapped, open, name)
        }
        ServiceFor::Fee(kind) => {
            let mapped = db::mappings::find_fee_service(db, reseller, kind.word())
                .await
                .context("reading the fee mapping")?;
            (
                ServiceSubject::Fee(kind),
                mapped,
                0,
                kind.label().to_owned(),
            )
        }
    };
    let ids: Vec<i64> = mapped.into_iter().collect();
    let (names, _) = names_of(api, "Services", "name", &ids).await;
    let mut page = ChoicePage {
        item,
        mapped: mapped.map(|id| Linked {
            id,
            name: names.get(&id).cloned(),
        }),
        choices: Vec::new(),
        autotask_problem: None,
        open_tasks,
    };
    let Some(api) = api else {
        page.autotask_problem = Some(NOT_CONNECTED.to_owned());
        return Ok(page);
    };
    match suggestions::services_like(api, &name, typed).await {
        Ok(found) => {
            page.choices = found
                .into_iter()
                .map(|candidate| Choice {
                    mapped_to: products
                        .iter()
                        .filter(|p| p.autotask_service_id == Some(candidate.id))
                        .map(|p| p.name.clone())
                        .collect(),
                    candidate,
                })
                .collect();
        }
        Err(e) => page.autotask_problem = Some(problem_of(&e)),
    }
    Ok(page)
}
