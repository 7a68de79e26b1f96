//! Cross-crate integration tests (one test binary).

mod corpus;
mod targets;
