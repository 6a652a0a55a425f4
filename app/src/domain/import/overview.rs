//! What the import page lists: each unmapped Autotask customer, what its profile lacks, and
//! what became of it the last time it was tried.

use std::collections::HashMap;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use super::companies::{ListError, unmapped_companies};
use super::profile::FieldProblem;
use crate::db;
use crate::domain::connections::Connections;
use crate::model::{ids::ResellerId, import::ImportItem};

/// One unmapped company as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRow {
    pub id: i64,
    pub name: String,
    /// Empty when the profile is complete.
    pub problems: Vec<FieldProblem>,
    /// Its newest result (a failure to retry, or why it was left out).
    pub last: Option<ImportItem>,
}

/// The page's list, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overview {
    /// A connection is missing ("Autotask" or "marketplace").
    NotConnected(&'static str),
    /// Autotask did not answer; nothing to list now.
    Unreadable,
    Listed(Vec<CompanyRow>),
}

/// Every unmapped Autotask customer of the reseller, with its completeness and last result.
pub async fn overview(
    db: &DatabaseConnection,
    connections: &Connections,
    reseller: ResellerId,
) -> anyhow::Result<Overview> {
    let Some(autotask) = connections.autotask(reseller).await? else {
        return Ok(Overview::NotConnected("Autotask"));
    };
    if connections.marketplace(reseller).await?.is_none() {
        return Ok(Overview::NotConnected("marketplace"));
    }
    let companies = match unmapped_companies(db, autotask.as_ref(), reseller).await {
        Ok(companies) => companies,
        Err(ListError::Autotask(e)) => {
            tracing::warn!(error = %e, "listing the companies to import failed");
            return Ok(Overview::Unreadable);
        }
        Err(ListError::Unexpected(e)) => return Err(e),
    };
    let ids: Vec<i64> = companies.iter().map(|c| c.id).collect();
    let mut last: HashMap<i64, ImportItem> =
        db::import_runs::find_latest_import_items_for_companies(db, reseller, &ids)
            .await
            .context("reading the import results")?
            .into_iter()
            .map(|item| (item.company_id, item))
            .collect();
    Ok(Overview::Listed(
        companies
            .into_iter()
            .map(|c| CompanyRow {
                problems: c.draft.parse().err().unwrap_or_default(),
                last: last.remove(&c.id),
                id: c.id,
                name: c.name,
            })
            .collect(),
    ))
}
