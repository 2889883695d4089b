//! The catalogue of AWS actions (being written).
