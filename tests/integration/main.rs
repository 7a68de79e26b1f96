//! Cross-crate integration tests (one test binary).

mod corpus;
mod fuzz_replay;
mod hostile;
mod obfuscation;
mod privacy;
mod targets;
mod url_targets;
