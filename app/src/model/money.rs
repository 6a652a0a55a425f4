//! Exact money. Amounts are `Decimal` in code and fixed point with four decimals in the database
//! (an `i64` holding value × 10⁴) so SQLite and PostgreSQL store the same exact number.

use rust_decimal::Decimal;

/// Decimal places kept in storage.
pub const SCALE: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0} has more than four decimal places")]
    TooPrecise(Decimal),
    #[error("{0} is too large to store")]
    TooLarge(Decimal),
    #[error("'{0}' is not an amount")]
    NotANumber(String),
}

impl Money {
    /// Wraps an amount that has at most four decimal places.
    pub fn new(value: Decimal) -> Result<Self, MoneyError> {
        let normal = value.normalize();
        if normal.scale() > SCALE {
            return Err(MoneyError::TooPrecise(value));
        }
        Ok(Self(normal))
    }

    /// Rounds a computed amount (e.g. a proration) to four places, half to even.
    pub fn rounded(value: Decimal) -> Self {
        Self(value.round_dp(SCALE).normalize())
    }

    /// Parses user or API text such as `12.3456` or `-5.00`.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let value: Decimal = text
            .trim()
            .parse()
            .map_err(|_| MoneyError::NotANumber(text.to_owned()))?;
        Self::new(value)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// The stored form: value × 10⁴.
    pub fn to_e4(self) -> Result<i64, MoneyError> {
        let mut scaled = self.0 * Decimal::from(10_000);
        scaled.rescale(0);
        i64::try_from(scaled).map_err(|_| MoneyError::TooLarge(self.0))
    }

    /// Reads the stored form back.
    pub fn from_e4(stored: i64) -> Self {
        Self(Decimal::new(stored, SCALE).normalize())
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_exactly() {
        for text in ["0.3", "12.3456", "-5.00", "0", "99999999.9999"] {
            let money = Money::parse(text).unwrap();
            assert_eq!(Money::from_e4(money.to_e4().unwrap()), money, "{text}");
        }
    }

    #[test]
    fn a_tenth_plus_two_tenths_is_exactly_three_tenths() {
        let sum = Money::parse("0.1").unwrap() + Money::parse("0.2").unwrap();
        assert_eq!(sum, Money::parse("0.3").unwrap());
        assert_eq!(sum.to_e4().unwrap(), 3_000);
    }

    #[test]
    fn more_than_four_decimals_is_refused_unless_rounded() {
        assert!(matches!(
            Money::parse("1.00001"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert_eq!(
            Money::rounded("1.00005".parse().unwrap()).to_e4().unwrap(),
            10_000
        );
        assert_eq!(
            Money::rounded("1.00015".parse().unwrap()).to_e4().unwrap(),
            10_002
        );
    }
}
