//! A small pool of worker threads that take items from a shared queue (an atomic index), each
//! on a large stack.
//!
//! Stack size: with one job, OpenBLAS keeps its own threads, and its threaded LU
//! (`dgetrf_parallel`) puts large buffers on the *calling* thread's stack. With Rust's default
//! 2 MiB for spawned threads a 1000 × 1000 solve of the paper-preset `theorems` overflowed it: a
//! SIGSEGV, or first a silently corrupted, non-finite result. Workers therefore get
//! [`WORKER_STACK_BYTES`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack size of each worker thread: 64 MiB of address space (pages are only committed when
/// touched), ample for OpenBLAS's threaded LAPACK at the paper's sizes (see the module docs).
pub const WORKER_STACK_BYTES: usize = 64 << 20;

/// Calls `work(slot, item)` for every `item` of `items` on up to `jobs` worker threads, where
/// `slot` is the item's position in the queue (items are taken in order). Returns the results
/// as `(item, result)` in completion order. If the operating system refuses some threads, the
/// ones started still process every item; an error is returned only if none could start.
pub fn for_each_parallel<T, F>(
    jobs: usize,
    items: &[usize],
    work: F,
) -> Result<Vec<(usize, T)>, std::io::Error>
where
    T: Send,
    F: Fn(usize, usize) -> T + Sync,
{
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(items.len()));
    let jobs = jobs.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        let mut started = 0;
        for worker in 0..jobs {
            let spawned = std::thread::Builder::new()
                .name(format!("ngd-worker-{worker}"))
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, || {
                    loop {
                        let slot = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&item) = items.get(slot) else { break };
                        let result = work(slot, item);
                        results
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((item, result));
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) if started == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(())
    })?;
    Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item is processed exactly once, with its queue slot, for several job counts.
    #[test]
    fn every_item_once() {
        let items: Vec<usize> = (10..30).collect();
        for jobs in [1, 2, 5, 100] {
            let mut done = for_each_parallel(jobs, &items, |slot, item| (slot, item * 2)).unwrap();
            done.sort();
            let expected: Vec<(usize, (usize, usize))> = items
                .iter()
                .enumerate()
                .map(|(s, &i)| (i, (s, i * 2)))
                .collect();
            assert_eq!(done, expected, "jobs {jobs}");
        }
    }

    /// The workers' stack is the large one: a deep recursion that needs ~8 MiB (more than the
    /// 2 MiB default of spawned threads) completes.
    #[test]
    fn workers_have_a_large_stack() {
        fn depth(n: usize) -> usize {
            let pad = std::hint::black_box([n as u8; 1024]);
            if n == 0 {
                pad[0] as usize
            } else {
                depth(n - 1) + pad[1] as usize
            }
        }
        let out = for_each_parallel(1, &[0], |_, _| depth(8 * 1024)).unwrap();
        assert_eq!(out.len(), 1);
    }
}
