//! fanzha (反诈): on-device screening of short texts — SMS, chat messages, transfer remarks,
//! links — for telecom and online fraud.
//!
//! # Overview
//!
//! A *pattern pack* (scam keywords, regexes and combinations of them, written as TOML under
//! `patterns/`) is compiled into an [`Engine`]: all keyword literals, and the literals regexes
//! start or end with, into one Aho-Corasick automaton (daachorse's character-wise double array);
//! regexes made of literal sets are matched over its hits, the others by lazy DFAs compiled on
//! first use and run only where one of their literals occurred. [`Engine::scan`] normalises a
//! message against the tricks scammers use to dodge filters ([`normalize`]), runs the automaton
//! once, and returns an explainable [`Verdict`]: a [`Risk`] tier, scores per fraud category, every
//! rule that fired with its span in the ORIGINAL text, and advice for the user.
//!
//! Nothing leaves the device and nothing is logged: the library stores no message text.
//!
//! # Examples
//!
//! Scanning with the embedded default pack:
//!
//! ```
//! use fanzha::{Engine, Risk};
//!
//! let engine = Engine::default();
//! let text = "【京东客服】您的百万保障即将扣费，请添加QQ 12345678 关闭";
//! let verdict = engine.scan(text);
//! assert!(verdict.risk >= Risk::Low);
//! for hit in &verdict.hits {
//!     println!("{} {:?} {}", hit.rule, hit.category, hit.text(text));
//! }
//! ```
//!
//! Compiling a pack of your own, and scanning many messages without allocating working memory
//! per message:
//!
//! ```
//! use fanzha::{pack::Pack, Engine, Message, Risk};
//!
//! let pack = Pack::from_toml(r#"
//!     [pack]
//!     name = "demo"
//!     version = "1"
//!     [[category]]
//!     id = "order_brushing"
//!     title = { zh = "刷单返利", en = "Order brushing" }
//!     advice = { zh = "凡是刷单都是诈骗", en = "Paid tasks that ask you to pay first are scams" }
//!     [[rule]]
//!     id = "brushing"
//!     kind = "keywords"
//!     category = "order_brushing"
//!     weight = 50
//!     keywords = ["刷单"]
//! "#).unwrap();
//! let engine = Engine::new(&pack).unwrap();
//! let mut scratch = engine.scratch();
//! for text in ["在家刷 单日赚300", "今天天气很好"] {
//!     let v = engine.scan_with(&mut scratch, &Message::new(text.as_bytes()));
//!     println!("{}: {}", v.risk, v.score);
//! }
//! ```
//!
//! # Crate features
//!
//! - `std` (default): `std::error::Error` impls. The engine does not need it.
//! - `default-pack` (default): embeds the default pattern pack for [`Engine::default`].
//! - `toml` (default): [`pack::Pack::from_toml`] to read pack sources (works without std).
//!
//! Without default features the crate builds for `no_std` targets with `alloc`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod engine;
pub mod entities;
pub mod error;
pub mod eval;
pub mod links;
pub mod normalize;
pub mod pack;
pub mod sender;
mod sort;
mod verdict;

pub use engine::{Engine, EngineBuilder, Limits, Message, Scratch};
pub use error::{LoadError, PackError};
pub use verdict::{Advice, CategoryScore, Hit, Risk, Verdict};

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "default-pack"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
