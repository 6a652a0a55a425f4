//! A month replayed end to end through both sandboxes (the engine's acceptance point 2): orders
//! placed on the marketplace sandbox on chosen dates of October and November 2026, Check Changes
//! as of 30 November, every task of the customer synced and applied, and what the Autotask
//! sandbox then bills compared with a ledger worked out by hand. Replaying the same orders again
//! changes nothing.
//!
//! The ledger follows the planner's defaults — price source Autotask, Autotask proration, no
//! refunds on downgrade — so an increase counts from its day, a decrease and a cancellation from
//! the start of the next billing period, a fee and a usage charge are one-time charges. A units
//! row bills `units × unit price × days in the row ÷ days in its period`, both ends counted,
//! rounded to four decimals (`app/src/domain/billing_period.rs`); prices are the Autotask seed's
//! (`app/src/sandbox/autotask/seed.rs`).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use psa_sync::{
    autotask::{
        AutotaskClient, Filter, QueryBody,
        models::{ContractCharge, ContractServiceUnit},
    },
    db,
    domain::{mapping, sync},
    model::{
        ids::{CustomerRowId, TaskId},
        journal::StepStatus,
        task::{Quantities, Task, TaskStatus, TaskType},
    },
    sandbox::marketplace::{NewOrderLine, seed},
};
use rust_decimal::Decimal;
use serde_json::json;
use tests::{
    TestApp, autotask,
    engine::{Reseller, day, recurring_contract},
    orders::history::{cancel, change, sale},
    spawn_app,
};

/// Proseware Inc. on the marketplace: the seed places no order of theirs, so every task of
/// theirs comes from this month.
const CUSTOMER: &str = "1000008";
/// Its Autotask twin, whose only seed contract ended in 2025: the month's contracts are its own.
const COMPANY: &str = "Proseware Inc";
/// 36.00 a seat a month, cost 30.60.
const E3_MONTHLY: &str = "Microsoft 365 E3 (Monthly)";
/// 264.00 a seat a year, cost 224.40 (twelve months of 22.00 and 18.70).
const PREMIUM_ANNUAL: &str = "Microsoft 365 Business Premium (Annual)";
/// The seed catalogue's plans (`seed::PLANS`) of the two services above.
const E3_PLAN: usize = 3;
const PREMIUM_PLAN: usize = 2;

/// When Check Changes runs: after the last order of the month, before the Azure plan's
/// November usage is billed (1 December), whenever the test itself runs.
fn checked_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

/// Unix time of an hour of 2026, for the marketplace sandbox's order history.
fn at(month: u32, day: u32, hour: u32) -> i64 {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .unwrap()
        .timestamp()
}

/// The month's tasks, in the order their orders were placed.
struct Tasks {
    annual_sale: Task,
    usage: Task,
    sale: Task,
    increase: Task,
    decrease: Task,
    cancellation: Task,
}

impl Tasks {
    fn ids(&self) -> Vec<TaskId> {
        [
            &self.annual_sale,
            &self.usage,
            &self.sale,
            &self.increase,
            &self.decrease,
            &self.cancellation,
        ]
        .iter()
        .map(|t| t.id)
        .collect()
    }
}

/// The month, played: the reseller (its contract is the monthly one, its service E3), the
/// yearly contract, the services and the tasks, all applied.
struct Month {
    app: TestApp,
    r: Reseller,
    yearly: i64,
    premium: i64,
    customer: CustomerRowId,
    tasks: Tasks,
    /// The usage the marketplace billed for October, as its billing order says.
    usage_quantity: Decimal,
}

/// Places the month's orders, runs Check Changes as of 30 November, maps what the tasks need,
/// and syncs and applies every task of the customer.
async fn played_month() -> Month {
    let app = spawn_app().await;
    let r = Reseller::new(
        &app,
        COMPANY,
        E3_MONTHLY,
        1,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let yearly = recurring_contract(
        &r.client,
        r.company,
        4,
        (day(2026, 1, 1), day(2027, 12, 31)),
    )
    .await;
    let premium = autotask::service(&r.client, PREMIUM_ANNUAL).await.id;
    let recurring = autotask::billing_code(&r.client, "Recurring Services").await;
    let azure = r
        .client
        .create(
            "Services",
            &json!({"name": "Azure plan (usage)", "unitPrice": 1.0, "unitCost": 0.85,
                    "periodType": 1, "billingCodeID": recurring}),
        )
        .await
        .unwrap();
    let fee = r
        .client
        .create(
            "Services",
            &json!({"name": "Early cancellation fee", "unitPrice": 0, "periodType": 1,
                    "billingCodeID": recurring}),
        )
        .await
        .unwrap();

    let sandbox = &app.marketplace_sandbox;
    let azure_line = NewOrderLine {
        mpn: seed::AZURE_MPN.into(),
        vendor: None,
        billing_period: None,
        subscription_period: None,
        quantity: 1,
    };
    let bought = sandbox
        .place_history(&[
            // Bought at midnight, so its first month (October) is billed at midnight on
            // 1 November. The sale itself is older than the window of the first Check Changes
            // (a month back from 30 November 12:00): no task, only its billing is one.
            (at(10, 1, 0), sale(CUSTOMER, azure_line)),
            // Ten seats on an annual term, bought on 31 October: inside that window.
            (
                at(10, 31, 10),
                sale(CUSTOMER, seed::line(PREMIUM_PLAN, true, 10)),
            ),
            (at(11, 2, 9), sale(CUSTOMER, seed::line(E3_PLAN, false, 5))),
        ])
        .unwrap();
    let subscription = |n: usize| bought[n].as_ref().unwrap().subscription_id.clone().unwrap();
    let (azure_sub, annual_sub, e3_sub) = (subscription(0), subscription(1), subscription(2));
    let changed = sandbox
        .place_history(&[
            (at(11, 12, 9), change(CUSTOMER, &e3_sub, 8)),
            (at(11, 20, 9), change(CUSTOMER, &e3_sub, 6)),
            // 25 days into its annual term: past the free week, so a month's fee is charged.
            (at(11, 25, 9), cancel(CUSTOMER, &annual_sub)),
        ])
        .unwrap();
    assert!(changed.iter().all(Result::is_ok), "{changed:?}");
    // The sandbox completes an order, and bills usage, only once its clock has passed it: on a
    // machine whose clock is behind 30 November 2026, move the sandbox's clock there.
    let behind = checked_at().timestamp() - sandbox.now();
    if behind > 0 {
        sandbox.advance_clock(behind).unwrap();
    }

    let marketplace = app.marketplace_client();
    app.check_changes_at(r.id, &marketplace, checked_at())
        .await
        .unwrap();
    let customer = db::catalog::find_customers_for_reseller(app.db(), r.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.mp_customer_id == CUSTOMER)
        .expect("the customer came with its orders")
        .id;
    let tasks = tasks_of(&app, &r, customer).await;
    let usage_order = marketplace
        .order(&tasks.usage.order.mp_order_id)
        .await
        .unwrap();
    assert!(
        usage_order.order_number.starts_with("BO"),
        "{}",
        usage_order.order_number
    );
    assert_eq!(
        usage_order.creation_date,
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    );
    let usage_quantity = usage_order.details[0].quantity.unwrap();

    // What a person maps in the wizard: the customer, each product, the fee, the contracts.
    mapping::map_customer(app.db(), r.client.as_ref(), r.id, customer, r.company)
        .await
        .unwrap();
    mapping::map_fee(app.db(), r.client.as_ref(), r.id, "cancellation", fee)
        .await
        .unwrap();
    for (task, subscription, service, contract) in [
        (&tasks.sale, &e3_sub, r.service, r.contract),
        (&tasks.annual_sale, &annual_sub, premium, yearly),
        (&tasks.usage, &azure_sub, azure, r.contract),
    ] {
        assert_eq!(task.mp_subscription_id.as_ref(), Some(subscription));
        mapping::map_product(
            app.db(),
            r.client.as_ref(),
            r.id,
            task.product.unwrap(),
            service,
        )
        .await
        .unwrap();
        db::mappings::bind_subscription_to_contract(
            app.db(),
            r.id,
            task.subscription.unwrap(),
            contract,
        )
        .await
        .unwrap();
    }

    // Sync all: the changes and the cancellation need the contract services the sales create,
    // so they wait (PLN07) until the sales are written, and are synced again after.
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &tasks.ids())
        .await
        .unwrap();
    assert_eq!(
        synced.queued,
        [tasks.annual_sale.id, tasks.usage.id, tasks.sale.id],
        "{synced:?}"
    );
    let waiting = [tasks.increase.id, tasks.decrease.id, tasks.cancellation.id];
    assert_eq!(
        synced.refused.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        waiting
    );
    assert!(
        synced
            .refused
            .iter()
            .all(|(_, why)| why.ends_with("(PLN07)")),
        "{synced:?}"
    );
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(
        (report.done, report.conflicts, report.failed),
        (3, 0, 0),
        "{report:?}"
    );
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &waiting)
        .await
        .unwrap();
    assert_eq!(synced.queued, waiting, "{synced:?}");
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(
        (report.done, report.conflicts, report.failed),
        (3, 0, 0),
        "{report:?}"
    );
    for id in tasks.ids() {
        let task = db::tasks::find_task_for_reseller(app.db(), r.id, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            task.status,
            TaskStatus::Done,
            "{:?}: {:?}",
            task.order,
            task.failure
        );
    }
    Month {
        app,
        r,
        yearly,
        premium,
        customer,
        tasks,
        usage_quantity,
    }
}

/// The customer's tasks, checked against the orders placed: six, one per order of the window.
async fn tasks_of(app: &TestApp, r: &Reseller, customer: CustomerRowId) -> Tasks {
    let mut ours: Vec<Task> =
        db::tasks::find_tasks_for_reseller(app.db(), r.id, &Default::default(), 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.customer == Some(customer))
            .collect();
    ours.sort_by_key(|t| (t.order.created_at, t.id));
    let q = |old, new| Quantities::between(Some(old), Some(new));
    let facts: Vec<(TaskType, Option<Quantities>)> = ours
        .iter()
        .map(|t| {
            let quantities = (t.facts.task_type != TaskType::Billing).then_some(t.facts.quantities);
            (t.facts.task_type, quantities)
        })
        .collect();
    assert_eq!(
        facts,
        [
            (TaskType::Sales, Some(q(0, 10))),
            (TaskType::Billing, None),
            (TaskType::Sales, Some(q(0, 5))),
            (TaskType::Change, Some(q(5, 8))),
            (TaskType::Change, Some(q(8, 6))),
            (TaskType::Cancellation, Some(q(10, 0))),
        ],
        "the Azure sale of 1 October is older than the first window, so not a task"
    );
    let mut ours = ours.into_iter();
    let mut next = || ours.next().unwrap();
    Tasks {
        annual_sale: next(),
        usage: next(),
        sale: next(),
        increase: next(),
        decrease: next(),
        cancellation: next(),
    }
}

/// A ContractServiceUnits row: a span of one billing period with constant units.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    service: i64,
    start: NaiveDate,
    end: NaiveDate,
    units: i64,
    price: Decimal,
    cost: Decimal,
}

/// A span as the ledger writes it: dates as `2026-11-02`, amounts as decimal text.
fn span(service: i64, start: &str, end: &str, units: i64, price: &str, cost: &str) -> Span {
    Span {
        service,
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
        units,
        price: dec(price),
        cost: dec(cost),
    }
}

/// A ContractCharge, as much of it as the ledger checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Charge {
    name: String,
    date: NaiveDate,
    quantity: Decimal,
    unit_price: Decimal,
    unit_cost: Decimal,
    billable: Decimal,
    extended_cost: Decimal,
}

/// An amount, without trailing zeros: the sandbox answers numbers, the ledger writes text.
fn dec(text: &str) -> Decimal {
    text.parse::<Decimal>().unwrap().normalize()
}

/// What Autotask shows of a contract: its units rows starting before February 2027 (the month,
/// December, and the first period after the cancellation takes effect), and its charges.
async fn ledger_of(client: &AutotaskClient, contract: i64) -> (Vec<Span>, Vec<Charge>) {
    let on_contract = || QueryBody::new(vec![Filter::eq("contractID", contract)]);
    let mut units: Vec<Span> = client
        .query::<ContractServiceUnit>("ContractServiceUnits", &on_contract())
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.start_date.unwrap() < day(2027, 2, 1))
        .map(|u| Span {
            service: u.service_id,
            start: u.start_date.unwrap(),
            end: u.end_date.unwrap(),
            units: u.units,
            price: u.price.unwrap().normalize(),
            cost: u.cost.unwrap().normalize(),
        })
        .collect();
    units.sort();
    let amount = |d: Option<Decimal>| d.unwrap().normalize();
    let mut charges: Vec<Charge> = client
        .query::<ContractCharge>("ContractCharges", &on_contract())
        .await
        .unwrap()
        .into_iter()
        .map(|c| Charge {
            name: c.name,
            date: c.date_purchased.unwrap(),
            quantity: amount(c.unit_quantity),
            unit_price: amount(c.unit_price),
            unit_cost: amount(c.unit_cost),
            billable: amount(c.billable_amount),
            extended_cost: amount(c.extended_cost),
        })
        .collect();
    charges.sort();
    (units, charges)
}

#[tokio::test]
async fn a_month_of_orders_bills_in_autotask_exactly_the_ledger_worked_out_by_hand() {
    let month = played_month().await;
    let (r, tasks) = (&month.r, &month.tasks);
    // A fresh client, so the ledger's own reads are not counted as the engine's.
    let reader = month.app.autotask_client();

    let (units, charges) = ledger_of(&reader, r.contract).await;
    let e3 = r.service;
    assert_eq!(
        units,
        [
            // 2 Nov: 5 seats; November has 30 days, 2–11 Nov are 10 of them.
            // 5 × 36.00 × 10/30 = 60.0000; cost 5 × 30.60 × 10/30 = 51.0000.
            span(e3, "2026-11-02", "2026-11-11", 5, "60", "51"),
            // 12 Nov: +3 from its day (Autotask prorates); 12–30 Nov are 19 days.
            // 8 × 36.00 × 19/30 = 182.4000; cost 8 × 30.60 × 19/30 = 155.0400.
            span(e3, "2026-11-12", "2026-11-30", 8, "182.4", "155.04"),
            // 20 Nov: −2 from the next period, 1 Dec; no credit for November.
            // 6 × 36.00 = 216.0000; cost 6 × 30.60 = 183.6000. January stays so.
            span(e3, "2026-12-01", "2026-12-31", 6, "216", "183.6"),
            span(e3, "2027-01-01", "2027-01-31", 6, "216", "183.6"),
        ],
        "the Azure plan bills its usage as charges and has no units"
    );
    // October's usage (`usage` units, as the billing order says), charged on its billing date,
    // 1 November, at the subscription's 1.00 a unit (cost 0.85).
    let usage = month.usage_quantity.normalize();
    assert_eq!(
        charges,
        [Charge {
            name: format!("Azure plan (usage) [psa-sync T{}-L1]", tasks.usage.id.0),
            date: day(2026, 11, 1),
            quantity: usage,
            unit_price: dec("1"),
            unit_cost: dec("0.85"),
            billable: usage,
            extended_cost: (usage * dec("0.85")).normalize(),
        }]
    );

    let (units, charges) = ledger_of(&reader, month.yearly).await;
    let premium = month.premium;
    assert_eq!(
        units,
        [
            // 31 Oct: 10 seats for the rest of the yearly period 2026 (365 days); 31 Oct – 31 Dec
            // are 1 + 30 + 31 = 62 days. 10 × 264.00 × 62/365 = 163680/365 = 448.43835… →
            // 448.4384; cost 10 × 224.40 × 62/365 = 139128/365 = 381.17260… → 381.1726.
            span(
                premium,
                "2026-10-31",
                "2026-12-31",
                10,
                "448.4384",
                "381.1726"
            ),
            // 25 Nov: the cancellation takes the 10 seats away from the next period on.
            span(premium, "2027-01-01", "2027-12-31", 0, "0", "0"),
        ]
    );
    assert_eq!(
        charges,
        [Charge {
            // Line 1 of the cancellation is its unit change, line 2 the fee.
            name: format!(
                "Early cancellation fee [psa-sync T{}-L2]",
                tasks.cancellation.id.0
            ),
            // Dated the day of the cancellation: one month of 264.00 for 10 seats,
            // 264.00 ÷ 12 × 10 = 220.00; cost 224.40 ÷ 12 × 10 = 187.00.
            date: day(2026, 11, 25),
            quantity: dec("1"),
            unit_price: dec("220"),
            unit_cost: dec("187"),
            billable: dec("220"),
            extended_cost: dec("187"),
        }]
    );
}

#[tokio::test]
async fn replaying_the_same_month_again_creates_no_task_and_writes_nothing() {
    let month = played_month().await;
    let (app, r) = (&month.app, &month.r);
    let reader = app.autotask_client();
    let before = (
        ledger_of(&reader, r.contract).await,
        ledger_of(&reader, month.yearly).await,
    );
    let calls = r.client.calls();

    // The same orders, seen again as of the same time: no new task …
    let again = app
        .check_changes_at(r.id, &app.marketplace_client(), checked_at())
        .await
        .unwrap();
    assert_eq!(again.tasks_created, 0, "{again:?}");
    let all = db::tasks::find_tasks_for_reseller(app.db(), r.id, &Default::default(), 10_000)
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .filter(|t| t.customer == Some(month.customer))
            .count(),
        6
    );
    // … and syncing and applying them again is refused: they are done.
    let ids = month.tasks.ids();
    let synced = sync::sync_tasks(app.db(), r.client.as_ref(), r.id, &ids)
        .await
        .unwrap();
    assert!(
        synced.queued.is_empty() && synced.nothing_to_do.is_empty(),
        "{synced:?}"
    );
    assert_eq!(synced.refused.len(), 6);
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(report, Default::default());
    assert_eq!(r.client.calls(), calls, "not one request to Autotask");

    // Even a worker that lost every record of its progress writes nothing: each step finds
    // Autotask showing its "after" (units, the contract service, the charges' references).
    for id in &ids {
        let mut steps = db::journal::find_steps(app.db(), r.id, *id).await.unwrap();
        for step in &mut steps {
            step.status = StepStatus::Pending;
            db::journal::record_step(app.db(), step).await.unwrap();
        }
        db::tasks::change_task_status(
            app.db(),
            r.id,
            *id,
            TaskStatus::Done,
            TaskStatus::Queued,
            Default::default(),
        )
        .await
        .unwrap();
    }
    let report = sync::apply_queued(app.db(), r.client.as_ref(), r.id, "test-node")
        .await
        .unwrap();
    assert_eq!(
        (report.done, report.conflicts, report.failed),
        (6, 0, 0),
        "{report:?}"
    );
    // Adjustments are never read back, so their count is the writes; a charge or contract
    // service made twice would show in the ledger below (queries go by POST too).
    assert_eq!(
        r.client.calls().get("ContractServiceAdjustments POST"),
        calls.get("ContractServiceAdjustments POST")
    );
    assert_eq!(
        (
            ledger_of(&reader, r.contract).await,
            ledger_of(&reader, month.yearly).await
        ),
        before,
        "Autotask shows the same units and charges"
    );
}
