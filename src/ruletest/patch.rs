//! A small patch over a base scenario: set values at paths, remove paths. Paths use the
//! same notation as findings: `suppliers[0].staff.security_cleared`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    #[serde(default)]
    pub remove: Vec<String>,
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Result<Vec<Seg<'_>>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            let n = idx
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("bad index in `{path}`"))?;
            out.push(Seg::Index(n));
        }
    }
    Ok(out)
}

impl Patch {
    pub fn apply(&self, root: &mut Value) -> Result<(), String> {
        for path in &self.remove {
            let segs = segments(path)?;
            let (last, parents) = segs.split_last().ok_or("empty path")?;
            let parent = walk(root, parents, false, path)?;
            match (last, parent) {
                (Seg::Key(k), Value::Object(m)) => {
                    m.remove(*k)
                        .ok_or(format!("nothing to remove at `{path}`"))?;
                }
                (Seg::Index(i), Value::Array(a)) if *i < a.len() => {
                    a.remove(*i);
                }
                _ => return Err(format!("nothing to remove at `{path}`")),
            }
        }
        for (path, value) in &self.set {
            let segs = segments(path)?;
            let (last, parents) = segs.split_last().ok_or("empty path")?;
            let parent = walk(root, parents, true, path)?;
            match (last, parent) {
                (Seg::Key(k), Value::Object(m)) => {
                    m.insert(k.to_string(), value.clone());
                }
                (Seg::Index(i), Value::Array(a)) if *i < a.len() => a[*i] = value.clone(),
                (Seg::Index(i), Value::Array(a)) if *i == a.len() => a.push(value.clone()),
                _ => return Err(format!("cannot set `{path}`")),
            }
        }
        Ok(())
    }
}

fn walk<'v>(
    mut cur: &'v mut Value,
    segs: &[Seg<'_>],
    create: bool,
    path: &str,
) -> Result<&'v mut Value, String> {
    for seg in segs {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => {
                if create && !m.contains_key(*k) {
                    m.insert(k.to_string(), Value::Object(Default::default()));
                }
                m.get_mut(*k)
                    .ok_or(format!("no `{k}` on the way to `{path}`"))?
            }
            (Seg::Index(i), Value::Array(a)) => a
                .get_mut(*i)
                .ok_or(format!("no item {i} on the way to `{path}`"))?,
            _ => return Err(format!("`{path}` does not fit the scenario's shape")),
        };
    }
    Ok(cur)
}
