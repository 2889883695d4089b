//! One Sigma value, compiled once into the cheapest test that decides it.
//!
//! Most values are literals: `eventName: DeleteTrail` is a case-insensitive comparison with a
//! lowercased literal, `|contains` a case-insensitive substring search, both without
//! allocating for ASCII patterns (all of CloudTrail's names). Only wildcards in the middle of
//! a value and `|re` need a regex, compiled here once.

use regex::{Regex, RegexBuilder};
use std::net::IpAddr;

/// Where a literal must occur in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Whole,
    Start,
    End,
    Anywhere,
}

/// A literal: lowercased unless `cased`.
#[derive(Clone, Debug)]
pub struct Lit {
    text: Box<str>,
    cased: bool,
}

impl Lit {
    pub fn new(text: &str, cased: bool) -> Lit {
        let text = if cased { text.into() } else { text.to_lowercase().into() };
        Lit { text, cased }
    }

    /// The literal as stored (lowercased unless cased).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn found_in(&self, hay: &str, place: Place) -> bool {
        let p = &*self.text;
        if self.cased {
            return find_cased(hay, p, place);
        }
        if p.is_ascii() {
            return find_ascii_ci(hay.as_bytes(), p.as_bytes(), place);
        }
        find_cased(&hay.to_lowercase(), p, place)
    }
}

fn find_cased(hay: &str, p: &str, place: Place) -> bool {
    match place {
        Place::Whole => hay == p,
        Place::Start => hay.starts_with(p),
        Place::End => hay.ends_with(p),
        Place::Anywhere => memchr::memmem::find(hay.as_bytes(), p.as_bytes()).is_some(),
    }
}

/// Case-insensitive search of an ASCII (lowercase) needle. Non-ASCII bytes of the haystack
/// never equal ASCII ones, so comparing bytes is exact for ASCII needles.
fn find_ascii_ci(hay: &[u8], needle: &[u8], place: Place) -> bool {
    if hay.len() < needle.len() {
        return false;
    }
    match place {
        Place::Whole => hay.eq_ignore_ascii_case(needle),
        Place::Start => hay[..needle.len()].eq_ignore_ascii_case(needle),
        Place::End => hay[hay.len() - needle.len()..].eq_ignore_ascii_case(needle),
        Place::Anywhere => contains_ascii_ci(hay, needle),
    }
}

fn contains_ascii_ci(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    let last_start = hay.len() - needle.len();
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut i = 0;
    while i <= last_start {
        match memchr::memchr2(lo, up, &hay[i..=last_start]) {
            Some(k) => {
                let j = i + k;
                if hay[j..j + needle.len()].eq_ignore_ascii_case(needle) {
                    return true;
                }
                i = j + 1;
            }
            None => return false,
        }
    }
    false
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

/// A compiled value.
#[derive(Clone, Debug)]
pub enum Pattern {
    /// `*`: any value at all.
    Any,
    Lit(Lit, Place),
    Regex(Regex),
    Cidr(Cidr),
    Num(Cmp, f64),
}

impl Pattern {
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Lit(lit, place) => lit.found_in(text, *place),
            Pattern::Regex(re) => re.is_match(text),
            Pattern::Cidr(cidr) => cidr.contains(text),
            Pattern::Num(cmp, n) => text.trim().parse::<f64>().is_ok_and(|v| compare(*cmp, v, *n)),
        }
    }

    /// The literal an event's field must equal (lowercased), when that is all this tests.
    pub fn exact(&self) -> Option<&Lit> {
        match self {
            Pattern::Lit(lit, Place::Whole) => Some(lit),
            _ => None,
        }
    }
}

fn compare(cmp: Cmp, v: f64, n: f64) -> bool {
    match cmp {
        Cmp::Gt => v > n,
        Cmp::Gte => v >= n,
        Cmp::Lt => v < n,
        Cmp::Lte => v <= n,
    }
}

/// A piece of a Sigma string value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Char(char),
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    One,
}

/// `\*`, `\?` and `\\` escape; any other backslash is a literal one (Sigma's rule).
fn tokenize(value: &str) -> Vec<Tok> {
    let mut toks = Vec::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let tok = match c {
            '\\' => match chars.peek() {
                Some(&e @ ('*' | '?' | '\\')) => {
                    chars.next();
                    Tok::Char(e)
                }
                _ => Tok::Char('\\'),
            },
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Char(c),
        };
        if !(tok == Tok::Star && toks.last() == Some(&Tok::Star)) {
            toks.push(tok);
        }
    }
    toks
}

/// A Sigma string value (with wildcards) that must occur at `place`.
pub fn glob(value: &str, place: Place, cased: bool) -> Pattern {
    let mut toks = tokenize(value);
    if matches!(place, Place::Anywhere | Place::End) && toks.first() != Some(&Tok::Star) {
        toks.insert(0, Tok::Star);
    }
    if matches!(place, Place::Anywhere | Place::Start) && toks.last() != Some(&Tok::Star) {
        toks.push(Tok::Star);
    }
    if toks == [Tok::Star] {
        return Pattern::Any;
    }
    let lead = toks.first() == Some(&Tok::Star);
    let trail = toks.len() > 1 && toks.last() == Some(&Tok::Star);
    let inner = &toks[usize::from(lead)..toks.len() - usize::from(trail)];
    let chars: Option<String> = inner.iter().map(|t| if let Tok::Char(c) = t { Some(*c) } else { None }).collect();
    match (chars, lead, trail) {
        (Some(lit), false, false) => Pattern::Lit(Lit::new(&lit, cased), Place::Whole),
        (Some(lit), false, true) => Pattern::Lit(Lit::new(&lit, cased), Place::Start),
        (Some(lit), true, false) => Pattern::Lit(Lit::new(&lit, cased), Place::End),
        (Some(lit), true, true) => Pattern::Lit(Lit::new(&lit, cased), Place::Anywhere),
        (None, ..) => Pattern::Regex(glob_regex(&toks, cased)),
    }
}

fn glob_regex(toks: &[Tok], cased: bool) -> Regex {
    let mut re = String::from(if cased { "(?s)^" } else { "(?si)^" });
    for tok in toks {
        match tok {
            Tok::Char(c) => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
            Tok::Star => re.push_str(".*"),
            Tok::One => re.push('.'),
        }
    }
    re.push('$');
    // Built from escaped characters only, so it always compiles (size aside).
    RegexBuilder::new(&re).build().unwrap_or_else(|_| never())
}

/// A regex that matches nothing (for a glob too large to compile).
fn never() -> Regex {
    Regex::new(r"[^\s\S]").expect("static regex")
}

/// `|re` (case-sensitive unless `(?i)` or the `|i` sub-modifier).
pub fn regex(value: &str, flags: &str) -> Result<Pattern, String> {
    let pattern = if flags.is_empty() { value.to_string() } else { format!("(?{flags}){value}") };
    RegexBuilder::new(&pattern)
        .size_limit(1 << 22)
        .build()
        .map(Pattern::Regex)
        .map_err(|e| format!("invalid regular expression: {e}"))
}

/// `|gt` … `|lte`.
pub fn number(value: &str, cmp: Cmp) -> Result<Pattern, String> {
    value.trim().parse::<f64>().map(|n| Pattern::Num(cmp, n)).map_err(|_| format!("`{value}` is not a number"))
}

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fd00::/8`, or one address).
#[derive(Clone, Copy, Debug)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let bad = || format!("`{text}` is not a CIDR network");
        let (addr, bits) = match text.trim().split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
            None => (text.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        if bits > max {
            return Err(bad());
        }
        Ok(Cidr { net, bits })
    }

    pub fn contains(&self, text: &str) -> bool {
        let Ok(ip) = text.trim().parse::<IpAddr>() else { return false };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(u32::from(n).into(), u32::from(a).into(), self.bits, 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(u128::from(n), u128::from(a), self.bits, 128),
            _ => false,
        }
    }
}

fn prefix_eq(net: u128, addr: u128, bits: u8, width: u32) -> bool {
    let shift = width - u32::from(bits);
    shift == width || (net >> shift) == (addr >> shift)
}

/// Standard base64 (with padding) of `bytes`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The three base64 forms `bytes` takes inside a longer base64 text, whatever its offset
/// (Sigma's `|base64offset`): the parts that do not depend on the neighbouring bytes.
pub fn base64_offsets(bytes: &[u8]) -> Vec<String> {
    const START: [usize; 3] = [0, 2, 3];
    const END: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|i| {
            let mut shifted = vec![b' '; i];
            shifted.extend_from_slice(bytes);
            let encoded = base64(&shifted);
            let cut = END[(bytes.len() + i) % 3];
            encoded.get(START[i]..encoded.len() - cut).unwrap_or_default().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_ignore_case() {
        assert!(glob("DeleteTrail", Place::Whole, false).matches("deletetrail"));
        assert!(!glob("DeleteTrail", Place::Whole, false).matches("DeleteTrails"));
        assert!(
            glob("Jersey/${project.version}", Place::Anywhere, false).matches("aws-sdk Jersey/${PROJECT.version} x")
        );
        assert!(glob("abc", Place::Start, false).matches("ABCd"));
        assert!(glob("abc", Place::End, false).matches("xAbC"));
        assert!(!glob("abc", Place::End, false).matches("ab"));
        assert!(glob("ÄBC", Place::Anywhere, false).matches("xäbcx"));
        assert!(!glob("Abc", Place::Whole, true).matches("abc"));
    }

    #[test]
    fn wildcards_and_escapes() {
        assert!(matches!(glob("*", Place::Whole, false), Pattern::Any));
        assert!(matches!(glob("", Place::Anywhere, false), Pattern::Any));
        assert!(glob("list*", Place::Whole, false).matches("ListBuckets"));
        assert!(glob("a?c*z", Place::Whole, false).matches("AbCxyZ"));
        assert!(!glob("a?c*z", Place::Whole, false).matches("acz"));
        assert!(glob(r"a\*b", Place::Whole, false).matches("a*b"));
        assert!(!glob(r"a\*b", Place::Whole, false).matches("axb"));
        assert!(glob(r"a\?", Place::Whole, false).matches("a?"));
        assert!(glob(r"c:\windows\\*", Place::Whole, false).matches(r"C:\Windows\x"));
        assert!(glob(r"a\b", Place::Whole, false).matches(r"a\b"));
        assert!(glob(".+[", Place::Anywhere, false).matches("x.+[y"));
    }

    #[test]
    fn regex_numbers_cidr() {
        let re = regex(".+:assumed-role/aws:.+", "").unwrap();
        assert!(re.matches("arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"));
        assert!(!regex("abc", "").unwrap().matches("ABC"));
        assert!(regex("abc", "i").unwrap().matches("ABC"));
        assert!(regex("(", "").is_err());
        assert!(number("5", Cmp::Gt).unwrap().matches("5.5"));
        assert!(!number("5", Cmp::Lt).unwrap().matches("x"));
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3") && !net.contains("11.0.0.1") && !net.contains("::1"));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8"));
        assert!(Cidr::parse("fd00::/8").unwrap().contains("fd12::1"));
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("x/1").is_err());
    }

    #[test]
    fn base64_forms() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64_offsets(b"http://"), ["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"]);
    }
}
