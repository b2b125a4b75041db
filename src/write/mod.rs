//! Writing files: every output whole or not at all ([`output`]), deterministic sample files
//! ([`gen`]), PLY ([`ply`]), LAS and LAZ ([`las`]), and COPC ([`copc`]).

pub mod copc;
pub mod gen;
pub mod las;
pub mod output;
pub mod ply;
