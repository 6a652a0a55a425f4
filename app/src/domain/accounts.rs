//! Resellers, users, passwords and sign-in.

use anyhow::Context;
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use rand::{Rng, distributions::Alphanumeric};
use sea_orm::{DatabaseConnection, TransactionTrait};
use secrecy::{ExposeSecret, SecretString};
use validator::ValidateEmail;

use crate::db;
pub use crate::model::account::Role;
use crate::model::ids::{ResellerId, UserId};

/// A syntactically valid, lower-cased e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address.
    pub fn parse(text: &str) -> Result<Email, AccountError> {
        let email = text.trim().to_lowercase();
        if email.validate_email() {
            Ok(Email(email))
        } else {
            Err(AccountError::InvalidEmail(text.trim().to_owned()))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The identity a session carries after a successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedIn {
    pub user_id: UserId,
    pub reseller_id: ResellerId,
    pub role: Role,
    pub email: String,
    pub reseller_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("'{0}' is not a valid e-mail address")]
    InvalidEmail(String),
    #[error("the password must have at least 10 characters")]
    WeakPassword,
    #[error("a user with the e-mail {0} already exists")]
    EmailTaken(String),
    #[error("the e-mail or password is not correct")]
    InvalidCredentials,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Minimum length of a chosen password.
pub const MIN_PASSWORD_LEN: usize = 10;

/// A random 20-character password for generated logins.
pub fn generate_password() -> SecretString {
    let text: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    SecretString::from(text)
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

fn verify_password(password: &SecretString, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.expose_secret().as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, verified against when the e-mail is unknown so that a missing
/// user takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Bj2zNcm3FgoTJcCG3Im3cHgNBxnJGsE3m8Ao55HPMa8";

/// Checks an e-mail and password; the error never says which of the two was wrong.
pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password: SecretString,
) -> Result<SignedIn, AccountError> {
    let email = email.trim().to_lowercase();
    let user = db::users::find_user_by_email(db, &email)
        .await
        .context("looking up a user")?;
    let stored_hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored_hash))
        .await
        .context("password check")?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(AccountError::InvalidCredentials);
    };
    let reseller = db::resellers::find_reseller(db, user.reseller)
        .await
        .context("looking up the user's reseller")?
        .context("the user's reseller is missing")?;
    db::users::record_user_login(db, user.id)
        .await
        .context("recording the login")?;
    Ok(SignedIn {
        user_id: user.id,
        reseller_id: user.reseller,
        role: user.role,
        email: user.email,
        reseller_name: reseller.name,
    })
}

/// Adds a user to the reseller of that name, creating the reseller if it does not exist.
pub async fn add_user(
    db: &DatabaseConnection,
    reseller_name: &str,
    email: &Email,
    role: Role,
    password: &SecretString,
) -> Result<(ResellerId, UserId), AccountError> {
    if password.expose_secret().chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password)?;
    let txn = db.begin().await.context("starting a transaction")?;
    if db::users::find_user_by_email(&txn, email.as_str())
        .await
        .context("looking up a user")?
        .is_some()
    {
        return Err(AccountError::EmailTaken(email.as_str().to_owned()));
    }
    let reseller = match db::resellers::find_reseller_by_name(&txn, reseller_name)
        .await
        .context("looking up a reseller")?
    {
        Some(existing) => existing.id,
        None => db::resellers::insert_reseller(&txn, reseller_name)
            .await
            .context("creating a reseller")?,
    };
    let user = db::users::insert_user(&txn, reseller, email.as_str(), &hash, role)
        .await
        .context("creating a user")?;
    txn.commit().await.context("saving the user")?;
    Ok((reseller, user))
}

/// The login printed on first start.
pub struct DemoLogin {
    pub reseller_id: ResellerId,
    pub email: String,
    pub password: SecretString,
}

/// Name of the reseller created on first start.
pub const DEMO_RESELLER: &str = "Demo Reseller";
/// E-mail of the demo admin.
pub const DEMO_EMAIL: &str = "admin@demo.psa-sync.local";

/// On an empty database, creates the demo reseller and its admin with a random password.
pub async fn ensure_demo_reseller(db: &DatabaseConnection) -> anyhow::Result<Option<DemoLogin>> {
    if db::resellers::count_resellers(db)
        .await
        .context("counting resellers")?
        > 0
    {
        return Ok(None);
    }
    let password = generate_password();
    let email = Email::parse(DEMO_EMAIL)?;
    match add_user(db, DEMO_RESELLER, &email, Role::Admin, &password).await {
        Ok((reseller_id, _)) => Ok(Some(DemoLogin {
            reseller_id,
            email: DEMO_EMAIL.to_owned(),
            password,
        })),
        // Another node created it at the same moment.
        Err(AccountError::EmailTaken(_)) => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context("creating the demo reseller")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_valid_argon2_hash() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(
            &SecretString::from("anything"),
            DUMMY_HASH
        ));
    }

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password(&SecretString::from("correct horse")).unwrap();
        assert!(verify_password(&SecretString::from("correct horse"), &hash));
        assert!(!verify_password(&SecretString::from("wrong horse"), &hash));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        assert!(Email::parse("not-an-email").is_err());
    }
}
