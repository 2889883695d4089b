use crate::prelude::*;
use nextgap_model::policy::Pattern;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-103",
        name: "iam-policy-service-wildcard",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy grants all actions of a sensitive service on every resource",
        description: "An identity policy allows `service:*` on every resource for a service whose \
            full control is close to owning the account or its data: `iam:*` and `sts:*` can \
            create administrators, `kms:*` can schedule every key for deletion, `s3:*` and \
            `dynamodb:*` can read and delete all data, `cloudtrail:*` can stop the audit trail, \
            `ec2:*`, `lambda:*` and `cloudformation:*` can run code as other roles. A service-wide \
            wildcard also picks up every action the service adds later. Only unconditioned \
            statements are reported; conditions are not evaluated.",
        fix: "Replace `service:*` with the actions the principal calls, and the `*` resource with \
            the ARNs it uses.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action:\n      - kms:Decrypt\n      - kms:GenerateDataKey\n    Resource: !GetAtt DataKey.Arn",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        fsbp: &["IAM.21"],
        well_architected: &["SEC03-BP02"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// `iam:*`, `S3:*`, `kms:**`: every action of one named sensitive service.
fn sensitive_service_wildcard(pattern: &Pattern) -> Option<String> {
    let Pattern::Known(text) = pattern else { return None };
    let (service, action) = text.split_once(':')?;
    let service = service.to_ascii_lowercase();
    let all = !action.is_empty() && action.chars().all(|c| c == '*');
    (all && super::actions::SENSITIVE_SERVICES.contains(&service.as_str())).then(|| text.clone())
}

fn check(model: &Model, out: &mut Hits) {
    super::report_identity_statements(model, out, |_, stmt| {
        let eligible = stmt.is_allow()
            && !stmt.actions.negated
            && !stmt.actions.is_star()
            && stmt.resources.is_star()
            && !stmt.has_condition();
        if !eligible {
            return None;
        }
        let found: Vec<String> = stmt.actions.patterns.iter().filter_map(sensitive_service_wildcard).collect();
        (!found.is_empty()).then(|| format!("allows {} on every resource", found.join(", ")))
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["IamAll", "KmsAndS3"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
