//! List helpers for rules, done natively. Rules walk every access entry of every party, and
//! the same few shapes recur (keep the entries whose field is X, collect the countries of a
//! party, name each asset once, join names for a message); in Rhai each step costs tens of
//! operations per item, here a few nanoseconds. They shape data only: what a list means in
//! law stays in the rule that asks for it.

use foldhash::{HashSet, HashSetExt};

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};

use super::bridge::{Obj, field_index};
use super::sandbox;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn err<T>(msg: impl Into<String>) -> RhaiResult<T> {
    Err(EvalAltResult::ErrorRuntime(Dynamic::from(msg.into()), Position::NONE).into())
}

/// A field name, looked up in [`FIELD_NAMES`](super::bridge::FIELD_NAMES) once per call
/// rather than compared with every item's field names.
struct Field<'a> {
    name: &'a str,
    index: Option<usize>,
}

impl<'a> Field<'a> {
    fn new(name: &'a str) -> Field<'a> {
        Field {
            name,
            index: field_index(name),
        }
    }

    /// `f(&item.field)` for a scenario object or a map, without copying the value; like a
    /// script's read, a field the item does not have is an error, never `()`.
    fn read<R>(&self, item: &Dynamic, f: impl FnOnce(&Dynamic) -> RhaiResult<R>) -> RhaiResult<R> {
        let field = self.name;
        if let Some(obj) = item.read_lock::<Obj>() {
            return match self
                .index
                .and_then(|i| obj.slot(i))
                .or_else(|| obj.get(field))
            {
                Some(v) => f(v),
                None => obj.property(field).and_then(|v| f(&v)),
            };
        }
        if let Some(map) = item.read_lock::<Map>() {
            return match map.get(field) {
                Some(v) => f(v),
                None => err(format!("the map has no property `{field}`")),
            };
        }
        err(format!(
            "`{field}` is read from objects and maps, not from {}",
            item.type_name()
        ))
    }

    /// A copy of `item.field`.
    fn value(&self, item: &Dynamic) -> RhaiResult<Dynamic> {
        self.read(item, |v| Ok(v.clone()))
    }
}

/// A value the items of a list are compared with, its type worked out once (a filter compares
/// it with every item). Equal the way a script's `==` sees texts, numbers, booleans and `()`;
/// values of different types are never equal.
enum Wanted {
    Unit,
    Text(ImmutableString),
    Bool(bool),
    Int(i64),
    /// Another type: equal to nothing.
    Never,
}

impl Wanted {
    fn of(value: &Dynamic) -> Wanted {
        if value.is_unit() {
            Wanted::Unit
        } else if let Some(s) = value.read_lock::<ImmutableString>() {
            Wanted::Text(s.clone())
        } else if let Ok(b) = value.as_bool() {
            Wanted::Bool(b)
        } else if let Ok(i) = value.as_int() {
            Wanted::Int(i)
        } else {
            Wanted::Never
        }
    }

    fn all(values: &Array) -> Vec<Wanted> {
        values.iter().map(Wanted::of).collect()
    }

    fn matches(&self, item: &Dynamic) -> bool {
        match self {
            Wanted::Unit => item.is_unit(),
            Wanted::Text(s) => item
                .read_lock::<ImmutableString>()
                .is_some_and(|x| *x == *s),
            Wanted::Bool(b) => item.as_bool() == Ok(*b),
            Wanted::Int(i) => item.as_int() == Ok(*i),
            Wanted::Never => false,
        }
    }

    fn any_matches(wanted: &[Wanted], item: &Dynamic) -> bool {
        wanted.iter().any(|w| w.matches(item))
    }
}

/// Values to test many items against (`where_in`, `except`, …). From a few values on, the
/// texts go into a hash set: testing every item against every value was quadratic (thirty
/// assets against thirty ids, in rule after rule).
struct WantedSet {
    /// The texts, hashed, for a list of [`WantedSet::HASHED_FROM`] values or more.
    texts: Option<HashSet<ImmutableString>>,
    /// The values not in `texts`: all of them for a short list.
    rest: Vec<Wanted>,
}

impl WantedSet {
    const HASHED_FROM: usize = 8;

    fn of(values: &Array) -> WantedSet {
        let all = Wanted::all(values);
        if all.len() < Self::HASHED_FROM {
            return WantedSet {
                texts: None,
                rest: all,
            };
        }
        let mut texts = HashSet::with_capacity(all.len());
        let mut rest = Vec::new();
        for wanted in all {
            match wanted {
                Wanted::Text(text) => {
                    texts.insert(text);
                }
                other => rest.push(other),
            }
        }
        WantedSet {
            texts: Some(texts),
            rest,
        }
    }

    /// As [`Wanted::any_matches`] over all the values: a text can only equal a text.
    fn matches(&self, item: &Dynamic) -> bool {
        if let Some(texts) = &self.texts
            && let Some(text) = item.read_lock::<ImmutableString>()
        {
            return texts.contains(&*text);
        }
        Wanted::any_matches(&self.rest, item)
    }
}

/// The key `distinct` compares by: a text as itself, a number or boolean by its text.
fn key_of(item: &Dynamic) -> RhaiResult<ImmutableString> {
    if let Some(s) = item.read_lock::<ImmutableString>() {
        return Ok(s.clone());
    }
    if item.is_int() || item.is_bool() || item.is_unit() {
        return Ok(item.to_string().into());
    }
    err(format!(
        "`distinct` compares texts, numbers and booleans, not {}",
        item.type_name()
    ))
}

fn filter_by(
    list: &Array,
    field: &str,
    mut keep: impl FnMut(&Dynamic) -> RhaiResult<bool>,
) -> RhaiResult<Array> {
    let field = Field::new(field);
    // Room for every item: growing the list as items are kept cost more than the memory,
    // which is freed as soon as the rule is done with the list.
    let mut out = Array::with_capacity(list.len());
    for item in list {
        if field.read(item, &mut keep)? {
            out.push(item.clone());
        }
    }
    Ok(out)
}

pub fn register(engine: &mut Engine) {
    engine.register_fn(
        "where_eq",
        |list: &mut Array, field: &str, value: Dynamic| {
            let wanted = Wanted::of(&value);
            filter_by(list, field, |v| Ok(wanted.matches(v)))
        },
    );
    engine.register_fn(
        "where_ne",
        |list: &mut Array, field: &str, value: Dynamic| {
            let wanted = Wanted::of(&value);
            filter_by(list, field, |v| Ok(!wanted.matches(v)))
        },
    );
    engine.register_fn(
        "where_in",
        |list: &mut Array, field: &str, values: Array| {
            let wanted = WantedSet::of(&values);
            filter_by(list, field, |v| Ok(wanted.matches(v)))
        },
    );
    engine.register_fn(
        "where_not_in",
        |list: &mut Array, field: &str, values: Array| {
            let wanted = WantedSet::of(&values);
            filter_by(list, field, |v| Ok(!wanted.matches(v)))
        },
    );
    engine.register_fn(
        "where_any_in",
        |list: &mut Array, field: &str, values: Array| -> RhaiResult<Array> {
            let name = field;
            let wanted = WantedSet::of(&values);
            filter_by(list, field, |v| {
                if let Some(items) = v.read_lock::<Array>() {
                    return Ok(items.iter().any(|x| wanted.matches(x)));
                }
                if v.is_unit() {
                    return Ok(false);
                }
                err(format!("`{name}` must be a list or ()"))
            })
        },
    );
    engine.register_fn(
        "values_of",
        |map: &mut Map, keys: Array| -> RhaiResult<Array> {
            let mut out = Array::with_capacity(keys.len());
            for key in &keys {
                let found = key
                    .read_lock::<ImmutableString>()
                    .and_then(|k| map.get(k.as_str()).cloned());
                match found {
                    Some(v) => out.push(v),
                    None => return err(format!("the map has no property `{key}`")),
                }
            }
            Ok(out)
        },
    );
    engine.register_fn(
        "where_fact",
        |list: &mut Array, field: &str, fact: &str| -> RhaiResult<Array> {
            sandbox::with_facts(fact, |facts| {
                filter_by(list, field, |v| match v.read_lock::<ImmutableString>() {
                    Some(subject) => Ok(facts.get(fact, subject.as_str()) == Some(true)),
                    None => err(format!(
                        "`{field}` must be a text (a subject of fact `{fact}`), got {}",
                        v.type_name()
                    )),
                })
            })
        },
    );
    engine.register_fn(
        "pluck",
        |list: &mut Array, field: &str| -> RhaiResult<Array> {
            let field = Field::new(field);
            let mut out = Array::with_capacity(list.len());
            for item in list.iter() {
                out.push(field.value(item)?);
            }
            Ok(out)
        },
    );
    engine.register_fn(
        "gather",
        |list: &mut Array, field: &str| -> RhaiResult<Array> {
            let name = field;
            let field = Field::new(name);
            // Counted first, so that the list is made once at its size.
            let mut total = 0;
            for item in list.iter() {
                total += field.read(item, |v| match v.read_lock::<Array>() {
                    Some(items) => Ok(items.len()),
                    None if v.is_unit() => Ok(0),
                    None => err(format!("`{name}` must be a list or ()")),
                })?;
            }
            let mut out = Array::with_capacity(total);
            for item in list.iter() {
                field.read(item, |v| {
                    if let Some(items) = v.read_lock::<Array>() {
                        out.extend(items.iter().cloned());
                    }
                    Ok(())
                })?;
            }
            Ok(out)
        },
    );
    // One pass instead of a `where_eq` per key: a rule that walks the parties and picks each
    // one's entries out of a list of all entries is otherwise quadratic, which a scenario of
    // thousands of parties feels.
    engine.register_fn(
        "group_by",
        |list: &mut Array, field: &str| -> RhaiResult<Map> {
            let name = field;
            let field = Field::new(name);
            let mut groups: std::collections::BTreeMap<ImmutableString, Array> = Default::default();
            for item in list.iter() {
                let key = field.read(item, |v| {
                    if let Some(text) = v.read_lock::<ImmutableString>() {
                        return Ok(Some(text.clone()));
                    }
                    if v.is_unit() {
                        return Ok(None);
                    }
                    err(format!(
                        "`group_by` groups by a text; `{name}` is {}",
                        v.type_name()
                    ))
                })?;
                if let Some(key) = key {
                    groups.entry(key).or_default().push(item.clone());
                }
            }
            Ok(groups
                .into_iter()
                .map(|(k, items)| (k.as_str().into(), Dynamic::from_array(items)))
                .collect())
        },
    );
    engine.register_fn("distinct", |list: &mut Array| -> RhaiResult<Array> {
        let mut seen = HashSet::with_capacity(list.len());
        let mut out = Array::with_capacity(list.len());
        for item in list.iter() {
            if seen.insert(key_of(item)?) {
                out.push(item.clone());
            }
        }
        Ok(out)
    });
    engine.register_fn("except", |list: &mut Array, others: Array| {
        let others = WantedSet::of(&others);
        let mut out = Array::with_capacity(list.len());
        out.extend(list.iter().filter(|x| !others.matches(x)).cloned());
        out
    });
    engine.register_fn("join", |list: &mut Array, sep: &str| {
        let texts: usize = (list.iter())
            .map(|item| item.read_lock::<ImmutableString>().map_or(8, |s| s.len()))
            .sum();
        let mut out = String::with_capacity(texts + sep.len() * list.len());
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            match item.read_lock::<ImmutableString>() {
                Some(s) => out.push_str(s.as_str()),
                None => out.push_str(&item.to_string()),
            }
        }
        out
    });
    engine.register_fn(
        "first_with_any",
        |list: &mut Array, field: &str, values: Array| -> RhaiResult<Dynamic> {
            let field = Field::new(field);
            let wanted = WantedSet::of(&values);
            for item in list.iter() {
                let found = field.read(item, |v| {
                    Ok(v.read_lock::<Array>()
                        .is_some_and(|items| items.iter().any(|x| wanted.matches(x))))
                })?;
                if found {
                    return Ok(item.clone());
                }
            }
            Ok(Dynamic::UNIT)
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        let mut engine = Engine::new();
        register(&mut engine);
        engine.set_fail_on_invalid_map_property(true);
        engine.eval::<Dynamic>(&format!(
            r#"let access = [
                #{{ asset: "a", level: "admin", from: ["RS", "CZ"], storage: ["SE"] }},
                #{{ asset: "b", level: "none", from: (), storage: ["SE", "US"] }},
                #{{ asset: "a", level: (), from: ["CZ", "IN"], storage: () }},
            ];
            {script}"#
        ))
    }

    fn text(script: &str) -> String {
        eval(script).unwrap().to_string()
    }

    #[test]
    fn group_by_keeps_order_within_groups_and_leaves_out_unstated() {
        assert_eq!(
            text(r#"let g = access.group_by("asset"); `${g.keys()} ${g["a"].pluck("level")}`"#),
            r#"["a", "b"] ["admin", ()]"#
        );
        assert_eq!(text(r#"access.group_by("level").len()"#), "2");
        assert_eq!(text(r#"access.group_by("level").get("x") ?? []"#), "[]");
        let e = eval(r#"access.group_by("from")"#).unwrap_err().to_string();
        assert!(
            e.contains("`group_by` groups by a text; `from` is array"),
            "{e}"
        );
    }

    #[test]
    fn filters_keep_order_and_treat_unstated_as_a_value() {
        assert_eq!(
            text(r#"access.where_ne("level", "none").pluck("asset").join(",")"#),
            "a,a"
        );
        assert_eq!(text(r#"access.where_eq("level", ()).len()"#), "1");
        assert_eq!(
            text(r#"access.where_eq("from", ()).pluck("asset").join(",")"#),
            "b"
        );
        assert_eq!(text(r#"access.where_eq("level", 1).len()"#), "0");
    }

    #[test]
    fn where_in_keeps_the_items_whose_field_is_one_of_the_values() {
        assert_eq!(
            text(r#"access.where_in("level", ["admin", ()]).len()"#),
            "2"
        );
        assert_eq!(
            text(r#"access.where_not_in("level", ["admin", ()]).pluck("asset").join(",")"#),
            "b"
        );
        assert_eq!(text(r#"access.where_in("level", []).len()"#), "0");
        assert!(eval(r#"access.where_in("levle", ["admin"])"#).is_err());
    }

    #[test]
    fn where_any_in_keeps_the_items_whose_list_holds_one_of_the_values() {
        assert_eq!(
            text(r#"access.where_any_in("from", ["IN", "US"]).pluck("asset").join(",")"#),
            "a"
        );
        assert_eq!(text(r#"access.where_any_in("storage", ["SE"]).len()"#), "2");
        // An unstated list holds nothing; a field that is not a list is an error.
        assert_eq!(text(r#"access.where_any_in("from", [()]).len()"#), "0");
        assert!(eval(r#"access.where_any_in("level", ["admin"])"#).is_err());
    }

    /// A long list of values (hashed texts) answers as a short one (compared one by one):
    /// texts, `()`, numbers and booleans, in `where_in`, `where_not_in`, `except`.
    #[test]
    fn long_value_lists_match_as_short_ones_do() {
        let filler = (0..WantedSet::HASHED_FROM)
            .map(|i| format!("\"x{i}\""))
            .collect::<Vec<_>>()
            .join(", ");
        for (short, long) in [
            (
                r#"access.where_in("level", ["admin", ()]).len()"#.to_string(),
                format!(r#"access.where_in("level", ["admin", (), {filler}]).len()"#),
            ),
            (
                r#"access.where_not_in("level", ["none"]).pluck("asset").join(",")"#.to_string(),
                format!(
                    r#"access.where_not_in("level", ["none", {filler}]).pluck("asset").join(",")"#
                ),
            ),
            (
                r#"["a", 1, (), true, "b", 2].except(["b", 1, ()]).len()"#.to_string(),
                format!(r#"["a", 1, (), true, "b", 2].except(["b", 1, (), {filler}]).len()"#),
            ),
            (
                r#"["1", 1, "true", true].except([1, true]).len()"#.to_string(),
                format!(r#"["1", 1, "true", true].except([1, true, {filler}]).len()"#),
            ),
        ] {
            assert_eq!(text(&short), text(&long), "{long}");
        }
        assert_eq!(
            text(r#"["1", 1, "true", true].except([1, true]).len()"#),
            "2"
        );
    }

    #[test]
    fn values_of_reads_keys_in_the_order_given_and_refuses_a_missing_one() {
        assert_eq!(
            text(r#"#{ a: "A", b: "B", c: "C" }.values_of(["c", "a", "c"]).join(",")"#),
            "C,A,C"
        );
        assert_eq!(text(r#"#{ a: 1 }.values_of([]).len()"#), "0");
        let missing = eval(r#"#{ a: 1 }.values_of(["a", "x"])"#).unwrap_err();
        assert!(missing.to_string().contains("no property `x`"), "{missing}");
    }

    #[test]
    fn gather_distinct_and_join_name_each_country_once_in_first_seen_order() {
        assert_eq!(
            text(r#"access.gather("from").distinct().join(", ")"#),
            "RS, CZ, IN"
        );
        assert_eq!(text(r#"access.gather("storage").join("/")"#), "SE/SE/US");
        assert_eq!(
            text(r#"[1, 2, 1, true, true].distinct().join(" ")"#),
            "1 2 true"
        );
    }

    #[test]
    fn first_with_any_finds_the_first_entry_naming_a_value() {
        assert_eq!(
            text(r#"access.first_with_any("from", ["IN", "CZ"]).level"#),
            "admin"
        );
        assert_eq!(
            text(r#"access.first_with_any("storage", ["US"]).asset"#),
            "b"
        );
        assert!(
            eval(r#"access.first_with_any("from", ["DK"])"#)
                .unwrap()
                .is_unit()
        );
    }

    #[test]
    fn a_field_the_items_do_not_have_is_an_error_not_unit() {
        let e = eval(r#"access.where_eq("levle", "admin")"#).unwrap_err();
        assert!(e.to_string().contains("no property `levle`"), "{e}");
        let e = eval(r#"[1].pluck("id")"#).unwrap_err();
        assert!(e.to_string().contains("not from"), "{e}");
        let e = eval(r#"access.gather("level")"#).unwrap_err();
        assert!(e.to_string().contains("must be a list"), "{e}");
    }
}
