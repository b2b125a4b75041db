//! Writing files: every output whole or not at all ([`output`]), and deterministic sample files
//! ([`gen`]).

pub mod gen;
pub mod output;
