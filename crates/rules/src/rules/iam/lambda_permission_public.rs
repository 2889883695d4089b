use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-LAMBDA-125",
        name: "lambda-permission-public",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "Lambda permission lets anyone invoke the function (principal *)",
        description: "An `AWS::Lambda::Permission` grants principal `*` without `SourceArn`, \
            `SourceAccount` or `PrincipalOrgID`. Any AWS account can then call the function \
            directly (or manage it, as the action allows), bypassing the API, queue or event \
            source that was meant to be its only caller, and run it with its role's permissions \
            as often as it likes. Grant the permission to the service principal that calls the \
            function with a `SourceArn` (and `SourceAccount`), or to named accounts. Function URL \
            permissions with `FunctionUrlAuthType: NONE` are public by design and not reported \
            here.",
        fix: "Set `Principal` to the calling service (`apigateway.amazonaws.com`, \
            `s3.amazonaws.com` …) or account, and add `SourceArn` / `SourceAccount`.",
        fix_snippet: "InvokeFromApi:\n  Type: AWS::Lambda::Permission\n  Properties:\n    FunctionName: !Ref Handler\n    Action: lambda:InvokeFunction\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
        resource_types: &["AWS::Lambda::Permission"],
        fsbp: &["Lambda.1"],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        cfn_nag: &["F13"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Properties that narrow who may use the permission.
const LIMITS: &[&str] = &["SourceArn", "SourceAccount", "PrincipalOrgID"];

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Lambda::Permission")) {
        let public = super::texts_at(res, "Principal").into_iter().flatten().any(|p| p == "*");
        if !public {
            continue;
        }
        // Present in every alternative (even unresolved): the caller is narrowed.
        if LIMITS.iter().any(|l| res.lookup(l).iter().all(Option::is_some)) {
            continue;
        }
        if super::texts_at(res, "FunctionUrlAuthType").into_iter().flatten().any(|t| t.eq_ignore_ascii_case("NONE")) {
            continue;
        }
        let action = res.prop("Action").map(Node::describe).unwrap_or_else(|| "?".into());
        out.add(
            index,
            "Principal",
            format!("Lambda permission {} lets everyone (Principal *) call {action} with no SourceArn, SourceAccount or PrincipalOrgID", res.logical_id),
            format!("Principal: *, Action: {action}, no SourceArn/SourceAccount/PrincipalOrgID"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["AnyoneInvokes", "SometimesLimited"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
