//! The receipt that makes an evaluation auditable: which tool, which law date, and the
//! content hash of the scenario and of every rulebook file that was used.

use super::outcome::{FileHash, Receipt};
use crate::rulebook::Rulebook;
use crate::source::sha256_hex;

pub fn receipt(rulebook: &Rulebook, scenario_sha256: &str, as_of: &str) -> Receipt {
    let rule_files: Vec<FileHash> = rulebook
        .files
        .iter()
        .map(|f| FileHash {
            file: f.name.clone(),
            sha256: f.sha256.clone(),
        })
        .collect();
    Receipt {
        tool: "granska".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        as_of: as_of.into(),
        scenario_sha256: scenario_sha256.into(),
        rulebook_sha256: rulebook_digest(rulebook),
        rule_files,
    }
}

/// One hash over every rule file name and hash, in order.
pub fn rulebook_digest(rulebook: &Rulebook) -> String {
    let mut all = String::new();
    for f in &rulebook.files {
        all.push_str(&f.name);
        all.push(' ');
        all.push_str(&f.sha256);
        all.push('\n');
    }
    sha256_hex(all.as_bytes())
}
