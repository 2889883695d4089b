//! Which files to scan: walk directories for template extensions, apply include/exclude
//! globs, and find `nextgap.toml` upward from the scanned path.

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

pub const TEMPLATE_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

/// A file to scan, or standard input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".into(),
        }
    }
}

pub struct Filters {
    include: Option<GlobSet>,
    exclude: GlobSet,
}

fn globset(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(Glob::new(p).with_context(|| format!("invalid glob `{p}`"))?);
        // `dir/**` style patterns should also match when the user wrote `dir`.
        if !p.contains('*') {
            builder.add(Glob::new(&format!("{}/**", p.trim_end_matches('/')))?);
        }
    }
    Ok(builder.build()?)
}

impl Filters {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self> {
        let include = if include.is_empty() { None } else { Some(globset(include)?) };
        Ok(Filters { include, exclude: globset(exclude)? })
    }

    /// Matches against the path relative to the scanned root and against the file name, so
    /// `--exclude '**/test/**'` and `--exclude '*.json'` both work.
    fn accepts(&self, relative: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        let hit = |set: &GlobSet| set.is_match(relative) || set.is_match(name);
        self.include.as_ref().is_none_or(hit) && !hit(&self.exclude)
    }
}

fn has_template_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEMPLATE_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)))
}

/// Expands the command-line paths into files. Files named explicitly are scanned whatever
/// their extension (but still subject to `--exclude`); directories are walked recursively.
pub fn inputs(paths: &[PathBuf], filters: &Filters, missing: &mut Vec<(String, String)>) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, filters, &mut out, missing);
        } else if path.exists() {
            if filters.accepts(path) {
                out.push(Input::File(path.clone()));
            }
        } else {
            missing.push((path.display().to_string(), "no such file or directory".into()));
        }
    }
    out
}

fn walk(root: &Path, filters: &Filters, out: &mut Vec<Input>, errors: &mut Vec<(String, String)>) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .filter_entry(|e| e.file_name() != "node_modules")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let path = e.path();
                let relative = path.strip_prefix(root).unwrap_or(path);
                if has_template_extension(path) && filters.accepts(relative) {
                    out.push(Input::File(path.to_path_buf()));
                }
            }
            Ok(_) => {}
            Err(e) => errors.push((root.display().to_string(), e.to_string())),
        }
    }
}

/// `nextgap.toml` in the scanned path's directory or the nearest parent.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(d) = dir {
        let candidate = d.join("nextgap.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_match_relative_paths_and_names() {
        let f = Filters::new(&[], &["**/test/**".into(), "*.json".into(), "skipme".into()]).unwrap();
        assert!(f.accepts(Path::new("stacks/app.yaml")));
        assert!(!f.accepts(Path::new("stacks/test/app.yaml")));
        assert!(!f.accepts(Path::new("stacks/app.json")));
        assert!(!f.accepts(Path::new("skipme/app.yaml")));
        let only = Filters::new(&["prod/**".into()], &[]).unwrap();
        assert!(only.accepts(Path::new("prod/a.yaml")));
        assert!(!only.accepts(Path::new("dev/a.yaml")));
    }
}
