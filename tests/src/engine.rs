//! A reseller wired for the engine: connected to the Autotask sandbox, with a contract of its
//! own and tasks recorded as Check Changes would record them, on chosen dates.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use psa_sync::{
    autotask::{AutotaskApiExt, AutotaskClient, Filter, QueryBody, models::ContractServiceUnit},
    db,
    domain::{
        accounts::Role,
        connections::{self, AutotaskConnectionInput},
    },
    model::{
        catalog::{ProductKey, SubscriptionSnapshot},
        ids::{ResellerId, SubscriptionRowId, TaskId},
        money::Money,
        task::{Direction, NewTask, OrderRef, Quantities, TaskFacts, TaskType},
    },
    sandbox::autotask::seed,
};
use secrecy::SecretString;
use serde_json::json;

use crate::{TestApp, autotask};

/// A date, for tests.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// A reseller connected to the sandbox, with a monthly contract of its own.
pub struct Reseller {
    pub id: ResellerId,
    pub client: Arc<AutotaskClient>,
    pub company: i64,
    pub contract: i64,
    pub service: i64,
}

impl Reseller {
    /// Connects a new reseller to the sandbox and gives `company` a Recurring Service contract
    /// of `period_type` (1 monthly, 2 quarterly, 4 yearly) from `start` to `end`.
    pub async fn new(
        app: &TestApp,
        company: &str,
        service: &str,
        period_type: i64,
        (start, end): (NaiveDate, NaiveDate),
    ) -> Self {
        let id = app.user("Engine Reseller", Role::Admin).await.reseller_id;
        connections::save_autotask_connection(
            app.db(),
            &app.state.key,
            id,
            AutotaskConnectionInput {
                api_url: Some("/sandbox/autotask/atservicesrest".into()),
                username: seed::API_USER.into(),
                integration_code: seed::INTEGRATION_CODE.into(),
                secret: Some(SecretString::from(seed::API_SECRET)),
            },
        )
        .await
        .expect("connected");
        let client = app
            .state
            .connections
            .autotask(id)
            .await
            .expect("client")
            .expect("connected");
        let companies: Vec<serde_json::Value> = client
            .query_as(
                "Companies",
                &QueryBody::new(vec![Filter::eq("companyName", company)]),
            )
            .await
            .expect("companies");
        let company = companies[0]["id"].as_i64().expect("a company id");
        let contract = recurring_contract(&client, company, period_type, (start, end)).await;
        let service = autotask::service(&client, service).await.id;
        Self {
            id,
            client,
            company,
            contract,
            service,
        }
    }

    /// A subscription of a customer mapped to the company, its product mapped to the service,
    /// bound to the contract; `billing` is `month:1`, `year:1`, …
    pub async fn subscription(
        &self,
        app: &TestApp,
        name: &str,
        billing: &str,
        price: &str,
    ) -> SubscriptionRowId {
        let subscription = self
            .unmapped_subscription(app, name, name, billing, price)
            .await;
        let sub = db::mappings::find_subscription_by_row(app.db(), self.id, subscription)
            .await
            .expect("subscription")
            .expect("found");
        db::mappings::set_customer_company(app.db(), self.id, sub.customer, Some(self.company))
            .await
            .expect("customer mapped");
        db::mappings::set_product_service(
            app.db(),
            self.id,
            sub.product.expect("a product"),
            Some(self.service),
        )
        .await
        .expect("product mapped");
        db::mappings::bind_subscription_to_contract(app.db(), self.id, subscription, self.contract)
            .await
            .expect("bound");
        subscription
    }

    /// A subscription of a new marketplace customer and product, nothing mapped or bound, as
    /// Check Changes leaves a first order.
    pub async fn unmapped_subscription(
        &self,
        app: &TestApp,
        customer: &str,
        product: &str,
        billing: &str,
        price: &str,
    ) -> SubscriptionRowId {
        let customer =
            db::catalog::upsert_customer(app.db(), self.id, &format!("MP-{customer}"), customer)
                .await
                .expect("customer");
        let key = ProductKey {
            mpn: format!("MPN-{product}"),
            vendor: "Microsoft".into(),
            billing_period: billing.into(),
            subscription_period: billing.into(),
        };
        let product = db::catalog::upsert_product(app.db(), self.id, &key, product)
            .await
            .expect("product");
        db::catalog::upsert_subscription(
            app.db(),
            self.id,
            &SubscriptionSnapshot {
                mp_subscription_id: format!("SUB-{}-{}", customer.0, product.0),
                customer,
                product: Some(product),
                status: "active".into(),
                billing_period: billing.into(),
                currency: Some("EUR".into()),
                unit_price: Some(Money::parse(price).expect("a price")),
                unit_cost: Some(Money::parse(price).expect("a price")),
                snapshot: json!({}),
            },
        )
        .await
        .expect("subscription")
        .id
    }

    /// Records a task of the subscription as Check Changes would: its order on `date`.
    pub async fn task(
        &self,
        app: &TestApp,
        subscription: SubscriptionRowId,
        task_type: TaskType,
        (old, new): (i64, i64),
        date: NaiveDate,
    ) -> TaskId {
        let sub = db::mappings::find_subscription_by_row(app.db(), self.id, subscription)
            .await
            .expect("subscription")
            .expect("found");
        let order = format!(
            "O-{}-{}-{date}-{old}-{new}",
            subscription.0,
            uuid::Uuid::new_v4().simple()
        );
        let created = Utc.from_utc_datetime(&date.and_hms_opt(9, 0, 0).expect("a time"));
        let direction = match new.cmp(&old) {
            std::cmp::Ordering::Greater => Direction::Up,
            std::cmp::Ordering::Less => Direction::Down,
            std::cmp::Ordering::Equal => Direction::Unchanged,
        };
        let task = NewTask {
            reseller: self.id,
            order: OrderRef {
                mp_order_id: order.clone(),
                order_number: order.clone(),
                order_type: "change".into(),
                created_at: created,
            },
            facts: TaskFacts {
                task_type,
                direction: Some(direction),
                quantities: Quantities::between(Some(old), Some(new)),
            },
            customer: sub.customer,
            subscription: Some(subscription),
            mp_subscription_id: Some(sub.mp_subscription_id.clone()),
            product: sub.product,
            effective_date: date,
            order_snapshot: json!({"id": order}),
        };
        assert!(
            db::tasks::insert_task_if_new(app.db(), &task)
                .await
                .expect("task")
        );
        db::tasks::find_tasks_for_reseller(app.db(), self.id, &Default::default(), 10_000)
            .await
            .expect("tasks")
            .into_iter()
            .find(|t| t.order.mp_order_id == order)
            .expect("the task")
            .id
    }

    /// Units of the service on the contract on `date`, as the sandbox shows them.
    pub async fn units_on(&self, date: NaiveDate) -> i64 {
        let rows: Vec<ContractServiceUnit> = self
            .client
            .query_as(
                "ContractServiceUnits",
                &QueryBody::new(vec![
                    Filter::eq("contractID", self.contract),
                    Filter::eq("serviceID", self.service),
                ]),
            )
            .await
            .expect("units");
        rows.iter()
            .find(|r| {
                r.start_date.is_some_and(|s| s <= date) && r.end_date.is_some_and(|e| date <= e)
            })
            .map_or(0, |r| r.units)
    }
}

/// A new active Recurring Service contract of `company` with `period_type` (1 monthly,
/// 2 quarterly, 4 yearly) from `start` to `end`.
pub async fn recurring_contract(
    client: &AutotaskClient,
    company: i64,
    period_type: i64,
    (start, end): (NaiveDate, NaiveDate),
) -> i64 {
    client
        .create(
            "Contracts",
            &json!({"companyID": company, "contractName": format!("Engine test {start} ({period_type})"),
                    "contractType": 7, "contractPeriodType": period_type, "status": 1,
                    "startDate": format!("{start}T00:00:00Z"), "endDate": format!("{end}T00:00:00Z"),
                    "timeReportingRequiresStartAndStopTimes": 0}),
        )
        .await
        .expect("contract created")
}
