//! Which orders a run looks at (design §2.1).

use chrono::{DateTime, Months, Utc};

/// The window of order creation times a run looks at: a month back on the first run, later from
/// the newest task's order time minus the overlap (orders that committed late are not missed).
pub fn window(
    newest_task: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    overlap_minutes: i64,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let from = match newest_task {
        Some(newest) => newest - chrono::Duration::minutes(overlap_minutes),
        None => now.checked_sub_months(Months::new(1)).unwrap_or(now),
    };
    (from, now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_first_window_reaches_one_month_back_and_later_ones_start_before_the_newest_task() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(
            window(None, now, 10),
            (Utc.with_ymd_and_hms(2026, 10, 23, 12, 0, 0).unwrap(), now)
        );
        let newest = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
        assert_eq!(
            window(Some(newest), now, 10).0,
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 20, 0).unwrap()
        );
    }
}
