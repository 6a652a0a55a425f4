//! Add Product to Autotask (design §2.3 step 2, §2.4): a marketplace product that has no service
//! yet gets one, created by `POST /Services` (reference §8.3) and mapped at once. Autotask keeps
//! service names unique, so the name is looked up first and a taken one is explained (with the
//! existing service offered for mapping) rather than sent to be refused.

use anyhow::Context;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::action_log;
use super::assumptions::period_of_marketplace;
use crate::autotask::{AutotaskApi, AutotaskApiExt, AutotaskError, Filter, QueryBody, WriteTarget};
use crate::db;
use crate::model::{
    billing::PeriodType,
    catalog::Product,
    ids::{ProductRowId, ResellerId},
    log::Level,
    money::Money,
};

pub mod form;

pub use form::{FieldErrors, NewService, NewServiceForm};

/// What the form offers to choose from, read from Autotask: the active billing codes of the
/// Recurring Contract Service use type, and the tenant's period types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceOptions {
    pub billing_codes: Vec<(i64, String)>,
    pub period_types: Vec<(i64, PeriodType)>,
}

/// How a period type reads (Autotask's labels, reference §8.3).
pub fn period_label(period: PeriodType) -> &'static str {
    match period {
        PeriodType::Monthly => "Monthly",
        PeriodType::Quarterly => "Quarterly",
        PeriodType::SemiAnnual => "Semi-Annually",
        PeriodType::Yearly => "Yearly",
    }
}

/// Reads the choices the form offers.
pub async fn service_options(api: &impl AutotaskApi) -> Result<ServiceOptions, AutotaskError> {
    let picklists = api.picklists().await?;
    let query = QueryBody::new(vec![
        Filter::eq("useType", picklists.recurring_service_code),
        Filter::eq("isActive", true),
    ])
    .include_fields(&["id", "name"]);
    let rows: Vec<serde_json::Value> = api.query_as("BillingCodes", &query).await?;
    let mut billing_codes: Vec<(i64, String)> = rows
        .iter()
        .filter_map(|r| Some((r.get("id")?.as_i64()?, r.get("name")?.as_str()?.to_owned())))
        .collect();
    billing_codes.sort();
    let mut period_types = picklists.period_types.clone();
    period_types.sort_by_key(|(period, _)| period.months());
    Ok(ServiceOptions {
        billing_codes,
        period_types: period_types.into_iter().map(|(p, v)| (v, p)).collect(),
    })
}

/// Why a product could not be added to Autotask.
#[derive(Debug, thiserror::Error)]
pub enum AddProductError {
    #[error("not found")]
    NotFound,
    #[error("the product is already mapped to Autotask service {0}")]
    AlreadyMapped(i64),
    /// Fields to correct, each with its message.
    #[error("some fields need another value")]
    Invalid(FieldErrors),
    /// Autotask keeps service names unique; this one is taken by the service named.
    #[error("Autotask already has a service named {name}")]
    DuplicateName { id: i64, name: String },
    #[error(transparent)]
    Autotask(#[from] AutotaskError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The product, the choices, and the form filled in from the product and its latest
/// subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceSetup {
    pub product: Product,
    pub options: ServiceOptions,
    pub prefill: NewServiceForm,
}

async fn unmapped_product(
    db: &DatabaseConnection,
    reseller: ResellerId,
    product: ProductRowId,
) -> Result<Product, AddProductError> {
    let product = db::mappings::find_product(db, reseller, product)
        .await
        .context("reading the product")?
        .ok_or(AddProductError::NotFound)?;
    match product.autotask_service_id {
        Some(service) => Err(AddProductError::AlreadyMapped(service)),
        None => Ok(product),
    }
}

/// Everything the Add Product form needs for an unmapped product.
pub async fn new_service_setup(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    product: ProductRowId,
) -> Result<NewServiceSetup, AddProductError> {
    let product = unmapped_product(db, reseller, product).await?;
    let options = service_options(api).await?;
    let subscription = db::mappings::find_latest_subscription_of_product(db, reseller, product.id)
        .await
        .context("reading the product's subscription")?;
    let period = period_of_marketplace(&product.key.billing_period);
    // Products are keyed by billing period, so the period belongs in the name: the monthly and
    // yearly plan would otherwise ask for the same (unique) name.
    let name = match period {
        Some(p) => format!("{} ({})", product.name, period_label(p)),
        None => product.name.clone(),
    };
    let amount = |m: Option<Money>| m.map(|m| m.amount().to_string()).unwrap_or_default();
    let prefill = NewServiceForm {
        name: name.chars().take(form::NAME_MAX).collect(),
        description: String::new(),
        invoice_description: product.name.chars().take(form::INVOICE_MAX).collect(),
        price: amount(subscription.as_ref().and_then(|s| s.unit_price)),
        cost: amount(subscription.as_ref().and_then(|s| s.unit_cost)),
        billing_code: options
            .billing_codes
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        period_type: period
            .and_then(|p| options.period_types.iter().find(|(_, q)| *q == p))
            .map(|(v, _)| v.to_string())
            .unwrap_or_default(),
        vendor: product.key.vendor.clone(),
    };
    Ok(NewServiceSetup {
        product,
        options,
        prefill,
    })
}

/// The active Autotask service with this name (names are unique, compared without case).
pub async fn service_named(
    api: &impl AutotaskApi,
    name: &str,
) -> Result<Option<(i64, String)>, AutotaskError> {
    let query = QueryBody::new(vec![Filter::eq("name", name)]).include_fields(&["id", "name"]);
    let rows: Vec<serde_json::Value> = api.query_as("Services", &query).await?;
    Ok(rows
        .iter()
        .find_map(|r| Some((r.get("id")?.as_i64()?, r.get("name")?.as_str()?.to_owned()))))
}

/// The vendor company a typed name means: the one active company whose name starts with it
/// (an exact match wins among several), or a message for the field.
async fn vendor_company(
    api: &impl AutotaskApi,
    typed: &str,
) -> Result<Result<i64, String>, AutotaskError> {
    let query = QueryBody::new(vec![
        Filter::begins_with("companyName", typed),
        Filter::eq("isActive", true),
    ])
    .max_records(20)
    .include_fields(&["id", "companyName"]);
    let rows: Vec<serde_json::Value> = api.query_as("Companies", &query).await?;
    let found: Vec<(i64, String)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r.get("id")?.as_i64()?,
                r.get("companyName")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    if let Some((id, _)) = found.iter().find(|(_, n)| n.eq_ignore_ascii_case(typed)) {
        return Ok(Ok(*id));
    }
    Ok(match found.as_slice() {
        [] => Err(format!(
            "No Autotask company starts with “{typed}”. Type the vendor's company name as Autotask has it, or leave this empty."
        )),
        [(id, _)] => Ok(*id),
        several => Err(format!(
            "Several Autotask companies start with “{typed}” ({}); type more of the name.",
            several
                .iter()
                .take(5)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    })
}

/// The body of `POST /Services` (reference §8.3); money goes as JSON numbers.
#[derive(Serialize)]
struct ServiceBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "invoiceDescription", skip_serializing_if = "Option::is_none")]
    invoice_description: Option<&'a str>,
    #[serde(rename = "unitPrice", with = "rust_decimal::serde::float")]
    unit_price: Decimal,
    #[serde(
        rename = "unitCost",
        with = "rust_decimal::serde::float_option",
        skip_serializing_if = "Option::is_none"
    )]
    unit_cost: Option<Decimal>,
    #[serde(rename = "billingCodeID")]
    billing_code_id: i64,
    #[serde(rename = "periodType")]
    period_type: i64,
    #[serde(rename = "vendorCompanyID", skip_serializing_if = "Option::is_none")]
    vendor_company_id: Option<i64>,
    #[serde(rename = "isActive")]
    is_active: bool,
}

/// Whether Autotask refused a create because the name is taken (the `IX_service` message).
fn is_duplicate_refusal(messages: &[String]) -> bool {
    messages
        .iter()
        .any(|m| m.contains("IX_service") || m.to_lowercase().contains("duplicate"))
}

/// Checks the choices against what Autotask offers now and resolves the vendor.
async fn checked_against_autotask(
    api: &impl AutotaskApi,
    new: &NewService,
) -> Result<Option<i64>, AddProductError> {
    let options = service_options(api).await?;
    let mut errors = FieldErrors::default();
    if !options
        .billing_codes
        .iter()
        .any(|(id, _)| *id == new.billing_code)
    {
        errors.add(
            "billing_code",
            "Choose one of the active Recurring Contract Service billing codes.",
        );
    }
    if !options
        .period_types
        .iter()
        .any(|(v, _)| *v == new.period_type)
    {
        errors.add("period_type", "Choose one of the period types.");
    }
    let mut vendor = None;
    if let Some(typed) = &new.vendor {
        match vendor_company(api, typed).await? {
            Ok(id) => vendor = Some(id),
            Err(message) => errors.add("vendor", &message),
        }
    }
    if errors.is_empty() {
        Ok(vendor)
    } else {
        Err(AddProductError::Invalid(errors))
    }
}

/// Creates the service in Autotask and maps the product to it; returns the service's id.
#[tracing::instrument(name = "add_product_to_autotask", skip_all, fields(reseller = %reseller, product = %product))]
pub async fn add_product_to_autotask(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    product: ProductRowId,
    new: &NewService,
) -> Result<i64, AddProductError> {
    let product = unmapped_product(db, reseller, product).await?;
    let vendor = checked_against_autotask(api, new).await?;
    if let Some((id, name)) = service_named(api, &new.name).await? {
        return Err(AddProductError::DuplicateName { id, name });
    }
    let body = ServiceBody {
        name: &new.name,
        description: new.description.as_deref(),
        invoice_description: new.invoice_description.as_deref(),
        unit_price: new.price.amount(),
        unit_cost: new.cost.map(Money::amount),
        billing_code_id: new.billing_code,
        period_type: new.period_type,
        vendor_company_id: vendor,
        is_active: true,
    };
    let body = serde_json::to_value(&body).context("writing the service body")?;
    let service = match api.create(WriteTarget::Entity("Services"), &body).await {
        Ok(id) => id,
        Err(AutotaskError::BusinessRule(messages)) if is_duplicate_refusal(&messages) => {
            // Someone created it between the look-up and the write.
            return Err(match service_named(api, &new.name).await? {
                Some((id, name)) => AddProductError::DuplicateName { id, name },
                None => AutotaskError::BusinessRule(messages).into(),
            });
        }
        Err(e @ AutotaskError::Transient(_)) => {
            // The write may have landed: read instead of sending it again (design §5).
            match service_named(api, &new.name).await {
                Ok(Some((id, _))) => id,
                _ => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    if !db::mappings::set_product_service(db, reseller, product.id, Some(service))
        .await
        .context("mapping the product")?
    {
        return Err(AddProductError::NotFound);
    }
    let message = format!(
        "Service “{}” (id {service}) created in Autotask and mapped to product {} ({}).",
        new.name, product.name, product.key.mpn
    );
    if let Err(e) = action_log::record(db, reseller, Level::Info, "MAP10", &message, None).await {
        tracing::warn!(
            error = format!("{e:#}"),
            "the action log missed a created service"
        );
    }
    Ok(service)
}
