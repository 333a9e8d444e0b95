//! Compiling rule scripts once per process, in a sandboxed Rhai engine: no files, network,
//! clock or environment; limits on work, depth and size; strict variables.

use std::sync::{Arc, OnceLock};

use rhai::{Engine, ParseError, ParseErrorType, Position};

use crate::diag::Problem;
use crate::source::{SourceFile, Span};

/// Limits for one rule run. Each says why it has its value.
pub mod limits {
    /// Operations a rule run may use on a small scenario: enough for a rule that walks 30
    /// assets × 40 parties × their access lists several times; an endless loop hits it
    /// within milliseconds.
    pub const MAX_OPERATIONS: u64 = 1_000_000;
    /// And this many more per asset, party and access entry of the scenario: rules' work
    /// grows with it (the heaviest rule ~50 per element), and a large scenario within the
    /// size accepted (10 MB) must be judged, not cut off as if it looped.
    pub const OPERATIONS_PER_ELEMENT: u64 = 200;
    /// Rhai's own count stops a run here whatever the scenario (a backstop; the wall clock
    /// below stops an endless loop first).
    pub const MAX_OPERATIONS_CEILING: u64 = 50_000_000;
    /// Rules call helpers, helpers call helpers; 32 is far beyond honest use.
    pub const MAX_CALL_LEVELS: usize = 32;
    pub const MAX_EXPR_DEPTH: usize = 64;
    pub const MAX_FN_EXPR_DEPTH: usize = 32;
    /// Text in one value. Rhai counts all the text in a list or map together, and a list of
    /// every asset id of a 10 MB scenario must fit; a string that doubles in a loop still
    /// stops within milliseconds.
    pub const MAX_STRING_BYTES: usize = 16 * 1024 * 1024;
    /// Items in one list and entries in one map (nested ones counted together), sized the
    /// same way.
    pub const MAX_ARRAY_ITEMS: usize = 1_000_000;
    pub const MAX_MAP_ENTRIES: usize = 1_000_000;
    /// Wall clock per rule run; a pre-commit hook cannot wait for a stuck rule.
    pub const MAX_MILLIS: u64 = 500;

    /// The operations a rule run may use on a scenario of `elements` assets, parties and
    /// access entries.
    pub fn operation_budget(elements: u64) -> u64 {
        MAX_OPERATIONS
            .saturating_add(OPERATIONS_PER_ELEMENT.saturating_mul(elements))
            .min(MAX_OPERATIONS_CEILING)
    }
}

/// The sandboxed engine with limits but without granska's functions; compiling needs no more.
/// `Engine::new_raw` has no packages at all, so the clock (`timestamp`) never comes in.
pub fn base_engine() -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(packages().clone());
    engine
        .set_max_operations(limits::MAX_OPERATIONS_CEILING)
        .set_max_call_levels(limits::MAX_CALL_LEVELS)
        .set_max_expr_depths(limits::MAX_EXPR_DEPTH, limits::MAX_FN_EXPR_DEPTH)
        .set_max_string_size(limits::MAX_STRING_BYTES)
        .set_max_array_size(limits::MAX_ARRAY_ITEMS)
        .set_max_map_size(limits::MAX_MAP_ENTRIES)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        .set_max_strings_interned(0)
        .disable_symbol("eval")
        .disable_symbol("import")
        .on_print(|_| {})
        .on_debug(|_, _, _| {});
    engine
}

/// The standard packages as one module, built once per process and shared by every engine.
/// One module rather than eight: every rule run starts with an empty function-resolution
/// cache, and each lookup that misses searches every global module (for a function with
/// `Dynamic` parameters, once per combination of them).
fn packages() -> &'static rhai::Shared<rhai::Module> {
    use rhai::packages::{
        BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage,
        BasicStringPackage, CorePackage, LogicPackage, MoreStringPackage, Package,
    };
    static PACKAGES: OnceLock<rhai::Shared<rhai::Module>> = OnceLock::new();
    PACKAGES.get_or_init(|| {
        // In the order Rhai would search them last to first: a later package's function
        // replaces an earlier one's of the same signature, as registering them separately did.
        let mut combined = rhai::Module::new();
        for package in [
            CorePackage::new().as_shared_module(),
            LogicPackage::new().as_shared_module(),
            BasicMathPackage::new().as_shared_module(),
            BasicIteratorPackage::new().as_shared_module(),
            BasicStringPackage::new().as_shared_module(),
            MoreStringPackage::new().as_shared_module(),
            BasicArrayPackage::new().as_shared_module(),
            BasicMapPackage::new().as_shared_module(),
        ] {
            combined.combine((*package).clone());
        }
        combined.build_index();
        rhai::Shared::new(combined)
    })
}

/// The engine that compiles rule and lib files (compiling needs no granska functions).
pub fn compiler() -> &'static Engine {
    static COMPILER: OnceLock<Engine> = OnceLock::new();
    COMPILER.get_or_init(base_engine)
}

/// Compile one script; a syntax error points at its line and column in the file.
pub fn compile(engine: &Engine, file: &Arc<SourceFile>) -> Result<rhai::AST, Problem> {
    let mut ast = engine
        .compile(&*file.text)
        .map_err(|e| syntax_problem(file, &e))?;
    ast.set_source(file.name.clone());
    Ok(ast)
}

fn syntax_problem(file: &Arc<SourceFile>, e: &ParseError) -> Problem {
    let span = position_span(file, e.position());
    Problem::new(
        "granska::rule::syntax",
        format!("Rhai syntax error: {}", e.err_type()),
    )
    .at(file, span)
    .label("here")
    .help(syntax_help(e.err_type()))
}

/// Rule authors meet one error more than any other; say what usually causes it.
fn syntax_help(error: &ParseErrorType) -> &'static str {
    match error {
        // Closures are compiled out (the `no_closure` feature in Cargo.toml): an anonymous
        // function cannot read the variables around it.
        ParseErrorType::VariableUndefined(_) => {
            "declare it with `let` before its first use; an anonymous function (`|x| ...`) \
             cannot use the variables around it, so write a `for` loop instead \
             (rules/README.md, \"Sandbox\")"
        }
        _ => "see rules/README.md for the rule language",
    }
}

/// A Rhai position (line, column in characters) as a byte span in the file.
pub fn position_span(file: &SourceFile, pos: Position) -> Span {
    match (pos.line(), pos.position()) {
        (Some(line), col) => file.char_span(file.offset_of(line, col.unwrap_or(1))),
        _ => file.char_span(0),
    }
}
