//! Rows inserted through statements of a few fixed texts.
//!
//! A multi-row `INSERT` has a text of its own for each number of rows, and
//! diesel keeps none of them prepared: on SQLite every group of check-ins
//! had its inserts parsed and planned anew. Rows go instead `N` at a time as
//! an array (one text, kept prepared) and the rest one at a time (another):
//! a group of a few uploads runs the one-row statement a few times, as
//! function calls rather than round trips, and a batch of a thousand
//! mostly the `N`-row one.

/// `N` rows for the `N`-row statement, or one left over.
#[derive(Debug, PartialEq)]
pub enum Chunk<T, const N: usize> {
    Full([T; N]),
    One(T),
}

/// The rows as full chunks of `N`, in order, then those left over one by
/// one.
pub fn fixed_chunks<T, const N: usize>(rows: impl IntoIterator<Item = T>) -> Vec<Chunk<T, N>> {
    let mut chunks = Vec::new();
    let mut pending = Vec::with_capacity(N);
    for row in rows {
        pending.push(row);
        if pending.len() == N {
            let full = std::mem::replace(&mut pending, Vec::with_capacity(N));
            match <[T; N]>::try_from(full) {
                Ok(chunk) => chunks.push(Chunk::Full(chunk)),
                Err(rest) => pending = rest,
            }
        }
    }
    chunks.extend(pending.into_iter().map(Chunk::One));
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_chunks_in_order_then_the_rest_one_by_one() {
        assert_eq!(
            fixed_chunks::<_, 3>(1..=8),
            vec![
                Chunk::Full([1, 2, 3]),
                Chunk::Full([4, 5, 6]),
                Chunk::One(7),
                Chunk::One(8)
            ]
        );
        assert_eq!(
            fixed_chunks::<_, 3>(1..=2),
            vec![Chunk::One(1), Chunk::One(2)]
        );
        assert_eq!(fixed_chunks::<i32, 3>([]), vec![]);
    }
}
