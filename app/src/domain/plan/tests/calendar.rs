//! The effective dates every rule is tried on: the first and the last day of a billing period, in
//! months of 28, 29, 30 and 31 days, on monthly, quarterly and yearly contracts starting on the 1st
//! and mid-month. Each row's `P`, `next(P)` and the rest-of-`P` unit prices were worked out by
//! hand: `price × days left ÷ days in P`, days counted at both ends, rounded to 4 places.

use super::{Contract, MONTHLY_1ST, MONTHLY_15TH, QUARTERLY_1ST, QUARTERLY_15TH};
use super::{YEARLY_1ST, YEARLY_15TH};

pub(super) struct Day {
    pub what: &'static str,
    pub contract: &'static Contract,
    pub d: &'static str,
    /// The last day of `P`.
    pub period_end: &'static str,
    /// `next(P)` and the last day of that period.
    pub next: &'static str,
    pub next_end: &'static str,
    /// The rest of `P` per unit at the Autotask price 22.00 / cost 18.70.
    pub autotask: (&'static str, &'static str),
    /// The same at the marketplace price 20.00 / cost 17.00.
    pub marketplace: (&'static str, &'static str),
}

/// A whole period left: the full price.
const WHOLE_AT: (&str, &str) = ("22.00", "18.70");
const WHOLE_MP: (&str, &str) = ("20.00", "17.00");

pub(super) const CALENDAR: [Day; 23] = [
    Day {
        what: "monthly, first day of a 30-day November",
        contract: &MONTHLY_1ST,
        d: "2025-11-01",
        period_end: "2025-11-30",
        next: "2025-12-01",
        next_end: "2025-12-31",
        autotask: WHOLE_AT, // 30 of 30 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "monthly, last day of a 30-day November",
        contract: &MONTHLY_1ST,
        d: "2025-11-30",
        period_end: "2025-11-30",
        next: "2025-12-01",
        next_end: "2025-12-31",
        // 22 × 1/30 = 0.73333 → 0.7333; 18.70 × 1/30 = 0.62333 → 0.6233
        autotask: ("0.7333", "0.6233"),
        // 20 × 1/30 = 0.66666 → 0.6667; 17 × 1/30 = 0.56666 → 0.5667
        marketplace: ("0.6667", "0.5667"),
    },
    Day {
        what: "monthly, a mid-November day",
        contract: &MONTHLY_1ST,
        d: "2025-11-19",
        period_end: "2025-11-30",
        next: "2025-12-01",
        next_end: "2025-12-31",
        // 19..30 Nov = 12 days: 22 × 12/30 = 8.80; 18.70 × 12/30 = 7.48
        autotask: ("8.80", "7.48"),
        // 20 × 12/30 = 8.00; 17 × 12/30 = 6.80
        marketplace: ("8.00", "6.80"),
    },
    Day {
        what: "monthly, first day of a 28-day February",
        contract: &MONTHLY_1ST,
        d: "2026-02-01",
        period_end: "2026-02-28",
        next: "2026-03-01",
        next_end: "2026-03-31",
        autotask: WHOLE_AT, // 28 of 28 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "monthly, last day of a 28-day February",
        contract: &MONTHLY_1ST,
        d: "2026-02-28",
        period_end: "2026-02-28",
        next: "2026-03-01",
        next_end: "2026-03-31",
        // 22/28 = 0.785714 → 0.7857; 18.70/28 = 0.667857 → 0.6679
        autotask: ("0.7857", "0.6679"),
        // 20/28 = 0.714285 → 0.7143; 17/28 = 0.607142 → 0.6071
        marketplace: ("0.7143", "0.6071"),
    },
    Day {
        what: "monthly, first day of a 29-day February",
        contract: &MONTHLY_1ST,
        d: "2028-02-01",
        period_end: "2028-02-29",
        next: "2028-03-01",
        next_end: "2028-03-31",
        autotask: WHOLE_AT, // 29 of 29 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "monthly, last day of a 29-day February",
        contract: &MONTHLY_1ST,
        d: "2028-02-29",
        period_end: "2028-02-29",
        next: "2028-03-01",
        next_end: "2028-03-31",
        // 22/29 = 0.758620 → 0.7586; 18.70/29 = 0.644827 → 0.6448
        autotask: ("0.7586", "0.6448"),
        // 20/29 = 0.689655 → 0.6897; 17/29 = 0.586206 → 0.5862
        marketplace: ("0.6897", "0.5862"),
    },
    Day {
        what: "monthly, last day of a 31-day January",
        contract: &MONTHLY_1ST,
        d: "2026-01-31",
        period_end: "2026-01-31",
        next: "2026-02-01",
        next_end: "2026-02-28",
        // 22/31 = 0.709677 → 0.7097; 18.70/31 = 0.603225 → 0.6032
        autotask: ("0.7097", "0.6032"),
        // 20/31 = 0.645161 → 0.6452; 17/31 = 0.548387 → 0.5484
        marketplace: ("0.6452", "0.5484"),
    },
    Day {
        what: "monthly, first day of a 31-day March",
        contract: &MONTHLY_1ST,
        d: "2026-03-01",
        period_end: "2026-03-31",
        next: "2026-04-01",
        next_end: "2026-04-30",
        autotask: WHOLE_AT, // 31 of 31 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "monthly from the 15th, last day of a 31-day period (15 Jan – 14 Feb)",
        contract: &MONTHLY_15TH,
        d: "2026-02-14",
        period_end: "2026-02-14",
        next: "2026-02-15",
        next_end: "2026-03-14",
        // 1 of 31 days, as on 31 January
        autotask: ("0.7097", "0.6032"),
        marketplace: ("0.6452", "0.5484"),
    },
    Day {
        what: "monthly from the 15th, first day of a 28-day period (15 Feb – 14 Mar 2026)",
        contract: &MONTHLY_15TH,
        d: "2026-02-15",
        period_end: "2026-03-14",
        next: "2026-03-15",
        next_end: "2026-04-14",
        autotask: WHOLE_AT, // 28 of 28 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "monthly from the 15th, last day of a 29-day period (15 Feb – 14 Mar 2028)",
        contract: &MONTHLY_15TH,
        d: "2028-03-14",
        period_end: "2028-03-14",
        next: "2028-03-15",
        next_end: "2028-04-14",
        // 1 of 29 days (15–29 Feb = 15, 1–14 Mar = 14), as on 29 February
        autotask: ("0.7586", "0.6448"),
        marketplace: ("0.6897", "0.5862"),
    },
    Day {
        what: "monthly from the 15th, first day of a 30-day period (15 Nov – 14 Dec)",
        contract: &MONTHLY_15TH,
        d: "2025-11-15",
        period_end: "2025-12-14",
        next: "2025-12-15",
        next_end: "2026-01-14",
        autotask: WHOLE_AT, // 30 of 30 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "quarterly, first day of a 90-day quarter (Jan – Mar 2026)",
        contract: &QUARTERLY_1ST,
        d: "2026-01-01",
        period_end: "2026-03-31",
        next: "2026-04-01",
        next_end: "2026-06-30",
        autotask: WHOLE_AT, // 90 of 90 days (31 + 28 + 31)
        marketplace: WHOLE_MP,
    },
    Day {
        what: "quarterly, last day of a 90-day quarter",
        contract: &QUARTERLY_1ST,
        d: "2026-03-31",
        period_end: "2026-03-31",
        next: "2026-04-01",
        next_end: "2026-06-30",
        // 22/90 = 0.24444 → 0.2444; 18.70/90 = 0.207777 → 0.2078
        autotask: ("0.2444", "0.2078"),
        // 20/90 = 0.22222 → 0.2222; 17/90 = 0.188888 → 0.1889
        marketplace: ("0.2222", "0.1889"),
    },
    Day {
        what: "quarterly, 29 February in a 91-day quarter (Jan – Mar 2028)",
        contract: &QUARTERLY_1ST,
        d: "2028-02-29",
        period_end: "2028-03-31",
        next: "2028-04-01",
        next_end: "2028-06-30",
        // 29 Feb..31 Mar = 1 + 31 = 32 of 91 (31 + 29 + 31) days:
        // 22 × 32/91 = 704/91 = 7.736263 → 7.7363; 18.70 × 32/91 = 598.4/91 = 6.575824 → 6.5758
        autotask: ("7.7363", "6.5758"),
        // 20 × 32/91 = 640/91 = 7.032967 → 7.0330; 17 × 32/91 = 544/91 = 5.978021 → 5.9780
        marketplace: ("7.0330", "5.9780"),
    },
    Day {
        what: "quarterly from the 15th, last day of a 92-day quarter (15 Nov – 14 Feb)",
        contract: &QUARTERLY_15TH,
        d: "2026-02-14",
        period_end: "2026-02-14",
        next: "2026-02-15",
        next_end: "2026-05-14",
        // 16 + 31 + 31 + 14 = 92 days: 22/92 = 0.239130 → 0.2391; 18.70/92 = 0.203260 → 0.2033
        autotask: ("0.2391", "0.2033"),
        // 20/92 = 0.217391 → 0.2174; 17/92 = 0.184782 → 0.1848
        marketplace: ("0.2174", "0.1848"),
    },
    Day {
        what: "quarterly from the 15th, first day of an 89-day quarter (15 Feb – 14 May 2026)",
        contract: &QUARTERLY_15TH,
        d: "2026-02-15",
        period_end: "2026-05-14",
        next: "2026-05-15",
        next_end: "2026-08-14",
        autotask: WHOLE_AT, // 89 of 89 days (14 + 31 + 30 + 14)
        marketplace: WHOLE_MP,
    },
    Day {
        what: "yearly, first day of a 365-day year (Apr 2025 – Mar 2026)",
        contract: &YEARLY_1ST,
        d: "2025-04-01",
        period_end: "2026-03-31",
        next: "2026-04-01",
        next_end: "2027-03-31",
        autotask: WHOLE_AT, // 365 of 365 days
        marketplace: WHOLE_MP,
    },
    Day {
        what: "yearly, last day of a 365-day year",
        contract: &YEARLY_1ST,
        d: "2026-03-31",
        period_end: "2026-03-31",
        next: "2026-04-01",
        next_end: "2027-03-31",
        // 22/365 = 0.060273 → 0.0603; 18.70/365 = 0.051232 → 0.0512
        autotask: ("0.0603", "0.0512"),
        // 20/365 = 0.054794 → 0.0548; 17/365 = 0.046575 → 0.0466
        marketplace: ("0.0548", "0.0466"),
    },
    Day {
        what: "yearly, 29 February in a 366-day year (Apr 2027 – Mar 2028)",
        contract: &YEARLY_1ST,
        d: "2028-02-29",
        period_end: "2028-03-31",
        next: "2028-04-01",
        next_end: "2029-03-31",
        // 32 of 366 days: 22 × 32/366 = 704/366 = 1.923497 → 1.9235;
        // 18.70 × 32/366 = 598.4/366 = 1.634972 → 1.6350
        autotask: ("1.9235", "1.6350"),
        // 20 × 32/366 = 640/366 = 1.748633 → 1.7486; 17 × 32/366 = 544/366 = 1.486338 → 1.4863
        marketplace: ("1.7486", "1.4863"),
    },
    Day {
        what: "yearly from the 15th, last day of a 366-day year (15 Jun 2027 – 14 Jun 2028)",
        contract: &YEARLY_15TH,
        d: "2028-06-14",
        period_end: "2028-06-14",
        next: "2028-06-15",
        next_end: "2029-06-14",
        // 22/366 = 0.060109 → 0.0601; 18.70/366 = 0.051092 → 0.0511
        autotask: ("0.0601", "0.0511"),
        // 20/366 = 0.054644 → 0.0546; 17/366 = 0.046448 → 0.0464
        marketplace: ("0.0546", "0.0464"),
    },
    Day {
        what: "yearly from the 15th, first day of a 365-day year (15 Jun 2025 – 14 Jun 2026)",
        contract: &YEARLY_15TH,
        d: "2025-06-15",
        period_end: "2026-06-14",
        next: "2026-06-15",
        next_end: "2027-06-14",
        autotask: WHOLE_AT, // 365 of 365 days
        marketplace: WHOLE_MP,
    },
];

impl Day {
    /// The rest-of-`P` unit price and cost under `source`.
    pub fn rest_of_period(&self, source: crate::model::plan::PriceSource) -> (&str, &str) {
        match source {
            crate::model::plan::PriceSource::Autotask => self.autotask,
            crate::model::plan::PriceSource::Marketplace => self.marketplace,
        }
    }
}

/// The calendar row of `d` on `contract`.
pub(super) fn row(contract: &Contract, d: &str) -> &'static Day {
    CALENDAR
        .iter()
        .find(|row| {
            row.d == d
                && row.contract.start == contract.start
                && row.contract.period == contract.period
        })
        .unwrap_or_else(|| panic!("no calendar row for {d}"))
}
