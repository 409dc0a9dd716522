//! The sort every array sort of the library uses: stable, as PHP 8's sorts are, and safe with a
//! comparison that is not a total order (a user callback answering at random, or PHP's loose
//! comparison across types, which is not transitive) or that fails (an exception in a
//! callback). The standard library's `sort_by` may panic on such a comparison; this one, a
//! bottom-up merge sort, only ever gives some order.

use std::cmp::Ordering;

/// The order that sorts `n` items by `cmp` (of their indices): `order[k]` is the index of the
/// item that goes to place `k`. Stops at `cmp`'s first error.
pub fn stable_order<E>(
    n: usize,
    mut cmp: impl FnMut(usize, usize) -> Result<Ordering, E>,
) -> Result<Vec<usize>, E> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut buf = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        buf.clear();
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                // The right item goes first only when it is strictly smaller: stable.
                if cmp(order[j], order[i])? == Ordering::Less {
                    buf.push(order[j]);
                    j += 1;
                } else {
                    buf.push(order[i]);
                    i += 1;
                }
            }
            buf.extend_from_slice(&order[i..mid]);
            buf.extend_from_slice(&order[j..end]);
            start = end;
        }
        std::mem::swap(&mut order, &mut buf);
        width *= 2;
    }
    Ok(order)
}

/// Sorts `items` by `cmp` (see [`stable_order`]); on an error they are left as they were.
pub fn sort_by<T, E>(
    items: &mut Vec<T>,
    mut cmp: impl FnMut(&T, &T) -> Result<Ordering, E>,
) -> Result<(), E> {
    let order = stable_order(items.len(), |i, j| cmp(&items[i], &items[j]))?;
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut v, |x, y| Ok::<_, ()>(x.0.cmp(&y.0))).unwrap();
        assert_eq!(v, vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn survives_a_comparison_that_is_not_an_order() {
        let mut v: Vec<u32> = (0..500).collect();
        let mut state = 12345u32;
        sort_by(&mut v, |_, _| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            Ok::<_, ()>(match state % 3 {
                0 => Ordering::Less,
                1 => Ordering::Equal,
                _ => Ordering::Greater,
            })
        })
        .unwrap();
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(sorted, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn stops_at_an_error() {
        let mut v = vec![3, 2, 1];
        assert_eq!(sort_by(&mut v, |_, _| Err("stop")), Err("stop"));
        assert_eq!(v, vec![3, 2, 1]);
    }
}
