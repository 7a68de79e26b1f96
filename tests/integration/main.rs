//! Cross-crate integration tests (one test binary).

mod corpus;
mod fuzz_replay;
mod hostile;
mod privacy;
mod targets;
