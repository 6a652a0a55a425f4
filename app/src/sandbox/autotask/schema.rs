//! What the emulated Autotask knows about its entities: fields, lengths, required flags and
//! picklists. Picklist numbers are tenant values (reference §8.9.6); apart from `contractType` 7
//! every one is this emulator's choice, made here and nowhere else, and served through
//! `entityInformation/fields` so that clients resolve them at run time:
//! - `periodType` / `contractPeriodType`: 1 Monthly, 2 Quarterly, 3 Semi-Annually, 4 Yearly [U];
//! - `contractType`: 7 Recurring Service [C]; 1 Time and Materials, 3 Fixed Price, 4 Block Hours,
//!   6 Retainer, 8 Incident (Per Ticket) [I];
//! - `BillingCodes.useType`: 1 Work Type [C]; 2 Material, 3 Internal Time, 4 Recurring Contract
//!   Service [I], 5 Expense Category, 6 Milestone [U];
//! - `BillingCodes.billingCodeType`: 0 Standard, 1 Work Type [C], and the material codes kept for
//!   buying a contract's hours, retainer or incidents: 2 Block Hours Purchase, 3 Retainer Purchase,
//!   4 Incident Purchase [U];
//! - `ContractCharges.chargeType`: 1 Operational, 2 Capitalized [U];
//! - `ContractCharges.status`: 1 Ready to Ship (what a new charge gets), 2 Shipped, 3 Delivered [U].
//!
//! Which contract types refuse charges, and which purchase code each still takes (reference
//! §8.8), is [`CHARGE_RESTRICTED_CONTRACTS`].

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Long,
    Double,
    String,
    Boolean,
    DateTime,
}

impl Kind {
    pub fn data_type(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Long => "long",
            Kind::Double => "double",
            Kind::String => "string",
            Kind::Boolean => "boolean",
            Kind::DateTime => "datetime",
        }
    }
}

/// How a field may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Set on create, read-only afterwards.
    CreateOnly,
    ReadOnly,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub length: usize,
    pub required: bool,
    pub access: Access,
    pub picklist: &'static [(i64, &'static str)],
    pub reference: Option<&'static str>,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        length: 0,
        required: false,
        access: Access::ReadWrite,
        picklist: &[],
        reference: None,
    }
}

impl Field {
    const fn len(mut self, length: usize) -> Self {
        self.length = length;
        self
    }
    const fn req(mut self) -> Self {
        self.required = true;
        self
    }
    const fn ro(mut self) -> Self {
        self.access = Access::ReadOnly;
        self
    }
    const fn create_only(mut self) -> Self {
        self.access = Access::CreateOnly;
        self
    }
    const fn pick(mut self, values: &'static [(i64, &'static str)]) -> Self {
        self.picklist = values;
        self
    }
    const fn refs(mut self, entity: &'static str) -> Self {
        self.reference = Some(entity);
        self
    }
}

pub const PERIOD_TYPES: &[(i64, &str)] = &[
    (1, "Monthly"),
    (2, "Quarterly"),
    (3, "Semi-Annually"),
    (4, "Yearly"),
];
pub const CONTRACT_TYPES: &[(i64, &str)] = &[
    (TIME_AND_MATERIALS, "Time and Materials"),
    (FIXED_PRICE, "Fixed Price"),
    (BLOCK_HOURS, "Block Hours"),
    (RETAINER, "Retainer"),
    (RECURRING_SERVICE, "Recurring Service"),
    (PER_TICKET, "Incident (Per Ticket)"),
];
pub const RECURRING_SERVICE: i64 = 7;
pub const TIME_AND_MATERIALS: i64 = 1;
pub const FIXED_PRICE: i64 = 3;
pub const BLOCK_HOURS: i64 = 4;
pub const RETAINER: i64 = 6;
pub const PER_TICKET: i64 = 8;
pub const CONTRACT_STATUSES: &[(i64, &str)] = &[(0, "Inactive"), (1, "Active")];
pub const COMPANY_TYPES: &[(i64, &str)] = &[
    (1, "Customer"),
    (2, "Lead"),
    (3, "Prospect"),
    (4, "Dead"),
    (5, "Cancellation"),
    (6, "Vendor"),
    (7, "Partner"),
];
pub const USE_TYPES: &[(i64, &str)] = &[
    (1, "Work Type"),
    (2, "Material"),
    (3, "Internal Time"),
    (4, "Recurring Contract Service"),
    (5, "Expense Category"),
    (6, "Milestone"),
];
pub const RECURRING_USE_TYPE: i64 = 4;
pub const MATERIAL_USE_TYPE: i64 = 2;
pub const BILLING_CODE_TYPES: &[(i64, &str)] = &[
    (STANDARD_CODE, "Standard"),
    (1, "Work Type"),
    (BLOCK_HOURS_PURCHASE, "Block Hours Purchase"),
    (RETAINER_PURCHASE, "Retainer Purchase"),
    (INCIDENT_PURCHASE, "Incident Purchase"),
];
pub const STANDARD_CODE: i64 = 0;
pub const BLOCK_HOURS_PURCHASE: i64 = 2;
pub const RETAINER_PURCHASE: i64 = 3;
pub const INCIDENT_PURCHASE: i64 = 4;
/// Contract types that take no charges, each with the purchase material code (its
/// `billingCodeType`) a charge on it may still carry (reference §8.8).
pub const CHARGE_RESTRICTED_CONTRACTS: &[(i64, i64)] = &[
    (BLOCK_HOURS, BLOCK_HOURS_PURCHASE),
    (RETAINER, RETAINER_PURCHASE),
    (PER_TICKET, INCIDENT_PURCHASE),
];
pub const CHARGE_TYPES: &[(i64, &str)] = &[(OPERATIONAL_CHARGE, "Operational"), (2, "Capitalized")];
pub const OPERATIONAL_CHARGE: i64 = 1;
pub const CHARGE_STATUSES: &[(i64, &str)] = &[
    (NEW_CHARGE_STATUS, "Ready to Ship"),
    (2, "Shipped"),
    (3, "Delivered"),
];
/// The status Autotask gives a charge it creates (`status` is read-only to clients).
pub const NEW_CHARGE_STATUS: i64 = 1;
pub const YES_NO: &[(i64, &str)] = &[(0, "No"), (1, "Yes")];

use Kind::*;

const COMPANIES: &[Field] = &[
    f("id", Long).ro(),
    f("companyName", String).len(100).req(),
    f("companyNumber", String).len(50),
    f("companyType", Integer).req().pick(COMPANY_TYPES),
    f("phone", String).len(25).req(),
    f("ownerResourceID", Integer).req().refs("Resources"),
    f("isActive", Boolean),
    f("address1", String).len(128),
    f("address2", String).len(128),
    f("city", String).len(30),
    f("state", String).len(40),
    f("postalCode", String).len(10),
    f("countryID", Integer),
    f("webAddress", String).len(255),
    f("taxID", String).len(50),
    f("currencyID", Integer),
    f("parentCompanyID", Integer).refs("Companies"),
    f("createDate", DateTime).ro(),
    f("lastActivityDate", DateTime).ro(),
];

const CONTACTS: &[Field] = &[
    f("id", Long).ro(),
    f("companyID", Integer)
        .req()
        .create_only()
        .refs("Companies"),
    f("firstName", String).len(50).req(),
    f("lastName", String).len(50).req(),
    f("emailAddress", String).len(254),
    f("phone", String).len(25),
    f("mobilePhone", String).len(25),
    f("title", String).len(50),
    f("isActive", Integer).pick(YES_NO),
    f("primaryContact", Boolean),
    f("addressLine", String).len(128),
    f("city", String).len(32),
    f("state", String).len(40),
    f("zipCode", String).len(16),
    f("countryID", Integer),
    f("createDate", DateTime).ro(),
];

const RESOURCES: &[Field] = &[
    f("id", Long).ro(),
    f("firstName", String).len(50).ro(),
    f("lastName", String).len(50).ro(),
    f("email", String).len(254).ro(),
    f("userName", String).len(32).ro(),
    f("isActive", Boolean).ro(),
    f("resourceType", String).len(15).ro(),
];

const CONTRACTS: &[Field] = &[
    f("id", Long).ro(),
    f("companyID", Integer)
        .req()
        .create_only()
        .refs("Companies"),
    f("contractName", String).len(100).req(),
    f("contractNumber", String).len(50),
    f("contractType", Integer)
        .req()
        .create_only()
        .pick(CONTRACT_TYPES),
    f("contractPeriodType", Integer)
        .create_only()
        .pick(PERIOD_TYPES),
    f("status", Integer).req().pick(CONTRACT_STATUSES),
    f("startDate", DateTime).req(),
    f("endDate", DateTime).req(),
    f("billingPreference", Integer).pick(&[
        (1, "Manual"),
        (2, "Immediately"),
        (3, "Timesheet Approval"),
    ]),
    f("timeReportingRequiresStartAndStopTimes", Integer)
        .req()
        .pick(YES_NO),
    f("contactID", Integer).refs("Contacts"),
    f("contactName", String).len(250),
    f("description", String).len(2000),
    f("purchaseOrderNumber", String).len(50),
    f("setupFee", Double),
    f("isDefaultContract", Boolean),
    f("lastModifiedDateTime", DateTime).ro(),
];

const SERVICES: &[Field] = &[
    f("id", Long).ro(),
    f("name", String).len(150).req(),
    f("description", String).len(400),
    f("invoiceDescription", String).len(1000),
    f("unitPrice", Double).req(),
    f("unitCost", Double),
    f("billingCodeID", Integer).req().refs("BillingCodes"),
    f("periodType", Integer).req().pick(PERIOD_TYPES),
    f("isActive", Boolean),
    f("vendorCompanyID", Integer).refs("Companies"),
    f("sku", String).len(50),
    f("catalogNumberPartNumber", String).len(50),
    f("manufacturerServiceProvider", String).len(100),
    f("manufacturerServiceProviderProductNumber", String).len(100),
    f("createDate", DateTime).ro(),
    f("lastModifiedDate", DateTime).ro(),
];

const CONTRACT_SERVICES: &[Field] = &[
    f("id", Long).ro(),
    f("contractID", Integer)
        .req()
        .create_only()
        .refs("Contracts"),
    f("serviceID", Integer).req().create_only().refs("Services"),
    f("unitPrice", Double).create_only(),
    f("adjustedPrice", Double),
    f("unitCost", Double).create_only(),
    f("internalDescription", String).len(100).create_only(),
    f("invoiceDescription", String).len(1000),
    f("quoteItemID", Long).ro(),
];

const ADJUSTMENTS: &[Field] = &[
    f("id", Long).ro(),
    f("contractID", Integer).create_only().refs("Contracts"),
    f("contractServiceID", Integer)
        .create_only()
        .refs("ContractServices"),
    f("serviceID", Integer).create_only().refs("Services"),
    f("effectiveDate", DateTime).req().create_only(),
    f("unitChange", Integer).create_only(),
    f("adjustedUnitPrice", Double).create_only(),
    f("adjustedUnitCost", Double).create_only(),
    f("allowRepeatService", Boolean).create_only(),
    f("quoteItemID", Integer).create_only(),
];

const UNITS: &[Field] = &[
    f("id", Long).ro(),
    f("contractID", Integer).ro(),
    f("serviceID", Integer).ro(),
    f("contractServiceID", Integer).ro(),
    f("startDate", DateTime).ro(),
    f("endDate", DateTime).ro(),
    f("units", Integer).ro(),
    f("price", Double).ro(),
    f("cost", Double).ro(),
    f("internalCurrencyPrice", Double).ro(),
    f("approveAndPostDate", DateTime).ro(),
    f("vendorCompanyID", Integer).ro(),
    f("organizationalLevelAssociationID", Integer).ro(),
];

/// Every field of reference §8.8; the computed and status fields are read-only, so a client
/// that sends them has them ignored.
const CHARGES: &[Field] = &[
    f("id", Long).ro(),
    f("contractID", Long).req().create_only().refs("Contracts"),
    f("productID", Long).refs("Products"),
    f("billingCodeID", Long).refs("BillingCodes"),
    f("name", String).len(100).req(),
    f("description", String).len(2000),
    f("notes", String).len(2000),
    f("datePurchased", DateTime).req(),
    f("chargeType", Integer).req().pick(CHARGE_TYPES),
    f("unitQuantity", Double).req(),
    f("unitPrice", Double),
    f("unitCost", Double),
    f("purchaseOrderNumber", String).len(50),
    f("internalPurchaseOrderNumber", String).len(50),
    f("isBillableToCompany", Boolean),
    f("contractServiceID", Long).refs("ContractServices"),
    f("contractServiceBundleID", Long),
    f("billableAmount", Double).ro(),
    f("extendedCost", Double).ro(),
    f("isBilled", Boolean).ro(),
    f("status", Integer).ro().pick(CHARGE_STATUSES),
    f("statusLastModifiedBy", Integer).ro().refs("Resources"),
    f("statusLastModifiedDate", DateTime).ro(),
    f("createDate", DateTime).ro(),
    f("creatorResourceID", Integer).ro().refs("Resources"),
    f("internalCurrencyBillableAmount", Double).ro(),
    f("internalCurrencyUnitPrice", Double).ro(),
    f("organizationalLevelAssociationID", Integer),
];

/// Just enough of the product catalogue for `ContractCharges.productID` to be checked.
const PRODUCTS: &[Field] = &[
    f("id", Long).ro(),
    f("name", String).len(100).ro(),
    f("description", String).len(2000).ro(),
    f("sku", String).len(50).ro(),
    f("unitPrice", Double).ro(),
    f("unitCost", Double).ro(),
    f("isActive", Boolean).ro(),
];

/// The system list of countries a company's `countryID` names (the numbers are this emulator's
/// choice; `countryCode` is the ISO 3166-1 alpha-2 code).
const COUNTRIES: &[Field] = &[
    f("id", Long).ro(),
    f("countryCode", String).len(2).ro(),
    f("name", String).len(100).ro(),
    f("displayName", String).len(100).ro(),
    f("isActive", Boolean).ro(),
    f("isDefaultCountry", Boolean).ro(),
];

const BILLING_CODES: &[Field] = &[
    f("id", Long).ro(),
    f("name", String).len(200).ro(),
    f("description", String).len(500).ro(),
    f("externalNumber", String).len(100).ro(),
    f("billingCodeType", Integer).ro().pick(BILLING_CODE_TYPES),
    f("useType", Integer).ro().pick(USE_TYPES),
    f("isActive", Boolean).ro(),
    f("isExcludedFromNewContracts", Boolean).ro(),
    f("unitPrice", Double).ro(),
    f("unitCost", Double).ro(),
    f("markupRate", Double).ro(),
];

/// One emulated entity.
#[derive(Debug)]
pub struct Entity {
    /// The REST collection name (`Companies`).
    pub name: &'static str,
    /// The singular name `entityInformation` reports.
    pub info_name: &'static str,
    pub fields: &'static [Field],
    pub can_create: bool,
    pub can_update: bool,
    pub can_query: bool,
    /// Deletable (through the contract's child URL, for a child).
    pub can_delete: bool,
    pub has_udfs: bool,
    /// Writes only through `/Contracts/{id}/<child>`.
    pub child_of_contracts: Option<&'static str>,
}

pub const ENTITIES: &[Entity] = &[
    Entity {
        name: "Companies",
        info_name: "Company",
        fields: COMPANIES,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: false,
        has_udfs: true,
        child_of_contracts: None,
    },
    Entity {
        name: "Contacts",
        info_name: "Contact",
        fields: CONTACTS,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: false,
        has_udfs: true,
        child_of_contracts: None,
    },
    Entity {
        name: "Resources",
        info_name: "Resource",
        fields: RESOURCES,
        can_create: false,
        can_update: false,
        can_query: true,
        can_delete: false,
        has_udfs: true,
        child_of_contracts: None,
    },
    Entity {
        name: "Contracts",
        info_name: "Contract",
        fields: CONTRACTS,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: false,
        has_udfs: true,
        child_of_contracts: None,
    },
    Entity {
        name: "Services",
        info_name: "Service",
        fields: SERVICES,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: None,
    },
    Entity {
        name: "ContractServices",
        info_name: "ContractService",
        fields: CONTRACT_SERVICES,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: Some("Services"),
    },
    Entity {
        name: "ContractServiceAdjustments",
        info_name: "ContractServiceAdjustment",
        fields: ADJUSTMENTS,
        can_create: true,
        can_update: false,
        can_query: false,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: Some("ServiceAdjustments"),
    },
    Entity {
        name: "ContractServiceUnits",
        info_name: "ContractServiceUnit",
        fields: UNITS,
        can_create: false,
        can_update: false,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: Some("ServiceUnits"),
    },
    Entity {
        name: "ContractCharges",
        info_name: "ContractCharge",
        fields: CHARGES,
        can_create: true,
        can_update: true,
        can_query: true,
        can_delete: true,
        // "No UDFs in REST" (reference §8.8).
        has_udfs: false,
        child_of_contracts: Some("Charges"),
    },
    Entity {
        name: "Products",
        info_name: "Product",
        fields: PRODUCTS,
        can_create: false,
        can_update: false,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: None,
    },
    Entity {
        name: "Countries",
        info_name: "Country",
        fields: COUNTRIES,
        can_create: false,
        can_update: false,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: None,
    },
    Entity {
        name: "BillingCodes",
        info_name: "BillingCode",
        fields: BILLING_CODES,
        can_create: false,
        can_update: false,
        can_query: true,
        can_delete: false,
        has_udfs: false,
        child_of_contracts: None,
    },
];

/// The entity named in a URL, matched case-insensitively.
pub fn entity(name: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

/// The entity behind a `/Contracts/{id}/<child>` segment.
pub fn contract_child(segment: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| {
        e.child_of_contracts
            .is_some_and(|c| c.eq_ignore_ascii_case(segment))
    })
}

impl Entity {
    /// A field by name, case-insensitively.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}
