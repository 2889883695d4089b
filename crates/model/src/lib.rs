//! The normalized model: what every source (CloudFormation, Terraform, live AWS, snapshots)
//! produces and every rule reads.
//!
//! Resources are shaped like CloudFormation resources (type names and property names of the
//! CloudFormation resource specification). That shape is AWS's own cross-source schema: the
//! Cloud Control API returns live resources in it, so one rule serves templates and accounts.
//! On top of the raw resources the model gathers the views rules need and would otherwise
//! rebuild: security groups with every ingress rule wherever it was declared, buckets with ACL,
//! policy and Block Public Access, and every policy document with where it came from.

pub mod account;
pub mod event;
pub mod node;
pub mod policy;
mod resource;
pub mod views;

pub use account::{Account, Fact, Unavailable};
pub use node::{Key, Node, Pos, Value};
pub use resource::{Model, Parameter, Resource, Settings};
