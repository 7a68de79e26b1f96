//! fanzha (反诈): on-device screening of short texts for telecom and online fraud.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod entities;
pub mod links;
pub mod normalize;
