//! virtscope: interactive models of virtualization and containers beside a flashcard reviewer.
//!
//! The crate is a library (everything testable headlessly) plus a thin binary (`main.rs`).
//! See ARCHITECTURE.md for how the pieces fit together.

pub mod app;
pub mod assets;
pub mod calendar;
pub mod cli;
pub mod deck;
pub mod dialog;
pub mod draw;
pub mod errno;
pub mod export;
pub mod files;
pub mod fonts;
pub mod lecture;
pub mod painted;
pub mod quiz;
pub mod review;
pub mod reviewer;
pub mod scene;
pub mod tabs;
pub mod theme;
pub mod timeline;
pub mod timeline_ui;
pub mod units;

/// mimalloc for the app, its tests and benchmarks: reading a big deck frees hundreds of thousands
/// of small strings, where glibc's malloc spent a fifth of the time consolidating (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
