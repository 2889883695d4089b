//! The policy evaluation engine (being written).
