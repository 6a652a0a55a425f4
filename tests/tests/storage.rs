//! Data survives restarts, migrations are idempotent, and money is exact on both databases.

use entities::task_lines;
use psa_sync::{domain::accounts::Role, model::money::Money};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use tests::{spawn_app, spawn_app_with};

use crate::support::insert_task;

#[tokio::test]
async fn restarting_keeps_users_tasks_and_secrets() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    let task = insert_task(app.db(), admin.reseller_id, "R-1").await;
    admin
        .client
        .post_form(
            "/settings/autotask",
            &[
                ("username", "api@acme.example"),
                ("secret", "kept-secret"),
                ("integration_code", "C"),
            ],
        )
        .await;
    let (settings, data_dir) = (app.settings.clone(), app.data_dir.clone());
    app.stop().await.unwrap();

    let again = spawn_app_with(settings, data_dir).await;
    let client = tests::Client::new(&again.address);
    assert_eq!(
        client.login(&admin.email, &admin.password).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        client.get(&format!("/tasks/{task}")).await.status,
        StatusCode::OK
    );
    let stored = psa_sync::db::connections::find_autotask_connection(again.db(), admin.reseller_id)
        .await
        .unwrap()
        .unwrap();
    let secret = again.state.key.open(&stored.secret_ciphertext).unwrap();
    assert_eq!(secrecy::ExposeSecret::expose_secret(&secret), "kept-secret");
}

#[tokio::test]
async fn running_migrations_again_is_harmless() {
    let app = spawn_app().await;
    let admin = app.signed_in("Acme", Role::Admin).await;
    psa_sync::db::migrate(app.db()).await.unwrap();
    psa_sync::db::migrate(app.db()).await.unwrap();
    let backend = app.db().get_database_backend();
    let applied = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(
        applied as usize,
        <migration::Migrator as migration::MigratorTrait>::migrations().len()
    );
    assert_eq!(admin.client.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn money_round_trips_exactly_through_the_database() {
    let app = spawn_app().await;
    let user = app.user("Acme", Role::Admin).await;
    let task = insert_task(app.db(), user.reseller_id, "M-1").await;
    let sum = Money::parse("0.1").unwrap() + Money::parse("0.2").unwrap();
    let cases = [
        (sum, "0.3"),
        (Money::parse("12.3456").unwrap(), "12.3456"),
        (Money::parse("-5.00").unwrap(), "-5"),
        (
            Money::parse("92233720368.5477").unwrap(),
            "92233720368.5477",
        ),
    ];
    for (line_no, (amount, expected)) in cases.iter().enumerate() {
        let inserted = task_lines::ActiveModel {
            reseller_id: Set(user.reseller_id.0),
            task_id: Set(task.0),
            line_no: Set(line_no as i32),
            kind: Set("adjustment".into()),
            service_name: Set("Microsoft 365 Business Basic".into()),
            effective_date: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            current_quantity: Set(0),
            quantity_change: Set(1),
            unit_price_e4: Set(Some(amount.to_e4().unwrap())),
            unit_cost_e4: Set(Some(amount.to_e4().unwrap())),
            selected: Set(true),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .unwrap();
        let read = task_lines::Entity::find_by_id(inserted.id)
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        let price = Money::from_e4(read.unit_price_e4.unwrap());
        assert_eq!(price, *amount);
        assert_eq!(price.amount().to_string(), *expected);
    }
}

#[tokio::test]
async fn the_suite_runs_on_the_backend_it_was_asked_for() {
    let app = spawn_app().await;
    let expected = if tests::postgres::enabled() {
        sea_orm::DatabaseBackend::Postgres
    } else {
        sea_orm::DatabaseBackend::Sqlite
    };
    assert_eq!(app.db().get_database_backend(), expected);
}
