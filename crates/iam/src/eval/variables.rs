//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) and the escapes
//! `${*}`, `${?}`, `${$}`. Substitution yields tokens so that a `*` that came from a variable
//! value or an escape stays literal while a `*` written in the policy stays a wildcard.

use super::Ctx;

/// One character of a pattern after substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Lit(char),
    Star,
    Qmark,
}

/// The outcome of substituting the variables of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subst {
    Done(Vec<Tok>),
    /// A variable is absent from the request and has no default: the value matches nothing.
    Absent,
    /// A variable's value is not known: the match depends on it.
    Unknown(String),
}

/// Substitutes variables in `text` when `enabled` (policy version 2012-10-17); otherwise
/// `${...}` is literal text, as AWS treats it under older versions.
pub fn substitute(text: &str, ctx: &Ctx, enabled: bool) -> Subst {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if enabled && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                match resolve(&rest[2..end], ctx) {
                    Subst::Done(toks) => out.extend(toks),
                    other => return other,
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push(wild(c));
        rest = &rest[c.len_utf8()..];
    }
    Subst::Done(out)
}

fn wild(c: char) -> Tok {
    match c {
        '*' => Tok::Star,
        '?' => Tok::Qmark,
        c => Tok::Lit(c),
    }
}

/// The value of one `${...}` body: an escape, or a key with an optional quoted default.
fn resolve(body: &str, ctx: &Ctx) -> Subst {
    if let escape @ ("*" | "?" | "$") = body.trim() {
        return literal(escape);
    }
    let (key, default) = match body.split_once(',') {
        Some((k, d)) => (k.trim(), parse_default(d)),
        None => (body.trim(), None),
    };
    match ctx.get(key) {
        super::Lookup::Present(values) if values.len() == 1 => literal(&values[0]),
        // A multi-valued key cannot be substituted: AWS treats it as no match.
        super::Lookup::Present(_) => Subst::Absent,
        super::Lookup::Absent => default.map_or(Subst::Absent, |d| literal(&d)),
        super::Lookup::Unknown => Subst::Unknown(key.to_string()),
    }
}

fn literal(text: &str) -> Subst {
    Subst::Done(text.chars().map(Tok::Lit).collect())
}

/// `'default'` with single quotes; anything else is not a default.
fn parse_default(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.to_string())
}

/// The tokens as plain text (for exact comparisons, where `*` is just a character).
pub fn render(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star => '*',
            Tok::Qmark => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{ContextValue, Ctx};
    use std::collections::HashMap;

    fn ctx(pairs: &[(&str, &str)], complete: bool) -> Ctx {
        let map: HashMap<String, ContextValue> =
            pairs.iter().map(|(k, v)| (k.to_string(), ContextValue::from(*v))).collect();
        Ctx::new(&map, complete)
    }

    #[test]
    fn substitutes_username() {
        let c = ctx(&[("aws:username", "alice")], true);
        let s = substitute("arn:aws:s3:::home/${aws:username}/*", &c, true);
        let Subst::Done(t) = s else { panic!() };
        assert_eq!(render(&t), "arn:aws:s3:::home/alice/*");
        assert_eq!(*t.last().unwrap(), Tok::Star);
    }

    #[test]
    fn escapes_are_literal() {
        let c = ctx(&[], true);
        let Subst::Done(t) = substitute("a${*}b${?}${$}", &c, true) else { panic!() };
        assert_eq!(t[1], Tok::Lit('*'));
        assert_eq!(render(&t), "a*b?$");
    }

    #[test]
    fn defaults_absent_and_unknown() {
        let known = ctx(&[], true);
        let Subst::Done(t) = substitute("${aws:PrincipalTag/team, 'none'}", &known, true) else { panic!() };
        assert_eq!(render(&t), "none");
        assert_eq!(substitute("${aws:username}", &known, true), Subst::Absent);
        let unknown = ctx(&[], false);
        assert_eq!(substitute("${aws:username}", &unknown, true), Subst::Unknown("aws:username".into()));
    }

    #[test]
    fn old_version_is_literal() {
        let c = ctx(&[("aws:username", "alice")], true);
        let Subst::Done(t) = substitute("${aws:username}", &c, false) else { panic!() };
        assert_eq!(render(&t), "${aws:username}");
    }
}
