use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What Check Changes works out of an order, kept on the task so the planner never parses the
/// order again: the marketplace subscription, the product key, the quantities and the direction.
#[derive(DeriveIden)]
enum SyncTasks {
    Table,
    MpSubscriptionId,
    ProductId,
    QuantityOld,
    QuantityNew,
    QuantityDelta,
    Direction,
}

/// A run's liveness: which node runs it and when it last showed it is alive, so a run whose
/// process died is marked failed instead of blocking the button for good.
#[derive(DeriveIden)]
enum CheckRuns {
    Table,
    Node,
    HeartbeatAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let task_columns = [
            (
                "mp_subscription_id",
                string_len_null(SyncTasks::MpSubscriptionId, 64),
            ),
            ("product_id", big_integer_null(SyncTasks::ProductId)),
            ("quantity_old", big_integer_null(SyncTasks::QuantityOld)),
            ("quantity_new", big_integer_null(SyncTasks::QuantityNew)),
            ("quantity_delta", big_integer_null(SyncTasks::QuantityDelta)),
            (
                "direction",
                string_len_null(SyncTasks::Direction, 16)
                    .check(Expr::col(SyncTasks::Direction).is_in(["up", "down", "unchanged"]))
                    .take(),
            ),
        ];
        for (name, column) in task_columns {
            if manager.has_column("sync_tasks", name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncTasks::Table)
                        .add_column(column)
                        .take(),
                )
                .await?;
        }
        manager
            .create_index(index(
                "ix_sync_tasks_reseller_product",
                SyncTasks::Table,
                &["reseller_id", "product_id"],
            ))
            .await?;
        let run_columns = [
            ("node", string_len_null(CheckRuns::Node, 64)),
            (
                "heartbeat_at",
                timestamp_with_time_zone_null(CheckRuns::HeartbeatAt),
            ),
        ];
        for (name, column) in run_columns {
            if manager.has_column("check_runs", name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(CheckRuns::Table)
                        .add_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sync_tasks_reseller_product")
                    .table(SyncTasks::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            SyncTasks::MpSubscriptionId,
            SyncTasks::ProductId,
            SyncTasks::QuantityOld,
            SyncTasks::QuantityNew,
            SyncTasks::QuantityDelta,
            SyncTasks::Direction,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncTasks::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        for column in [CheckRuns::Node, CheckRuns::HeartbeatAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CheckRuns::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
