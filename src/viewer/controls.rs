//! What keys and mouse buttons do, kept apart from the window so it can be tested and listed.

use winit::keyboard::{Key, NamedKey};

/// A viewer command bound to a key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Close the window.
    Quit,
    /// Frame the data again, keeping the direction.
    Fit,
    /// Frame the data from the starting direction.
    Reset,
    /// Multiply the point size.
    ScalePoints(f32),
    /// Next background colour.
    CycleBackground,
    /// File colours ↔ height ramp.
    ToggleColors,
    /// The ramp's next colormap (the ramp itself, if the file's colours are shown).
    NextColormap,
    /// Eye-dome lighting on or off.
    ToggleEdl,
    /// Save a PNG of the current view.
    Screenshot,
    /// Print `vertexview render` flags that reproduce the view.
    PrintCamera,
    /// Open the next (+1) or previous (−1) vertex file in the same folder.
    OpenSibling(i32),
    /// Show or hide file number N (from 0) of several shown together.
    ToggleFile(usize),
    /// Each file in a colour of its own ↔ their own colours.
    ToggleTint,
    /// Show the next file alone (with several): flip between them at the same camera.
    Flip,
    /// The second file coloured by its difference from the first ↔ the files.
    ToggleDifference,
    /// Show or hide the on-screen panel.
    TogglePanel,
}

impl Action {
    /// Whether holding the key down repeats the action.
    pub fn repeats(self) -> bool {
        matches!(self, Action::ScalePoints(_))
    }
}

/// The controls, one line each, as `view --help` and the README list them.
pub const CONTROLS: &str = "\
Controls:
  left drag            orbit around the target
  right / middle drag  pan
  wheel                zoom towards the cursor
  F or double click    fit the view to the data
  R                    reset the view
  + / -                bigger / smaller points
  B                    cycle the background
  C                    colours: the file's, or the --color column, or a ramp by height
  M                    the ramp's (or column's) next colormap (viridis, magma, ...)
  L                    eye-dome lighting: shade by depth, so colourless scans read as 3D
  hover / click        show a vertex's index, position and colour in the title
  S or F12             save a screenshot PNG (the pixels `render` gives)
  P                    print the camera as `vertexview render` flags
  H                    hide / show the panel (file, vertex, colours, settings)
  O / Shift+O          open the next / previous file in the folder (or drop a file)
With several files (`view A B ...`):
  1 ... 9              show / hide that file
  Tab                  show the next file alone: flip between them
  T                    each file in a colour of its own, or its own colours
  D                    the second file coloured by its difference from the first
  Esc or Q             quit";

/// The action of a key press, if it has one.
pub fn key_action(key: &Key, shift: bool) -> Option<Action> {
    Some(match key {
        Key::Named(NamedKey::Escape) => Action::Quit,
        Key::Named(NamedKey::F12) => Action::Screenshot,
        Key::Named(NamedKey::Tab) => Action::Flip,
        Key::Character(c) => match c.to_lowercase().as_str() {
            "q" => Action::Quit,
            "f" => Action::Fit,
            "r" => Action::Reset,
            "+" | "=" => Action::ScalePoints(1.5),
            "-" | "_" => Action::ScalePoints(1.0 / 1.5),
            "b" => Action::CycleBackground,
            "c" => Action::ToggleColors,
            "m" => Action::NextColormap,
            "l" => Action::ToggleEdl,
            "s" => Action::Screenshot,
            "p" => Action::PrintCamera,
            "h" => Action::TogglePanel,
            "o" => Action::OpenSibling(if shift { -1 } else { 1 }),
            "t" => Action::ToggleTint,
            "d" => Action::ToggleDifference,
            digit @ ("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9") => {
                Action::ToggleFile(usize::from(digit.as_bytes()[0] - b'1'))
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// Backgrounds that B cycles through.
pub const BACKGROUNDS: [[u8; 3]; 4] = [
    [0, 0, 0],
    [0x1e, 0x1e, 0x2e],
    [0x80, 0x80, 0x80],
    [0xff, 0xff, 0xff],
];

/// Degrees of orbit per pixel of drag.
pub const ORBIT_DEGREES_PER_PIXEL: f32 = 0.3;

/// Zoom factor per wheel line.
pub const ZOOM_PER_LINE: f32 = 1.15;

/// The background after `current`.
pub fn next_background(current: [u8; 3]) -> [u8; 3] {
    let at = BACKGROUNDS.iter().position(|&b| b == current);
    BACKGROUNDS[at.map_or(0, |i| (i + 1) % BACKGROUNDS.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let ch = |s: &str| Key::Character(s.into());
        assert_eq!(key_action(&ch("q"), false), Some(Action::Quit));
        assert_eq!(key_action(&ch("Q"), true), Some(Action::Quit));
        assert_eq!(
            key_action(&Key::Named(NamedKey::Escape), false),
            Some(Action::Quit)
        );
        assert_eq!(key_action(&ch("+"), true), Some(Action::ScalePoints(1.5)));
        assert_eq!(key_action(&ch("O"), true), Some(Action::OpenSibling(-1)));
        assert_eq!(
            key_action(&Key::Named(NamedKey::F12), false),
            Some(Action::Screenshot)
        );
        assert_eq!(key_action(&ch("z"), false), None);
        assert_eq!(key_action(&ch("1"), false), Some(Action::ToggleFile(0)));
        assert_eq!(key_action(&ch("9"), false), Some(Action::ToggleFile(8)));
        assert_eq!(key_action(&ch("0"), false), None);
        assert_eq!(
            key_action(&Key::Named(NamedKey::Tab), false),
            Some(Action::Flip)
        );
        assert_eq!(key_action(&ch("D"), true), Some(Action::ToggleDifference));
        assert_eq!(key_action(&ch("h"), false), Some(Action::TogglePanel));
        assert!(Action::ScalePoints(1.5).repeats());
        assert!(!Action::Screenshot.repeats() && !Action::OpenSibling(1).repeats());
    }

    #[test]
    fn backgrounds_cycle() {
        let mut b = [12, 34, 56];
        b = next_background(b);
        assert_eq!(b, BACKGROUNDS[0]);
        for _ in 0..BACKGROUNDS.len() {
            b = next_background(b);
        }
        assert_eq!(b, BACKGROUNDS[0]);
    }
}
