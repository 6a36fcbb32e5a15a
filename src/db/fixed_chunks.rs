//! Rows inserted through statements of a few fixed texts.
//!
//! A multi-row `INSERT` has a text of its own for each number of rows, and
//! diesel keeps none of them prepared: on SQLite every group of check-ins
//! had its inserts parsed and planned anew. Rows go instead through
//! statements of 512, 64, 8 and 1 rows, each size one text kept prepared,
//! largest first: any number of rows takes at most `n / 512 + 21`
//! statements, a batch of a thousand 13 and a group of a few uploads a
//! few one-row calls.
//!
//! Fewer statements matter beyond their calls: inside a transaction SQLite
//! copies each page a statement changes into that statement's journal the
//! first time the statement touches it (so a failing statement can be
//! undone alone), and the same hot index pages were copied again for each
//! of the 55 statements a thousand rows took in chunks of 64 and of one.

/// Rows for one statement: an array of one of the fixed sizes or a single
/// row. Boxed, as diesel takes arrays of rows whose values are converted
/// when bound by value (a reference to an array needs rows insertable by
/// reference).
#[derive(Debug, PartialEq)]
pub enum Chunk<T> {
    Of512(Box<[T; 512]>),
    Of64(Box<[T; 64]>),
    Of8(Box<[T; 8]>),
    One(T),
}

/// The rows in order, in chunks of the largest sizes that fit.
pub fn fixed_chunks<T>(rows: Vec<T>) -> Vec<Chunk<T>> {
    let mut rows = rows.into_iter();
    let mut chunks = Vec::new();
    take(&mut rows, &mut chunks, Chunk::Of512);
    take(&mut rows, &mut chunks, Chunk::Of64);
    take(&mut rows, &mut chunks, Chunk::Of8);
    chunks.extend(rows.map(Chunk::One));
    chunks
}

/// Appends as many whole arrays of `N` as the rows left hold.
fn take<T, const N: usize>(
    rows: &mut std::vec::IntoIter<T>,
    chunks: &mut Vec<Chunk<T>>,
    chunk: fn(Box<[T; N]>) -> Chunk<T>,
) {
    while rows.len() >= N {
        match Box::<[T; N]>::try_from(rows.by_ref().take(N).collect::<Vec<T>>()) {
            Ok(array) => chunks.push(chunk(array)),
            // Not reached (there were N rows); kept in order all the same.
            Err(short) => chunks.extend(short.into_iter().map(Chunk::One)),
        }
    }
}

/// Runs `$body` with `$rows` bound to the chunk's rows, whatever its size:
/// the statement is built once per size, since each is its own type.
#[macro_export]
macro_rules! each_chunk {
    ($chunk:expr, |$rows:ident| $body:expr) => {
        match $chunk {
            $crate::db::fixed_chunks::Chunk::Of512($rows) => $body,
            $crate::db::fixed_chunks::Chunk::Of64($rows) => $body,
            $crate::db::fixed_chunks::Chunk::Of8($rows) => $body,
            $crate::db::fixed_chunks::Chunk::One($rows) => $body,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> Vec<usize> {
        let chunks = fixed_chunks((0..n).collect());
        // Each chunk starts where the previous one ended.
        let mut next = 0;
        let mut sizes = Vec::new();
        for chunk in chunks {
            let part: Vec<usize> = match chunk {
                Chunk::Of512(a) => a.to_vec(),
                Chunk::Of64(a) => a.to_vec(),
                Chunk::Of8(a) => a.to_vec(),
                Chunk::One(r) => vec![r],
            };
            assert_eq!(part.first(), Some(&next));
            next += part.len();
            sizes.push(part.len());
        }
        assert_eq!(next, n);
        sizes
    }

    #[test]
    fn largest_sizes_first_in_order() {
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(3), vec![1, 1, 1]);
        assert_eq!(sizes(8), vec![8]);
        assert_eq!(sizes(75), vec![64, 8, 1, 1, 1]);
        assert_eq!(
            sizes(1000),
            [vec![512], vec![64; 7], vec![8; 5]].concat(),
            "a batch of a thousand in 13 statements"
        );
        assert_eq!(sizes(1024), vec![512, 512]);
    }

    #[test]
    fn no_number_of_rows_takes_more_than_21_statements_beyond_the_512s() {
        for n in 0..2_000 {
            assert!(sizes(n).len() <= n / 512 + 21, "{n} rows");
        }
    }
}
