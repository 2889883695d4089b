//! Who is compromised: a principal named on the command line (ARN, `root`, an access key id,
//! a user or role name) or a named scenario from the seeds' round-table questions.

use crate::graph::{Graph, NodeId, NodeKind};

pub struct Scenario {
    pub name: &'static str,
    pub question: &'static str,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario { name: "lose-root", question: "What happens if we lose control of our root account?" },
    Scenario { name: "leaked-key", question: "What happens if one of our access keys leaks?" },
    Scenario { name: "ci-role-compromised", question: "What happens if our CI/CD pipeline is compromised?" },
    Scenario { name: "insider-console", question: "What happens if someone with console access turns against us?" },
];

/// OIDC issuers of CI systems, as they appear in federated trust principals.
const CI_ISSUERS: &[&str] = &[
    "token.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "oidc.circleci.com",
    "api.bitbucket.org",
    "vstoken.actions.githubusercontent.com",
    "buildkite.com",
];
const CI_SERVICES: &[&str] = &["codebuild.amazonaws.com", "codepipeline.amazonaws.com"];
const CI_NAMES: &[&str] = &["ci", "cd", "deploy", "github", "gitlab", "jenkins", "pipeline", "terraform", "circleci"];

fn ci_named(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| CI_NAMES.contains(&w))
}

fn trusted_by_ci(g: &Graph, id: NodeId) -> bool {
    let n = &g.nodes[id];
    let federated = n.trust.iter().flat_map(|t| t.statements.iter()).filter_map(|s| s.principal.as_ref());
    let oidc = federated.flat_map(|p| p.federated.iter()).any(|f| CI_ISSUERS.iter().any(|i| f.contains(i)));
    oidc || n.trusted_services.iter().any(|s| CI_SERVICES.contains(&s.as_str()))
}

/// The principals a named scenario starts from, one group per starting point.
pub fn scenario_principals(g: &Graph, name: &str) -> Result<Vec<NodeId>, String> {
    let pick = |f: &dyn Fn(NodeId) -> bool| -> Vec<NodeId> { (0..g.nodes.len()).filter(|&i| f(i)).collect() };
    let out = match name {
        "lose-root" => pick(&|i| g.nodes[i].kind == NodeKind::Root),
        "leaked-key" => pick(&|i| g.nodes[i].kind == NodeKind::User && !g.nodes[i].access_keys.is_empty()),
        "ci-role-compromised" => pick(&|i| {
            let n = &g.nodes[i];
            match n.kind {
                NodeKind::Role => trusted_by_ci(g, i) || ci_named(&n.name),
                NodeKind::User => ci_named(&n.name) && !n.access_keys.is_empty(),
                _ => false,
            }
        }),
        "insider-console" => pick(&|i| g.nodes[i].kind == NodeKind::User && g.nodes[i].console),
        other => {
            let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
            return Err(format!("unknown scenario {other:?}; known: {}", names.join(", ")));
        }
    };
    Ok(out)
}

/// A principal named on the command line.
pub fn resolve(g: &Graph, id: &str) -> Result<NodeId, String> {
    if id == "root" {
        let roots: Vec<NodeId> = (0..g.nodes.len()).filter(|&i| g.nodes[i].kind == NodeKind::Root).collect();
        return match roots.as_slice() {
            [one] => Ok(*one),
            [] => Err("the input holds no account".into()),
            _ => Err("the input holds several accounts: name the root as arn:aws:iam::<account>:root".into()),
        };
    }
    if let Some(n) = g.node(id) {
        return Ok(n);
    }
    if let Some(role) = crate::eval::matching::session_role(id) {
        if let Some(n) = g.node(&role) {
            return Ok(n);
        }
    }
    if (id.starts_with("AKIA") || id.starts_with("ASIA")) && id.len() >= 16 {
        return (0..g.nodes.len())
            .find(|&i| g.nodes[i].access_keys.iter().any(|k| k == id))
            .ok_or_else(|| format!("no user in the input holds access key {id} (an authorization-details export lists no keys: use a snapshot from `nextgap collect`, or name the user)"));
    }
    let by_name: Vec<NodeId> = (0..g.nodes.len())
        .filter(|&i| matches!(g.nodes[i].kind, NodeKind::User | NodeKind::Role) && g.nodes[i].name == id)
        .collect();
    match by_name.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "no principal {id:?} in the input (use an ARN, `root`, an access key id, or a user or role name)"
        )),
        _ => Err(format!("{id:?} names several principals: use the ARN")),
    }
}
