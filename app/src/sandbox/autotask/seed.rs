//! A believable reseller: thirty customers with contacts (some profiles incomplete), Recurring
//! Service contracts monthly and yearly (some expired, some inactive, some of other types), a
//! Microsoft 365 service catalogue, billing codes (recurring, work type, material and the
//! purchase codes of Block Hours, Retainer and Incident contracts), two products, and the
//! resources of an administrator and of the API user. Deterministic, so tests and people see the
//! same data every time; what came later is added at the end, so earlier ids never move.

use serde_json::{Value, json};

use super::rules;
use super::schema::{
    BLOCK_HOURS_PURCHASE, FIXED_PRICE, INCIDENT_PURCHASE, MATERIAL_USE_TYPE, PER_TICKET, RETAINER,
    RETAINER_PURCHASE, STANDARD_CODE, entity,
};
use super::store::{ApiUser, Store, int_of};

/// The API user the sandbox accepts (the demo reseller is connected with it).
pub const API_USER: &str = "api@sandbox.psa-sync.local";
pub const API_SECRET: &str = "sandbox-secret";
/// 27 characters, like a real tracking identifier.
pub const INTEGRATION_CODE: &str = "PSASYNC-SANDBOX-INTEGRATION";

pub const CUSTOMERS: [&str; 30] = [
    "Contoso Ltd",
    "Fabrikam Inc",
    "Northwind Traders",
    "Adventure Works Cycles",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware Inc",
    "Proseware Inc",
    "Alpine Ski House",
    "Coho Winery",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Lucerne Publishing",
    "Margie's Travel",
    "Blue Yonder Airlines",
    "City Power & Light",
    "Consolidated Messenger",
    "Trey Research",
    "Woodgrove Bank",
    "Wingtip Toys",
    "School of Fine Art",
    "The Phone Company",
    "VanArsdel Ltd",
    "Relecloud",
    "Best For You Organics",
    "Bellows College",
    "Southridge Video",
    "First Up Consultants",
    "Datum Corporation",
];

/// (name, monthly price, monthly cost) of the Microsoft 365 plans; each is offered monthly and yearly.
const PLANS: [(&str, f64, f64); 8] = [
    ("Microsoft 365 Business Basic", 6.0, 5.1),
    ("Microsoft 365 Business Standard", 12.5, 10.63),
    ("Microsoft 365 Business Premium", 22.0, 18.7),
    ("Microsoft 365 E3", 36.0, 30.6),
    ("Microsoft 365 E5", 57.0, 48.45),
    ("Exchange Online (Plan 1)", 4.0, 3.4),
    ("Microsoft Teams Essentials", 4.0, 3.4),
    ("Microsoft Defender for Business", 3.0, 2.55),
];

fn must(result: Result<i64, Vec<String>>, what: &str) -> i64 {
    match result {
        Ok(id) => id,
        Err(errors) => {
            tracing::error!(what, ?errors, "the Autotask sandbox seed was refused");
            0
        }
    }
}

fn create(store: &mut Store, name: &str, body: Value, contract: Option<i64>) -> i64 {
    match entity(name) {
        Some(e) => must(rules::create(store, e, &body, contract, None), name),
        None => 0,
    }
}

fn insert(store: &mut Store, name: &str, body: Value) -> i64 {
    match body {
        Value::Object(record) => store.insert(name, record),
        _ => 0,
    }
}

pub fn seeded() -> Store {
    let mut store = Store {
        next_id: 29_682_000,
        ..Store::default()
    };
    store.users.push(ApiUser {
        username: API_USER.into(),
        secret: API_SECRET.into(),
        integration_code: INTEGRATION_CODE.into(),
        resource_id: None,
    });
    let owner = insert(
        &mut store,
        "Resources",
        json!({"firstName":"Sandbox","lastName":"Administrator","email":"admin@sandbox.psa-sync.local","userName":"sandbox.admin","isActive":true,"resourceType":"Employee"}),
    );
    let recurring = insert(
        &mut store,
        "BillingCodes",
        json!({"name":"Recurring Services","description":"Recurring contract services","externalNumber":"4000","billingCodeType":0,"useType":4,"isActive":true,"isExcludedFromNewContracts":false,"unitPrice":null,"unitCost":null,"markupRate":null}),
    );
    insert(
        &mut store,
        "BillingCodes",
        json!({"name":"Recurring - Microsoft Cloud","description":"Microsoft licences","externalNumber":"4010","billingCodeType":0,"useType":4,"isActive":true,"isExcludedFromNewContracts":false,"unitPrice":null,"unitCost":null,"markupRate":null}),
    );
    insert(
        &mut store,
        "BillingCodes",
        json!({"name":"Recurring - Legacy","description":"No longer used","externalNumber":"4090","billingCodeType":0,"useType":4,"isActive":false,"isExcludedFromNewContracts":true,"unitPrice":null,"unitCost":null,"markupRate":null}),
    );
    insert(
        &mut store,
        "BillingCodes",
        json!({"name":"Remote Support","description":"Work type","externalNumber":"1000","billingCodeType":1,"useType":1,"isActive":true,"isExcludedFromNewContracts":false,"unitPrice":95.0,"unitCost":null,"markupRate":null}),
    );
    insert(
        &mut store,
        "BillingCodes",
        json!({"name":"Hardware","description":"Material","externalNumber":"2000","billingCodeType":0,"useType":2,"isActive":true,"isExcludedFromNewContracts":false,"unitPrice":null,"unitCost":null,"markupRate":null}),
    );

    let vendor = create(
        &mut store,
        "Companies",
        json!({"companyName":"Microsoft Corporation","companyType":6,"phone":"+1 425 882 8080","ownerResourceID":owner,"city":"Redmond","state":"WA"}),
        None,
    );
    let mut monthly_services = Vec::new();
    for (name, price, cost) in PLANS {
        let monthly = create(
            &mut store,
            "Services",
            json!({"name":format!("{name} (Monthly)"),"description":format!("{name}, per user, billed monthly"),
                   "invoiceDescription":name,"unitPrice":price,"unitCost":cost,"billingCodeID":recurring,
                   "periodType":1,"vendorCompanyID":vendor,"sku":name.to_uppercase().replace(' ', "_")}),
            None,
        );
        create(
            &mut store,
            "Services",
            json!({"name":format!("{name} (Annual)"),"description":format!("{name}, per user, billed yearly"),
                   "invoiceDescription":name,"unitPrice":price * 12.0,"unitCost":cost * 12.0,"billingCodeID":recurring,
                   "periodType":4,"vendorCompanyID":vendor}),
            None,
        );
        monthly_services.push(monthly);
    }
    create(
        &mut store,
        "Services",
        json!({"name":"Managed Backup (per device)","unitPrice":8.0,"unitCost":3.0,"billingCodeID":recurring,"periodType":1}),
        None,
    );

    for (n, name) in CUSTOMERS.iter().enumerate() {
        let incomplete_address = n % 7 == 3;
        let mut company = json!({"companyName":name,"companyType":1,"phone":format!("+44 20 7946 0{:03}", n),"ownerResourceID":owner,
                                 "companyNumber":format!("C{:04}", 1001 + n),"webAddress":format!("https://{}.example", slug(name))});
        if !incomplete_address {
            company["address1"] = json!(format!("{} High Street", 10 + n));
            company["city"] = json!("London");
            company["postalCode"] = json!(format!("EC{}A 1BB", 1 + n % 4));
            company["countryID"] = json!(225);
        }
        let company_id = create(&mut store, "Companies", company, None);
        let (first, last) = PEOPLE[n % PEOPLE.len()];
        let mut contact = json!({"companyID":company_id,"firstName":first,"lastName":last,"title":"IT Manager","primaryContact":true,"isActive":1});
        if n % 5 != 4 {
            contact["emailAddress"] = json!(format!(
                "{}.{}@{}.example",
                first.to_lowercase(),
                last.to_lowercase(),
                slug(name)
            ));
        }
        if n % 6 != 5 {
            contact["phone"] = json!(format!("+44 20 7946 1{:03}", n));
        }
        create(&mut store, "Contacts", contact, None);
        seed_contracts(&mut store, n, name, company_id, &monthly_services);
    }
    seed_charge_references(&mut store);
    seed_countries(&mut store);
    store
}

/// (id, ISO code, name) of the countries companies name by `countryID`; the seed's companies
/// are in the United Kingdom (225).
const COUNTRIES: [(i64, &str, &str); 6] = [
    (225, "GB", "United Kingdom"),
    (237, "US", "United States"),
    (83, "DE", "Germany"),
    (76, "FR", "France"),
    (156, "NL", "Netherlands"),
    (106, "IE", "Ireland"),
];

/// Countries are a system list with fixed ids, so they are put in place rather than created.
fn seed_countries(store: &mut Store) {
    for (id, code, name) in COUNTRIES {
        let record = json!({"id":id,"countryCode":code,"name":name,"displayName":name,"isActive":true,"isDefaultCountry":id == 225});
        if let Value::Object(record) = record {
            store
                .tables
                .entry("Countries".to_owned())
                .or_default()
                .insert(id, record);
            store.touched.insert(("Countries".to_owned(), id));
        }
    }
}

/// What one-time charges refer to (reference §8.8): material codes, the purchase codes of
/// Block Hours, Retainer and Incident contracts, products, contracts of those types, and the
/// resource the API user acts as (a charge's creator).
fn seed_charge_references(store: &mut Store) {
    let api_resource = insert(
        store,
        "Resources",
        json!({"firstName":"Sandbox","lastName":"API User","email":API_USER,"userName":"sandbox.api","isActive":true,"resourceType":"API"}),
    );
    for user in &mut store.users {
        user.resource_id = Some(api_resource);
    }
    let material = |name: &str, number: &str, kind: i64, price: Value, cost: Value| {
        json!({"name":name,"description":"Material cost code","externalNumber":number,"billingCodeType":kind,"useType":MATERIAL_USE_TYPE,
               "isActive":true,"isExcludedFromNewContracts":false,"unitPrice":price,"unitCost":cost,"markupRate":null})
    };
    for code in [
        material(
            "Cloud Usage",
            "2100",
            STANDARD_CODE,
            Value::Null,
            Value::Null,
        ),
        material(
            "Setup Fee",
            "2200",
            STANDARD_CODE,
            json!(150.0),
            json!(40.0),
        ),
        material(
            "Block Hours Purchase",
            "2900",
            BLOCK_HOURS_PURCHASE,
            Value::Null,
            Value::Null,
        ),
        material(
            "Retainer Purchase",
            "2910",
            RETAINER_PURCHASE,
            Value::Null,
            Value::Null,
        ),
        material(
            "Incident Purchase",
            "2920",
            INCIDENT_PURCHASE,
            Value::Null,
            Value::Null,
        ),
    ] {
        insert(store, "BillingCodes", code);
    }
    insert(
        store,
        "BillingCodes",
        json!({"name":"Materials - Retired","description":"No longer used","externalNumber":"2990","billingCodeType":STANDARD_CODE,"useType":MATERIAL_USE_TYPE,
               "isActive":false,"isExcludedFromNewContracts":true,"unitPrice":null,"unitCost":null,"markupRate":null}),
    );
    insert(
        store,
        "Products",
        json!({"name":"Surface Laptop 7","description":"Microsoft Surface Laptop 7, 13.8-inch","sku":"SL7-13-16-512","unitPrice":1299.0,"unitCost":1050.0,"isActive":true}),
    );
    insert(
        store,
        "Products",
        json!({"name":"USB-C Travel Hub","description":"Microsoft USB-C Travel Hub","sku":"USBC-HUB","unitPrice":89.0,"unitCost":61.5,"isActive":true}),
    );
    // Alpine Ski House already has a Block Hours contract; it also buys a retainer and
    // incidents. Coho Winery, on time and materials, also has a fixed-price project.
    for (customer, label, kind) in [
        ("Alpine Ski House", "Retainer", RETAINER),
        ("Alpine Ski House", "Incident Support", PER_TICKET),
        ("Coho Winery", "Website Project", FIXED_PRICE),
    ] {
        let company = store
            .table("Companies")
            .find(|c| c.get("companyName").and_then(Value::as_str) == Some(customer))
            .and_then(|c| int_of(c, "id"));
        if let Some(company) = company {
            create(
                store,
                "Contracts",
                json!({"companyID":company,"contractName":format!("{customer} – {label}"),"contractType":kind,"status":1,
                       "startDate":"2026-01-01T00:00:00Z","endDate":"2026-12-31T00:00:00Z","timeReportingRequiresStartAndStopTimes":0,"billingPreference":2}),
                None,
            );
        }
    }
}

const PEOPLE: [(&str, &str); 10] = [
    ("Ann", "Baker"),
    ("Ravi", "Patel"),
    ("Sofia", "Rossi"),
    ("Jonas", "Berg"),
    ("Mei", "Chen"),
    ("Liam", "Murphy"),
    ("Amara", "Okafor"),
    ("Lucas", "Martin"),
    ("Eva", "Novak"),
    ("Omar", "Haddad"),
];

fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Contracts by customer number: most have a current monthly Recurring Service contract, every
/// third also a yearly one; a few are expired, inactive, or of another type.
fn seed_contracts(store: &mut Store, n: usize, name: &str, company: i64, services: &[i64]) {
    let contract = |store: &mut Store,
                    label: &str,
                    kind: i64,
                    period: Option<i64>,
                    status: i64,
                    start: &str,
                    end: &str| {
        let mut body = json!({"companyID":company,"contractName":format!("{name} – {label}"),"contractType":kind,"status":status,
                              "startDate":start,"endDate":end,"timeReportingRequiresStartAndStopTimes":0,"billingPreference":2});
        if let Some(period) = period {
            body["contractPeriodType"] = json!(period);
        }
        create(store, "Contracts", body, None)
    };
    match n % 10 {
        7 => {
            contract(
                store,
                "Managed Services (ended)",
                7,
                Some(1),
                1,
                "2024-01-01T00:00:00Z",
                "2025-12-31T00:00:00Z",
            );
        }
        8 => {
            contract(
                store,
                "Managed Services (on hold)",
                7,
                Some(1),
                0,
                "2026-01-01T00:00:00Z",
                "2027-12-31T00:00:00Z",
            );
            contract(
                store,
                "Support Hours",
                4,
                None,
                1,
                "2026-01-01T00:00:00Z",
                "2026-12-31T00:00:00Z",
            );
        }
        9 => {
            contract(
                store,
                "Time and Materials",
                1,
                None,
                1,
                "2026-01-01T00:00:00Z",
                "2027-12-31T00:00:00Z",
            );
        }
        _ => {
            let monthly = contract(
                store,
                "Microsoft 365 (monthly)",
                7,
                Some(1),
                1,
                "2026-01-01T00:00:00Z",
                "2027-12-31T00:00:00Z",
            );
            if n.is_multiple_of(3) {
                contract(
                    store,
                    "Microsoft 365 (annual)",
                    7,
                    Some(4),
                    1,
                    "2026-04-01T00:00:00Z",
                    "2028-03-31T00:00:00Z",
                );
            }
            // A few customers already bill licences, so reconciliation has something to find.
            if n.is_multiple_of(4) && monthly > 0 {
                let service = services[n % services.len()];
                let adjustment = json!({"serviceID":service,"effectiveDate":"2026-01-01T00:00:00","unitChange":5 + n as i64});
                create(
                    store,
                    "ContractServiceAdjustments",
                    adjustment,
                    Some(monthly),
                );
            }
        }
    }
}
