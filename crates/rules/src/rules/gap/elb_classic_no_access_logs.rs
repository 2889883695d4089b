use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ELB-065",
        name: "elb-classic-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Medium,
        title: "Classic Load Balancer without access logs",
        description: "The Classic Load Balancer does not deliver access logs \
            (`AccessLoggingPolicy.Enabled` is false or the policy is missing). The load balancer \
            sees every connection from the internet; its access logs are the record of client \
            addresses, requested paths and backend responses that lets you trace an attack to its \
            source and scope what it reached. Instance logs behind it only see the load \
            balancer's address.",
        fix: "Add `AccessLoggingPolicy` with `Enabled: true` and an S3 bucket the Elastic Load Balancing \
            service can write to.",
        fix_snippet: "LoadBalancer:\n  Type: AWS::ElasticLoadBalancing::LoadBalancer\n  Properties:\n    AccessLoggingPolicy:\n      Enabled: true\n      S3BucketName: !Ref LogBucket\n      EmitInterval: 60",
        resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
        fsbp: &["ELB.5"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_92"],
        cfn_nag: &["W26"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in
        model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ElasticLoadBalancing::LoadBalancer"))
    {
        if let Some(found) = super::false_or_missing(res, "AccessLoggingPolicy.Enabled") {
            out.add(
                i,
                "AccessLoggingPolicy.Enabled",
                format!("Load balancer {} writes no access logs", res.logical_id),
                super::seen("AccessLoggingPolicy.Enabled", found, "access logs off"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Disabled", "NoPolicy", "StringFalse"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
