//! The marketplace client (SimpleAPI 1.15, the "MPX-1" subset of the reference §11): the token
//! lifecycle, paging bounded by `creationTimeTo` with de-duplication, order detail, subscriptions,
//! customers and products; typed errors; retries on 429/503 honouring `Retry-After`.

mod client;
mod error;
pub mod models;

pub use client::{Listed, MarketplaceClient, MarketplaceConfig};
pub use error::MarketplaceError;
