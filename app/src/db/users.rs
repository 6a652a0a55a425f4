use chrono::Utc;
use entities::users;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};

use super::stored::Stored;
use crate::model::{
    account::{Role, StoredUser},
    ids::{ResellerId, UserId},
};

pub async fn find_user_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<StoredUser>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
        .map(|row| {
            Ok(StoredUser {
                id: UserId(row.id),
                reseller: ResellerId(row.reseller_id),
                email: row.email,
                password_hash: row.password_hash,
                role: Role::from_word(&row.role)?,
            })
        })
        .transpose()
}

pub async fn insert_user<C: ConnectionTrait>(
    db: &C,
    reseller: ResellerId,
    email: &str,
    password_hash: &str,
    role: Role,
) -> Result<UserId, DbErr> {
    let model = users::ActiveModel {
        reseller_id: Set(reseller.0),
        email: Set(email.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        role: Set(role.word().to_owned()),
        created_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(UserId(model.id))
}

pub async fn record_user_login<C: ConnectionTrait>(db: &C, user: UserId) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::LastLoginAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .filter(users::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    Ok(())
}
