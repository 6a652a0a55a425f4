//! Creates and updates with Autotask's business rules. Every refusal is the message a user
//! would see from Autotask; texts the reference marks [U] are this emulator's best reading.

use serde_json::{Map, Value};

use super::charges;
use super::schema::{Access, Entity, Field, Kind, RECURRING_SERVICE, RECURRING_USE_TYPE};
use super::store::{Record, Refusal, Store, date_of, int_of, parse_datetime, timestamp};
use super::units::{adjustments_of, timeline_units_never_negative};

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(vec![message.into()])
}

fn format_datetime(text: &str) -> Option<String> {
    parse_datetime(text).map(|dt| dt.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Turns a body value into the stored form of the field, or explains why it cannot.
fn coerce(field: &Field, value: &Value) -> Result<Value, String> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let bad = || format!("Value {value} is not valid for field {}.", field.name);
    let coerced = match field.kind {
        Kind::Integer | Kind::Long => match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
        .map(Value::from),
        Kind::Double => match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .map(Value::from),
        Kind::Boolean => match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
        .map(Value::from),
        Kind::DateTime => value.as_str().and_then(format_datetime).map(Value::from),
        Kind::String => match value {
            Value::String(s) => Some(Value::from(s.clone())),
            Value::Number(n) => Some(Value::from(n.to_string())),
            _ => None,
        },
    }
    .ok_or_else(bad)?;
    if field.kind == Kind::String && field.length > 0 {
        let len = coerced.as_str().map_or(0, |s| s.chars().count());
        if len > field.length {
            return Err(format!(
                "The value for field {} exceeds its maximum length of {} characters ({len} given).",
                field.name, field.length
            ));
        }
    }
    if !field.picklist.is_empty() {
        let v = coerced.as_i64().unwrap_or(i64::MIN);
        if !field.picklist.iter().any(|(value, _)| *value == v) {
            return Err(format!(
                "Value {value} is not a valid picklist value for field {}.",
                field.name
            ));
        }
    }
    Ok(coerced)
}

/// The body's fields in stored form; unknown properties are ignored, as ASP.NET model binding
/// does. `writable` decides which fields a create or an update may set.
fn fields_of(
    entity: &Entity,
    body: &Map<String, Value>,
    writable: impl Fn(&Field) -> bool,
) -> Result<Record, Refusal> {
    let mut out = Record::new();
    let mut errors = Vec::new();
    for (name, value) in body {
        let Some(field) = entity.field(name) else {
            continue;
        };
        if !writable(field) {
            continue;
        }
        match coerce(field, value) {
            Ok(v) => {
                out.insert(field.name.to_owned(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn missing_required(entity: &Entity, record: &Record) -> Refusal {
    entity
        .fields
        .iter()
        .filter(|f| f.required && f.access != Access::ReadOnly)
        .filter(|f| record.get(f.name).is_none_or(Value::is_null))
        .map(|f| format!("Required field {} is missing.", f.name))
        .collect()
}

fn check_references(store: &Store, entity: &Entity, record: &Record) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    for field in entity.fields {
        let (Some(target), Some(id)) = (field.reference, int_of(record, field.name)) else {
            continue;
        };
        if store.get(target, id).is_none() {
            let type_name = super::schema::entity(target).map_or(target, |e| e.info_name);
            errors.push(format!(
                "Reference value on field: {} of type: {type_name} does not exist or is invalid.",
                field.name
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// POST: creates a record and returns its id. `contract` is the parent id of a child URL; `by`
/// is the resource the API user acts as.
pub fn create(
    store: &mut Store,
    entity: &'static Entity,
    body: &Value,
    contract: Option<i64>,
    by: Option<i64>,
) -> Result<i64, Refusal> {
    let body = body
        .as_object()
        .ok_or_else(|| vec!["The request body must be a JSON object.".to_owned()])?;
    if !entity.can_create {
        return refuse(format!(
            "The {} entity cannot be created through the API.",
            entity.info_name
        ));
    }
    let mut record = fields_of(entity, body, |f| f.access != Access::ReadOnly)?;
    if let Some(contract) = contract {
        record.insert("contractID".into(), Value::from(contract));
    }
    let missing = missing_required(entity, &record);
    if !missing.is_empty() {
        return Err(missing);
    }
    check_references(store, entity, &record)?;
    let now = timestamp();
    match entity.name {
        "Companies" => {
            record.entry("isActive").or_insert(Value::Bool(true));
            record.insert("createDate".into(), now);
        }
        "Contacts" => {
            record.entry("isActive").or_insert(Value::from(1));
            record.insert("createDate".into(), now);
        }
        "Contracts" => check_new_contract(&record)?,
        "Services" => {
            check_service(store, &record, None)?;
            record.entry("isActive").or_insert(Value::Bool(true));
            record.insert("createDate".into(), now.clone());
            record.insert("lastModifiedDate".into(), now);
        }
        "ContractServices" => return create_contract_service(store, record),
        "ContractServiceAdjustments" => return create_adjustment(store, record),
        charges::ENTITY => charges::prepare_new(store, &mut record, by)?,
        _ => {}
    }
    if entity.has_udfs {
        record
            .entry("userDefinedFields")
            .or_insert(Value::Array(vec![]));
    }
    Ok(store.insert(entity.name, record))
}

fn check_new_contract(record: &Record) -> Result<(), Refusal> {
    if int_of(record, "contractType") == Some(RECURRING_SERVICE)
        && int_of(record, "contractPeriodType").is_none()
    {
        return refuse(
            "Required field contractPeriodType is missing: a Recurring Service contract needs a period type.",
        );
    }
    if let (Some(start), Some(end)) = (date_of(record, "startDate"), date_of(record, "endDate"))
        && end < start
    {
        return refuse("The contract end date must be on or after its start date.");
    }
    Ok(())
}

fn check_service(store: &Store, record: &Record, own_id: Option<i64>) -> Result<(), Refusal> {
    if let Some(name) = record.get("name").and_then(Value::as_str) {
        let taken = store.table("Services").any(|s| {
            int_of(s, "id") != own_id
                && s.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        if taken {
            // The distributor guides quote this SQL Server message [U].
            return refuse(format!(
                "Violation of UNIQUE KEY constraint 'IX_service'. Cannot insert duplicate key in object 'dbo.service'. The duplicate key value is ({name}).\r\nThe statement has been terminated."
            ));
        }
    }
    if let Some(code) = int_of(record, "billingCodeID").and_then(|id| store.get("BillingCodes", id))
    {
        let active = code
            .get("isActive")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let recurring = int_of(code, "useType") == Some(RECURRING_USE_TYPE);
        if !active || !recurring {
            return refuse(
                "An active Recurring Contract Service allocation code (billingCodeID) is required.",
            );
        }
    }
    Ok(())
}

fn recurring_contract(store: &Store, contract: Option<i64>) -> Result<Record, Refusal> {
    let contract = contract
        .and_then(|id| store.get("Contracts", id))
        .ok_or_else(|| vec!["Reference value on field: contractID of type: Contract does not exist or is invalid.".to_owned()])?;
    if int_of(contract, "contractType") != Some(RECURRING_SERVICE) {
        return refuse(
            "contractID must reference a Recurring Service type Contract (Contract.ContractType = 7).",
        );
    }
    Ok(contract.clone())
}

fn create_contract_service(store: &mut Store, mut record: Record) -> Result<i64, Refusal> {
    recurring_contract(store, int_of(&record, "contractID"))?;
    let service = int_of(&record, "serviceID")
        .and_then(|id| store.get("Services", id))
        .cloned()
        .unwrap_or_default();
    let contract = int_of(&record, "contractID");
    let duplicate = store.table("ContractServices").any(|cs| {
        int_of(cs, "contractID") == contract
            && int_of(cs, "serviceID") == int_of(&record, "serviceID")
    });
    if duplicate {
        return refuse("This service is already on the contract; adjust its units instead.");
    }
    for (own, from) in [("unitPrice", "unitPrice"), ("unitCost", "unitCost")] {
        if record.get(own).is_none_or(Value::is_null) {
            record.insert(
                own.into(),
                service.get(from).cloned().unwrap_or(Value::Null),
            );
        }
    }
    record.entry("adjustedPrice").or_insert(Value::Null);
    record.entry("invoiceDescription").or_insert(Value::Null);
    record.insert("quoteItemID".into(), Value::Null);
    Ok(store.insert("ContractServices", record))
}

fn create_adjustment(store: &mut Store, mut record: Record) -> Result<i64, Refusal> {
    // A root POST may name only the contract service; its contract is then the one meant
    // (maintained clients send it so, reference §8.9.5).
    if int_of(&record, "contractID").is_none()
        && let Some(contract) = int_of(&record, "contractServiceID")
            .and_then(|id| store.get("ContractServices", id))
            .and_then(|cs| int_of(cs, "contractID"))
    {
        record.insert("contractID".into(), Value::from(contract));
    }
    let contract = recurring_contract(store, int_of(&record, "contractID"))
        .map_err(|_| vec!["ContractServiceAdjustments can only be made on an existing Recurring Service contract.".to_owned()])?;
    let contract_id = int_of(&contract, "id");
    let effective = date_of(&record, "effectiveDate")
        .ok_or_else(|| vec!["Required field effectiveDate is missing.".to_owned()])?;
    let (start, end) = (
        date_of(&contract, "startDate"),
        date_of(&contract, "endDate"),
    );
    if start.is_some_and(|s| effective < s) || end.is_some_and(|e| effective > e) {
        return refuse(
            "ContractServiceAdjustment effectiveDate must be between the start date and end date of the Contract.",
        );
    }
    // The adjustment's date is a calendar date: no time-zone conversion (reference §5.4).
    record.insert(
        "effectiveDate".into(),
        Value::from(format!("{effective}T00:00:00Z")),
    );
    let contract_service = match int_of(&record, "contractServiceID") {
        Some(cs_id) => {
            let cs = store
                .get("ContractServices", cs_id)
                .filter(|cs| int_of(cs, "contractID") == contract_id)
                .ok_or_else(|| vec!["Reference value on field: contractServiceID of type: ContractService does not exist or is invalid.".to_owned()])?;
            record.insert(
                "serviceID".into(),
                cs.get("serviceID").cloned().unwrap_or(Value::Null),
            );
            cs_id
        }
        None => {
            let service_id = int_of(&record, "serviceID").ok_or_else(|| {
                vec!["Either contractServiceID or serviceID is required.".to_owned()]
            })?;
            let existing = store
                .table("ContractServices")
                .find(|cs| {
                    int_of(cs, "contractID") == contract_id
                        && int_of(cs, "serviceID") == Some(service_id)
                })
                .and_then(|cs| int_of(cs, "id"));
            match existing {
                Some(id) => id,
                // "If the API cannot find the correct ContractService entity, it will create it."
                None => {
                    let mut cs = Record::new();
                    cs.insert("contractID".into(), Value::from(contract_id));
                    cs.insert("serviceID".into(), Value::from(service_id));
                    create_contract_service(store, cs)?
                }
            }
        }
    };
    record.insert("contractServiceID".into(), Value::from(contract_service));
    record.entry("unitChange").or_insert(Value::from(0));
    let mut changes = adjustments_of(store, contract_service);
    changes.push(super::units::change_of(&record));
    if !timeline_units_never_negative(&changes) {
        return refuse("The number of units of a contract service cannot be less than zero.");
    }
    // The itemId returned is the adjustment's own id; the reference leaves this open [U].
    Ok(store.insert("ContractServiceAdjustments", record))
}

/// PATCH (`replace = false`) or PUT (`replace = true`); the id is in the body.
pub fn update(
    store: &mut Store,
    entity: &'static Entity,
    body: &Value,
    contract: Option<i64>,
    replace: bool,
) -> Result<i64, Refusal> {
    let body = body
        .as_object()
        .ok_or_else(|| vec!["The request body must be a JSON object.".to_owned()])?;
    if !entity.can_update {
        return refuse(format!(
            "The {} entity cannot be updated through the API.",
            entity.info_name
        ));
    }
    let id = body
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("id"))
        .and_then(|(_, v)| v.as_i64())
        .ok_or_else(|| vec!["The id of the record to update is required.".to_owned()])?;
    let current = store
        .get(entity.name, id)
        .filter(|r| contract.is_none() || int_of(r, "contractID") == contract)
        .cloned()
        .ok_or_else(|| vec![format!("No matching records found. The {} with id {id} does not exist or the logged in Resource may not have the required permissions.", entity.info_name)])?;
    if entity.name == charges::ENTITY {
        // A billed charge refuses any change, whatever the body holds.
        charges::refuse_if_billed(&current, "updated")?;
    }
    let changes = fields_of(entity, body, |f| f.access == Access::ReadWrite)?;

    if entity.name == "ContractServices" {
        let attempted: Vec<&str> = body
            .keys()
            .filter_map(|k| entity.field(k))
            .filter(|f| {
                f.name != "id" && f.name != "adjustedPrice" && f.name != "invoiceDescription"
            })
            .filter(|f| {
                let given = body
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(f.name))
                    .map(|(_, v)| v);
                given.is_some_and(|g| coerce(f, g).ok().as_ref() != current.get(f.name))
            })
            .map(|f| f.name)
            .collect();
        if !attempted.is_empty() {
            return refuse(format!(
                "On update, all ContractService fields are read-only except adjustedPrice and invoiceDescription ({} cannot be changed).",
                attempted.join(", ")
            ));
        }
    }
    let mut record = current.clone();
    if replace {
        for field in entity
            .fields
            .iter()
            .filter(|f| f.access == Access::ReadWrite)
        {
            record.insert(field.name.to_owned(), Value::Null);
        }
    }
    record.extend(changes);
    let missing = missing_required(entity, &record);
    if !missing.is_empty() {
        return Err(missing);
    }
    check_references(store, entity, &record)?;
    match entity.name {
        "Contracts" => {
            let moved = record.get("startDate") != current.get("startDate");
            let has_services = store
                .table("ContractServices")
                .any(|cs| int_of(cs, "contractID") == Some(id));
            if moved && has_services {
                return refuse(
                    "The contract start date cannot be changed because the contract has services.",
                );
            }
            check_new_contract(&record)?;
            record.insert("lastModifiedDateTime".into(), timestamp());
        }
        "Services" => {
            check_service(store, &record, Some(id))?;
            record.insert("lastModifiedDate".into(), timestamp());
        }
        charges::ENTITY => charges::prepare_update(store, entity, &current, &mut record)?,
        _ => {}
    }
    if let Some(slot) = store.get_mut(entity.name, id) {
        *slot = record;
    }
    Ok(id)
}

/// DELETE `/Contracts/{contract}/<child>/{id}`, where the entity allows it (reference §5.3).
pub fn delete(
    store: &mut Store,
    entity: &'static Entity,
    contract: i64,
    id: i64,
) -> Result<i64, Refusal> {
    match entity.name {
        charges::ENTITY => charges::delete(store, contract, id),
        _ => refuse(format!(
            "The {} entity cannot be deleted.",
            entity.info_name
        )),
    }
}
