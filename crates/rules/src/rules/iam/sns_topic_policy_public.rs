use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SNS-123",
        name: "sns-topic-policy-public",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "SNS topic policy allows everyone (principal *)",
        description: "The topic policy has an `Allow` statement for principal `*` (or `Allow` with `NotPrincipal`) and no condition that narrows the caller, such as `aws:SourceOwner`, `aws:SourceArn` or `aws:PrincipalOrgID`. Anyone in any AWS account can then publish forged notifications to every subscriber, subscribe their own endpoint to receive every message, or change the topic as the statement allows. Give publish rights to the service or account that publishes, with a source condition.",
        fix: "Name the publishing service or account, and add `aws:SourceArn` / `aws:SourceAccount` conditions for service principals.",
        fix_snippet: "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: events.amazonaws.com\n      Action: sns:Publish\n      Resource: !Ref Topic\n      Condition:\n        ArnEquals:\n          aws:SourceArn: !GetAtt Rule.Arn",
        resource_types: &["AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy"],
        fsbp: &["SNS.4"],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        checkov: &[],
        cfn_nag: &["F18"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_resource_policy_hits(model, out, "sns", "Topic policy");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["OpenTopicPolicy"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
