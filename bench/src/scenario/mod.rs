//! The scenarios run against each server in turn (the cluster one, Duet's alone, is
//! [`crate::cluster`]).

pub mod churn;
pub mod idle;
pub mod latency;
pub mod saturation;
