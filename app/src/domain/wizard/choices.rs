//! The wizard's choices: a company for the customer, a service for the product, a contract
//! for the subscription. Suggestions are ranked by name similarity; every choice is checked
//! against Autotask and the one-to-one rules of design §3 before it is stored.

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::autotask::{AutotaskApi, AutotaskError};
use crate::db;
use crate::domain::assumptions::period_of_marketplace;
use crate::domain::contracts::{ContractChoice, contracts_of_company};
use crate::domain::mapping::{self, MappingError};
use crate::domain::suggestions;
use crate::model::billing::PeriodType;
use crate::model::{
    catalog::{Customer, Product, Subscription},
    ids::ResellerId,
};

/// An Autotask company offered for a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyOption {
    pub id: i64,
    pub name: String,
    /// 0 to 100: how alike the names are.
    pub similarity: u8,
    /// The marketplace customer already mapped to it, if another one is.
    pub mapped_to: Option<String>,
}

/// An Autotask service offered for a product.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceOption {
    pub id: i64,
    pub name: String,
    pub similarity: u8,
}

/// Why a choice was not stored, in words.
#[derive(Debug, thiserror::Error)]
pub enum WizardRefused {
    #[error("Autotask has no {0} {1}.")]
    NotInAutotask(&'static str, i64),
    #[error(
        "{company} is already mapped to the marketplace customer {customer}; one company maps to one customer."
    )]
    CompanyTaken { company: String, customer: String },
    #[error(
        "That service is already mapped to another marketplace product, and the settings keep one product per service."
    )]
    ServiceTaken,
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

/// A record's name as Autotask has it (`field` of `entity` `id`), or its id.
async fn name_in_autotask(api: &impl AutotaskApi, entity: &str, field: &str, id: i64) -> String {
    match api.get(entity, id).await {
        Ok(Some(record)) => record
            .get(field)
            .and_then(|v| v.as_str())
            .map_or_else(|| id.to_string(), str::to_owned),
        _ => id.to_string(),
    }
}

fn refused(error: MappingError) -> WizardRefused {
    match error {
        MappingError::NotInAutotask(what, id) => WizardRefused::NotInAutotask(what, id),
        MappingError::ServiceTaken => WizardRefused::ServiceTaken,
        MappingError::Autotask(e) => WizardRefused::Autotask(e),
        MappingError::Unexpected(e) => WizardRefused::Unexpected(e),
        other => WizardRefused::Unexpected(anyhow::anyhow!("{other}")),
    }
}

/// Autotask companies for the customer, most alike first (the Mapping screen's search),
/// each with the other customer already mapped to it.
pub async fn company_options(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: &Customer,
    query: &str,
) -> Result<Vec<CompanyOption>, WizardRefused> {
    let found = suggestions::companies_like(api, &customer.name, query).await?;
    let mut options = Vec::with_capacity(found.len());
    for c in found {
        options.push(CompanyOption {
            mapped_to: other_customer(db, reseller, c.id, customer).await?,
            id: c.id,
            name: c.name,
            similarity: c.likeness,
        });
    }
    Ok(options)
}

/// Maps the customer to the company (one to one, design §3); returns the company's name.
pub async fn map_customer(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: &Customer,
    company: i64,
) -> Result<String, WizardRefused> {
    match mapping::map_customer(db, api, reseller, customer.id, company).await {
        Ok(name) => Ok(name),
        Err(MappingError::CompanyTaken) => Err(WizardRefused::CompanyTaken {
            company: name_in_autotask(api, "Companies", "companyName", company).await,
            customer: other_customer(db, reseller, company, customer)
                .await?
                .unwrap_or_else(|| "another customer".into()),
        }),
        Err(e) => Err(refused(e)),
    }
}

/// Words a service name uses for a billing period.
fn period_words(period: PeriodType) -> &'static [&'static str] {
    match period {
        PeriodType::Monthly => &["monthly", "month"],
        PeriodType::Quarterly => &["quarterly", "quarter"],
        PeriodType::SemiAnnual => &["semi-annual", "semi-annually", "half-year"],
        PeriodType::Yearly => &["annual", "annually", "yearly", "year"],
    }
}

/// 2 when the service's name names the product's billing period, 0 when it names another
/// one, 1 when it names none: "E3 (Monthly)" comes before "E3 (Annual)" for a monthly product.
fn period_fit(service: &str, billing: Option<PeriodType>) -> u8 {
    let Some(billing) = billing else { return 1 };
    let name = service.to_lowercase();
    let names = |p: PeriodType| {
        period_words(p).iter().any(|w| {
            name.split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|word| word == *w)
        })
    };
    if names(billing) {
        2
    } else if [
        PeriodType::Monthly,
        PeriodType::Quarterly,
        PeriodType::SemiAnnual,
        PeriodType::Yearly,
    ]
    .into_iter()
    .any(names)
    {
        0
    } else {
        1
    }
}

/// Autotask services for the product: those of its billing period first, then most alike.
pub async fn service_options(
    api: &impl AutotaskApi,
    product: &Product,
    query: &str,
) -> Result<Vec<ServiceOption>, WizardRefused> {
    let billing = period_of_marketplace(&product.key.billing_period);
    let mut options: Vec<(u8, ServiceOption)> =
        suggestions::services_like(api, &product.name, query)
            .await?
            .into_iter()
            .map(|s| {
                (
                    period_fit(&s.name, billing),
                    ServiceOption {
                        id: s.id,
                        name: s.name,
                        similarity: s.likeness,
                    },
                )
            })
            .collect();
    options.sort_by(|(fa, a), (fb, b)| {
        fb.cmp(fa)
            .then(b.similarity.cmp(&a.similarity))
            .then(a.name.cmp(&b.name))
    });
    Ok(options.into_iter().map(|(_, o)| o).collect())
}

/// Maps the product to the service; returns the service's name.
pub async fn map_product(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    product: &Product,
    service: i64,
) -> Result<String, WizardRefused> {
    match mapping::map_product(db, api, reseller, product.id, service).await {
        Ok(name) => Ok(name),
        Err(e) => Err(refused(e)),
    }
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
    fn a_service_of_the_products_billing_period_comes_first() {
        let monthly = Some(PeriodType::Monthly);
        assert_eq!(period_fit("Microsoft 365 E3 (Monthly)", monthly), 2);
        assert_eq!(period_fit("Microsoft 365 E3 (Annual)", monthly), 0);
        assert_eq!(period_fit("Microsoft 365 E3", monthly), 1);
        assert_eq!(
            period_fit("Microsoft 365 E3 (Annual)", Some(PeriodType::Yearly)),
            2
        );
        assert_eq!(
            period_fit("Backup semi-annual", Some(PeriodType::SemiAnnual)),
            2
        );
        assert_eq!(period_fit("Anything (Annual)", None), 1);
    }
}
