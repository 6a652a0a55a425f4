//! Resellers and the people who sign in.

use super::ids::{ResellerId, UserId};

/// What a user may do: admins also manage settings and connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
}

/// A reseller (tenant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reseller {
    pub id: ResellerId,
    pub name: String,
}

/// A user as stored, with the password's argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    pub id: UserId,
    pub reseller: ResellerId,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
}
