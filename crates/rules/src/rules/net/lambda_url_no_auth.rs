use super::Setting;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-LAMBDA-018",
        name: "lambda-url-no-auth",
        family: "NET-IP-ONLY",
        severity: Severity::Medium,
        title: "Lambda function URL without authentication",
        description: "A Lambda function URL uses `AuthType: NONE`: the function gets a public HTTPS \
            endpoint that anyone on the internet can invoke, with no request signing, no \
            authorizer, no throttling per caller and no WAF in front of it. Every invocation runs \
            with the function's execution role and is billed to you. Use `AWS_IAM` (callers sign \
            requests; CloudFront can sign with origin access control), or front the function with \
            API Gateway and an authorizer; keep `NONE` only for deliberately public webhooks that \
            verify their callers themselves.",
        fix: "Set AuthType: AWS_IAM and grant lambda:InvokeFunctionUrl to the callers that need it, or put \
            API Gateway with an authorizer in front of the function.",
        fix_snippet: "FunctionUrl:\n  Type: AWS::Lambda::Url\n  Properties:\n    TargetFunctionArn: !GetAtt Function.Arn\n    AuthType: AWS_IAM",
        resource_types: &["AWS::Lambda::Url", "AWS::Serverless::Function"],
        fsbp: &["Lambda.1"],
        well_architected: &["SEC03-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_258"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let targets = [
        ("AWS::Lambda::Url", "AuthType", "Function URL"),
        ("AWS::Serverless::Function", "FunctionUrlConfig.AuthType", "Function"),
    ];
    for (rtype, path, what) in targets {
        for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type(rtype)) {
            let none = super::settings(res, path)
                .into_iter()
                .any(|s| matches!(s, Setting::Known(n) if n.as_str().is_some_and(|v| v.eq_ignore_ascii_case("NONE"))));
            if none {
                out.add(
                    index,
                    path,
                    format!("{what} {} can be invoked by anyone on the internet: {path} is NONE", res.logical_id),
                    format!("{path}: NONE"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Conditional", "OpenUrl", "SamFunction"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
