//! Mappings (design §3) and what a task still needs before it can be planned: the customer's
//! Autotask company, the product's service, and the contract (bound already, or the only one
//! that fits).

use anyhow::Context;
use sea_orm::{DatabaseConnection, SqlErr, TransactionTrait};

use super::contracts::{ContractChoice, contracts_of_company, only_fit};
use crate::autotask::{AutotaskApi, AutotaskError};
use crate::db::{self, mappings::TasksOf};
use crate::model::{
    ids::{CustomerRowId, ProductRowId, ResellerId, TaskId},
    task::{Task, TaskEvent, TaskStatus},
};

/// Why a mapping was refused.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("not found")]
    NotFound,
    #[error("this Autotask company is already mapped to another marketplace customer")]
    CompanyTaken,
    /// Only when the reseller's settings keep one product per service.
    #[error("this Autotask service is already mapped to another marketplace product")]
    ServiceTaken,
    #[error("Autotask has no {0} with id {1}")]
    NotInAutotask(&'static str, i64),
    #[error("Autotask could not be asked: {0}")]
    Autotask(#[from] AutotaskError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The text field `field` of a record Autotask has read back, or its id.
fn name_of(record: &serde_json::Value, field: &str, id: i64) -> String {
    record
        .get(field)
        .and_then(|v| v.as_str())
        .map_or_else(|| id.to_string(), str::to_owned)
}

/// Maps a marketplace customer to an Autotask company (one to one); returns the company's name
/// as Autotask has it.
pub async fn map_customer(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    customer: CustomerRowId,
    company: i64,
) -> Result<String, MappingError> {
    let Some(record) = api.get("Companies", company).await? else {
        return Err(MappingError::NotInAutotask("company", company));
    };
    match db::mappings::find_customer_mapped_to(db, reseller, company)
        .await
        .context("reading the mappings")?
    {
        Some(other) if other != customer => return Err(MappingError::CompanyTaken),
        _ => {}
    }
    // The unique index settles a race between two people mapping the same company.
    match db::mappings::set_customer_company(db, reseller, customer, Some(company)).await {
        Ok(true) => Ok(name_of(&record, "companyName", company)),
        Ok(false) => Err(MappingError::NotFound),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(MappingError::CompanyTaken)
        }
        Err(e) => Err(anyhow::Error::new(e).context("mapping the customer").into()),
    }
}

/// Maps a marketplace product (its key) to an Autotask service; returns the service's name as
/// Autotask has it.
pub async fn map_product(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    product: ProductRowId,
    service: i64,
) -> Result<String, MappingError> {
    let Some(record) = api.get("Services", service).await? else {
        return Err(MappingError::NotInAutotask("service", service));
    };
    let shared = db::settings::find_many_products_per_service(db, reseller)
        .await
        .context("reading the settings")?;
    if !shared {
        let others = db::mappings::find_products_mapped_to(db, reseller, service)
            .await
            .context("reading the mappings")?;
        if others.iter().any(|p| p.id != product) {
            return Err(MappingError::ServiceTaken);
        }
    }
    if !db::mappings::set_product_service(db, reseller, product, Some(service))
        .await
        .context("mapping the product")?
    {
        return Err(MappingError::NotFound);
    }
    Ok(name_of(&record, "name", service))
}

/// Maps a kind of fee (`cancellation`) to the Autotask service it is charged through.
pub async fn map_fee(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    fee_kind: &str,
    service: i64,
) -> Result<(), MappingError> {
    if api.get("Services", service).await?.is_none() {
        return Err(MappingError::NotInAutotask("service", service));
    }
    db::mappings::set_fee_service(db, reseller, fee_kind, service)
        .await
        .context("mapping the fee")?;
    Ok(())
}

/// What unmapping means for open tasks: how many new or ready tasks now need the mapping again
/// (ready ones went back to the wizard). Queued, applying and finished tasks are left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmapped {
    pub open_tasks: u64,
}

/// The tasks an unmapping sends back to the wizard.
const NEED_MAPPING: [TaskStatus; 2] = [TaskStatus::New, TaskStatus::Ready];

/// How many open (new or ready) tasks of the customer or product rely on its mapping.
pub async fn open_tasks_of(
    db: &DatabaseConnection,
    reseller: ResellerId,
    of: TasksOf,
) -> Result<u64, MappingError> {
    Ok(
        db::mappings::count_tasks_of_in_status(db, reseller, of, &NEED_MAPPING)
            .await
            .context("counting open tasks")?,
    )
}

/// Removes a customer's or product's mapping, and sends its ready tasks back to the wizard, in
/// one transaction.
async fn unmap(
    db: &DatabaseConnection,
    reseller: ResellerId,
    of: TasksOf,
) -> Result<Unmapped, MappingError> {
    let back = TaskStatus::Ready
        .apply(TaskEvent::Unprepare)
        .map_err(|r| anyhow::anyhow!("{r}"))?;
    let txn = db.begin().await.context("starting a transaction")?;
    let found = match of {
        TasksOf::Customer(customer) => {
            db::mappings::set_customer_company(&txn, reseller, customer, None).await
        }
        TasksOf::Product(product) => {
            db::mappings::set_product_service(&txn, reseller, product, None).await
        }
    }
    .context("removing the mapping")?;
    if !found {
        return Err(MappingError::NotFound);
    }
    db::mappings::move_tasks_of(&txn, reseller, of, TaskStatus::Ready, back)
        .await
        .context("sending ready tasks back to the wizard")?;
    let open_tasks = db::mappings::count_tasks_of_in_status(&txn, reseller, of, &NEED_MAPPING)
        .await
        .context("counting open tasks")?;
    txn.commit().await.context("committing the unmapping")?;
    Ok(Unmapped { open_tasks })
}

/// Unmaps a marketplace customer from its Autotask company.
pub async fn unmap_customer(
    db: &DatabaseConnection,
    reseller: ResellerId,
    customer: CustomerRowId,
) -> Result<Unmapped, MappingError> {
    unmap(db, reseller, TasksOf::Customer(customer)).await
}

/// Unmaps a marketplace product from its Autotask service.
pub async fn unmap_product(
    db: &DatabaseConnection,
    reseller: ResellerId,
    product: ProductRowId,
) -> Result<Unmapped, MappingError> {
    unmap(db, reseller, TasksOf::Product(product)).await
}

/// Removes a fee's service; `NotFound` when it was not mapped.
pub async fn unmap_fee(
    db: &DatabaseConnection,
    reseller: ResellerId,
    fee_kind: &str,
) -> Result<(), MappingError> {
    if db::mappings::delete_fee_service(db, reseller, fee_kind)
        .await
        .context("unmapping the fee")?
    {
        Ok(())
    } else {
        Err(MappingError::NotFound)
    }
}

/// Something a task still needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The order names no subscription that Check Changes could read.
    Subscription,
    /// The marketplace customer is not mapped to an Autotask company.
    Company,
    /// The product is not mapped to an Autotask service.
    Service,
    /// No contract fits; each of the company's contracts says why.
    Contract(Vec<ContractChoice>),
    /// Several contracts fit: a person chooses.
    ContractChoice(Vec<ContractChoice>),
}

/// What a task has and still needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// The task's subscription as read (before any binding made here).
    pub subscription: Option<crate::model::catalog::Subscription>,
    pub company: Option<i64>,
    pub service: Option<i64>,
    pub contract: Option<i64>,
    pub missing: Vec<Missing>,
}

/// Works out what the task still needs; binds the subscription to the only fitting contract.
pub async fn readiness(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    task: &Task,
) -> Result<Readiness, MappingError> {
    let reseller = task.reseller;
    let mut ready = Readiness {
        subscription: None,
        company: None,
        service: None,
        contract: None,
        missing: Vec::new(),
    };
    let subscription = match task.subscription {
        Some(id) => db::mappings::find_subscription_by_row(db, reseller, id)
            .await
            .context("reading the subscription")?,
        None => None,
    };
    let Some(subscription) = subscription else {
        ready.missing.push(Missing::Subscription);
        return Ok(ready);
    };
    ready.subscription = Some(subscription.clone());
    let customer = db::mappings::find_customer(db, reseller, subscription.customer)
        .await
        .context("reading the customer")?;
    ready.company = customer.and_then(|c| c.autotask_company_id);
    let product = match task.product.or(subscription.product) {
        Some(id) => db::mappings::find_product(db, reseller, id)
            .await
            .context("reading the product")?,
        None => None,
    };
    ready.service = product.and_then(|p| p.autotask_service_id);
    if ready.company.is_none() {
        ready.missing.push(Missing::Company);
    }
    if ready.service.is_none() {
        ready.missing.push(Missing::Service);
    }
    if let Some(contract) = subscription.autotask_contract_id {
        // One subscription, one contract: once bound it stays.
        ready.contract = Some(contract);
    } else if let Some(company) = ready.company {
        let date = task
            .effective_date
            .unwrap_or(task.order.created_at.date_naive());
        let choices =
            contracts_of_company(api, company, date, &subscription.billing_period).await?;
        match only_fit(&choices) {
            Some(terms) => {
                let bound = db::mappings::bind_subscription_to_contract(
                    db,
                    reseller,
                    subscription.id,
                    terms.id,
                )
                .await
                .context("binding the subscription")?;
                if bound {
                    ready.contract = Some(terms.id);
                }
            }
            None if choices.iter().any(|c| c.verdict.is_ok()) => {
                ready.missing.push(Missing::ContractChoice(choices));
            }
            None => ready.missing.push(Missing::Contract(choices)),
        }
    }
    if ready.contract.is_none()
        && !ready
            .missing
            .iter()
            .any(|m| matches!(m, Missing::Contract(_) | Missing::ContractChoice(_)))
        && ready.company.is_some()
    {
        ready.missing.push(Missing::Contract(Vec::new()));
    }
    Ok(ready)
}

/// Moves a new task to `ready` when nothing is missing; returns what it still needs.
pub async fn prepare_task(
    db: &DatabaseConnection,
    api: &impl AutotaskApi,
    reseller: ResellerId,
    task: TaskId,
) -> Result<Readiness, MappingError> {
    let task = db::tasks::find_task_for_reseller(db, reseller, task)
        .await
        .context("reading the task")?
        .ok_or(MappingError::NotFound)?;
    let ready = readiness(db, api, &task).await?;
    if ready.missing.is_empty() && task.status == TaskStatus::New {
        let to = task
            .status
            .apply(TaskEvent::Prepare)
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        db::tasks::change_task_status(db, reseller, task.id, task.status, to, Default::default())
            .await
            .context("marking the task ready")?;
    }
    Ok(ready)
}
