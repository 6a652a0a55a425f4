//! What the engine needs of Autotask, and no more: queries, counts and gets of the billing
//! entities, and their writes. Narrow enough that a test can run the engine against the sandbox
//! through the real client, or through a wrapper that injects faults between them.

use std::{future::Future, sync::Arc};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::answer::decode;
use super::client::{AutotaskClient, ContractChild, IN_BATCH};
use super::error::AutotaskError;
use super::filter::{Filter, QueryBody};
use super::picklists::Picklists;
use super::recent::RecentRecords;

/// Where a write goes: an entity's own URL, or a contract's child URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteTarget<'a> {
    Entity(&'a str),
    ContractChild { contract: i64, child: ContractChild },
}

/// The Autotask operations the engine uses. Records travel as JSON; [`AutotaskApiExt`] reads
/// them into typed models.
pub trait AutotaskApi: Send + Sync {
    /// Every record matching the query (all pages).
    fn query(
        &self,
        entity: &str,
        query: &QueryBody,
    ) -> impl Future<Output = Result<Vec<Value>, AutotaskError>> + Send;

    /// How many records match.
    fn count(
        &self,
        entity: &str,
        filter: Vec<Filter>,
    ) -> impl Future<Output = Result<u64, AutotaskError>> + Send;

    /// One record by id, `None` when there is none.
    fn get(
        &self,
        entity: &str,
        id: i64,
    ) -> impl Future<Output = Result<Option<Value>, AutotaskError>> + Send;

    /// Creates a record → its id. Never repeated after an unclear answer: re-read instead.
    fn create(
        &self,
        target: WriteTarget<'_>,
        body: &Value,
    ) -> impl Future<Output = Result<i64, AutotaskError>> + Send;

    /// Updates the properties sent (PATCH) → the record's id.
    fn update(
        &self,
        target: WriteTarget<'_>,
        body: &Value,
    ) -> impl Future<Output = Result<i64, AutotaskError>> + Send;

    /// Deletes a record (only unbilled contract charges allow it) → its id.
    fn delete(
        &self,
        target: WriteTarget<'_>,
        id: i64,
    ) -> impl Future<Output = Result<i64, AutotaskError>> + Send;

    /// The tenant's picklist numbers.
    fn picklists(&self) -> impl Future<Output = Result<Arc<Picklists>, AutotaskError>> + Send;

    /// Catalogue records kept from earlier reads, when this connection keeps them.
    fn recent_records(&self) -> Option<&RecentRecords> {
        None
    }
}

/// Typed reads on top of [`AutotaskApi`].
pub trait AutotaskApiExt: AutotaskApi {
    /// Every matching record, read as `T`.
    fn query_as<T: DeserializeOwned + Send>(
        &self,
        entity: &str,
        query: &QueryBody,
    ) -> impl Future<Output = Result<Vec<T>, AutotaskError>> + Send {
        async move {
            self.query(entity, query)
                .await?
                .into_iter()
                .map(decode)
                .collect()
        }
    }

    /// Records whose `field` is one of `ids`, in batches of 500, with extra conditions and only
    /// the fields named (all when empty).
    fn query_in_as<T: DeserializeOwned + Send>(
        &self,
        entity: &str,
        field: &str,
        ids: &[i64],
        extra: &[Filter],
        include_fields: &[&str],
    ) -> impl Future<Output = Result<Vec<T>, AutotaskError>> + Send {
        async move {
            let mut unique = ids.to_vec();
            unique.sort_unstable();
            unique.dedup();
            let mut out = Vec::new();
            for chunk in unique.chunks(IN_BATCH) {
                let mut filter = vec![Filter::is_in(field, chunk.iter().copied())];
                filter.extend_from_slice(extra);
                let query = QueryBody::new(filter).include_fields(include_fields);
                out.extend(self.query_as::<T>(entity, &query).await?);
            }
            Ok(out)
        }
    }
}

impl<A: AutotaskApi + ?Sized> AutotaskApiExt for A {}

impl AutotaskApi for AutotaskClient {
    async fn query(&self, entity: &str, query: &QueryBody) -> Result<Vec<Value>, AutotaskError> {
        AutotaskClient::query::<Value>(self, entity, query).await
    }

    async fn count(&self, entity: &str, filter: Vec<Filter>) -> Result<u64, AutotaskError> {
        AutotaskClient::count(self, entity, filter).await
    }

    async fn get(&self, entity: &str, id: i64) -> Result<Option<Value>, AutotaskError> {
        AutotaskClient::get::<Value>(self, entity, id).await
    }

    async fn create(&self, target: WriteTarget<'_>, body: &Value) -> Result<i64, AutotaskError> {
        match target {
            WriteTarget::Entity(entity) => AutotaskClient::create(self, entity, body).await,
            WriteTarget::ContractChild { contract, child } => {
                self.create_contract_child(contract, child, body).await
            }
        }
    }

    async fn update(&self, target: WriteTarget<'_>, body: &Value) -> Result<i64, AutotaskError> {
        match target {
            WriteTarget::Entity(entity) => {
                let updated = AutotaskClient::update(self, entity, body).await;
                if let Some(id) = body.get("id").and_then(Value::as_i64) {
                    // Whether or not the answer came, the record may have changed.
                    self.recent.forget(entity, id);
                }
                updated
            }
            WriteTarget::ContractChild { contract, child } => {
                self.update_contract_child(contract, child, body).await
            }
        }
    }

    async fn delete(&self, target: WriteTarget<'_>, id: i64) -> Result<i64, AutotaskError> {
        match target {
            WriteTarget::ContractChild {
                contract,
                child: ContractChild::Charges,
            } => self.delete_charge(contract, id).await,
            // Autotask deletes none of the other billing entities (reference §5.3); asking is a
            // mistake in the caller, answered as Autotask would.
            _ => Err(AutotaskError::BusinessRule(vec![
                "This entity cannot be deleted.".into(),
            ])),
        }
    }

    async fn picklists(&self) -> Result<Arc<Picklists>, AutotaskError> {
        AutotaskClient::picklists(self).await
    }

    fn recent_records(&self) -> Option<&RecentRecords> {
        Some(&self.recent)
    }
}
