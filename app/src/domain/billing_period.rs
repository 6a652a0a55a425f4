//! Billing periods of a recurring contract and the units a contract service has in each span.
//!
//! This is the one piece the Autotask sandbox (to derive ContractServiceUnits) and the planner's
//! invoice preview share. Autotask documents the shape (reference §8.6: one row per billing
//! period, split at each adjustment's effective date) but not the numbers, so the choices are
//! kept here, in one place:
//! - periods are counted from the contract start in whole months (1, 3, 6, 12); a period that
//!   would start on a day the month lacks starts on the month's last day (chrono's rule);
//! - a row's price is `units × unit price × days in the row ÷ days in its period`, counting both
//!   the first and the last day, rounded to four decimals (same for cost);
//! - an adjustment's price or cost, when given, applies from its effective date on (an adjustment
//!   with `unit_change = 0` therefore carries a price change — reference [I]);
//! - the price and cost in force start as the contract service's `unitPrice` / `unitCost` and
//!   change only through adjustments (`adjustedUnitPrice` / `adjustedUnitCost`), never through
//!   `ContractServices.adjustedPrice`, which both swagger models lack (reference §8.9.4).

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

pub use crate::model::billing::PeriodType;
use crate::model::money::Money;

/// A billing period: first and last day, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Days in the period, counting both ends.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

fn nth_period_start(contract_start: NaiveDate, period: PeriodType, n: u32) -> Option<NaiveDate> {
    contract_start.checked_add_months(Months::new(period.months().checked_mul(n)?))
}

/// The full billing period (not capped at the contract end) that contains `date`, or `None`
/// before the contract starts.
pub fn period_containing(
    contract_start: NaiveDate,
    period: PeriodType,
    date: NaiveDate,
) -> Option<Period> {
    if date < contract_start {
        return None;
    }
    let mut n = 0;
    loop {
        let start = nth_period_start(contract_start, period, n)?;
        let next = nth_period_start(contract_start, period, n + 1)?;
        if date < next {
            return Some(Period {
                start,
                end: next.pred_opt()?,
            });
        }
        n += 1;
    }
}

/// A change to a contract service: a unit delta and, optionally, a new unit price or cost.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChange {
    pub effective_date: NaiveDate,
    pub unit_change: i64,
    pub unit_price: Option<Decimal>,
    pub unit_cost: Option<Decimal>,
}

/// One ContractServiceUnits row: a span within one billing period with constant units.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitsRow {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub units: i64,
    pub price: Decimal,
    pub cost: Decimal,
}

/// What a contract service is: the contract's dates and period, the service's own price and
/// cost, and its changes in the order they were made.
#[derive(Debug, Clone)]
pub struct ServiceTimeline<'a> {
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub period: PeriodType,
    pub unit_price: Decimal,
    pub unit_cost: Decimal,
    pub changes: &'a [UnitChange],
}

impl ServiceTimeline<'_> {
    /// Units in force on `date` (the sum of every change effective on or before it).
    pub fn units_at(&self, date: NaiveDate) -> i64 {
        self.changes
            .iter()
            .filter(|c| c.effective_date <= date)
            .map(|c| c.unit_change)
            .sum()
    }

    /// The unit price and cost in force on `date`: the latest change on or before it that
    /// carries one (changes of one date in the order given), else the service's own.
    pub fn price_and_cost_at(&self, date: NaiveDate) -> (Decimal, Decimal) {
        let mut ordered: Vec<&UnitChange> = self
            .changes
            .iter()
            .filter(|c| c.effective_date <= date)
            .collect();
        ordered.sort_by_key(|c| c.effective_date);
        let price = ordered
            .iter()
            .rev()
            .find_map(|c| c.unit_price)
            .unwrap_or(self.unit_price);
        let cost = ordered
            .iter()
            .rev()
            .find_map(|c| c.unit_cost)
            .unwrap_or(self.unit_cost);
        (price, cost)
    }

    /// The rows from the period of the first change to the contract end.
    pub fn rows(&self) -> Vec<UnitsRow> {
        let Some(first) = self.changes.iter().map(|c| c.effective_date).min() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let Some(mut period) = period_containing(self.contract_start, self.period, first) else {
            return rows;
        };
        let mut cut_points: Vec<NaiveDate> =
            self.changes.iter().map(|c| c.effective_date).collect();
        cut_points.sort();
        cut_points.dedup();
        while period.start <= self.contract_end {
            let last_day = period.end.min(self.contract_end);
            let mut span_start = period.start.max(first);
            let splits = cut_points
                .iter()
                .copied()
                .filter(|d| *d > span_start && *d <= last_day);
            let mut boundaries: Vec<NaiveDate> = splits.collect();
            boundaries.push(last_day.succ_opt().unwrap_or(last_day));
            for next_start in boundaries {
                let span_end = next_start.pred_opt().unwrap_or(next_start);
                let units = self.units_at(span_start);
                let (price, cost) = self.price_and_cost_at(span_start);
                let share = Decimal::from((span_end - span_start).num_days() + 1)
                    / Decimal::from(period.days());
                let units_dec = Decimal::from(units);
                rows.push(UnitsRow {
                    start: span_start,
                    end: span_end,
                    units,
                    price: Money::rounded(units_dec * price * share).amount(),
                    cost: Money::rounded(units_dec * cost * share).amount(),
                });
                span_start = next_start;
            }
            let Some(next) = period
                .end
                .succ_opt()
                .and_then(|d| period_containing(self.contract_start, self.period, d))
            else {
                break;
            };
            period = next;
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn change(date: NaiveDate, delta: i64) -> UnitChange {
        UnitChange {
            effective_date: date,
            unit_change: delta,
            unit_price: None,
            unit_cost: None,
        }
    }

    fn monthly_2025(changes: &[UnitChange]) -> Vec<UnitsRow> {
        ServiceTimeline {
            contract_start: d(2025, 1, 1),
            contract_end: d(2025, 12, 31),
            period: PeriodType::Monthly,
            unit_price: dec("22"),
            unit_cost: dec("18.70"),
            changes,
        }
        .rows()
    }

    #[test]
    fn periods_count_from_the_contract_start() {
        let p = period_containing(d(2025, 1, 15), PeriodType::Monthly, d(2025, 3, 1)).unwrap();
        assert_eq!(
            p,
            Period {
                start: d(2025, 2, 15),
                end: d(2025, 3, 14)
            }
        );
        let y = period_containing(d(2025, 4, 1), PeriodType::Yearly, d(2026, 2, 1)).unwrap();
        assert_eq!(
            y,
            Period {
                start: d(2025, 4, 1),
                end: d(2026, 3, 31)
            }
        );
        let q = period_containing(d(2025, 1, 1), PeriodType::Quarterly, d(2025, 5, 20)).unwrap();
        assert_eq!(
            q,
            Period {
                start: d(2025, 4, 1),
                end: d(2025, 6, 30)
            }
        );
        assert_eq!(
            period_containing(d(2025, 1, 1), PeriodType::Monthly, d(2024, 12, 31)),
            None
        );
    }

    #[test]
    fn a_mid_period_addition_starts_a_prorated_row_then_whole_periods() {
        let rows = monthly_2025(&[change(d(2025, 3, 15), 5)]);
        assert_eq!(rows.len(), 10, "Mar 15–31, then Apr..Dec");
        assert_eq!(
            (rows[0].start, rows[0].end, rows[0].units),
            (d(2025, 3, 15), d(2025, 3, 31), 5)
        );
        // 5 × 22 × 17/31 = 60.32258… → 60.3226; cost 5 × 18.70 × 17/31 = 51.2742
        assert_eq!(rows[0].price, dec("60.3226"));
        assert_eq!(rows[0].cost, dec("51.2742"));
        assert_eq!(
            (rows[1].start, rows[1].end, rows[1].units, rows[1].price),
            (d(2025, 4, 1), d(2025, 4, 30), 5, dec("110"))
        );
        assert_eq!(rows[9].end, d(2025, 12, 31));
    }

    #[test]
    fn two_adjustments_in_one_period_make_three_rows_in_it() {
        let rows = monthly_2025(&[
            change(d(2025, 1, 1), 10),
            change(d(2025, 6, 10), 2),
            change(d(2025, 6, 20), -4),
        ]);
        let june: Vec<_> = rows
            .iter()
            .filter(|r| r.start.format("%m").to_string() == "06")
            .collect();
        assert_eq!(june.len(), 3);
        assert_eq!(
            (june[0].start, june[0].end, june[0].units),
            (d(2025, 6, 1), d(2025, 6, 9), 10)
        );
        assert_eq!(
            (june[1].start, june[1].end, june[1].units),
            (d(2025, 6, 10), d(2025, 6, 19), 12)
        );
        assert_eq!(
            (june[2].start, june[2].end, june[2].units),
            (d(2025, 6, 20), d(2025, 6, 30), 8)
        );
        // 10 × 22 × 9/30 = 66; 12 × 22 × 10/30 = 88; 8 × 22 × 11/30 = 64.5333…
        assert_eq!(june[0].price, dec("66"));
        assert_eq!(june[1].price, dec("88"));
        assert_eq!(june[2].price, dec("64.5333"));
        assert_eq!(
            rows.iter()
                .find(|r| r.start == d(2025, 7, 1))
                .unwrap()
                .units,
            8
        );
    }

    #[test]
    fn an_adjustment_on_a_period_edge_does_not_split_the_period() {
        let rows = monthly_2025(&[change(d(2025, 1, 1), 3), change(d(2025, 2, 1), 2)]);
        assert_eq!(
            (rows[0].start, rows[0].end, rows[0].units),
            (d(2025, 1, 1), d(2025, 1, 31), 3)
        );
        assert_eq!(
            (rows[1].start, rows[1].end, rows[1].units),
            (d(2025, 2, 1), d(2025, 2, 28), 5)
        );
        assert_eq!(rows.len(), 12);
    }

    #[test]
    fn a_decrease_to_zero_leaves_zero_unit_rows_with_no_charge() {
        let rows = monthly_2025(&[change(d(2025, 1, 1), 4), change(d(2025, 11, 1), -4)]);
        let nov = rows.iter().find(|r| r.start == d(2025, 11, 1)).unwrap();
        assert_eq!((nov.units, nov.price, nov.cost), (0, dec("0"), dec("0")));
    }

    #[test]
    fn a_yearly_contract_has_one_row_per_year_split_at_adjustments() {
        let changes = [change(d(2025, 4, 1), 10), change(d(2025, 10, 1), 5)];
        let rows = ServiceTimeline {
            contract_start: d(2025, 4, 1),
            contract_end: d(2027, 3, 31),
            period: PeriodType::Yearly,
            unit_price: dec("120"),
            unit_cost: dec("100"),
            changes: &changes,
        }
        .rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].start, rows[0].end, rows[0].units),
            (d(2025, 4, 1), d(2025, 9, 30), 10)
        );
        assert_eq!(
            (rows[1].start, rows[1].end, rows[1].units),
            (d(2025, 10, 1), d(2026, 3, 31), 15)
        );
        assert_eq!(
            (rows[2].start, rows[2].end, rows[2].units),
            (d(2026, 4, 1), d(2027, 3, 31), 15)
        );
        // 10 × 120 × 183/365 = 601.6438…; 15 × 120 × 182/365 = 897.5342…
        assert_eq!(rows[0].price, dec("601.6438"));
        assert_eq!(rows[1].price, dec("897.5342"));
        assert_eq!(rows[2].price, dec("1800"));
    }

    #[test]
    fn a_price_change_with_no_unit_change_applies_from_its_date() {
        let mut raise = change(d(2025, 3, 1), 0);
        raise.unit_price = Some(dec("25"));
        let rows = monthly_2025(&[change(d(2025, 1, 1), 2), raise]);
        assert_eq!(rows[1].price, dec("44"));
        assert_eq!(rows[2].price, dec("50"));
        assert_eq!(rows[2].units, 2);
    }
}
