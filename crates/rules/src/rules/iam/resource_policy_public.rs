use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-126",
        name: "resource-policy-public",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "Resource policy allows everyone (principal *)",
        description: "A resource policy (EFS file system, Backup vault, EventBridge bus, CloudWatch \
            Logs, Glue catalog and other services) has an `Allow` statement for principal `*` (or \
            `Allow` with `NotPrincipal`) and no condition that narrows the caller such as \
            `aws:PrincipalOrgID`, `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceVpce`. Any \
            AWS account can then use the resource as the statement allows. S3 bucket policies \
            (GAP-PUBLIC-S3), OpenSearch access policies and API Gateway policies (NET) and the \
            services with their own rule (SQS, SNS, KMS, ECR, Secrets Manager) are reported \
            elsewhere.",
        fix: "Replace `*` with the accounts, roles or service principals that need access, or add \
            an `aws:PrincipalOrgID` / `aws:SourceArn` condition.",
        fix_snippet: "BusPolicy:\n  Type: AWS::Events::EventBusPolicy\n  Properties:\n    StatementId: OrgCanPut\n    Statement:\n      Effect: Allow\n      Principal: \"*\"\n      Action: events:PutEvents\n      Resource: !GetAtt Bus.Arn\n      Condition:\n        StringEquals:\n          aws:PrincipalOrgID: o-exampleorgid",
        resource_types: &[
            "AWS::EFS::FileSystem",
            "AWS::Backup::BackupVault",
            "AWS::Logs::ResourcePolicy",
            "AWS::Events::EventBusPolicy",
            "AWS::Glue::ResourcePolicy",
        ],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Services reported by their own rules or by other families.
const ELSEWHERE: &[&str] = &["s3", "sqs", "sns", "kms", "ecr", "secretsmanager", "es", "execute-api"];

fn check(model: &Model, out: &mut Hits) {
    for doc in &model.policies {
        let PolicyKind::Resource(service) = doc.kind else { continue };
        if ELSEWHERE.contains(&service) {
            continue;
        }
        let short_type = doc.resource_type.rsplit("::").next().unwrap_or_default().to_string();
        for stmt in doc.statements.iter().filter(|s| super::open_to_anyone(s)) {
            super::report_public(out, doc, stmt, &format!("Resource policy of {short_type}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["OpenBus", "OpenFileSystem", "OpenVault"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
