//! The reseller's Autotask customers that no marketplace customer is mapped to, each with its
//! profile as Autotask has it. Read in a few batched queries: the companies (all pages), then
//! their contacts and their countries by `in` filters of up to 500 ids.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use sea_orm::ConnectionTrait;

use super::profile::ProfileDraft;
use crate::autotask::{
    AutotaskApi, AutotaskApiExt, AutotaskError, Filter, QueryBody,
    models::{Company, Contact, Country},
};
use crate::db;
use crate::model::ids::ResellerId;

/// `companyType` 1 is Customer in every tenant (reference §8.1, confirmed by Autotask's own
/// example); the other company types are per-tenant picklist values.
pub const CUSTOMER_COMPANY_TYPE: i64 = 1;

const COMPANY_FIELDS: [&str; 9] = [
    "id",
    "companyName",
    "companyType",
    "isActive",
    "phone",
    "address1",
    "city",
    "postalCode",
    "countryID",
];

const CONTACT_FIELDS: [&str; 7] = [
    "id",
    "companyID",
    "firstName",
    "lastName",
    "emailAddress",
    "phone",
    "primaryContact",
];

/// An Autotask customer that can be imported, with its profile as Autotask has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportableCompany {
    pub id: i64,
    pub name: String,
    pub draft: ProfileDraft,
}

/// Why the companies could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("Autotask could not be read: {0}")]
    Autotask(#[from] AutotaskError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Every active Autotask customer of the reseller not mapped to a marketplace customer, by name.
pub async fn unmapped_companies<C: ConnectionTrait>(
    db: &C,
    api: &impl AutotaskApi,
    reseller: ResellerId,
) -> Result<Vec<ImportableCompany>, ListError> {
    let mapped: HashSet<i64> = db::catalog::find_customers_for_reseller(db, reseller)
        .await
        .context("reading the mapped customers")?
        .into_iter()
        .filter_map(|c| c.autotask_company_id)
        .collect();
    let query = QueryBody::new(vec![
        Filter::eq("companyType", CUSTOMER_COMPANY_TYPE),
        Filter::eq("isActive", true),
    ])
    .include_fields(&COMPANY_FIELDS);
    let companies: Vec<Company> = api
        .query_as::<Company>("Companies", &query)
        .await?
        .into_iter()
        .filter(|c| !mapped.contains(&c.id))
        .collect();
    let mut importable = with_profiles(api, companies).await?;
    importable.sort_by_key(|c| c.name.to_lowercase());
    Ok(importable)
}

/// One company, when it is an active Autotask customer of the reseller that is not mapped yet
/// (`None` otherwise: another reseller's id, a vendor, an inactive or a mapped company).
pub async fn unmapped_company<C: ConnectionTrait>(
    db: &C,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    company_id: i64,
) -> Result<Option<ImportableCompany>, ListError> {
    if db::mappings::find_customer_mapped_to(db, reseller, company_id)
        .await
        .context("reading the mappings")?
        .is_some()
    {
        return Ok(None);
    }
    let companies: Vec<Company> = api
        .query_in_as(
            "Companies",
            "id",
            &[company_id],
            &[Filter::eq("companyType", CUSTOMER_COMPANY_TYPE)],
            &COMPANY_FIELDS,
        )
        .await?;
    let companies = companies
        .into_iter()
        .filter(|c| c.is_active != Some(false))
        .collect();
    Ok(with_profiles(api, companies).await?.into_iter().next())
}

/// Reads the companies' contacts and countries (batched) and builds each profile.
async fn with_profiles(
    api: &impl AutotaskApi,
    companies: Vec<Company>,
) -> Result<Vec<ImportableCompany>, AutotaskError> {
    if companies.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = companies.iter().map(|c| c.id).collect();
    let contacts: Vec<Contact> = api
        .query_in_as(
            "Contacts",
            "companyID",
            &ids,
            &[Filter::eq("isActive", 1)],
            &CONTACT_FIELDS,
        )
        .await?;
    let admins = admin_contacts(contacts);
    let country_ids: Vec<i64> = companies.iter().filter_map(|c| c.country_id).collect();
    let countries: HashMap<i64, String> = if country_ids.is_empty() {
        HashMap::new()
    } else {
        api.query_in_as::<Country>("Countries", "id", &country_ids, &[], &["id", "countryCode"])
            .await?
            .into_iter()
            .filter_map(|c| c.country_code.map(|code| (c.id, code)))
            .collect()
    };
    Ok(companies
        .into_iter()
        .map(|company| {
            let contact = admins.get(&company.id);
            let text = |v: Option<&String>| v.cloned().unwrap_or_default();
            let draft = ProfileDraft {
                first_name: text(contact.and_then(|c| c.first_name.as_ref())),
                last_name: text(contact.and_then(|c| c.last_name.as_ref())),
                email: text(contact.and_then(|c| c.email_address.as_ref())),
                phone: text(contact.and_then(|c| c.phone.as_ref())),
                address1: text(company.address1.as_ref()),
                city: text(company.city.as_ref()),
                postal_code: text(company.postal_code.as_ref()),
                country: text(company.country_id.and_then(|id| countries.get(&id))),
            };
            ImportableCompany {
                id: company.id,
                name: company.company_name,
                draft,
            }
        })
        .collect())
}

/// The contact who becomes the customer's administrator: the primary contact, else the oldest.
fn admin_contacts(contacts: Vec<Contact>) -> HashMap<i64, Contact> {
    let mut admins: HashMap<i64, Contact> = HashMap::new();
    for contact in contacts {
        let better = match admins.get(&contact.company_id) {
            None => true,
            Some(current) => {
                let rank = |c: &Contact| (c.primary_contact != Some(true), c.id);
                rank(&contact) < rank(current)
            }
        };
        if better {
            admins.insert(contact.company_id, contact);
        }
    }
    admins
}
