//! Reachability: who can end up acting as whom, and who can become administrator.
//!
//! The "acts as" graph is condensed into strongly connected components (everyone in a cycle of
//! assume-role reaches the same set), and sets are unioned once per component in reverse
//! topological order, as bitsets. An administrator reaches every principal of its account
//! (it can mint credentials for any user and rewrite any trust policy), which is added here as
//! implied edges rather than listed in the graph.

use super::{Graph, NodeId, NodeKind};
use fixedbitset::FixedBitSet;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

pub struct Reach {
    /// Component of each node.
    pub comp: Vec<usize>,
    /// Components, sinks first (each one's successors come before it).
    pub comps: Vec<Vec<NodeId>>,
    /// Successor components of each component.
    pub succ: Vec<Vec<usize>>,
}

impl Reach {
    /// `powerful`: principals that are administrators or can make themselves one; they reach
    /// every principal of their account.
    pub fn new(g: &Graph, powerful: &[bool]) -> Reach {
        let n = g.nodes.len();
        let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(n, g.edges.len());
        for _ in 0..n {
            dg.add_node(());
        }
        for e in &g.edges {
            dg.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), ());
        }
        for (admin, targets) in implied(g, powerful) {
            for t in targets {
                dg.add_edge(NodeIndex::new(admin), NodeIndex::new(t), ());
            }
        }
        let comps: Vec<Vec<NodeId>> =
            tarjan_scc(&dg).into_iter().map(|c| c.into_iter().map(|i| i.index()).collect()).collect();
        let mut comp = vec![0; n];
        for (c, members) in comps.iter().enumerate() {
            for &m in members {
                comp[m] = c;
            }
        }
        let mut succ = vec![Vec::new(); comps.len()];
        for e in dg.raw_edges() {
            let (a, b) = (comp[e.source().index()], comp[e.target().index()]);
            if a != b {
                succ[a].push(b);
            }
        }
        for s in &mut succ {
            s.sort_unstable();
            s.dedup();
        }
        Reach { comp, comps, succ }
    }

    /// Unions per-node sets along the graph: the result for a node is its own set and that of
    /// everything it reaches. `own` is indexed by node.
    pub fn propagate(&self, own: &[FixedBitSet], width: usize) -> Vec<FixedBitSet> {
        let mut per_comp: Vec<FixedBitSet> = Vec::with_capacity(self.comps.len());
        for (c, members) in self.comps.iter().enumerate() {
            let mut set = FixedBitSet::with_capacity(width);
            for &m in members {
                set.union_with(&own[m]);
            }
            for &s in &self.succ[c] {
                // Successors are earlier in `comps` (Tarjan emits sinks first).
                set.union_with(&per_comp[s]);
            }
            per_comp.push(set);
        }
        per_comp
    }

    /// The principals each component reaches (itself included).
    pub fn principals(&self, g: &Graph) -> Vec<FixedBitSet> {
        let n = g.nodes.len();
        let own: Vec<FixedBitSet> = (0..n)
            .map(|i| {
                let mut b = FixedBitSet::with_capacity(n);
                b.insert(i);
                b
            })
            .collect();
        self.propagate(&own, n)
    }
}

/// What an administrator implicitly reaches: every user and role of its account.
fn implied(g: &Graph, powerful: &[bool]) -> Vec<(NodeId, Vec<NodeId>)> {
    g.nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| powerful[*i] && !n.is_outside())
        .map(|(i, n)| {
            let targets = g
                .nodes
                .iter()
                .enumerate()
                .filter(|(j, m)| *j != i && m.account == n.account && matches!(m.kind, NodeKind::User | NodeKind::Role))
                .map(|(j, _)| j)
                .collect();
            (i, targets)
        })
        .collect()
}

/// How a principal becomes administrator: the first hop of its shortest path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// It already is one.
    Admin,
    /// It can rewrite its own permissions (modify edge index into `g.modifies`).
    SelfModify(usize),
    /// It can rewrite a principal it can also act as: (modify edge, act edge).
    ModifyThenAct(usize, usize),
    /// Act as another principal (edge index into `g.edges`), which is closer.
    Act(usize),
}

/// For each principal, the first hop toward administrator, if any.
pub fn escalation(g: &Graph) -> Vec<Option<Hop>> {
    let n = g.nodes.len();
    let mut hop: Vec<Option<Hop>> = vec![None; n];
    for (i, h) in hop.iter_mut().enumerate() {
        if g.admin[i] {
            *h = Some(Hop::Admin);
        }
    }
    for (m, e) in g.modifies.iter().enumerate() {
        if hop[e.from].is_some() || !gains_admin(g, e.to) {
            continue;
        }
        if e.to == e.from || g.nodes[e.from].groups.contains(&e.to) {
            hop[e.from] = Some(Hop::SelfModify(m));
        } else if let Some(&a) = g.out[e.from].iter().find(|&&a| g.edges[a].to == e.to) {
            hop[e.from] = Some(Hop::ModifyThenAct(m, a));
        }
    }
    // Breadth-first backwards from every escalating principal: shortest chains first.
    let mut incoming = vec![Vec::new(); n];
    for (i, e) in g.edges.iter().enumerate() {
        incoming[e.to].push(i);
    }
    let mut queue: VecDeque<NodeId> = (0..n).filter(|&i| hop[i].is_some()).collect();
    while let Some(t) = queue.pop_front() {
        for &ei in &incoming[t] {
            let from = g.edges[ei].from;
            if hop[from].is_none() {
                hop[from] = Some(Hop::Act(ei));
                queue.push_back(from);
            }
        }
    }
    hop
}

/// Rewriting a principal's permissions makes it administrator unless a permissions boundary
/// holds it back.
fn gains_admin(g: &Graph, target: NodeId) -> bool {
    let node = &g.nodes[target];
    match &node.policies.boundary {
        None => true,
        Some(b) => {
            let set = crate::eval::PolicySet { identity: vec![b.clone()], ..Default::default() };
            let req = crate::eval::Request {
                principal: node.arn.clone(),
                action: "iam:CreateAccessKey".into(),
                resource: "*".into(),
                ..Default::default()
            };
            crate::eval::evaluate(&set, &req).result == crate::eval::Outcome::Allowed
        }
    }
}

/// The chain of hops from a principal to administrator, for explanations.
pub fn chain(g: &Graph, hops: &[Option<Hop>], from: NodeId) -> Vec<Hop> {
    let mut out = Vec::new();
    let mut at = from;
    for _ in 0..g.nodes.len() {
        let Some(h) = hops[at].clone() else { break };
        out.push(h.clone());
        match h {
            Hop::Act(e) => at = g.edges[e].to,
            _ => break,
        }
    }
    out
}
