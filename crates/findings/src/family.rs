//! The anti-pattern catalogue (`ANTIPATTERNS.md`) as data: every rule belongs to one family.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    pub id: &'static str,
    pub title: &'static str,
}

const fn family(id: &'static str, title: &'static str) -> Family {
    Family { id, title }
}

pub const FAMILIES: &[Family] = &[
    family("ACCOUNT-ROOT-PERSON", "The root user is tied to one person"),
    family("ACCOUNT-ROOT-USE", "The root user is used"),
    family("ACCOUNT-ROOT-MFA", "Root without (hardware) MFA"),
    family("ACCOUNT-SINGLE", "One account holds everything"),
    family("IAM-BROAD", "Permissions broader than needed"),
    family("IAM-KEYS", "Long-lived access keys and weak sign-in"),
    family("IAM-PERSISTENT", "Credentials that stay when they need not"),
    family("IAM-SAME-DOMAIN", "One principal can delete production and its backups"),
    family("IAM-ESCALATION", "A principal can make itself admin"),
    family("NET-IP-ONLY", "Trusted IP lists or no authentication as the only control"),
    family("NET-OPEN", "Open to the internet"),
    family("NET-BACKHAUL", "Egress backhauled through the data centre"),
    family("GAP-TRAIL", "CloudTrail gaps"),
    family("GAP-CONFIG", "AWS Config gaps"),
    family("GAP-PUBLIC-S3", "Public S3 buckets"),
    family("GAP-PUBLIC-SNAPSHOT", "Public snapshots and images"),
    family("GAP-DETECT", "No automated detection"),
    family("GAP-LOGS", "Access logs off"),
    family("GAP-CONSOLE", "Changes made by hand in the console"),
    family("OUTAGE-STATEFUL", "Automation can delete stateful resources"),
    family("OUTAGE-REPLACE", "An update would replace a stateful resource"),
    family("OUTAGE-UNTRACKED", "Changes that cannot be tied to a version"),
    family("BACKUP-NONE", "No backup"),
    family("BACKUP-UNTESTED", "Schrödinger's backup"),
    family("BACKUP-SAME-ACCOUNT", "Backups in the same blast radius"),
    family("BACKUP-HOT-SNAPSHOT", "Crash-consistent snapshots of hot databases"),
    family("DATA-ENCRYPT", "Data not encrypted"),
    family("DATA-SECRETS", "Secrets in plain text"),
    family("PRACTICE-WARGAME", "Scenarios not war-gamed"),
    family("PRACTICE-PRIORITY", "Findings not prioritised"),
    family("PRACTICE-CONTINUAL", "Audits not continual"),
];

impl Family {
    pub fn get(id: &str) -> Option<&'static Family> {
        FAMILIES.iter().find(|f| f.id.eq_ignore_ascii_case(id))
    }

    /// The top-level group (`GAP` for `GAP-TRAIL`).
    pub fn group(&self) -> &'static str {
        self.id.split('-').next().unwrap_or(self.id)
    }
}
