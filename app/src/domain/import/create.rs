//! Importing one company: find it in the marketplace by its Autotask reference, or create it
//! there, then record the customer and map it — so importing twice never creates it twice.

use anyhow::Context;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::profile::{Profile, external_reference, new_customer};
use crate::db;
use crate::domain::action_log;
use crate::marketplace::{MarketplaceClient, MarketplaceError, models::Customer};
use crate::model::{
    ids::ResellerId,
    import::{ImportItem, ImportOutcome},
    log::Level,
};

/// Action-log codes of an import (the README lists them).
pub mod codes {
    /// A run started.
    pub const STARTED: &str = "IMP01";
    /// A run finished.
    pub const FINISHED: &str = "IMP02";
    /// A company was created in the marketplace and mapped.
    pub const IMPORTED: &str = "IMP10";
    /// A company was already in the marketplace (by its reference) or already mapped.
    pub const LINKED: &str = "IMP11";
    /// The marketplace refused a company.
    pub const REFUSED: &str = "IMP20";
    /// The marketplace did not answer properly for a company.
    pub const UNANSWERED: &str = "IMP21";
    /// The customer was created but could not be recorded here.
    pub const NOT_RECORDED: &str = "IMP22";
    /// A run stopped on an internal error.
    pub const INTERNAL: &str = "IMP90";
    /// No marketplace connection.
    pub const NO_MARKETPLACE: &str = "IMP91";
    /// No Autotask connection.
    pub const NO_AUTOTASK: &str = "IMP92";
    /// Autotask could not be read.
    pub const AUTOTASK_UNREADABLE: &str = "IMP93";
}

/// A company to import, with its checked profile.
#[derive(Debug, Clone)]
pub struct CompanyToImport<'a> {
    pub id: i64,
    pub name: &'a str,
    pub profile: &'a Profile,
}

/// The marketplace's failure in words a person can act on (its own reason included).
pub fn reason(error: &MarketplaceError) -> (&'static str, String) {
    match error {
        MarketplaceError::Rejected { message, .. } => (
            codes::REFUSED,
            format!("The marketplace refused the customer: {message}"),
        ),
        MarketplaceError::Auth(_) => (
            codes::REFUSED,
            "The marketplace refused the credentials; check the marketplace connection under Settings."
                .to_owned(),
        ),
        MarketplaceError::RateLimited(_) => (
            codes::UNANSWERED,
            "The marketplace asked to slow down; try again in a minute.".to_owned(),
        ),
        MarketplaceError::Transient(detail) => (
            codes::UNANSWERED,
            format!("The marketplace did not answer properly ({detail}); try again later."),
        ),
        MarketplaceError::NotFound
        | MarketplaceError::Decode(_)
        | MarketplaceError::Unreadable(_) => (
            codes::UNANSWERED,
            "The marketplace's answer could not be read; check the marketplace URL, then try again."
                .to_owned(),
        ),
    }
}

/// Whether a failed create may still have created the customer (so it is looked up, not sent
/// again).
fn may_have_landed(error: &MarketplaceError) -> bool {
    matches!(
        error,
        MarketplaceError::Transient(_)
            | MarketplaceError::Decode(_)
            | MarketplaceError::Unreadable(_)
    )
}

async fn find_by_reference(
    mp: &MarketplaceClient,
    reference: &str,
) -> Result<Option<Customer>, MarketplaceError> {
    let found = mp.customers_with_external_id(reference).await?;
    Ok(found
        .items
        .into_iter()
        .find(|c| c.external_id.as_deref() == Some(reference)))
}

/// Imports one company and writes its outcome to the action log. A marketplace failure is an
/// outcome (`Failed`, with its reason), never an error: the caller goes on with the others.
pub async fn import_company(
    db: &DatabaseConnection,
    mp: &MarketplaceClient,
    reseller: ResellerId,
    company: CompanyToImport<'_>,
) -> anyhow::Result<ImportItem> {
    let item = |outcome, message: String, mp_customer_id: Option<String>| ImportItem {
        company_id: company.id,
        company_name: company.name.to_owned(),
        outcome,
        message,
        mp_customer_id,
    };
    if let Some(mapped) = db::mappings::find_customer_mapped_to(db, reseller, company.id)
        .await
        .context("reading the mappings")?
    {
        let done = item(
            ImportOutcome::Linked,
            format!(
                "{} is already mapped (customer row {mapped}); nothing was sent.",
                company.name
            ),
            None,
        );
        return Ok(done);
    }
    let reference = external_reference(company.id);
    let earlier = match find_by_reference(mp, &reference).await {
        Ok(found) => found,
        Err(e) => {
            return failed(
                db,
                reseller,
                item(ImportOutcome::Failed, String::new(), None),
                &e,
            )
            .await;
        }
    };
    let (customer, outcome) = match earlier {
        Some(customer) => (customer, ImportOutcome::Linked),
        None => {
            let body = new_customer(company.id, company.name, company.profile);
            match mp.create_customer(&body).await {
                Ok(customer) => (customer, ImportOutcome::Imported),
                Err(e) if may_have_landed(&e) => match find_by_reference(mp, &reference).await {
                    Ok(Some(customer)) => (customer, ImportOutcome::Imported),
                    _ => {
                        return failed(
                            db,
                            reseller,
                            item(ImportOutcome::Failed, String::new(), None),
                            &e,
                        )
                        .await;
                    }
                },
                Err(e) => {
                    return failed(
                        db,
                        reseller,
                        item(ImportOutcome::Failed, String::new(), None),
                        &e,
                    )
                    .await;
                }
            }
        }
    };
    let (code, message) = match outcome {
        ImportOutcome::Linked => (
            codes::LINKED,
            format!(
                "{} was already in the marketplace as customer {} (reference {reference}); mapped, nothing created.",
                company.name, customer.id
            ),
        ),
        _ => (
            codes::IMPORTED,
            format!(
                "{} imported into the marketplace as customer {} and mapped.",
                company.name, customer.id
            ),
        ),
    };
    match record_and_map(db, reseller, company.id, &customer, code, &message).await {
        Ok(()) => Ok(item(outcome, message, Some(customer.id))),
        Err(e) => {
            tracing::error!(
                company = company.id,
                error = format!("{e:#}"),
                "recording an imported customer failed"
            );
            let message = format!(
                "{} is in the marketplace as customer {}, but it could not be mapped here; retry to map it.",
                company.name, customer.id
            );
            action_log::record(
                db,
                reseller,
                Level::Error,
                codes::NOT_RECORDED,
                &message,
                None,
            )
            .await?;
            Ok(item(ImportOutcome::Failed, message, Some(customer.id)))
        }
    }
}

/// The customer row, its mapping and the log entry, together or not at all.
async fn record_and_map(
    db: &DatabaseConnection,
    reseller: ResellerId,
    company: i64,
    customer: &Customer,
    code: &str,
    message: &str,
) -> anyhow::Result<()> {
    let txn = db.begin().await.context("starting a transaction")?;
    let row = db::catalog::upsert_customer(&txn, reseller, &customer.id, &customer.name)
        .await
        .context("recording the customer")?;
    if !db::mappings::set_customer_company(&txn, reseller, row, Some(company))
        .await
        .context("mapping the customer")?
    {
        anyhow::bail!("the customer row {row} vanished while mapping it");
    }
    action_log::record(&txn, reseller, Level::Info, code, message, None).await?;
    txn.commit().await.context("committing the import")
}

async fn failed(
    db: &DatabaseConnection,
    reseller: ResellerId,
    mut item: ImportItem,
    error: &MarketplaceError,
) -> anyhow::Result<ImportItem> {
    tracing::warn!(company = item.company_id, error = %error, "importing a company failed");
    let (code, why) = reason(error);
    let logged = format!("{} was not imported: {why}", item.company_name);
    action_log::record(db, reseller, Level::Error, code, &logged, None).await?;
    item.message = why;
    Ok(item)
}
