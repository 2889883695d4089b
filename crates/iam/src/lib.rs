//! IAM for war gaming (issue 5): the AWS policy evaluation logic and the catalogue of actions,
//! access levels and resource types. Work in progress: see the module docs for what is done.

pub mod catalog;
pub mod eval;
