//! One CloudTrail event, borrowed from the bytes it was read from.
//!
//! Detections look at a handful of top-level fields of every event and at nested fields of
//! few; Sigma rules may name any dotted path. So an event is parsed once into its top-level
//! fields, each kept as raw JSON text (`RawValue`), and a value is decoded only when asked for.
//! Building a full `serde_json::Value` tree per event is 7× slower and 5× the memory
//! (RUST-NOTES), and would make a year of logs a matter of hours instead of minutes.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::fmt;

/// A top-level field: its (unescaped) name and raw JSON value.
type RawField<'a> = (Cow<'a, str>, &'a RawValue);

/// Top-level fields of an event, kept inline: CloudTrail events have about 20, and an
/// allocation per event showed up as a tenth of the run time.
type Fields<'a> = SmallVec<[RawField<'a>; 24]>;

/// One CloudTrail event record.
pub struct Event<'a> {
    fields: Fields<'a>,
    /// `userIdentity`, parsed the first time a rule or a finding asks for it.
    identity: std::cell::OnceCell<Identity<'a>>,
}

/// A field's value, decoded as far as a comparison needs it.
#[derive(Clone, Debug)]
pub enum Field<'a> {
    /// No such field (or a path through a non-object).
    Absent,
    Null,
    Bool(bool),
    /// A number as written (`443`, `1.5`).
    Number(&'a str),
    Str(Cow<'a, str>),
    /// An object, as its raw JSON text.
    Object(&'a RawValue),
    /// An array, as its raw JSON text.
    Array(&'a RawValue),
}

impl PartialEq for Field<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Field::Absent, Field::Absent) | (Field::Null, Field::Null) => true,
            (Field::Bool(a), Field::Bool(b)) => a == b,
            (Field::Number(a), Field::Number(b)) => a == b,
            (Field::Str(a), Field::Str(b)) => a == b,
            (Field::Object(a), Field::Object(b)) | (Field::Array(a), Field::Array(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

impl<'a> Field<'a> {
    fn of(raw: &'a RawValue) -> Field<'a> {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'"') => match unquote(text) {
                Some(s) => Field::Str(s),
                None => Field::Absent,
            },
            Some(b'{') => Field::Object(raw),
            Some(b'[') => Field::Array(raw),
            Some(b't') => Field::Bool(true),
            Some(b'f') => Field::Bool(false),
            Some(b'n') => Field::Null,
            Some(_) => Field::Number(text),
            None => Field::Absent,
        }
    }

    /// The value as text: strings unescaped, numbers and booleans as written. `None` for
    /// absent, null, objects and arrays.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Str(s) => Some(s),
            Field::Number(n) => Some(n),
            Field::Bool(true) => Some("true"),
            Field::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub fn is_absent_or_null(&self) -> bool {
        matches!(self, Field::Absent | Field::Null)
    }

    /// Raw JSON text of an object or array.
    pub fn raw(&self) -> Option<&'a RawValue> {
        match self {
            Field::Object(r) | Field::Array(r) => Some(r),
            _ => None,
        }
    }

    /// The elements of an array (an empty list for anything else).
    pub fn elements(&self) -> Vec<Field<'a>> {
        match self {
            Field::Array(r) => serde_json::from_str::<Vec<&'a RawValue>>(r.get())
                .unwrap_or_default()
                .into_iter()
                .map(Field::of)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Member `key` of an object (`Absent` for anything else).
    pub fn member(&self, key: &str) -> Field<'a> {
        match self {
            Field::Object(r) => object_member(r, key),
            _ => Field::Absent,
        }
    }

    /// Follows a dotted path (`sessionContext.attributes.mfaAuthenticated`) from this value.
    pub fn path(&self, path: &str) -> Field<'a> {
        let mut cur = self.clone();
        for part in path.split('.') {
            cur = cur.member(part);
            if cur == Field::Absent {
                break;
            }
        }
        cur
    }

    /// Decodes the value into a `serde_json::Value` (for the few rules that need structure).
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Field::Absent | Field::Null => serde_json::Value::Null,
            Field::Bool(b) => serde_json::Value::Bool(*b),
            Field::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
            Field::Str(s) => serde_json::Value::String(s.to_string()),
            Field::Object(r) | Field::Array(r) => serde_json::from_str(r.get()).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// `"text"` → `text`, borrowed unless the string holds escapes.
fn unquote(text: &str) -> Option<Cow<'_, str>> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(text).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

fn object_member<'a>(raw: &'a RawValue, key: &str) -> Field<'a> {
    let Ok(fields) = parse_fields(raw.get()) else { return Field::Absent };
    fields.into_iter().find(|(k, _)| k == key).map(|(_, v)| Field::of(v)).unwrap_or(Field::Absent)
}

/// Top-level `(key, raw value)` pairs of a JSON object, in order.
fn parse_fields(text: &str) -> Result<Fields<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let fields = de.deserialize_map(FieldsVisitor)?;
    de.end()?;
    Ok(fields)
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::new();
        while let Some(KeyText(key)) = map.next_key::<KeyText<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            fields.push((key, value));
        }
        Ok(fields)
    }
}

/// A key borrowed from the input unless it holds escapes (`Cow`'s own `Deserialize` always
/// copies, which made one allocation per field of every event).
struct KeyText<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Why a record is not an event.
#[derive(Debug)]
pub enum EventError {
    /// Not JSON (or not complete): serde_json's message with line and column inside the record.
    Json(serde_json::Error),
    /// JSON, but not an object.
    NotAnObject,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Json(e) => write!(f, "invalid JSON: {e}"),
            EventError::NotAnObject => f.write_str("not a JSON object"),
        }
    }
}

impl std::error::Error for EventError {}

impl<'a> Event<'a> {
    /// Parses one record: a CloudTrail event, or an EventBridge envelope (`detail-type: "AWS API
    /// Call via CloudTrail"`) whose `detail` is one. Lake rows and `eventJson` wrappers are
    /// unwrapped by the reader before they get here, since they need an owned buffer.
    pub fn parse(text: &'a str) -> Result<Event<'a>, EventError> {
        if !text.trim_start().starts_with('{') {
            // Syntax errors first: a truncated record is "invalid JSON", not "not an object".
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(EventError::Json)?;
            return Err(EventError::NotAnObject);
        }
        let fields = parse_fields(text).map_err(EventError::Json)?;
        let event = Event { fields, identity: Default::default() };
        if event.raw("detail-type").is_some() {
            if let Some(detail) = event.raw("detail").filter(|d| d.get().starts_with('{')) {
                let fields = parse_fields(detail.get()).map_err(EventError::Json)?;
                return Ok(Event { fields, identity: Default::default() });
            }
        }
        Ok(event)
    }

    /// Raw JSON of top-level field `key`.
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Top-level field names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_ref())
    }

    /// Field at a dotted path (`userIdentity.sessionContext.attributes.mfaAuthenticated`).
    /// A whole top-level name that contains dots is tried first.
    pub fn get(&self, path: &str) -> Field<'a> {
        if let Some(raw) = self.raw(path) {
            return Field::of(raw);
        }
        let (head, rest) = match path.split_once('.') {
            Some(split) => split,
            None => return Field::Absent,
        };
        match self.raw(head) {
            Some(raw) => Field::of(raw).path(rest),
            None => Field::Absent,
        }
    }

    /// Top-level string field, borrowed when it has no escapes; `""` when absent or not a string.
    pub fn str(&self, key: &str) -> Cow<'a, str> {
        match self.raw(key).map(Field::of) {
            Some(Field::Str(s)) => s,
            _ => Cow::Borrowed(""),
        }
    }

    pub fn event_name(&self) -> Cow<'a, str> {
        self.str("eventName")
    }
    pub fn event_source(&self) -> Cow<'a, str> {
        self.str("eventSource")
    }
    pub fn event_id(&self) -> Cow<'a, str> {
        self.str("eventID")
    }
    /// ISO 8601 as written (`2023-07-10T12:10:04Z`).
    pub fn event_time(&self) -> Cow<'a, str> {
        self.str("eventTime")
    }
    pub fn region(&self) -> Cow<'a, str> {
        self.str("awsRegion")
    }
    pub fn source_ip(&self) -> Cow<'a, str> {
        self.str("sourceIPAddress")
    }
    pub fn user_agent(&self) -> Cow<'a, str> {
        self.str("userAgent")
    }
    /// `errorCode`, empty when the call succeeded.
    pub fn error_code(&self) -> Cow<'a, str> {
        self.str("errorCode")
    }
    pub fn failed(&self) -> bool {
        !self.error_code().is_empty()
    }

    /// The account the event was delivered to (`recipientAccountId`), else the caller's.
    pub fn account(&self) -> Cow<'a, str> {
        let recipient = self.str("recipientAccountId");
        if recipient.is_empty() {
            match self.get("userIdentity.accountId") {
                Field::Str(s) => s,
                _ => Cow::Borrowed(""),
            }
        } else {
            recipient
        }
    }

    /// `readOnly` when recorded.
    pub fn read_only(&self) -> Option<bool> {
        match self.raw("readOnly").map(Field::of) {
            Some(Field::Bool(b)) => Some(b),
            Some(Field::Str(s)) => Some(s.eq_ignore_ascii_case("true")),
            _ => None,
        }
    }

    /// `eventTime` as seconds since the Unix epoch.
    pub fn epoch(&self) -> Option<i64> {
        parse_time(&self.event_time())
    }

    /// The caller, parsed from `userIdentity` (once per event).
    pub fn identity(&self) -> &Identity<'a> {
        self.identity.get_or_init(|| match self.raw("userIdentity") {
            Some(raw) => Identity::deserialize(&mut serde_json::Deserializer::from_str(raw.get())).unwrap_or_default(),
            None => Identity::default(),
        })
    }
}

/// The parts of `userIdentity` detections use.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Identity<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow)]
    pub principal_id: Cow<'a, str>,
    #[serde(borrow)]
    pub arn: Cow<'a, str>,
    #[serde(borrow)]
    pub account_id: Cow<'a, str>,
    #[serde(borrow)]
    pub access_key_id: Cow<'a, str>,
    #[serde(borrow)]
    pub user_name: Cow<'a, str>,
    #[serde(borrow)]
    pub invoked_by: Cow<'a, str>,
    #[serde(borrow)]
    pub session_context: SessionContext<'a>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionContext<'a> {
    #[serde(borrow)]
    pub attributes: SessionAttributes<'a>,
    #[serde(borrow)]
    pub session_issuer: SessionIssuer<'a>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionAttributes<'a> {
    /// `"true"` / `"false"` (a string in CloudTrail).
    #[serde(borrow)]
    pub mfa_authenticated: Cow<'a, str>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionIssuer<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow)]
    pub arn: Cow<'a, str>,
    #[serde(borrow)]
    pub user_name: Cow<'a, str>,
}

impl Identity<'_> {
    /// Who acted, as one string: the role's ARN for assumed-role sessions (the session name
    /// changes per session, the role does not), else the ARN, else the user name or principal id.
    pub fn principal(&self) -> String {
        if self.kind == "AssumedRole" && !self.session_context.session_issuer.arn.is_empty() {
            return self.session_context.session_issuer.arn.to_string();
        }
        for s in [&self.arn, &self.user_name, &self.principal_id, &self.invoked_by, &self.kind] {
            if !s.is_empty() {
                return s.to_string();
            }
        }
        "(unknown principal)".to_string()
    }

    /// The IAM user name for IAMUser callers (from `userName`, else the ARN's last part).
    pub fn iam_user_name(&self) -> Option<&str> {
        if self.kind != "IAMUser" {
            return None;
        }
        if !self.user_name.is_empty() {
            return Some(&self.user_name);
        }
        self.arn.rsplit_once('/').map(|(_, name)| name)
    }
}

/// Parses CloudTrail's `eventTime` (`2023-07-10T12:10:04Z`, fractional seconds and offsets
/// tolerated) into Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp()).or_else(|| {
        // Lake exports write `2023-07-10 12:10:04.000`.
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok().map(|t| t.and_utc().timestamp())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a\u0062c",
        "accountId":"1","accessKeyId":"AKIA1","userName":"abc","sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},
        "eventTime":"2023-07-10T12:10:04Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl",
        "requestParameters":{"bucketName":"b","AccessControlPolicy":{"x":[1,2]}},"readOnly":false,
        "responseElements":null,"recipientAccountId":"1","a.b":5}"#;

    #[test]
    fn reads_fields_and_paths() {
        let e = Event::parse(EVENT).unwrap();
        assert_eq!(e.event_name(), "PutBucketAcl");
        assert_eq!(e.get("requestParameters.bucketName"), Field::Str("b".into()));
        assert_eq!(e.get("userIdentity.arn").as_str(), Some("arn:aws:iam::1:user/abc"));
        assert_eq!(e.get("userIdentity.sessionContext.attributes.mfaAuthenticated").as_str(), Some("false"));
        assert_eq!(e.get("responseElements"), Field::Null);
        assert_eq!(e.get("errorCode"), Field::Absent);
        assert_eq!(e.get("a.b"), Field::Number("5"));
        assert_eq!(e.get("requestParameters.AccessControlPolicy.x").elements().len(), 2);
        assert_eq!(e.read_only(), Some(false));
        assert_eq!(e.epoch(), Some(1688991004));
        let id = e.identity();
        assert_eq!(id.iam_user_name(), Some("abc"));
        assert_eq!(id.principal(), "arn:aws:iam::1:user/abc");
    }

    #[test]
    fn unwraps_eventbridge_envelopes() {
        let env = format!(
            r#"{{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":{EVENT}}}"#
        );
        let e = Event::parse(&env).unwrap();
        assert_eq!(e.event_source(), "s3.amazonaws.com");
    }

    #[test]
    fn bad_records_are_errors_not_panics() {
        for bad in ["", "{", "[1]", "{\"a\":}", "nul", "\"x\"", "{\"a\":1}}"] {
            assert!(Event::parse(bad).is_err(), "{bad}");
        }
    }
}
