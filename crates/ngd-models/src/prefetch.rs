//! A hint to the CPU to bring one cache line of a slice into L2 ahead of its use, so that the
//! batched EGD pass ([`crate::fused_batch`]) can fetch the next tile of `X̃` from memory while
//! it computes on the current one from L2.
//!
//! This is the workspace's one `unsafe` block (the lint `unsafe_code = "deny"` is allowed on
//! [`to_l2`] alone): `_mm_prefetch` is a `#[target_feature(enable = "sse")]` function, which
//! Rust lets code without that attribute call only in `unsafe`, although SSE is part of the
//! x86-64 baseline. A prefetch reads nothing the program can observe and never faults, so it
//! cannot change a result; off x86-64 [`to_l2`] does nothing.
//!
//! Measured on Zen 4 (`N = 2500`, `D = 1000`, four models, best of 100 passes side by side, a
//! scratch build): the next tile's lines spread over the gradient strips of every group of the
//! current tile, hinted to L2 (`T1`), took the batch pass from 2.04–2.09 ms to 1.74–1.80 ms;
//! hinted to L1 (`T0`) it was slower (2.5–2.8 ms), and in the one-model pass, whose gradient
//! phase is too short to hide them, prefetches made it slower (0.67–0.78 ms against 0.56–0.66).

/// Doubles per cache line ([`crate::aligned_rows::CACHE_LINE`] bytes): the stride between the
/// indices worth prefetching.
pub(crate) const LINE: usize = crate::aligned_rows::CACHE_LINE / size_of::<f64>();

/// Asks the CPU to bring the cache line holding `values[index]` into L2 (`_MM_HINT_T1`); does
/// nothing if `index` is out of range or off x86-64.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn to_l2(values: &[f64], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(value) = values.get(index) {
        use core::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        // SAFETY: `_mm_prefetch` requires SSE, which every x86-64 CPU has (the target's
        // baseline); the pointer comes from a live reference, and a prefetch never faults or
        // changes memory.
        unsafe { _mm_prefetch::<{ _MM_HINT_T1 }>(std::ptr::from_ref(value).cast::<i8>()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (values, index);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prefetch of any index, in range or not, of an empty or a full slice changes nothing.
    #[test]
    fn prefetching_never_faults_or_writes() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        for index in [0, 7, 8, 99, 100, usize::MAX] {
            to_l2(&values, index);
            to_l2(&[], index);
        }
        assert!(values.iter().enumerate().all(|(i, &v)| v == i as f64));
    }
}
