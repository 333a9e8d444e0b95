//! Output formats. They render an evaluation; none of them evaluates anything.

pub mod human;
pub mod model;

use crate::lang::Lang;
use crate::rulebook::Rulebook;

/// Renders one evaluated (or invalid) scenario.
pub struct RenderCtx<'a> {
    pub rulebook: &'a Rulebook,
    pub lang: Lang,
    pub color: bool,
}
