//! A company's customer profile: what the marketplace needs to create a customer (an admin
//! contact and an address), as Autotask has it or as a person typed it, and the one set of rules
//! that says whether it is complete — the bulk import and the per-company form share them.

use std::borrow::Cow;

use serde::Deserialize;
use validator::{Validate, ValidateEmail, ValidationError};

use crate::marketplace::models::{NewAddress, NewContact, NewCustomer};

/// The language new customers get: Autotask keeps none per company, and the marketplace requires
/// one (it only sets the customer's notification and panel language, which they can change).
pub const CUSTOMER_LANGUAGE: &str = "en";

/// A profile as typed (or as read from Autotask), before it is checked. Field names are the
/// form's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Validate)]
pub struct ProfileDraft {
    #[serde(default)]
    #[validate(
        custom(function = "plain_text"),
        length(max = 50, message = "At most 50 characters.")
    )]
    pub first_name: String,
    #[serde(default)]
    #[validate(
        custom(function = "plain_text"),
        length(max = 50, message = "At most 50 characters.")
    )]
    pub last_name: String,
    #[serde(default)]
    #[validate(
        custom(function = "email_address"),
        length(max = 254, message = "At most 254 characters.")
    )]
    pub email: String,
    #[serde(default)]
    #[validate(
        custom(function = "phone_number"),
        length(max = 25, message = "At most 25 characters.")
    )]
    pub phone: String,
    #[serde(default)]
    #[validate(
        custom(function = "plain_text"),
        length(max = 128, message = "At most 128 characters.")
    )]
    pub address1: String,
    #[serde(default)]
    #[validate(
        custom(function = "plain_text"),
        length(max = 50, message = "At most 50 characters.")
    )]
    pub city: String,
    #[serde(default)]
    #[validate(
        custom(function = "plain_text"),
        length(max = 16, message = "At most 16 characters.")
    )]
    pub postal_code: String,
    #[serde(default)]
    #[validate(custom(function = "country_code"))]
    pub country: String,
}

/// A complete, checked profile: trimmed, the phone in E.164 form, the country an upper-case
/// ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub address1: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

/// One field that keeps a profile from being complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field's name.
    pub field: &'static str,
    /// What a person calls it.
    pub label: &'static str,
    /// Nothing was given at all (as opposed to something unusable).
    pub missing: bool,
    pub message: String,
}

/// The fields in the order the form and the lists show them.
pub const FIELDS: [(&str, &str); 8] = [
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("email", "e-mail"),
    ("phone", "phone"),
    ("address1", "street address"),
    ("city", "city"),
    ("postal_code", "postal code"),
    ("country", "country"),
];

fn refusal(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

fn plain_text(value: &str) -> Result<(), ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(refusal("required", "Required."));
    }
    // Markup has no place in a name or an address, and would be sent on to the marketplace.
    if value.contains(['<', '>']) {
        return Err(refusal("markup", "Must not contain < or >."));
    }
    if value.chars().any(char::is_control) {
        return Err(refusal("control", "Must be a single line of text."));
    }
    Ok(())
}

fn email_address(value: &str) -> Result<(), ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(refusal("required", "Required."));
    }
    if !value.validate_email() {
        return Err(refusal(
            "email",
            "Not an e-mail address (name@example.com).",
        ));
    }
    Ok(())
}

/// `+44 20 7946 0000` → `+442079460000`; `None` when it is not an international number. The
/// marketplace wants ITU-T E.164, optionally with `#` and an extension.
pub fn e164(phone: &str) -> Option<String> {
    let compact: String = phone
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/'))
        .collect();
    let digits = compact.strip_prefix('+')?;
    let (number, extension) = match digits.split_once('#') {
        Some((number, extension)) => (number, Some(extension)),
        None => (digits, None),
    };
    let number_ok = (7..=15).contains(&number.len()) && number.chars().all(|c| c.is_ascii_digit());
    let extension_ok = extension
        .is_none_or(|e| (1..=6).contains(&e.len()) && e.chars().all(|c| c.is_ascii_digit()));
    (number_ok && extension_ok).then_some(compact)
}

fn phone_number(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(refusal("required", "Required."));
    }
    if e164(value).is_none() {
        return Err(refusal(
            "phone",
            "Use the international form with the country code, e.g. +44 20 7946 0000.",
        ));
    }
    Ok(())
}

fn country_code(value: &str) -> Result<(), ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(refusal("required", "Required."));
    }
    if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(refusal(
            "country",
            "Use the two-letter country code (ISO 3166-1), e.g. GB.",
        ));
    }
    Ok(())
}

impl ProfileDraft {
    /// The value typed in a field, by its form name.
    pub fn value(&self, field: &str) -> &str {
        match field {
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "email" => &self.email,
            "phone" => &self.phone,
            "address1" => &self.address1,
            "city" => &self.city,
            "postal_code" => &self.postal_code,
            "country" => &self.country,
            _ => "",
        }
    }

    /// A checked profile, or every field that keeps it from being one (first message each).
    pub fn parse(&self) -> Result<Profile, Vec<FieldProblem>> {
        if let Err(errors) = self.validate() {
            let by_field = errors.field_errors();
            let problems = FIELDS
                .iter()
                .filter_map(|(field, label)| {
                    let first = by_field.get(*field)?.first()?;
                    Some(FieldProblem {
                        field,
                        label,
                        missing: self.value(field).trim().is_empty(),
                        message: first
                            .message
                            .as_deref()
                            .unwrap_or("Not accepted.")
                            .to_owned(),
                    })
                })
                .collect();
            return Err(problems);
        }
        let text = |v: &str| v.trim().to_owned();
        Ok(Profile {
            first_name: text(&self.first_name),
            last_name: text(&self.last_name),
            email: text(&self.email),
            phone: e164(&self.phone).unwrap_or_default(),
            address1: text(&self.address1),
            city: text(&self.city),
            postal_code: text(&self.postal_code),
            country: self.country.trim().to_ascii_uppercase(),
        })
    }
}

/// What is missing or wrong, in a sentence a person can act on.
pub fn describe(problems: &[FieldProblem]) -> String {
    let missing: Vec<&str> = problems
        .iter()
        .filter(|p| p.missing)
        .map(|p| p.label)
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("Missing: {}.", missing.join(", ")));
    }
    for problem in problems.iter().filter(|p| !p.missing) {
        parts.push(format!(
            "{}: {}",
            capitalised(problem.label),
            problem.message
        ));
    }
    parts.join(" ")
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The reference a company's customer carries in the marketplace (`externalId`), by which an
/// import finds what it created before instead of creating it twice.
pub fn external_reference(company_id: i64) -> String {
    format!("AT-{company_id}")
}

/// The `POST /customers` body for a company (SimpleAPI `Customer`: name, language, address,
/// an admin contact person, and our external reference).
pub fn new_customer(company_id: i64, company_name: &str, profile: &Profile) -> NewCustomer {
    NewCustomer {
        external_id: Some(external_reference(company_id)),
        name: company_name.trim().to_owned(),
        language: CUSTOMER_LANGUAGE.to_owned(),
        address: NewAddress {
            street_address: profile.address1.clone(),
            postal_code: profile.postal_code.clone(),
            city: profile.city.clone(),
            country_code: profile.country.clone(),
        },
        contact_persons: vec![NewContact {
            kind: "admin".to_owned(),
            first_name: profile.first_name.clone(),
            last_name: profile.last_name.clone(),
            email: profile.email.clone(),
            phone_number: profile.phone.clone(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> ProfileDraft {
        ProfileDraft {
            first_name: " Ann ".into(),
            last_name: "Baker".into(),
            email: "ann.baker@contoso.example".into(),
            phone: "+44 20 7946 1000".into(),
            address1: "10 High Street".into(),
            city: "London".into(),
            postal_code: "EC1A 1BB".into(),
            country: "gb".into(),
        }
    }

    #[test]
    fn a_complete_draft_becomes_a_trimmed_profile_with_an_e164_phone_and_an_upper_case_country() {
        let profile = complete().parse().unwrap();
        assert_eq!(profile.first_name, "Ann");
        assert_eq!(profile.phone, "+442079461000");
        assert_eq!(profile.country, "GB");
    }

    #[test]
    fn an_empty_draft_is_missing_every_field_in_form_order() {
        let problems = ProfileDraft::default().parse().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "address1",
                "city",
                "postal_code",
                "country"
            ]
        );
        assert!(problems.iter().all(|p| p.missing));
        assert_eq!(describe(&problems[2..4]), "Missing: e-mail, phone.");
    }

    #[test]
    fn markup_a_bad_email_a_local_phone_and_a_long_name_are_each_refused_with_their_reason() {
        let draft = ProfileDraft {
            first_name: "<script>alert(1)</script>".into(),
            last_name: "x".repeat(51),
            email: "not-an-address".into(),
            phone: "020 7946 0000".into(),
            country: "GBR".into(),
            ..complete()
        };
        let problems = draft.parse().unwrap_err();
        let messages: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                ("first_name", "Must not contain < or >."),
                ("last_name", "At most 50 characters."),
                ("email", "Not an e-mail address (name@example.com)."),
                (
                    "phone",
                    "Use the international form with the country code, e.g. +44 20 7946 0000."
                ),
                (
                    "country",
                    "Use the two-letter country code (ISO 3166-1), e.g. GB."
                ),
            ]
        );
        assert!(problems.iter().all(|p| !p.missing));
    }

    #[test]
    fn a_phone_with_an_extension_keeps_it_after_a_hash() {
        assert_eq!(
            e164("+1 (425) 882-8080#123").as_deref(),
            Some("+14258828080#123")
        );
        assert_eq!(e164("+12"), None);
        assert_eq!(e164("4258828080"), None);
    }

    #[test]
    fn the_customer_body_carries_the_autotask_reference_and_an_admin_contact() {
        let profile = complete().parse().unwrap();
        let body = new_customer(29_682_010, "Contoso Ltd ", &profile);
        assert_eq!(body.external_id.as_deref(), Some("AT-29682010"));
        assert_eq!(body.name, "Contoso Ltd");
        assert_eq!(body.language, "en");
        assert_eq!(body.contact_persons[0].kind, "admin");
        assert_eq!(body.address.country_code, "GB");
    }
}
