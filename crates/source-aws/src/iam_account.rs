//! Account-level IAM facts: the credential report, the password policy, the account summary
//! and the virtual MFA devices.

use crate::scope::Scope;
use aws_sdk_iam::types::ReportStateType;
use aws_sdk_iam::Client;
use nextgap_model::account::{CredentialRow, PasswordPolicy};
use nextgap_model::Fact;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long to wait for AWS to generate the credential report (it takes seconds, rarely more).
const REPORT_WAIT: Duration = Duration::from_secs(60);

pub async fn collect(scope: &Scope) {
    let iam = Client::new(&scope.config);
    let (report, policy, summary, mfa) = tokio::join!(
        credential_report(scope, &iam),
        password_policy(scope, &iam),
        summary(scope, &iam),
        virtual_mfa_devices(scope, &iam),
    );
    scope.account(|a| {
        a.credential_report = report;
        a.password_policy = policy;
        a.summary = summary;
        a.virtual_mfa_devices = mfa;
    });
}

fn fact<T>(result: Result<T, String>) -> Fact<T> {
    match result {
        Ok(v) => Fact::Known(v),
        Err(reason) => Fact::Unknown(reason),
    }
}

async fn credential_report(scope: &Scope, iam: &Client) -> Fact<Vec<CredentialRow>> {
    fact(read_report(scope, iam).await)
}

/// GenerateCredentialReport until COMPLETE (bounded), then GetCredentialReport.
async fn read_report(scope: &Scope, iam: &Client) -> Result<Vec<CredentialRow>, String> {
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(200);
    loop {
        let state = scope.read("iam:GenerateCredentialReport", iam.generate_credential_report().send()).await?;
        if state.state() == Some(&ReportStateType::Complete) {
            break;
        }
        if started.elapsed() > REPORT_WAIT {
            let reason = format!("credential report not generated within {} s", REPORT_WAIT.as_secs());
            scope.unavailable("iam:GetCredentialReport", &reason);
            return Err(reason);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
    let out = scope.read("iam:GetCredentialReport", iam.get_credential_report().send()).await?;
    let content = out.content().map(|b| String::from_utf8_lossy(b.as_ref()).into_owned()).unwrap_or_default();
    nextgap_snapshot::parse_credential_report(content.trim_start_matches('\u{feff}')).inspect_err(|reason| {
        scope.unavailable("iam:GetCredentialReport", reason);
    })
}

async fn password_policy(scope: &Scope, iam: &Client) -> Fact<Option<PasswordPolicy>> {
    let out = scope
        .read_or("iam:GetAccountPasswordPolicy", iam.get_account_password_policy().send(), |f| f.code == "NoSuchEntity")
        .await;
    fact(out.map(|o| {
        o.and_then(|o| o.password_policy).map(|p| PasswordPolicy {
            minimum_password_length: p.minimum_password_length.map(i64::from),
            require_symbols: p.require_symbols,
            require_numbers: p.require_numbers,
            require_uppercase_characters: p.require_uppercase_characters,
            require_lowercase_characters: p.require_lowercase_characters,
            max_password_age: p.max_password_age.map(i64::from),
            password_reuse_prevention: p.password_reuse_prevention.map(i64::from),
            hard_expiry: p.hard_expiry.unwrap_or(false),
        })
    }))
}

async fn summary(scope: &Scope, iam: &Client) -> Fact<BTreeMap<String, i64>> {
    let out = scope.read("iam:GetAccountSummary", iam.get_account_summary().send()).await;
    fact(out.map(|o| {
        o.summary_map()
            .map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), i64::from(*v))).collect())
            .unwrap_or_default()
    }))
}

async fn virtual_mfa_devices(scope: &Scope, iam: &Client) -> Fact<Vec<(String, Option<String>)>> {
    let devices = scope
        .read("iam:ListVirtualMFADevices", iam.list_virtual_mfa_devices().into_paginator().items().send().try_collect())
        .await;
    fact(devices.map(|list| {
        let mut pairs: Vec<(String, Option<String>)> =
            list.iter().map(|d| (d.serial_number().to_string(), d.user().map(|u| u.arn().to_string()))).collect();
        pairs.sort();
        pairs
    }))
}
