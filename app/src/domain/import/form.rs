//! Importing one company with the values a person filled in (the per-company form).

use anyhow::Context;
use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::companies::{self, ImportableCompany, ListError};
use super::create::{CompanyToImport, import_company};
use super::profile::Profile;
use crate::db;
use crate::domain::connections::Connections;
use crate::model::{
    ids::ResellerId,
    import::{ImportCounts, ImportItem, ImportOutcome, ImportRunStatus},
};

/// Why a company could not be imported from the form.
#[derive(Debug, thiserror::Error)]
pub enum FormImportError {
    /// Not an unmapped, active Autotask customer of this reseller (another reseller's id, a
    /// vendor, or one mapped meanwhile).
    #[error("this company is not one of your unmapped Autotask customers")]
    NotImportable,
    #[error("the {0} connection is not set up")]
    NoConnection(&'static str),
    #[error("Autotask could not be read")]
    Autotask,
    /// The marketplace refused or did not answer; the item says why in words.
    #[error("{}", .0.message)]
    Failed(ImportItem),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The company as Autotask has it, to pre-fill the form; `None` when it is not importable.
pub async fn company_for_form(
    db: &DatabaseConnection,
    connections: &Connections,
    reseller: ResellerId,
    company: i64,
) -> Result<Option<ImportableCompany>, FormImportError> {
    let Some(autotask) = connections.autotask(reseller).await? else {
        return Err(FormImportError::NoConnection("Autotask"));
    };
    match companies::unmapped_company(db, autotask.as_ref(), reseller, company).await {
        Ok(found) => Ok(found),
        Err(ListError::Autotask(e)) => {
            tracing::warn!(error = %e, company, "reading a company to import failed");
            Err(FormImportError::Autotask)
        }
        Err(ListError::Unexpected(e)) => Err(e.into()),
    }
}

/// Imports one company with the given profile and maps it; recorded as a run of its own.
pub async fn import_with_profile(
    db: &DatabaseConnection,
    connections: &Connections,
    reseller: ResellerId,
    company: i64,
    profile: &Profile,
) -> Result<ImportItem, FormImportError> {
    let Some(found) = company_for_form(db, connections, reseller, company).await? else {
        return Err(FormImportError::NotImportable);
    };
    let Some(marketplace) = connections.marketplace(reseller).await? else {
        return Err(FormImportError::NoConnection("marketplace"));
    };
    let to_import = CompanyToImport {
        id: found.id,
        name: &found.name,
        profile,
    };
    let item = import_company(db, &marketplace, reseller, to_import).await?;
    let now = Utc::now();
    let run = db::import_runs::insert_import_run(db, reseller, Some(company), now)
        .await
        .context("recording the import")?;
    let failed = item.outcome == ImportOutcome::Failed;
    let counts = ImportCounts {
        imported: i32::from(!failed),
        failed: i32::from(failed),
        incomplete: 0,
    };
    db::import_runs::insert_import_item(db, reseller, run, &item, now)
        .await
        .context("recording the import's result")?;
    db::import_runs::record_import_progress(db, run, 1, 1, counts, now)
        .await
        .context("recording the import")?;
    db::import_runs::finish_import_run(db, run, ImportRunStatus::Done, None, now)
        .await
        .context("recording the import")?;
    if failed {
        return Err(FormImportError::Failed(item));
    }
    Ok(item)
}
