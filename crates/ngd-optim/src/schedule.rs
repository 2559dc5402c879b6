//! Log-spaced observation steps.
//!
//! With `k` points per decade the schedule is `{0} ∪ {round(10^{i/k}) : i = 0, 1, 2, …}`
//! (duplicates merged), e.g. for `k = 4`: 0, 1, 2, 3, 6, 10, 18, 32, 56, 100, 178, … .
//! The executor additionally observes the last step of every run, whatever its index.

use crate::OptimError;

/// Log-spaced steps with a fixed number of points per decade (default 10; step 0 is always
/// in the schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSchedule {
    points_per_decade: usize,
}

impl LogSchedule {
    /// A schedule with `points_per_decade ≥ 1` points in each decade `[10^j, 10^{j+1})`
    /// (fewer in the first decades, where rounding merges neighbours).
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `points_per_decade = 0`.
    pub fn new(points_per_decade: usize) -> Result<Self, OptimError> {
        if points_per_decade == 0 {
            return Err(OptimError::Invalid {
                what: "points per decade",
                value: "0".into(),
                allowed: "at least 1",
            });
        }
        Ok(Self { points_per_decade })
    }

    /// The number of points per decade `k`.
    pub fn points_per_decade(&self) -> usize {
        self.points_per_decade
    }

    /// The `i`-th log point `round(10^{i/k})` (non-decreasing in `i`).
    fn point(&self, i: usize) -> usize {
        10f64.powf(i as f64 / self.points_per_decade as f64).round() as usize
    }

    /// True when `step` is a scheduled step.
    pub fn contains(&self, step: usize) -> bool {
        if step == 0 {
            return true;
        }
        // The point index nearest to `step`; rounding may shift it by one either way.
        let guess = (self.points_per_decade as f64 * (step as f64).log10()).round() as usize;
        (guess.saturating_sub(2)..=guess + 2).any(|i| self.point(i) == step)
    }

    /// All scheduled steps `≤ last`, with `last` itself appended when it is not scheduled.
    pub fn steps_through(&self, last: usize) -> Vec<usize> {
        let mut out = vec![0];
        let mut i = 0;
        loop {
            let p = self.point(i);
            if p > last {
                break;
            }
            if out.last() != Some(&p) {
                out.push(p);
            }
            i += 1;
        }
        if out.last() != Some(&last) {
            out.push(last);
        }
        out
    }
}

impl Default for LogSchedule {
    /// Ten points per decade.
    fn default() -> Self {
        Self {
            points_per_decade: 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_agrees_with_enumeration() {
        for k in [1, 3, 4, 10, 25] {
            let schedule = LogSchedule::new(k).unwrap();
            let listed = schedule.steps_through(100_000);
            for step in 0..=100_000 {
                assert_eq!(
                    schedule.contains(step),
                    listed.binary_search(&step).is_ok(),
                    "k = {k}, step = {step}"
                );
            }
        }
    }

    #[test]
    fn known_points() {
        // round(10^{i/4}) for i = 0..=8: 1, 1.78→2, 3.16→3, 5.62→6, 10, 17.8→18, 31.6→32, 56.2→56, 100.
        let s = LogSchedule::new(4).unwrap();
        assert_eq!(
            s.steps_through(100),
            vec![0, 1, 2, 3, 6, 10, 18, 32, 56, 100]
        );
        assert_eq!(
            s.steps_through(120),
            vec![0, 1, 2, 3, 6, 10, 18, 32, 56, 100, 120]
        );
        assert!(LogSchedule::new(0).is_err());
    }
}
