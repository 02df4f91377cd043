//! What the benchmarks (`tests/benches/`, run by `cargo xtask bench`) share.

/// The `p`-th percentile of `v` (nearest rank: the smallest value with at least `p` % of the
/// samples at or below it); sorts `v`. `v` must not be empty.
pub fn percentile(v: &mut [f64], p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() * p).div_ceil(100))
        .saturating_sub(1)
        .min(v.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut v: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut v, 50), 10.0);
        assert_eq!(percentile(&mut v, 95), 19.0);
        assert_eq!(percentile(&mut v, 100), 20.0);
        assert_eq!(percentile(&mut [7.0], 95), 7.0);
    }
}
