//! Writing files: every output whole or not at all ([`output`]), deterministic sample files
//! ([`gen`]), and PLY ([`ply`]).

pub mod gen;
pub mod output;
pub mod ply;
