//! AWS Organizations: membership, the account's path (root and OUs), service and resource
//! control policies with their targets, and the accounts to scan with `--org`.

use crate::scope::Scope;
use aws_sdk_organizations::types::{AccountState, AccountStatus, ParentType, PolicyType};
use aws_sdk_organizations::Client;
use nextgap_model::account::{NamedPolicy, Organization};
use nextgap_model::Fact;
use serde_json::Value;

pub async fn collect(scope: &Scope) {
    let org = Client::new(&scope.config);
    let out = scope
        .read_or("organizations:DescribeOrganization", org.describe_organization().send(), |f| {
            f.code == "AWSOrganizationsNotInUseException"
        })
        .await;
    let fact = match out {
        Err(reason) => Fact::Unknown(reason),
        Ok(None) => Fact::Known(None),
        Ok(Some(out)) => {
            let o = out.organization();
            let (scps, rcps, parents) = tokio::join!(
                policies(scope, &org, PolicyType::ServiceControlPolicy),
                policies(scope, &org, PolicyType::ResourceControlPolicy),
                parents(scope, &org),
            );
            Fact::Known(Some(Organization {
                id: o.and_then(|o| o.id()).unwrap_or_default().to_string(),
                management_account_id: o.and_then(|o| o.master_account_id()).unwrap_or_default().to_string(),
                service_control_policies: scps,
                parents,
                resource_control_policies: rcps,
            }))
        }
    };
    scope.account(|a| a.organization = fact);
}

/// OUs nest at most five deep under the root; the bound keeps a looping answer finite.
const MAX_DEPTH: usize = 8;

/// The account's path: root id first, then the OUs down to the account's parent.
async fn parents(scope: &Scope, org: &Client) -> Fact<Vec<String>> {
    let mut path = Vec::new();
    let mut child = scope.account_id.clone();
    for _ in 0..MAX_DEPTH {
        let pages = scope
            .read(
                "organizations:ListParents",
                org.list_parents().child_id(&child).into_paginator().send().try_collect(),
            )
            .await;
        let parent = match &pages {
            Ok(pages) => pages.iter().flat_map(|p| p.parents()).next().cloned(),
            Err(reason) => return Fact::Unknown(reason.clone()),
        };
        let Some(parent) = parent else {
            return Fact::Unknown(format!("organizations:ListParents: no parent for {child}"));
        };
        let id = parent.id().unwrap_or_default().to_string();
        path.push(id.clone());
        if parent.r#type() == Some(&ParentType::Root) {
            path.reverse();
            return Fact::Known(path);
        }
        child = id;
    }
    Fact::Unknown(format!("organizations:ListParents: no root within {MAX_DEPTH} levels"))
}

/// Every policy of the type with its document and targets (readable from the management
/// account or a delegated administrator). Any failed read makes the whole list unknown: a
/// policy without its targets would look attached nowhere.
async fn policies(scope: &Scope, org: &Client, kind: PolicyType) -> Fact<Vec<NamedPolicy>> {
    let pages = scope
        .read("organizations:ListPolicies", org.list_policies().filter(kind).into_paginator().send().try_collect())
        .await;
    let summaries: Vec<_> = match &pages {
        Ok(pages) => pages.iter().flat_map(|p| p.policies()).collect(),
        Err(reason) => return Fact::Unknown(reason.clone()),
    };
    let mut policies = Vec::new();
    for summary in summaries {
        let id = summary.id().unwrap_or_default().to_string();
        let out = scope.read("organizations:DescribePolicy", org.describe_policy().policy_id(&id).send()).await;
        let content = match out {
            Ok(out) => out.policy().and_then(|p| p.content()).unwrap_or_default().to_string(),
            Err(reason) => return Fact::Unknown(reason),
        };
        let targets = match targets(scope, org, &id).await {
            Ok(targets) => targets,
            Err(reason) => return Fact::Unknown(reason),
        };
        let document = serde_json::from_str(&content).unwrap_or(Value::String(content));
        policies.push(NamedPolicy { id, name: summary.name().unwrap_or_default().to_string(), document, targets });
    }
    Fact::Known(policies)
}

/// Ids of the root, OUs and accounts the policy is attached to, sorted.
async fn targets(scope: &Scope, org: &Client, policy_id: &str) -> Result<Vec<String>, String> {
    let pages = scope
        .read(
            "organizations:ListTargetsForPolicy",
            org.list_targets_for_policy().policy_id(policy_id).into_paginator().send().try_collect(),
        )
        .await?;
    let mut ids: Vec<String> =
        pages.iter().flat_map(|p| p.targets()).filter_map(|t| t.target_id().map(String::from)).collect();
    ids.sort();
    Ok(ids)
}

/// Ids of the Organization's active accounts.
pub async fn active_accounts(scope: &Scope) -> Result<Vec<String>, String> {
    let org = Client::new(&scope.config);
    let pages =
        scope.read("organizations:ListAccounts", org.list_accounts().into_paginator().send().try_collect()).await?;
    Ok(pages
        .iter()
        .flat_map(|p| p.accounts())
        .filter(|a| is_active(a))
        .filter_map(|a| a.id().map(String::from))
        .collect())
}

#[allow(deprecated)]
fn is_active(a: &aws_sdk_organizations::types::Account) -> bool {
    match (a.state(), a.status()) {
        (Some(state), _) => *state == AccountState::Active,
        (None, Some(status)) => *status == AccountStatus::Active,
        (None, None) => true,
    }
}
