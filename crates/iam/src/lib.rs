//! IAM for war gaming: the AWS policy evaluation logic (`eval`), the catalogue of actions,
//! access levels and resource types (`catalog`), the policy linter (`lint`), the catalogue of
//! privilege-escalation paths (`paths`), the principal graph (`graph`) and the war games on it
//! (`wargame`).

pub mod catalog;
pub mod eval;
pub mod graph;
pub mod lint;
pub mod paths;
pub mod wargame;
