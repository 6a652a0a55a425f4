//! ContractCharges (reference §8.8): one-time cost items on a contract. Autotask computes the
//! amounts and keeps the status itself; a charge may be changed or deleted only until it is
//! billed; Block Hours, Retainer and Incident contracts take only their own purchase charges, of
//! which little may change afterwards. Texts the reference does not give are this emulator's [U].
//!
//! Amounts: `unitQuantity`, `unitPrice` and `unitCost` are rounded to four decimals (Autotask
//! rounds them; the precision is not documented, four is what it prints). A missing `unitPrice`
//! comes from the billing code, else from the product [I]; `billableAmount = unitQuantity ×
//! unitPrice` and `extendedCost = unitQuantity × unitCost` (a missing cost counts as zero).

use rust_decimal::{
    Decimal,
    prelude::{FromPrimitive, ToPrimitive},
};
use serde_json::Value;

use super::schema::{
    Access, CHARGE_RESTRICTED_CONTRACTS, Entity, MATERIAL_USE_TYPE, NEW_CHARGE_STATUS,
};
use super::store::{Record, Refusal, Store, int_of, timestamp};

pub const ENTITY: &str = "ContractCharges";

/// Autotask's answer to a delete that finds nothing (reference §5.3).
pub const NO_MATCHING_RECORD: &str = "No message. No matching records found. The logged in Resource may not have the required permissions to delete the data.";

/// What may still change on a purchase charge of a Block Hours, Retainer or Incident contract.
const PURCHASE_CHARGE_UPDATABLE: [&str; 5] = [
    "name",
    "description",
    "chargeType",
    "purchaseOrderNumber",
    "internalPurchaseOrderNumber",
];

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(vec![message.into()])
}

fn invalid_reference(field: &str, type_name: &str) -> Refusal {
    vec![format!(
        "Reference value on field: {field} of type: {type_name} does not exist or is invalid."
    )]
}

/// A field's value, a missing one read as null (PATCH leaves it out, PUT sends null: the same).
fn value<'a>(record: &'a Record, field: &str) -> &'a Value {
    record.get(field).unwrap_or(&Value::Null)
}

fn rounded(record: &Record, field: &str) -> Option<Decimal> {
    record
        .get(field)
        .and_then(Value::as_f64)
        .and_then(Decimal::from_f64)
        .map(|d| d.round_dp(4))
}

fn number(value: Option<Decimal>) -> Value {
    value
        .and_then(|d| d.to_f64())
        .map_or(Value::Null, Value::from)
}

fn contract_of<'a>(store: &'a Store, charge: &Record) -> Option<&'a Record> {
    int_of(charge, "contractID").and_then(|id| store.get("Contracts", id))
}

/// The purchase code type a charge on this contract must carry, when its type takes no others.
fn purchase_code_required(contract: &Record) -> Option<i64> {
    let kind = int_of(contract, "contractType")?;
    CHARGE_RESTRICTED_CONTRACTS
        .iter()
        .find(|(contract_type, _)| *contract_type == kind)
        .map(|(_, purchase)| *purchase)
}

/// A billed charge is Autotask's history: it can no longer be updated or deleted.
pub fn refuse_if_billed(charge: &Record, action: &str) -> Result<(), Refusal> {
    if charge.get("isBilled").and_then(Value::as_bool) == Some(true) {
        return refuse(format!(
            "The ContractCharge cannot be {action} because it has been billed (isBilled is true)."
        ));
    }
    Ok(())
}

/// The rules every stored charge keeps, on create and after an update. References that do not
/// exist at all were refused before (`check_references`).
fn check(store: &Store, charge: &Record) -> Result<(), Refusal> {
    let code_id = int_of(charge, "billingCodeID");
    if int_of(charge, "productID").is_none() && code_id.is_none() {
        return refuse("A ContractCharge must have either a productID or a billingCodeID.");
    }
    // The emulator has no service bundles, so no bundle id can be valid.
    if int_of(charge, "contractServiceBundleID").is_some() {
        return Err(invalid_reference(
            "contractServiceBundleID",
            "ContractServiceBundle",
        ));
    }
    if let Some(cs) = int_of(charge, "contractServiceID") {
        let same_contract = store
            .get("ContractServices", cs)
            .is_some_and(|cs| int_of(cs, "contractID") == int_of(charge, "contractID"));
        if !same_contract {
            return Err(invalid_reference("contractServiceID", "ContractService"));
        }
    }
    let code = code_id.and_then(|id| store.get("BillingCodes", id));
    if let Some(code) = code {
        let active = code.get("isActive").and_then(Value::as_bool) == Some(true);
        if !active || int_of(code, "useType") != Some(MATERIAL_USE_TYPE) {
            return refuse(
                "The billingCodeID of a ContractCharge must reference an active Material Cost Code allocation code.",
            );
        }
    }
    let contract =
        contract_of(store, charge).ok_or_else(|| invalid_reference("contractID", "Contract"))?;
    if let Some(purchase) = purchase_code_required(contract)
        && code.and_then(|c| int_of(c, "billingCodeType")) != Some(purchase)
    {
        return refuse(
            "ContractCharges cannot be added to Block Hours, Retainer or Incident (Per Ticket) contracts unless the billingCodeID is the contract type's purchase material cost code.",
        );
    }
    Ok(())
}

/// Sets what Autotask computes: rounded quantities and rates, the amounts.
fn compute(store: &Store, charge: &mut Record) {
    let code = int_of(charge, "billingCodeID").and_then(|id| store.get("BillingCodes", id));
    let product = int_of(charge, "productID").and_then(|id| store.get("Products", id));
    let quantity = rounded(charge, "unitQuantity").unwrap_or_default();
    let price = rounded(charge, "unitPrice")
        .or_else(|| code.and_then(|c| rounded(c, "unitPrice")))
        .or_else(|| product.and_then(|p| rounded(p, "unitPrice")));
    let cost = rounded(charge, "unitCost");
    let billable = (quantity * price.unwrap_or_default()).round_dp(4);
    let extended = (quantity * cost.unwrap_or_default()).round_dp(4);
    for (field, amount) in [
        ("unitQuantity", Some(quantity)),
        ("unitPrice", price),
        ("unitCost", cost),
        ("billableAmount", Some(billable)),
        ("extendedCost", Some(extended)),
        ("internalCurrencyBillableAmount", Some(billable)),
        ("internalCurrencyUnitPrice", price),
    ] {
        charge.insert(field.into(), number(amount));
    }
}

/// Completes a new charge (its fields already coerced, required ones present): the rules, the
/// amounts, and the status fields Autotask sets. `by` is the acting resource.
pub fn prepare_new(store: &Store, charge: &mut Record, by: Option<i64>) -> Result<(), Refusal> {
    check(store, charge)?;
    charge
        .entry("isBillableToCompany")
        .or_insert(Value::Bool(true));
    compute(store, charge);
    let now = timestamp();
    let by = by.map_or(Value::Null, Value::from);
    charge.insert("isBilled".into(), Value::Bool(false));
    charge.insert("status".into(), Value::from(NEW_CHARGE_STATUS));
    charge.insert("statusLastModifiedBy".into(), by.clone());
    charge.insert("statusLastModifiedDate".into(), now.clone());
    charge.insert("createDate".into(), now);
    charge.insert("creatorResourceID".into(), by);
    Ok(())
}

/// Checks the update of `current` into `charge` (current with the body's changes applied) and
/// recomputes the amounts. A billed `current` was refused before the body was read.
pub fn prepare_update(
    store: &Store,
    entity: &Entity,
    current: &Record,
    charge: &mut Record,
) -> Result<(), Refusal> {
    if contract_of(store, current).is_some_and(|c| purchase_code_required(c).is_some()) {
        let locked: Vec<&str> = entity
            .fields
            .iter()
            .filter(|f| f.access == Access::ReadWrite)
            .filter(|f| !PURCHASE_CHARGE_UPDATABLE.contains(&f.name))
            .filter(|f| value(charge, f.name) != value(current, f.name))
            .map(|f| f.name)
            .collect();
        if !locked.is_empty() {
            return refuse(format!(
                "On a Block Hours, Retainer or Incident purchase charge only name, description, chargeType, purchaseOrderNumber and internalPurchaseOrderNumber can be updated ({} cannot be changed).",
                locked.join(", ")
            ));
        }
    }
    check(store, charge)?;
    compute(store, charge);
    Ok(())
}

/// DELETE `/Contracts/{contract}/Charges/{id}`: only an unbilled charge of that contract.
pub fn delete(store: &mut Store, contract: i64, id: i64) -> Result<i64, Refusal> {
    let charge = store
        .get(ENTITY, id)
        .filter(|c| int_of(c, "contractID") == Some(contract))
        .ok_or_else(|| vec![NO_MATCHING_RECORD.to_owned()])?;
    refuse_if_billed(charge, "deleted")?;
    store.remove(ENTITY, id);
    Ok(id)
}

/// Marks a charge billed, as Approve and Post does; `false` when there is no such charge.
pub fn bill(store: &mut Store, id: i64) -> bool {
    let Some(charge) = store.get_mut(ENTITY, id) else {
        return false;
    };
    charge.insert("isBilled".into(), Value::Bool(true));
    charge.insert("statusLastModifiedDate".into(), timestamp());
    true
}
