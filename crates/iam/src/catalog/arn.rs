//! Matching a policy's resource ARN against the ARN pattern of a resource type.

/// One position of an ARN pattern: a character, any one character, or any run of characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    One(Class),
    Star(Class),
}

/// What a wildcard may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Any,
    /// Anything but `:` (a placeholder in the partition, service, region or account field).
    NoColon,
    /// Anything but `/` and `:` (an S3 bucket name: `arn:aws:s3:::bucket/*` names objects,
    /// not the bucket).
    Name,
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Any => true,
            Class::NoColon => c != b':',
            Class::Name => c != b':' && c != b'/',
        }
    }
}

/// Whether a policy resource ARN (with `*`, `?` and `${policy:variables}`, which stand for
/// any value) and a resource type's ARN pattern (with `${Placeholder}`s, each standing for a
/// non-empty value) can name the same ARN, compared ASCII case-insensitively.
///
/// Placeholders of the partition, service, region and account fields never hold a `:`; those
/// of the resource field may span `/` and `:` (`${RoleNameWithPath}`, a Lambda function's
/// `name:qualifier`), except `${BucketName}`-like ones, which hold neither. The answer is
/// whether the two patterns have a string in common (a product of the two automata), so
/// `arn:aws:s3:::my-*` can name a bucket and an object alike.
pub fn arn_pattern_matches(resource_type_arn: &str, policy_arn: &str) -> bool {
    let a = template_tokens(resource_type_arn);
    let b = policy_tokens(policy_arn.trim());
    intersects(&a, &b)
}

fn template_tokens(template: &str) -> Vec<Tok> {
    let bytes = template.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    // Colons seen outside placeholders: the resource field starts after the fifth.
    let mut colons = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            let end = template[i..].find('}').map_or(bytes.len(), |e| i + e);
            let name = &template[i + 2..end.min(bytes.len())];
            let class = if name.to_ascii_lowercase().ends_with("bucketname") {
                Class::Name
            } else if colons < 5 {
                Class::NoColon
            } else {
                Class::Any
            };
            out.push(Tok::One(class));
            out.push(Tok::Star(class));
            i = end + 1;
        } else {
            colons += usize::from(bytes[i] == b':');
            out.push(match bytes[i] {
                b'*' => Tok::Star(Class::Any),
                b'?' => Tok::One(Class::Any),
                c => Tok::Lit(c.to_ascii_lowercase()),
            });
            i += 1;
        }
    }
    out
}

fn policy_tokens(arn: &str) -> Vec<Tok> {
    let bytes = arn.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            let end = arn[i..].find('}').map_or(bytes.len(), |e| i + e);
            match &arn[i + 2..end.min(bytes.len())] {
                // Escapes of the special characters.
                "*" => out.push(Tok::Lit(b'*')),
                "?" => out.push(Tok::Lit(b'?')),
                "$" => out.push(Tok::Lit(b'$')),
                // A policy variable: its value is not known here.
                _ => out.push(Tok::Star(Class::Any)),
            }
            i = end + 1;
        } else {
            out.push(match bytes[i] {
                b'*' => Tok::Star(Class::Any),
                b'?' => Tok::One(Class::Any),
                c => Tok::Lit(c.to_ascii_lowercase()),
            });
            i += 1;
        }
    }
    out
}

/// Whether two single-character positions can be the same character.
fn compatible(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(x), Tok::One(c) | Tok::Star(c)) | (Tok::One(c) | Tok::Star(c), Tok::Lit(x)) => c.allows(x),
        // Two classes always share a character (`a`).
        _ => true,
    }
}

/// Whether the languages of two token strings intersect: reachability of the end in the
/// product automaton (a star's self-loop never helps reach the end, so only its exit and the
/// other side's single characters are followed).
fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let idx = i * (m + 1) + j;
        if seen[idx] {
            continue;
        }
        seen[idx] = true;
        if i == n && j == m {
            return true;
        }
        let ai = a.get(i).copied();
        let bj = b.get(j).copied();
        if let Some(Tok::Star(_)) = ai {
            stack.push((i + 1, j));
        }
        if let Some(Tok::Star(_)) = bj {
            stack.push((i, j + 1));
        }
        if let (Some(x), Some(y)) = (ai, bj) {
            match (x, y) {
                (Tok::Star(_), Tok::Star(_)) => {}
                (Tok::Star(_), single) => {
                    if compatible(x, single) {
                        stack.push((i, j + 1));
                    }
                }
                (single, Tok::Star(_)) => {
                    if compatible(single, y) {
                        stack.push((i + 1, j));
                    }
                }
                _ => {
                    if compatible(x, y) {
                        stack.push((i + 1, j + 1));
                    }
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::arn_pattern_matches as m;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn s3_bucket_and_object() {
        assert!(m(BUCKET, "arn:aws:s3:::my-bucket"));
        assert!(!m(BUCKET, "arn:aws:s3:::my-bucket/*"));
        assert!(!m(OBJECT, "arn:aws:s3:::my-bucket"));
        assert!(m(OBJECT, "arn:aws:s3:::my-bucket/*"));
        assert!(m(OBJECT, "arn:aws:s3:::my-bucket/a/b.txt"));
        assert!(m(BUCKET, "arn:aws:s3:::my-*"));
        assert!(m(OBJECT, "arn:aws:s3:::my-*"));
        assert!(m(BUCKET, "*"));
        assert!(m(OBJECT, "arn:aws:s3:::*"));
        assert!(m(BUCKET, "arn:aws-cn:s3:::b"));
        assert!(!m(BUCKET, "arn:aws:s3:us-east-1::b"), "S3 bucket ARNs have no region");
        assert!(!m(BUCKET, "arn:aws:s3:::"), "placeholders are not empty");
        assert!(!m(BUCKET, "arn:aws:s3:::b/*:s3:::c"), "the partition holds no colon");
        assert!(m(BUCKET, "arn:*"));
        assert!(m(OBJECT, "arn:*:s3:::b/k"));
    }

    #[test]
    fn other_services_and_variables() {
        assert!(m(ROLE, "arn:aws:iam::123456789012:role/path/admin"));
        assert!(m(ROLE, "arn:aws:iam::*:role/*"));
        assert!(m(ROLE, "ARN:AWS:IAM::123456789012:ROLE/X"));
        assert!(!m(ROLE, "arn:aws:iam::123456789012:user/alice"));
        assert!(!m(ROLE, "arn:aws:s3:::bucket"));
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(m(user, "arn:aws:iam::123456789012:user/${aws:username}"));
        assert!(m(user, "arn:aws:iam::12345678901?:user/a"));
        assert!(!m(user, "arn:aws:iam::123456789012:user${*}"));
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        assert!(m(function, "arn:aws:lambda:eu-west-1:123456789012:function:f:prod"));
        assert!(!m(function, "arn:aws:lambda:eu-west-1:123456789012:layer:f"));
    }
}
