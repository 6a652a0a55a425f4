use sea_orm_migration::prelude::*;

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncTasks {
    Table,
}

#[derive(DeriveIden)]
enum JournalSteps {
    Table,
}

/// The task list pages through a reseller's tasks newest order first, filtered by status, type
/// or customer. One index per filter, ending in the list's order, lets both databases read a
/// page and count the matches from the index alone, however many tasks there are. The status
/// index takes over from `ix_sync_tasks_reseller_status`, which is its prefix.
const INDEXES: &[(&str, &[&str])] = &[
    (
        "ix_sync_tasks_reseller_ordered_at",
        &["reseller_id", "order_created_at", "id"],
    ),
    (
        "ix_sync_tasks_reseller_status_order",
        &["reseller_id", "status", "order_created_at", "id"],
    ),
    (
        "ix_sync_tasks_reseller_type_order",
        &["reseller_id", "task_type", "order_created_at", "id"],
    ),
    (
        "ix_sync_tasks_reseller_customer_order",
        &["reseller_id", "customer_id", "order_created_at", "id"],
    ),
    // The planner reads the unfinished tasks of a task's subscription for every plan. With
    // only `subscription_id` leading an index, SQLite (without statistics) preferred any
    // `reseller_id` index and read every task of the reseller: 10,000 rows per review step.
    // The dashboard counts a reseller's tasks by status and type in one GROUP BY.
    (
        "ix_sync_tasks_reseller_status_type",
        &["reseller_id", "status", "task_type"],
    ),
    (
        "ix_sync_tasks_reseller_subscription_order",
        &["reseller_id", "subscription_id", "order_created_at", "id"],
    ),
];

/// Every plan reads the pending journal steps of its contract services; the journal keeps
/// every step ever written, so without an index each plan read all of it.
const JOURNAL_INDEX: (&str, &[&str]) = (
    "ix_journal_steps_reseller_status_service",
    &["reseller_id", "status", "autotask_contract_service_id"],
);

const REPLACED: (&str, &[&str]) = ("ix_sync_tasks_reseller_status", &["reseller_id", "status"]);

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in INDEXES {
            manager
                .create_index(index(name, SyncTasks::Table, cols))
                .await?;
        }
        manager
            .create_index(index(JOURNAL_INDEX.0, JournalSteps::Table, JOURNAL_INDEX.1))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(REPLACED.0)
                    .table(SyncTasks::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(REPLACED.0, SyncTasks::Table, REPLACED.1))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(JOURNAL_INDEX.0)
                    .table(JournalSteps::Table)
                    .to_owned(),
            )
            .await?;
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(SyncTasks::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
