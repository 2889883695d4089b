use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-APIGW-062",
        name: "apigwv2-stage-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Medium,
        title: "API Gateway HTTP/WebSocket stage without access logs",
        description: "An API Gateway V2 stage (HTTP or WebSocket API) has no access log destination \
            (`AccessLogSettings.DestinationArn`). HTTP APIs have no execution logs to fall back \
            on: access logs are the only record of which client called which route, from which \
            address, with which result, and without them abuse of the API cannot be scoped. \
            Covers `AWS::ApiGatewayV2::Stage` and SAM `AWS::Serverless::HttpApi`.",
        fix: "Add `AccessLogSettings` with a CloudWatch Logs log group ARN and a format that includes the \
            source address, request id and route.",
        fix_snippet: "Stage:\n  Type: AWS::ApiGatewayV2::Stage\n  Properties:\n    ApiId: !Ref HttpApi\n    StageName: $default\n    AutoDeploy: true\n    AccessLogSettings:\n      DestinationArn: !GetAtt ApiAccessLogs.Arn\n      Format: '{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\"}'",
        resource_types: &["AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"],
        fsbp: &["APIGateway.9"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_95"],
        cfn_nag: &["W46"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate() {
        let what = match res.resource_type.as_str() {
            "AWS::ApiGatewayV2::Stage" => "Stage",
            "AWS::Serverless::HttpApi" => "Serverless HTTP API",
            _ => continue,
        };
        if let Some(evidence) = super::missing_destination(res, "AccessLogSettings") {
            out.add(i, "AccessLogSettings", format!("{what} {} writes no access logs", res.logical_id), evidence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Destinationless", "SamHttpApi", "StageNoLogs"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
