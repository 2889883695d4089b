use super::*;

/// `(code, statement, subject)` of every issue, in order.
fn found(text: &str, kind: Kind) -> Vec<(&'static str, Option<usize>, String)> {
    lint_text("", text, kind).into_iter().map(|i| (i.code.as_str(), i.statement, i.subject)).collect()
}

fn one(code: &'static str, statement: usize, subject: &str) -> (&'static str, Option<usize>, String) {
    (code, Some(statement), subject.to_string())
}

#[test]
fn clean_policy_has_no_issue() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:Get*"],"Resource":"arn:aws:s3:::b/home/*",
         "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
        {"Sid":"List","Effect":"Allow","Action":["s3:ListBucket","s3:List*"],"Resource":"arn:aws:s3:::b",
         "Condition":{"StringLike":{"s3:prefix":"home/*"}}},
        {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app",
         "Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},
        {"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#;
    assert_eq!(found(text, Kind::Identity), vec![]);
}

#[test]
fn json_errors_give_line_and_column() {
    let issues = lint("p.json", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}");
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].code, issues[0].line, issues[0].column), (Code::Malformed, 3, 24));
    assert_eq!(issues[0].message, "p.json: not valid JSON: key must be a string");
}

#[test]
fn document_shape() {
    assert_eq!(found("[]", Kind::Identity), vec![("MALFORMED", None, String::new())]);
    assert_eq!(
        found(r#"{"Version":"2012-10-17","Statment":[]}"#, Kind::Identity),
        vec![("UNKNOWN_KEY", None, "Statment".into()), ("MALFORMED", None, "Statement".into())]
    );
    assert_eq!(
        found(r#"{"Version":"2012-10-18","Statement":[]}"#, Kind::Identity),
        vec![("BAD_VERSION", None, "Version".into()), ("EMPTY_VALUE", None, "Statement".into())]
    );
    assert_eq!(found(r#"{"Statement":"x"}"#, Kind::Identity), vec![("MALFORMED", None, "Statement".into())]);
}

#[test]
fn statement_shape() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"A","effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
        {"Sid":"A","Effect":"allow","Action":[],"Resource":"arn:aws:s3:::b/*"},
        {"Effect":"Allow","Action":"s3:GetObject","Principal":"*"},
        "nope",
        {"Sid":"has space","Effect":"Deny","Action":["s3:GetObject",3],"Resource":"*","Resource":"*"}]}"#;
    assert_eq!(
        found(text, Kind::Identity),
        vec![
            one("UNKNOWN_KEY", 0, "effect"),
            one("BAD_EFFECT", 0, "Effect"),
            one("BOTH_FIELDS", 0, "NotAction"),
            one("DUPLICATE_SID", 1, "A"),
            one("BAD_EFFECT", 1, "Effect"),
            one("EMPTY_VALUE", 1, "Action"),
            one("MISSING_FIELD", 2, "Resource"),
            one("FIELD_NOT_ALLOWED", 2, "Principal"),
            one("MALFORMED", 3, ""),
            one("DUPLICATE_KEY", 4, "Resource"),
            one("MALFORMED", 4, "has space"),
            one("MALFORMED", 4, "Action"),
        ]
    );
}

#[test]
fn statement_positions_and_labels() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[\n  {\"Sid\":\"Typo\",\"Effect\":\"Allow\",\n   \"Action\":\"s3:GetObjekt\",\"Resource\":\"*\"}]}";
    let issues = lint("policy P", text);
    assert_eq!(issues.len(), 1);
    let i = &issues[0];
    assert_eq!((i.code, i.statement, i.sid.as_deref()), (Code::UnknownAction, Some(0), Some("Typo")));
    assert_eq!((i.line, i.column, i.path.as_str()), (3, 13, "Statement[0].Action"));
    assert_eq!(i.message, "policy P statement 0 (Sid \"Typo\"): action s3:GetObjekt is not an action of s3");
}

#[test]
fn kinds_decide_principal_and_resource() {
    let trust = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
        {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
    assert_eq!(
        found(trust, Kind::Trust),
        vec![one("FIELD_NOT_ALLOWED", 1, "Resource"), one("MISSING_FIELD", 1, "Principal")]
    );
    let bucket = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Users":"x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    assert_eq!(found(bucket, Kind::Resource), vec![one("UNKNOWN_KEY", 0, "Users")]);
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
    assert_eq!(found(scp, Kind::Scp), vec![one("FIELD_NOT_ALLOWED", 0, "Principal")]);
}

#[test]
fn unknown_services_and_actions() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*",
        "Action":["s4:GetObject","s3:GetObjekt","s3:Frobnicate*","GetObject","*:Frob*","S3:getobject","*"]}]}"#;
    let codes: Vec<_> = found(text, Kind::Identity).into_iter().filter(|f| f.0 != "RESOURCE_STAR").collect();
    assert_eq!(
        codes,
        vec![
            one("UNKNOWN_SERVICE", 0, "s4:GetObject"),
            one("UNKNOWN_ACTION", 0, "s3:GetObjekt"),
            one("UNKNOWN_ACTION", 0, "s3:Frobnicate*"),
            one("UNKNOWN_ACTION", 0, "GetObject"),
            one("UNKNOWN_ACTION", 0, "*:Frob*"),
        ]
    );
}

#[test]
fn not_action_typos_are_unknown_too() {
    let text =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:ChangePasword"],"Resource":"*"}]}"#;
    assert_eq!(found(text, Kind::Identity), vec![one("UNKNOWN_ACTION", 0, "iam:ChangePasword")]);
}

#[test]
fn resource_mismatch() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:ListAllMyBuckets","s3:Put*","ec2:Describe*"],
         "Resource":"arn:aws:s3:::b"},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:username}/*"]},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"},
        {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:user/x"}]}"#;
    assert_eq!(
        found(text, Kind::Identity),
        vec![
            one("RESOURCE_MISMATCH", 0, "s3:GetObject"),
            one("RESOURCE_MISMATCH", 0, "s3:ListAllMyBuckets"),
            one("RESOURCE_MISMATCH", 0, "ec2:Describe*"),
            one("RESOURCE_MISMATCH", 3, "iam:PassRole"),
        ]
    );
    let messages: Vec<String> = lint("", text).into_iter().map(|i| i.message).collect();
    assert_eq!(
        messages[0],
        "statement 0: action s3:GetObject applies to accesspointobject or object, and none of arn:aws:s3:::b is one"
    );
    assert_eq!(messages[1], "statement 0: action s3:ListAllMyBuckets supports only Resource \"*\", not arn:aws:s3:::b");
}

#[test]
fn resource_star_once_per_pattern_group() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject","s3:ListAllMyBuckets","s3:Get*","s3:List*"],"Resource":"*"},
        {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}"#;
    let issues = lint("", text);
    let got: Vec<_> = issues.iter().map(|i| (i.code.as_str(), i.subject.as_str())).collect();
    assert_eq!(got, vec![("RESOURCE_STAR", "s3:GetObject"), ("RESOURCE_STAR", "s3:Get*, s3:List*")]);
    let count = Catalog::get()
        .expand("s3:Get*")
        .into_iter()
        .chain(Catalog::get().expand("s3:List*"))
        .filter(|a| a.supports_resource_level_permissions())
        .count();
    assert!(issues[1].message.starts_with(&format!("statement 0: {count} actions granted by s3:Get*, s3:List*")));
    // In resource and trust policies `*` is the resource the policy is attached to.
    let bucket = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
    assert_eq!(found(bucket, Kind::Resource), vec![]);
}

#[test]
fn condition_keys() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
         "Condition":{"StringLike":{"s3:prefix":"x/*","ec2:Region":"eu-west-1","aws:RequestedRegion":"eu-west-1"},
                      "StringEqualsIfExists":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"},
                      "StringEquals":{"nosuch:key":"1","s3:ExistingObjectTag/team":"a"}}},
        {"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"a"}}}]}"#;
    let got: Vec<_> = found(text, Kind::Identity).into_iter().filter(|f| f.0 != "RESOURCE_STAR").collect();
    assert_eq!(
        got,
        vec![
            one("UNKNOWN_CONDITION_FOR_ACTION", 0, "s3:prefix"),
            one("UNKNOWN_CONDITION_FOR_ACTION", 0, "ec2:Region"),
            one("UNKNOWN_CONDITION_FOR_ACTION", 0, "ec2:Region"),
            one("UNKNOWN_CONDITION_FOR_ACTION", 0, "nosuch:key"),
            one("UNKNOWN_CONDITION_FOR_ACTION", 0, "s3:ExistingObjectTag/team"),
            one("UNKNOWN_CONDITION_FOR_ACTION", 1, "s3:prefix"),
        ]
    );
}

#[test]
fn condition_shape() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b",
        "Condition":{"StringEqualz":{"s3:prefix":"a"},"StringLike":{"prefix":"a","s3:delimiter":{"x":1}},"Bool":"true"}}]}"#;
    assert_eq!(
        found(text, Kind::Identity),
        vec![
            one("BAD_CONDITION", 0, "StringEqualz"),
            one("BAD_CONDITION", 0, "prefix"),
            one("BAD_CONDITION", 0, "s3:delimiter"),
            one("BAD_CONDITION", 0, "Bool"),
        ]
    );
}

#[test]
fn trust_policy_keys_of_identity_providers() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
         "Action":"sts:AssumeRoleWithWebIdentity",
         "Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}},
        {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/x"},
         "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole",
         "Condition":{"StringEquals":{"sts:ExternalId":"x","saml:aud":"y"}}}]}"#;
    assert_eq!(found(text, Kind::Trust), vec![one("UNKNOWN_CONDITION_FOR_ACTION", 2, "saml:aud")]);
}

#[test]
fn policy_variables_need_the_2012_version() {
    let text =
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#;
    assert_eq!(found(text, Kind::Identity), vec![("VARIABLES_WITHOUT_VERSION", None, "Version".into())]);
    let old = text.replace("{\"Statement\"", "{\"Version\":\"2008-10-17\",\"Statement\"");
    assert_eq!(found(&old, Kind::Identity), vec![("VARIABLES_WITHOUT_VERSION", None, "Version".into())]);
}

#[test]
fn unresolved_values_are_skipped() {
    let doc = serde_json::json!({"Version":"2012-10-17","Statement":[
        UNRESOLVED,
        {"Effect":UNRESOLVED,"Action":[UNRESOLVED,"s3:GetObject"],"Resource":[UNRESOLVED]},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:${AWS::Partition}:s3:::${Bucket}/*"}]});
    assert_eq!(lint_value("", &doc, Kind::Identity), vec![]);
}

#[test]
fn values_have_paths_but_no_positions() {
    let doc = serde_json::json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}});
    let issues = lint_value("x", &doc, Kind::Identity);
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].line, issues[0].column, issues[0].path.as_str()), (0, 0, "Statement.Action"));
}

#[test]
fn codes_round_trip() {
    for code in Code::ALL {
        assert_eq!(Code::parse(code.as_str()), Some(code));
    }
    assert_eq!(Kind::parse("SCP"), Some(Kind::Scp));
}

#[test]
fn action_star_is_linted_quickly() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"s3:prefix":"a","ec2:Region":"x","iam:PassedToService":"y"}}}]}"#;
    let start = std::time::Instant::now();
    for _ in 0..20 {
        let issues = lint("", text);
        assert_eq!(issues.iter().map(|i| i.code).collect::<Vec<_>>(), vec![Code::ResourceStar]);
    }
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
