//! The granska binary: parse the command line, run, exit with the status's code.

use std::alloc::{GlobalAlloc, Layout};
use std::process::ExitCode;

use clap::Parser;

/// Evaluating a scenario allocates and frees many small values (script values, strings,
/// YAML nodes). jemalloc does that ~6 % faster than mimalloc over a batch, in about half the
/// peak memory, most likely because its per-thread caches hand out first the blocks freed
/// last, which are still in the processor's cache. jemalloc does not support Windows, where
/// mimalloc takes its place.
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: KeepSameSize<tikv_jemallocator::Jemalloc> =
    KeepSameSize(tikv_jemallocator::Jemalloc);
#[cfg(windows)]
#[global_allocator]
static GLOBAL: KeepSameSize<mimalloc::MiMalloc> = KeepSameSize(mimalloc::MiMalloc);

/// An allocator that answers a `realloc` to the size a block already has with the block
/// itself. Rhai's strings (smartstring 1.0) call `realloc` on every append to a string on the
/// heap, even when its capacity suffices; jemalloc then runs its whole in-place resize, ~360
/// instructions, about 3,000 times per generated scenario (the messages of its findings).
struct KeepSameSize<A>(A);

// SAFETY: every call is passed on to `A` unchanged, except a `realloc` to the block's own
// size, where the block the caller holds already fits the requested layout.
unsafe impl<A: GlobalAlloc> GlobalAlloc for KeepSameSize<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size == layout.size() {
            return ptr;
        }
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

fn main() -> ExitCode {
    let cli = granska::cli::Cli::parse();
    granska::app::run(cli).into()
}
