//! Wildcard matching of actions (case-insensitive), resources and ARNs (case-sensitive) and
//! principals.

use super::policy::{Patterns, PrincipalSpec};
use super::variables::{substitute, Subst, Tok};
use super::{Ctx, Truth};

/// Glob match of `toks` (`*` any run, `?` one character) against `text`. Iterative with
/// backtracking to the last star, so it is linear-ish and cannot blow the stack.
pub fn glob(toks: &[Tok], text: &str, ignore_case: bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Tok::Qmark) => (p, t) = (p + 1, t + 1),
            Some(Tok::Lit(c)) if eq(*c, text[t]) => (p, t) = (p + 1, t + 1),
            _ => match star {
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    (p, t) = (sp + 1, st + 1);
                }
                None => return false,
            },
        }
    }
    toks[p.min(toks.len())..].iter().all(|t| *t == Tok::Star)
}

/// Glob match of a plain pattern (no variables). ASCII inputs, nearly all IAM text, take an
/// allocation-free path over bytes; evaluation runs this in the graph's inner loop.
pub fn glob_str(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if !(pattern.is_ascii() && text.is_ascii()) {
        return glob(&tokens(pattern), text, ignore_case);
    }
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b };
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some(b'*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == b'?' || eq(c, t[j]) => (i, j) = (i + 1, j + 1),
            _ => match star {
                Some((si, sj)) => {
                    star = Some((si, sj + 1));
                    (i, j) = (si + 1, sj + 1);
                }
                None => return false,
            },
        }
    }
    p[i.min(p.len())..].iter().all(|c| *c == b'*')
}

/// A plain pattern (no variables) as tokens.
pub fn tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::Qmark,
            c => Tok::Lit(c),
        })
        .collect()
}

/// Whether `Action`/`NotAction` covers `action`. Actions take no variables.
pub fn action_matches(set: &Patterns, action: &str) -> bool {
    let hit = set.values.iter().any(|p| glob_str(p, action, true));
    hit != set.negated
}

/// Whether `Resource`/`NotResource` covers `resource`; variables may make it unknown.
pub fn resource_matches(set: &Patterns, resource: &str, ctx: &Ctx, vars: bool) -> Truth {
    let mut unknown = Vec::new();
    let mut hit = false;
    for pattern in &set.values {
        if !(vars && pattern.contains("${")) {
            hit |= glob_str(pattern, resource, false);
            continue;
        }
        match substitute(pattern, ctx, vars) {
            Subst::Done(toks) if glob(&toks, resource, false) => hit = true,
            Subst::Done(_) | Subst::Absent => {}
            Subst::Unknown(key) => unknown.push(key),
        }
    }
    match (hit, unknown.is_empty()) {
        (true, _) => Truth::from(!set.negated),
        (false, true) => Truth::from(set.negated),
        (false, false) => Truth::Maybe(unknown),
    }
}

/// How a resource policy's `Principal` named the caller; this decides whether the grant
/// stands on its own in the same account (see `evaluate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// The account (`123456789012`, `arn:aws:iam::123456789012:root`): the account delegates
    /// to its own IAM, so the caller's identity policies must also allow.
    Account,
    /// The role of a role session: the grant is still limited by boundary and session policy.
    Role,
    /// The caller itself (user ARN, session ARN, service, `*`).
    Direct,
}

/// Matches the caller against a statement's `Principal`/`NotPrincipal`.
pub fn principal_matches(spec: &PrincipalSpec, caller: &str) -> Option<PrincipalMatch> {
    let hit = if spec.everyone { Some(PrincipalMatch::Direct) } else { best_match(spec, caller) };
    match (spec.negated, hit) {
        (false, hit) => hit,
        (true, Some(_)) => None,
        // NotPrincipal: everyone not listed, which names the caller directly.
        (true, None) => Some(PrincipalMatch::Direct),
    }
}

fn best_match(spec: &PrincipalSpec, caller: &str) -> Option<PrincipalMatch> {
    let direct =
        spec.service.iter().chain(&spec.federated).chain(&spec.canonical_user).any(|p| glob_str(p, caller, false));
    if direct {
        return Some(PrincipalMatch::Direct);
    }
    spec.aws.iter().filter_map(|p| aws_match(p, caller)).max()
}

/// One `AWS` principal value against the caller ARN.
fn aws_match(pattern: &str, caller: &str) -> Option<PrincipalMatch> {
    if glob_str(pattern, caller, false) {
        return Some(PrincipalMatch::Direct);
    }
    let account = account_of(caller)?;
    let is_account = pattern == account || (pattern.ends_with(":root") && account_of(pattern) == Some(account));
    if is_account {
        return Some(PrincipalMatch::Account);
    }
    let role = session_role(caller)?;
    glob_str(pattern, &role, false).then_some(PrincipalMatch::Role)
}

/// The account id field of an ARN.
pub fn account_of(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then_some(account)
}

/// `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R` (roles with paths lose the
/// path in session ARNs; a policy naming the role with its path is matched by name only).
pub fn session_role(caller: &str) -> Option<String> {
    let parts: Vec<&str> = caller.splitn(6, ':').collect();
    let [arn, partition, "sts", _, account, rest] = parts.as_slice() else {
        return None;
    };
    let role = rest.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("{arn}:{partition}:iam::{account}:role/{role}"))
}

/// Whether the caller is the root user of its account.
pub fn is_root(caller: &str) -> bool {
    caller.starts_with("arn:") && caller.ends_with(":root") && caller.split(':').count() == 6
}

/// `ArnLike`/`ArnEquals`: the six ARN fields are compared one by one, each with wildcards;
/// the resource field keeps its colons.
pub fn arn_like(pattern: &[Tok], value: &str) -> bool {
    let fields: Vec<&str> = value.splitn(6, ':').collect();
    let pattern_fields = split_tokens(pattern);
    if fields.len() != 6 || pattern_fields.len() != 6 {
        return false;
    }
    pattern_fields.iter().zip(fields).all(|(p, v)| glob(p, v, false))
}

/// Splits tokens on the first five literal colons.
fn split_tokens(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if *t == Tok::Lit(':') && out.len() < 5 {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    out.push(&toks[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(values: &[&str], negated: bool) -> Patterns {
        Patterns { values: values.iter().map(|s| s.to_string()).collect(), negated }
    }

    #[test]
    fn glob_wildcards() {
        assert!(glob(&tokens("s3:Get*"), "s3:GetObject", false));
        assert!(glob(&tokens("a?c"), "abc", false));
        assert!(!glob(&tokens("a?c"), "ac", false));
        assert!(glob(&tokens("*a*b*"), "xxaxxbxx", false));
        assert!(!glob(&tokens("*a*b"), "xxaxxbxx", false));
        assert!(glob(&tokens(""), "", false));
        assert!(glob(&tokens("**"), "", false));
    }

    #[test]
    fn byte_glob_agrees_with_token_glob() {
        let texts = ["", "a", "abc", "s3:GetObject", "xxaxxbxx", "é", "a*b"];
        let patterns = ["", "*", "?", "a?c", "*a*b*", "*a*b", "s3:get*", "S3:*Object", "**", "é*", "a*b"];
        for p in patterns {
            for t in texts {
                for ic in [false, true] {
                    assert_eq!(glob_str(p, t, ic), glob(&tokens(p), t, ic), "{p} {t} {ic}");
                }
            }
        }
    }

    #[test]
    fn actions_ignore_case_and_not_action_negates() {
        assert!(action_matches(&set(&["S3:getobject"], false), "s3:GetObject"));
        assert!(!action_matches(&set(&["iam:*"], true), "iam:CreateUser"));
        assert!(action_matches(&set(&["iam:*"], true), "ec2:RunInstances"));
    }

    #[test]
    fn resources_are_case_sensitive() {
        let ctx = Ctx::empty(true);
        let s = set(&["arn:aws:s3:::Bucket/*"], false);
        assert_eq!(resource_matches(&s, "arn:aws:s3:::bucket/k", &ctx, true), Truth::No);
        assert_eq!(resource_matches(&s, "arn:aws:s3:::Bucket/k", &ctx, true), Truth::Yes);
    }

    #[test]
    fn principal_forms() {
        let spec = |aws: &[&str]| PrincipalSpec {
            aws: aws.iter().map(|s| s.to_string()).collect(),
            ..PrincipalSpec::default()
        };
        let alice = "arn:aws:iam::111122223333:user/alice";
        let m = |p: &[&str], c| principal_matches(&spec(p), c);
        assert_eq!(m(&[alice], alice), Some(PrincipalMatch::Direct));
        assert_eq!(m(&["111122223333"], alice), Some(PrincipalMatch::Account));
        assert_eq!(m(&["arn:aws:iam::111122223333:root"], alice), Some(PrincipalMatch::Account));
        assert_eq!(m(&["arn:aws:iam::444455556666:root"], alice), None);
        let session = "arn:aws:sts::111122223333:assumed-role/r/s";
        assert_eq!(m(&["arn:aws:iam::111122223333:role/r"], session), Some(PrincipalMatch::Role));
        let mut not = spec(&[alice]);
        not.negated = true;
        assert_eq!(principal_matches(&not, alice), None);
        assert_eq!(principal_matches(&not, session), Some(PrincipalMatch::Direct));
    }

    #[test]
    fn arn_fields() {
        assert!(arn_like(&tokens("arn:aws:iam::*:role/*"), "arn:aws:iam::1:role/a:b"));
        assert!(!arn_like(&tokens("arn:aws:iam::*:role/*"), "arn:aws:s3:::b"));
        assert!(!arn_like(&tokens("arn:*"), "arn:aws:s3:::b"));
        assert!(is_root("arn:aws:iam::111122223333:root"));
        assert!(!is_root("arn:aws:iam::111122223333:user/root"));
    }
}
