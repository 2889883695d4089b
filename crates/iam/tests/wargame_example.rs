//! Blast radius on examples/wargame-account.json (written by scripts/make-wargame-example.py).
//! The expectations follow from the example's design: ci-deploy passes the administrator role
//! cfn-exec to CloudFormation; reporting may write a new version of its own policy; bob's group
//! may pass any role to Lambda; github-deploy may assume ops-admin (if MFA holds); the vendor
//! account may assume vendor-audit (with the external id).

use nextgap_iam::graph::{self, Graph};
use nextgap_iam::wargame::{self, Analysis, ScenarioReport};

const A: &str = "arn:aws:iam::111122223333";
const PROD_DATA: &str = "arn:aws:s3:::acme-prod-data";
const TRAIL_LOGS: &str = "arn:aws:s3:::acme-cloudtrail-logs";
const PROD_DB: &str = "arn:aws:rds:eu-west-1:111122223333:db:prod-db";
const DB_SNAPSHOT: &str = "arn:aws:rds:eu-west-1:111122223333:snapshot:prod-db-nightly";
const ORDERS: &str = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders";
const VOLUME: &str = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0123456789abcdef0";
const VOLUME_SNAPSHOT: &str = "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0";
const GITHUB: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const VENDOR: &str = "arn:aws:iam::999988887777:root";

fn p(kind_name: &str) -> String {
    format!("{A}:{kind_name}")
}

fn example() -> Graph {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/wargame-account.json");
    let text = std::fs::read_to_string(path).expect("the example is in the repository");
    let snapshot: nextgap_snapshot::Snapshot = serde_json::from_str(&text).expect("the example parses");
    graph::build(&graph::Input { accounts: snapshot.accounts.iter().collect() })
}

fn names(g: &Graph, ids: &[usize]) -> Vec<String> {
    ids.iter().map(|&i| g.nodes[i].arn.clone()).collect()
}

#[test]
fn the_example_reads_without_unknowns() {
    let g = example();
    assert_eq!(g.unknowns, Vec::<String>::new());
    let admins: Vec<&str> = (0..g.nodes.len()).filter(|&i| g.admin[i]).map(|i| g.nodes[i].arn.as_str()).collect();
    let expected = [
        p("root"),
        p("group/admins"),
        p("user/alice"),
        p("role/ops-admin"),
        p("role/lambda-admin-legacy"),
        p("role/cfn-exec"),
    ];
    assert_eq!(admins, expected);
}

#[test]
fn named_scenarios_start_from_the_expected_principals() {
    let g = example();
    let of = |name: &str| names(&g, &wargame::scenario_principals(&g, name).unwrap());
    assert_eq!(of("lose-root"), [p("root")]);
    assert_eq!(of("leaked-key"), [p("user/ci-deploy"), p("user/reporting")]);
    assert_eq!(of("ci-role-compromised"), [p("user/ci-deploy"), p("role/github-deploy")]);
    assert_eq!(of("insider-console"), [p("user/alice"), p("user/bob"), p("user/auditor")]);
    assert!(wargame::scenario_principals(&g, "lose-everything").unwrap_err().contains("unknown scenario"));
}

#[test]
fn principals_resolve_by_name_arn_key_and_root() {
    let g = example();
    let arn_of = |id: &str| g.nodes[wargame::resolve(&g, id).unwrap()].arn.clone();
    assert_eq!(arn_of("root"), p("root"));
    assert_eq!(arn_of("ci-deploy"), p("user/ci-deploy"));
    assert_eq!(arn_of("AKIAEXAMPLEREPORTING"), p("user/reporting"));
    assert_eq!(arn_of(&p("role/cfn-exec")), p("role/cfn-exec"));
    assert_eq!(arn_of("arn:aws:sts::111122223333:assumed-role/github-deploy/run-42"), p("role/github-deploy"));
    assert!(wargame::resolve(&g, "AKIANOSUCHKEY0000000").is_err());
    assert!(wargame::resolve(&g, "nobody").is_err());
}

/// (store, read, delete, same domain, [(backup, deletable)]).
type StoreRow<'a> = (&'a str, bool, bool, bool, Vec<(&'a str, bool)>);

/// Everything an administrator of the account holds: every store read and deleted, the three
/// stores whose backups are deletable too, every audit, lockout and persistence action.
fn assert_whole_account(report: &ScenarioReport) {
    let data: Vec<StoreRow> = report
        .data
        .iter()
        .map(|d| {
            let backups = d.backups.iter().map(|b| (b.resource.as_str(), b.deletable)).collect();
            (d.resource.as_str(), d.read, d.delete, d.same_domain, backups)
        })
        .collect();
    let versions = format!("{PROD_DATA} (object versions)");
    assert_eq!(
        data,
        [
            (PROD_DATA, true, true, true, vec![(versions.as_str(), true)]),
            (TRAIL_LOGS, true, true, false, vec![]),
            (PROD_DB, true, true, true, vec![(DB_SNAPSHOT, true)]),
            (ORDERS, true, true, false, vec![]),
            (VOLUME, true, true, true, vec![(VOLUME_SNAPSHOT, true)]),
        ]
    );
    assert_eq!((report.audit.len(), report.lockout.len(), report.persist.len()), (12, 14, 8));
}

#[test]
fn leaked_ci_deploy_key_passes_the_administrator_role_to_cloudformation() {
    let g = example();
    let an = Analysis::new(&g);
    let ci = wargame::resolve(&g, "ci-deploy").unwrap();
    let report = wargame::scenario(&an, "leaked-key", "q", &[ci]);
    assert!(report.can_become_admin);
    let chain: Vec<(&str, &str, &str, Option<&str>)> = report
        .admin_chain
        .iter()
        .map(|s| (s.from.as_str(), s.to.as_str(), s.kind.as_str(), s.path.as_deref()))
        .collect();
    let (me, cfn) = (p("user/ci-deploy"), p("role/cfn-exec"));
    assert_eq!(
        chain,
        [
            (me.as_str(), cfn.as_str(), "pass-role", Some("cloudformation-001")),
            (cfn.as_str(), "administrator", "is-admin", None)
        ]
    );
    let perms: Vec<(&str, &str, &str, usize)> = report.admin_chain[0]
        .permissions
        .iter()
        .map(|s| (s.permission.as_str(), s.resource.as_str(), s.policy.as_str(), s.statement))
        .collect();
    assert_eq!(
        perms,
        [
            ("iam:PassRole", cfn.as_str(), "user/ci-deploy inline deploy", 1),
            ("cloudformation:CreateStack", "*", "user/ci-deploy inline deploy", 0),
        ]
    );
    // Breadth first: itself, the role, what the role assumes, then the account's users and
    // roles as administrator (never the root user, never the outside principals).
    let reached: Vec<(&str, usize)> = report.reaches.iter().map(|r| (r.principal.as_str(), r.chain.len())).collect();
    let expected: Vec<(String, usize)> = vec![
        (me.clone(), 0),
        (cfn.clone(), 1),
        (p("role/ops-admin"), 2),
        (p("user/alice"), 2),
        (p("user/bob"), 2),
        (p("user/reporting"), 2),
        (p("user/auditor"), 2),
        (p("role/github-deploy"), 2),
        (p("role/lambda-admin-legacy"), 2),
        (p("role/app-worker"), 2),
        (p("role/vendor-audit"), 2),
    ];
    let expected: Vec<(&str, usize)> = expected.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    assert_eq!(reached, expected);
    assert_eq!(report.reaches[2].chain[1].kind, "assume-role");
    assert_eq!(report.reaches[2].chain[1].only_if, ["aws:MultiFactorAuthPresent"]);
    assert_eq!(report.reaches[3].chain[1].kind, "as-admin");
    assert_whole_account(&report);
    // Held by the first reached administrator; its own lockout by the next one.
    assert!(report.audit.iter().all(|a| a.by == cfn));
    let own_lockout: Vec<&str> = report.lockout.iter().filter(|l| l.resource == cfn).map(|l| l.by.as_str()).collect();
    let ops = p("role/ops-admin");
    assert_eq!(own_lockout, [ops.as_str(); 3]);
}

#[test]
fn leaked_reporting_key_rewrites_its_own_policy() {
    let g = example();
    let an = Analysis::new(&g);
    let reporting = wargame::resolve(&g, "reporting").unwrap();
    assert!(an.powerful[reporting]);
    let report = wargame::scenario(&an, "leaked-key", "q", &[reporting]);
    assert!(report.can_become_admin);
    let me = p("user/reporting");
    let policy = p("policy/reporting-access");
    assert_eq!(report.admin_chain.len(), 1);
    let step = &report.admin_chain[0];
    assert_eq!(
        (step.from.as_str(), step.to.as_str(), step.kind.as_str(), step.path.as_deref(), step.via.as_deref()),
        (me.as_str(), me.as_str(), "modify", Some("iam-001"), Some(policy.as_str()))
    );
    let perm = &step.permissions[0];
    assert_eq!(
        (perm.permission.as_str(), perm.resource.as_str(), perm.policy.as_str(), perm.statement),
        ("iam:CreatePolicyVersion", policy.as_str(), policy.as_str(), 1)
    );
    let reached: Vec<&str> = report.reaches.iter().map(|r| r.principal.as_str()).collect();
    let expected = [
        "user/reporting",
        "user/alice",
        "user/bob",
        "user/ci-deploy",
        "user/auditor",
        "role/github-deploy",
        "role/ops-admin",
        "role/lambda-admin-legacy",
        "role/cfn-exec",
        "role/app-worker",
        "role/vendor-audit",
    ]
    .map(p);
    assert_eq!(reached, expected);
    assert_whole_account(&report);
    // It holds everything itself, by the statement that lets it make itself administrator.
    assert!(report.audit.iter().chain(&report.lockout).chain(&report.persist).all(|x| x.by == me));
    assert_eq!(report.persist[0].permissions[0].permission, "iam:CreatePolicyVersion");
}

#[test]
fn both_leaked_keys_together() {
    let g = example();
    let an = Analysis::new(&g);
    let start = wargame::scenario_principals(&g, "leaked-key").unwrap();
    let report = wargame::scenario(&an, "leaked-key", "q", &start);
    assert_eq!(report.compromised, [p("user/ci-deploy"), p("user/reporting")]);
    // The chain shown is the first compromised principal's.
    assert_eq!(report.admin_chain[0].path.as_deref(), Some("cloudformation-001"));
    assert_eq!(report.reaches.len(), 11);
    assert_whole_account(&report);
}

#[test]
fn the_ranking_puts_every_way_to_administrator_first() {
    let g = example();
    let an = Analysis::new(&g);
    let ranked = wargame::rank(&an);
    let rows: Vec<(usize, &str, u64, usize, bool, bool)> = ranked
        .iter()
        .map(|r| (r.rank, r.principal.as_str(), r.score, r.reaches, r.admin, r.can_become_admin))
        .collect();
    // Administrator-capable: 1_000_000 + 5_000 x 3 same-domain stores + 200 x (5 deletes +
    // 3 backups) + 100 x 5 reads + 300 x 2 (audit, lockout) + 20 x (12 + 14 + 8) + reaches.
    let top = 1_018_380;
    let expected: Vec<(usize, String, u64, usize, bool, bool)> = vec![
        (1, GITHUB.into(), top + 11, 11, false, true),
        (2, p("root"), top + 11, 11, true, true),
        (3, p("role/cfn-exec"), top + 10, 10, true, true),
        (4, p("role/github-deploy"), top + 10, 10, false, true),
        (5, p("role/lambda-admin-legacy"), top + 10, 10, true, true),
        (6, p("role/ops-admin"), top + 10, 10, true, true),
        (7, p("user/alice"), top + 10, 10, true, true),
        (8, p("user/bob"), top + 10, 10, false, true),
        (9, p("user/ci-deploy"), top + 10, 10, false, true),
        (10, p("user/reporting"), top + 10, 10, false, true),
        // Reads two buckets and stops the trail: 100 x 2 + 300 + 20, plus vendor-audit.
        (11, VENDOR.into(), 521, 1, false, false),
        (12, p("role/vendor-audit"), 520, 0, false, false),
        // Reads the bucket and the table, deletes the table.
        (13, p("role/app-worker"), 400, 0, false, false),
        (14, p("user/auditor"), 0, 0, false, false),
    ];
    let expected: Vec<(usize, &str, u64, usize, bool, bool)> =
        expected.iter().map(|(a, b, c, d, e, f)| (*a, b.as_str(), *c, *d, *e, *f)).collect();
    assert_eq!(rows, expected);
    let same = [PROD_DATA, PROD_DB, VOLUME];
    for r in &ranked[..10] {
        assert_eq!(r.same_domain, same, "{}", r.principal);
        assert_eq!((r.data_read, r.data_delete, r.backups_delete), (5, 5, 3));
        assert_eq!((r.audit, r.lockout, r.persist), (12, 14, 8));
    }
    let exposed: Vec<&str> = ranked.iter().filter(|r| r.exposed).map(|r| r.name.as_str()).collect();
    assert_eq!(
        exposed,
        [
            "token.actions.githubusercontent.com",
            "alice",
            "bob",
            "ci-deploy",
            "reporting",
            "account 999988887777",
            "auditor"
        ]
    );
    let bob = ranked.iter().find(|r| r.name == "bob").unwrap();
    let bob_chain: Vec<(&str, Option<&str>)> =
        bob.admin_chain.iter().map(|s| (s.kind.as_str(), s.path.as_deref())).collect();
    assert_eq!(bob_chain, [("pass-role", Some("lambda-001")), ("is-admin", None)]);
}

#[test]
fn the_vendor_account_reads_data_and_stops_the_trail_only_with_the_external_id() {
    let g = example();
    let an = Analysis::new(&g);
    let vendor = wargame::resolve(&g, VENDOR).unwrap();
    let report = wargame::scenario(&an, "vendor", "q", &[vendor]);
    assert!(!report.can_become_admin);
    let reached: Vec<&str> = report.reaches.iter().map(|r| r.principal.as_str()).collect();
    assert_eq!(reached, [VENDOR.to_string(), p("role/vendor-audit")]);
    assert_eq!(report.reaches[1].chain[0].only_if, ["sts:ExternalId"]);
    let data: Vec<(&str, bool, bool)> = report.data.iter().map(|d| (d.resource.as_str(), d.read, d.delete)).collect();
    assert_eq!(
        data,
        [
            (PROD_DATA, true, false),
            (TRAIL_LOGS, true, false),
            (PROD_DB, false, false),
            (ORDERS, false, false),
            (VOLUME, false, false)
        ]
    );
    let audit: Vec<(&str, &str)> = report.audit.iter().map(|a| (a.action.as_str(), a.by.as_str())).collect();
    let vendor_audit = p("role/vendor-audit");
    assert_eq!(audit, [("cloudtrail:StopLogging", vendor_audit.as_str())]);
    assert!(report.lockout.is_empty() && report.persist.is_empty());
}

#[test]
fn github_actions_deletes_the_database_with_its_snapshot_on_its_own() {
    let g = example();
    let an = Analysis::new(&g);
    let gh = wargame::resolve(&g, "github-deploy").unwrap();
    // Its own capabilities (without the conditional hop to ops-admin).
    let own: Vec<(&str, &str)> = an.own[gh]
        .ones()
        .map(|c| (an.caps[c].action, an.caps[c].resource.as_str()))
        .filter(|(a, _)| a.starts_with("rds:") || a.starts_with("s3:Delete") || a.starts_with("ec2:"))
        .collect();
    let objects = format!("{PROD_DATA}/*");
    assert_eq!(
        own,
        [
            ("s3:DeleteObject", objects.as_str()),
            ("s3:DeleteObjectVersion", objects.as_str()),
            ("rds:ModifyDBInstance", PROD_DB),
            ("rds:DeleteDBInstance", PROD_DB),
            ("ec2:CreateSnapshot", VOLUME),
            ("rds:DeleteDBSnapshot", DB_SNAPSHOT),
            ("ec2:DeleteSnapshot", VOLUME_SNAPSHOT),
        ]
    );
}
