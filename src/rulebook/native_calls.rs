//! Calls that can only reach a native function, marked so once after compiling.
//!
//! Rhai resolves every call by name at run time, script functions first: a method call
//! `list.where_eq(…)` looks for a script function "typed" for the receiver's type, then for
//! any script function of that name, and only then for the native one. A rule's calls are
//! nearly all to granska's and Rhai's native functions, and a rule run starts with an empty
//! resolution cache, so those two lookups that cannot succeed cost ~2 % of a batch.
//!
//! Where no script function has the name — not in `lib/`, not in the rule file itself — the
//! script lookups can never find anything, and the call is marked native-only, which is what
//! Rhai's parser already does for operators. Nothing else changes: the same native function
//! is found by the same hash. Only the rule's own statements are rewritten; function bodies
//! (in `lib/` or the rule file) keep Rhai's full lookup, as Rhai offers no way to rebuild
//! them.
//!
//! This walks Rhai's AST through its `internals` API, which may change between versions:
//! Cargo.toml pins the exact Rhai version.

use std::collections::HashSet;

use rhai::{AST, Expr, FnCallExpr, FnCallHashes, Stmt, StmtBlock};

/// Names of script functions (any arity).
pub type ScriptFns = HashSet<String>;

/// The names of the script functions an AST defines.
pub fn script_fns(ast: &AST) -> ScriptFns {
    ast.iter_functions().map(|f| f.name.to_string()).collect()
}

/// `ast` with every call to a name that is neither in `lib` nor a function of `ast` itself
/// marked native-only.
pub fn mark(ast: AST, lib: &ScriptFns) -> AST {
    let own = script_fns(&ast);
    let is_script = |name: &str| lib.contains(name) || own.contains(name);
    let mut statements = ast.statements().to_vec();
    for stmt in &mut statements {
        walk_stmt(stmt, &is_script);
    }
    let functions = ast.shared_lib().clone();
    match ast.source() {
        Some(source) => AST::new_with_source(statements, functions, source.to_string()),
        None => AST::new(statements, functions),
    }
}

fn mark_call(call: &mut FnCallExpr, is_script: &impl Fn(&str) -> bool) {
    if !call.hashes.is_native_only() && !is_script(&call.name) {
        call.hashes = FnCallHashes::from_native_only(call.hashes.native());
    }
    for arg in call.args.iter_mut() {
        walk_expr(arg, is_script);
    }
}

fn walk_block(block: &mut StmtBlock, is_script: &impl Fn(&str) -> bool) {
    for stmt in block.statements_mut().iter_mut() {
        walk_stmt(stmt, is_script);
    }
}

fn walk_stmt(stmt: &mut Stmt, is_script: &impl Fn(&str) -> bool) {
    match stmt {
        Stmt::If(flow, _) | Stmt::While(flow, _) | Stmt::Do(flow, ..) | Stmt::TryCatch(flow, _) => {
            walk_expr(&mut flow.expr, is_script);
            walk_block(&mut flow.body, is_script);
            walk_block(&mut flow.branch, is_script);
        }
        Stmt::For(x, _) => {
            let flow = &mut x.2;
            walk_expr(&mut flow.expr, is_script);
            walk_block(&mut flow.body, is_script);
            walk_block(&mut flow.branch, is_script);
        }
        Stmt::Switch(x, _) => {
            walk_expr(&mut x.0, is_script);
            for case in x.1.expressions.iter_mut() {
                walk_expr(&mut case.lhs, is_script);
                walk_expr(&mut case.rhs, is_script);
            }
        }
        Stmt::Var(x, ..) => walk_expr(&mut x.1, is_script),
        Stmt::Assignment(x) => {
            walk_expr(&mut x.1.lhs, is_script);
            walk_expr(&mut x.1.rhs, is_script);
        }
        Stmt::FnCall(call, _) => mark_call(call, is_script),
        Stmt::Block(block) => walk_block(block, is_script),
        Stmt::Expr(expr) => walk_expr(expr, is_script),
        Stmt::BreakLoop(Some(expr), ..) | Stmt::Return(Some(expr), ..) => {
            walk_expr(expr, is_script)
        }
        _ => {}
    }
}

fn walk_expr(expr: &mut Expr, is_script: &impl Fn(&str) -> bool) {
    match expr {
        Expr::FnCall(call, _) | Expr::MethodCall(call, _) => mark_call(call, is_script),
        Expr::InterpolatedString(items, _) | Expr::Array(items, _) => {
            for item in items.iter_mut() {
                walk_expr(item, is_script);
            }
        }
        Expr::Map(x, _) => {
            for (_, value) in x.0.iter_mut() {
                walk_expr(value, is_script);
            }
        }
        Expr::And(items, _) | Expr::Or(items, _) | Expr::Coalesce(items, _) => {
            for item in items.iter_mut() {
                walk_expr(item, is_script);
            }
        }
        Expr::Dot(x, ..) | Expr::Index(x, ..) => {
            walk_expr(&mut x.lhs, is_script);
            walk_expr(&mut x.rhs, is_script);
        }
        Expr::Stmt(block) => walk_block(block, is_script),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::compile::base_engine;
    use rhai::ASTNode;

    /// Every call in the AST, statements and function bodies: (name, native-only).
    fn calls(ast: &AST) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        ast.walk(&mut |path: &[ASTNode]| {
            let call = match path.last() {
                Some(ASTNode::Expr(Expr::FnCall(c, _) | Expr::MethodCall(c, _))) => Some(c),
                Some(ASTNode::Stmt(Stmt::FnCall(c, _))) => Some(c),
                _ => None,
            };
            if let Some(c) = call
                && c.op_token.is_none()
            {
                out.push((c.name.to_string(), c.hashes.is_native_only()));
            }
            true
        });
        out
    }

    fn lib(names: &[&str]) -> ScriptFns {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn only_calls_no_script_function_can_answer_are_marked() {
        let engine = base_engine();
        let ast = engine
            .compile("fn own(x) { x.len() } let a = [1, 2]; a.len(); own(a); from_lib(a); len(a);")
            .expect("compiles");
        let marked = mark(ast, &lib(&["from_lib"]));
        let statements = AST::new(marked.statements().to_vec(), rhai::Module::new());
        assert_eq!(
            calls(&statements),
            vec![
                ("len".to_string(), true),
                ("own".to_string(), false),
                ("from_lib".to_string(), false),
                ("len".to_string(), true),
            ]
        );
        // A function body keeps Rhai's full lookup.
        assert!(calls(&marked).contains(&("len".to_string(), false)));
    }

    /// The walk reaches calls in every kind of statement and expression.
    #[test]
    fn calls_are_marked_wherever_they_are() {
        let script = r#"
            let xs = [1, 2, 3];
            let m = #{ a: xs.len(), b: [abs(-1)] };
            if xs.contains(2) && !xs.is_empty() || xs.len() > 9 { xs.push(abs(-4)); } else { xs.pop(); }
            while xs.len() > 5 { xs.pop(); }
            do { xs.pop(); } until xs.len() < 4;
            for x in range(0, xs.len()) { xs[x.abs()] = max(x, 1); }
            switch xs.len() { 1 => xs.clear(), 2 if xs.len() > 100 => abs(1), _ => xs.len() }
            let s = `${xs.len()} ${m.a.to_string()}`;
            let y = m.c ?? xs.len();
            let z = { xs.len() };
            try { abs(1); } catch { abs(2); }
            xs.len()
        "#;
        let ast = base_engine().compile(script).expect("compiles");
        let before = calls(&ast);
        assert!(before.len() > 25, "{before:?}");
        let marked = mark(ast, &ScriptFns::new());
        let after = calls(&marked);
        assert_eq!(after.len(), before.len());
        let unmarked: Vec<_> = after.iter().filter(|(_, native)| !native).collect();
        assert!(unmarked.is_empty(), "{unmarked:?}");
    }

    /// A script function with a native function's name still wins over it, marked or not.
    #[test]
    fn a_script_function_named_like_a_native_one_still_answers() {
        let engine = base_engine();
        for (script, expected) in [
            ("fn len() { 42 } [1, 2].len()", 42_i64),
            ("fn abs(x) { 7 } abs(-1)", 7),
            ("[1, 2].len() + abs(-3)", 5),
        ] {
            let ast = engine.compile(script).expect("compiles");
            let plain: i64 = engine.eval_ast(&ast).expect("runs");
            let marked: i64 = engine
                .eval_ast(&mark(ast, &ScriptFns::new()))
                .expect("runs marked");
            assert_eq!((plain, marked), (expected, expected), "{script}");
        }
    }
}
