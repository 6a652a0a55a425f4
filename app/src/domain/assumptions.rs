//! Where Autotask's behaviour is only inferred ([I] or [U] in the reference), the engine's
//! reading of it lives here, in one place, so it can be corrected against a real tenant without
//! a hunt (design §4). The sandbox follows the same readings.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::domain::billing_period::period_containing;
use crate::model::{
    billing::PeriodType,
    money::Money,
    plan::{ContractTerms, UnitsSpan},
};

/// How Autotask wants a calendar date (reference §5.4: adjustment dates carry no time zone).
pub fn autotask_date(date: NaiveDate) -> String {
    format!("{date}T00:00:00")
}

/// [I] A unit change is an adjustment of `unitChange` on the contract service, effective from its
/// date; its price and cost, when given, apply from that date on (reference §8.5, §8.9.4).
pub fn unit_adjustment(
    contract: i64,
    contract_service: i64,
    date: NaiveDate,
    unit_change: i64,
) -> Value {
    json!({
        "contractID": contract,
        "contractServiceID": contract_service,
        "effectiveDate": autotask_date(date),
        "unitChange": unit_change,
    })
}

/// [I] A price or cost change is an adjustment with `unitChange = 0` that carries
/// `adjustedUnitPrice` / `adjustedUnitCost`, in force from its date (reference §8.9.4; the
/// reference's recommended reading, not a documented behaviour).
pub fn price_adjustment(
    contract: i64,
    contract_service: i64,
    date: NaiveDate,
    price: Option<Money>,
    cost: Option<Money>,
) -> Value {
    let mut body = unit_adjustment(contract, contract_service, date, 0);
    if let Some(price) = price {
        body["adjustedUnitPrice"] = json!(price.amount());
    }
    if let Some(cost) = cost {
        body["adjustedUnitCost"] = json!(cost.amount());
    }
    body
}

/// [U] A contract service psa-sync creates carries its reference in `internalDescription`
/// (100 characters), which Autotask keeps and no invoice shows.
pub const CONTRACT_SERVICE_REFERENCE_FIELD: &str = "internalDescription";

/// [U] A one-time charge carries its reference at the end of its `name` (100 characters), so it
/// can be found again by a `contains` query before it is created twice.
pub fn charge_name(base: &str, reference: &str) -> String {
    let room = 100usize.saturating_sub(reference.chars().count() + 1);
    let base: String = base.chars().take(room).collect();
    format!("{} {reference}", base.trim_end())
}

/// What every reference starts with, for the one query that finds them all on a set of
/// contracts.
pub const REFERENCE_PREFIX: &str = "[psa-sync T";

/// [I] The share of its billing period a span covers, as the sandbox and (we read) Autotask
/// prorate: days in the span ÷ days in the period, both ends counted.
fn share_of_period(span: &UnitsSpan, contract: &ContractTerms) -> Option<Decimal> {
    let period = period_containing(contract.start, contract.period, span.start)?;
    let days = Decimal::from((span.end - span.start).num_days() + 1);
    Some(days / Decimal::from(period.days()))
}

/// [I] Whether a span bills at `unit_price`: the span's price is what Autotask prints for its
/// units at that price over its share of the period, rounded to four places (reference §8.6).
/// A span without units says nothing about the price (`None`).
pub fn span_bills_at(
    span: &UnitsSpan,
    contract: &ContractTerms,
    unit_price: Money,
) -> Option<bool> {
    if span.units == 0 {
        return None;
    }
    let share = share_of_period(span, contract)?;
    let billed = Money::rounded(Decimal::from(span.units) * unit_price.amount() * share);
    Some(billed.amount() == Money::rounded(span.price).amount())
}

/// [I] The unit price a span bills at, read back from its price (units and share known); used
/// to show what Autotask has when a price check finds neither the expected old nor new price.
pub fn unit_price_of_span(span: &UnitsSpan, contract: &ContractTerms) -> Option<Money> {
    if span.units == 0 {
        return None;
    }
    let share = share_of_period(span, contract)?;
    Some(Money::rounded(
        span.price / (Decimal::from(span.units) * share),
    ))
}

/// [U] Which billing code a one-time charge bills through: the tenant's first active material
/// cost code (lowest id). A reseller who wants another picks it later in the settings.
pub fn choose_material_code(codes: &[(i64, bool)]) -> Option<i64> {
    codes
        .iter()
        .filter(|(_, active)| *active)
        .map(|(id, _)| *id)
        .min()
}

/// [U] The billing cycle a marketplace billing period (`month:1`, `month:3`, `month:6`,
/// `year:1`) corresponds to (design §3).
pub fn period_of_marketplace(billing_period: &str) -> Option<PeriodType> {
    match billing_period {
        "month:1" => Some(PeriodType::Monthly),
        "month:3" => Some(PeriodType::Quarterly),
        "month:6" => Some(PeriodType::SemiAnnual),
        "year:1" | "month:12" => Some(PeriodType::Yearly),
        _ => None,
    }
}

/// [U] A usage order's period ends the day before the order was created and is one billing
/// period long (the marketplace bills usage once a period has ended).
pub fn usage_period(billed_on: NaiveDate, billing: PeriodType) -> (NaiveDate, NaiveDate) {
    let end = billed_on.pred_opt().unwrap_or(billed_on);
    let start = billed_on
        .checked_sub_months(chrono::Months::new(billing.months()))
        .unwrap_or(end);
    (start, end)
}

/// [U] The detail types a marketplace order uses for a cancellation fee.
pub const FEE_DETAIL_TYPES: [&str; 2] = ["billPenalty", "cancellationFee"];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn monthly() -> ContractTerms {
        ContractTerms {
            id: 1,
            name: "M".into(),
            start: d(2026, 1, 1),
            end: d(2026, 12, 31),
            period: PeriodType::Monthly,
        }
    }

    #[test]
    fn a_span_is_read_back_at_the_price_it_was_billed_at() {
        // 3 × 22.00 × 12/30 (19–30 November) = 26.40
        let span = UnitsSpan {
            start: d(2026, 11, 19),
            end: d(2026, 11, 30),
            units: 3,
            price: "26.4".parse().unwrap(),
            cost: Decimal::ZERO,
        };
        let price = Money::parse("22.00").unwrap();
        assert_eq!(span_bills_at(&span, &monthly(), price), Some(true));
        assert_eq!(
            span_bills_at(&span, &monthly(), Money::parse("22.01").unwrap()),
            Some(false)
        );
        assert_eq!(unit_price_of_span(&span, &monthly()), Some(price));
        let empty = UnitsSpan { units: 0, ..span };
        assert_eq!(span_bills_at(&empty, &monthly(), price), None);
    }

    #[test]
    fn a_charge_name_keeps_its_reference_within_a_hundred_characters() {
        let name = charge_name(&"Azure usage ".repeat(20), "[psa-sync T12-L3]");
        assert_eq!(name.chars().count(), 100);
        assert!(name.ends_with(" [psa-sync T12-L3]"));
        assert_eq!(
            charge_name("Fee", "[psa-sync T1-L1]"),
            "Fee [psa-sync T1-L1]"
        );
    }

    #[test]
    fn marketplace_billing_periods_map_to_contract_cycles() {
        assert_eq!(period_of_marketplace("month:1"), Some(PeriodType::Monthly));
        assert_eq!(
            period_of_marketplace("month:3"),
            Some(PeriodType::Quarterly)
        );
        assert_eq!(period_of_marketplace("year:1"), Some(PeriodType::Yearly));
        assert_eq!(period_of_marketplace("unknown"), None);
        assert_eq!(
            choose_material_code(&[(9, true), (3, false), (5, true)]),
            Some(5)
        );
    }
}
