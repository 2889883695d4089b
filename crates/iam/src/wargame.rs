//! War games: "what happens if we lose control of X?", answered from the graph. For a set of
//! compromised principals: everyone they can become, whether that includes an administrator
//! and by which chain, and what the reached principals can do to data, backups, the audit
//! trail, the owners' access and persistence. For every principal at once: a ranking by blast
//! radius.

mod capability;
mod report;
mod scenario;

pub use capability::{Capability, Category, Kind};
pub use report::{
    admin_chain, is_rewrite, rank, scenario, ChainStep, Granted, Ranked, Reached, ScenarioReport, StoreReport,
};
pub use scenario::{resolve, scenario_principals, Scenario, SCENARIOS};

use crate::graph::reach::{escalation, Hop, Reach};
use crate::graph::{Graph, NodeId};
use fixedbitset::FixedBitSet;

/// Everything computed once per graph.
pub struct Analysis<'g> {
    pub g: &'g Graph,
    pub reach: Reach,
    /// Per component: the principals it reaches.
    pub reached: Vec<FixedBitSet>,
    /// Per node: the first hop toward administrator.
    pub hops: Vec<Option<Hop>>,
    /// Per node: an administrator, or able to make itself one without acting as anyone else.
    pub powerful: Vec<bool>,
    pub caps: Vec<Capability>,
    /// Per node: its own capabilities (indices into `caps`).
    pub own: Vec<FixedBitSet>,
    /// Per component: the capabilities of everything it reaches.
    pub reached_caps: Vec<FixedBitSet>,
}

impl<'g> Analysis<'g> {
    pub fn new(g: &'g Graph) -> Analysis<'g> {
        let hops = escalation(g);
        let powerful: Vec<bool> = hops.iter().map(|h| matches!(h, Some(h) if !matches!(h, Hop::Act(_)))).collect();
        let reach = Reach::new(g, &powerful);
        let reached = reach.principals(g);
        let caps = capability::catalogue(g);
        let own = capability::own(g, &caps, &powerful);
        let reached_caps = reach.propagate(&own, caps.len());
        Analysis { g, reach, reached, hops, powerful, caps, own, reached_caps }
    }

    /// The principals a node can act as (itself included).
    pub fn reached_by(&self, id: NodeId) -> &FixedBitSet {
        &self.reached[self.reach.comp[id]]
    }

    pub fn caps_of(&self, id: NodeId) -> &FixedBitSet {
        &self.reached_caps[self.reach.comp[id]]
    }

    pub fn can_become_admin(&self, id: NodeId) -> bool {
        self.hops[id].is_some()
    }

    /// Principals that together reach: the union for a set of compromised principals.
    pub fn union_reached(&self, ids: &[NodeId]) -> (FixedBitSet, FixedBitSet) {
        let mut principals = FixedBitSet::with_capacity(self.g.nodes.len());
        let mut caps = FixedBitSet::with_capacity(self.caps.len());
        for &id in ids {
            principals.union_with(self.reached_by(id));
            caps.union_with(self.caps_of(id));
        }
        (principals, caps)
    }
}
