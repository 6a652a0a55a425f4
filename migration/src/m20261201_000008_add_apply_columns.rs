use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The exact quantity of a one-time charge (usage may be fractional), fixed point × 10⁴.
#[derive(DeriveIden)]
enum TaskLines {
    Table,
    ChargeQuantityE4,
}

/// Which node's worker is applying a task, and since when: a task left `applying` by a node
/// that died is queued again (the journal makes that safe).
#[derive(DeriveIden)]
enum SyncTasks {
    Table,
    ClaimedBy,
    ClaimedAt,
}

/// A step's outcome code, beside its message, so pages and the log can explain it.
#[derive(DeriveIden)]
enum JournalSteps {
    Table,
    ErrorCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager
            .has_column("task_lines", "charge_quantity_e4")
            .await?
        {
            manager
                .alter_table(
                    Table::alter()
                        .table(TaskLines::Table)
                        .add_column(big_integer_null(TaskLines::ChargeQuantityE4))
                        .take(),
                )
                .await?;
        }
        let task_columns = [
            ("claimed_by", string_len_null(SyncTasks::ClaimedBy, 64)),
            (
                "claimed_at",
                timestamp_with_time_zone_null(SyncTasks::ClaimedAt),
            ),
        ];
        for (name, column) in task_columns {
            if !manager.has_column("sync_tasks", name).await? {
                manager
                    .alter_table(
                        Table::alter()
                            .table(SyncTasks::Table)
                            .add_column(column)
                            .take(),
                    )
                    .await?;
            }
        }
        if !manager.has_column("journal_steps", "error_code").await? {
            manager
                .alter_table(
                    Table::alter()
                        .table(JournalSteps::Table)
                        .add_column(string_len_null(JournalSteps::ErrorCode, 16))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [SyncTasks::ClaimedBy, SyncTasks::ClaimedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncTasks::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(TaskLines::Table)
                    .drop_column(TaskLines::ChargeQuantityE4)
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(JournalSteps::Table)
                    .drop_column(JournalSteps::ErrorCode)
                    .take(),
            )
            .await
    }
}
