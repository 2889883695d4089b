//! Randomised robustness tests, the in-tree twin of the `fuzz/` target (which needs nightly):
//! arbitrary bytes and mutated real templates must load, be refused or fail with an error,
//! never panic. Cases: 1,500 arbitrary inputs and 3,000 mutated templates per run.

use nextgap_source_cfn::{load, Limits, Loaded};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

const SEED_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
  Subnets: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  M: {prod: {Size: large}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Not: !Not [!Condition IsProd]
Globals:
  Function: {Timeout: 3, Environment: {Variables: {A: b}}}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      BucketName: !Sub "${Env}-${AWS::Region}-${!x}"
      Size: !FindInMap [M, !Ref Env, Size]
      Tags:
        - Key: k
          Value: !If [IsProd, !Join ["-", [a, !Select [0, !Ref Subnets]]], !Ref "AWS::NoValue"]
      Policy: &p {Statement: [{Effect: Allow, Action: "s3:*", Resource: !GetAtt Bucket.Arn}]}
      Copy: *p
      Data: !Base64 {"Fn::Sub": "x=${Env}"}
      Cidr: !Cidr [10.0.0.0/16, 2, 8]
      Json: !ToJsonString {a: [1, 2.5, true, null]}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: |
        index.handler
      }
"#;

const SEED_JSON: &str = r#"{"AWSTemplateFormatVersion": "2010-09-09",
 "Parameters": {"P": {"Type": "String", "Default": "v", "NoEcho": true}},
 "Conditions": {"C": {"Fn::Equals": [{"Ref": "P"}, "v"]}},
 "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
   "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
   "Name": {"Fn::If": ["C", {"Fn::Join": ["", ["a", {"Ref": "P"}]]}, {"Ref": "AWS::NoValue"}]},
   "N": [1, -2.5e3, 12345678901234567890, "\u00e9\n"]}}}}"#;

/// Fragments worth inserting: the syntax the loader treats specially.
const TOKENS: &[&str] = &[
    "!Ref ",
    "!GetAtt ",
    "!If [",
    "!Sub ",
    "!Condition ",
    "Fn::Sub",
    "Fn::If",
    "Ref",
    "${",
    "${!",
    "}",
    "[",
    "]",
    "{",
    ":",
    ": ",
    "- ",
    "&a ",
    "*a",
    "\n",
    "  ",
    "\"",
    "'",
    "#",
    "---\n",
    "...\n",
    "\t",
    "\0",
    "\u{feff}",
    "é",
    "? ",
    "|",
    ">-",
    "!!str ",
    "!!int ",
    "AWS::NoValue",
    "Condition",
    "Resources",
    "Type",
    "Properties",
    "0x",
    "0123",
    ",",
    "\\u",
];

fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = vec![SEED_YAML.as_bytes().to_vec(), SEED_JSON.as_bytes().to_vec()];
        // Add some small real templates when the shared corpus is there.
        let dir = Path::new(SHARED).join("corpora/cfn/aws-cloudformation-templates");
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if seeds.len() < 40 && entry.metadata().is_ok_and(|m| m.len() < 12_000) {
                    seeds.extend(std::fs::read(&path).ok());
                }
            }
        }
        seeds
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1usize..200, any::<usize>()).prop_map(|(from, n, to)| Mutation::Duplicate(from, n, to)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Flip(at, b) if !bytes.is_empty() => bytes[at % len] = b,
            Mutation::Insert(at, t) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, TOKENS[t].bytes());
            }
            Mutation::Delete(at, n) if !bytes.is_empty() => {
                let at = at % len;
                bytes.drain(at..(at + n).min(bytes.len()));
            }
            Mutation::Duplicate(from, n, to) if !bytes.is_empty() => {
                let from = from % len;
                let piece = bytes[from..(from + n).min(bytes.len())].to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
            _ => {}
        }
    }
    bytes
}

/// Loads under both names; checks what a successful load promises.
fn check(bytes: &[u8]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    for file in ["fuzz.yaml", "fuzz.json"] {
        match load(file, bytes, &Limits::default()) {
            Ok(Loaded::Template(model)) => {
                for r in &model.resources {
                    assert!(r.pos.line >= 1 && r.pos.line <= lines, "{} at {:?}", r.logical_id, r.pos);
                    let _ = r.properties.describe();
                }
            }
            Ok(Loaded::NotATemplate { reason }) => assert!(!reason.is_empty()),
            Err(e) => {
                assert!(e.line <= lines + 1, "{e}"); // saphyr may place end-of-input errors on the next line
                let _ = e.to_string();
            }
        }
    }
}

#[test]
fn seeds_load() {
    for seed in &seeds()[..2] {
        let Ok(Loaded::Template(model)) = load("seed.yaml", seed, &Limits::default()) else { panic!("seed must load") };
        assert!(!model.resources.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[ -~\n\t{}\\[\\]:!&*#|>'\"-]{0,400}") {
        check(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_templates_never_panic(seed in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..8)) {
        let seeds = seeds();
        check(&mutate(seeds[seed % seeds.len()].clone(), &mutations));
    }
}
