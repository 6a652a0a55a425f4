//! The planner (design §4): from a sync task, read beforehand, to the contract-service lines
//! that bring Autotask in step with the order. Pure: no clock, no I/O.

mod charges;
mod context;
mod price;
mod quantity;
mod reconcile;
mod rules;
mod words;

#[cfg(test)]
pub(crate) mod tests;

pub use rules::plan;
