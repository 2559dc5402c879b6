//! Range-check helpers for `validate()` implementations.
//!
//! Each returns `Err(ConfigError::OutOfRange { field, value, allowed })` so messages are uniform:
//! ``invalid value for `steps`: 0 (allowed: an integer ≥ 1)``.

use crate::error::ConfigError;

/// Fails with `allowed` as explanation unless `ok`.
pub fn check(
    ok: bool,
    field: &str,
    value: impl std::fmt::Display,
    allowed: &str,
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::out_of_range(field, value, allowed))
    }
}

/// Checks an integer is at least 1.
pub fn check_positive(field: &str, value: u64) -> Result<(), ConfigError> {
    check(value >= 1, field, value, "an integer ≥ 1")
}

/// Checks `lo ≤ value ≤ hi` for integers.
pub fn check_in_range(field: &str, value: u64, lo: u64, hi: u64) -> Result<(), ConfigError> {
    check(
        (lo..=hi).contains(&value),
        field,
        value,
        &format!("an integer in [{lo}, {hi}]"),
    )
}

/// Checks a float is finite and strictly positive.
pub fn check_finite_positive(field: &str, value: f64) -> Result<(), ConfigError> {
    check(
        value.is_finite() && value > 0.0,
        field,
        value,
        "a finite number > 0",
    )
}

/// Checks that the product of sizes fits in 64 bits (so that counts, costs and byte sizes
/// derived from them cannot wrap around), and returns it.
///
/// # Errors
///
/// [`ConfigError::OutOfRange`] naming the product (`n_train × dim`) and its factors.
pub fn check_product(factors: &[(&str, u64)]) -> Result<u64, ConfigError> {
    let product = factors
        .iter()
        .try_fold(1u64, |acc, &(_, v)| acc.checked_mul(v));
    product.ok_or_else(|| {
        let names: Vec<&str> = factors.iter().map(|(n, _)| *n).collect();
        let values: Vec<String> = factors.iter().map(|(_, v)| v.to_string()).collect();
        ConfigError::out_of_range(
            names.join(" × "),
            values.join(" × "),
            "sizes whose product fits in 64 bits (at most 18446744073709551615)",
        )
    })
}

/// Checks a list is non-empty.
pub fn check_nonempty<T>(field: &str, values: &[T]) -> Result<(), ConfigError> {
    check(!values.is_empty(), field, "[]", "a non-empty list")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_field_value_and_range() {
        let e = check_positive("steps", 0).unwrap_err().to_string();
        assert_eq!(e, "invalid value for `steps`: 0 (allowed: an integer ≥ 1)");
        let e = check_finite_positive("learning_rate", -0.5)
            .unwrap_err()
            .to_string();
        assert!(e.contains("learning_rate") && e.contains("-0.5") && e.contains("> 0"));
        assert!(check_finite_positive("lr", f64::NAN).is_err());
        assert!(check_in_range("depth", 3, 1, 3).is_ok());
        assert!(check_in_range("depth", 4, 1, 3).is_err());
        assert!(check_nonempty::<u8>("depths", &[]).is_err());
        assert_eq!(check_product(&[("n", 3), ("d", 4)]), Ok(12));
        let e = check_product(&[("n_train", 1 << 40), ("dim", 1 << 30)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`n_train × dim`") && e.contains("64 bits"),
            "{e}"
        );
    }
}
