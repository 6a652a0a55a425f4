//! The picklist numbers psa-sync writes and reads, resolved from the tenant's
//! `entityInformation/fields` when a client first connects: apart from `contractType` 7, every
//! one of them is a tenant value (reference §8.9.6), so none is written down in code.

use super::error::AutotaskError;
use super::models::FieldInfo;
use crate::model::billing::PeriodType;

/// The values of the picklists psa-sync needs, as this tenant numbers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picklists {
    /// `Contracts.contractPeriodType` (and `Services.periodType`) per billing cycle.
    pub period_types: Vec<(PeriodType, i64)>,
    /// `Contracts.contractType` of a Recurring Service contract.
    pub recurring_service_contract: i64,
    /// `Contracts.status` of an active contract.
    pub active_contract: i64,
    /// `ContractCharges.chargeType` of an ordinary (operational) one-time charge.
    pub operational_charge: i64,
    /// `BillingCodes.useType` of a Recurring Contract Service code (what a service bills with).
    pub recurring_service_code: i64,
    /// `BillingCodes.useType` of a material cost code (what a one-time charge bills with).
    pub material_code: i64,
}

impl Picklists {
    /// The tenant's number for a billing cycle.
    pub fn period_type_value(&self, period: PeriodType) -> Option<i64> {
        self.period_types
            .iter()
            .find(|(p, _)| *p == period)
            .map(|(_, v)| *v)
    }

    /// The billing cycle a tenant number stands for.
    pub fn period_type_of(&self, value: i64) -> Option<PeriodType> {
        self.period_types
            .iter()
            .find(|(_, v)| *v == value)
            .map(|(p, _)| *p)
    }

    /// Reads the picklists from the fields of `Contracts`, `ContractCharges` and `BillingCodes`.
    pub fn resolve(
        contracts: &[FieldInfo],
        charges: &[FieldInfo],
        billing_codes: &[FieldInfo],
    ) -> Result<Self, AutotaskError> {
        let periods = values(contracts, "Contracts", "contractPeriodType")?;
        let mut period_types = Vec::new();
        for (value, label) in &periods {
            if let Some(period) = period_of_label(label) {
                period_types.push((period, *value));
            }
        }
        if period_types.is_empty() {
            return Err(missing("Contracts", "contractPeriodType", "Monthly"));
        }
        Ok(Self {
            period_types,
            recurring_service_contract: labelled(
                contracts,
                "Contracts",
                "contractType",
                &["recurring service"],
            )?,
            active_contract: labelled(contracts, "Contracts", "status", &["active"])?,
            operational_charge: labelled(
                charges,
                "ContractCharges",
                "chargeType",
                &["operational"],
            )?,
            recurring_service_code: labelled(
                billing_codes,
                "BillingCodes",
                "useType",
                &["recurring contract service", "recurring service"],
            )?,
            material_code: labelled(
                billing_codes,
                "BillingCodes",
                "useType",
                &["material", "material cost code"],
            )?,
        })
    }
}

/// "Monthly", "Quarterly", "Semi-Annually" / "Semi-Annual", "Yearly" / "Annually".
fn period_of_label(label: &str) -> Option<PeriodType> {
    let label = label.trim().to_ascii_lowercase();
    match label.as_str() {
        "monthly" => Some(PeriodType::Monthly),
        "quarterly" => Some(PeriodType::Quarterly),
        "semi-annually" | "semi-annual" | "semiannually" => Some(PeriodType::SemiAnnual),
        "yearly" | "annually" | "annual" => Some(PeriodType::Yearly),
        _ => None,
    }
}

fn missing(entity: &str, field: &str, label: &str) -> AutotaskError {
    AutotaskError::Decode(format!(
        "the picklist {entity}.{field} has no value labelled {label}"
    ))
}

fn values(
    fields: &[FieldInfo],
    entity: &str,
    field: &str,
) -> Result<Vec<(i64, String)>, AutotaskError> {
    let info = fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(field))
        .ok_or_else(|| AutotaskError::Decode(format!("{entity} has no field {field}")))?;
    Ok(info
        .picklist_values
        .iter()
        .flatten()
        .filter(|p| p.is_active != Some(false))
        .filter_map(|p| p.value.trim().parse().ok().map(|v| (v, p.label.clone())))
        .collect())
}

fn labelled(
    fields: &[FieldInfo],
    entity: &str,
    field: &str,
    labels: &[&str],
) -> Result<i64, AutotaskError> {
    values(fields, entity, field)?
        .into_iter()
        .find(|(_, label)| labels.contains(&label.trim().to_ascii_lowercase().as_str()))
        .map(|(value, _)| value)
        .ok_or_else(|| missing(entity, field, labels.first().copied().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, values: &[(&str, &str)]) -> FieldInfo {
        serde_json::from_value(serde_json::json!({
            "name": name,
            "isPickList": true,
            "picklistValues": values.iter().map(|(v, l)| serde_json::json!({"value": v, "label": l, "isActive": true})).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    #[test]
    fn another_tenants_numbers_are_read_from_its_labels() {
        let contracts = [
            field(
                "contractPeriodType",
                &[
                    ("11", "Yearly"),
                    ("12", "Monthly"),
                    ("13", "Semi-Annual"),
                    ("14", "Quarterly"),
                ],
            ),
            field(
                "contractType",
                &[("7", "Recurring Service"), ("1", "Time and Materials")],
            ),
            field("status", &[("0", "Inactive"), ("3", "Active")]),
        ];
        let charges = [field(
            "chargeType",
            &[("5", "Capitalized"), ("6", "Operational")],
        )];
        let codes = [field(
            "useType",
            &[
                ("1", "Work Type"),
                ("22", "Material"),
                ("44", "Recurring Contract Service"),
            ],
        )];
        let picklists = Picklists::resolve(&contracts, &charges, &codes).unwrap();
        assert_eq!(picklists.period_type_value(PeriodType::Monthly), Some(12));
        assert_eq!(picklists.period_type_of(13), Some(PeriodType::SemiAnnual));
        assert_eq!(picklists.period_type_of(11), Some(PeriodType::Yearly));
        assert_eq!(picklists.recurring_service_contract, 7);
        assert_eq!(picklists.active_contract, 3);
        assert_eq!(picklists.operational_charge, 6);
        assert_eq!(picklists.recurring_service_code, 44);
        assert_eq!(picklists.material_code, 22);
    }

    #[test]
    fn a_missing_label_is_an_error_that_names_the_picklist() {
        let contracts = [
            field("contractPeriodType", &[("1", "Monthly")]),
            field("contractType", &[("1", "Time and Materials")]),
        ];
        let charges = [field("chargeType", &[("1", "Operational")])];
        let codes = [field(
            "useType",
            &[("2", "Material"), ("4", "Recurring Contract Service")],
        )];
        let error = Picklists::resolve(&contracts, &charges, &codes).unwrap_err();
        assert_eq!(
            error,
            AutotaskError::Decode(
                "the picklist Contracts.contractType has no value labelled recurring service"
                    .into()
            )
        );
    }
}
