//! One small account per escalation path the graph follows: the exact edge it yields (from, to,
//! kind, pathfinding.cloud id, via) and the exact statements behind it. The attacker in each
//! fixture holds only the permissions of the path, so its edge list is exactly that edge.

mod common;

use common::*;
use nextgap_iam::graph::EdgeKind;
use serde_json::json;

const P: &str = "user/attacker inline p";

fn attacker(statements: serde_json::Value) -> serde_json::Value {
    user("attacker", &[("p", doc(statements))])
}

fn me() -> String {
    arn("user", "attacker")
}

#[test]
fn iam_002_create_access_key_for_another_user() {
    let victim = arn("user", "victim");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("iam:CreateAccessKey"), json!(victim))])), user("victim", &[])],
        vec![],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &victim, EdgeKind::AccessKey, "iam-002", None)]);
    let e = edge(&g, &me(), &victim, EdgeKind::AccessKey);
    assert_eq!(steps(e), [("iam:CreateAccessKey", victim.as_str(), P, 0)]);
    assert!(e.only_if.is_empty());
}

#[test]
fn iam_003_a_user_with_two_keys_needs_delete_access_key() {
    let victim = arn("user", "victim");
    let build_with = |statements| {
        let mut snap = snapshot(&details(vec![attacker(statements), user("victim", &[])], vec![], vec![], vec![]));
        snap.resources.push(access_key("victim", "AKIAVICTIMKEY0000001"));
        snap.resources.push(access_key("victim", "AKIAVICTIMKEY0000002"));
        build(&snap)
    };
    let create_only = build_with(json!([allow(json!("iam:CreateAccessKey"), json!("*"))]));
    assert_eq!(create_only.nodes[id(&create_only, &victim)].access_keys.len(), 2);
    assert_eq!(out_of(&create_only, &me()), []);

    let g = build_with(json!([
        allow(json!("iam:CreateAccessKey"), json!("*")),
        allow(json!("iam:DeleteAccessKey"), json!(victim)),
    ]));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &victim, EdgeKind::AccessKey, "iam-003", None)]);
    let e = edge(&g, &me(), &victim, EdgeKind::AccessKey);
    assert_eq!(
        steps(e),
        [("iam:CreateAccessKey", victim.as_str(), P, 0), ("iam:DeleteAccessKey", victim.as_str(), P, 1)]
    );
}

#[test]
fn iam_004_and_006_console_passwords() {
    let new = arn("user", "no-console");
    let old = arn("user", "has-console");
    let mut with_console = user("has-console", &[]);
    with_console["LoginProfile"] = json!({"CreateDate": "2025-01-01T00:00:00Z"});
    let g = graph_of(&details(
        vec![
            attacker(json!([
                allow(json!("iam:CreateLoginProfile"), json!(arn("user", "*"))),
                allow(json!("iam:UpdateLoginProfile"), json!(arn("user", "*"))),
            ])),
            user("no-console", &[]),
            with_console,
        ],
        vec![],
        vec![],
        vec![],
    ));
    // Create only where no password exists, update only where one does.
    assert_eq!(
        out_of(&g, &me()),
        [
            fx(&me(), &new, EdgeKind::LoginProfile, "iam-004", None),
            fx(&me(), &old, EdgeKind::LoginProfile, "iam-006", None),
        ]
    );
    assert_eq!(steps(edge(&g, &me(), &new, EdgeKind::LoginProfile)), [("iam:CreateLoginProfile", new.as_str(), P, 0)]);
    assert_eq!(steps(edge(&g, &me(), &old, EdgeKind::LoginProfile)), [("iam:UpdateLoginProfile", old.as_str(), P, 1)]);
}

#[test]
fn iam_012_rewrite_a_trust_policy() {
    let target = arn("role", "target");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("iam:UpdateAssumeRolePolicy"), json!(target))]))],
        vec![role("target", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::UpdateTrust, "iam-012", None)]);
    assert_eq!(
        steps(edge(&g, &me(), &target, EdgeKind::UpdateTrust)),
        [("iam:UpdateAssumeRolePolicy", target.as_str(), P, 0)]
    );
}

#[test]
fn iam_013_join_a_group() {
    let ops = arn("group", "ops");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("iam:AddUserToGroup"), json!(ops))]))],
        vec![],
        vec![group("ops", &[])],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &ops, EdgeKind::JoinGroup, "iam-013", None)]);
    assert_eq!(steps(edge(&g, &me(), &ops, EdgeKind::JoinGroup)), [("iam:AddUserToGroup", ops.as_str(), P, 0)]);
}

#[test]
fn iam_013_not_for_a_group_one_already_belongs_to() {
    let mut member = attacker(json!([allow(json!("iam:AddUserToGroup"), json!("*"))]));
    member["GroupList"] = json!(["ops"]);
    let g = graph_of(&details(vec![member], vec![], vec![group("ops", &[])], vec![]));
    assert_eq!(out_of(&g, &me()), []);
}

#[test]
fn sts_001_assume_a_role_that_trusts_the_user() {
    let target = arn("role", "target");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("sts:AssumeRole"), json!(target))]))],
        vec![role("target", trust(json!({"AWS": me()})), &[])],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::AssumeRole, "sts-001", None)]);
    let e = edge(&g, &me(), &target, EdgeKind::AssumeRole);
    // The trust policy naming the user is what grants: it is the statement cited.
    assert_eq!(steps(e), [("sts:AssumeRole", target.as_str(), "trust policy of role/target", 0)]);
    assert!(e.only_if.is_empty());
}

#[test]
fn sts_001_account_trust_needs_the_identity_side() {
    let target = arn("role", "target");
    let account_trust = || role("target", trust(json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")})), &[]);
    let without = graph_of(&details(vec![user("attacker", &[])], vec![account_trust()], vec![], vec![]));
    assert_eq!(out_of(&without, &me()), []);
    let with = graph_of(&details(
        vec![attacker(json!([allow(json!("sts:AssumeRole"), json!(arn("role", "*")))]))],
        vec![account_trust()],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&with, &me()), [fx(&me(), &target, EdgeKind::AssumeRole, "sts-001", None)]);
    assert_eq!(steps(edge(&with, &me(), &target, EdgeKind::AssumeRole)), [("sts:AssumeRole", target.as_str(), P, 0)]);
}

/// A user allowed to pass any role plus `others`; a role trusting `service`.
fn pass_role_fixture(others: &[&str], service: &str) -> nextgap_iam::graph::Graph {
    graph_of(&details(
        vec![attacker(json!([
            allow(json!("iam:PassRole"), json!(arn("role", "*"))),
            allow(json!(others), json!("*"))
        ]))],
        vec![role("target", service_trust(service), &[])],
        vec![],
        vec![],
    ))
}

fn assert_pass_role(others: &[&str], service: &str, path: &'static str) {
    let target = arn("role", "target");
    let g = pass_role_fixture(others, service);
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::PassRole, path, None)], "{path}");
    let mut expected = vec![("iam:PassRole", target.as_str(), P, 0)];
    expected.extend(others.iter().map(|a| (*a, "*", P, 1)));
    assert_eq!(steps(edge(&g, &me(), &target, EdgeKind::PassRole)), expected, "{path}");
}

#[test]
fn lambda_001_pass_a_role_to_a_new_function() {
    assert_pass_role(&["lambda:CreateFunction", "lambda:InvokeFunction"], "lambda.amazonaws.com", "lambda-001");
}

#[test]
fn cloudformation_001_pass_a_role_to_a_new_stack() {
    assert_pass_role(&["cloudformation:CreateStack"], "cloudformation.amazonaws.com", "cloudformation-001");
}

#[test]
fn ec2_001_pass_a_role_to_a_new_instance() {
    assert_pass_role(&["ec2:RunInstances"], "ec2.amazonaws.com", "ec2-001");
}

#[test]
fn codebuild_001_pass_a_role_to_a_new_project() {
    assert_pass_role(&["codebuild:CreateProject", "codebuild:StartBuild"], "codebuild.amazonaws.com", "codebuild-001");
}

#[test]
fn pass_role_needs_every_other_permission_and_the_right_service() {
    // CreateFunction without a way to run it, and EC2 actions for a Lambda role: no edge.
    assert_eq!(out_of(&pass_role_fixture(&["lambda:CreateFunction"], "lambda.amazonaws.com"), &me()), []);
    assert_eq!(out_of(&pass_role_fixture(&["ec2:RunInstances"], "lambda.amazonaws.com"), &me()), []);
}

/// `PassedToService` decides whether the role may go to the service the path uses.
#[test]
fn pass_role_honours_passed_to_service() {
    let target = arn("role", "target");
    let with_condition = |service: &str| {
        graph_of(&details(
            vec![attacker(json!([
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                 "Condition": {"StringEquals": {"iam:PassedToService": service}}},
                allow(json!(["lambda:CreateFunction", "lambda:InvokeFunction"]), json!("*")),
            ]))],
            vec![role("target", service_trust("lambda.amazonaws.com"), &[])],
            vec![],
            vec![],
        ))
    };
    assert_eq!(out_of(&with_condition("ec2.amazonaws.com"), &me()), []);
    let g = with_condition("lambda.amazonaws.com");
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::PassRole, "lambda-001", None)]);
    assert!(edge(&g, &me(), &target, EdgeKind::PassRole).only_if.is_empty());
}

// ---- Existing compute: borrow the role of a function, an instance, a stack, a project. ----

fn existing_fixture(
    statements: serde_json::Value,
    extra: Vec<nextgap_snapshot::LiveResource>,
) -> nextgap_iam::graph::Graph {
    let mut ec2_role = role("target", service_trust("ec2.amazonaws.com"), &[]);
    ec2_role["InstanceProfileList"] = json!([{"InstanceProfileName": "target-profile",
        "Arn": arn("instance-profile", "target-profile"), "Roles": [{"RoleName": "target", "Arn": arn("role", "target")}]}]);
    let mut snap = snapshot(&details(vec![attacker(statements)], vec![ec2_role], vec![], vec![]));
    snap.resources.extend(extra);
    build(&snap)
}

#[test]
fn lambda_003_update_the_code_of_a_function() {
    let function = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly");
    let target = arn("role", "target");
    let g = existing_fixture(
        json!([allow(json!("lambda:UpdateFunctionCode"), json!(function))]),
        vec![live("AWS::Lambda::Function", &function, json!({"FunctionName": "nightly", "Role": target}))],
    );
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::ExistingResource, "lambda-003", Some(&function))]);
    assert_eq!(
        steps(edge(&g, &me(), &target, EdgeKind::ExistingResource)),
        [("lambda:UpdateFunctionCode", function.as_str(), P, 0)]
    );
}

#[test]
fn lambda_003_not_on_another_function() {
    let function = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly");
    let g = existing_fixture(
        json!([allow(json!("lambda:UpdateFunctionCode"), json!(format!("{function}-other")))]),
        vec![live(
            "AWS::Lambda::Function",
            &function,
            json!({"FunctionName": "nightly", "Role": arn("role", "target")}),
        )],
    );
    assert_eq!(out_of(&g, &me()), []);
}

fn instance(state: &str) -> (String, nextgap_snapshot::LiveResource) {
    let arn_ = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0");
    let item = live(
        "AWS::EC2::Instance",
        &arn_,
        json!({"InstanceId": "i-0123456789abcdef0", "IamInstanceProfile": arn("instance-profile", "target-profile"), "State": state}),
    );
    (arn_, item)
}

#[test]
fn ssm_002_send_a_command_to_an_instance() {
    let (instance_arn, item) = instance("running");
    let target = arn("role", "target");
    let g = existing_fixture(json!([allow(json!("ssm:SendCommand"), json!("*"))]), vec![item]);
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::ExistingResource, "ssm-002", Some(&instance_arn))]);
    assert_eq!(
        steps(edge(&g, &me(), &target, EdgeKind::ExistingResource)),
        [("ssm:SendCommand", instance_arn.as_str(), P, 0)]
    );
}

#[test]
fn ssm_002_not_on_a_terminated_instance() {
    let (_, item) = instance("terminated");
    let g = existing_fixture(json!([allow(json!("ssm:SendCommand"), json!("*"))]), vec![item]);
    assert_eq!(out_of(&g, &me()), []);
}

#[test]
fn cloudformation_002_update_a_stack_with_a_service_role() {
    let stack = format!("arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/0f1e2d3c");
    let target = arn("role", "target");
    let g = existing_fixture(
        json!([allow(
            json!("cloudformation:UpdateStack"),
            json!(format!("arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/*"))
        )]),
        vec![live("AWS::CloudFormation::Stack", &stack, json!({"StackName": "app", "RoleARN": target}))],
    );
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::ExistingResource, "cloudformation-002", Some(&stack))]);
    assert_eq!(
        steps(edge(&g, &me(), &target, EdgeKind::ExistingResource)),
        [("cloudformation:UpdateStack", stack.as_str(), P, 0)]
    );
}

#[test]
fn cloudformation_002_not_for_a_stack_without_a_role() {
    let stack = format!("arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/0f1e2d3c");
    let g = existing_fixture(
        json!([allow(json!("cloudformation:UpdateStack"), json!("*"))]),
        vec![live("AWS::CloudFormation::Stack", &stack, json!({"StackName": "app"}))],
    );
    assert_eq!(out_of(&g, &me()), []);
}

#[test]
fn codebuild_002_start_a_build_of_a_project() {
    let project = format!("arn:aws:codebuild:{REGION}:{ACCOUNT}:project/release");
    let target = arn("role", "target");
    let g = existing_fixture(
        json!([allow(json!("codebuild:StartBuild"), json!(project))]),
        vec![live("AWS::CodeBuild::Project", &project, json!({"Name": "release", "ServiceRole": target}))],
    );
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::ExistingResource, "codebuild-002", Some(&project))]);
    assert_eq!(
        steps(edge(&g, &me(), &target, EdgeKind::ExistingResource)),
        [("codebuild:StartBuild", project.as_str(), P, 0)]
    );
}

// ---- Rewriting permissions. ----

#[test]
fn iam_005_007_009_put_and_attach_on_users_and_roles() {
    let (u, r) = (arn("user", "victim"), arn("role", "victim"));
    let admin_only = json!({"ArnEquals": {"iam:PolicyARN": ADMIN}});
    let g = graph_of(&details(
        vec![
            attacker(json!([
                allow(json!("iam:PutUserPolicy"), json!(u)),
                allow(json!("iam:PutRolePolicy"), json!(r)),
                {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": r, "Condition": admin_only},
            ])),
            user("victim", &[]),
        ],
        vec![role("victim", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    // One modify edge per target: the first path found explains it.
    assert_eq!(
        out_of(&g, &me()),
        [fx(&me(), &u, EdgeKind::Modify, "iam-007", None), fx(&me(), &r, EdgeKind::Modify, "iam-005", None)]
    );
    assert_eq!(steps(edge(&g, &me(), &u, EdgeKind::Modify)), [("iam:PutUserPolicy", u.as_str(), P, 0)]);
    assert_eq!(steps(edge(&g, &me(), &r, EdgeKind::Modify)), [("iam:PutRolePolicy", r.as_str(), P, 1)]);
}

#[test]
fn iam_009_attach_a_role_policy() {
    let r = arn("role", "victim");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("iam:AttachRolePolicy"), json!(r))]))],
        vec![role("victim", service_trust("ec2.amazonaws.com"), &[])],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &r, EdgeKind::Modify, "iam-009", None)]);
    assert_eq!(steps(edge(&g, &me(), &r, EdgeKind::Modify)), [("iam:AttachRolePolicy", r.as_str(), P, 0)]);
}

#[test]
fn iam_008_attach_a_user_policy_only_when_the_admin_policy_may_be_attached() {
    let u = arn("user", "victim");
    let attach_if = |policy: &str| {
        graph_of(&details(
            vec![
                attacker(json!([{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": u,
                                 "Condition": {"ArnEquals": {"iam:PolicyARN": policy}}}])),
                user("victim", &[]),
            ],
            vec![],
            vec![],
            vec![],
        ))
    };
    assert_eq!(out_of(&attach_if("arn:aws:iam::aws:policy/ReadOnlyAccess"), &me()), []);
    let g = attach_if(ADMIN);
    assert_eq!(out_of(&g, &me()), [fx(&me(), &u, EdgeKind::Modify, "iam-008", None)]);
    let e = edge(&g, &me(), &u, EdgeKind::Modify);
    assert_eq!(steps(e), [("iam:AttachUserPolicy", u.as_str(), P, 0)]);
    assert!(e.only_if.is_empty());
}

#[test]
fn iam_010_and_011_group_policies_reach_the_members() {
    let (ops, dev) = (arn("group", "ops"), arn("group", "dev"));
    let (ann, ben) = (arn("user", "ann"), arn("user", "ben"));
    let mut ann_entry = user("ann", &[]);
    ann_entry["GroupList"] = json!(["ops"]);
    let mut ben_entry = user("ben", &[]);
    ben_entry["GroupList"] = json!(["dev"]);
    let g = graph_of(&details(
        vec![
            attacker(json!([
                allow(json!("iam:AttachGroupPolicy"), json!(ops)),
                allow(json!("iam:PutGroupPolicy"), json!(dev)),
            ])),
            ann_entry,
            ben_entry,
        ],
        vec![],
        vec![group("ops", &[]), group("dev", &[])],
        vec![],
    ));
    assert_eq!(
        out_of(&g, &me()),
        [
            fx(&me(), &dev, EdgeKind::Modify, "iam-011", None),
            fx(&me(), &ben, EdgeKind::Modify, "iam-011", Some(&dev)),
            fx(&me(), &ops, EdgeKind::Modify, "iam-010", None),
            fx(&me(), &ann, EdgeKind::Modify, "iam-010", Some(&ops)),
        ]
    );
    assert_eq!(steps(edge(&g, &me(), &ann, EdgeKind::Modify)), [("iam:AttachGroupPolicy", ops.as_str(), P, 0)]);
    assert_eq!(steps(edge(&g, &me(), &ben, EdgeKind::Modify)), [("iam:PutGroupPolicy", dev.as_str(), P, 1)]);
}

#[test]
fn iam_001_new_version_of_a_customer_managed_policy() {
    let policy = arn("policy", "shared");
    let (holder, r) = (arn("user", "holder"), arn("role", "holder"));
    let g = graph_of(&details(
        vec![
            attacker(json!([allow(json!("iam:CreatePolicyVersion"), json!(policy))])),
            attach(user("holder", &[]), &[&policy]),
        ],
        vec![attach(role("holder", service_trust("ec2.amazonaws.com"), &[]), &[&policy])],
        vec![],
        vec![managed("shared", doc(json!([allow(json!("s3:GetObject"), json!("*"))])))],
    ));
    assert_eq!(
        out_of(&g, &me()),
        [
            fx(&me(), &holder, EdgeKind::Modify, "iam-001", Some(&policy)),
            fx(&me(), &r, EdgeKind::Modify, "iam-001", Some(&policy)),
        ]
    );
    assert_eq!(steps(edge(&g, &me(), &r, EdgeKind::Modify)), [("iam:CreatePolicyVersion", policy.as_str(), P, 0)]);
}

// ---- Limits: denies, boundaries, SCPs, conditions, other accounts. ----

#[test]
fn an_explicit_deny_in_another_policy_removes_the_edge() {
    let victim = arn("user", "victim");
    let g = graph_of(&details(
        vec![
            user(
                "attacker",
                &[
                    ("grant", doc(json!([allow(json!("iam:CreateAccessKey"), json!("*"))]))),
                    ("guard", doc(json!([deny(json!("iam:Create*"), json!(victim))]))),
                ],
            ),
            user("victim", &[]),
            user("other", &[]),
        ],
        vec![],
        vec![],
        vec![],
    ));
    let other = arn("user", "other");
    assert_eq!(out_of(&g, &me()), [fx(&me(), &other, EdgeKind::AccessKey, "iam-002", None)]);
}

#[test]
fn a_permissions_boundary_that_does_not_allow_the_action_removes_the_edge() {
    let victim = arn("user", "victim");
    let boundary = arn("policy", "boundary");
    let with_boundary = |allowed: &str| {
        let mut a = attacker(json!([allow(json!("iam:CreateAccessKey"), json!("*"))]));
        a["PermissionsBoundary"] =
            json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary});
        graph_of(&details(
            vec![a, user("victim", &[])],
            vec![],
            vec![],
            vec![managed("boundary", doc(json!([allow(json!(allowed), json!("*"))])))],
        ))
    };
    assert_eq!(out_of(&with_boundary("s3:*"), &me()), []);
    assert_eq!(out_of(&with_boundary("iam:*"), &me()), [fx(&me(), &victim, EdgeKind::AccessKey, "iam-002", None)]);
}

mod scp {
    use super::*;
    use nextgap_model::account::{Fact, NamedPolicy, Organization};

    const ROOT: &str = "r-ab12";
    const OU: &str = "ou-ab12-11111111";

    fn full_access() -> NamedPolicy {
        NamedPolicy {
            id: "p-FullAWSAccess".into(),
            name: "FullAWSAccess".into(),
            document: doc(json!([allow(json!("*"), json!("*"))])),
            targets: vec![ROOT.into(), OU.into(), ACCOUNT.into()],
        }
    }

    fn no_pass_role(target: &str) -> NamedPolicy {
        NamedPolicy {
            id: "p-nopass".into(),
            name: "no-pass-role".into(),
            document: doc(json!([deny(json!("iam:PassRole"), json!("*"))])),
            targets: vec![target.into()],
        }
    }

    fn graph(management: &str, scps: Vec<NamedPolicy>) -> nextgap_iam::graph::Graph {
        let mut snap = snapshot(&details(
            vec![attacker(json!([
                allow(json!("iam:PassRole"), json!("*")),
                allow(json!(["lambda:CreateFunction", "lambda:InvokeFunction"]), json!("*")),
            ]))],
            vec![role("target", service_trust("lambda.amazonaws.com"), &[])],
            vec![],
            vec![],
        ));
        snap.account.organization = Fact::Known(Some(Organization {
            id: "o-ab12cd34ef".into(),
            management_account_id: management.into(),
            service_control_policies: Fact::Known(scps),
            parents: Fact::Known(vec![ROOT.into(), OU.into()]),
            resource_control_policies: Fact::Known(vec![]),
        }));
        build(&snap)
    }

    fn edge_to_target() -> Vec<Flat> {
        vec![fx(&me(), &arn("role", "target"), EdgeKind::PassRole, "lambda-001", None)]
    }

    #[test]
    fn full_access_alone_keeps_the_edge() {
        let g = graph("999900001111", vec![full_access()]);
        assert_eq!(out_of(&g, &me()), edge_to_target());
        assert_eq!(g.unknowns, Vec::<String>::new());
    }

    #[test]
    fn a_deny_on_the_accounts_ou_removes_the_pass_role_edge() {
        assert_eq!(out_of(&graph("999900001111", vec![full_access(), no_pass_role(OU)]), &me()), []);
        assert_eq!(out_of(&graph("999900001111", vec![full_access(), no_pass_role(ACCOUNT)]), &me()), []);
    }

    #[test]
    fn a_deny_elsewhere_in_the_organization_does_not() {
        let g = graph("999900001111", vec![full_access(), no_pass_role("ou-ab12-22222222")]);
        assert_eq!(out_of(&g, &me()), edge_to_target());
    }

    #[test]
    fn scps_do_not_apply_to_the_management_account() {
        let g = graph(ACCOUNT, vec![full_access(), no_pass_role(OU)]);
        assert_eq!(out_of(&g, &me()), edge_to_target());
    }

    #[test]
    fn a_level_without_any_scp_means_unread_attachments() {
        // Every level of a real Organization holds at least FullAWSAccess: an empty level means
        // the attachments were not read, so SCPs are left out (and said so), even the deny.
        let mut partial = full_access();
        partial.targets = vec![ROOT.into(), ACCOUNT.into()];
        let g = graph("999900001111", vec![partial, no_pass_role(ACCOUNT)]);
        assert_eq!(out_of(&g, &me()), edge_to_target());
        assert_eq!(
            g.unknowns,
            [format!(
                "account {ACCOUNT}: SCP attachments are missing for part of its Organization path; service control policies are not applied"
            )]
        );
    }
}

#[test]
fn an_external_id_condition_makes_the_edge_conditional() {
    let target = arn("role", "target");
    let g = graph_of(&details(
        vec![attacker(json!([allow(json!("sts:AssumeRole"), json!("*"))]))],
        vec![role(
            "target",
            doc(json!([{"Effect": "Allow", "Principal": {"AWS": me()}, "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"sts:ExternalId": "acme-7f3a"}}}])),
            &[],
        )],
        vec![],
        vec![],
    ));
    assert_eq!(out_of(&g, &me()), [fx(&me(), &target, EdgeKind::AssumeRole, "sts-001", None)]);
    assert_eq!(edge(&g, &me(), &target, EdgeKind::AssumeRole).only_if, ["sts:ExternalId"]);
}

#[test]
fn trust_in_an_account_outside_the_input_is_that_account() {
    let (by_id, by_user) = (arn("role", "by-id"), arn("role", "by-user"));
    let outside = "arn:aws:iam::444455556666:root";
    let g = graph_of(&details(
        vec![],
        vec![
            role("by-id", trust(json!({"AWS": "444455556666"})), &[]),
            role("by-user", trust(json!({"AWS": "arn:aws:iam::444455556666:user/deployer"})), &[]),
        ],
        vec![],
        vec![],
    ));
    let node = &g.nodes[id(&g, outside)];
    assert_eq!(
        (node.kind, node.name.as_str(), node.account.as_str()),
        (nextgap_iam::graph::NodeKind::ExternalAccount, "account 444455556666", "444455556666")
    );
    assert_eq!(
        out_of(&g, outside),
        [
            fx(outside, &by_id, EdgeKind::AssumeRole, "sts-001", None),
            fx(outside, &by_user, EdgeKind::AssumeRole, "sts-001", None),
        ]
    );
    assert_eq!(
        steps(edge(&g, outside, &by_id, EdgeKind::AssumeRole)),
        [("sts:AssumeRole", by_id.as_str(), "trust policy of role/by-id", 0)]
    );
    assert_eq!(
        steps(edge(&g, outside, &by_user, EdgeKind::AssumeRole)),
        [("sts:AssumeRole", by_user.as_str(), "trust policy of role/by-user", 0)]
    );
    // Exactly one outside node: both principals are that account.
    assert_eq!(g.nodes.iter().filter(|n| n.is_outside()).count(), 1);
}

#[test]
fn trust_in_everyone_is_the_any_account_node() {
    let open = arn("role", "open");
    let g = graph_of(&details(vec![], vec![role("open", trust(json!("*")), &[])], vec![], vec![]));
    let star = &g.nodes[id(&g, "*")];
    assert_eq!((star.kind, star.name.as_str()), (nextgap_iam::graph::NodeKind::ExternalAccount, "any AWS account"));
    assert_eq!(out_of(&g, "*"), [fx("*", &open, EdgeKind::AssumeRole, "sts-001", None)]);
    assert_eq!(
        steps(edge(&g, "*", &open, EdgeKind::AssumeRole)),
        [("sts:AssumeRole", open.as_str(), "trust policy of role/open", 0)]
    );
}

#[test]
fn a_federated_provider_assumes_with_web_identity() {
    let provider = format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com");
    let deploy = arn("role", "deploy");
    let g = graph_of(&details(
        vec![],
        vec![role(
            "deploy",
            doc(
                json!([{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}}]),
            ),
            &[],
        )],
        vec![],
        vec![],
    ));
    assert_eq!(g.nodes[id(&g, &provider)].kind, nextgap_iam::graph::NodeKind::Federated);
    let e = edge(&g, &provider, &deploy, EdgeKind::AssumeRole);
    assert_eq!(steps(e), [("sts:AssumeRoleWithWebIdentity", deploy.as_str(), "trust policy of role/deploy", 0)]);
    assert_eq!(e.only_if, ["token.actions.githubusercontent.com:sub"]);
}

#[test]
fn an_administrator_is_marked_with_its_statement() {
    let g = graph_of(&details(
        vec![attach(user("boss", &[]), &[ADMIN]), attacker(json!([allow(json!("s3:*"), json!("*"))]))],
        vec![],
        vec![],
        vec![],
    ));
    let boss = id(&g, &arn("user", "boss"));
    assert!(g.admin[boss]);
    let reason = g.admin_reason[boss].as_ref().unwrap();
    assert_eq!((reason.permission.as_str(), reason.policy.as_str(), reason.statement), ("*", ADMIN, 0));
    assert!(!g.admin[id(&g, &me())]);
}
