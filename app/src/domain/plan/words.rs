//! The sentences a reseller reads in the review table: dates, periods and counts in plain words.

use chrono::{Datelike, NaiveDate};

use crate::domain::billing_period::Period;
use crate::model::plan::PriceSource;

/// `20 Nov 2025`.
pub(super) fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// `November 2025` for a calendar month, else `the period 15 Nov 2025 – 14 Dec 2025`.
pub(super) fn period(period: Period) -> String {
    let whole_month = period.start.day() == 1
        && period.end.month() == period.start.month()
        && period.end.succ_opt().is_some_and(|next| next.day() == 1);
    if whole_month {
        period.start.format("%B %Y").to_string()
    } else {
        format!("the period {} – {}", day(period.start), day(period.end))
    }
}

/// `1 licence`, `3 licences`.
pub(super) fn licences(count: i64) -> String {
    let count = count.unsigned_abs();
    if count == 1 {
        "1 licence".to_owned()
    } else {
        format!("{count} licences")
    }
}

/// `the Autotask price` / `the marketplace price`.
pub(super) fn source(source: PriceSource) -> &'static str {
    match source {
        PriceSource::Autotask => "the Autotask price",
        PriceSource::Marketplace => "the marketplace price",
    }
}
