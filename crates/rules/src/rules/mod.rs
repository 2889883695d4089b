//! Rules by anti-pattern group. Each group's `mod.rs` lists its rules, one line each.

pub mod account;
pub mod backup;
pub mod data;
pub mod gap;
pub mod iam;
pub mod iam_lint;
pub mod live;
pub mod net;
pub mod outage;
pub mod trail;
pub mod wargame;

use crate::Rule;

pub(crate) const GROUPS: &[&[&Rule]] = &[
    account::RULES,
    backup::RULES,
    data::RULES,
    gap::RULES,
    iam::RULES,
    iam_lint::RULES,
    live::RULES,
    net::RULES,
    outage::RULES,
    trail::EVENT_RULES,
    trail::CORRELATED_RULES,
    wargame::RULES,
];
