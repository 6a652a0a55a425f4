//! The wizard's choices: a company for the customer, a service for the product, a contract
//! for the subscription. Suggestions are ranked by name similarity; every choice is checked
//! against Autotask and the one-to-one rules of design §3 before it is stored.

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::autotask::{
    AutotaskApi, AutotaskApiExt, AutotaskError, Filter, QueryBody,
    models::{Company, Service},
};
use crate::db;
use crate::domain::contracts::{ContractChoice, contracts_of_company};
use crate::model::{
    catalog::{Customer, Product, Subscription},
    ids::ResellerId,
};

/// How many suggestions a step shows.
const SUGGESTIONS: usize = 25;

/// An Autotask company offered for a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyOption {
    pub id: i64,
    pub name: String,
    /// 0 to 1: how alike the names are.
    pub similarity: f64,
    /// The marketplace customer already mapped to it, if another one is.
    pub mapped_to: Option<String>,
}

/// An Autotask service offered for a product.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceOption {
    pub id: i64,
    pub name: String,
    pub similarity: f64,
}

/// Why a choice was not stored, in words.
#[derive(Debug, thiserror::Error)]
pub enum WizardRefused {
    #[error("Autotask has no active company {0}.")]
    NoSuchCompany(i64),
    #[error(
        "{company} is already mapped to the marketplace customer {customer}; one company maps to one customer."
    )]
    CompanyTaken { company: String, customer: String },
    #[error("Autotask has no active service {0}.")]
    NoSuchService(i64),
    #[error(
        "The subscription is already on contract {0}: a synced subscription stays on its contract."
    )]
    AlreadyBound(i64),
    #[error("That contract cannot take this subscription: {0}.")]
    ContractUnfit(String),
    #[error("Choose a contract from the list.")]
    NotAChoice,
    #[error("Autotask could not be asked: {0}")]
    Autotask(#[from] AutotaskError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn similarity(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(&a.to_lowercase(), &b.to_lowercase())
}

/// Words too common in company and product names to search on.
const COMMON: [&str; 10] = [
    "ltd",
    "inc",
    "gmbh",
    "llc",
    "the",
    "limited",
    "corp",
    "corporation",
    "company",
    "and",
];

/// The telling words of a name (up to three, longest first), each searched with `contains`;
/// a typed query is searched as it is.
fn search_filter(field: &str, query: &str, name: &str) -> Filter {
    let query = query.trim();
    if !query.is_empty() {
        return Filter::contains(field, query);
    }
    let mut words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .filter(|w| !COMMON.contains(&w.to_lowercase().as_str()))
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.dedup();
    words.truncate(3);
    match words.as_slice() {
        [] => Filter::contains(field, name.trim()),
        [one] => Filter::contains(field, *one),
        many => Filter::or(many.iter().map(|w| Filter::contains(field, *w)).collect()),
    }
}

/// Active Autotask companies for the customer: those whose name contains `query` (or, when
/// it is empty, one of the telling words of the customer's name), most alike first.
pub async fn company_options(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: &Customer,
    query: &str,
) -> Result<Vec<CompanyOption>, WizardRefused> {
    let found: Vec<Company> = api
        .query_as(
            "Companies",
            &QueryBody::new(vec![
                search_filter("companyName", query, &customer.name),
                Filter::eq("isActive", true),
            ])
            .max_records(200)
            .include_fields(&["id", "companyName", "isActive"]),
        )
        .await?;
    let mut options = Vec::with_capacity(found.len());
    for company in found {
        let mapped_to = other_customer(db, reseller, company.id, customer).await?;
        options.push(CompanyOption {
            similarity: similarity(&company.company_name, &customer.name),
            id: company.id,
            name: company.company_name,
            mapped_to,
        });
    }
    options.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.name.cmp(&b.name))
    });
    options.truncate(SUGGESTIONS);
    Ok(options)
}

/// The name of the other marketplace customer mapped to the company, if one is.
async fn other_customer(
    db: &DatabaseConnection,
    reseller: ResellerId,
    company: i64,
    customer: &Customer,
) -> anyhow::Result<Option<String>> {
    let Some(other) = db::mappings::find_customer_mapped_to(db, reseller, company)
        .await
        .context("reading the company's mapping")?
        .filter(|id| *id != customer.id)
    else {
        return Ok(None);
    };
    Ok(db::mappings::find_customer(db, reseller, other)
        .await
        .context("reading the other customer")?
        .map(|c| c.name))
}

/// Maps the customer to an active Autotask company no other customer is mapped to.
pub async fn map_customer(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: &Customer,
    company: i64,
) -> Result<String, WizardRefused> {
    let found: Vec<Company> = api
        .query_as(
            "Companies",
            &QueryBody::new(vec![
                Filter::eq("id", company),
                Filter::eq("isActive", true),
            ])
            .include_fields(&["id", "companyName", "isActive"]),
        )
        .await?;
    let company_record = found
        .into_iter()
        .next()
        .ok_or(WizardRefused::NoSuchCompany(company))?;
    if let Some(other) = other_customer(db, reseller, company, customer).await? {
        return Err(WizardRefused::CompanyTaken {
            company: company_record.company_name,
            customer: other,
        });
    }
    db::mappings::set_customer_company(db, reseller, customer.id, Some(company))
        .await
        .context("mapping the customer")?;
    Ok(company_record.company_name)
}

/// Active Autotask services for the product, by name, most alike first.
pub async fn service_options(
    api: &impl AutotaskApi,
    product: &Product,
    query: &str,
) -> Result<Vec<ServiceOption>, WizardRefused> {
    let found: Vec<Service> = api
        .query_as(
            "Services",
            &QueryBody::new(vec![
                search_filter("name", query, &product.name),
                Filter::eq("isActive", true),
            ])
            .max_records(200)
            .include_fields(&["id", "name", "isActive"]),
        )
        .await?;
    let mut options: Vec<ServiceOption> = found
        .into_iter()
        .map(|s| ServiceOption {
            similarity: similarity(&s.name, &product.name),
            id: s.id,
            name: s.name,
        })
        .collect();
    options.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.name.cmp(&b.name))
    });
    options.truncate(SUGGESTIONS);
    Ok(options)
}

/// Maps the product to an active Autotask service.
pub async fn map_product(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    product: &Product,
    service: i64,
) -> Result<String, WizardRefused> {
    let found: Vec<Service> = api
        .query_as(
            "Services",
            &QueryBody::new(vec![
                Filter::eq("id", service),
                Filter::eq("isActive", true),
            ])
            .include_fields(&["id", "name", "isActive"]),
        )
        .await?;
    let record = found
        .into_iter()
        .next()
        .ok_or(WizardRefused::NoSuchService(service))?;
    db::mappings::set_product_service(db, reseller, product.id, Some(service))
        .await
        .context("mapping the product")?;
    Ok(record.name)
}

/// The company's contracts with their verdicts for the subscription on `date`.
pub async fn contract_choices(
    api: &impl AutotaskApi,
    company: i64,
    subscription: &Subscription,
    date: chrono::NaiveDate,
) -> Result<Vec<ContractChoice>, WizardRefused> {
    Ok(contracts_of_company(api, company, date, &subscription.billing_period).await?)
}

/// Binds the subscription to the chosen contract, if it fits and the subscription is on none.
pub async fn choose_contract(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    company: i64,
    subscription: &Subscription,
    date: chrono::NaiveDate,
    contract: i64,
) -> Result<String, WizardRefused> {
    if let Some(bound) = subscription.autotask_contract_id {
        return Err(WizardRefused::AlreadyBound(bound));
    }
    let choices = contract_choices(api, company, subscription, date).await?;
    let choice = choices
        .iter()
        .find(|c| c.id == contract)
        .ok_or(WizardRefused::NotAChoice)?;
    match &choice.verdict {
        Ok(terms) => {
            let bound = db::mappings::bind_subscription_to_contract(
                db,
                reseller,
                subscription.id,
                terms.id,
            )
            .await
            .context("binding the subscription")?;
            if !bound {
                return Err(WizardRefused::AlreadyBound(contract));
            }
            Ok(choice.name.clone())
        }
        Err(why) => Err(WizardRefused::ContractUnfit(why.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_searched_by_its_telling_words_and_a_typed_query_as_it_is() {
        assert_eq!(
            search_filter("companyName", "", "Contoso Limited"),
            Filter::contains("companyName", "Contoso")
        );
        assert_eq!(
            search_filter("companyName", "", "Fabrikam, Inc."),
            Filter::contains("companyName", "Fabrikam")
        );
        assert_eq!(
            search_filter("name", "", "Microsoft 365 E3"),
            Filter::or(vec![
                Filter::contains("name", "Microsoft"),
                Filter::contains("name", "365"),
            ])
        );
        assert_eq!(
            search_filter("companyName", "  Wide World ", "Contoso"),
            Filter::contains("companyName", "Wide World")
        );
        assert_eq!(
            search_filter("companyName", "", "A B"),
            Filter::contains("companyName", "A B")
        );
    }

    #[test]
    fn names_alike_score_higher_than_names_apart() {
        let close = similarity("Contoso Ltd", "Contoso Limited");
        let far = similarity("Fabrikam Inc", "Contoso Limited");
        assert!(close > 0.85, "{close}");
        assert!(far < 0.7, "{far}");
    }
}
