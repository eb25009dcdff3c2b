//! One small in-place sort for the engine and the app (heap sort: O(n log n), unstable).
//!
//! `slice::sort` and `sort_unstable` compile to 2–3 KB of wasm for each element type (the
//! quicksort with its pivot and small-sort networks, and driftsort for the stable one), and
//! the web app's budget is counted in those kilobytes. This sort compiles to a few hundred
//! bytes per type. The engine sorts short lists (ties, inspector lines) or sorts once per run
//! (the scripted calendar, response times), so its speed is not what matters here. Callers
//! sort whole keys (equal items are identical), so stability never matters either. The
//! explorer, which is its own wasm, keeps std's sorts.

/// Sorts `items` in ascending order.
pub fn sort<T: Ord>(items: &mut [T]) {
    let len = items.len();
    // Make a max-heap, then move the largest item to the end, again and again.
    for root in (0..len / 2).rev() {
        sift_down(items, root, len);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

/// Moves `items[root]` down the heap in `items[..end]` until no child is larger.
fn sift_down<T: Ord>(items: &mut [T], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && items[child] < items[child + 1] {
            child += 1;
        }
        if items[root] >= items[child] {
            return;
        }
        items.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::sort;

    /// A small deterministic generator, so the test needs no RNG crate.
    fn numbers(seed: u64, len: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn sorts_like_std_for_many_lengths_and_duplicates() {
        for len in 0..70 {
            for (seed, modulo) in [(1, 5), (2, 1000), (3, u64::MAX)] {
                let mut ours = numbers(seed + len as u64, len, modulo);
                let mut std = ours.clone();
                sort(&mut ours);
                std.sort();
                assert_eq!(ours, std, "len {len}, modulo {modulo}");
            }
        }
        let mut big = numbers(9, 10_000, 300);
        let mut std = big.clone();
        sort(&mut big);
        std.sort();
        assert_eq!(big, std);
    }

    #[test]
    fn sorts_tuples_with_text_and_already_ordered_input() {
        let mut pairs = vec![
            (3, "c".to_string()),
            (1, "b".into()),
            (1, "a".into()),
            (2, "z".into()),
        ];
        sort(&mut pairs);
        let keys: Vec<(u64, &str)> = pairs.iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert_eq!(keys, [(1, "a"), (1, "b"), (2, "z"), (3, "c")]);
        let mut ascending: Vec<u32> = (0..100).collect();
        sort(&mut ascending);
        assert!(ascending.windows(2).all(|w| w[0] < w[1]));
        let mut descending: Vec<u32> = (0..100).rev().collect();
        sort(&mut descending);
        assert_eq!(descending, ascending);
    }
}
