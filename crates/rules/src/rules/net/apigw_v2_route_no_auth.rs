use super::Setting;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-APIGW-020",
        name: "apigw-v2-route-no-auth",
        family: "NET-IP-ONLY",
        severity: Severity::Medium,
        title: "HTTP API or WebSocket route callable without authentication",
        description: "An API Gateway v2 route has no authorization (`AuthorizationType` `NONE` or \
            left out): anyone who can reach the endpoint calls the integration behind it. This \
            covers HTTP API routes (`GET /orders`, `$default`), the `$connect` route of WebSocket \
            APIs (the only WebSocket route that can carry an authorizer), quick-create HTTP APIs \
            (`Target` on the API, which creates an open `$default` route), and SAM `HttpApi` \
            events that set `Auth.Authorizer: NONE` or attach to an `AWS::Serverless::HttpApi` \
            without a default authorizer. `OPTIONS` routes are not reported.",
        fix: "Attach a JWT, Lambda (CUSTOM) or AWS_IAM authorizer to the route (for SAM, set \
            Auth.DefaultAuthorizer on the HttpApi); keep NONE only for deliberately public routes and \
            suppress the finding there with a reason.",
        fix_snippet: "OrdersRoute:\n  Type: AWS::ApiGatewayV2::Route\n  Properties:\n    ApiId: !Ref HttpApi\n    RouteKey: GET /orders\n    AuthorizationType: JWT\n    AuthorizerId: !Ref JwtAuthorizer\n    Target: !Sub integrations/${OrdersIntegration}",
        resource_types: &["AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Api", "AWS::Serverless::Function"],
        fsbp: &["APIGateway.8"],
        well_architected: &["SEC03-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_309"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn protocol_of<'a>(model: &'a Model, route: &Resource) -> Option<&'a str> {
    let Some(Value::ResourceRef { logical_id, .. }) = route.prop("ApiId").map(|n| &n.value) else { return None };
    model.resource(logical_id)?.prop("ProtocolType")?.as_str()
}

fn check(model: &Model, out: &mut Hits) {
    for (index, route) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ApiGatewayV2::Route")) {
        let Some(key) = route.prop("RouteKey").and_then(Node::as_str) else { continue };
        let authorizable = match key {
            "$connect" => true,
            "$default" => protocol_of(model, route).is_some_and(|p| p.eq_ignore_ascii_case("HTTP")),
            k if k.starts_with('$') => false,
            k => k
                .split_once(' ')
                .is_some_and(|(verb, path)| path.starts_with('/') && !verb.eq_ignore_ascii_case("OPTIONS")),
        };
        let api_key = route
            .lookup("ApiKeyRequired")
            .into_iter()
            .any(|k| k.is_some_and(|k| k.is_unresolved() || super::flag(k) == Some(true)));
        if !authorizable || api_key {
            continue;
        }
        for setting in super::settings(route, "AuthorizationType") {
            let seen = match setting {
                Setting::Missing => "AuthorizationType absent (NONE)",
                Setting::Known(n) if n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("NONE")) => {
                    "AuthorizationType: NONE"
                }
                _ => continue,
            };
            out.add(
                index,
                "AuthorizationType",
                format!("Route {} ({key}) can be called by anyone: no authorizer", route.logical_id),
                seen.to_string(),
            );
            break;
        }
    }
    for (index, api) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::ApiGatewayV2::Api")) {
        let http = api.prop("ProtocolType").and_then(Node::as_str).is_some_and(|p| p.eq_ignore_ascii_case("HTTP"));
        if http && api.prop("Target").is_some_and(|t| !t.is_absent()) {
            out.add(
                index,
                "Target",
                format!(
                    "HTTP API {} is quick-created with Target: its $default route has no authorizer",
                    api.logical_id
                ),
                "Target set (quick create), no authorizer".to_string(),
            );
        }
    }
    sam_http_events(model, out);
}

fn sam_http_events(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Serverless::Function")) {
        let Some(events) = res.prop("Events") else { continue };
        for (name, event) in events.entries() {
            if event.get("Type").and_then(Node::as_str) != Some("HttpApi") {
                continue;
            }
            let props = event.get("Properties");
            let verb = props.and_then(|p| p.get("Method")).and_then(Node::as_str).unwrap_or("ANY");
            let path = props.and_then(|p| p.get("Path")).and_then(Node::as_str).unwrap_or("$default");
            if verb.eq_ignore_ascii_case("OPTIONS") {
                continue;
            }
            let authorizer = props.map(|p| p.lookup("Auth.Authorizer")).unwrap_or_else(|| vec![None]);
            if authorizer.iter().any(|a| a.is_some_and(|a| a.is_unresolved())) {
                continue;
            }
            let explicit_none =
                authorizer.iter().any(|a| a.and_then(Node::as_str).is_some_and(|s| s.eq_ignore_ascii_case("NONE")));
            let api = match props.and_then(|p| p.get("ApiId")).map(|n| &n.value) {
                Some(Value::ResourceRef { logical_id, .. }) => {
                    model.resource(logical_id).filter(|r| r.is_type("AWS::Serverless::HttpApi"))
                }
                _ => None,
            };
            let reason = if explicit_none {
                "Auth.Authorizer: NONE".to_string()
            } else if let Some(api) =
                api.filter(|api| authorizer.iter().any(Option::is_none) && !has_default_authorizer(api))
            {
                format!("HttpApi {} has no Auth.DefaultAuthorizer", api.logical_id)
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

fn has_default_authorizer(api: &Resource) -> bool {
    api.lookup("Auth.DefaultAuthorizer")
        .iter()
        .all(|a| a.is_some_and(|a| a.is_unresolved() || a.as_str().is_some_and(|s| !s.eq_ignore_ascii_case("NONE"))))
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Connect", "DefaultRoute", "GetOrders", "Handler", "QuickCreate"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
