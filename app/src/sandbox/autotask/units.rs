//! ContractServiceUnits are derived, never stored: one row per billing period of the contract,
//! split at each adjustment's effective date (reference §8.6), computed by the same
//! `billing_period` code the planner's invoice preview uses. Prices come from the contract
//! service's `unitPrice`/`unitCost` and the adjustments' `adjustedUnitPrice`/`adjustedUnitCost`
//! only, never from `ContractServices.adjustedPrice` (reference §8.9.4).

use std::collections::BTreeMap;

use rust_decimal::{Decimal, prelude::FromPrimitive, prelude::ToPrimitive};
use serde_json::{Value, json};

use super::schema::PERIOD_TYPES;
use super::store::{Record, Store, date_of, int_of};
use crate::domain::billing_period::{PeriodType, ServiceTimeline, UnitChange};

fn decimal(record: &Record, field: &str) -> Option<Decimal> {
    record
        .get(field)
        .and_then(Value::as_f64)
        .and_then(Decimal::from_f64)
}

/// One stored adjustment as a unit change.
pub fn change_of(adjustment: &Record) -> UnitChange {
    UnitChange {
        effective_date: date_of(adjustment, "effectiveDate").unwrap_or_default(),
        unit_change: int_of(adjustment, "unitChange").unwrap_or(0),
        unit_price: decimal(adjustment, "adjustedUnitPrice"),
        unit_cost: decimal(adjustment, "adjustedUnitCost"),
    }
}

/// The adjustments of one contract service, in the order they were made.
pub fn adjustments_of(store: &Store, contract_service: i64) -> Vec<UnitChange> {
    store
        .table("ContractServiceAdjustments")
        .filter(|a| int_of(a, "contractServiceID") == Some(contract_service))
        .map(change_of)
        .collect()
}

/// Whether units stay at zero or above on every date of the timeline.
pub fn timeline_units_never_negative(changes: &[UnitChange]) -> bool {
    let mut dates: Vec<_> = changes.iter().map(|c| c.effective_date).collect();
    dates.sort();
    dates.iter().all(|d| {
        changes
            .iter()
            .filter(|c| c.effective_date <= *d)
            .map(|c| c.unit_change)
            .sum::<i64>()
            >= 0
    })
}

fn period_type(contract: &Record) -> PeriodType {
    let label = int_of(contract, "contractPeriodType")
        .and_then(|v| PERIOD_TYPES.iter().find(|(value, _)| *value == v))
        .map_or("Monthly", |(_, label)| *label);
    match label {
        "Quarterly" => PeriodType::Quarterly,
        "Semi-Annually" => PeriodType::SemiAnnual,
        "Yearly" => PeriodType::Yearly,
        _ => PeriodType::Monthly,
    }
}

fn number(value: Decimal) -> Value {
    value.to_f64().map_or(Value::Null, Value::from)
}

/// The ContractServiceUnits rows of the contract services `wanted` lets through (given the
/// contract service's id and its contract's), with stable ids (contract service id × 10,000 +
/// row number). Rows are computed only for those, so a query pinned to a few contracts stays
/// cheap however many the sandbox holds.
pub fn rows_of(store: &Store, wanted: impl Fn(i64, i64) -> bool) -> Vec<Record> {
    let services: Vec<(i64, i64, &Record)> = store
        .table("ContractServices")
        .filter_map(|cs| Some((int_of(cs, "id")?, int_of(cs, "contractID")?, cs)))
        .filter(|(cs_id, contract_id, _)| wanted(*cs_id, *contract_id))
        .collect();
    let mut adjustments: BTreeMap<i64, Vec<UnitChange>> = services
        .iter()
        .map(|(id, _, _)| (*id, Vec::new()))
        .collect();
    for adjustment in store.table("ContractServiceAdjustments") {
        if let Some(changes) =
            int_of(adjustment, "contractServiceID").and_then(|id| adjustments.get_mut(&id))
        {
            changes.push(change_of(adjustment));
        }
    }
    let mut rows = Vec::new();
    for (cs_id, contract_id, cs) in services {
        let Some(contract) = store.get("Contracts", contract_id) else {
            continue;
        };
        let (Some(start), Some(end)) =
            (date_of(contract, "startDate"), date_of(contract, "endDate"))
        else {
            continue;
        };
        let changes = adjustments.remove(&cs_id).unwrap_or_default();
        let service = int_of(cs, "serviceID").and_then(|id| store.get("Services", id));
        // The price in force is the contract service's own until an adjustment carries another;
        // `adjustedPrice` is stored but never read here (reference §8.9.4: it is missing from
        // both swagger models, so nothing may depend on it).
        let price = decimal(cs, "unitPrice").unwrap_or_default();
        let cost = decimal(cs, "unitCost").unwrap_or_default();
        let timeline = ServiceTimeline {
            contract_start: start,
            contract_end: end,
            period: period_type(contract),
            unit_price: price,
            unit_cost: cost,
            changes: &changes,
        };
        for (n, row) in timeline.rows().into_iter().enumerate() {
            let record = json!({
                "id": cs_id * 10_000 + n as i64 + 1,
                "contractID": int_of(cs, "contractID"),
                "serviceID": int_of(cs, "serviceID"),
                "contractServiceID": cs_id,
                "startDate": format!("{}T00:00:00Z", row.start),
                "endDate": format!("{}T00:00:00Z", row.end),
                "units": row.units,
                "price": number(row.price),
                "cost": number(row.cost),
                "internalCurrencyPrice": number(row.price),
                "approveAndPostDate": Value::Null,
                "vendorCompanyID": service.and_then(|s| s.get("vendorCompanyID")).cloned().unwrap_or(Value::Null),
                "organizationalLevelAssociationID": Value::Null,
            });
            if let Value::Object(record) = record {
                rows.push(record);
            }
        }
    }
    rows
}
