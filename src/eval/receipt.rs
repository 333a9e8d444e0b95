//! The receipt that makes an evaluation auditable: which tool, which law date, and the
//! content hash of the scenario and of every rulebook file that was used.

use super::outcome::Receipt;
use crate::rulebook::Rulebook;

pub fn receipt(rulebook: &Rulebook, scenario_sha256: &str, as_of: &str) -> Receipt {
    Receipt {
        tool: "granska".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        as_of: as_of.into(),
        scenario_sha256: scenario_sha256.into(),
        rulebook_sha256: rulebook.digest().into(),
        rule_files: rulebook.file_hashes(),
    }
}
