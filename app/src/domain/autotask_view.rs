//! What the planner and the worker read of Autotask for a batch of tasks, in as few requests as
//! the batch allows: `in` filters of up to 500 ids, only the fields used, units only for the
//! dates in play (design §5: nothing is read that the plan does not need).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::assumptions::REFERENCE_PREFIX;
use crate::autotask::{
    AutotaskApi, AutotaskApiExt, AutotaskError, Filter, Picklists,
    models::{Contract, ContractCharge, ContractService, ContractServiceUnit, Service},
};
use crate::model::{
    money::Money,
    plan::{ContractTerms, ServiceTerms, UnitsSpan},
};

const CONTRACT_FIELDS: &[&str] = &[
    "id",
    "companyID",
    "contractName",
    "contractType",
    "contractPeriodType",
    "status",
    "startDate",
    "endDate",
];
const SERVICE_FIELDS: &[&str] = &["id", "name", "invoiceDescription", "unitPrice", "unitCost"];
const CONTRACT_SERVICE_FIELDS: &[&str] = &[
    "id",
    "contractID",
    "serviceID",
    "unitPrice",
    "unitCost",
    "invoiceDescription",
];
const UNIT_FIELDS: &[&str] = &[
    "id",
    "contractID",
    "serviceID",
    "contractServiceID",
    "startDate",
    "endDate",
    "units",
    "price",
    "cost",
];
const CHARGE_FIELDS: &[&str] = &["id", "contractID", "name"];

/// Contracts and services, read by id.
#[derive(Debug, Default)]
pub struct Catalog {
    pub contracts: HashMap<i64, Contract>,
    pub services: HashMap<i64, Service>,
}

/// Whether catalogue records read a short while ago may stand in for a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogReads {
    /// Read Autotask (what Sync All and the worker plan with).
    Fresh,
    /// Use those the connection read within [`crate::autotask::RECENT_FOR`] (the review page).
    Recent,
}

impl Catalog {
    /// Reads the contracts and services named (each id once).
    pub async fn read(
        api: &impl AutotaskApi,
        contracts: &[i64],
        services: &[i64],
    ) -> Result<Self, AutotaskError> {
        Self::read_as(api, contracts, services, CatalogReads::Fresh).await
    }

    /// [`Catalog::read`], or with `Recent` the records the connection read a short while ago
    /// where it has them. Every record read from Autotask is kept for the next `Recent` read.
    pub async fn read_as(
        api: &impl AutotaskApi,
        contracts: &[i64],
        services: &[i64],
        reads: CatalogReads,
    ) -> Result<Self, AutotaskError> {
        let contracts: Vec<Contract> =
            records_by_id(api, "Contracts", contracts, CONTRACT_FIELDS, reads).await?;
        let services: Vec<Service> =
            records_by_id(api, "Services", services, SERVICE_FIELDS, reads).await?;
        Ok(Self {
            contracts: contracts.into_iter().map(|c| (c.id, c)).collect(),
            services: services.into_iter().map(|s| (s.id, s)).collect(),
        })
    }

    /// A contract as the planner needs it, when it has its dates and a known billing cycle.
    pub fn terms(&self, contract: i64, picklists: &Picklists) -> Option<ContractTerms> {
        let c = self.contracts.get(&contract)?;
        Some(ContractTerms {
            id: c.id,
            name: c.contract_name.clone(),
            start: c.start_date?,
            end: c.end_date?,
            period: picklists.period_type_of(c.contract_period_type?)?,
        })
    }

    /// A service as the planner needs it.
    pub fn service_terms(&self, service: i64) -> Option<ServiceTerms> {
        let s = self.services.get(&service)?;
        Some(ServiceTerms {
            id: s.id,
            name: s.name.clone(),
            invoice_description: s.invoice_description.clone(),
            price: Money::rounded(s.unit_price.unwrap_or_default()),
            cost: Money::rounded(s.unit_cost.unwrap_or_default()),
        })
    }
}

/// Records of `entity` by id (each once), from the connection's recent reads where `reads`
/// allows, the rest from Autotask.
async fn records_by_id<T: serde::de::DeserializeOwned + Send>(
    api: &impl AutotaskApi,
    entity: &str,
    ids: &[i64],
    fields: &[&str],
    reads: CatalogReads,
) -> Result<Vec<T>, AutotaskError> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    let recent = api.recent_records();
    let (mut records, missing) = match (recent, reads) {
        (Some(recent), CatalogReads::Recent) => recent.find(entity, &unique),
        _ => (Vec::new(), unique),
    };
    if !missing.is_empty() {
        let read: Vec<serde_json::Value> =
            api.query_in_as(entity, "id", &missing, &[], fields).await?;
        if let Some(recent) = recent {
            recent.keep(entity, &read);
        }
        records.extend(read);
    }
    records
        .into_iter()
        .map(|r| serde_json::from_value(r).map_err(|e| AutotaskError::Decode(e.to_string())))
        .collect()
}

/// The contract services of some contracts, their units around some dates, and the charges
/// psa-sync made on them.
#[derive(Debug, Default, Clone)]
pub struct ContractsState {
    pub contract_services: Vec<ContractService>,
    /// Units spans by contract service.
    pub spans: HashMap<i64, Vec<UnitsSpan>>,
    /// Charges on these contracts whose name carries a psa-sync reference.
    pub charge_names: Vec<(i64, String)>,
    /// The dates the spans were read for.
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Unit changes written since the spans were read, by contract service: Autotask shows
    /// them, the spans in hand do not.
    pub written: HashMap<i64, Vec<(NaiveDate, i64)>>,
}

impl ContractsState {
    /// Reads the contract services of `contracts`, their units spans that touch
    /// `[from, to]`, and (when `with_charges`) psa-sync's charges on them.
    pub async fn read(
        api: &impl AutotaskApi,
        contracts: &[i64],
        (from, to): (NaiveDate, NaiveDate),
        with_charges: bool,
    ) -> Result<Self, AutotaskError> {
        let mut state = Self {
            window: Some((from, to)),
            ..Self::default()
        };
        if contracts.is_empty() {
            return Ok(state);
        }
        state.contract_services = api
            .query_in_as(
                "ContractServices",
                "contractID",
                contracts,
                &[],
                CONTRACT_SERVICE_FIELDS,
            )
            .await?;
        let ids: Vec<i64> = state.contract_services.iter().map(|cs| cs.id).collect();
        state.read_spans(api, &ids, (from, to)).await?;
        if with_charges {
            let charges: Vec<ContractCharge> = api
                .query_in_as(
                    "ContractCharges",
                    "contractID",
                    contracts,
                    &[Filter::contains("name", REFERENCE_PREFIX)],
                    CHARGE_FIELDS,
                )
                .await?;
            state.charge_names = charges
                .into_iter()
                .map(|c| (c.contract_id, c.name))
                .collect();
        }
        Ok(state)
    }

    /// Reads (again) the units spans of these contract services around `[from, to]`.
    pub async fn read_spans(
        &mut self,
        api: &impl AutotaskApi,
        contract_services: &[i64],
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<(), AutotaskError> {
        if contract_services.is_empty() {
            return Ok(());
        }
        let window = [
            Filter::gte("endDate", format!("{from}T00:00:00")),
            Filter::lte("startDate", format!("{to}T00:00:00")),
        ];
        let rows: Vec<ContractServiceUnit> = api
            .query_in_as(
                "ContractServiceUnits",
                "contractServiceID",
                contract_services,
                &window,
                UNIT_FIELDS,
            )
            .await?;
        for id in contract_services {
            self.spans.remove(id);
        }
        for row in rows {
            let (Some(start), Some(end)) = (row.start_date, row.end_date) else {
                continue;
            };
            self.spans
                .entry(row.contract_service_id)
                .or_default()
                .push(UnitsSpan {
                    start,
                    end,
                    units: row.units,
                    price: row.price.unwrap_or_default(),
                    cost: row.cost.unwrap_or_default(),
                });
        }
        Ok(())
    }

    /// The contract service of a service on a contract.
    pub fn contract_service(&self, contract: i64, service: i64) -> Option<&ContractService> {
        self.contract_services
            .iter()
            .find(|cs| cs.contract_id == contract && cs.service_id == service)
    }

    /// The spans of a contract service.
    pub fn spans_of(&self, contract_service: i64) -> &[UnitsSpan] {
        self.spans.get(&contract_service).map_or(&[], Vec::as_slice)
    }

    /// Units Autotask shows on a date (0 where no span covers it).
    pub fn units_on(&self, contract_service: i64, date: NaiveDate) -> i64 {
        self.spans_of(contract_service)
            .iter()
            .find(|s| s.start <= date && date <= s.end)
            .map_or(0, |s| s.units)
    }

    /// How many charges on the contract carry this reference.
    pub fn charges_with(&self, contract: i64, reference: &str) -> usize {
        self.charge_names
            .iter()
            .filter(|(c, name)| *c == contract && name.contains(reference))
            .count()
    }
}
