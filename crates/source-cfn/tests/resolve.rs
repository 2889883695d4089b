//! Resolution of intrinsic functions and conditions.

mod common;

use common::*;
use nextgap_model::Value;
use nextgap_source_cfn::partial_text;

const TEMPLATE: &str = r#"
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b"}
  Ids: {Type: "List<AWS::EC2::Subnet::Id>", Default: [s-1, s-2]}
  Ami: {Type: "AWS::SSM::Parameter::Value<String>", Default: /aws/ami}
  Secret: {Type: String, NoEcho: "true", AllowedValues: [a, 1]}
Mappings:
  Sizes:
    prod: {Instance: m5.large, Ports: [443]}
    dev: {Instance: t3.micro}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref NoDefault, x]
  UnknownOrProd: !Or [!Condition Unknown, !Condition IsProd]
  UnknownAndDev: !And [!Condition Unknown, {Condition: IsDev}]
  Region: !Equals [!Ref "AWS::Region", us-east-1]
  Loop1: !Condition Loop2
  Loop2: !Not [!Condition Loop1]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    DeletionPolicy: !If [IsProd, Retain, Delete]
    Metadata: {Note: !Sub "${Env}"}
    Properties:
      Sub: !Sub "arn:aws:s3:::${Env}-${!Literal}"
      SubVars: !Sub ["${A}/${B}", {A: !Ref Env, B: x}]
      SubUnknown: !Sub "arn:aws:s3:::${Queue}/${Env}/*"
      SubPseudo: !Sub "arn:${AWS::Partition}:s3:::${NoDefault}"
      SubAttr: !Sub "${Queue.Arn}"
      Join: !Join ["-", [a, !Ref Env, 3]]
      JoinUnknown: !Join ["", ["arn:aws:s3:::", !Ref Queue, "/*"]]
      JoinList: !Join [",", !Ref Subnets]
      Select: !Select [1, !Ref Subnets]
      SelectAz: !Select [0, !GetAZs ""]
      Split: !Split [",", "a,b"]
      Find: !FindInMap [Sizes, !Ref Env, Instance]
      FindList: !FindInMap [Sizes, prod, Ports]
      FindDefault: !FindInMap [Sizes, test, Instance, {DefaultValue: none}]
      FindMissing: !FindInMap [Sizes, test, Instance]
      FindUnknown: !FindInMap [Sizes, !Ref "AWS::Region", Instance]
      Base64: !Base64 "password=hunter2"
      Base64Sub: !Base64
        Fn::Sub: "pw=${Env}"
      Cidr: !Cidr ["10.0.0.0/16", 2, 8]
      Length: !Length [a, !Ref NoDefault]
      Json: !ToJsonString {b: 1, a: [!Ref Env, true]}
      JsonUnknown: !ToJsonString {a: !Ref NoDefault}
      Import: !ImportValue {"Fn::Sub": "${Env}-Vpc"}
      Ref: !Ref Env
      RefNoDefault: !Ref NoDefault
      RefList: !Ref Ids
      RefSsm: !Ref Ami
      RefResource: !Ref Queue
      RefRegion: !Ref "AWS::Region"
      GetAtt: !GetAtt Queue.Arn
      GetAttList: {"Fn::GetAtt": [Queue, !Ref Env]}
      GetAttMissing: !GetAtt Nothing.Arn
      NoValue: !Ref "AWS::NoValue"
      List: [a, !Ref "AWS::NoValue", b]
      IfKnown: !If [IsProd, yes, no]
      IfDev: !If [IsDev, yes, !Ref "AWS::NoValue"]
      IfUnknown: !If [Unknown, !Ref Env, !Ref "AWS::NoValue"]
      OrUnknown: !If [UnknownOrProd, on, off]
      AndUnknown: !If [UnknownAndDev, on, off]
      Region: !If [Region, a, b]
      Loop: !If [Loop1, a, b]
      Unknown: !Foo bar
      Nested: !Join ["", [!Select [0, !Split ["/", !Sub "${Env}/x"]], "!"]]
  Queue:
    Type: AWS::SQS::Queue
"#;

fn model() -> nextgap_model::Model {
    yaml(TEMPLATE)
}

fn value(path: &str) -> Value {
    prop(&model(), "Bucket", path).value.clone()
}

#[test]
fn sub() {
    assert_eq!(value("Sub"), s("arn:aws:s3:::prod-${Literal}"));
    assert_eq!(value("SubVars"), s("prod/x"));
    assert_eq!(value("SubUnknown"), unresolved("Fn::Sub arn:aws:s3:::${Queue}/prod/*"));
    assert_eq!(value("SubPseudo"), unresolved("Fn::Sub arn:${AWS::Partition}:s3:::${NoDefault}"));
    assert_eq!(value("SubAttr"), unresolved("Fn::Sub ${Queue.Arn}"));
    let m = model();
    assert_eq!(partial_text(prop(&m, "Bucket", "SubUnknown")), Some("arn:aws:s3:::${Queue}/prod/*"));
}

#[test]
fn join_select_split() {
    assert_eq!(value("Join"), s("a-prod-3"));
    assert_eq!(value("JoinUnknown"), unresolved("Fn::Join arn:aws:s3:::${Queue}/*"));
    assert_eq!(value("JoinList"), s("subnet-a,subnet-b"));
    assert_eq!(value("Select"), s("subnet-b"));
    assert_eq!(value("SelectAz"), unresolved("Fn::Select [0, Fn::GetAZs]"));
    assert_eq!(strings(prop(&model(), "Bucket", "Split")), ["a", "b"]);
    assert_eq!(value("Nested"), s("prod!"));
}

#[test]
fn find_in_map() {
    assert_eq!(value("Find"), s("m5.large"));
    assert_eq!(prop(&model(), "Bucket", "FindList").items()[0].value, Value::Number(443.0));
    assert_eq!(value("FindDefault"), s("none"));
    assert_eq!(value("FindMissing"), unresolved("Fn::FindInMap Sizes.test.Instance (not in Mappings)"));
    assert_eq!(value("FindUnknown"), unresolved("Fn::FindInMap [Sizes, Ref AWS::Region, Instance]"));
}

#[test]
fn other_functions() {
    assert_eq!(value("Base64"), s("password=hunter2"));
    assert_eq!(value("Base64Sub"), s("pw=prod"));
    assert_eq!(strings(prop(&model(), "Bucket", "Cidr")), ["10.0.0.0/24", "10.0.1.0/24"]);
    assert_eq!(value("Length"), Value::Number(2.0));
    assert_eq!(value("Json"), s(r#"{"b":1,"a":["prod",true]}"#));
    assert_eq!(value("JsonUnknown"), unresolved("Fn::ToJsonString"));
    assert_eq!(value("Import"), unresolved("Fn::ImportValue prod-Vpc"));
    assert_eq!(value("Unknown"), unresolved("!Foo"));
}

#[test]
fn refs_and_get_atts() {
    assert_eq!(value("Ref"), s("prod"));
    assert_eq!(value("RefNoDefault"), unresolved("Ref NoDefault"));
    assert_eq!(strings(prop(&model(), "Bucket", "RefList")), ["s-1", "s-2"]);
    assert_eq!(value("RefSsm"), unresolved("Ref Ami"));
    assert_eq!(value("RefResource"), Value::ResourceRef { logical_id: "Queue".into(), attribute: None });
    assert_eq!(value("RefRegion"), unresolved("Ref AWS::Region"));
    assert_eq!(value("GetAtt"), Value::ResourceRef { logical_id: "Queue".into(), attribute: Some("Arn".into()) });
    assert_eq!(value("GetAttList"), Value::ResourceRef { logical_id: "Queue".into(), attribute: Some("prod".into()) });
    assert_eq!(value("GetAttMissing"), unresolved("Fn::GetAtt Nothing.Arn"));
}

#[test]
fn no_value_removes_properties_and_list_items() {
    let m = model();
    let bucket = resource(&m, "Bucket");
    assert!(bucket.prop("NoValue").is_none());
    assert_eq!(strings(prop(&m, "Bucket", "List")), ["a", "b"]);
    assert!(bucket.prop("IfDev").is_none()); // IsDev is false: the NoValue branch
}

#[test]
fn conditions() {
    assert_eq!(value("IfKnown"), s("yes"));
    assert_eq!(value("OrUnknown"), s("on")); // unknown OR true
    assert_eq!(value("AndUnknown"), s("off")); // unknown AND false
    let m = model();
    let choice = prop(&m, "Bucket", "IfUnknown");
    let Value::Choice(branches) = &choice.value else { panic!("{choice:?}") };
    assert_eq!(branches[0].value, s("prod"));
    assert_eq!(branches[1].value, Value::Absent);
    assert_eq!(resource(&m, "Bucket").lookup("IfUnknown").len(), 2);
    assert!(matches!(value("Region"), Value::Choice(_)));
    assert!(matches!(value("Loop"), Value::Choice(_))); // a cycle is unknown, not a crash
}

#[test]
fn resource_attributes_and_parameters() {
    let m = model();
    let bucket = resource(&m, "Bucket");
    assert_eq!(bucket.condition.as_deref(), Some("IsProd"));
    assert_eq!(bucket.deletion_policy.as_ref().unwrap().value, s("Retain"));
    assert_eq!(bucket.metadata.as_ref().unwrap().get("Note").unwrap().value, s("prod"));
    let queue = resource(&m, "Queue");
    assert!(queue.properties.entries().is_empty());
    assert_eq!(queue.properties.pos, queue.pos);
    let secret = m.parameter("Secret").unwrap();
    assert!(secret.no_echo);
    assert_eq!(secret.allowed_values, ["a", "1"]);
    assert_eq!(m.parameter("Subnets").unwrap().param_type, "CommaDelimitedList");
    assert!(m.parameter("NoDefault").unwrap().default.is_none());
}

#[test]
fn resolved_values_keep_the_position_of_the_function() {
    let m = model();
    let find = prop(&m, "Bucket", "Find");
    let line = TEMPLATE.lines().position(|l| l.contains("Find: !FindInMap")).unwrap() as u32 + 1;
    assert_eq!(find.pos, pos(line, 13));
    let reference = prop(&m, "Bucket", "Ref");
    let line = TEMPLATE.lines().position(|l| l.trim_start().starts_with("Ref: !Ref Env")).unwrap() as u32 + 1;
    assert_eq!(reference.pos, pos(line, 12));
}

#[test]
fn long_form_json_resolves_like_yaml() {
    let json = r#"{"Parameters": {"P": {"Type": "String", "Default": "v"}},
      "Conditions": {"C": {"Fn::Equals": [{"Ref": "P"}, "v"]}, "D": {"Fn::Not": [{"Condition": "C"}]}},
      "Resources": {"R": {"Type": "X::Y::Z", "Properties": {
        "A": {"Fn::If": ["C", {"Fn::Sub": "${P}!"}, "no"]},
        "B": {"Fn::If": ["D", "yes", {"Ref": "AWS::NoValue"}]},
        "C": {"Fn::GetAtt": "R.Arn"}}}}}"#;
    let m = template("t.json", json);
    assert_eq!(prop(&m, "R", "A").value, s("v!"));
    assert!(resource(&m, "R").prop("B").is_none());
    assert_eq!(prop(&m, "R", "C").value, Value::ResourceRef { logical_id: "R".into(), attribute: Some("Arn".into()) });
}
