use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index, money_null, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resellers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
}

/// One sync task per marketplace order (unique per reseller + order id).
#[derive(DeriveIden)]
enum SyncTasks {
    Table,
    Id,
    ResellerId,
    MpOrderId,
    OrderNumber,
    OrderType,
    TaskType,
    Status,
    CustomerId,
    SubscriptionId,
    EffectiveDate,
    OrderCreatedAt,
    OrderSnapshot,
    IgnoreReason,
    ErrorCode,
    ErrorMessage,
    CreatedAt,
    UpdatedAt,
}

/// The planned lines of a task, as reviewed (and possibly edited) in the wizard.
#[derive(DeriveIden)]
enum TaskLines {
    Table,
    Id,
    ResellerId,
    TaskId,
    LineNo,
    Kind,
    ProductId,
    AutotaskServiceId,
    ServiceName,
    InvoiceDescription,
    EffectiveDate,
    EndDate,
    CurrentQuantity,
    QuantityChange,
    UnitPriceE4,
    UnitCostE4,
    Selected,
    Detail,
}

/// The exactly-once journal: one step per (task, line) with the units expected before and after
/// at its effective date (design §5).
#[derive(DeriveIden)]
enum JournalSteps {
    Table,
    Id,
    ResellerId,
    TaskId,
    LineNo,
    AutotaskContractId,
    AutotaskContractServiceId,
    EffectiveDate,
    ExpectedBefore,
    ExpectedAfter,
    FoundUnits,
    Reference,
    Status,
    Attempts,
    LastError,
    UpdatedAt,
}

const TASK_STATUSES: [&str; 8] = [
    "new", "ready", "queued", "applying", "done", "failed", "conflict", "ignored",
];
const TASK_TYPES: [&str; 6] = [
    "sales",
    "change",
    "billing",
    "cancellation",
    "renewal",
    "reconcile",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SyncTasks::Table)
                    .if_not_exists()
                    .col(big_pk_auto(SyncTasks::Id))
                    .col(big_integer(SyncTasks::ResellerId))
                    .col(string_len(SyncTasks::MpOrderId, 64))
                    .col(string_len(SyncTasks::OrderNumber, 64))
                    .col(string_len(SyncTasks::OrderType, 32))
                    .col(string_len(SyncTasks::TaskType, 16))
                    .col(string_len(SyncTasks::Status, 16))
                    .col(big_integer_null(SyncTasks::CustomerId))
                    .col(big_integer_null(SyncTasks::SubscriptionId))
                    .col(date_null(SyncTasks::EffectiveDate))
                    .col(timestamp_with_time_zone(SyncTasks::OrderCreatedAt))
                    .col(json_null(SyncTasks::OrderSnapshot))
                    .col(text_null(SyncTasks::IgnoreReason))
                    .col(string_len_null(SyncTasks::ErrorCode, 32))
                    .col(text_null(SyncTasks::ErrorMessage))
                    .col(timestamp_with_time_zone(SyncTasks::CreatedAt))
                    .col(timestamp_with_time_zone(SyncTasks::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_sync_tasks_reseller",
                        (SyncTasks::Table, SyncTasks::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .foreign_key(
                        &mut fk(
                            "fk_sync_tasks_customer",
                            (SyncTasks::Table, SyncTasks::CustomerId),
                            (Customers::Table, Customers::Id),
                        )
                        .on_delete(ForeignKeyAction::SetNull)
                        .take(),
                    )
                    .foreign_key(
                        &mut fk(
                            "fk_sync_tasks_subscription",
                            (SyncTasks::Table, SyncTasks::SubscriptionId),
                            (Subscriptions::Table, Subscriptions::Id),
                        )
                        .on_delete(ForeignKeyAction::SetNull)
                        .take(),
                    )
                    .check(Expr::col(SyncTasks::Status).is_in(TASK_STATUSES))
                    .check(Expr::col(SyncTasks::TaskType).is_in(TASK_TYPES))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_sync_tasks_reseller_order",
                SyncTasks::Table,
                &["reseller_id", "mp_order_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_sync_tasks_reseller_status",
                SyncTasks::Table,
                &["reseller_id", "status"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_sync_tasks_subscription_order",
                SyncTasks::Table,
                &["subscription_id", "order_created_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskLines::Table)
                    .if_not_exists()
                    .col(big_pk_auto(TaskLines::Id))
                    .col(big_integer(TaskLines::ResellerId))
                    .col(big_integer(TaskLines::TaskId))
                    .col(integer(TaskLines::LineNo))
                    .col(string_len(TaskLines::Kind, 32))
                    .col(big_integer_null(TaskLines::ProductId))
                    .col(big_integer_null(TaskLines::AutotaskServiceId))
                    .col(string_len(TaskLines::ServiceName, 150))
                    .col(string_len_null(TaskLines::InvoiceDescription, 1000))
                    .col(date(TaskLines::EffectiveDate))
                    .col(date_null(TaskLines::EndDate))
                    .col(big_integer(TaskLines::CurrentQuantity))
                    .col(big_integer(TaskLines::QuantityChange))
                    .col(money_null(TaskLines::UnitPriceE4))
                    .col(money_null(TaskLines::UnitCostE4))
                    .col(boolean(TaskLines::Selected).default(true))
                    .col(text_null(TaskLines::Detail))
                    .foreign_key(&mut fk(
                        "fk_task_lines_task",
                        (TaskLines::Table, TaskLines::TaskId),
                        (SyncTasks::Table, SyncTasks::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_lines_reseller",
                        (TaskLines::Table, TaskLines::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_task_lines_task_line",
                TaskLines::Table,
                &["task_id", "line_no"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(JournalSteps::Table)
                    .if_not_exists()
                    .col(big_pk_auto(JournalSteps::Id))
                    .col(big_integer(JournalSteps::ResellerId))
                    .col(big_integer(JournalSteps::TaskId))
                    .col(integer(JournalSteps::LineNo))
                    .col(big_integer(JournalSteps::AutotaskContractId))
                    .col(big_integer_null(JournalSteps::AutotaskContractServiceId))
                    .col(date(JournalSteps::EffectiveDate))
                    .col(big_integer(JournalSteps::ExpectedBefore))
                    .col(big_integer(JournalSteps::ExpectedAfter))
                    .col(big_integer_null(JournalSteps::FoundUnits))
                    .col(string_len(JournalSteps::Reference, 64))
                    .col(string_len(JournalSteps::Status, 16).default("pending"))
                    .col(integer(JournalSteps::Attempts).default(0))
                    .col(text_null(JournalSteps::LastError))
                    .col(timestamp_with_time_zone(JournalSteps::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_journal_steps_task",
                        (JournalSteps::Table, JournalSteps::TaskId),
                        (SyncTasks::Table, SyncTasks::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_journal_steps_reseller",
                        (JournalSteps::Table, JournalSteps::ResellerId),
                        (Resellers::Table, Resellers::Id),
                    ))
                    .check(
                        Expr::col(JournalSteps::Status)
                            .is_in(["pending", "done", "conflict", "failed", "skipped"]),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_journal_steps_task_line",
                JournalSteps::Table,
                &["task_id", "line_no"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                JournalSteps::Table.into_iden(),
                TaskLines::Table.into_iden(),
                SyncTasks::Table.into_iden(),
            ],
        )
        .await
    }
}
