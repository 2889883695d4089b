//! Graphs from random and odd authorization-details documents: malformed policies, missing
//! fields, wildcard and foreign principals, huge statements. Building the graph, the analysis,
//! the ranking and every named scenario must not panic, and every policy the evaluator refuses
//! must be reported in `unknowns` by its name.

use nextgap_iam::eval::Policy;
use nextgap_iam::graph;
use nextgap_iam::wargame::{self, Analysis, SCENARIOS};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";

fn pick(options: Vec<Value>) -> impl Strategy<Value = Value> + Clone {
    proptest::sample::select(options)
}

fn actions() -> Vec<Value> {
    [
        "*",
        "iam:*",
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "iam:PassRole",
        "iam:CreateAccessKey",
        "iam:PutUserPolicy",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:CreatePolicyVersion",
        "iam:AddUserToGroup",
        "iam:UpdateAssumeRolePolicy",
        "lambda:*",
        "lambda:UpdateFunctionCode",
        "ec2:RunInstances",
        "ssm:SendCommand",
        "cloudformation:*",
        "s3:Get*",
        "s3:DeleteObject",
        "rds:Delete*",
        "cloudtrail:StopLogging",
        "",
        ":",
        "iam:",
        "nosuchservice:DoIt",
        "Iam:putuserPOLICY",
        "i?m:*Policy*",
    ]
    .into_iter()
    .map(Value::from)
    .collect()
}

fn resources() -> Vec<Value> {
    vec![
        json!("*"),
        json!(format!("arn:aws:iam::{ACCOUNT}:role/*")),
        json!(format!("arn:aws:iam::{ACCOUNT}:user/u0")),
        json!(format!("arn:aws:iam::{ACCOUNT}:role/r1")),
        json!(format!("arn:aws:iam::{ACCOUNT}:policy/m0")),
        json!(format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")),
        json!("arn:aws:s3:::bucket/*"),
        json!("arn:*:*:*:*:*"),
        json!("not an arn"),
        json!(""),
        json!(["*", 3]),
        json!(null),
        json!({"Ref": "x"}),
    ]
}

fn principals() -> Vec<Value> {
    vec![
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ACCOUNT}),
        json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
        json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:user/u0")}),
        json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/r0")}),
        json!({"AWS": "444455556666"}),
        json!({"AWS": ["arn:aws:iam::444455556666:role/vendor", "arn:aws:iam::777788889999:user/x"]}),
        json!({"AWS": "AROAEXAMPLEUNIQUEID"}),
        json!({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}),
        json!({"Service": "codebuild.amazonaws.com"}),
        json!({"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")}),
        json!({"Federated": format!("arn:aws:iam::{ACCOUNT}:saml-provider/okta")}),
        json!({"Federated": "cognito-identity.amazonaws.com"}),
        json!({"CanonicalUser": "abc"}),
        json!({"Bogus": "x"}),
        json!({"AWS": 42}),
        json!(7),
        json!(""),
    ]
}

fn conditions() -> Vec<Value> {
    vec![
        json!({"StringEquals": {"sts:ExternalId": "x"}}),
        json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        json!({"ArnLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/*"}}),
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b?"]}}),
        json!({"StringLikeIfExists": {"aws:PrincipalTag/team": "${aws:username}"}}),
        json!({"Null": {"aws:SourceIp": "false"}}),
        json!({"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}),
        json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}),
        json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        json!({"NoSuchOperator": {"a": "b"}}),
        json!({"StringEquals": "flat"}),
        json!({"StringEquals": {"k": {"nested": true}}}),
        json!([]),
        json!(null),
    ]
}

/// Any JSON, to stand where a policy document or one of its parts should be.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
        pick(actions()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let keys = proptest::sample::select(vec![
            "Version",
            "Statement",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Principal",
            "NotPrincipal",
            "Condition",
            "Sid",
            "x",
        ]);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(keys.prop_map(String::from), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A statement that is mostly well formed, with odd parts mixed in; sometimes huge.
fn statement(with_principal: bool) -> impl Strategy<Value = Value> {
    // Odd choices are rare: one bad statement makes the whole policy unreadable.
    let effect = prop_oneof![12 => Just(json!("Allow")), 4 => Just(json!("Deny")), 1 => Just(json!("Maybe")), 1 => Just(json!(1))];
    let action = prop_oneof![
        12 => pick(actions()),
        6 => proptest::collection::vec(pick(actions()), 0..6).prop_map(Value::from),
        2 => proptest::collection::vec(pick(actions()), 200..400).prop_map(Value::from),
        1 => any_json(),
    ];
    let action_key = prop_oneof![16 => Just(json!("Action")), 2 => Just(json!("NotAction")), 1 => Just(json!(""))];
    let resource = prop_oneof![4 => pick(resources()), 1 => proptest::collection::vec(pick(resources()), 0..300).prop_map(Value::from)];
    let resource_key =
        prop_oneof![16 => Just(json!("Resource")), 2 => Just(json!("NotResource")), 1 => Just(json!(""))];
    let principal = pick(principals());
    let principal_key =
        prop_oneof![16 => Just(json!("Principal")), 1 => Just(json!("NotPrincipal")), 1 => Just(json!(""))];
    let condition = proptest::option::weighted(0.2, pick(conditions()));
    (effect, action_key, action, resource_key, resource, principal_key, principal, condition).prop_map(
        move |(effect, ak, action, rk, resource, pk, principal, condition)| {
            let mut s = serde_json::Map::new();
            s.insert("Effect".into(), effect);
            if let Some(k) = ak.as_str().filter(|k| !k.is_empty()) {
                s.insert(k.into(), action);
            }
            if with_principal {
                if let Some(k) = pk.as_str().filter(|k| !k.is_empty()) {
                    s.insert(k.into(), principal);
                }
            } else if let Some(k) = rk.as_str().filter(|k| !k.is_empty()) {
                s.insert(k.into(), resource);
            }
            if let Some(c) = condition {
                s.insert("Condition".into(), c);
            }
            Value::Object(s)
        },
    )
}

/// A well-formed statement: every part valid, only the values vary.
fn clean_statement(with_principal: bool) -> impl Strategy<Value = Value> {
    let effect = prop_oneof![3 => Just("Allow"), 1 => Just("Deny")];
    let action = prop_oneof![
        3 => pick(actions()),
        1 => proptest::collection::vec(pick(actions()), 1..6).prop_map(Value::from),
    ];
    let resource = pick(resources()[..10].to_vec());
    let principal = pick(principals()[..14].to_vec());
    let condition = proptest::option::weighted(0.2, pick(conditions()[..10].to_vec()));
    (effect, any::<bool>(), action, resource, principal, condition).prop_map(
        move |(effect, not_action, action, resource, principal, condition)| {
            let action_key = if not_action && !with_principal { "NotAction" } else { "Action" };
            let mut s = json!({"Effect": effect, action_key: action});
            if with_principal {
                s["Principal"] = principal;
            } else {
                s["Resource"] = resource;
            }
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            s
        },
    )
}

fn clean_document(trust: bool) -> impl Strategy<Value = Value> {
    proptest::collection::vec(clean_statement(trust), 1..4)
        .prop_map(|s| json!({"Version": "2012-10-17", "Statement": s}))
}

/// A policy document: usually statements, sometimes any JSON, a single statement object, or
/// URL-encoded text as the raw API returns it.
fn document(trust: bool) -> impl Strategy<Value = Value> {
    let statements = || proptest::collection::vec(statement(trust), 0..5);
    prop_oneof![
        14 => statements().prop_map(|s| json!({"Version": "2012-10-17", "Statement": s})),
        1 => statement(trust).prop_map(|s| json!({"Statement": s})),
        1 => statements().prop_map(|s| {
            let text = json!({"Version": "2012-10-17", "Statement": s}).to_string();
            Value::from(text.replace('{', "%7B").replace('}', "%7D").replace('"', "%22"))
        }),
        1 => any_json(),
        1 => Just(json!({"Version": "2012-10-17"})),
        1 => Just(Value::from("%7Bnot json")),
    ]
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

fn inline(docs: Vec<Value>) -> Value {
    docs.into_iter().enumerate().map(|(i, d)| json!({"PolicyName": format!("p{i}"), "PolicyDocument": d})).collect()
}

/// Attachments by index into the managed policies (some dangling, some AWS-managed).
fn attached(picks: &[usize], managed: usize) -> Value {
    picks
        .iter()
        .map(|&i| match i % 12 {
            0 => json!({"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            1 => json!({"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            _ if managed > 0 => json!({"PolicyArn": arn("policy", &format!("m{}", i % managed))}),
            _ => json!({"PolicyArn": arn("policy", "dangling")}),
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Principal {
    docs: Vec<Value>,
    trust: Value,
    attach: Vec<usize>,
    groups: Vec<usize>,
    drop_field: usize,
}

fn principal() -> impl Strategy<Value = Principal> {
    principal_with(document(false).boxed(), document(true).boxed())
}

fn clean_principal() -> impl Strategy<Value = Principal> {
    principal_with(clean_document(false).boxed(), clean_document(true).boxed())
}

fn principal_with(docs: BoxedStrategy<Value>, trust: BoxedStrategy<Value>) -> impl Strategy<Value = Principal> {
    (
        proptest::collection::vec(docs, 0..3),
        trust,
        proptest::collection::vec(0usize..24, 0..3),
        proptest::collection::vec(0usize..3, 0..2),
        0usize..30,
    )
        .prop_map(|(docs, trust, attach, groups, drop_field)| Principal {
            docs,
            trust,
            attach,
            groups,
            drop_field,
        })
}

/// Removes one field of an entry now and then (exports from old CLIs, hand-edited files).
fn drop_one(mut entry: Value, which: usize) -> Value {
    let keys: Vec<String> = entry.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    if let (Some(key), Some(obj)) = (keys.get(which), entry.as_object_mut()) {
        if key != "Arn" {
            obj.remove(key);
        }
    }
    entry
}

fn export(users: &[Principal], roles: &[Principal], groups: &[Principal], managed: &[Value]) -> Value {
    let n = managed.len();
    let group_names: Vec<String> = (0..groups.len()).map(|i| format!("g{i}")).collect();
    let users: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let groups: Vec<String> =
                u.groups.iter().map(|&g| group_names.get(g).cloned().unwrap_or_else(|| "missing".into())).collect();
            let entry = json!({"UserName": format!("u{i}"), "Arn": arn("user", &format!("u{i}")), "GroupList": groups,
                "AttachedManagedPolicies": attached(&u.attach, n), "UserPolicyList": inline(u.docs.clone()),
                "PermissionsBoundary": if u.drop_field == 0 {
                    json!({"PermissionsBoundaryArn": arn("policy", "m0")})
                } else { json!(null) }});
            drop_one(entry, u.drop_field)
        })
        .collect();
    let roles: Vec<Value> = roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let entry = json!({"RoleName": format!("r{i}"), "Arn": arn("role", &format!("r{i}")),
                "AssumeRolePolicyDocument": r.trust, "AttachedManagedPolicies": attached(&r.attach, n),
                "RolePolicyList": inline(r.docs.clone()),
                "InstanceProfileList": [{"InstanceProfileName": format!("ip{i}"), "Arn": arn("instance-profile", &format!("ip{i}")),
                                         "Roles": [{"RoleName": format!("r{i}")}]}]});
            drop_one(entry, r.drop_field)
        })
        .collect();
    let groups: Vec<Value> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({"GroupName": format!("g{i}"), "Arn": arn("group", &format!("g{i}")),
                "AttachedManagedPolicies": attached(&g.attach, n), "GroupPolicyList": inline(g.docs.clone())})
        })
        .collect();
    let policies: Vec<Value> = managed
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({"PolicyName": format!("m{i}"), "Arn": arn("policy", &format!("m{i}")), "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": d}]})
        })
        .collect();
    // One well-formed user so the export always names the account.
    let mut all_users = vec![json!({"UserName": "anchor", "Arn": arn("user", "anchor")})];
    all_users.extend(users);
    json!({"UserDetailList": all_users, "RoleDetailList": roles, "GroupDetailList": groups, "Policies": policies})
}

/// The names the graph gives each policy of the snapshot, with the documents it parses.
fn named_documents(snap: &nextgap_snapshot::AccountSnapshot) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for r in &snap.resources {
        let short = r.arn.split(':').nth(5).unwrap_or(&r.arn).to_string();
        let inline = r.properties.get("Policies").and_then(Value::as_array).cloned().unwrap_or_default();
        for p in inline {
            let name = p.get("PolicyName").and_then(Value::as_str).unwrap_or_default();
            out.push((format!("{short} inline {name}"), p["PolicyDocument"].clone()));
        }
        match r.resource_type.as_str() {
            "AWS::IAM::Role" => {
                out.push((format!("trust policy of {short}"), r.properties["AssumeRolePolicyDocument"].clone()))
            }
            "AWS::IAM::ManagedPolicy" => out.push((r.arn.clone(), r.properties["PolicyDocument"].clone())),
            _ => {}
        }
    }
    out
}

/// Compute whose roles the existing-resource paths borrow, and stores for the blast radius.
fn inventory() -> Vec<nextgap_snapshot::LiveResource> {
    let item = |t: &str, arn: &str, properties: Value| nextgap_snapshot::LiveResource {
        resource_type: t.into(),
        arn: arn.into(),
        properties,
    };
    let r = |i: usize| arn("role", &format!("r{i}"));
    vec![
        item("AWS::Lambda::Function", "arn:aws:lambda:eu-west-1:111122223333:function:f", json!({"Role": r(0)})),
        item(
            "AWS::EC2::Instance",
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
            json!({"IamInstanceProfile": arn("instance-profile", "ip1"), "State": "running"}),
        ),
        item("AWS::EC2::Instance", "arn:aws:ec2:eu-west-1:111122223333:instance/i-2", json!({"IamInstanceProfile": 5})),
        item(
            "AWS::CloudFormation::Stack",
            "arn:aws:cloudformation:eu-west-1:111122223333:stack/s/1",
            json!({"RoleARN": r(2)}),
        ),
        item(
            "AWS::CodeBuild::Project",
            "arn:aws:codebuild:eu-west-1:111122223333:project/p",
            json!({"ServiceRole": r(3)}),
        ),
        item(
            "AWS::S3::Bucket",
            "arn:aws:s3:::bucket",
            json!({"BucketName": "bucket", "VersioningConfiguration": {"Status": "Enabled"}}),
        ),
        item(
            "AWS::S3::BucketPolicy",
            "arn:aws:s3:::bucket/policy",
            json!({"Bucket": "bucket", "PolicyDocument": {"Statement": 1}}),
        ),
        item("AWS::RDS::DBInstance", "arn:aws:rds:eu-west-1:111122223333:db:d", json!({"DBInstanceIdentifier": "d"})),
        item(
            "AWS::RDS::DBSnapshot",
            "arn:aws:rds:eu-west-1:111122223333:snapshot:s",
            json!({"DBInstanceIdentifier": "d"}),
        ),
        item(
            "AWS::Backup::BackupVault",
            "arn:aws:backup:eu-west-1:111122223333:backup-vault:v",
            json!({"Locked": true}),
        ),
        item("AWS::CloudTrail::Trail", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t", json!({})),
    ]
}

/// Builds everything there is to build and checks the unknowns.
fn exercise(details: &Value) {
    let Ok(mut snap) = nextgap_snapshot::from_authorization_details(details) else { return };
    snap.account.organization = nextgap_model::account::Fact::Known(None);
    snap.resources.extend(inventory());
    let g = graph::build(&graph::Input { accounts: vec![&snap] });
    for (name, document) in named_documents(&snap) {
        if let Err(e) = Policy::parse(&name, &document) {
            let wanted = format!("policy {name}");
            assert!(g.unknowns.iter().any(|u| u.starts_with(&wanted)), "{e} not in unknowns {:?}", g.unknowns);
        }
    }
    assert_eq!(g.out.len(), g.nodes.len());
    assert_eq!(g.admin.len(), g.nodes.len());
    for e in g.edges.iter().chain(&g.modifies) {
        assert!(e.from < g.nodes.len() && e.to < g.nodes.len());
        assert!(!e.steps.is_empty(), "an edge without the statements behind it");
    }
    let an = Analysis::new(&g);
    let ranked = wargame::rank(&an);
    assert_eq!(ranked.len(), (0..g.nodes.len()).filter(|&i| g.is_actor(i)).count());
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score), "ranked largest first");
    for i in 0..g.nodes.len() {
        assert_eq!(an.can_become_admin(i), !wargame::admin_chain(&an, i).is_empty(), "{}", g.nodes[i].arn);
        assert!(!g.admin[i] || an.can_become_admin(i));
    }
    for s in SCENARIOS {
        let start = wargame::scenario_principals(&g, s.name).unwrap();
        let report = wargame::scenario(&an, s.name, s.question, &start);
        assert_eq!(report.compromised.len(), start.len());
        // The root user is reached only by being compromised: no IAM permission yields it.
        let roots = report.reaches.iter().filter(|r| r.kind == "root" && !r.chain.is_empty()).count();
        assert_eq!(roots, 0, "{}", s.name);
    }
    for id in ["root", "u0", "r0", "AKIAEXAMPLE00000000", "arn:aws:sts::111122223333:assumed-role/r1/s", "*"] {
        if let Ok(n) = wargame::resolve(&g, id) {
            let report = wargame::scenario(&an, "manual", "q", &[n]);
            assert_eq!(report.reaches[0].principal, g.nodes[n].arn);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_exports_build_without_panics(
        users in proptest::collection::vec(principal(), 0..4),
        roles in proptest::collection::vec(principal(), 0..4),
        groups in proptest::collection::vec(principal(), 0..3),
        managed in proptest::collection::vec(document(false), 0..3),
    ) {
        exercise(&export(&users, &roles, &groups, &managed));
    }

    #[test]
    fn well_formed_random_exports_build_without_panics(
        users in proptest::collection::vec(clean_principal(), 1..6),
        roles in proptest::collection::vec(clean_principal(), 1..6),
        groups in proptest::collection::vec(clean_principal(), 0..3),
        managed in proptest::collection::vec(clean_document(false), 0..3),
    ) {
        exercise(&export(&users, &roles, &groups, &managed));
    }

    #[test]
    fn arbitrary_json_exports_do_not_panic(value in any_json()) {
        exercise(&json!({"UserDetailList": [{"UserName": "anchor", "Arn": arn("user", "anchor"), "UserPolicyList": value}],
                         "RoleDetailList": [value.clone()], "GroupDetailList": value.clone(), "Policies": [value]}));
    }
}

#[test]
fn malformed_policies_are_reported_by_name() {
    let details = json!({
        "UserDetailList": [{"UserName": "u0", "Arn": arn("user", "u0"), "GroupList": ["g0", "gone"],
            "AttachedManagedPolicies": [{"PolicyArn": arn("policy", "bad")}, {"PolicyArn": arn("policy", "absent")}],
            "UserPolicyList": [{"PolicyName": "no-effect", "PolicyDocument": {"Statement": [{"Action": "*", "Resource": "*"}]}},
                               {"PolicyName": "fine", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]}],
        "GroupDetailList": [{"GroupName": "g0", "Arn": arn("group", "g0"),
            "GroupPolicyList": [{"PolicyName": "text", "PolicyDocument": "%7Bnot json"}]}],
        "RoleDetailList": [{"RoleName": "r0", "Arn": arn("role", "r0"),
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Bogus": "x"}, "Action": "sts:AssumeRole"}]}}],
        "Policies": [{"PolicyName": "bad", "Arn": arn("policy", "bad"), "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": 3}}]}]
    });
    let mut snap = nextgap_snapshot::from_authorization_details(&details).unwrap();
    snap.account.organization = nextgap_model::account::Fact::Known(None);
    let g = graph::build(&graph::Input { accounts: vec![&snap] });
    let bad = arn("policy", "bad");
    let absent = arn("policy", "absent");
    let expected = vec![
        format!("policy {bad}: missing or invalid Statement: its permissions are not counted"),
        "policy group/g0 inline text: document is not an object: its permissions are not counted".to_string(),
        "policy user/u0 inline no-effect statement 0: invalid Effect None: its permissions are not counted".to_string(),
        format!("user/u0: managed policy {absent} has no document in the input; its permissions are not counted"),
        "user/u0: group gone is not in the input".to_string(),
        "policy trust policy of role/r0 statement 0: unknown principal type Bogus: its permissions are not counted"
            .to_string(),
    ];
    assert_eq!(g.unknowns, expected);
    // The readable policy still counts.
    let u0 = g.node(&arn("user", "u0")).unwrap();
    assert_eq!(g.nodes[u0].policies.identity.len(), 1);
}

#[test]
fn an_unreadable_organization_is_reported() {
    let details = json!({"UserDetailList": [{"UserName": "u0", "Arn": arn("user", "u0")}]});
    let snap = nextgap_snapshot::from_authorization_details(&details).unwrap();
    let g = graph::build(&graph::Input { accounts: vec![&snap] });
    assert_eq!(
        g.unknowns,
        [format!("account {ACCOUNT}: Organization not read (not collected); service control policies are not applied")]
    );
}
