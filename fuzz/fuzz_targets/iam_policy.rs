//! IAM policies and account exports on arbitrary bytes: the lint, the policy parser and
//! evaluation, and the principal graph with its war-game analysis must never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nextgap_iam::eval::{evaluate, Policy, PolicySet, Request};
use nextgap_iam::lint::{lint_text, Kind};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = lint_text("fuzz.json", text, Kind::Identity);
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else { return };
    if let Ok(policy) = Policy::parse("fuzz", &value) {
        let policy = Arc::new(policy);
        let set = PolicySet { identity: vec![policy.clone()], resource: Some(policy), ..PolicySet::default() };
        let req = Request {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::bucket/key".into(),
            ..Request::default()
        };
        let _ = evaluate(&set, &req);
    }
    if let Ok(account) = nextgap_snapshot::from_authorization_details(&value) {
        let g = nextgap_iam::graph::build(&nextgap_iam::graph::Input { accounts: vec![&account] });
        let an = nextgap_iam::wargame::Analysis::new(&g);
        let _ = nextgap_iam::wargame::rank(&an);
    }
});
