//! Work that must wait until a write transaction has committed: telling
//! in-process caches that what they hold changed. Done before the commit,
//! a reader could fill the cache again from the rows not yet replaced.

use std::cell::{Cell, RefCell};

thread_local! {
    static IN_WRITE: Cell<bool> = const { Cell::new(false) };
    static HOOKS: RefCell<Vec<fn()>> = const { RefCell::new(Vec::new()) };
}

/// Runs `hook` when the write transaction under way on this thread
/// commits, once however often it was asked for; never if it rolls back.
/// Outside a write transaction it runs at once.
pub fn after_commit(hook: fn()) {
    if !IN_WRITE.get() {
        hook();
        return;
    }
    HOOKS.with_borrow_mut(|hooks| {
        if !hooks.iter().any(|h| std::ptr::fn_addr_eq(*h, hook)) {
            hooks.push(hook);
        }
    });
}

/// The hooks of one write transaction; dropped without `finish` (a panic),
/// they are forgotten as on a rollback.
pub(super) struct Pending(());

impl Pending {
    pub(super) fn begin() -> Self {
        IN_WRITE.set(true);
        HOOKS.with_borrow_mut(Vec::clear);
        Pending(())
    }

    pub(super) fn finish(self, committed: bool) {
        let hooks = HOOKS.with_borrow_mut(std::mem::take);
        IN_WRITE.set(false);
        std::mem::forget(self);
        if committed {
            for hook in hooks {
                hook();
            }
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        IN_WRITE.set(false);
        HOOKS.with_borrow_mut(Vec::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    static RUNS: AtomicU32 = AtomicU32::new(0);
    fn count() {
        RUNS.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn hooks_run_once_after_a_commit_never_after_a_rollback() {
        let before = RUNS.load(Ordering::SeqCst);
        let txn = Pending::begin();
        after_commit(count);
        after_commit(count);
        assert_eq!(RUNS.load(Ordering::SeqCst), before, "not before the commit");
        txn.finish(true);
        assert_eq!(RUNS.load(Ordering::SeqCst), before + 1);

        let txn = Pending::begin();
        after_commit(count);
        txn.finish(false);
        assert_eq!(RUNS.load(Ordering::SeqCst), before + 1);

        after_commit(count);
        assert_eq!(
            RUNS.load(Ordering::SeqCst),
            before + 2,
            "outside a transaction, at once"
        );
    }
}
