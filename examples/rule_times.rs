use std::sync::Arc;
use std::time::Instant;
use granska::rulebook::{Rulebook, Tree};
use granska::eval::Evaluator;
fn main() {
    let rb = Arc::new(Rulebook::load(&[Tree::Dir("rules".into())]).unwrap());
    let files: Vec<_> = std::fs::read_dir("/tmp/c200").unwrap().map(|e| e.unwrap().path()).collect();
    let loaded: Vec<_> = files.iter().map(|p| Arc::new(granska::scenario::load_path(p, rb.as_ref()).unwrap())).collect();
    let t = Instant::now();
    let ev = Evaluator::new(rb.clone());
    let mut per = std::collections::BTreeMap::<String,u64>::new();
    for l in &loaded { for o in ev.evaluate(l.clone(), None).outcomes { *per.entry(o.rule).or_default() += o.micros; } }
    let mut v: Vec<_> = per.into_iter().collect(); v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for (r, us) in v.iter().take(20) { println!("{r:40} {:.0} us/scenario", *us as f64 / loaded.len() as f64); }
    println!("all rules: {:?} per scenario", t.elapsed() / loaded.len() as u32);
}
