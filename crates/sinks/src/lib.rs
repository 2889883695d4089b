//! nextgap's outputs. Every sink renders the same [`Report`]; none of them adds data the
//! report does not hold (evidence is redacted by the rules, and sinks never dump raw
//! properties), and none of them writes anything that changes between two runs over the same
//! input (no timestamps, no durations, no random ids).
//!
//! - [`write_text`]: for people, grouped by file, `path:line:col` first so terminals and
//!   editors make it clickable.
//! - [`write_json`]: the report as is; the contract is `docs/json-schema.md` and
//!   `docs/report.schema.json`.
//! - [`write_sarif`]: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//! - [`write_junit`]: JUnit XML, one test suite per file, for CI dashboards.

mod json;
mod junit;
mod sarif;
mod text;
mod trail;
pub mod wargame;

pub use json::write_json;
pub use junit::{write_junit, write_junit_scanned, CLEAN_SUITE};
pub use sarif::{security_severity, write_sarif, SARIF_SCHEMA_URI};
pub use text::{write_text, TextOptions};
pub use trail::{write_csv, write_jsonl_finding, write_timeline, CSV_HEADER};

use nextgap_findings::Report;
use nextgap_rules::Rule;
use std::fmt;
use std::io::Write;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Junit];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }

    /// `text`, `json`, `sarif` or `junit`, case-insensitively (`xml` is taken for `junit`).
    pub fn parse(s: &str) -> Option<Format> {
        if s.eq_ignore_ascii_case("xml") {
            return Some(Format::Junit);
        }
        Format::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(s))
    }

    /// The usual file extension for this format (`sarif` for SARIF, as GitHub expects).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "xml",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s).ok_or_else(|| format!("unknown format `{s}` (text, json, sarif, junit)"))
    }
}

/// Writes `report` in `format`; `rules` is only read by SARIF and `text` only by text.
pub fn write(
    format: Format,
    report: &Report,
    rules: &[&Rule],
    text: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => write_text(report, text, out),
        Format::Json => write_json(report, out),
        Format::Sarif => write_sarif(report, rules, out),
        Format::Junit => write_junit(report, out),
    }
}

/// The name a finding's location goes by: its file, else its ARN (live findings), else its
/// logical id.
pub(crate) fn location_name(loc: &nextgap_findings::Location) -> &str {
    if !loc.file.is_empty() {
        &loc.file
    } else if let Some(arn) = loc.arn.as_deref().filter(|a| !a.is_empty()) {
        arn
    } else {
        &loc.logical_id
    }
}

/// `CIS 2.1.1, 2.1.4 · FSBP S3.8 · WA SEC03-BP02 · checkov CKV_AWS_20 · cfn_nag W35`
pub(crate) fn references_line(r: &nextgap_findings::References) -> String {
    let groups: [(&str, &Vec<String>); 5] = [
        ("CIS", &r.cis),
        ("FSBP", &r.fsbp),
        ("WA", &r.well_architected),
        ("checkov", &r.checkov),
        ("cfn_nag", &r.cfn_nag),
    ];
    groups
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(name, ids)| format!("{name} {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_its_own_names_and_xml() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
            assert_eq!(Format::parse(&f.as_str().to_uppercase()), Some(f));
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!(Format::parse("xml"), Some(Format::Junit));
        assert_eq!(Format::parse("yaml"), None);
        assert!("csv".parse::<Format>().unwrap_err().contains("sarif"));
    }
}
