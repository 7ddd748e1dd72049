//! The fuzz targets' checks, as plain functions: the targets call them on libFuzzer's inputs,
//! and the normal test suite includes this file (`tests/tests/fuzz_regressions.rs`) to run them
//! on the inputs that once failed, kept under `tests/fixtures/fuzz-regressions/<target>/`.
//!
//! Each check panics when a guarantee breaks; an input that is merely invalid is fine.
#![forbid(unsafe_code)]
#![allow(clippy::missing_panics_doc)]

include!("checks.rs");
