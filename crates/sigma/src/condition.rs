//! `condition:` text → a boolean tree over selection indices.
//!
//! Grammar (Sigma 2.0, single-event part): `or` binds loosest, then `and`, then `not`;
//! parentheses; `1 of X*`, `all of X*`, `N of X*` and `... of them` expand to the selections
//! they name at load time, so evaluation never looks at names. A `|` starts an aggregation
//! (`| count() by x > 5`, `| near`), which counts over many events: reported as unsupported.

use crate::detection::{bad, unsupported, Problem, Selection};
use crate::yaml::Pos;
use nextgap_model::event::Event;

/// Deepest nesting of parentheses / `not` accepted.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Sel(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// At least `n` of these.
    AtLeast(usize, Vec<Cond>),
}

impl Cond {
    pub fn eval(&self, sels: &[Selection], ev: &Event<'_>) -> bool {
        match self {
            Cond::Sel(i) => sels[*i].matches(ev),
            Cond::Not(c) => !c.eval(sels, ev),
            Cond::And(cs) => cs.iter().all(|c| c.eval(sels, ev)),
            Cond::Or(cs) => cs.iter().any(|c| c.eval(sels, ev)),
            Cond::AtLeast(n, cs) => cs.iter().filter(|c| c.eval(sels, ev)).take(*n).count() == *n,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Open,
    Close,
    Word(&'a str),
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { return toks };
        if c == '(' || c == ')' {
            toks.push(if c == '(' { Tok::Open } else { Tok::Close });
            rest = &rest[1..];
            continue;
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '(' || c == ')').unwrap_or(rest.len());
        toks.push(Tok::Word(&rest[..end]));
        rest = &rest[end..];
    }
}

/// Parses `text` (at `pos`) against the rule's selection names.
pub fn parse(text: &str, pos: Pos, names: &[&str]) -> Result<Cond, Problem> {
    if let Some((_, agg)) = text.split_once('|') {
        let reason = format!(
            "aggregation `| {}` counts or correlates several events; only single-event rules are evaluated",
            agg.trim()
        );
        return Err(unsupported(&reason));
    }
    let toks = tokenize(text);
    let mut p = CondParser { toks: &toks, at: 0, names, pos, text, depth: 0 };
    let cond = p.or()?;
    match p.peek() {
        None => Ok(cond),
        Some(t) => p.fail(&format!("unexpected {}", describe(t))),
    }
}

fn describe(t: Tok<'_>) -> String {
    match t {
        Tok::Open => "`(`".into(),
        Tok::Close => "`)`".into(),
        Tok::Word(w) => format!("`{w}`"),
    }
}

struct CondParser<'a, 't> {
    toks: &'t [Tok<'a>],
    at: usize,
    names: &'t [&'t str],
    pos: Pos,
    text: &'t str,
    depth: usize,
}

impl<'a> CondParser<'a, '_> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.at).copied()
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        let t = self.peek();
        self.at += 1;
        t
    }

    fn fail<T>(&self, what: &str) -> Result<T, Problem> {
        bad(self.pos, format!("condition `{}`: {what}", self.text))
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Cond, Problem> {
        let mut items = vec![self.and()?];
        while self.keyword("or") {
            self.at += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Cond::Or(items) })
    }

    fn and(&mut self) -> Result<Cond, Problem> {
        let mut items = vec![self.not()?];
        while self.keyword("and") {
            self.at += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Cond::And(items) })
    }

    fn not(&mut self) -> Result<Cond, Problem> {
        if self.keyword("not") {
            self.at += 1;
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Cond::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn deeper(&mut self) -> Result<(), Problem> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(&format!("nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Cond, Problem> {
        match self.next() {
            Some(Tok::Open) => {
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some(Tok::Close) => Ok(inner),
                    _ => self.fail("missing `)`"),
                }
            }
            Some(Tok::Word(w)) if self.keyword("of") => {
                self.at += 1;
                self.quantified(w)
            }
            Some(Tok::Word(w)) => self.selection(w),
            Some(Tok::Close) => self.fail("unexpected `)`"),
            None => self.fail("ends too early"),
        }
    }

    fn selection(&self, name: &str) -> Result<Cond, Problem> {
        if ["and", "or", "not", "of", "them"].iter().any(|k| name.eq_ignore_ascii_case(k)) {
            return self.fail(&format!("unexpected `{name}`"));
        }
        match self.names.iter().position(|n| *n == name) {
            Some(i) => Ok(Cond::Sel(i)),
            None => self.fail(&format!("no selection named `{name}`")),
        }
    }

    /// `1 of X*`, `all of them`, `2 of filter_*`.
    fn quantified(&mut self, quantity: &str) -> Result<Cond, Problem> {
        let target = match self.next() {
            Some(Tok::Word(w)) => w,
            _ => return self.fail(&format!("`{quantity} of` needs a selection name, pattern or `them`")),
        };
        let picked: Vec<Cond> =
            (0..self.names.len()).filter(|i| self.picks(target, self.names[*i])).map(Cond::Sel).collect();
        if picked.is_empty() {
            return self.fail(&format!("`{target}` names no selection"));
        }
        let n = match quantity.to_ascii_lowercase().as_str() {
            "all" => picked.len(),
            "any" => 1,
            q => match q.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => return self.fail(&format!("`{quantity} of`: expected 1, all or a count")),
            },
        };
        Ok(match n {
            1 => Cond::Or(picked),
            n if n == picked.len() => Cond::And(picked),
            n => Cond::AtLeast(n, picked),
        })
    }

    /// `them` is every selection not starting with `_`; `*` in a pattern is any run.
    fn picks(&self, target: &str, name: &str) -> bool {
        if target.eq_ignore_ascii_case("them") {
            return !name.starts_with('_');
        }
        wildcard(target.as_bytes(), name.as_bytes())
    }
}

/// `*` glob over selection names (case-sensitive, like the names themselves). Greedy with
/// one backtrack point, so a pattern full of stars costs O(pattern × name), not exponential.
fn wildcard(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if p.get(pi) == Some(&b'*') {
            star = Some((pi, si));
            pi += 1;
        } else if p.get(pi) == Some(&s[si]) {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi.min(p.len())..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = ["selection", "filter_a", "filter_b", "_hidden", "other"];

    fn p(text: &str) -> Result<Cond, Problem> {
        parse(text, Pos::default(), &NAMES)
    }

    #[test]
    fn precedence_and_groups() {
        use Cond::*;
        assert_eq!(
            p("selection and not filter_a or other").unwrap(),
            Or(vec![And(vec![Sel(0), Not(Box::new(Sel(1)))]), Sel(4)])
        );
        assert_eq!(p("selection and (filter_a or other)").unwrap(), And(vec![Sel(0), Or(vec![Sel(1), Sel(4)])]));
        assert_eq!(p("1 of filter_*").unwrap(), Or(vec![Sel(1), Sel(2)]));
        assert_eq!(p("all of filter_*").unwrap(), And(vec![Sel(1), Sel(2)]));
        assert_eq!(p("all of them").unwrap(), And(vec![Sel(0), Sel(1), Sel(2), Sel(4)]));
        assert_eq!(p("2 of them").unwrap(), AtLeast(2, vec![Sel(0), Sel(1), Sel(2), Sel(4)]));
        assert_eq!(p("not not selection").unwrap(), Not(Box::new(Not(Box::new(Sel(0))))));
    }

    #[test]
    fn errors() {
        for text in ["selection and", "(selection", "selection)", "nosuch", "1 of x*", "of them", "selection other", ""]
        {
            assert!(matches!(p(text), Err(Problem::Bad(..))), "{text}");
        }
        assert!(
            matches!(p("selection | count() by x > 5"), Err(Problem::Unsupported(r)) if r.contains("count() by x > 5"))
        );
        assert!(wildcard(b"f*_*b", b"filter_b") && !wildcard(b"f*_*b", b"filter_a"));
        assert!(!wildcard(&[b'*', b'a'].repeat(50), &[b'a'; 40]) && wildcard(&[b'*', b'a'].repeat(30), &[b'a'; 40]));
        let deep = format!("{}selection{}", "(".repeat(200), ")".repeat(200));
        assert!(matches!(p(&deep), Err(Problem::Bad(..))));
    }
}
