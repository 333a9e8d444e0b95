//! Map items on worker threads and hand the results over in input order, with at most
//! `window` results finished but not yet handed over. Unlike working in chunks, no core waits
//! for the slowest item of a chunk, and the output is written while the next items are worked
//! on; memory stays bounded by the window, whatever the number of items.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How far the workers may run ahead of the consumer.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

struct GateState {
    /// Results handed over so far: item `i` may start once `i < handed + window`.
    handed: usize,
    /// The consumer stopped (or a worker failed): take no more items.
    stop: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.moved.notify_all();
    }
}

/// Stops the other workers if this one panics, so the consumer is not left waiting for an
/// item that will never come (the panic itself surfaces when the threads are joined).
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Apply `work` to every item on `threads` threads and give each result to `consume` in the
/// order of `items`; `consume` returns false to stop early (say, a closed pipe).
pub fn map_in_order<T, R, W, C>(items: &[T], threads: usize, window: usize, work: W, mut consume: C)
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    C: FnMut(R) -> bool,
{
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let gate = Gate {
        state: Mutex::new(GateState {
            handed: 0,
            stop: false,
        }),
        moved: Condvar::new(),
    };
    std::thread::scope(|scope| {
        let (sender, results) = mpsc::channel::<(usize, R)>();
        let mut workers = Vec::new();
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            let sender = sender.clone();
            let (next, gate, work) = (&next, &gate, &work);
            workers.push(scope.spawn(move || {
                let _guard = StopOnPanic(gate);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() {
                        return;
                    }
                    {
                        let mut state = gate.lock();
                        while !state.stop && i >= state.handed + window {
                            state = gate
                                .moved
                                .wait(state)
                                .unwrap_or_else(PoisonError::into_inner);
                        }
                        if state.stop {
                            return;
                        }
                    }
                    if sender.send((i, work(&items[i]))).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut wanted = 0;
        'receive: for (i, result) in results.iter() {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&wanted) {
                wanted += 1;
                if !consume(result) {
                    break 'receive;
                }
                gate.lock().handed = wanted;
                gate.moved.notify_all();
            }
        }
        gate.stop();
        // A worker's panic goes on with its own message, not a generic one from the scope.
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_order_they_finish_in() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        map_in_order(
            &items,
            4,
            8,
            |&i| {
                // Early items take longest, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 20));
                i * 2
            },
            |r| {
                seen.push(r);
                true
            },
        );
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn workers_never_run_further_ahead_than_the_window() {
        let items: Vec<usize> = (0..100).collect();
        let started = AtomicUsize::new(0);
        let mut handed = 0;
        map_in_order(
            &items,
            3,
            5,
            |&i| {
                started.fetch_max(i + 1, Ordering::SeqCst);
                i
            },
            |_| {
                handed += 1;
                // Items up to handed-before-this + window may have started, no more.
                assert!(started.load(Ordering::SeqCst) < handed + 5);
                true
            },
        );
        assert_eq!(handed, 100);
    }

    #[test]
    fn stopping_early_ends_the_workers() {
        let items: Vec<usize> = (0..1000).collect();
        let done = AtomicUsize::new(0);
        let mut handed = 0;
        map_in_order(
            &items,
            2,
            4,
            |&i| {
                done.fetch_add(1, Ordering::SeqCst);
                i
            },
            |_| {
                handed += 1;
                handed < 10
            },
        );
        assert_eq!(handed, 10);
        assert!(done.load(Ordering::SeqCst) < 10 + 4 + 2, "workers ran on");
    }

    /// A worker that panics while the others wait on the window must not leave the consumer
    /// waiting for its item: the panic surfaces (a hang would stall the test instead).
    #[test]
    #[should_panic(expected = "worker failed")]
    fn a_panicking_worker_surfaces_instead_of_hanging() {
        let items: Vec<usize> = (0..100).collect();
        map_in_order(
            &items,
            3,
            2,
            |&i| {
                if i == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    panic!("worker failed");
                }
                i
            },
            |_| true,
        );
    }

    #[test]
    fn no_items_and_one_thread_are_fine() {
        let mut n = 0;
        map_in_order(
            &[] as &[u8],
            2,
            4,
            |_| 0,
            |_: i32| {
                n += 1;
                true
            },
        );
        assert_eq!(n, 0);
        map_in_order(
            &[1, 2, 3],
            1,
            1,
            |x| x + 1,
            |_| {
                n += 1;
                true
            },
        );
        assert_eq!(n, 3);
    }
}
