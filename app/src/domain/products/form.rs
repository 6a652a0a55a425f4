//! The Add Product form as typed, its checks (`validator`, with the limits of reference §8.3) and
//! the typed service it becomes.

use std::{borrow::Cow, collections::BTreeMap};

use rust_decimal::Decimal;
use serde::Deserialize;
use validator::{Validate, ValidationError};

use crate::model::money::Money;

/// Longest service name Autotask takes.
pub const NAME_MAX: usize = 150;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 400;
/// Longest invoice description.
pub const INVOICE_MAX: usize = 1000;
/// Longest vendor name typed.
pub const VENDOR_MAX: usize = 100;
/// Largest amount accepted (Autotask stores doubles; beyond this a typo is likelier than a price).
const AMOUNT_MAX: i64 = 1_000_000_000;

/// The form as typed; every field is text so that anything typed can be shown again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Validate)]
pub struct NewServiceForm {
    #[serde(default)]
    #[validate(custom(function = "a_name"))]
    pub name: String,
    #[serde(default)]
    #[validate(custom(function = "a_description"))]
    pub description: String,
    #[serde(default)]
    #[validate(custom(function = "an_invoice_description"))]
    pub invoice_description: String,
    #[serde(default)]
    #[validate(custom(function = "a_price"))]
    pub price: String,
    #[serde(default)]
    #[validate(custom(function = "a_cost"))]
    pub cost: String,
    #[serde(default)]
    #[validate(custom(function = "a_billing_code"))]
    pub billing_code: String,
    #[serde(default)]
    #[validate(custom(function = "a_period_type"))]
    pub period_type: String,
    #[serde(default)]
    #[validate(custom(function = "a_vendor"))]
    pub vendor: String,
}

/// A service ready to be created: trimmed text, exact money, picklist numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    pub name: String,
    pub description: Option<String>,
    pub invoice_description: Option<String>,
    /// May be negative (a discount, reference §8.3).
    pub price: Money,
    /// Never negative; `None` when left empty.
    pub cost: Option<Money>,
    pub billing_code: i64,
    pub period_type: i64,
    /// The vendor's Autotask company name (or its start), when given.
    pub vendor: Option<String>,
}

/// A message per field, for the form to show beside each one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Adds a message for a field (the first one stays).
    pub fn add(&mut self, field: &str, message: &str) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.to_owned());
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether no field has a message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each field and its message.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn refused(message: String) -> ValidationError {
    ValidationError::new("invalid").with_message(Cow::Owned(message))
}

fn at_most(text: &str, max: usize) -> Result<(), ValidationError> {
    let n = text.trim().chars().count();
    if n > max {
        return Err(refused(format!("At most {max} characters; this has {n}.")));
    }
    Ok(())
}

fn a_name(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(refused("Enter a name for the service.".into()));
    }
    at_most(text, NAME_MAX)
}

fn a_description(text: &str) -> Result<(), ValidationError> {
    at_most(text, DESCRIPTION_MAX)
}

fn an_invoice_description(text: &str) -> Result<(), ValidationError> {
    at_most(text, INVOICE_MAX)
}

fn a_vendor(text: &str) -> Result<(), ValidationError> {
    at_most(text, VENDOR_MAX)
}

/// An amount as typed: a number with at most four decimals, within bounds.
fn amount(text: &str, what: &str) -> Result<Money, String> {
    let text = text.trim();
    let value: Decimal = text
        .parse()
        .map_err(|_| format!("The {what} must be a number, such as 12.50."))?;
    if value.abs() >= Decimal::from(AMOUNT_MAX) {
        return Err(format!("The {what} is too large."));
    }
    Money::new(value).map_err(|_| format!("The {what} has more than four decimal places."))
}

fn a_price(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(refused(
            "Enter a price (it may be negative, for a discount).".into(),
        ));
    }
    amount(text, "price").map(|_| ()).map_err(refused)
}

fn a_cost(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let cost = amount(text, "cost").map_err(refused)?;
    if cost.amount().is_sign_negative() && !cost.amount().is_zero() {
        return Err(refused("The cost cannot be negative.".into()));
    }
    Ok(())
}

fn a_choice(text: &str, message: &str) -> Result<(), ValidationError> {
    text.trim()
        .parse::<i64>()
        .map(|_| ())
        .map_err(|_| refused(message.to_owned()))
}

fn a_billing_code(text: &str) -> Result<(), ValidationError> {
    a_choice(text, "Choose a billing code.")
}

fn a_period_type(text: &str) -> Result<(), ValidationError> {
    a_choice(text, "Choose a period type.")
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl NewServiceForm {
    /// The typed service, or a message for each field that cannot be used.
    pub fn parse(&self) -> Result<NewService, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(found) = self.validate() {
            for (field, problems) in found.field_errors() {
                let message = problems
                    .iter()
                    .find_map(|p| p.message.as_deref())
                    .unwrap_or("This value cannot be used.");
                errors.add(field.as_ref(), message);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let parsed = (
            amount(&self.price, "price"),
            optional(&self.cost).map(|c| amount(&c, "cost")).transpose(),
            self.billing_code.trim().parse::<i64>(),
            self.period_type.trim().parse::<i64>(),
        );
        match parsed {
            (Ok(price), Ok(cost), Ok(billing_code), Ok(period_type)) => Ok(NewService {
                name: self.name.trim().to_owned(),
                description: optional(&self.description),
                invoice_description: optional(&self.invoice_description),
                price,
                cost,
                billing_code,
                period_type,
                vendor: optional(&self.vendor),
            }),
            // The checks above refuse all of these; kept so no input can panic.
            _ => {
                errors.add("price", "This value cannot be used.");
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewServiceForm {
        NewServiceForm {
            name: "  Backup Plus (Monthly) ".into(),
            description: "".into(),
            invoice_description: "Backup Plus".into(),
            price: "-2.50".into(),
            cost: "".into(),
            billing_code: "29682801".into(),
            period_type: "1".into(),
            vendor: " ".into(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_trimmed_service_with_exact_money() {
        let service = form().parse().unwrap();
        assert_eq!(service.name, "Backup Plus (Monthly)");
        assert_eq!(service.description, None);
        assert_eq!(service.invoice_description.as_deref(), Some("Backup Plus"));
        assert_eq!(service.price, Money::parse("-2.5").unwrap());
        assert_eq!(service.cost, None);
        assert_eq!((service.billing_code, service.period_type), (29682801, 1));
        assert_eq!(service.vendor, None);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let bad = NewServiceForm {
            name: "x".repeat(151),
            description: "d".repeat(401),
            invoice_description: "i".repeat(1001),
            price: "twelve".into(),
            cost: "-1".into(),
            billing_code: "".into(),
            period_type: "monthly".into(),
            vendor: "v".repeat(101),
        };
        let errors = bad.parse().unwrap_err();
        assert_eq!(
            errors.get("name"),
            Some("At most 150 characters; this has 151.")
        );
        assert_eq!(
            errors.get("description"),
            Some("At most 400 characters; this has 401.")
        );
        assert_eq!(
            errors.get("invoice_description"),
            Some("At most 1000 characters; this has 1001.")
        );
        assert_eq!(
            errors.get("price"),
            Some("The price must be a number, such as 12.50.")
        );
        assert_eq!(errors.get("cost"), Some("The cost cannot be negative."));
        assert_eq!(errors.get("billing_code"), Some("Choose a billing code."));
        assert_eq!(errors.get("period_type"), Some("Choose a period type."));
        assert_eq!(
            errors.get("vendor"),
            Some("At most 100 characters; this has 101.")
        );
    }

    #[test]
    fn a_blank_name_or_price_is_asked_for() {
        let blank = NewServiceForm {
            name: "   ".into(),
            price: "".into(),
            ..form()
        };
        let errors = blank.parse().unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter a name for the service."));
        assert_eq!(
            errors.get("price"),
            Some("Enter a price (it may be negative, for a discount).")
        );
    }

    #[test]
    fn a_name_of_150_letters_with_accents_fits() {
        let named = NewServiceForm {
            name: "é".repeat(150),
            ..form()
        };
        assert_eq!(named.parse().unwrap().name.chars().count(), 150);
    }

    #[test]
    fn a_price_with_five_decimals_or_a_huge_one_is_refused() {
        let precise = NewServiceForm {
            price: "1.00001".into(),
            ..form()
        };
        assert_eq!(
            precise.parse().unwrap_err().get("price"),
            Some("The price has more than four decimal places.")
        );
        let huge = NewServiceForm {
            cost: "1e30".into(),
            ..form()
        };
        assert_eq!(
            huge.parse().unwrap_err().get("cost"),
            Some("The cost must be a number, such as 12.50.")
        );
    }
}
