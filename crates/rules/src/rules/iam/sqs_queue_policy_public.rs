use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SQS-122",
        name: "sqs-queue-policy-public",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "SQS queue policy allows everyone (principal *)",
        description: "The queue policy has an `Allow` statement for principal `*` (or `Allow` with `NotPrincipal`) and no condition that narrows the caller. Anyone in any AWS account can then do what it allows: send forged messages the consumers will process, read and delete messages meant for your consumers, or purge the queue. The usual intent, letting an SNS topic, an S3 bucket or EventBridge deliver to the queue, needs the service principal and an `aws:SourceArn` or `aws:SourceAccount` condition.",
        fix: "Use the service principal (`sns.amazonaws.com`, `s3.amazonaws.com` …) with an `aws:SourceArn` condition, or name the accounts or roles that use the queue.",
        fix_snippet: "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: sns.amazonaws.com\n      Action: sqs:SendMessage\n      Resource: !GetAtt Queue.Arn\n      Condition:\n        ArnEquals:\n          aws:SourceArn: !Ref Topic",
        resource_types: &["AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy"],
        fsbp: &[],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        checkov: &[],
        cfn_nag: &["F21"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_resource_policy_hits(model, out, "sqs", "Queue policy");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["InlinePolicy", "OpenQueuePolicy"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
