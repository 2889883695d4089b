//! Which files to read: walks directories, keeps log files, and prunes by date using the
//! layout CloudTrail delivers to (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`), so a
//! `--since` over a year of logs does not open the other eleven months.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Inclusive range of days; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl DateRange {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }

    /// Whether a month (a `YYYY/MM` folder) may hold days in range.
    fn overlaps_month(&self, year: i32, month: u32) -> bool {
        let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else { return true };
        let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
        self.since.is_none_or(|s| last >= s) && self.until.is_none_or(|u| first <= u)
    }

    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }
}

/// Files found and what was passed over.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Files (or whole day/month folders) left out by the date range.
    pub pruned: usize,
    /// Paths that could not be read: (path, reason).
    pub errors: Vec<(String, String)>,
}

/// Log files under `paths` (files are taken as given), sorted, digests left out.
pub fn discover(paths: &[PathBuf], range: &DateRange) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        if path.is_file() {
            out.files.push(path.clone());
            continue;
        }
        if !path.exists() {
            out.errors.push((path.display().to_string(), "no such file or directory".into()));
            continue;
        }
        let (files, pruned, errors) = (out.files.len(), out.pruned, out.errors.len());
        walk(path, range, &mut out);
        if (out.files.len(), out.pruned, out.errors.len()) == (files, pruned, errors) {
            let message = "no CloudTrail log files (.json, .json.gz, .jsonl, .ndjson) in this directory";
            out.errors.push((path.display().to_string(), message.into()));
        }
    }
    out.files.sort();
    out.files.dedup();
    if paths.len() > 1 {
        // The same file through two spellings (`logs` and `./logs`, a folder and its parent)
        // is read once: twice would double every finding.
        let mut seen = std::collections::HashSet::new();
        out.files.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    }
    out
}

fn walk(root: &Path, range: &DateRange, out: &mut Discovered) {
    let pruned = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = pruned.clone();
    let range_copy = *range;
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            let keep = !entry.file_type().is_some_and(|t| t.is_dir()) || folder_in_range(entry.path(), &range_copy);
            if !keep {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            keep
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let path = e.into_path();
                if !is_log_file(&path) {
                    continue;
                }
                match key_date(&path.to_string_lossy()) {
                    Some(day) if !range.contains(day) => out.pruned += 1,
                    _ => out.files.push(path),
                }
            }
            Ok(_) => {}
            Err(e) => out.errors.push((root.display().to_string(), e.to_string())),
        }
    }
    out.pruned += pruned.load(std::sync::atomic::Ordering::Relaxed);
}

/// CloudTrail log files by name; digests (`CloudTrail-Digest/`) are signatures, not events.
pub fn is_log_file(path: &Path) -> bool {
    let text = path.to_string_lossy();
    if text.contains("CloudTrail-Digest") {
        return false;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    [".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".gz"].iter().any(|ext| name.ends_with(ext))
}

/// A `…/YYYY/MM/DD` folder (or `…/YYYY/MM`) outside the range is pruned.
fn folder_in_range(path: &Path, range: &DateRange) -> bool {
    if range.is_open() {
        return true;
    }
    let parts: Vec<&str> = path.iter().rev().take(3).filter_map(|p| p.to_str()).collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [d, m, y, ..] if num(y, 4).is_some() && num(m, 2).is_some() && num(d, 2).is_some() => {
            let day =
                NaiveDate::from_ymd_opt(num(y, 4).unwrap_or(0) as i32, num(m, 2).unwrap_or(0), num(d, 2).unwrap_or(0));
            day.is_none_or(|day| range.contains(day))
        }
        [m, y, ..] if num(y, 4).is_some() && num(m, 2).is_some() => {
            range.overlaps_month(num(y, 4).unwrap_or(0) as i32, num(m, 2).unwrap_or(0))
        }
        _ => true,
    }
}

/// The day a log file or S3 key is for: the `YYYY/MM/DD` folders of the delivery layout, else
/// the `_YYYYMMDDTHHMMZ_` stamp of CloudTrail's file names.
pub fn key_date(key: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = key.split(['/', '\\']).collect();
    for w in parts.windows(3) {
        if let (Some(y), Some(m), Some(d)) = (digits(w[0], 4), digits(w[1], 2), digits(w[2], 2)) {
            if let Some(day) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                return Some(day);
            }
        }
    }
    let name = parts.last()?;
    name.split('_').find_map(|part| {
        let stamp = part.strip_suffix('Z')?;
        let (date, time) = stamp.split_once('T')?;
        if time.len() != 4 {
            return None;
        }
        NaiveDate::parse_from_str(date, "%Y%m%d").ok()
    })
}

fn digits(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_from_layout_and_names() {
        let key = "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/02/29/111122223333_CloudTrail_eu-west-1_20240229T2355Z_abc.json.gz";
        assert_eq!(key_date(key), Some(day("2024-02-29")));
        assert_eq!(key_date("x/111122223333_CloudTrail_us-east-1_20230710T1210Z_6CIC.json"), Some(day("2023-07-10")));
        assert_eq!(key_date("events.jsonl"), None);
    }

    #[test]
    fn walks_and_prunes_by_day() {
        let dir = std::env::temp_dir().join(format!("nextgap-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["01", "02", "03"] {
            let folder = dir.join(format!("AWSLogs/1/CloudTrail/us-east-1/2024/01/{d}"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("a.json.gz"), b"").unwrap();
        }
        std::fs::create_dir_all(dir.join("AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/02")).unwrap();
        std::fs::write(dir.join("AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/02/d.json.gz"), b"").unwrap();
        std::fs::write(dir.join("notes.txt"), b"").unwrap();
        let range = DateRange { since: Some(day("2024-01-02")), until: Some(day("2024-01-02")) };
        let found = discover(std::slice::from_ref(&dir), &range);
        let names: Vec<String> =
            found.files.iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
        assert_eq!(names, vec!["AWSLogs/1/CloudTrail/us-east-1/2024/01/02/a.json.gz"]);
        assert_eq!(found.pruned, 2);
        assert_eq!(discover(std::slice::from_ref(&dir), &DateRange::default()).files.len(), 3);
        let twice = [
            dir.clone(),
            dir.join("AWSLogs/../AWSLogs/1"),
            dir.join("AWSLogs/1/CloudTrail/us-east-1/2024/01/01/a.json.gz"),
        ];
        assert_eq!(discover(&twice, &DateRange::default()).files.len(), 3);
        let empty = dir.join("AWSLogs/1/CloudTrail-Digest");
        let found = discover(std::slice::from_ref(&empty), &DateRange::default());
        assert!(found.files.is_empty());
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert!(found.errors[0].1.starts_with("no CloudTrail log files"), "{:?}", found.errors);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn months_outside_the_range_are_pruned_whole() {
        let range = DateRange { since: Some(day("2024-03-15")), until: None };
        assert!(!folder_in_range(Path::new("x/2024/02"), &range));
        assert!(folder_in_range(Path::new("x/2024/03"), &range));
        assert!(!folder_in_range(Path::new("x/2024/03/14"), &range));
    }
}
