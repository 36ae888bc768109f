//! Matrix User-Interactive Authentication (Client-Server API, "User-interactive
//! authentication API"): flows of stages, sessions, and completion with the
//! `UiaComplete` contract. No C types here; `src/ffi/uia/` exports it.

mod attempts;
pub mod client_cert;
pub mod clock;
mod complete;
pub mod config;
pub mod engine;
pub mod enrolment;
mod error;
pub mod fallback;
pub mod flows;
pub mod hooks;
pub mod outcome;
pub mod ratelimit;
pub mod registry;
pub mod request;
pub mod session;
pub mod stages;
pub mod store;
pub mod token;
pub mod wipe;

pub use config::Config;
pub use engine::Engine;
pub use error::{StoreError, UiaError};
pub use flows::FlowSet;
pub use outcome::{Completion, Outcome, Response};
pub use registry::StageKind;
pub use request::Request;

#[cfg(test)]
mod client_cert_tests;
#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod session_records_tests;
