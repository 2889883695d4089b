//! Typing of YAML plain scalars (YAML 1.2 core schema) and of JSON numbers.
//!
//! An integer becomes `Value::Number` only when an `f64` holds it exactly, a float only when it
//! is finite; everything else stays the text it was written as. Leading zeros stay strings too: in a template `012345678901` is an
//! account id, not 12345678901 (YAML 1.1 would even read it as octal).

use nextgap_model::Value;

/// Largest integer an `f64` represents exactly (2^53).
const MAX_EXACT: u64 = 1 << 53;

/// Type of an untagged plain YAML scalar.
pub fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(text).unwrap_or_else(|| Value::String(text.to_string())),
    }
}

/// Value of a YAML scalar with a core-schema tag (`!!str`, `!!int` …).
pub fn core_tagged(suffix: &str, text: &str) -> Value {
    let typed = match suffix {
        "null" => Some(plain(text)).filter(|v| *v == Value::Null),
        "bool" => Some(plain(text)).filter(|v| matches!(v, Value::Bool(_))),
        "int" | "float" => number(text),
        _ => None,
    };
    typed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// A JSON number literal: exact ones become numbers, others keep their text.
pub fn json_number(text: &str) -> Value {
    number(text).unwrap_or_else(|| Value::String(text.to_string()))
}

/// `Some(Number)` when `text` is a core-schema int (held exactly) or a finite float.
fn number(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return radix_int(hex, 16, negative, text);
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return radix_int(oct, 8, negative, text);
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return decimal_int(unsigned, negative);
    }
    if is_float(unsigned) {
        return text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Number);
    }
    None
}

fn decimal_int(digits: &str, negative: bool) -> Option<Value> {
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    let n: u64 = digits.parse().ok().filter(|&n| n <= MAX_EXACT)?;
    Some(Value::Number(if negative { -(n as f64) } else { n as f64 }))
}

fn radix_int(digits: &str, radix: u32, negative: bool, text: &str) -> Option<Value> {
    // The core schema has no signed hex/octal.
    if negative || text.starts_with('+') || digits.is_empty() {
        return None;
    }
    let n = u64::from_str_radix(digits, radix).ok().filter(|&n| n <= MAX_EXACT)?;
    Some(Value::Number(n as f64))
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, without a leading zero before more digits.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int_part) && digits(f) && !(int_part.is_empty() && f.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let leading_zero = int_part.len() > 1 && int_part.starts_with('0');
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && !leading_zero
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f64) -> Value {
        Value::Number(v)
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    #[test]
    fn core_schema() {
        assert_eq!(plain("true"), Value::Bool(true));
        assert_eq!(plain("FALSE"), Value::Bool(false));
        assert_eq!(plain("yes"), s("yes")); // YAML 1.1 only
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain(""), Value::Null);
        assert_eq!(plain("22"), n(22.0));
        assert_eq!(plain("-3"), n(-3.0));
        assert_eq!(plain("+7"), n(7.0));
        assert_eq!(plain("0"), n(0.0));
        assert_eq!(plain("0x1F"), n(31.0));
        assert_eq!(plain("0o17"), n(15.0));
        assert_eq!(plain("1.5"), n(1.5));
        assert_eq!(plain(".5"), n(0.5));
        assert_eq!(plain("1e3"), n(1000.0));
        assert_eq!(plain("2012-10-17"), s("2012-10-17"));
        assert_eq!(plain("1.2.3"), s("1.2.3"));
        assert_eq!(plain("."), s("."));
        assert_eq!(plain("e5"), s("e5"));
    }

    #[test]
    fn unrepresentable_numbers_stay_text() {
        assert_eq!(plain("012345678901"), s("012345678901"));
        assert_eq!(plain("0123"), s("0123"));
        assert_eq!(plain("123456789012345678901"), s("123456789012345678901"));
        assert_eq!(plain("9007199254740993"), s("9007199254740993"));
        assert_eq!(plain("9007199254740992"), n(9007199254740992.0));
        assert_eq!(plain(".inf"), s(".inf"));
        assert_eq!(plain(".nan"), s(".nan"));
        assert_eq!(plain("1e999"), s("1e999"));
        assert_eq!(json_number("12345678901234567890"), s("12345678901234567890"));
        assert_eq!(json_number("-1.25e2"), n(-125.0));
    }

    #[test]
    fn core_tags() {
        assert_eq!(core_tagged("str", "12"), s("12"));
        assert_eq!(core_tagged("int", "12"), n(12.0));
        assert_eq!(core_tagged("int", "x"), s("x"));
        assert_eq!(core_tagged("bool", "true"), Value::Bool(true));
    }
}
