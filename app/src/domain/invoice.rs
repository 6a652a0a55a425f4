//! The invoice preview. A stand-in until the full preview lands.

use crate::model::{
    money::Money,
    plan::{InvoicePreview, PlanInput, PlannedLine},
};

/// What the plan will bill.
pub fn preview(_input: &PlanInput, _lines: &[PlannedLine]) -> InvoicePreview {
    InvoicePreview {
        lines: Vec::new(),
        recurring_before: Money::default(),
        recurring_after: Money::default(),
    }
}
