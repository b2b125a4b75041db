//! Writing files: every output whole or not at all ([`output`]), deterministic sample files
//! ([`gen`]), PLY ([`ply`]), and LAS and LAZ ([`las`]).

pub mod gen;
pub mod las;
pub mod output;
pub mod ply;
