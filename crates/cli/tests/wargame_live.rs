//! `nextgap wargame` with no input file reads the account live through the SDK: here a moto
//! account seeded with a developer who can become administrator through a Lambda function
//! (`lambda-001`: pass an admin role to a new function and invoke it), an intern who cannot,
//! and an MFA-guarded role for the account's own principals.
//!
//! The moto harness (where moto is found, what happens without it) is in `common/mod.rs`.

#![cfg(feature = "aws")]

mod common;

use aws_sdk_iam::Client;
use common::{block_on, json_of, nextgap, Moto, FAKE_KEY};
use serde_json::{json, Value};
use std::process::Output;

/// moto's account.
const ACCOUNT: &str = "123456789012";
const ADMIN_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn iam_client(moto: &Moto) -> Client {
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .credentials_provider(aws_sdk_iam::config::Credentials::new(FAKE_KEY, FAKE_KEY, None, None, "nextgap-tests"))
        .build();
    Client::from_conf(config)
}

fn policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

async fn user(iam: &Client, name: &str, inline: &str, statements: Value) {
    iam.create_user().user_name(name).send().await.unwrap_or_else(|e| panic!("create user {name}: {e:?}"));
    iam.put_user_policy()
        .user_name(name)
        .policy_name(inline)
        .policy_document(policy(statements))
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {name} policy: {e:?}"));
}

async fn role(iam: &Client, name: &str, trust: Value) {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(policy(trust))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create role {name}: {e:?}"));
}

fn seed(moto: &Moto) {
    let iam = iam_client(moto);
    block_on(async {
        user(
            &iam,
            "dev",
            "deploy",
            json!([
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/admin-lambda")},
                {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}
            ]),
        )
        .await;
        user(&iam, "intern", "read", json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])).await;
        role(
            &iam,
            "admin-lambda",
            json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
        )
        .await;
        iam.attach_role_policy().role_name("admin-lambda").policy_arn(ADMIN_ACCESS).send().await.expect("attach admin");
        role(
            &iam,
            "ops",
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
                    "Action": "sts:AssumeRole",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
        )
        .await;
    });
}

/// The credentials never reach the output, whatever the command prints.
fn no_secret(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(FAKE_KEY), "the fake credential is printed: {text}");
    }
}

#[test]
fn a_live_account_is_war_gamed() {
    // AdministratorAccess exists in moto only when it loads the AWS-managed policies; its
    // default AMIs (and their snapshots) would only slow the collection down.
    let env = [("MOTO_IAM_LOAD_MANAGED_POLICIES", "true"), ("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")];
    let Some(moto) = Moto::start("the live wargame test", &env) else {
        return;
    };
    seed(&moto);
    let dir = tempfile::tempdir().unwrap();
    let endpoint = moto.endpoint();
    let wargame = |extra: &[&str]| {
        let mut args = vec!["wargame", "--format", "json", "--no-config", "--fail-on", "never"];
        args.extend_from_slice(&["--region", "us-east-1", "--endpoint-url", &endpoint]);
        args.extend_from_slice(extra);
        let out = nextgap(&moto, &args, dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        no_secret(&out);
        json_of(&out)
    };

    let report = wargame(&["--compromised", "dev"]);
    assert_eq!(report["inputs"], json!(["(live)"]));
    let s = &report["scenarios"][0];
    assert_eq!(s["compromised"], json!([format!("arn:aws:iam::{ACCOUNT}:user/dev")]));
    assert_eq!(s["can_become_admin"], true);
    let chain = s["admin_chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert_eq!(chain[0]["kind"], "pass-role");
    assert_eq!(chain[0]["path"], "lambda-001");
    assert_eq!(chain[0]["to"], format!("arn:aws:iam::{ACCOUNT}:role/admin-lambda"));
    let perms: Vec<(&str, &str, u64)> = chain[0]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["permission"].as_str().unwrap(), p["policy"].as_str().unwrap(), p["statement"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        perms,
        [
            ("iam:PassRole", "user/dev inline deploy", 0),
            ("lambda:CreateFunction", "user/dev inline deploy", 1),
            ("lambda:InvokeFunction", "user/dev inline deploy", 1)
        ]
    );
    // The AWS-managed policy's document was read live: it makes the role an administrator.
    assert_eq!(chain[1]["kind"], "is-admin");
    assert_eq!(chain[1]["permissions"][0]["policy"], ADMIN_ACCESS);

    let report = wargame(&["--compromised", "intern"]);
    let s = &report["scenarios"][0];
    assert_eq!(s["compromised"], json!([format!("arn:aws:iam::{ACCOUNT}:user/intern")]));
    assert_eq!(s["can_become_admin"], false);
    assert_eq!(s["admin_chain"], json!([]));

    let report = wargame(&["--all"]);
    let escalations: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "NG-IAM-366")
        .map(|f| f["location"]["logical_id"].as_str().unwrap())
        .collect();
    assert_eq!(escalations, ["user/dev"]);
    let ranked: Vec<(&str, bool, bool)> = report["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["admin"] == true, r["can_become_admin"] == true))
        .collect();
    // `ops` needs MFA, which a stolen key does not bring.
    assert_eq!(
        ranked,
        [
            ("root", true, true),
            ("admin-lambda", true, true),
            ("dev", false, true),
            ("ops", false, false),
            ("intern", false, false)
        ]
    );
}
