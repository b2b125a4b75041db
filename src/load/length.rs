//! The one length rule: how many records a file of a given length holds, for any layout, or an
//! error that names the numbers.

use std::path::Path;

use super::error::LoadError;
use crate::format::vertex::STRIDE;
use crate::format::Layout;

/// Records in a file of `len` bytes of `layout`: their number, whether the last is short, and
/// where they end; an error with the numbers when the length does not fit.
pub(crate) fn record_count(
    path: &Path,
    len: u64,
    layout: &Layout,
    declared: Option<u64>,
) -> Result<(u64, bool, u64), LoadError> {
    let header = layout.header();
    let stride = layout.stride() as u64;
    let data = len
        .checked_sub(header)
        .ok_or_else(|| LoadError::Truncated {
            path: path.to_owned(),
            header,
            count: declared.unwrap_or(0),
            stride,
            len,
        })?;
    if let Some(count) = declared {
        let need = count
            .checked_mul(stride)
            .and_then(|b| b.checked_add(header));
        return match need {
            Some(need) if need <= len => Ok((count, false, need)),
            _ => Err(LoadError::Truncated {
                path: path.to_owned(),
                header,
                count,
                stride,
                len,
            }),
        };
    }
    let last = layout.last_record_size() as u64;
    match data % stride {
        0 => Ok((data / stride, false, len)),
        r if r == last => Ok((data / stride + 1, true, len)),
        // vertexview's own records are vertices, and the message says so.
        stray if layout.is_default() => Err(LoadError::Length {
            path: path.to_owned(),
            len,
            stride: STRIDE,
            whole: data / stride,
            stray,
            offset: len - stray,
        }),
        stray => Err(LoadError::Records {
            path: path.to_owned(),
            header,
            data,
            stride,
            whole: data / stride,
            stray,
            offset: len - stray,
        }),
    }
}

/// Number of default records (vertices) in a file of `len` bytes, and whether the last one lacks
/// its padding, as [`record_count`] counts them; also an error when they would not fit this
/// platform's memory, for loaders that hold them all.
pub(crate) fn vertex_count(path: &Path, len: u64) -> Result<(usize, bool), LoadError> {
    let (count, unpadded, _) = record_count(path, len, &Layout::default(), None)?;
    let count = usize::try_from(count)
        .ok()
        .filter(|n| n.checked_mul(STRIDE).is_some())
        .ok_or_else(|| LoadError::TooLarge {
            path: path.to_owned(),
            len,
        })?;
    Ok((count, unpadded))
}
