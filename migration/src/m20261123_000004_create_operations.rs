use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

/// One Check Changes run: its window and what it found.
#[derive(DeriveIden)]
enum CheckRuns {
    Table,
    Id,
    ResellerId,
    Trigger,
    Status,
    WindowFrom,
    WindowTo,
    OrdersSeen,
    TasksCreated,
    Skipped,
    Errors,
    Message,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ActionLog {
    Table,
    Id,
    ResellerId,
    At,
    Level,
    Code,
    Message,
    TaskId,
    Details,
}

/// One row per (reseller, tick, kind): a scheduled run happens once per cluster.
#[derive(DeriveIden)]
enum ScheduleTicks {
    Table,
    Id,
    ResellerId,
    Kind,
    TickAt,
    CreatedAt,
}

/// Autotask requests per database and hour, shared by every node (design §5 limits).
#[derive(DeriveIden)]
enum ApiUsage {
    Table,
    Id,
    Scope,
    HourStart,
    Requests,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckRuns::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CheckRuns::Id))
                    .col(big_integer(CheckRuns::ResellerId))
                    .col(string_len(CheckRuns::Trigger, 16))
                    .col(string_len(CheckRuns::Status, 16))
                    .col(timestamp_with_time_zone_null(CheckRuns::WindowFrom))
                    .col(timestamp_with_time_zone_null(CheckRuns::WindowTo))
                    .col(integer(CheckRuns::OrdersSeen).default(0))
                    .col(integer(CheckRuns::TasksCreated).default(0))
                    .col(integer(CheckRuns::Skipped).default(0))
                    .col(integer(CheckRuns::Errors).default(0))
                    .col(text_null(CheckRuns::Message))
                    .col(timestamp_with_time_zone(CheckRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(CheckRuns::FinishedAt))
                    .foreign_key(&mut fk(
                        "fk_check_runs_reseller",
                        (CheckRuns::Table, CheckRuns::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_check_runs_reseller_started",
                CheckRuns::Table,
                &["reseller_id", "started_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActionLog::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ActionLog::Id))
                    .col(big_integer(ActionLog::ResellerId))
                    .col(timestamp_with_time_zone(ActionLog::At))
                    .col(string_len(ActionLog::Level, 8))
                    .col(string_len(ActionLog::Code, 16))
                    .col(text(ActionLog::Message))
                    .col(big_integer_null(ActionLog::TaskId))
                    .col(text_null(ActionLog::Details))
                    .foreign_key(&mut fk(
                        "fk_action_log_reseller",
                        (ActionLog::Table, ActionLog::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .check(Expr::col(ActionLog::Level).is_in(["info", "warning", "error"]))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_action_log_reseller_at",
                ActionLog::Table,
                &["reseller_id", "at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ScheduleTicks::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ScheduleTicks::Id))
                    .col(big_integer(ScheduleTicks::ResellerId))
                    .col(string_len(ScheduleTicks::Kind, 32))
                    .col(timestamp_with_time_zone(ScheduleTicks::TickAt))
                    .col(timestamp_with_time_zone(ScheduleTicks::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_schedule_ticks_reseller",
                        (ScheduleTicks::Table, ScheduleTicks::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_schedule_ticks_reseller_kind_tick",
                ScheduleTicks::Table,
                &["reseller_id", "kind", "tick_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiUsage::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ApiUsage::Id))
                    .col(string_len(ApiUsage::Scope, 200))
                    .col(timestamp_with_time_zone(ApiUsage::HourStart))
                    .col(big_integer(ApiUsage::Requests).default(0))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_api_usage_scope_hour",
                ApiUsage::Table,
                &["scope", "hour_start"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ApiUsage::Table.into_iden(),
                ScheduleTicks::Table.into_iden(),
                ActionLog::Table.into_iden(),
                CheckRuns::Table.into_iden(),
            ],
        )
        .await
    }
}
