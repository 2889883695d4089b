use super::Setting;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-APIGW-016",
        name: "apigw-method-no-auth",
        family: "NET-IP-ONLY",
        severity: Severity::Medium,
        title: "API Gateway method callable without authentication",
        description: "An API Gateway REST API method uses `AuthorizationType: NONE` (the value \
            CloudFormation applies when the property is left out) and does not require an API \
            key, so anyone who can reach the endpoint invokes the backend — the Lambda function, \
            the HTTP service or the AWS service integration behind it. At best the only thing \
            standing in front of it is network placement or an IP allowlist in the API's \
            resource policy. `OPTIONS` methods (CORS preflight) are not reported. For SAM \
            functions, `Api` events are reported when they set `Auth.Authorizer: NONE`, or when \
            the explicit `AWS::Serverless::Api` they attach to has no default authorizer.",
        fix: "Set AuthorizationType to AWS_IAM, COGNITO_USER_POOLS or CUSTOM (with an AuthorizerId); for \
            SAM, give the API an Auth.DefaultAuthorizer. Keep NONE only for deliberately public \
            endpoints, and suppress the finding there with a reason.",
        fix_snippet: "GetOrders:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    RestApiId: !Ref Api\n    ResourceId: !Ref OrdersResource\n    HttpMethod: GET\n    AuthorizationType: COGNITO_USER_POOLS\n    AuthorizerId: !Ref UserPoolAuthorizer",
        resource_types: &["AWS::ApiGateway::Method", "AWS::Serverless::Function", "AWS::Serverless::Api"],
        well_architected: &["SEC03-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_59"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ApiGateway::Method")) {
        let Some(verb) = res.prop("HttpMethod").and_then(Node::as_str) else { continue };
        if verb.eq_ignore_ascii_case("OPTIONS") || api_key_required(res.lookup("ApiKeyRequired")) {
            continue;
        }
        for setting in super::settings(res, "AuthorizationType") {
            let seen = match setting {
                Setting::Missing => "AuthorizationType absent (NONE)".to_string(),
                Setting::Known(n) if n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("NONE")) => {
                    "AuthorizationType: NONE".to_string()
                }
                _ => continue,
            };
            out.add(
                index,
                "AuthorizationType",
                format!("Method {} ({verb}) can be called by anyone: no authorizer and no API key", res.logical_id),
                format!("{seen}, ApiKeyRequired not true"),
            );
            break;
        }
    }
    sam_events(model, out);
}

/// `ApiKeyRequired` is true in every alternative (an unknown value may be true: not reported).
fn api_key_required(values: Vec<Option<&Node>>) -> bool {
    values.into_iter().any(|n| n.is_some_and(|n| n.is_unresolved() || super::flag(n) == Some(true)))
}

/// SAM `Api` events of functions: open when the event's authorizer is `NONE`, or when it
/// attaches to an `AWS::Serverless::Api` of this template without a default authorizer. Events
/// on the implicit API are not reported: its `Globals.Api` settings are not in the model.
fn sam_events(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Serverless::Function")) {
        let Some(events) = res.prop("Events") else { continue };
        for (name, event) in events.entries() {
            if event.get("Type").and_then(Node::as_str) != Some("Api") {
                continue;
            }
            let Some(props) = event.get("Properties") else { continue };
            let verb = props.get("Method").and_then(Node::as_str).unwrap_or("?");
            let path = props.get("Path").and_then(Node::as_str).unwrap_or("?");
            if verb.eq_ignore_ascii_case("OPTIONS") || api_key_required(props.lookup("Auth.ApiKeyRequired")) {
                continue;
            }
            let authorizer = props.lookup("Auth.Authorizer");
            if authorizer.iter().any(|a| a.is_some_and(|a| a.is_unresolved())) {
                continue;
            }
            let explicit_none =
                authorizer.iter().any(|a| a.and_then(Node::as_str).is_some_and(|s| s.eq_ignore_ascii_case("NONE")));
            let api = match props.get("RestApiId").map(|n| &n.value) {
                Some(Value::ResourceRef { logical_id, .. }) => {
                    model.resource(logical_id).filter(|r| r.is_type("AWS::Serverless::Api"))
                }
                _ => None,
            };
            let reason = if explicit_none {
                "Auth.Authorizer: NONE".to_string()
            } else if let Some(api) = api.filter(|api| authorizer.iter().any(Option::is_none) && !api_has_auth(api)) {
                format!("API {} has no Auth.DefaultAuthorizer", api.logical_id)
            } else {
                continue;
            };
            out.add(
                index,
                &format!("Events.{}", name.name),
                format!(
                    "Function {} is invoked by {verb} {path} (event {}) without authentication",
                    res.logical_id, name.name
                ),
                reason,
            );
        }
    }
}

/// The SAM API authenticates by default (a default authorizer other than `NONE`, or API keys).
fn api_has_auth(api: &Resource) -> bool {
    let default = api.lookup("Auth.DefaultAuthorizer");
    let authorizer = default
        .iter()
        .all(|a| a.is_some_and(|a| a.is_unresolved() || a.as_str().is_some_and(|s| !s.eq_ignore_ascii_case("NONE"))));
    authorizer || api_key_required(api.lookup("Auth.ApiKeyRequired"))
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["Conditional", "ExplicitNone", "Handler", "Missing", "PublicHandler"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
