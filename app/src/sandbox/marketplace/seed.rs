//! The marketplace side of the demo reseller: the same thirty customers as the Autotask seed
//! (names a little different, as in real life), a Microsoft 365 catalogue with monthly and annual
//! terms, an Azure plan billed on usage, subscriptions, and a month of order history (plus some
//! older orders a first Check Changes must leave alone).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::orders::{self, money};
use super::requests::{NewOrder, NewOrderLine};
use super::store::{ApiUser, Store};

pub const USERNAME: &str = "reseller.api";
pub const PASSWORD: &str = "sandbox-password";
pub const SUBSCRIPTION_KEY: &str = "0123456789abcdef0123456789abcdef";
pub const MARKETPLACE: &str = "eu";
const RESELLER_ID: &str = "1000003";
const DAY: i64 = 86_400;

/// The customers as the marketplace spells them (the Autotask seed's names, varied).
pub const CUSTOMERS: [&str; 30] = [
    "Contoso Limited",
    "Fabrikam, Inc.",
    "Northwind Traders Ltd",
    "Adventure Works Cycles",
    "Tailspin Toys Ltd",
    "Wide World Importers",
    "Litware, Inc.",
    "Proseware Inc.",
    "Alpine Ski House",
    "Coho Winery Ltd",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance Ltd",
    "Lucerne Publishing",
    "Margies Travel",
    "Blue Yonder Airlines",
    "City Power and Light",
    "Consolidated Messenger",
    "Trey Research Ltd",
    "Woodgrove Bank plc",
    "Wingtip Toys",
    "School of Fine Art",
    "The Phone Company Ltd",
    "VanArsdel Limited",
    "Relecloud",
    "Best For You Organics",
    "Bellows College",
    "Southridge Video",
    "First Up Consultants",
    "A. Datum Corporation",
];

/// (MPN stem, name, monthly price, monthly cost) of the Microsoft 365 plans.
pub const PLANS: [(&str, &str, &str, &str); 8] = [
    (
        "CFQ7TTC0LH18",
        "Microsoft 365 Business Basic",
        "6.00",
        "5.10",
    ),
    (
        "CFQ7TTC0LDPB",
        "Microsoft 365 Business Standard",
        "12.50",
        "10.63",
    ),
    (
        "CFQ7TTC0LCHC",
        "Microsoft 365 Business Premium",
        "22.00",
        "18.70",
    ),
    ("CFQ7TTC0LFLX", "Microsoft 365 E3", "36.00", "30.60"),
    ("CFQ7TTC0LFLZ", "Microsoft 365 E5", "57.00", "48.45"),
    ("CFQ7TTC0LH16", "Exchange Online (Plan 1)", "4.00", "3.40"),
    ("CFQ7TTC0J1FV", "Microsoft Teams Essentials", "4.00", "3.40"),
    (
        "CFQ7TTC0HCLT",
        "Microsoft Defender for Business",
        "3.00",
        "2.55",
    ),
];

pub const AZURE_MPN: &str = "DZH318Z0BQ3Q:0001";

fn period(kind: &str, duration: i64) -> Value {
    json!({"type": kind, "duration": duration})
}

fn product(
    n: usize,
    mpn: &str,
    name: &str,
    (price, cost): (Decimal, Decimal),
    billing: Value,
    term: Value,
    model: &str,
) -> Value {
    json!({
        "mpn": mpn, "vendor": "Microsoft", "id": format!("PRD{:06}", 326_500 + n), "serviceName": "MS_NCE", "name": name,
        "minimumQuantity": "1", "maximumQuantity": "300",
        "prices": [{"type": "recurring", "model": "FLAT", "currency": orders::CURRENCY, "amount": price.normalize().to_string()}],
        "costs": [{"type": "recurring", "model": "FLAT", "currency": orders::CURRENCY, "amount": cost.normalize().to_string()}],
        "billingPeriod": billing, "subscriptionPeriod": term, "billingModel": model,
        "dependsOn": [], "coterming": {"required": "ALLOWED", "type": "SUBSCRIPTION"},
    })
}

/// Monthly term billed monthly (`P1M`), or annual term billed yearly (`P1Y`); one MPN, told
/// apart by the periods, as real catalogues do.
pub fn line(n: usize, annual: bool, quantity: i64) -> NewOrderLine {
    let (mpn, ..) = PLANS[n % PLANS.len()];
    let (billing, term) = if annual {
        (period("year", 1), period("year", 1))
    } else {
        (period("month", 1), period("month", 1))
    };
    NewOrderLine {
        mpn: format!("{mpn}:0001"),
        vendor: Some("Microsoft".into()),
        billing_period: Some(billing),
        subscription_period: Some(term),
        quantity,
    }
}

pub fn seeded(now: i64) -> Store {
    let mut store = Store {
        next_id: 1_000_000,
        ..Store::default()
    };
    store.users.push(ApiUser {
        username: USERNAME.into(),
        password: PASSWORD.into(),
        subscription_key: SUBSCRIPTION_KEY.into(),
        marketplace: MARKETPLACE.into(),
        reseller_id: RESELLER_ID.into(),
    });
    for (n, (mpn, name, price, cost)) in PLANS.iter().enumerate() {
        let price: Decimal = price.parse().unwrap_or_default();
        let cost: Decimal = cost.parse().unwrap_or_default();
        let mpn = format!("{mpn}:0001");
        store.products.push(product(
            2 * n,
            &mpn,
            name,
            (price, cost),
            period("month", 1),
            period("month", 1),
            "chargeBeforeBillingPeriod",
        ));
        let twelve = Decimal::from(12);
        store.products.push(product(
            2 * n + 1,
            &mpn,
            name,
            (price * twelve, cost * twelve),
            period("year", 1),
            period("year", 1),
            "chargeBeforeBillingPeriod",
        ));
    }
    store.products.push(product(
        99,
        AZURE_MPN,
        "Azure plan (usage)",
        (Decimal::new(100, 2), Decimal::new(85, 2)),
        period("month", 1),
        period("month", 1),
        "chargeAfterBillingPeriod",
    ));

    for (n, name) in CUSTOMERS.iter().enumerate() {
        let id = store.new_id();
        let slug: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        store.customers.insert(
            id,
            json!({
                "id": id.to_string(), "name": name, "status": "active", "resellerId": RESELLER_ID, "language": "en_GB",
                "externalId": "", "attributes": {},
                "address": {"streetAddress": format!("{} High Street", 10 + n), "postalCode": "EC1A 1BB", "city": "London", "countryCode": "GB"},
                "contactPersons": [{"type": "admin", "firstName": "Admin", "lastName": name.split_whitespace().next().unwrap_or("Contact"),
                                    "email": format!("admin@{slug}.example"), "phoneNumber": format!("+44207946{:04}", n)}],
            }),
        );
    }
    history(&mut store, now);
    orders::settle(&mut store, now);
    store
}

fn customer_id(n: usize) -> String {
    (1_000_001 + n as i64).to_string()
}

fn sales(n: usize, line: NewOrderLine) -> NewOrder {
    NewOrder {
        kind: "sales".into(),
        customer_id: customer_id(n),
        subscription_id: None,
        po_number: Some(format!("PO-{:04}", 4700 + n)),
        products: vec![line],
    }
}

fn on_subscription(kind: &str, n: usize, subscription: &str, quantity: Option<i64>) -> NewOrder {
    let products = quantity.map(|q| {
        vec![NewOrderLine {
            mpn: String::new(),
            vendor: None,
            billing_period: None,
            subscription_period: None,
            quantity: q,
        }]
    });
    NewOrder {
        kind: kind.into(),
        customer_id: customer_id(n),
        subscription_id: Some(subscription.to_owned()),
        po_number: None,
        products: products.unwrap_or_default(),
    }
}

/// Places an order completed at `at`, applying it at once so later orders see its effect.
fn placed(store: &mut Store, at: i64, order: &NewOrder) -> Option<String> {
    let id = orders::place(store, order, at, 0, "completed").ok()?;
    orders::apply(store, id);
    store
        .orders
        .get(&id)
        .and_then(|o| o.body["subscriptionId"].as_str().map(str::to_owned))
}

/// Older subscriptions (bought long ago, already billed in Autotask for the customers whose
/// Autotask contracts carry units), then a month of new orders of every type.
fn history(store: &mut Store, now: i64) {
    let long_ago = now - 120 * DAY;
    let mut existing = Vec::new();
    for n in [0usize, 4, 12, 16, 20, 24] {
        if let Some(sub) = placed(
            store,
            long_ago + n as i64 * 3600,
            &sales(n, line(n, false, 5 + n as i64)),
        ) {
            existing.push((n, sub));
        }
    }
    // Older than a month: a first Check Changes must not turn these into tasks.
    placed(store, now - 45 * DAY, &sales(2, line(2, false, 3)));
    placed(store, now - 40 * DAY, &sales(3, line(5, true, 10)));
    let azure = placed(
        store,
        now - 75 * DAY,
        &sales(
            6,
            NewOrderLine {
                mpn: AZURE_MPN.into(),
                vendor: None,
                billing_period: None,
                subscription_period: None,
                quantity: 1,
            },
        ),
    );

    // The last month.
    let mut recent = Vec::new();
    for (k, n) in [1usize, 5, 10, 11, 13, 14, 15, 18, 21, 22, 23, 25, 26]
        .iter()
        .enumerate()
    {
        let annual = n % 3 == 0;
        let at = now - (27 - k as i64 * 2) * DAY;
        if let Some(sub) = placed(store, at, &sales(*n, line(*n, annual, 1 + (*n as i64 % 9)))) {
            recent.push((*n, sub));
        }
    }
    let mut at = now - 20 * DAY;
    for (n, sub) in existing.iter().take(3) {
        placed(
            store,
            at,
            &on_subscription("change", *n, sub, Some(8 + *n as i64)),
        );
        at += DAY;
    }
    for (n, sub) in existing.iter().skip(3).take(2) {
        placed(store, at, &on_subscription("change", *n, sub, Some(2)));
        at += DAY;
    }
    if let Some((n, sub)) = recent.first() {
        placed(
            store,
            now - 3 * DAY,
            &on_subscription("change", *n, sub, Some(4)),
        );
    }
    if let Some((n, sub)) = existing.last() {
        placed(
            store,
            now - 5 * DAY,
            &on_subscription("cancellation", *n, sub, None),
        );
    }
    if let Some(azure) = azure {
        store
            .billed_until
            .insert(azure.parse().unwrap_or_default(), now - 75 * DAY);
    }
    renewal_and_migration(store, now, &existing);
}

/// Renewal and migration orders cannot be placed through the API; the history has one of each.
fn renewal_and_migration(store: &mut Store, now: i64, existing: &[(usize, String)]) {
    for (kind, prefix, (n, sub), days) in [
        ("renewal", "RN", existing.get(1), 8),
        ("migration", "SO", existing.get(2), 6),
    ]
    .into_iter()
    .filter_map(|(k, p, e, d)| e.map(|e| (k, p, e, d)))
    {
        let Some(subscription) = sub
            .parse::<i64>()
            .ok()
            .and_then(|s| store.subscriptions.get(&s))
            .cloned()
        else {
            continue;
        };
        let id = store.new_id();
        let number = store.order_number(prefix);
        let at = now - days * DAY;
        let product = &subscription["products"][0];
        let body = json!({
            "id": id.to_string(), "orderNumber": number, "type": kind, "customerId": customer_id(*n),
            "creationDate": orders::datetime(at), "attributes": {}, "subscriptionId": sub,
            "billingModel": subscription["billingModel"], "total": money(Decimal::ZERO),
            "products": [{
                "mpn": product["mpn"], "vendor": product["vendor"], "id": product["id"], "name": product["name"],
                "quantity": product["quantity"], "billingPeriod": subscription["billingPeriod"],
                "subscriptionPeriod": subscription["subscriptionPeriod"], "subscriptionId": sub,
                "type": if kind == "renewal" { "RENEW" } else { "MIGRATION" },
            }],
            "details": [],
        });
        store.orders.insert(
            id,
            super::store::OrderRecord {
                body,
                created: at,
                completes: at,
                outcome: "completed".into(),
                applied: true,
            },
        );
    }
}
