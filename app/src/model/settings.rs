//! A reseller's settings, as far as the use cases read them so far.

/// How Check Changes looks for orders (design §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSettings {
    /// Minutes the window reaches back before the newest task.
    pub overlap_minutes: i64,
    /// Only completed orders become tasks; others are polled again.
    pub completed_orders_only: bool,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            overlap_minutes: 10,
            completed_orders_only: true,
        }
    }
}
