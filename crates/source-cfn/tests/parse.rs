//! Parsing: positions, short-form tags, long forms, scalar typing, JSON/YAML detection.

mod common;

use common::*;
use nextgap_model::{Node, Value};
use nextgap_source_cfn::{parse_document, Document, Limits};

fn tree(file: &str, text: &str) -> Node {
    match parse_document(file, text.as_bytes(), &Limits::default()) {
        Ok(Document::Tree(node)) => node,
        other => panic!("{other:?}"),
    }
}

fn intrinsic(node: &Node) -> (&str, &Node) {
    match &node.value {
        Value::Intrinsic { name, arg } => (name.as_str(), arg),
        other => panic!("not an intrinsic: {other:?}"),
    }
}

const YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Env}-logs"
      Tags:
        - Key: env
          Value: !Ref Env
  "Café\u0054opic":
    Type: AWS::SNS::Topic
    Properties: {DisplayName: "été", KmsMasterKeyId: alias/x}
"#;

#[test]
fn yaml_positions_are_exact() {
    let model = yaml(YAML);
    let bucket = resource(&model, "Bucket");
    assert_eq!(bucket.resource_type, "AWS::S3::Bucket");
    assert_eq!(bucket.pos, pos(7, 3));
    let name = prop(&model, "Bucket", "BucketName");
    assert_eq!(name.value, s("prod-logs"));
    assert_eq!(name.pos, pos(10, 19)); // the `!Sub` it replaced
    assert_eq!(bucket.properties.key("BucketName").unwrap().pos, pos(10, 7));
    let tag = &prop(&model, "Bucket", "Tags").items()[0];
    assert_eq!(tag.pos, pos(12, 11));
    assert_eq!(tag.get("Value").unwrap().pos, pos(13, 18));
    assert_eq!(bucket.pos_of("Tags"), pos(12, 9)); // a block list starts at its first `-`
    let param = model.parameter("Env").unwrap();
    assert_eq!((param.pos, param.default.as_ref().unwrap().pos), (pos(3, 3), pos(5, 14)));
}

#[test]
fn yaml_columns_count_characters_not_bytes() {
    let model = yaml(YAML);
    let topic = resource(&model, "Caf\u{e9}Topic");
    assert_eq!(topic.pos, pos(14, 3));
    // `    Properties: {DisplayName: "été", KmsMasterKeyId: alias/x}`: 2-byte characters before.
    assert_eq!(topic.properties.key("KmsMasterKeyId").unwrap().pos, pos(16, 38));
    assert_eq!(prop(&model, "Caf\u{e9}Topic", "KmsMasterKeyId").pos, pos(16, 54));
}

const JSON: &str = r#"{
  "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
  "Resources": {
    "Bucket": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketName": {"Fn::Sub": "${Env}-logs"},
        "Tags": [{"Key": "\u00e9", "Value": {"Ref": "Env"}}]
      }
    }
  }
}"#;

#[test]
fn json_positions_are_exact() {
    let model = template("t.json", JSON);
    let bucket = resource(&model, "Bucket");
    assert_eq!(bucket.pos, pos(4, 5));
    assert_eq!(bucket.properties.key("BucketName").unwrap().pos, pos(7, 9));
    let name = prop(&model, "Bucket", "BucketName");
    assert_eq!((name.pos, &name.value), (pos(7, 23), &s("prod-logs")));
    let tag = &prop(&model, "Bucket", "Tags").items()[0];
    assert_eq!(tag.get("Key").unwrap().value, s("\u{e9}"));
    // `"\u00e9"` is 8 characters of source text; positions are of the source.
    assert_eq!(tag.key("Value").unwrap().pos, pos(8, 36));
    assert_eq!(tag.get("Value").unwrap().value, s("prod"));
    assert_eq!(model.parameter("Env").unwrap().pos, pos(2, 18));
}

#[test]
fn json_columns_count_characters_in_minified_lines() {
    let text = "{\"Resources\":{\"\u{e9}\u{e9}\":{\"Type\":\"A::B::C\"},\"X\":{\"Type\":\"A::B::D\"}}}";
    let model = template("t.json", text);
    assert_eq!(resource(&model, "\u{e9}\u{e9}").pos, pos(1, 15));
    assert_eq!(resource(&model, "X").pos, pos(1, 39));
}

#[test]
fn every_short_form_tag_is_an_intrinsic() {
    let text = r#"
Ref: !Ref X
GetAtt: !GetAtt A.B.C
GetAttList: !GetAtt [A, B]
Sub: !Sub "x"
If: !If [C, a, b]
Join: !Join [",", [a]]
Select: !Select [0, [a]]
Split: !Split [",", "a,b"]
FindInMap: !FindInMap [M, a, b]
Base64: !Base64 x
GetAZs: !GetAZs ""
ImportValue: !ImportValue x
Equals: !Equals [a, b]
And: !And [!Condition C, !Condition D]
Or: !Or [!Condition C, !Condition D]
Not: !Not [!Condition C]
Cidr: !Cidr [10.0.0.0/16, 2, 8]
Transform: !Transform {Name: M, Parameters: {}}
Length: !Length [a]
ToJsonString: !ToJsonString {a: 1}
Condition: !Condition C
Unknown: !Foo x
Block: !If
  - C
  - a
  - b
"#;
    let root = tree("t.yaml", text);
    for (key, node) in root.entries() {
        let (name, _) = intrinsic(node);
        let expected = match key.name.as_str() {
            "Ref" | "Condition" => key.name.clone(),
            "GetAttList" => "Fn::GetAtt".into(),
            "Unknown" => "!Foo".into(),
            "Block" => "Fn::If".into(),
            other => format!("Fn::{other}"),
        };
        assert_eq!(name, expected, "tag of {}", key.name);
    }
    let (_, get_att) = intrinsic(root.get("GetAtt").unwrap());
    assert_eq!(strings(get_att), ["A", "B.C"]); // split at the first dot
    let (_, transform) = intrinsic(root.get("Transform").unwrap());
    assert_eq!(transform.get("Name").unwrap().value, s("M"));
    let (_, not) = intrinsic(root.get("Not").unwrap());
    assert_eq!(intrinsic(&not.items()[0]).0, "Condition");
    assert_eq!(root.get("If").unwrap().pos, pos(6, 5));
}

#[test]
fn long_forms_are_intrinsics_and_bigger_maps_are_not() {
    let root = tree(
        "t.json",
        r#"{"a": {"Ref": "X"}, "b": {"Fn::Join": ["", []]}, "c": {"Ref": "X", "Other": 1}, "d": {"Condition": "C"}}"#,
    );
    assert_eq!(intrinsic(root.get("a").unwrap()).0, "Ref");
    assert_eq!(intrinsic(root.get("b").unwrap()).0, "Fn::Join");
    assert!(matches!(root.get("c").unwrap().value, Value::Map(_)));
    assert!(matches!(root.get("d").unwrap().value, Value::Map(_)));
    let yaml_root = tree("t.yaml", "a:\n  Fn::GetAtt: [R, Arn]\n");
    assert_eq!(intrinsic(yaml_root.get("a").unwrap()).0, "Fn::GetAtt");
}

#[test]
fn yaml_scalars_follow_the_core_schema() {
    let root = tree(
        "t.yaml",
        "a: 0123\nb: \"22\"\nc: 22\nd: yes\ne: ~\nf: 1.5\ng: '1.5'\nh: 12345678901234567890\ni: true\nj: 012345678901\nk:\nl: !!str 5\n",
    );
    let get = |k: &str| root.get(k).unwrap().value.clone();
    assert_eq!(get("a"), s("0123"));
    assert_eq!(get("b"), s("22"));
    assert_eq!(get("c"), Value::Number(22.0));
    assert_eq!(get("d"), s("yes"));
    assert_eq!(get("e"), Value::Null);
    assert_eq!(get("f"), Value::Number(1.5));
    assert_eq!(get("g"), s("1.5"));
    assert_eq!(get("h"), s("12345678901234567890"));
    assert_eq!(get("i"), Value::Bool(true));
    assert_eq!(get("j"), s("012345678901"));
    assert_eq!(get("k"), Value::Null);
    assert_eq!(get("l"), s("5"));
}

#[test]
fn json_numbers_keep_unrepresentable_text() {
    let root = tree("t.json", r#"{"a": 12345678901234567890, "b": 1.5, "c": -3, "d": 1e2}"#);
    assert_eq!(root.get("a").unwrap().value, s("12345678901234567890"));
    assert_eq!(root.get("b").unwrap().value, Value::Number(1.5));
    assert_eq!(root.get("c").unwrap().value, Value::Number(-3.0));
    assert_eq!(root.get("d").unwrap().value, Value::Number(100.0));
}

#[test]
fn yaml_anchors_and_aliases_expand() {
    let root = tree("t.yaml", "base: &b {x: 1, y: [a]}\ncopy: *b\n");
    assert_eq!(root.get("copy").unwrap().get("y").unwrap().items()[0].value, s("a"));
    assert_eq!(root.get("copy").unwrap().pos, pos(2, 7));
}

#[test]
fn first_yaml_document_is_used() {
    let model = yaml("Resources:\n  A:\n    Type: AWS::SNS::Topic\n---\nResources: [\n");
    assert_eq!(model.resources.len(), 1);
}

#[test]
fn json_looking_yaml_falls_back_unless_named_json() {
    // Unquoted keys are not JSON but are YAML flow style.
    let text = "{Resources: {A: {Type: AWS::SNS::Topic}}}";
    assert_eq!(template("t.template", text).resources.len(), 1);
    let e = error("t.json", text.as_bytes());
    assert_eq!((e.line, e.column), (1, 2));
}

#[test]
fn json_comments_and_trailing_commas_are_tolerated() {
    let model = template("t.json", "{\n // c\n \"Resources\": {\"A\": {\"Type\": \"AWS::SNS::Topic\",},},\n}");
    assert_eq!(resource(&model, "A").pos, pos(3, 16));
}

#[test]
fn closing_bracket_at_key_indentation_is_accepted() {
    let model = yaml("Resources:\n  A:\n    Type: X::Y::Z\n    Properties:\n      Command: [\n        \"a\", \"b\"\n      ]\n      Other: 1\n");
    assert_eq!(strings(prop(&model, "A", "Command")), ["a", "b"]);
    assert_eq!(prop(&model, "A", "Other").pos, pos(8, 14));
}

#[test]
fn bom_is_skipped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"Resources:\n  A:\n    Type: X::Y::Z\n");
    let model = match nextgap_source_cfn::load("t.yaml", &bytes, &Limits::default()) {
        Ok(nextgap_source_cfn::Loaded::Template(m)) => m,
        other => panic!("{other:?}"),
    };
    assert_eq!(resource(&model, "A").pos, pos(2, 3));
}
