//! The engine's sorts, small in code: a heapsort and an insertion sort written once against a
//! trait object, so that each element type adds only its compare and swap.
//!
//! The standard library's sorts are instantiated in full (some 5 KB of WebAssembly each) for
//! every element type and comparator; the engine has a dozen of them, which made sorting code
//! close to a tenth of the WASM module (issue 7). These run in place, without allocating, like
//! `sort_unstable`: safe to call on the scan path.
//!
//! Only the WebAssembly build uses them: elsewhere code size matters less than time, and the
//! heapsort through a trait object cost ~10% of a native scan (callgrind on the SMS corpus), so
//! `sort_unstable*` there are `core`'s. Every sort the engine does is of distinct elements or
//! by a total order on them, so both give the same result (`scanloop --check` digests agree).

use core::cmp::Ordering;

/// Sorts `v` by `cmp`, in place, in O(n log n); equal elements may be reordered.
pub(crate) fn sort_unstable_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_arch = "wasm32")]
    heapsort(&mut Slice { v, cmp });
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_unstable_by(cmp);
}

/// The compact heapsort, on every target (for tests).
#[cfg(test)]
fn heapsort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    heapsort(&mut Slice { v, cmp });
}

/// Sorts `v` in ascending order, in place, in O(n log n); equal elements may be reordered.
pub(crate) fn sort_unstable<T: Ord>(v: &mut [T]) {
    sort_unstable_by(v, T::cmp);
}

/// Sorts `v` by `cmp`, in place, keeping equal elements in order; O(n²): for short slices.
pub(crate) fn insertion_sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    insertion_sort(&mut Slice { v, cmp });
}

/// A sequence to sort, seen through positions.
trait Seq {
    fn len(&self) -> usize;
    /// Whether the element at `a` sorts strictly before the one at `b`.
    fn less(&mut self, a: usize, b: usize) -> bool;
    fn swap(&mut self, a: usize, b: usize);
}

struct Slice<'a, T, F> {
    v: &'a mut [T],
    cmp: F,
}

impl<T, F: FnMut(&T, &T) -> Ordering> Seq for Slice<'_, T, F> {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn less(&mut self, a: usize, b: usize) -> bool {
        (self.cmp)(&self.v[a], &self.v[b]) == Ordering::Less
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.v.swap(a, b);
    }
}

/// Slices up to this length are insertion-sorted (fewer compares than a heap on short input).
#[cfg(any(target_arch = "wasm32", test))]
const SHORT: usize = 16;

#[cfg(any(target_arch = "wasm32", test))]
#[inline(never)]
fn heapsort(s: &mut dyn Seq) {
    let n = s.len();
    if n <= SHORT {
        return insertion_sort(s);
    }
    for node in (0..n / 2).rev() {
        sift_down(s, node, n);
    }
    for end in (1..n).rev() {
        s.swap(0, end);
        sift_down(s, 0, end);
    }
}

/// Restores the max-heap order below `node` within `..end`.
#[cfg(any(target_arch = "wasm32", test))]
fn sift_down(s: &mut dyn Seq, mut node: usize, end: usize) {
    loop {
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && s.less(child, child + 1) {
            child += 1;
        }
        if !s.less(node, child) {
            return;
        }
        s.swap(node, child);
        node = child;
    }
}

#[inline(never)]
fn insertion_sort(s: &mut dyn Seq) {
    for i in 1..s.len() {
        let mut j = i;
        while j > 0 && s.less(j, j - 1) {
            s.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// A small deterministic generator (xorshift), for inputs with many ties.
    fn values(seed: u64, n: usize, range: u64) -> Vec<u64> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % range
            })
            .collect()
    }

    #[test]
    fn heapsort_sorts_like_std() {
        for n in [0, 1, 2, 3, SHORT, SHORT + 1, 17, 100, 1000] {
            for (seed, range) in [(1, 3), (7, 1000), (42, u64::MAX)] {
                let mut v = values(seed, n, range);
                let mut want = v.clone();
                want.sort();
                heapsort_by(&mut v, u64::cmp);
                assert_eq!(v, want, "n={n} range={range}");
                v.reverse();
                heapsort_by(&mut v, u64::cmp);
                assert_eq!(v, want, "reversed, n={n}");
            }
        }
    }

    #[test]
    fn heapsort_follows_the_comparator() {
        let mut v = values(3, 500, 50);
        let mut want = v.clone();
        want.sort_by(|a, b| b.cmp(a));
        heapsort_by(&mut v, |a, b| b.cmp(a));
        assert_eq!(v, want);
    }

    #[test]
    fn insertion_sort_is_stable() {
        // Sorted by key only: the second field records the original order.
        let mut v: Vec<(u64, usize)> = values(9, 300, 7).into_iter().zip(0..).collect();
        let mut want = v.clone();
        want.sort_by_key(|e| e.0);
        insertion_sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, want);
    }
}
