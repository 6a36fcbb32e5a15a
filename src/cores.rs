//! Pure work over many items spread over the machine's cores: an offline
//! batch's thousand scans are read and their signatures checked in a
//! fraction of the time one core takes, while the handheld waits.

use std::num::NonZeroUsize;

/// Fewer items than this are done on the calling thread: starting a thread
/// costs about what checking a few dozen scans does.
const SPREAD_FROM: usize = 128;

/// `f(i, item)` of every item, in order, the items split into one run per
/// core (each on a thread of its own but the first, done by the caller).
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
{
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    if cores < 2 || items.len() < SPREAD_FROM {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let run = items.len().div_ceil(cores);
    let f = &f;
    let work = |n: usize, chunk: &[T]| -> Vec<R> {
        chunk
            .iter()
            .enumerate()
            .map(|(i, t)| f(n * run + i, t))
            .collect()
    };
    std::thread::scope(|scope| {
        let mut chunks = items.chunks(run).enumerate();
        let first = chunks.next();
        let others: Vec<_> = chunks
            .map(|(n, chunk)| scope.spawn(move || work(n, chunk)))
            .collect();
        let mut out = first.map(|(n, chunk)| work(n, chunk)).unwrap_or_default();
        out.reserve(items.len().saturating_sub(out.len()));
        for other in others {
            match other.join() {
                Ok(mut done) => out.append(&mut done),
                // `f` panicked on another thread: the same panic here, as
                // if the work had been done on this one.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Frees `value` on another thread when there is a runtime to lend one:
/// a batch's thousand parsed items take about a millisecond to free, which
/// the handheld waiting for its answer need not wait for.
pub fn drop_elsewhere<T: Send + 'static>(value: T) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(move || drop(value));
        }
        Err(_) => drop(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_items_come_back_in_order_with_their_indexes() {
        for n in [0, 1, SPREAD_FROM - 1, SPREAD_FROM, 1001] {
            let items: Vec<usize> = (0..n).map(|i| i * 3).collect();
            let out = map(&items, |i, t| (i, *t));
            assert_eq!(out, (0..n).map(|i| (i, i * 3)).collect::<Vec<_>>(), "{n}");
        }
    }
}
