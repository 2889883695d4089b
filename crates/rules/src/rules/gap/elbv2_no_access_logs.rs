use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ELB-066",
        name: "elbv2-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Medium,
        title: "Application/Network Load Balancer without access logs",
        description: "The load balancer does not set the attribute `access_logs.s3.enabled` to true \
            (absent means off). Its access logs record every request (client address, path, TLS \
            details, target and status) and are what lets you trace an attack arriving from the \
            internet and scope what it reached; targets behind the load balancer only see the \
            load balancer's address. Gateway Load Balancers, which have no access logs, are not \
            reported, nor are Network Load Balancers without a TLS listener in the template \
            (their access logs record TLS connections only).",
        fix: "Add the `access_logs.s3.enabled: true` and `access_logs.s3.bucket` attributes, with a bucket \
            Elastic Load Balancing can write to.",
        fix_snippet: "LoadBalancer:\n  Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Properties:\n    LoadBalancerAttributes:\n      - Key: access_logs.s3.enabled\n        Value: \"true\"\n      - Key: access_logs.s3.bucket\n        Value: !Ref LogBucket",
        resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener"],
        fsbp: &["ELB.5"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_91"],
        cfn_nag: &["W52"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const KEY: &str = "access_logs.s3.enabled";

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in
        model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ElasticLoadBalancingV2::LoadBalancer"))
    {
        let types: Vec<Option<&str>> = res.lookup("Type").into_iter().map(|t| t.and_then(Node::as_str)).collect();
        if types.contains(&Some("gateway")) {
            continue;
        }
        // NLB access logs cover TLS listeners only: without one there is nothing to log.
        let network = types.iter().all(|t| *t == Some("network"));
        if network && !has_tls_listener(model, &res.logical_id) {
            continue;
        }
        for attrs in res.lookup("LoadBalancerAttributes") {
            if let Some(evidence) = logs_off(attrs) {
                out.add(
                    i,
                    "LoadBalancerAttributes",
                    format!("Load balancer {} writes no access logs", res.logical_id),
                    evidence,
                );
                break;
            }
        }
    }
}

/// A listener of the template on `lb` (by `Ref`) that speaks TLS.
fn has_tls_listener(model: &Model, lb: &str) -> bool {
    model.of_type("AWS::ElasticLoadBalancingV2::Listener").any(|l| {
        l.lookup("LoadBalancerArn").into_iter().flatten().any(|n| super::refers_to(n, lb))
            && l.lookup("Protocol").into_iter().flatten().any(|p| p.as_str() == Some("TLS"))
    })
}

/// Evidence when one alternative of `LoadBalancerAttributes` leaves access logs off.
fn logs_off(attrs: Option<&Node>) -> Option<String> {
    let Some(attrs) = attrs else { return Some("LoadBalancerAttributes not set (access logs off)".into()) };
    if !matches!(attrs.value, Value::List(_)) {
        return None; // unresolved list: unknown
    }
    let mut values = Vec::new();
    let mut unknown_key = false;
    for item in attrs.all_items().into_iter().filter(|i| matches!(i.value, Value::Map(_))) {
        for key in item.lookup("Key") {
            match key.and_then(Node::as_str) {
                Some(KEY) => values.extend(item.lookup("Value")),
                Some(_) => {}
                None => unknown_key = true,
            }
        }
    }
    if let Some(off) = values.iter().flatten().find(|v| v.as_bool() == Some(false)) {
        return Some(format!("{KEY}: {}", off.describe()));
    }
    if values.iter().any(Option::is_some) || unknown_key {
        return None; // on, or unknown
    }
    Some(format!("no {KEY} attribute (access logs off)"))
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["BoolFalse", "NoAttributes", "OtherAttributes", "StringFalse", "TlsNlb"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
