//! The IAM credential report, as CSV (what `aws iam get-credential-report` returns, decoded).

use nextgap_model::account::CredentialRow;
use std::collections::HashMap;

/// `N/A`, `no_information`, `not_supported` and empty cells mean "no value".
fn time(cell: Option<&str>) -> Option<String> {
    cell.map(str::trim)
        .filter(|c| !c.is_empty() && !matches!(*c, "N/A" | "no_information" | "not_supported"))
        .map(String::from)
}

fn flag(cell: Option<&str>) -> bool {
    cell.is_some_and(|c| c.trim().eq_ignore_ascii_case("true"))
}

/// Parses the report by column name (AWS has added columns over time; order is not relied on).
pub fn parse_credential_report(text: &str) -> Result<Vec<CredentialRow>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: HashMap<String, usize> = reader
        .headers()
        .map_err(|e| format!("credential report header: {e}"))?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    for required in ["user", "arn", "password_enabled", "mfa_active", "access_key_1_active"] {
        if !headers.contains_key(required) {
            return Err(format!("credential report has no `{required}` column"));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("credential report line {}: {e}", n + 2))?;
        let cell = |name: &str| headers.get(name).and_then(|&i| record.get(i));
        rows.push(CredentialRow {
            user: cell("user").unwrap_or_default().to_string(),
            arn: cell("arn").unwrap_or_default().to_string(),
            user_creation_time: time(cell("user_creation_time")),
            password_enabled: flag(cell("password_enabled")),
            password_last_used: time(cell("password_last_used")),
            password_last_changed: time(cell("password_last_changed")),
            mfa_active: flag(cell("mfa_active")),
            access_key_1_active: flag(cell("access_key_1_active")),
            access_key_1_last_rotated: time(cell("access_key_1_last_rotated")),
            access_key_1_last_used_date: time(cell("access_key_1_last_used_date")),
            access_key_2_active: flag(cell("access_key_2_active")),
            access_key_2_last_rotated: time(cell("access_key_2_last_rotated")),
            access_key_2_last_used_date: time(cell("access_key_2_last_used_date")),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-20T10:00:00+00:00,not_supported,not_supported,false,true,2021-03-01T00:00:00+00:00,2026-11-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::111122223333:user/alice,2024-01-01T00:00:00+00:00,true,no_information,2024-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn reads_root_and_users() {
        let rows = parse_credential_report(REPORT).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert!(!rows[0].password_enabled && !rows[0].mfa_active && rows[0].access_key_1_active);
        assert_eq!(rows[0].password_last_used.as_deref(), Some("2026-11-20T10:00:00+00:00"));
        assert_eq!(rows[1].password_last_used, None);
        assert!(rows[1].password_enabled && rows[1].mfa_active);
    }

    #[test]
    fn rejects_other_csv() {
        assert!(parse_credential_report("a,b\n1,2\n").unwrap_err().contains("user"));
    }
}
