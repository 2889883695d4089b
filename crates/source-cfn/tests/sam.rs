//! SAM templates: `Globals` merged into serverless resources as the SAM translator does.

mod common;

use common::*;
use nextgap_model::Value;

const SAM: &str = "\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 30
    Environment:
      Variables:
        A: global
        B: global
    Layers: [arn:g]
  Api:
    TracingEnabled: true
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 60
      Environment:
        Variables:
          B: local
      Layers: [arn:l]
  Bare:
    Type: AWS::Serverless::Function
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod}
  Table:
    Type: AWS::DynamoDB::Table
";

#[test]
fn globals_are_merged_into_serverless_resources() {
    let m = yaml(SAM);
    assert_eq!(resource(&m, "Fn").resource_type, "AWS::Serverless::Function");
    assert_eq!(prop(&m, "Fn", "Runtime").value, s("python3.12"));
    assert_eq!(prop(&m, "Fn", "Runtime").pos, pos(4, 14)); // where the global is written
    assert_eq!(prop(&m, "Fn", "Timeout").value, Value::Number(60.0));
    assert_eq!(prop(&m, "Fn", "Environment.Variables.A").value, s("global"));
    assert_eq!(prop(&m, "Fn", "Environment.Variables.B").value, s("local"));
    assert_eq!(strings(prop(&m, "Fn", "Layers")), ["arn:g", "arn:l"]);
    assert_eq!(prop(&m, "Bare", "Timeout").value, Value::Number(30.0));
    assert_eq!(prop(&m, "Api", "TracingEnabled").value, Value::Bool(true));
    assert_eq!(prop(&m, "Api", "StageName").value, s("prod"));
    assert!(resource(&m, "Table").properties.entries().is_empty());
}

#[test]
fn globals_need_the_serverless_transform() {
    let m = yaml(&SAM.replace("Transform: AWS::Serverless-2016-10-31\n", "AWSTemplateFormatVersion: 2010-09-09\n"));
    assert!(resource(&m, "Bare").prop("Timeout").is_none());
    let listed = yaml(&SAM.replace(
        "Transform: AWS::Serverless-2016-10-31",
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]",
    ));
    assert!(resource(&listed, "Bare").prop("Timeout").is_some());
}
