//! What the wizard knows of a task: its customer, product and subscription, which step comes
//! next, and the task in words.

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::db;
use crate::domain::tasks::TaskError;
use crate::model::{
    catalog::{Customer, Product, Subscription},
    ids::{ResellerId, TaskId},
    task::{Task, TaskType},
};

/// A step of the wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Customer,
    Product,
    Contract,
    Review,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 4] = [Step::Customer, Step::Product, Step::Contract, Step::Review];
}

/// A task with the records the wizard's steps work on.
#[derive(Debug, Clone)]
pub struct WizardFacts {
    pub task: Task,
    pub customer: Option<Customer>,
    pub product: Option<Product>,
    pub subscription: Option<Subscription>,
}

impl WizardFacts {
    /// The first step not yet satisfied (design §2.3: satisfied steps are skipped).
    pub fn next_step(&self) -> Step {
        if self
            .customer
            .as_ref()
            .and_then(|c| c.autotask_company_id)
            .is_none()
        {
            Step::Customer
        } else if self
            .product
            .as_ref()
            .and_then(|p| p.autotask_service_id)
            .is_none()
        {
            Step::Product
        } else if self
            .subscription
            .as_ref()
            .and_then(|s| s.autotask_contract_id)
            .is_none()
        {
            Step::Contract
        } else {
            Step::Review
        }
    }

    /// Whether a step is satisfied already.
    pub fn satisfied(&self, step: Step) -> bool {
        step < self.next_step()
    }
}

/// Reads the task of the reseller and what its steps need; another reseller's task is
/// `NotFound`.
pub async fn facts_of_task(
    db: &DatabaseConnection,
    reseller: ResellerId,
    task: TaskId,
) -> Result<WizardFacts, TaskError> {
    let task = db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading the task")?
        .ok_or(TaskError::NotFound)?;
    let subscription = match task.subscription {
        Some(id) => db::mappings::find_subscription_by_row(db, reseller, id)
            .await
            .context("reading the subscription")?,
        None => None,
    };
    let customer_id = task.customer.or(subscription.as_ref().map(|s| s.customer));
    let customer = match customer_id {
        Some(id) => db::mappings::find_customer(db, reseller, id)
            .await
            .context("reading the customer")?,
        None => None,
    };
    let product_id = task
        .product
        .or(subscription.as_ref().and_then(|s| s.product));
    let product = match product_id {
        Some(id) => db::mappings::find_product(db, reseller, id)
            .await
            .context("reading the product")?,
        None => None,
    };
    Ok(WizardFacts {
        task,
        customer,
        product,
        subscription,
    })
}

/// The task in words: "Microsoft 365 E3 for Contoso: 2 → 4, +2 from 20 Nov 2026".
pub fn summary(facts: &WizardFacts) -> String {
    let product = facts
        .product
        .as_ref()
        .map_or("A subscription", |p| p.name.as_str());
    let customer = facts
        .customer
        .as_ref()
        .map_or("an unknown customer", |c| c.name.as_str());
    let task = &facts.task;
    let date = task
        .effective_date
        .unwrap_or_else(|| task.order.created_at.date_naive());
    let q = &task.facts.quantities;
    let change = match (q.old, q.new) {
        (Some(old), Some(new)) if new != old => {
            format!(": {old} → {new}, {:+} from {}", new - old, when(date))
        }
        (None, Some(new)) => format!(": {new} from {}", when(date)),
        _ => format!(" from {}", when(date)),
    };
    match task.facts.task_type {
        TaskType::Cancellation => {
            format!("{product} for {customer}: cancelled from {}", when(date))
        }
        TaskType::Billing => format!("{product} for {customer}: usage billed on {}", when(date)),
        TaskType::Renewal => format!("{product} for {customer}: renewed on {}", when(date)),
        _ => format!("{product} for {customer}{change}"),
    }
}

fn when(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}
