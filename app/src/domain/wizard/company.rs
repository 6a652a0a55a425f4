//! Step 1's other way: the marketplace customer created as a company in Autotask (design §2.3),
//! from a validated form pre-filled with what the marketplace knows, then mapped to it. A
//! company of that name already in Autotask is offered instead of a second one.

use anyhow::Context;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

use crate::autotask::{AutotaskApi, AutotaskApiExt, AutotaskError, Filter, QueryBody, WriteTarget};
use crate::domain::action_log;
use crate::domain::mapping::{self, MappingError};
use crate::domain::products::form::FieldErrors;
use crate::marketplace::MarketplaceClient;
use crate::model::{catalog::Customer, ids::ResellerId, log::Level};

/// Autotask's company type for a customer (reference §8.1: 1 = Customer, confirmed).
const CUSTOMER_TYPE: i64 = 1;

/// The form as typed (all text, so anything typed can be shown again). Lengths are Autotask's
/// (reference §8.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Validate)]
pub struct NewCompanyForm {
    #[serde(default)]
    #[validate(length(
        min = 1,
        max = 100,
        message = "Enter the company's name (at most 100 characters)."
    ))]
    pub name: String,
    #[serde(default)]
    #[validate(length(
        min = 1,
        max = 25,
        message = "Enter a phone number (at most 25 characters)."
    ))]
    pub phone: String,
    #[serde(default)]
    #[validate(length(max = 128, message = "At most 128 characters."))]
    pub address1: String,
    #[serde(default)]
    #[validate(length(max = 30, message = "At most 30 characters."))]
    pub city: String,
    #[serde(default)]
    #[validate(length(max = 10, message = "At most 10 characters."))]
    pub postal_code: String,
    #[serde(default)]
    pub owner: String,
}

/// A company ready to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCompany {
    pub name: String,
    pub phone: String,
    pub address1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub owner: i64,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl NewCompanyForm {
    /// The company, or a message per field.
    pub fn parse(&self, owners: &[(i64, String)]) -> Result<NewCompany, FieldErrors> {
        let mut errors = FieldErrors::default();
        let trimmed = Self {
            name: self.name.trim().to_owned(),
            phone: self.phone.trim().to_owned(),
            address1: self.address1.trim().to_owned(),
            city: self.city.trim().to_owned(),
            postal_code: self.postal_code.trim().to_owned(),
            owner: self.owner.trim().to_owned(),
        };
        if let Err(found) = trimmed.validate() {
            for (field, problems) in found.field_errors() {
                let message = problems
                    .iter()
                    .find_map(|p| p.message.as_deref())
                    .unwrap_or("This value cannot be used.");
                errors.add(field.as_ref(), message);
            }
        }
        for (field, value) in [
            ("name", &trimmed.name),
            ("phone", &trimmed.phone),
            ("address1", &trimmed.address1),
            ("city", &trimmed.city),
            ("postal_code", &trimmed.postal_code),
        ] {
            if value.chars().any(char::is_control) {
                errors.add(field, "Control characters are not allowed.");
            }
        }
        let owner = trimmed
            .owner
            .parse::<i64>()
            .ok()
            .filter(|id| owners.iter().any(|(o, _)| o == id));
        if owner.is_none() {
            errors.add(
                "owner",
                "Choose the Autotask resource who owns the company.",
            );
        }
        match owner {
            Some(owner) if errors.is_empty() => Ok(NewCompany {
                name: trimmed.name,
                phone: trimmed.phone,
                address1: optional(&trimmed.address1),
                city: optional(&trimmed.city),
                postal_code: optional(&trimmed.postal_code),
                owner,
            }),
            _ => Err(errors),
        }
    }
}

/// What the form starts from: the marketplace's data, and the resources who may own it.
#[derive(Debug, Clone)]
pub struct CompanySetup {
    pub prefill: NewCompanyForm,
    /// Active Autotask resources: (id, name).
    pub owners: Vec<(i64, String)>,
    /// Why nothing could be pre-filled from the marketplace, if nothing could.
    pub note: Option<String>,
}

/// The active Autotask resources, by name.
async fn owners(api: &impl AutotaskApi) -> Result<Vec<(i64, String)>, AutotaskError> {
    let rows: Vec<serde_json::Value> = api
        .query_as(
            "Resources",
            &QueryBody::new(vec![Filter::eq("isActive", true)]).include_fields(&[
                "id",
                "firstName",
                "lastName",
            ]),
        )
        .await?;
    let mut owners: Vec<(i64, String)> = rows
        .iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            let first = r.get("firstName").and_then(|v| v.as_str()).unwrap_or("");
            let last = r.get("lastName").and_then(|v| v.as_str()).unwrap_or("");
            Some((id, format!("{first} {last}").trim().to_owned()))
        })
        .collect();
    owners.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(owners)
}

/// The form's starting point for the customer.
pub async fn company_setup(
    marketplace: Option<&MarketplaceClient>,
    api: &impl AutotaskApi,
    customer: &Customer,
) -> Result<CompanySetup, AutotaskError> {
    let owners = owners(api).await?;
    let mut prefill = NewCompanyForm {
        name: customer.name.chars().take(100).collect(),
        owner: owners
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        ..NewCompanyForm::default()
    };
    let note = match marketplace {
        None => Some("The marketplace is not connected: fill in the fields.".to_owned()),
        Some(client) => match client.customer(&customer.mp_customer_id).await {
            Ok(found) => {
                if let Some(address) = &found.address {
                    prefill.address1 = address.street_address.clone().unwrap_or_default();
                    prefill.city = address.city.clone().unwrap_or_default();
                    prefill.postal_code = address.postal_code.clone().unwrap_or_default();
                }
                let admin = found
                    .contact_persons
                    .iter()
                    .find(|c| c.kind.as_deref() == Some("admin"))
                    .or_else(|| found.contact_persons.first());
                prefill.phone = admin
                    .and_then(|c| c.phone_number.clone())
                    .unwrap_or_default();
                None
            }
            Err(_) => Some(
                "The marketplace could not be asked for this customer's details: fill in the fields."
                    .to_owned(),
            ),
        },
    };
    Ok(CompanySetup {
        prefill,
        owners,
        note,
    })
}

/// Why the company was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateCompanyError {
    #[error("Autotask already has a company named “{name}”.")]
    Exists { id: i64, name: String },
    #[error("{0}")]
    Mapping(String),
    #[error("Autotask refused the company: {0}")]
    Refused(String),
    #[error("Autotask could not be asked: {0}")]
    Autotask(AutotaskError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

async fn company_named(api: &impl AutotaskApi, name: &str) -> Result<Option<i64>, AutotaskError> {
    let rows: Vec<serde_json::Value> = api
        .query_as(
            "Companies",
            &QueryBody::new(vec![Filter::eq("companyName", name)]).include_fields(&["id"]),
        )
        .await?;
    Ok(rows.iter().find_map(|r| r.get("id")?.as_i64()))
}

/// Creates the company in Autotask and maps the customer to it; once only: a company of that
/// name is looked up first, and again after an answer that may hide a created one.
pub async fn create_company_for_customer(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: &Customer,
    company: &NewCompany,
) -> Result<i64, CreateCompanyError> {
    if let Some(id) = company_named(api, &company.name)
        .await
        .map_err(CreateCompanyError::Autotask)?
    {
        return Err(CreateCompanyError::Exists {
            id,
            name: company.name.clone(),
        });
    }
    let mut body = json!({
        "companyName": company.name,
        "companyType": CUSTOMER_TYPE,
        "phone": company.phone,
        "ownerResourceID": company.owner,
        "isActive": true,
    });
    for (field, value) in [
        ("address1", &company.address1),
        ("city", &company.city),
        ("postalCode", &company.postal_code),
    ] {
        if let Some(value) = value {
            body[field] = json!(value);
        }
    }
    let id = match api.create(WriteTarget::Entity("Companies"), &body).await {
        Ok(id) => id,
        Err(AutotaskError::BusinessRule(messages)) => {
            return Err(CreateCompanyError::Refused(messages.join(" ")));
        }
        Err(e) => match company_named(api, &company.name).await {
            // The answer was lost but the company landed: use it, never create a second.
            Ok(Some(id)) => id,
            _ => return Err(CreateCompanyError::Autotask(e)),
        },
    };
    match mapping::map_customer(db, api, reseller, customer.id, id).await {
        Ok(_) => {}
        Err(MappingError::Unexpected(e)) => return Err(CreateCompanyError::Unexpected(e)),
        Err(e) => return Err(CreateCompanyError::Mapping(e.to_string())),
    }
    action_log::record(
        db,
        reseller,
        Level::Info,
        "MAP20",
        &format!(
            "Created the Autotask company “{}” ({id}) for the marketplace customer {} and mapped them.",
            company.name, customer.name
        ),
        None,
    )
    .await
    .context("logging the new company")?;
    Ok(id)
}
