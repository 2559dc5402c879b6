//! Memory estimated before it is spent: an experiment estimates the peak bytes of one run from
//! its config ([`crate::Experiment::peak_bytes`]); before any work the command line multiplies
//! it by the runs `--jobs` starts at once and refuses (exit code 2) when the total exceeds the
//! limit — `--max-memory`, or else the `MemAvailable` line of `/proc/meminfo` (no limit where
//! neither is known). Sizes are multiplied with saturating arithmetic, so an estimate that
//! overflows 64 bits reads as "more than any machine has", never as 0.

use crate::error::ConfigError;

/// Bytes held by a process beside its runs' data (code, stacks, buffers): 64 MiB.
pub const BASE_BYTES: u64 = 64 << 20;

/// The bytes of `count` 64-bit values, where `count` is the product of `factors`
/// (saturating at `u64::MAX`).
pub fn f64_bytes(factors: &[u64]) -> u64 {
    factors.iter().fold(8u64, |acc, &f| acc.saturating_mul(f))
}

/// `MemAvailable` of `/proc/meminfo`, bytes; `None` where it cannot be read.
pub fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// Parses a size: a whole number of bytes with an optional suffix `K`, `M`, `G`, `T` (powers of
/// 1024, an optional trailing `B` or `iB`), e.g. `512M`, `8G`, `1000000`.
///
/// # Errors
///
/// A message saying what is expected.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("`{t}`: expected a size like `512M`, `8G` or a number of bytes");
    let upper = t.to_ascii_uppercase();
    let stripped = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (digits, shift) = match stripped.chars().last() {
        Some('K') => (&stripped[..stripped.len() - 1], 10),
        Some('M') => (&stripped[..stripped.len() - 1], 20),
        Some('G') => (&stripped[..stripped.len() - 1], 30),
        Some('T') => (&stripped[..stripped.len() - 1], 40),
        _ => (stripped, 0),
    };
    let value: u64 = digits.trim().parse().map_err(|_| bad())?;
    if value == 0 {
        return Err(format!("`{t}`: the limit must be at least 1 byte"));
    }
    value
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{t}` is more than 2^64 bytes"))
}

/// `bytes` in MiB below 1 GiB, else in GiB, with 2 decimals (an overflowed estimate says so).
pub fn human(bytes: u64) -> String {
    if bytes == u64::MAX {
        "more than 16 EiB (the size overflows 64 bits)".into()
    } else if bytes < 1 << 30 {
        format!("{:.2} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{:.2} GiB", bytes as f64 / f64::from(1u32 << 30))
    }
}

/// Refuses when `per_run × at_once + BASE_BYTES` exceeds the limit (`max_memory`, else
/// [`available_bytes`]); `what` names the work (`egd-demo`, `bench ngd-mf`).
///
/// # Errors
///
/// [`ConfigError::Usage`] with the estimate, its parts and the limit with its source.
pub fn check_memory(
    what: &str,
    per_run: u64,
    at_once: usize,
    max_memory: Option<u64>,
) -> Result<(), ConfigError> {
    let (limit, source) = match max_memory {
        Some(m) => (m, "--max-memory"),
        None => match available_bytes() {
            Some(a) => (a, "MemAvailable in /proc/meminfo"),
            None => return Ok(()),
        },
    };
    let total = per_run
        .saturating_mul(at_once.max(1) as u64)
        .saturating_add(BASE_BYTES);
    if total <= limit {
        return Ok(());
    }
    Err(ConfigError::Usage(format!(
        "{what}: estimated peak memory {} ({} per run × {at_once} run(s) at once, plus {} for \
         the process) exceeds the limit {} ({source}); lower the sizes or the runs started at once \
         (--jobs), or raise the limit with --max-memory",
        human(total),
        human(per_run),
        human(BASE_BYTES),
        human(limit)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes_and_bad_ones_are_refused() {
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("8g"), Ok(8 << 30));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        for bad in ["", "G", "-1G", "1.5G", "0", "99999999999T", "12X"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn products_saturate_instead_of_wrapping_to_small_numbers() {
        assert_eq!(f64_bytes(&[10, 10]), 800);
        assert_eq!(f64_bytes(&[u64::MAX / 2, 3]), u64::MAX);
        let e = check_memory("x", u64::MAX, 2, Some(1 << 30))
            .unwrap_err()
            .to_string();
        assert!(e.contains("overflows 64 bits"), "{e}");
    }

    #[test]
    fn the_estimate_counts_every_run_started_at_once() {
        let gib = 1u64 << 30;
        assert!(check_memory("x", gib, 1, Some(2 * gib)).is_ok());
        let e = check_memory("egd-demo", gib, 3, Some(2 * gib))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("egd-demo") && e.contains("× 3 run(s)") && e.contains("--max-memory"),
            "{e}"
        );
        assert!(available_bytes().is_none_or(|a| a > 0));
    }
}
