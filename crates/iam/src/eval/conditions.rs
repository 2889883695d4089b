//! Condition operators. Every comparison answers three ways: a key the request context does
//! not know makes the condition `Maybe`, naming the key, instead of being guessed.

use std::net::IpAddr;

use serde_json::Value;

use super::matching::{arn_like, glob};
use super::variables::{render, substitute, Subst, Tok};
use super::{Ctx, Lookup, Truth};

/// The comparison an operator makes, with negated operators folded onto their positive form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    Arn,
    Null,
}

/// How a multi-valued context key is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Single,
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub base: Base,
    /// `StringNotEquals`, `NotIpAddress`, …: true when no policy value matches.
    pub negated: bool,
    pub if_exists: bool,
    pub set: SetOp,
}

/// One key of one operator in a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written (for explanations).
    pub operator_text: String,
    pub operator: Operator,
    pub key: String,
    pub values: Vec<String>,
}

/// Parses a `Condition` block into its (operator, key) pairs, all of which must hold.
pub fn parse_block(block: &Value) -> Result<Vec<Condition>, String> {
    let ops = block.as_object().ok_or("Condition is not an object")?;
    let mut out = Vec::new();
    for (op_text, keys) in ops {
        let operator = parse_operator(op_text).ok_or(format!("unknown operator {op_text}"))?;
        let keys = keys.as_object().ok_or(format!("{op_text}: not an object"))?;
        for (key, values) in keys {
            out.push(Condition {
                operator_text: op_text.clone(),
                operator,
                key: key.clone(),
                values: condition_values(values).ok_or(format!("{op_text}/{key}: bad value"))?,
            });
        }
    }
    Ok(out)
}

/// Condition values may be written as strings, numbers or booleans.
fn condition_values(value: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        v => one(v).map(|s| vec![s]),
    }
}

fn parse_operator(text: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
        (SetOp::ForAllValues, r)
    } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
        (SetOp::ForAnyValue, r)
    } else {
        (SetOp::Single, text)
    };
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(n) if n != "Null" => (n, true),
        _ => (rest, false),
    };
    let (base, negated) = base_of(name)?;
    Some(Operator { base, negated, if_exists, set })
}

fn base_of(name: &str) -> Option<(Base, bool)> {
    use Base::*;
    Some(match name {
        "StringEquals" => (StringEquals, false),
        "StringNotEquals" => (StringEquals, true),
        "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
        "StringLike" => (StringLike, false),
        "StringNotLike" => (StringLike, true),
        "NumericEquals" => (NumericEquals, false),
        "NumericNotEquals" => (NumericEquals, true),
        "NumericLessThan" => (NumericLessThan, false),
        "NumericLessThanEquals" => (NumericLessThanEquals, false),
        "NumericGreaterThan" => (NumericGreaterThan, false),
        "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
        "DateEquals" => (DateEquals, false),
        "DateNotEquals" => (DateEquals, true),
        "DateLessThan" => (DateLessThan, false),
        "DateLessThanEquals" => (DateLessThanEquals, false),
        "DateGreaterThan" => (DateGreaterThan, false),
        "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
        "Bool" => (Bool, false),
        "BinaryEquals" => (BinaryEquals, false),
        "IpAddress" => (IpAddress, false),
        "NotIpAddress" => (IpAddress, true),
        "ArnEquals" | "ArnLike" => (Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Arn, true),
        "Null" => (Null, false),
        _ => return None,
    })
}

/// Evaluates one condition against the request context.
pub fn evaluate(cond: &Condition, ctx: &Ctx, vars: bool) -> Truth {
    let op = cond.operator;
    let lookup = ctx.get(&cond.key);
    if op.base == Base::Null {
        return null_check(cond, lookup);
    }
    match lookup {
        Lookup::Unknown => Truth::Maybe(vec![cond.key.clone()]),
        Lookup::Absent => Truth::from(absent_result(op)),
        Lookup::Present(values) => compare_all(cond, values, ctx, vars),
    }
}

/// The documented result for a key missing from the request: `...IfExists` and negated
/// operators hold, `ForAllValues` holds vacuously, everything else fails.
fn absent_result(op: Operator) -> bool {
    match op.set {
        SetOp::ForAllValues => true,
        SetOp::ForAnyValue => op.if_exists,
        SetOp::Single => op.if_exists || op.negated,
    }
}

/// `Null: true` holds when the key is absent, `Null: false` when it is present.
fn null_check(cond: &Condition, lookup: Lookup) -> Truth {
    let wanted = match lookup {
        Lookup::Unknown => return Truth::Maybe(vec![cond.key.clone()]),
        Lookup::Absent => "true",
        Lookup::Present(_) => "false",
    };
    Truth::from(cond.values.iter().any(|v| v.eq_ignore_ascii_case(wanted)))
}

/// Applies the set operator over the context values.
fn compare_all(cond: &Condition, values: &[String], ctx: &Ctx, vars: bool) -> Truth {
    let patterns: Vec<Subst> = cond.values.iter().map(|v| substitute(v, ctx, vars)).collect();
    let positive = |c: &String| any_policy_value(cond.operator.base, &patterns, c);
    let satisfies = |c: &String| {
        let p = positive(c);
        if cond.operator.negated {
            !p
        } else {
            p
        }
    };
    match cond.operator.set {
        SetOp::Single if cond.operator.negated => !Truth::any(values.iter().map(positive)),
        SetOp::Single | SetOp::ForAnyValue => Truth::any(values.iter().map(satisfies)),
        SetOp::ForAllValues => Truth::all(values.iter().map(satisfies)),
    }
}

/// Whether any policy value matches the context value; unknown variables make it `Maybe`.
fn any_policy_value(base: Base, patterns: &[Subst], value: &str) -> Truth {
    Truth::any(patterns.iter().map(|p| match p {
        Subst::Done(toks) => Truth::from(compare(base, toks, value)),
        Subst::Absent => Truth::No,
        Subst::Unknown(key) => Truth::Maybe(vec![key.clone()]),
    }))
}

fn compare(base: Base, toks: &[Tok], value: &str) -> bool {
    use Base::*;
    let text = || render(toks);
    match base {
        StringEquals | BinaryEquals => text() == value,
        StringEqualsIgnoreCase => text().to_lowercase() == value.to_lowercase(),
        StringLike => glob(toks, value, false),
        Bool => text().eq_ignore_ascii_case(value),
        Arn => arn_like(toks, value),
        IpAddress => ip_in(&text(), value),
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
            ordered(base, parse_number(value), parse_number(&text()))
        }
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => {
            ordered(base, parse_date(value), parse_date(&text()))
        }
        Null => false,
    }
}

/// `context <op> policy` for numbers and dates; unparseable values never match.
fn ordered(base: Base, context: Option<f64>, policy: Option<f64>) -> bool {
    use Base::*;
    let (Some(c), Some(p)) = (context, policy) else {
        return false;
    };
    match base {
        NumericEquals | DateEquals => c == p,
        NumericLessThan | DateLessThan => c < p,
        NumericLessThanEquals | DateLessThanEquals => c <= p,
        NumericGreaterThan | DateGreaterThan => c > p,
        NumericGreaterThanEquals | DateGreaterThanEquals => c >= p,
        _ => false,
    }
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// ISO 8601 (`2024-01-31`, `2024-01-31T10:00:00Z`, fractions, `+01:00` offsets) or epoch
/// seconds, as seconds since the epoch.
pub fn parse_date(text: &str) -> Option<f64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<f64>().ok();
    }
    let (date, time) = t.split_once('T').unwrap_or((t, "00:00:00Z"));
    let days = civil_days(date)?;
    Some(days as f64 * 86_400.0 + parse_time(time)?)
}

fn civil_days(date: &str) -> Option<i64> {
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    // Bounded so the arithmetic below cannot overflow on hostile input.
    let valid = (0..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    if it.next().is_some() || !valid {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `HH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM` or nothing (UTC).
fn parse_time(time: &str) -> Option<f64> {
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0.0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let sign = if time[i..].starts_with('-') { -1.0 } else { 1.0 };
        (&time[..i], sign * hms(&time[i + 1..])?)
    } else {
        (time, 0.0)
    };
    Some(hms(clock)? - offset)
}

fn hms(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut total = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let v: f64 = p.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
        total += v * [3600.0, 60.0, 1.0][i];
    }
    Some(total)
}

/// Whether IP `value` is inside `cidr` (a bare address is a /32 or /128).
fn ip_in(cidr: &str, value: &str) -> bool {
    let (net, bits) = cidr.split_once('/').unwrap_or((cidr, ""));
    let (Ok(net), Ok(ip)) = (net.trim().parse::<IpAddr>(), value.trim().parse::<IpAddr>()) else {
        return false;
    };
    let (net, ip, width) = match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32),
        (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
        _ => return false,
    };
    let bits: u32 = if bits.is_empty() {
        width
    } else {
        match bits.parse() {
            Ok(b) if b <= width => b,
            _ => return false,
        }
    };
    let shift = width - bits;
    // A /0 shift of 128 would overflow; checked_shr treats it as "everything matches".
    net.checked_shr(shift).unwrap_or(0) == ip.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::ContextValue;
    use serde_json::json;
    use std::collections::HashMap;

    fn check(block: Value, ctx: &[(&str, ContextValue)], complete: bool) -> Truth {
        let conds = parse_block(&block).unwrap();
        let map: HashMap<String, ContextValue> = ctx.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let c = Ctx::new(&map, complete);
        Truth::all(conds.iter().map(|x| evaluate(x, &c, true)))
    }

    fn s(v: &str) -> ContextValue {
        ContextValue::from(v)
    }

    fn list(v: &[&str]) -> ContextValue {
        ContextValue::Multi(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn strings() {
        let b = json!({"StringEquals": {"aws:PrincipalTag/team": ["blue", "red"]}});
        assert_eq!(check(b.clone(), &[("aws:PrincipalTag/team", s("red"))], true), Truth::Yes);
        assert_eq!(check(b.clone(), &[("aws:PrincipalTag/team", s("Red"))], true), Truth::No);
        assert_eq!(check(b.clone(), &[], true), Truth::No);
        assert_eq!(check(b, &[], false), Truth::Maybe(vec!["aws:PrincipalTag/team".into()]));
        let ic = json!({"StringEqualsIgnoreCase": {"k": "RED"}});
        assert_eq!(check(ic, &[("k", s("red"))], true), Truth::Yes);
        let like = json!({"StringLike": {"s3:prefix": "home/*"}});
        assert_eq!(check(like, &[("s3:prefix", s("home/a"))], true), Truth::Yes);
        let not = json!({"StringNotEquals": {"k": "a"}});
        assert_eq!(check(not.clone(), &[], true), Truth::Yes);
        assert_eq!(check(not, &[("k", s("a"))], true), Truth::No);
    }

    #[test]
    fn keys_are_case_insensitive() {
        let b = json!({"StringEquals": {"AWS:PrincipalTag/Team": "blue"}});
        assert_eq!(check(b, &[("aws:principaltag/team", s("blue"))], true), Truth::Yes);
    }

    #[test]
    fn numbers_and_dates() {
        let n = json!({"NumericLessThan": {"s3:max-keys": "10"}});
        assert_eq!(check(n.clone(), &[("s3:max-keys", s("9"))], true), Truth::Yes);
        assert_eq!(check(n.clone(), &[("s3:max-keys", s("10"))], true), Truth::No);
        assert_eq!(check(n, &[("s3:max-keys", s("x"))], true), Truth::No);
        let d = json!({"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}});
        assert_eq!(check(d.clone(), &[("aws:CurrentTime", s("2024-06-01"))], true), Truth::Yes);
        assert_eq!(check(d, &[("aws:CurrentTime", s("2023-12-31T23:59:59+00:00"))], true), Truth::No);
        assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(parse_date("86400"), Some(86_400.0));
        assert_eq!(parse_date("garbage"), None);
    }

    #[test]
    fn bool_binary_ip_arn() {
        let b = json!({"Bool": {"aws:SecureTransport": false}});
        assert_eq!(check(b, &[("aws:SecureTransport", s("FALSE"))], true), Truth::Yes);
        let bin = json!({"BinaryEquals": {"k": "QmluYXJ5"}});
        assert_eq!(check(bin, &[("k", s("QmluYXJ5"))], true), Truth::Yes);
        let ip = json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}});
        assert_eq!(check(ip.clone(), &[("aws:SourceIp", s("10.1.2.3"))], true), Truth::Yes);
        assert_eq!(check(ip.clone(), &[("aws:SourceIp", s("2001:db8::1"))], true), Truth::Yes);
        assert_eq!(check(ip, &[("aws:SourceIp", s("11.0.0.1"))], true), Truth::No);
        let any = json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}});
        assert_eq!(check(any, &[("aws:SourceIp", s("1.2.3.4"))], true), Truth::Yes);
        let notip = json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}});
        assert_eq!(check(notip, &[("aws:SourceIp", s("11.0.0.1"))], true), Truth::Yes);
        let arn = json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}});
        assert_eq!(check(arn, &[("aws:SourceArn", s("arn:aws:sns:us-east-1:123456789012:t"))], true), Truth::Yes);
    }

    #[test]
    fn if_exists_and_null() {
        let b = json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}});
        assert_eq!(check(b.clone(), &[], true), Truth::Yes);
        assert_eq!(check(b.clone(), &[("aws:MultiFactorAuthPresent", s("true"))], true), Truth::No);
        assert!(matches!(check(b, &[], false), Truth::Maybe(_)));
        let null = json!({"Null": {"aws:TokenIssueTime": "true"}});
        assert_eq!(check(null.clone(), &[], true), Truth::Yes);
        assert_eq!(check(null, &[("aws:TokenIssueTime", s("x"))], true), Truth::No);
    }

    #[test]
    fn set_operators() {
        let all = json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}});
        assert_eq!(check(all.clone(), &[("aws:TagKeys", list(&["a", "b"]))], true), Truth::Yes);
        assert_eq!(check(all.clone(), &[("aws:TagKeys", list(&["a", "c"]))], true), Truth::No);
        assert_eq!(check(all, &[], true), Truth::Yes);
        let any = json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}});
        assert_eq!(check(any.clone(), &[("aws:TagKeys", list(&["c", "a"]))], true), Truth::Yes);
        assert_eq!(check(any, &[], true), Truth::No);
        let none = json!({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["x"]}});
        assert_eq!(check(none, &[("aws:TagKeys", list(&["a", "b"]))], true), Truth::Yes);
    }

    #[test]
    fn variables_in_values() {
        let b = json!({"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}});
        let ctx = [("aws:ResourceTag/owner", s("alice")), ("aws:username", s("alice"))];
        assert_eq!(check(b.clone(), &ctx, true), Truth::Yes);
        let partial = [("aws:ResourceTag/owner", s("alice"))];
        assert_eq!(check(b, &partial, false), Truth::Maybe(vec!["aws:username".into()]));
    }
}
