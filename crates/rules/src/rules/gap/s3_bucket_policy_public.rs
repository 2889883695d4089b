use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-060",
        name: "s3-bucket-policy-public",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Critical,
        title: "S3 bucket policy grants access to everyone",
        description: "A bucket policy statement allows `Principal: \"*\"` (or `NotPrincipal`) with no \
            condition that narrows who the caller is. Anyone on the internet, unauthenticated, \
            can perform the listed actions: read every object with `s3:GetObject`, overwrite \
            content with `s3:PutObject`, or worse with `s3:*`. Conditions such as \
            `aws:SecureTransport`, `aws:Referer` (sent by the caller and trivially forged) or \
            `aws:UserAgent` do not count as narrowing. Statements limited by `aws:SourceVpce`, \
            `aws:PrincipalOrgID`, `aws:SourceArn` and the like are not reported; statements \
            limited only by `aws:SourceIp` are reported by the NET-IP-ONLY rules. Not reported \
            when the bucket in the template sets `BlockPublicPolicy` or `RestrictPublicBuckets`.",
        fix: "Name the principals that need access, or add a condition that limits them (`aws:SourceVpce`, \
            `aws:PrincipalOrgID`, `aws:SourceArn` of the CloudFront distribution); publish content \
            through CloudFront with origin access control instead of a public bucket.",
        fix_snippet: "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: cloudfront.amazonaws.com\n      Action: s3:GetObject\n      Resource: !Sub ${SiteBucket.Arn}/*\n      Condition:\n        StringEquals:\n          AWS:SourceArn: !Sub arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}",
        resource_types: &["AWS::S3::BucketPolicy"],
        fsbp: &["S3.2", "S3.3"],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        cfn_nag: &["F16"],
        requires: &["s3:GetBucketPolicy", "s3:GetPublicAccessBlock"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (pi, policy) in model.policies.iter().enumerate() {
        if policy.resource_type != "AWS::S3::BucketPolicy" {
            continue;
        }
        let buckets = super::policy_buckets(model, pi);
        if !buckets.is_empty()
            && buckets.iter().all(|b| super::public_policy_neutralised(model, &model.resources[b.resource]))
        {
            continue;
        }
        let target = match buckets.as_slice() {
            [] => String::new(),
            bs => format!(" on bucket {}", bs.iter().map(|b| b.logical_id.as_str()).collect::<Vec<_>>().join(", ")),
        };
        for stmt in policy.statements.iter().filter(|s| super::is_open_to_anyone(s)) {
            let sid = stmt.sid.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            let condition = if stmt.has_condition() {
                format!(", condition only on {}", stmt.condition_keys().join(", "))
            } else {
                String::new()
            };
            out.add_at(
                policy.resource,
                &format!("{}.Statement[{}]", policy.path, stmt.index),
                stmt.pos,
                format!(
                    "Bucket policy {} statement {}{sid} allows {} to {}{target}",
                    policy.logical_id,
                    stmt.index,
                    super::principal_text(stmt),
                    super::actions_text(stmt)
                ),
                format!(
                    "Effect: Allow, {}, {}: [{}]{condition}",
                    principal_evidence(stmt),
                    if stmt.actions.negated { "NotAction" } else { "Action" },
                    stmt.actions.texts().join(", ")
                ),
            );
        }
    }
}

fn principal_evidence(stmt: &Statement) -> String {
    match &stmt.principal {
        Some(p) if p.negated => {
            format!("NotPrincipal: [{}]", p.aws.iter().map(|a| a.text()).collect::<Vec<_>>().join(", "))
        }
        _ => "Principal: *".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["AllExceptOne", "JsonPolicy", "ReadAll", "RefererOnly", "WriteByName"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
