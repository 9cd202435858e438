//! The library's integration tests, one binary: each module drives a writer against the
//! emulated recorder.

mod dao;
mod drives;
mod hresults;
mod job;
mod rawimage;
mod rawwriter;
mod read;
mod tao;
mod tao_faults;
mod tao_rules;
mod verify;
