//! AWS Organizations: membership, service control policies, and the accounts to scan with
//! `--org`.

use crate::scope::Scope;
use aws_sdk_organizations::types::{AccountState, AccountStatus, PolicyType};
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
            Fact::Known(Some(Organization {
                id: o.and_then(|o| o.id()).unwrap_or_default().to_string(),
                management_account_id: o.and_then(|o| o.master_account_id()).unwrap_or_default().to_string(),
                service_control_policies: service_control_policies(scope, &org).await,
            }))
        }
    };
    scope.account(|a| a.organization = fact);
}

/// Every SCP with its document (readable from the management account or a delegated admin).
async fn service_control_policies(scope: &Scope, org: &Client) -> Fact<Vec<NamedPolicy>> {
    let pages = scope
        .read(
            "organizations:ListPolicies",
            org.list_policies().filter(PolicyType::ServiceControlPolicy).into_paginator().send().try_collect(),
        )
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
        let document = serde_json::from_str(&content).unwrap_or(Value::String(content));
        policies.push(NamedPolicy { id, name: summary.name().unwrap_or_default().to_string(), document });
    }
    Fact::Known(policies)
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
