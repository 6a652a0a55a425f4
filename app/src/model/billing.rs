//! Billing cycles.

/// How often a recurring contract bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodType {
    Monthly,
    Quarterly,
    SemiAnnual,
    Yearly,
}

impl PeriodType {
    /// Length of one period in months.
    pub fn months(self) -> u32 {
        match self {
            PeriodType::Monthly => 1,
            PeriodType::Quarterly => 3,
            PeriodType::SemiAnnual => 6,
            PeriodType::Yearly => 12,
        }
    }
}
