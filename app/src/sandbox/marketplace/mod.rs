//! An emulator of the marketplace's reseller API (CloudBlue Commerce SimpleAPI 1.15, the
//! "MPX-1" subset of `shared/reference/marketplace-api.md` §11), served under
//! `/sandbox/marketplace/...`.

mod http;
mod orders;
mod page;
mod requests;
pub mod seed;
mod service;
pub mod store;

pub use http::configure;
pub use requests::{NewOrder, NewOrderLine, PlacedOrder};
pub use service::{MarketplaceFaults, MarketplaceSandbox};
