use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-COGNITO-019",
        name: "cognito-identity-pool-guest-access",
        family: "NET-IP-ONLY",
        severity: Severity::Medium,
        title: "Cognito identity pool hands AWS credentials to unauthenticated guests",
        description: "A Cognito identity pool sets `AllowUnauthenticatedIdentities: true`. Anyone \
            who knows the pool id — which ships inside every web and mobile client — can obtain \
            temporary AWS credentials for the pool's unauthenticated role, without signing in. \
            Whatever that role allows (often more than intended: S3 buckets, DynamoDB tables, \
            IoT topics, Lambda functions) is open to the whole internet. Turn guest access off, \
            or keep the unauthenticated role down to the few read-only actions a visitor truly \
            needs.",
        fix: "Set AllowUnauthenticatedIdentities: false; if guests are required, scope the unauthenticated \
            role to specific read-only actions and resources.",
        fix_snippet: "IdentityPool:\n  Type: AWS::Cognito::IdentityPool\n  Properties:\n    AllowUnauthenticatedIdentities: false\n    CognitoIdentityProviders:\n      - ClientId: !Ref UserPoolClient\n        ProviderName: !GetAtt UserPool.ProviderName",
        resource_types: &["AWS::Cognito::IdentityPool"],
        well_architected: &["SEC03-BP01", "SEC03-BP02"],
        checkov: &["CKV_AWS_366"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_flag_hits(
        model,
        out,
        "AWS::Cognito::IdentityPool",
        "AllowUnauthenticatedIdentities",
        false,
        "Identity pool",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Conditional", "Guests"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
