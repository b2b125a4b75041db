//! What the app shows in the on-screen panel ([`PanelInfo`]), gathered from its state each
//! frame: nothing here reads a file but the record of the vertex under the cursor, once, when it
//! is picked.

use super::App;
use crate::format::ColumnKind;
use crate::gpu::classes::class_color;
use crate::gpu::ColorMode;
use crate::viewer::panel::{Legend, PanelInfo, Rows};

/// A number of vertices with thin spaces between thousands: 12 345 678.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

fn row(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_owned(), value.into())
}

impl App {
    /// The panel's contents now.
    pub(super) fn panel_info(&self) -> PanelInfo {
        PanelInfo {
            file: self.file_rows(),
            vertex: self.picked.as_ref().map(|(_, rows)| rows.clone()),
            coloring: self.coloring(),
            legend: self.legend(),
            drawing: self.drawing_rows(),
        }
    }

    fn file_rows(&self) -> Rows {
        let Some(scene) = &self.scene else {
            return vec![row("file", "none")];
        };
        let source = &scene.source;
        let path = source.path();
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut rows = vec![row("file", name)];
        if !self.others.is_empty() {
            rows.push(row("with", format!("{} more files", self.others.len())));
        }
        let kind = crate::load::open::kind_of(path);
        let kind = match (kind, source.is_compressed()) {
            (_, true) => "LAZ (decompressed as read)".to_owned(),
            ("raw", _) => "raw records".to_owned(),
            (kind, _) => kind.to_uppercase(),
        };
        rows.push(row("kind", kind));
        rows.push(row(
            "layout",
            format!("{} ({} bytes)", source.layout(), source.layout().stride()),
        ));
        rows.push(row("vertices", count(source.len())));
        if let Some(bounds) = scene.framing_stats().and_then(|s| s.bounds) {
            let shift = source.shift();
            for (axis, name) in ["x", "y", "z"].iter().enumerate() {
                let lo = f64::from(bounds.min[axis]) + shift[axis];
                let hi = f64::from(bounds.max[axis]) + shift[axis];
                rows.push(row(name, format!("{lo:.3} … {hi:.3}")));
            }
        }
        let gpu = if source.is_direct() {
            "read in place"
        } else {
            "converted on upload"
        };
        rows.push(row("on the GPU", gpu));
        let resident = scene.resident_fraction() * 100.0;
        let part = match scene.keeps_part() {
            true => ", the nodes the view needs most",
            false => "",
        };
        rows.push(row("resident", format!("{resident:.0} %{part}")));
        rows
    }

    fn coloring(&self) -> String {
        match self.settings.color_mode {
            ColorMode::File => "the file's colours".into(),
            ColorMode::Ramp(ramp) => format!("{} ({})", ramp.axis.name(), ramp.map),
            ColorMode::Tint(_) => "a colour per file".into(),
            ColorMode::Column(colors) => {
                let name = self.column.as_ref().map_or("column", |c| c.name.as_str());
                match colors.kind {
                    ColumnKind::Scalar => format!("{name} ({})", colors.map),
                    ColumnKind::Classes => format!("{name} (classes)"),
                    ColumnKind::Vector => format!("{name} (as red, green, blue)"),
                }
            }
        }
    }

    fn legend(&self) -> Option<Legend> {
        match self.settings.color_mode {
            ColorMode::Ramp(ramp) => Some(Legend::Ramp {
                map: ramp.map,
                min: ramp.min,
                max: ramp.max,
            }),
            ColorMode::Column(colors) => match colors.kind {
                ColumnKind::Scalar => Some(Legend::Ramp {
                    map: colors.map,
                    min: colors.min,
                    max: colors.max,
                }),
                ColumnKind::Classes => {
                    let classes = self.column.as_ref()?.classes.as_ref()?;
                    let colored = classes
                        .iter()
                        .map(|&c| {
                            let rgb = class_color(c.max(0) as u32);
                            (c, rgb.map(|v| (v * 255.0).round() as u8))
                        })
                        .collect();
                    Some(Legend::Classes(colored))
                }
                ColumnKind::Vector => None,
            },
            _ => None,
        }
    }

    fn drawing_rows(&self) -> Rows {
        let [r, g, b] = self.settings.background;
        let edl = match self.settings.edl {
            0.0 => "off".to_owned(),
            s => format!("on, strength {s}"),
        };
        let mut rows = vec![
            row(
                "point size",
                format!("{} px", self.settings.point_size.round()),
            ),
            row("eye-dome", edl),
            row("background", format!("#{r:02x}{g:02x}{b:02x}")),
            row("rasteriser", self.drawn_raster().name()),
            row("frame", format!("{:.1} ms", self.frame_ms)),
        ];
        if let Some(scene) = &self.scene {
            let drawn = scene.drawn_fraction(scene.loading) * 100.0;
            rows.push(row("drawn", format!("{:.0} %", drawn.floor())));
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_group_thousands() {
        assert_eq!(super::count(12_345_678), "12\u{2009}345\u{2009}678");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1\u{2009}000");
    }
}
