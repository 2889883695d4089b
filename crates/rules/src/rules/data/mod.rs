//! DATA-ENCRYPT and DATA-SECRETS rules, and helpers shared with the `backup` and `outage` groups:
//! reading boolean switches and day counts with CloudFormation defaults, and recognising
//! secrets written in plain text (without ever repeating them).

use crate::prelude::*;
use crate::Rule;
use regex::Regex;
use std::sync::LazyLock;

pub mod codebuild_environment_secret;
pub mod docdb_cluster_unencrypted;
pub mod ebs_block_device_unencrypted;
pub mod ebs_volume_unencrypted;
pub mod ec2_user_data_secret;
pub mod ecs_task_environment_secret;
pub mod efs_unencrypted;
pub mod elasticache_replication_group_unencrypted;
pub mod kinesis_stream_unencrypted;
pub mod kms_key_rotation_disabled;
pub mod lambda_environment_secret;
pub mod neptune_cluster_unencrypted;
pub mod opensearch_domain_unencrypted;
pub mod parameter_secret_without_noecho;
pub mod plaintext_secret_property;
pub mod rds_cluster_unencrypted;
pub mod rds_instance_unencrypted;
pub mod redshift_cluster_unencrypted;
pub mod s3_bucket_encryption_not_explicit;
pub mod sns_topic_unencrypted;
pub mod sqs_queue_unencrypted;
pub mod ssm_parameter_plaintext_secret;

pub(crate) const RULES: &[&Rule] = &[
    &codebuild_environment_secret::RULE,
    &docdb_cluster_unencrypted::RULE,
    &ebs_block_device_unencrypted::RULE,
    &ebs_volume_unencrypted::RULE,
    &ec2_user_data_secret::RULE,
    &ecs_task_environment_secret::RULE,
    &efs_unencrypted::RULE,
    &elasticache_replication_group_unencrypted::RULE,
    &kinesis_stream_unencrypted::RULE,
    &kms_key_rotation_disabled::RULE,
    &lambda_environment_secret::RULE,
    &neptune_cluster_unencrypted::RULE,
    &opensearch_domain_unencrypted::RULE,
    &parameter_secret_without_noecho::RULE,
    &plaintext_secret_property::RULE,
    &rds_cluster_unencrypted::RULE,
    &rds_instance_unencrypted::RULE,
    &redshift_cluster_unencrypted::RULE,
    &s3_bucket_encryption_not_explicit::RULE,
    &sns_topic_unencrypted::RULE,
    &sqs_queue_unencrypted::RULE,
    &ssm_parameter_plaintext_secret::RULE,
];

// ---------------------------------------------------------------------------------------------
// Resources and settings
// ---------------------------------------------------------------------------------------------

/// Resources of `resource_type` with their index in `Model::resources` (what `Hits` wants).
pub(crate) fn each<'a>(model: &'a Model, resource_type: &'a str) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
    model.resources.iter().enumerate().filter(move |(_, r)| r.resource_type == resource_type)
}

/// One possible value of a boolean property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Switch {
    On,
    Off,
    /// Not written (or `AWS::NoValue`, or an empty value): the service default applies.
    Missing,
    /// Not knowable before deployment (or not a boolean): never reported.
    Unknown,
}

pub(crate) fn switch_of(node: Option<&Node>) -> Switch {
    match node {
        None => Switch::Missing,
        Some(n) if matches!(n.value, Value::Null | Value::Absent) => Switch::Missing,
        Some(n) => match n.as_bool() {
            Some(true) => Switch::On,
            Some(false) => Switch::Off,
            None => Switch::Unknown,
        },
    }
}

/// The weakest alternative of the boolean at `path` below `node` that leaves the feature off:
/// `Off` if any alternative says `false`, else `Missing` if any omits it and the default is off.
/// `None` when every alternative turns the feature on (or cannot be known).
pub(crate) fn switch_off(node: &Node, path: &str, default_on: bool) -> Option<Switch> {
    let states: Vec<Switch> = node.lookup(path).into_iter().map(switch_of).collect();
    if states.contains(&Switch::Off) {
        Some(Switch::Off)
    } else if !default_on && states.contains(&Switch::Missing) {
        Some(Switch::Missing)
    } else {
        None
    }
}

/// Position of `path` below `node` for a finding: the deepest key found, else `node` itself
/// (a list element's position, where [`Resource::pos_of`] cannot follow `Replicas[0]`).
pub(crate) fn pos_below(node: &Node, path: &str) -> Pos {
    let mut current = node;
    let mut pos = node.pos;
    for key in path.split('.') {
        match (current.key(key), current.get(key)) {
            (Some(k), Some(v)) => {
                pos = if v.pos.line > 0 { v.pos } else { k.pos };
                current = v;
            }
            _ => break,
        }
    }
    pos
}

/// Reports resource `index` when the boolean property `path` (below `base`, a list element such
/// as `Replicas[0]`, or the properties themselves when `base` is empty) is false, or missing with
/// a default of off. `subject` names the resource in the message (`DB cluster Aurora0`), `what`
/// the feature (`storage encryption`). Returns whether it reported.
pub(crate) fn report_switch_off(
    out: &mut Hits,
    index: usize,
    node: &Node,
    base: &str,
    path: &str,
    subject: &str,
    what: &str,
) -> bool {
    let full = if base.is_empty() { path.to_string() } else { format!("{base}.{path}") };
    match switch_off(node, path, false) {
        Some(Switch::Off) => {
            out.add_at(
                index,
                &full,
                pos_below(node, path),
                format!("{subject} sets {full} to false: {what} is off"),
                format!("{full}: false"),
            );
            true
        }
        Some(_) => {
            out.add_at(
                index,
                &full,
                pos_below(node, path),
                format!("{subject} does not set {full}: {what} is off by default"),
                format!("{full} absent (default false)"),
            );
            true
        }
        None => false,
    }
}

/// Whether any alternative of `path` holds a value (so a restore/replica source is named, and
/// properties such as encryption are inherited from it rather than set here).
pub(crate) fn is_set(res: &Resource, path: &str) -> bool {
    res.lookup(path).into_iter().any(|n| n.is_some_and(|n| !matches!(n.value, Value::Null)))
}

/// Any alternative of `path` is a string starting with `prefix` (ASCII case-insensitive).
pub(crate) fn starts_with(res: &Resource, path: &str, prefix: &str) -> bool {
    res.lookup(path)
        .into_iter()
        .flatten()
        .filter_map(Node::as_str)
        .any(|s| s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
}

/// Smallest known value of an integer property over its alternatives, a missing property
/// counting as `default`; `None` when no alternative is known. The flag says whether the value
/// was written (false: it is the default).
pub(crate) fn smallest_int(node: &Node, path: &str, default: i64) -> Option<(i64, bool)> {
    node.lookup(path)
        .into_iter()
        .filter_map(|n| match n {
            None => Some((default, false)),
            Some(n) if matches!(n.value, Value::Null) => Some((default, false)),
            Some(n) => n.as_i64().map(|v| (v, true)),
        })
        .min_by_key(|(v, _)| *v)
}

/// Human name of a resource for messages.
pub(crate) fn subject(noun: &str, res: &Resource) -> String {
    format!("{noun} {}", res.logical_id)
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// A secret seen in plain text. Never holds the secret itself, only its redacted form.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Secret {
    /// What it looks like: `AWS access key id`, `password` …
    pub kind: String,
    /// The variable or property name it was assigned to, when there is one.
    pub name: Option<String>,
    /// First four characters and the length.
    pub redacted: String,
}

impl Secret {
    /// `an AWS access key id (AKIA… 20 chars)` or `DB_PASSWORD (hunt… 14 chars)`.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("{} in {name} ({})", self.kind, self.redacted),
            None => format!("{} ({})", self.kind, self.redacted),
        }
    }
}

/// First four characters and the length: enough to find the value, not enough to use it.
pub(crate) fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}… {} chars", secret.chars().count())
}

/// Credentials with a recognisable format: flagged wherever they appear, whatever their name.
static KNOWN_FORMATS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
        ("private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        ("GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
        ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        ("Stripe live key", r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
        ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ]
    .into_iter()
    .map(|(kind, re)| (kind, Regex::new(re).expect("known-format regex")))
    .collect()
});

/// Every credential of a known format in `text`.
pub(crate) fn known_formats(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    for (kind, re) in KNOWN_FORMATS.iter() {
        for m in re.find_iter(text) {
            out.push(Secret { kind: kind.to_string(), name: None, redacted: redact(m.as_str()) });
        }
    }
    out
}

/// Name parts that mark a name as holding a secret (matched inside the name with separators
/// removed, so `dbPassword`, `DB_PASSWORD`, `MYSECRET` and `api-key` all count).
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
    "SIGNINGKEY",
    "AUTHKEY",
    "CREDENTIAL",
];

/// Whole name parts that mean a password on their own.
const SECRET_PARTS: &[&str] = &["PWD", "PASS", "PSW"];

/// A name ending in one of these names something about a secret (where it is, how long it lives),
/// not the secret: `DB_PASSWORD_SECRET_ARN`, `APP_PRIVATE_KEY_SECRET_NAME`, `TOKEN_TTL`.
const NOT_SECRET_LAST: &[&str] = &[
    "NAME",
    "NAMES",
    "ARN",
    "ARNS",
    "ID",
    "IDS",
    "PATH",
    "PARAM",
    "PARAMS",
    "PARAMETER",
    "URL",
    "URI",
    "FILE",
    "FILES",
    "DIR",
    "LOCATION",
    "REF",
    "ENV",
    "VAR",
    "TTL",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "TIMEOUT",
    "LENGTH",
    "LEN",
    "SIZE",
    "HEADER",
    "FIELD",
    "TYPE",
    "BUCKET",
    "TABLE",
    "REGION",
    "PREFIX",
    "SUFFIX",
    "VERSION",
    "STAGE",
    "POLICY",
    "ROTATION",
    "ENABLED",
    "DISABLED",
    "ENDPOINT",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "FORMAT",
    "MODE",
    "PROVIDER",
    "STORE",
    "SOURCE",
    "COUNT",
    "SECONDS",
    "MINUTES",
    "HOURS",
    "DAYS",
    "LIMIT",
    "MAX",
    "MIN",
    "ALGORITHM",
    "SSM",
    "KMS",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "ENCODING",
    "KEY_ID",
    "KEYID",
    "REQUIRED",
    "LOCATOR",
    "DESCRIPTION",
    "CONFIG",
    "PATTERN",
    "RULE",
    "RULES",
    "GENERATOR",
    "STRATEGY",
    "SERVICE",
    "KIND",
];

/// Name parts that say the value is not real.
const NOT_REAL_PARTS: &[&str] = &["TEST", "TESTS", "TESTING", "EXAMPLE", "DUMMY", "FAKE", "SAMPLE", "MOCK"];

/// Splits `dbMasterPassword`, `DB_MASTER_PASSWORD`, `/app/db-password` into upper-case parts.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a variable, property or parameter name says it holds a secret.
pub(crate) fn secret_name(name: &str) -> bool {
    let parts = name_parts(name);
    let Some(last) = parts.last() else { return false };
    if parts.iter().any(|p| NOT_REAL_PARTS.contains(&p.as_str())) {
        return false;
    }
    let last_two = if parts.len() >= 2 { format!("{}_{}", parts[parts.len() - 2], last) } else { String::new() };
    if NOT_SECRET_LAST.contains(&last.as_str()) || NOT_SECRET_LAST.contains(&last_two.as_str()) {
        return false;
    }
    // `…KmsKey`, `…KeyArn`: a reference to a key or secret, not the secret.
    if parts.iter().any(|p| p.contains("KMS")) || ["ARN", "NAME", "KEYID"].iter().any(|s| last.ends_with(s)) {
        return false;
    }
    // The service's name is not a secret: `SecretsManagerEndpoint`.
    let compact: String = parts.concat().replace("SECRETSMANAGER", "");
    SECRET_WORDS.iter().any(|w| compact.contains(w)) || parts.iter().any(|p| SECRET_PARTS.contains(&p.as_str()))
}

/// Values that stand for a secret instead of being one, or mark themselves as not real.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)example|placeholder|replace[_-]?me|change[_-]?it|dummy|fake|sample|your[_-]|redacted|^x+$|^\*+$|^(none|null|nil|true|false|yes|no|undefined|empty|n/?a|tbd|todo|secret|password|token)$",
    )
    .expect("placeholder regex")
});

/// Whether a literal assigned to a secret-looking name looks like a real secret: long enough, a
/// single word, not a reference (`$VAR`, `${…}`, `{{resolve:…}}`, an ARN, a path, a URL) and not
/// a placeholder.
pub(crate) fn secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 6 || v.chars().any(char::is_whitespace) {
        return false;
    }
    const REFERENCE_STARTS: &[&str] = &["$", "{{", "%", "<", "arn:", "/", "#", "@", "!"];
    if REFERENCE_STARTS.iter().any(|p| v.starts_with(p))
        || v.contains("${")
        || v.contains("://")
        || v.contains("{{resolve:")
    {
        return false;
    }
    if v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        return false;
    }
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) {
        return false;
    }
    !PLACEHOLDER.is_match(v)
}

/// A secret in a name/value pair (an environment variable, a container setting): a credential of
/// a known format in the value, or a secret-looking name with a literal, secret-looking value.
/// Only literal strings count: references, parameters without defaults and dynamic references
/// are what the fix asks for.
pub(crate) fn named_secret(name: &str, value: &Node) -> Option<Secret> {
    let text = value.as_str()?;
    if let Some(mut found) = known_formats(text).into_iter().next() {
        found.name = Some(name.to_string());
        return Some(found);
    }
    (secret_name(name) && secret_value(text)).then(|| Secret {
        kind: "secret-looking literal".into(),
        name: Some(name.to_string()),
        redacted: redact(text.trim()),
    })
}

/// `NAME=value`, `export NAME="value"`, `NAME: value`, `"name": "value"` in scripts and
/// configuration text.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^|[\s;&|(,{])(?:export\s+|set\s+|setx\s+|declare\s+(?:-\w+\s+)*|\$env:)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?:=|:)\s*("[^"\n]*"|'[^'\n]*'|[^\s"';#&|),}]+)"#,
    )
    .expect("assignment regex")
});

/// `--password value`, `--db-password=value` on command lines.
static FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?im)(?:^|\s)--?([a-z0-9-]*(?:password|passwd|secret|token|api-?key|access-?key|secret-?key))(?:=|\s+)("[^"\n]*"|'[^'\n]*'|[^\s"';#&|]+)"#,
    )
    .expect("flag regex")
});

/// `aws configure set aws_secret_access_key <40 characters>`.
static AWS_CONFIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(aws_secret_access_key)\s+([A-Za-z0-9/+=]{40})(?:\s|$)").expect("aws configure regex")
});

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Every secret in a script or configuration text (user data, cfn-init files): credentials of a
/// known format anywhere, and secret-looking literals assigned to secret-looking names.
pub(crate) fn scan_text(text: &str) -> Vec<Secret> {
    let mut out = known_formats(text);
    for caps in ASSIGNMENT.captures_iter(text).chain(FLAG.captures_iter(text)).chain(AWS_CONFIGURE.captures_iter(text))
    {
        let (name, value) = (&caps[1], unquote(&caps[2]));
        if secret_name(name) && secret_value(value) && known_formats(value).is_empty() {
            out.push(Secret {
                kind: "secret-looking literal".into(),
                name: Some(name.to_string()),
                redacted: redact(value),
            });
        }
    }
    out
}

/// The text of a string, or the template text of a partly known `Fn::Sub` / `Fn::Join` (the
/// loader keeps it with unknown parts as `${Name}`), so secrets beside an unknown part are seen.
pub(crate) fn text_of(node: &Node) -> Option<&str> {
    match &node.value {
        Value::String(s) => Some(s),
        Value::Unresolved(t) => t.strip_prefix("Fn::Sub ").or_else(|| t.strip_prefix("Fn::Join ")),
        _ => None,
    }
}

/// Decodes standard base64 (user data written already encoded); `None` when `text` is not
/// plausibly base64 or does not decode to UTF-8 text.
pub(crate) fn decode_base64_text(text: &str) -> Option<String> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.len() < 16 || compact.len() & 3 != 0 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a' + 26) as u32),
            b'0'..=b'9' => Some((c - b'0' + 52) as u32),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(compact.len() / 4 * 3);
    for chunk in compact.chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || chunk[..4 - pad].contains(&b'=') {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    let text = String::from_utf8(out).ok()?;
    let printable = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).count();
    (printable * 10 >= text.chars().count() * 9).then_some(text)
}

/// `secret in NAME (abcd… 12 chars)`, listing at most three.
pub(crate) fn describe_all(secrets: &[Secret]) -> String {
    let mut parts: Vec<String> = secrets.iter().take(3).map(Secret::describe).collect();
    if secrets.len() > 3 {
        parts.push(format!("and {} more", secrets.len() - 3));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in ["DB_PASSWORD", "dbPassword", "MYSECRET", "/myapp/api_key", "SuperSecret", "GITHUB_TOKEN", "DB_PASS"]
        {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "APP_PRIVATE_KEY_SECRET_NAME",
            "DB_PASSWORD_SECRET_ARN",
            "AWS_ACCESS_KEY_ID",
            "TOKEN_TTL",
            "MYSECRET_TEST",
            "TableName",
            "key1",
            "PasswordLength",
            "SecretsManagerDomainCredentialsSecretsKMSKey",
            "DbPasswordSecretArn",
        ] {
            assert!(!secret_name(no), "{no}");
        }
    }

    #[test]
    fn secret_values() {
        assert!(secret_value("akdfaksdfjkasdfjskafjdkfajsdfk345"));
        assert!(secret_value("hunter2hunter2"));
        for no in [
            "bar",
            "${aws_iam_role.x.arn}",
            "{{resolve:secretsmanager:db}}",
            "arn:aws:s3:::x",
            "true",
            "xxxxxxxx",
            "akdfEXAMPLEsdf",
            "my value here",
        ] {
            assert!(!secret_value(no), "{no}");
        }
    }

    #[test]
    fn scans_scripts_without_leaking() {
        let found = scan_text("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport DB_PASSWORD='s3cr3tPass'\nexport AWS_SECRET_ACCESS_KEY=bar\n");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].redacted, "AKIA… 20 chars");
        assert!(found.iter().all(|s| !s.describe().contains("s3cr3tPass")));
        assert!(scan_text("mysql --password=\"$DB_PASSWORD\"").is_empty());
        let flag = scan_text("mysql --password=Sup3rS3cret!");
        assert_eq!(flag.len(), 1);
        assert_eq!(flag[0].name.as_deref(), Some("password"));
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(decode_base64_text("IyEvYmluL2Jhc2gKZWNobyBoaQo=").as_deref(), Some("#!/bin/bash\necho hi\n"));
        assert_eq!(decode_base64_text("not base64 at all!"), None);
    }
}
