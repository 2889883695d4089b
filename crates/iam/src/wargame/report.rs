//! The answers, as data: one report per scenario, and the ranking of every principal. The
//! renderers (text, JSON, DOT, Mermaid) and findings work from these.

use super::capability::{explain, Category, Kind};
use super::Analysis;
use crate::graph::reach::{chain, Hop};
use crate::graph::{EdgeKind, NodeId, NodeKind, Step};
use fixedbitset::FixedBitSet;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// One hop of a chain: `from` can act as (or rewrite) `to`, with the permissions that allow it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChainStep {
    pub from: String,
    pub to: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<String>,
    pub permissions: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub only_if: Vec<String>,
}

impl ChainStep {
    fn edge(an: &Analysis, e: &crate::graph::Edge) -> ChainStep {
        let g = an.g;
        ChainStep {
            from: g.nodes[e.from].arn.clone(),
            to: g.nodes[e.to].arn.clone(),
            kind: e.kind.as_str().into(),
            path: e.path.filter(|p| !p.is_empty()).map(String::from),
            via: e.via.clone(),
            permissions: e.steps.clone(),
            only_if: e.only_if.clone(),
        }
    }

    /// The last step: the principal is administrator (or makes itself one).
    fn admin(an: &Analysis, id: NodeId) -> ChainStep {
        let g = an.g;
        ChainStep {
            from: g.nodes[id].arn.clone(),
            to: "administrator".into(),
            kind: "is-admin".into(),
            path: None,
            via: None,
            permissions: g.admin_reason[id].iter().cloned().collect(),
            only_if: Vec::new(),
        }
    }

    /// An administrator reaches a principal of its account by minting credentials or
    /// rewriting trust; no single statement is needed beyond its `*`.
    fn implied(an: &Analysis, from: NodeId, to: NodeId) -> ChainStep {
        let g = an.g;
        ChainStep {
            from: g.nodes[from].arn.clone(),
            to: g.nodes[to].arn.clone(),
            kind: "as-admin".into(),
            path: None,
            via: None,
            permissions: g.admin_reason[from].iter().cloned().collect(),
            only_if: Vec::new(),
        }
    }
}

/// The chain from a principal to administrator, as steps.
pub fn admin_chain(an: &Analysis, id: NodeId) -> Vec<ChainStep> {
    let g = an.g;
    let mut out = Vec::new();
    for hop in chain(g, &an.hops, id) {
        match hop {
            Hop::Admin => {
                let last = out.last().map(|s: &ChainStep| s.to.clone()).unwrap_or_else(|| g.nodes[id].arn.clone());
                let at = g.node(&last).unwrap_or(id);
                out.push(ChainStep::admin(an, at));
            }
            Hop::SelfModify(m) => out.push(ChainStep::edge(an, &g.modifies[m])),
            Hop::ModifyThenAct(m, a) => {
                out.push(ChainStep::edge(an, &g.modifies[m]));
                out.push(ChainStep::edge(an, &g.edges[a]));
            }
            Hop::Act(e) => out.push(ChainStep::edge(an, &g.edges[e])),
        }
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct Reached {
    pub principal: String,
    pub kind: String,
    pub admin: bool,
    /// How, from the compromised principals (empty for those themselves).
    pub chain: Vec<ChainStep>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Granted {
    pub action: String,
    pub resource: String,
    /// The reached principal that holds the permission.
    pub by: String,
    pub permissions: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_if: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BackupReport {
    pub resource: String,
    pub resource_type: String,
    pub deletable: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct StoreReport {
    pub resource: String,
    pub resource_type: String,
    pub read: bool,
    pub delete: bool,
    pub backups: Vec<BackupReport>,
    /// Can delete the store and every backup of it (IAM-SAME-DOMAIN).
    pub same_domain: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScenarioReport {
    pub scenario: String,
    pub question: String,
    pub compromised: Vec<String>,
    pub can_become_admin: bool,
    /// The shortest chain to administrator, from the first compromised principal that has one.
    pub admin_chain: Vec<ChainStep>,
    pub reaches: Vec<Reached>,
    pub data: Vec<StoreReport>,
    pub audit: Vec<Granted>,
    pub lockout: Vec<Granted>,
    pub persist: Vec<Granted>,
}

/// Breadth-first from the compromised principals: how each reached principal is reached.
fn chains(an: &Analysis, start: &[NodeId]) -> Vec<(NodeId, Vec<ChainStep>)> {
    let g = an.g;
    let mut parent: Vec<Option<ChainStep>> = vec![None; g.nodes.len()];
    let mut seen = FixedBitSet::with_capacity(g.nodes.len());
    let mut order = Vec::new();
    let mut queue: VecDeque<NodeId> = VecDeque::new();
    for &s in start {
        if !seen.put(s) {
            queue.push_back(s);
        }
    }
    while let Some(at) = queue.pop_front() {
        order.push(at);
        let mut next: Vec<(NodeId, ChainStep)> =
            g.out[at].iter().map(|&e| (g.edges[e].to, ChainStep::edge(an, &g.edges[e]))).collect();
        if an.powerful[at] {
            // As in `reach`: the users and roles of its account, not the root user (no IAM
            // permission yields the root user's credentials).
            let implied = (0..g.nodes.len()).filter(|&j| {
                j != at
                    && g.nodes[j].account == g.nodes[at].account
                    && matches!(g.nodes[j].kind, NodeKind::User | NodeKind::Role)
            });
            next.extend(implied.map(|j| (j, ChainStep::implied(an, at, j))));
        }
        for (to, step) in next {
            if !seen.put(to) {
                parent[to] = Some(step);
                queue.push_back(to);
            }
        }
    }
    order
        .into_iter()
        .map(|id| {
            let mut steps = Vec::new();
            let mut at = id;
            while let Some(step) = parent[at].clone() {
                at = g.node(&step.from).unwrap_or(at);
                steps.push(step);
                if steps.len() > g.nodes.len() {
                    break;
                }
            }
            steps.reverse();
            (id, steps)
        })
        .collect()
}

/// The first reached principal that holds a capability, with the statement.
fn granted(an: &Analysis, reached: &[NodeId], cap: usize) -> Option<Granted> {
    let c = &an.caps[cap];
    let by = *reached.iter().find(|&&r| an.own[r].contains(cap))?;
    // Administrators hold it by their `*`; principals that make themselves administrator
    // hold it by the permissions of that step.
    let (permissions, only_if) = match explain(an.g, by, c) {
        Some(a) => (a.steps, a.only_if),
        None if an.g.admin[by] => (an.g.admin_reason[by].iter().cloned().collect(), Vec::new()),
        None => (admin_chain(an, by).into_iter().flat_map(|s| s.permissions).collect(), Vec::new()),
    };
    Some(Granted {
        action: c.action.into(),
        resource: c.resource.clone(),
        by: an.g.nodes[by].arn.clone(),
        permissions,
        only_if,
    })
}

/// The report for one scenario: everything the compromised principals can reach and do.
pub fn scenario(an: &Analysis, name: &str, question: &str, start: &[NodeId]) -> ScenarioReport {
    let g = an.g;
    let reached_chains = chains(an, start);
    let reached: Vec<NodeId> = reached_chains.iter().map(|(id, _)| *id).collect();
    let (_, caps) = an.union_reached(start);
    let admin_from = start.iter().copied().find(|&s| an.can_become_admin(s));
    let of = |cat: Category| -> Vec<Granted> {
        caps.ones().filter(|&c| an.caps[c].category == cat).filter_map(|c| granted(an, &reached, c)).collect()
    };
    ScenarioReport {
        scenario: name.into(),
        question: question.into(),
        compromised: start.iter().map(|&s| g.nodes[s].arn.clone()).collect(),
        can_become_admin: admin_from.is_some(),
        admin_chain: admin_from.map(|s| admin_chain(an, s)).unwrap_or_default(),
        reaches: reached_chains
            .into_iter()
            .map(|(id, chain)| Reached {
                principal: g.nodes[id].arn.clone(),
                kind: g.nodes[id].kind.as_str().into(),
                admin: g.admin[id],
                chain,
            })
            .collect(),
        data: stores(an, &caps),
        audit: of(Category::AuditBlind),
        lockout: of(Category::Lockout),
        persist: of(Category::Persist),
    }
}

/// Per store: its capabilities (read, delete) and its backups (cap index or undeletable).
struct StoreCaps {
    item: usize,
    read: Option<usize>,
    delete: Option<usize>,
    /// Backup items with the capability that deletes each (None: cannot be deleted at all).
    backups: Vec<(usize, Option<usize>)>,
}

fn store_caps(an: &Analysis) -> Vec<StoreCaps> {
    let items = &an.g.inventory.items;
    let mut out: Vec<StoreCaps> = Vec::new();
    for (i, c) in an.caps.iter().enumerate() {
        if let Kind::Store(item) = c.kind {
            let pos = match out.iter().position(|s| s.item == item) {
                Some(p) => p,
                None => {
                    out.push(StoreCaps { item, read: None, delete: None, backups: Vec::new() });
                    out.len() - 1
                }
            };
            match c.category {
                Category::DataRead => out[pos].read = Some(i),
                _ => out[pos].delete = Some(i),
            }
        }
    }
    for s in &mut out {
        let account = &items[s.item].account;
        for (i, c) in an.caps.iter().enumerate() {
            if let Kind::Backup { item, of } = &c.kind {
                let applies = if of.is_empty() { &items[*item].account == account } else { of.contains(&s.item) };
                if applies {
                    s.backups.push((*item, Some(i)));
                }
            }
        }
        // Locked vaults hold recovery points no one can delete.
        for (i, v) in items.iter().enumerate() {
            let locked = v.properties.get("Locked").and_then(|l| l.as_bool()) == Some(true);
            if v.resource_type == "AWS::Backup::BackupVault" && locked && &v.account == account {
                s.backups.push((i, None));
            }
        }
    }
    out
}

fn same_domain(s: &StoreCaps, caps: &FixedBitSet) -> bool {
    let deletes = s.delete.is_some_and(|d| caps.contains(d));
    deletes && !s.backups.is_empty() && s.backups.iter().all(|(_, c)| c.is_some_and(|c| caps.contains(c)))
}

fn stores(an: &Analysis, caps: &FixedBitSet) -> Vec<StoreReport> {
    let items = &an.g.inventory.items;
    store_caps(an)
        .iter()
        .map(|s| StoreReport {
            resource: items[s.item].arn.clone(),
            resource_type: items[s.item].resource_type.clone(),
            read: s.read.is_some_and(|c| caps.contains(c)),
            delete: s.delete.is_some_and(|c| caps.contains(c)),
            backups: s
                .backups
                .iter()
                .map(|(b, c)| BackupReport {
                    resource: if *b == s.item {
                        format!("{} (object versions)", items[*b].arn)
                    } else {
                        items[*b].arn.clone()
                    },
                    resource_type: items[*b].resource_type.clone(),
                    deletable: c.is_some_and(|c| caps.contains(c)),
                })
                .collect(),
            same_domain: same_domain(s, caps),
        })
        .collect()
}

/// One principal's blast radius, for the ranking.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ranked {
    pub rank: usize,
    pub principal: String,
    pub name: String,
    pub kind: String,
    pub account: String,
    pub admin: bool,
    pub can_become_admin: bool,
    pub score: u64,
    /// Principals it can act as, itself excluded.
    pub reaches: usize,
    pub data_read: usize,
    pub data_delete: usize,
    pub backups_delete: usize,
    /// Stores it can delete together with every backup of them.
    pub same_domain: Vec<String>,
    pub audit: usize,
    pub lockout: usize,
    pub persist: usize,
    /// Has long-lived or external ways in: access keys, a console password, an external trust.
    pub exposed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub admin_chain: Vec<ChainStep>,
}

/// Weights of the blast-radius score: becoming administrator dominates; then destroying data
/// with its backups, then blinding the audit trail and locking owners out.
fn score(r: &Ranked) -> u64 {
    let admin = if r.can_become_admin { 1_000_000 } else { 0 };
    admin
        + 5_000 * r.same_domain.len() as u64
        + 200 * (r.data_delete + r.backups_delete) as u64
        + 100 * r.data_read as u64
        + 300 * (r.audit.min(1) + r.lockout.min(1)) as u64
        + 20 * (r.audit + r.lockout + r.persist) as u64
        + r.reaches as u64
}

/// Every principal that can act (not groups), ranked by blast radius, largest first.
pub fn rank(an: &Analysis) -> Vec<Ranked> {
    let g = an.g;
    let stores = store_caps(an);
    let mut out: Vec<Ranked> = (0..g.nodes.len())
        .into_par_iter()
        .filter(|&i| g.is_actor(i))
        .map(|i| {
            let n = &g.nodes[i];
            let caps = an.caps_of(i);
            let count = |cat: Category| caps.ones().filter(|&c| an.caps[c].category == cat).count();
            let same: Vec<String> =
                stores.iter().filter(|s| same_domain(s, caps)).map(|s| g.inventory.items[s.item].arn.clone()).collect();
            let can = an.can_become_admin(i);
            let mut r = Ranked {
                rank: 0,
                principal: n.arn.clone(),
                name: n.name.clone(),
                kind: n.kind.as_str().into(),
                account: n.account.clone(),
                admin: g.admin[i],
                can_become_admin: can,
                score: 0,
                reaches: an.reached_by(i).count_ones(..).saturating_sub(1),
                data_read: count(Category::DataRead),
                data_delete: count(Category::DataDelete),
                backups_delete: count(Category::BackupDelete),
                same_domain: same,
                audit: count(Category::AuditBlind),
                lockout: count(Category::Lockout),
                persist: count(Category::Persist),
                exposed: !n.access_keys.is_empty() || n.console || n.is_outside(),
                admin_chain: if can && !g.admin[i] { admin_chain(an, i) } else { Vec::new() },
            };
            r.score = score(&r);
            r
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.principal.cmp(&b.principal)));
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    out
}

/// Whether an edge kind hands over a principal (for DOT/Mermaid styling).
pub fn is_rewrite(kind: &str) -> bool {
    kind == EdgeKind::Modify.as_str()
}
