//! Facts derived during one evaluation: a value per (fact, subject), three-valued — true,
//! false or unknown — and which rule derived it.

use std::collections::HashSet;

use foldhash::HashMap;

use super::outcome::FactValue;

#[derive(Debug, Default)]
pub struct FactStore {
    /// Hashed, not ordered: `where_fact` looks a fact up for every item it filters. The
    /// lists that leave the store are sorted by name and subject.
    values: HashMap<String, HashMap<String, (Option<bool>, String)>>,
    /// Facts at least one of whose deriving rules failed: reading them fails too.
    tainted: HashSet<String>,
}

impl FactStore {
    pub fn set(&mut self, name: &str, subject: &str, value: Option<bool>, rule: &str) {
        // Rules derive a fact for every asset or party: allocate names only when new.
        let slot = match self.values.get_mut(name) {
            Some(slot) => slot,
            None => self.values.entry(name.to_string()).or_default(),
        };
        // Several rules may derive one fact: true wins over unknown, unknown over false.
        match slot.get_mut(subject) {
            Some((Some(true), _)) => {}
            Some((None, _)) if value == Some(false) => {}
            Some(entry) => *entry = (value, rule.to_string()),
            None => {
                slot.insert(subject.to_string(), (value, rule.to_string()));
            }
        }
    }

    pub fn get(&self, name: &str, subject: &str) -> Option<bool> {
        self.values
            .get(name)
            .and_then(|m| m.get(subject))
            .and_then(|(v, _)| *v)
    }

    /// True if any subject is true, else unknown if any is unknown, else false.
    pub fn any(&self, name: &str) -> Option<bool> {
        let Some(m) = self.values.get(name) else {
            return Some(false);
        };
        if m.values().any(|(v, _)| *v == Some(true)) {
            Some(true)
        } else if m.values().any(|(v, _)| v.is_none()) {
            None
        } else {
            Some(false)
        }
    }

    /// The subjects whose value is `wanted`, sorted.
    pub fn subjects(&self, name: &str, wanted: Option<bool>) -> Vec<String> {
        let mut subjects: Vec<String> = self
            .values
            .get(name)
            .map(|m| {
                m.iter()
                    .filter(|(_, (v, _))| *v == wanted)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        subjects.sort_unstable();
        subjects
    }

    pub fn taint(&mut self, name: &str) {
        self.tainted.insert(name.to_string());
    }

    pub fn is_tainted(&self, name: &str) -> bool {
        self.tainted.contains(name)
    }

    /// By name, then subject: the JSON lists facts in this order. Names sorted once, then
    /// each name's subjects: comparing the name again in every comparison of ~370 facts was
    /// ~0.6 % of a batch's instructions.
    pub fn into_values(self) -> Vec<FactValue> {
        let mut names: Vec<_> = self.values.into_iter().collect();
        names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::with_capacity(names.iter().map(|(_, m)| m.len()).sum());
        for (name, subjects) in names {
            let mut subjects: Vec<_> = subjects.into_iter().collect();
            subjects.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.extend(
                subjects
                    .into_iter()
                    .map(|(subject, (value, rule))| FactValue {
                        name: name.clone(),
                        subject,
                        value,
                        derived_by: rule,
                    }),
            );
        }
        out
    }
}
