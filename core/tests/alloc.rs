//! A scan with a reused scratch and verdict allocates nothing once buffers have grown.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use fanzha::pack::Pack;
use fanzha::{Engine, Message, Verdict};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn steady_state_scans_do_not_allocate() {
    let pack = Pack::from_toml(include_str!("data/starter.toml")).unwrap();
    let engine = Engine::new(&pack).unwrap();
    let texts = [
        "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭",
        "刷单需要先垫付本金",
        "我是公安局的，请把钱转到安全账户，你涉嫌洗钱",
        "晚上一起吃饭吗",
        "",
    ];
    let mut scratch = engine.scratch();
    let mut verdict = Verdict::default();
    // Warm up: buffers and lazy-DFA caches grow to their working size.
    for _ in 0..3 {
        for t in texts {
            engine.scan_into(&mut scratch, &Message::new(t.as_bytes()), &mut verdict);
        }
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10 {
        for t in texts {
            engine.scan_into(&mut scratch, &Message::new(t.as_bytes()), &mut verdict);
        }
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "allocations in 50 steady-state scans");
    assert!(verdict.hits.is_empty());
}
