//! A rule's `detection` section compiled into selections of field tests.
//!
//! A selection that is a map is an AND of its fields; a list of maps is an OR of such ANDs; a
//! list of strings is a keyword search. A field's list of values is an OR, or an AND with
//! `|all`. Everything a value needs (lowercasing, regex, CIDR, base64) is done here, once.

use crate::matcher::{self, Cidr, Cmp, Pattern, Place};
use crate::value::{self, FieldPath, Val};
use crate::yaml::{Node, Pos};
use nextgap_model::event::Event;

/// Why a rule cannot be used.
#[derive(Debug)]
pub enum Problem {
    /// A malformed rule.
    Bad(Pos, String),
    /// A valid rule using a feature this evaluator does not have.
    Unsupported(String),
}

pub fn bad<T>(pos: Pos, message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Bad(pos, message.into()))
}

/// One named selection.
#[derive(Debug)]
pub struct Selection {
    pub name: String,
    pub kind: SelKind,
}

#[derive(Debug)]
pub enum SelKind {
    /// OR of ANDs of field tests.
    Fields(Vec<Vec<FieldTest>>),
    /// Any keyword (each a list of alternative patterns) anywhere in the event.
    Keywords(Vec<Pattern>),
}

/// `field|modifiers: values`.
#[derive(Debug)]
pub struct FieldTest {
    pub path: FieldPath,
    pub tests: Vec<Test>,
    /// `|all`: every value must match, not one.
    pub all: bool,
}

/// One value of a field.
#[derive(Debug)]
pub enum Test {
    /// `null`: absent or null.
    Null,
    /// `|exists: true/false`.
    Exists(bool),
    /// Any of these patterns (several for `|base64offset`).
    Str(Vec<Pattern>),
    /// `|fieldref`: compared with another field of the same event.
    FieldRef { path: FieldPath, place: Place, cased: bool },
}

impl Selection {
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        match &self.kind {
            SelKind::Fields(groups) => groups.iter().any(|g| g.iter().all(|t| t.matches(ev))),
            SelKind::Keywords(patterns) => patterns.iter().any(|p| keyword(ev, p)),
        }
    }
}

/// A keyword is searched in every top-level value of the event.
fn keyword(ev: &Event<'_>, p: &Pattern) -> bool {
    ev.keys().any(|k| ev.raw(k).is_some_and(|raw| value::of(raw.get()).any(&mut |t| p.matches(t))))
}

impl FieldTest {
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        let v = value::resolve(ev, &self.path);
        if self.all {
            self.tests.iter().all(|t| t.matches(&v, ev))
        } else {
            self.tests.iter().any(|t| t.matches(&v, ev))
        }
    }

    /// Rough cost, to test cheap fields first in an AND.
    fn cost(&self) -> u32 {
        let nested = u32::from(self.path.name().contains('.'));
        let kind = self.tests.iter().map(Test::cost).max().unwrap_or(0);
        kind * 2 + nested
    }
}

impl Test {
    fn matches(&self, v: &Val<'_, '_>, ev: &Event<'_>) -> bool {
        match self {
            Test::Null => v.is_null(),
            Test::Exists(want) => v.is_null() != *want,
            Test::Str(patterns) => v.any(&mut |t| patterns.iter().any(|p| p.matches(t))),
            Test::FieldRef { path, place, cased } => {
                let other = value::resolve(ev, path);
                let Some(other) = other.text() else { return false };
                let lit = matcher::Lit::new(&other, *cased);
                v.any(&mut |t| lit.found_in(t, *place))
            }
        }
    }

    fn cost(&self) -> u32 {
        match self {
            Test::Null | Test::Exists(_) => 0,
            Test::Str(ps) if ps.iter().all(|p| matches!(p, Pattern::Lit(..) | Pattern::Any)) => 1,
            Test::Str(_) => 2,
            Test::FieldRef { .. } => 3,
        }
    }
}

/// Compiles one selection (a map, a list of maps, or keywords).
pub fn selection(name: &str, node: &Node) -> Result<Selection, Problem> {
    let kind = match node {
        Node::Map { .. } => SelKind::Fields(vec![group(node)?]),
        Node::Seq { items, pos } if items.is_empty() => return bad(*pos, format!("selection `{name}` is empty")),
        Node::Seq { items, .. } if items.iter().all(|n| matches!(n, Node::Map { .. })) => {
            SelKind::Fields(items.iter().map(group).collect::<Result<_, _>>()?)
        }
        Node::Seq { items, .. } => SelKind::Keywords(items.iter().map(keyword_pattern).collect::<Result<_, _>>()?),
        Node::Scalar { .. } => SelKind::Keywords(vec![keyword_pattern(node)?]),
    };
    Ok(Selection { name: name.to_string(), kind })
}

fn keyword_pattern(node: &Node) -> Result<Pattern, Problem> {
    match node.as_str() {
        Some(text) => Ok(matcher::glob(text, Place::Anywhere, false)),
        None => bad(node.pos(), "a keyword must be a string (or use a map of fields)"),
    }
}

/// A map of fields: all must match.
fn group(node: &Node) -> Result<Vec<FieldTest>, Problem> {
    let Node::Map { entries, pos } = node else { return bad(node.pos(), "expected a map of fields") };
    if entries.is_empty() {
        return bad(*pos, "empty map of fields");
    }
    let mut tests = entries.iter().map(|(key, kpos, value)| field(key, *kpos, value)).collect::<Result<Vec<_>, _>>()?;
    tests.sort_by_key(FieldTest::cost);
    Ok(tests)
}

fn field(key: &str, pos: Pos, node: &Node) -> Result<FieldTest, Problem> {
    let mut parts = key.split('|');
    let name = parts.next().unwrap_or_default();
    if name.is_empty() {
        return bad(pos, format!("`{key}`: keyword modifiers without a field name are not supported"));
    }
    let mods = Mods::parse(parts, pos)?;
    let values = match node {
        Node::Seq { items, pos } if items.is_empty() => {
            return bad(*pos, format!("`{key}` has an empty list of values"))
        }
        Node::Seq { items, .. } => items.iter().collect(),
        Node::Map { pos, .. } => return bad(*pos, format!("`{key}`: a value must be a scalar or a list of scalars")),
        Node::Scalar { .. } => vec![node],
    };
    let tests = values.into_iter().map(|v| mods.test(v)).collect::<Result<_, _>>()?;
    Ok(FieldTest { path: FieldPath::new(name), tests, all: mods.all })
}

/// How base64 modifiers encode a value's text.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// `|utf16`: little-endian with a byte-order mark.
    Utf16Bom,
}

/// A field's modifiers.
#[derive(Default)]
struct Mods {
    place: Option<Place>,
    all: bool,
    cased: bool,
    /// `|re` and its flags (`i`, `m`, `s`).
    re: Option<String>,
    cidr: bool,
    cmp: Option<Cmp>,
    /// `|base64` (false) or `|base64offset` (true).
    base64: Option<bool>,
    encoding: Option<Encoding>,
    fieldref: bool,
    exists: bool,
    pos: Pos,
}

impl Mods {
    fn parse<'a>(names: impl Iterator<Item = &'a str>, pos: Pos) -> Result<Mods, Problem> {
        let mut m = Mods { pos, ..Mods::default() };
        for name in names {
            m.add(name)?;
        }
        m.check()?;
        Ok(m)
    }

    fn add(&mut self, name: &str) -> Result<(), Problem> {
        match name.to_ascii_lowercase().as_str() {
            "contains" => self.set_place(Place::Anywhere)?,
            "startswith" => self.set_place(Place::Start)?,
            "endswith" => self.set_place(Place::End)?,
            "all" => self.all = true,
            "cased" => self.cased = true,
            "re" => self.re = Some(String::new()),
            "i" | "m" | "s" => match &mut self.re {
                Some(flags) => flags.push_str(name),
                None => return bad(self.pos, format!("modifier `{name}` needs `re` before it")),
            },
            "cidr" => self.cidr = true,
            "gt" => self.cmp = Some(Cmp::Gt),
            "gte" => self.cmp = Some(Cmp::Gte),
            "lt" => self.cmp = Some(Cmp::Lt),
            "lte" => self.cmp = Some(Cmp::Lte),
            "base64" => self.base64 = Some(false),
            "base64offset" => self.base64 = Some(true),
            "utf16le" | "wide" => self.encoding = Some(Encoding::Utf16Le),
            "utf16be" => self.encoding = Some(Encoding::Utf16Be),
            "utf16" => self.encoding = Some(Encoding::Utf16Bom),
            "fieldref" => self.fieldref = true,
            "exists" => self.exists = true,
            "expand" => return Err(unsupported("modifier `expand` needs placeholder values from a pipeline")),
            other => return Err(unsupported(&format!("modifier `{other}` is not supported"))),
        }
        Ok(())
    }

    fn set_place(&mut self, place: Place) -> Result<(), Problem> {
        if self.place.is_some_and(|p| p != place) {
            return bad(self.pos, "only one of contains, startswith and endswith may be used");
        }
        self.place = Some(place);
        Ok(())
    }

    /// Modifiers that stand alone (re, cidr, numbers, exists) take no others but `all`.
    fn check(&self) -> Result<(), Problem> {
        let alone = [self.re.is_some(), self.cidr, self.cmp.is_some(), self.exists];
        let shaping = self.place.is_some() || self.base64.is_some() || self.fieldref;
        if alone.iter().filter(|b| **b).count() > 1 || (alone.contains(&true) && shaping) {
            return bad(self.pos, "re, cidr, gt/gte/lt/lte and exists cannot be combined with other modifiers");
        }
        if self.encoding.is_some() && self.base64.is_none() {
            return Err(unsupported("utf16/wide modifiers without base64 are not supported"));
        }
        if self.fieldref && self.base64.is_some() {
            return bad(self.pos, "fieldref cannot be combined with base64");
        }
        Ok(())
    }

    /// Compiles one value.
    fn test(&self, node: &Node) -> Result<Test, Problem> {
        if let Node::Seq { pos, .. } | Node::Map { pos, .. } = node {
            return bad(*pos, "a value must be a scalar");
        }
        let Some(text) = node.as_str() else { return Ok(Test::Null) };
        let invalid = |e: String| Problem::Bad(node.pos(), e);
        if self.exists {
            return match text {
                "true" | "false" => Ok(Test::Exists(text == "true")),
                _ => bad(node.pos(), "exists takes true or false"),
            };
        }
        if self.fieldref {
            let place = self.place.unwrap_or(Place::Whole);
            return Ok(Test::FieldRef { path: FieldPath::new(text), place, cased: self.cased });
        }
        let pattern = if let Some(flags) = &self.re {
            matcher::regex(text, flags).map_err(invalid)?
        } else if self.cidr {
            Pattern::Cidr(Cidr::parse(text).map_err(invalid)?)
        } else if let Some(cmp) = self.cmp {
            matcher::number(text, cmp).map_err(invalid)?
        } else if let Some(offset) = self.base64 {
            return Ok(Test::Str(self.base64_patterns(text, offset)));
        } else {
            matcher::glob(text, self.place.unwrap_or(Place::Whole), self.cased)
        };
        Ok(Test::Str(vec![pattern]))
    }

    /// base64 text is case-sensitive, so it is compared as written.
    fn base64_patterns(&self, text: &str, offset: bool) -> Vec<Pattern> {
        let bytes = encode(text, self.encoding.unwrap_or(Encoding::Utf8));
        let forms = if offset { matcher::base64_offsets(&bytes) } else { vec![matcher::base64(&bytes)] };
        let place = self.place.unwrap_or(Place::Whole);
        forms.iter().map(|f| Pattern::Lit(matcher::Lit::new(f, true), place)).collect()
    }
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Encoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Encoding::Utf16Bom => [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect(),
    }
}

pub fn unsupported(reason: &str) -> Problem {
    Problem::Unsupported(reason.to_string())
}
