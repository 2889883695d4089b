use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-APIGW-061",
        name: "apigw-stage-no-access-logs",
        family: "GAP-LOGS",
        severity: Severity::Medium,
        title: "API Gateway REST stage without access logs",
        description: "A REST API stage has no access log destination (`AccessLogSetting.DestinationArn`). \
            Access logs are the only record of who called the API: source address, caller \
            identity, route, status and latency of every request. Without them, after a leaked \
            key or an abused endpoint you cannot tell which requests were made, from where, or \
            what they returned. Covers `AWS::ApiGateway::Stage`, SAM `AWS::Serverless::Api` and \
            the stage an `AWS::ApiGateway::Deployment` creates through `StageName`.",
        fix: "Add `AccessLogSetting` with a CloudWatch Logs log group (or Firehose stream) ARN and a \
            format that includes `$context.identity.sourceIp`, `$context.requestId` and the caller.",
        fix_snippet: "Stage:\n  Type: AWS::ApiGateway::Stage\n  Properties:\n    RestApiId: !Ref Api\n    DeploymentId: !Ref Deployment\n    StageName: prod\n    AccessLogSetting:\n      DestinationArn: !GetAtt ApiAccessLogs.Arn\n      Format: '{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"caller\":\"$context.identity.caller\",\"status\":\"$context.status\"}'",
        resource_types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api", "AWS::ApiGateway::Deployment"],
        well_architected: &["SEC04-BP01"],
        checkov: &["CKV_AWS_76"],
        cfn_nag: &["W69"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate() {
        let (setting, what) = match res.resource_type.as_str() {
            "AWS::ApiGateway::Stage" => ("AccessLogSetting", "Stage"),
            "AWS::Serverless::Api" => ("AccessLogSetting", "Serverless API"),
            // A deployment creates a stage only when it names one.
            "AWS::ApiGateway::Deployment" if res.prop("StageName").is_some() => {
                ("StageDescription.AccessLogSetting", "Deployment stage")
            }
            _ => continue,
        };
        if let Some(evidence) = super::missing_destination(res, setting) {
            out.add(i, setting, format!("{what} {} writes no access logs", res.logical_id), evidence);
        }
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
            ["DeploymentStage", "FormatOnly", "NoValueBranch", "SamApi", "StageNoLogs"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
