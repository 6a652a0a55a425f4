//! Operations on Autotask entities: queries with paging and batched `in` filters, counts, gets,
//! writes (never repeated after an unclear answer), contract children and charges, metadata.

use std::sync::Arc;

use reqwest::Method;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::answer::decode;
use super::client::{AutotaskClient, ConnectionReport, ContractChild, IN_BATCH, Page, Target};
use super::error::AutotaskError;
use super::filter::{Filter, QueryBody};
use super::models::{EntityInfo, FieldInfo, NewContractCharge};
use super::picklists::Picklists;

#[derive(Deserialize)]
struct RawPage {
    items: Vec<Value>,
    #[serde(rename = "pageDetails")]
    page_details: Option<PageDetails>,
}

#[derive(Deserialize)]
struct PageDetails {
    #[serde(rename = "nextPageUrl")]
    next_page_url: Option<String>,
}

impl AutotaskClient {
    /// One page of a query (POST with the body).
    pub async fn query_page<T: DeserializeOwned>(
        &self,
        entity: &str,
        query: &QueryBody,
    ) -> Result<Page<T>, AutotaskError> {
        self.keep_budget().await?;
        let url = format!("{}/{entity}/query", self.base().await?);
        self.page_at(entity, &url, query).await
    }

    async fn page_at<T: DeserializeOwned>(
        &self,
        entity: &str,
        url: &str,
        query: &QueryBody,
    ) -> Result<Page<T>, AutotaskError> {
        let body = serde_json::to_value(query).map_err(|e| AutotaskError::Decode(e.to_string()))?;
        let value = self
            .send(
                Method::POST,
                url,
                Target::entity(entity),
                Some(&body),
                false,
            )
            .await?;
        let raw: RawPage = decode(value)?;
        let items = raw
            .items
            .into_iter()
            .map(decode)
            .collect::<Result<Vec<T>, _>>()?;
        Ok(Page {
            items,
            next_page_url: raw
                .page_details
                .and_then(|p| p.next_page_url)
                .filter(|u| !u.is_empty()),
        })
    }

    /// Every record matching the query, following `nextPageUrl` with the same verb and body.
    pub async fn query<T: DeserializeOwned>(
        &self,
        entity: &str,
        query: &QueryBody,
    ) -> Result<Vec<T>, AutotaskError> {
        let mut page = self.query_page::<T>(entity, query).await?;
        let mut items = std::mem::take(&mut page.items);
        let mut pages = 1;
        while let Some(next) = page.next_page_url.take() {
            pages += 1;
            if pages > 1_000 {
                return Err(AutotaskError::Decode(
                    "more than 1,000 pages; the cursor does not end".into(),
                ));
            }
            page = self.page_at::<T>(entity, &next, query).await?;
            items.append(&mut page.items);
        }
        Ok(items)
    }

    /// Records whose `field` is one of `ids`, in batches of 500, with extra conditions.
    pub async fn query_in<T: DeserializeOwned>(
        &self,
        entity: &str,
        field: &str,
        ids: &[i64],
        extra: &[Filter],
        include_fields: &[&str],
    ) -> Result<Vec<T>, AutotaskError> {
        let mut out = Vec::new();
        let mut unique: Vec<i64> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        for chunk in unique.chunks(IN_BATCH) {
            let mut filter = vec![Filter::is_in(field, chunk.iter().copied())];
            filter.extend_from_slice(extra);
            let query = QueryBody::new(filter).include_fields(include_fields);
            out.extend(self.query::<T>(entity, &query).await?);
        }
        Ok(out)
    }

    /// How many records match.
    pub async fn count(&self, entity: &str, filter: Vec<Filter>) -> Result<u64, AutotaskError> {
        self.keep_budget().await?;
        let url = format!("{}/{entity}/query/count", self.base().await?);
        let body = serde_json::to_value(QueryBody::new(filter))
            .map_err(|e| AutotaskError::Decode(e.to_string()))?;
        let value = self
            .send(
                Method::POST,
                &url,
                Target::entity(entity),
                Some(&body),
                false,
            )
            .await?;
        value
            .get("queryCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| AutotaskError::Decode("no queryCount in the answer".into()))
    }

    /// One record by id; `None` when Autotask answers 404 (or 200 with a null item).
    pub async fn get<T: DeserializeOwned>(
        &self,
        entity: &str,
        id: i64,
    ) -> Result<Option<T>, AutotaskError> {
        self.keep_budget().await?;
        let url = format!("{}/{entity}/{id}", self.base().await?);
        match self
            .send(Method::GET, &url, Target::entity(entity), None, false)
            .await
        {
            Ok(value) => match value.get("item") {
                Some(Value::Null) | None => Ok(None),
                Some(item) => decode(item.clone()).map(Some),
            },
            Err(AutotaskError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A write (POST, PATCH, PUT or DELETE) → the `itemId` Autotask answers. Never repeated
    /// after a timeout or a 5xx: it may have landed (callers re-read, design §5).
    async fn write<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        target: Target<'_>,
        body: Option<&B>,
    ) -> Result<i64, AutotaskError> {
        self.keep_budget().await?;
        let url = format!("{}/{path}", self.base().await?);
        let body = body
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| AutotaskError::Decode(e.to_string()))?;
        let value = self.send(method, &url, target, body.as_ref(), true).await?;
        value
            .get("itemId")
            .and_then(Value::as_i64)
            .ok_or_else(|| AutotaskError::Decode("no itemId in the answer".into()))
    }

    /// POST `/{Entity}` → the new id.
    pub async fn create<B: Serialize>(&self, entity: &str, body: &B) -> Result<i64, AutotaskError> {
        self.write(Method::POST, entity, Target::entity(entity), Some(body))
            .await
    }

    /// PATCH `/{Entity}` (id in the body): only the properties sent change.
    pub async fn update<B: Serialize>(&self, entity: &str, body: &B) -> Result<i64, AutotaskError> {
        self.write(Method::PATCH, entity, Target::entity(entity), Some(body))
            .await
    }

    /// PUT `/{Entity}` (id in the body): every writable field is replaced.
    pub async fn replace<B: Serialize>(
        &self,
        entity: &str,
        body: &B,
    ) -> Result<i64, AutotaskError> {
        self.write(Method::PUT, entity, Target::entity(entity), Some(body))
            .await
    }

    /// POST `/Contracts/{id}/{child}` (child: `Services`, `ServiceAdjustments`, `Charges`).
    pub async fn create_contract_child<B: Serialize>(
        &self,
        contract: i64,
        child: ContractChild,
        body: &B,
    ) -> Result<i64, AutotaskError> {
        self.write(
            Method::POST,
            &child.path(contract),
            Target::contract_child(child),
            Some(body),
        )
        .await
    }

    /// PATCH `/Contracts/{id}/{child}`.
    pub async fn update_contract_child<B: Serialize>(
        &self,
        contract: i64,
        child: ContractChild,
        body: &B,
    ) -> Result<i64, AutotaskError> {
        self.write(
            Method::PATCH,
            &child.path(contract),
            Target::contract_child(child),
            Some(body),
        )
        .await
    }

    /// Creates a one-time charge on its contract (POST `/Contracts/{id}/Charges`) → its id.
    pub async fn create_charge(&self, charge: &NewContractCharge) -> Result<i64, AutotaskError> {
        self.create_contract_child(charge.contract_id, ContractChild::Charges, charge)
            .await
    }

    /// PATCH `/Contracts/{id}/Charges` (the charge's `id` in the body); Autotask allows it only
    /// while the charge is not billed.
    pub async fn update_charge<B: Serialize>(
        &self,
        contract: i64,
        body: &B,
    ) -> Result<i64, AutotaskError> {
        self.update_contract_child(contract, ContractChild::Charges, body)
            .await
    }

    /// DELETE `/Contracts/{id}/Charges/{chargeId}` → the deleted id; Autotask allows it only
    /// while the charge is not billed (a way to undo one's own charge).
    pub async fn delete_charge(&self, contract: i64, charge: i64) -> Result<i64, AutotaskError> {
        let child = ContractChild::Charges;
        self.write::<Value>(
            Method::DELETE,
            &format!("{}/{charge}", child.path(contract)),
            Target::contract_child(child),
            None,
        )
        .await
    }

    /// `entityInformation/fields`, for picklists and lengths.
    pub async fn fields(&self, entity: &str) -> Result<Vec<FieldInfo>, AutotaskError> {
        let url = format!("{}/{entity}/entityInformation/fields", self.base().await?);
        let value = self
            .send(Method::GET, &url, Target::entity(entity), None, false)
            .await?;
        decode(value.get("fields").cloned().unwrap_or(Value::Null))
    }

    /// `entityInformation`.
    pub async fn entity_information(&self, entity: &str) -> Result<EntityInfo, AutotaskError> {
        let url = format!("{}/{entity}/entityInformation", self.base().await?);
        let value = self
            .send(Method::GET, &url, Target::entity(entity), None, false)
            .await?;
        decode(value.get("info").cloned().unwrap_or(Value::Null))
    }

    /// A picklist's (value, label) pairs, resolved at run time: they vary by tenant.
    pub async fn picklist(
        &self,
        entity: &str,
        field: &str,
    ) -> Result<Vec<(i64, String)>, AutotaskError> {
        let fields = self.fields(entity).await?;
        let field = fields
            .into_iter()
            .find(|f| f.name.eq_ignore_ascii_case(field))
            .ok_or_else(|| AutotaskError::Decode(format!("{entity} has no field {field}")))?;
        Ok(field
            .picklist_values
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.value.parse().ok().map(|v| (v, p.label)))
            .collect())
    }

    /// The tenant's picklist numbers, read from `entityInformation/fields` on first use and kept
    /// for the life of the client.
    pub async fn picklists(&self) -> Result<Arc<Picklists>, AutotaskError> {
        self.picklist_cache
            .get_or_try_init(|| async {
                let contracts = self.fields("Contracts").await?;
                let charges = self.fields("ContractCharges").await?;
                let billing_codes = self.fields("BillingCodes").await?;
                Picklists::resolve(&contracts, &charges, &billing_codes).map(Arc::new)
            })
            .await
            .cloned()
    }

    /// Connects: discovers the zone, reads the hourly budget and resolves the picklists (each at
    /// most once for the life of the client).
    pub async fn connect(&self) -> Result<Arc<Picklists>, AutotaskError> {
        self.zone().await?;
        self.keep_budget().await?;
        self.picklists().await
    }

    /// Zone, user, hourly usage and picklists, for the settings page's **Test** button. The
    /// zone and picklists come from the client's cache once known (a 401 refreshes the zone).
    pub async fn test_connection(&self) -> Result<ConnectionReport, AutotaskError> {
        let zone = self.zone().await?;
        let threshold = self.threshold().await?;
        self.picklists().await?;
        Ok(ConnectionReport {
            zone_name: zone.zone_name,
            zone_url: zone.url,
            api_user: self.config.username.clone(),
            threshold: threshold.external_request_threshold,
            used: threshold.current_timeframe_request_count,
        })
    }
}
