//! The seed's `Vector` and `Color` checks as typed views: a position is exactly three floats, a
//! colour exactly three unsigned integers.

use super::code::Code;
use super::view::{Value, View, ViewError};

/// Three floating-point items: the seed's `Vector`.
#[derive(Clone, Debug)]
pub struct PositionView<'a>(View<'a>);

/// Three unsigned-integer items: the seed's `Color`.
#[derive(Clone, Debug)]
pub struct ColorView<'a>(View<'a>);

impl<'a> TryFrom<View<'a>> for PositionView<'a> {
    type Error = ViewError;
    fn try_from(view: View<'a>) -> Result<Self, ViewError> {
        check_three(&view, Code::is_float, "floats", ViewError::NotFloat)?;
        Ok(PositionView(view))
    }
}

impl<'a> TryFrom<View<'a>> for ColorView<'a> {
    type Error = ViewError;
    fn try_from(view: View<'a>) -> Result<Self, ViewError> {
        check_three(&view, Code::is_unsigned, "integers", ViewError::NotUnsigned)?;
        Ok(ColorView(view))
    }
}

fn check_three(
    view: &View<'_>,
    kind: fn(Code) -> bool,
    what: &'static str,
    wrong_kind: fn(String) -> ViewError,
) -> Result<(), ViewError> {
    if !view.parsed_format().scalar().is_some_and(kind) {
        return Err(wrong_kind(view.format().to_owned()));
    }
    if view.len() != 3 {
        return Err(ViewError::NotThree {
            what,
            len: view.len(),
        });
    }
    Ok(())
}

fn float_at(view: &View<'_>, i: usize) -> f64 {
    match view.get(i) {
        Ok(Value::Float(v)) => v,
        _ => f64::NAN,
    }
}

fn uint_at(view: &View<'_>, i: usize) -> u64 {
    match view.get(i) {
        Ok(Value::UInt(v)) => v,
        _ => 0,
    }
}

impl PositionView<'_> {
    /// The x coordinate.
    pub fn x(&self) -> f64 {
        float_at(&self.0, 0)
    }
    /// The y coordinate.
    pub fn y(&self) -> f64 {
        float_at(&self.0, 1)
    }
    /// The z coordinate.
    pub fn z(&self) -> f64 {
        float_at(&self.0, 2)
    }
}

impl ColorView<'_> {
    /// The red channel, as stored.
    pub fn red(&self) -> u64 {
        uint_at(&self.0, 0)
    }
    /// The green channel, as stored.
    pub fn green(&self) -> u64 {
        uint_at(&self.0, 1)
    }
    /// The blue channel, as stored.
    pub fn blue(&self) -> u64 {
        uint_at(&self.0, 2)
    }
}

/// The seed's `make_colored_vertex`: splits the bytes of one vertex (18 or 20 bytes) into its
/// position (`bytes[0..12]` as `<f`) and colour (`bytes[12..18]` as `<H`) without copying.
pub fn split_vertex<'a>(vertex: &View<'a>) -> Result<(PositionView<'a>, ColorView<'a>), ViewError> {
    let bytes = vertex.cast("B")?;
    let position = bytes.slice(0..12)?.cast("<f")?.try_into()?;
    let color = bytes.slice(12..18)?.cast("<H")?.try_into()?;
    Ok((position, color))
}
