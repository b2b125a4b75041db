//! Several files in one window (`view A B …`): one camera over all, each shown or hidden by its
//! number key, flipped between, drawn in a colour of its own, or the second coloured by its
//! difference from the first.

use std::sync::Arc;

use super::App;
use crate::compare::{self, DiffOptions};
use crate::format::vertex::Vertex;
use crate::gpu::{ColorMode, FrameParams};
use crate::load::source::VertexSource;
use crate::load::VertexFile;
use crate::viewer::events::ViewerEvent;
use crate::viewer::scene::Scene;

/// The colours files are tinted in, by number: Tableau's ten categorical colours (through the
/// `colorous` crate), which stay apart on dark and light backgrounds.
fn tint(file: usize) -> [f32; 3] {
    let c = colorous::TABLEAU10[file % colorous::TABLEAU10.len()];
    [c.r, c.g, c.b].map(|v| f32::from(v) / 255.0)
}

/// Which of several files are shown, and how.
#[derive(Clone, Debug, Default)]
pub(super) struct FileView {
    /// Hidden files, by number (the first is 0).
    pub hidden: Vec<bool>,
    /// Each file drawn in a colour of its own.
    pub tinted: bool,
    /// The difference picture shown instead of the files.
    pub showing_difference: bool,
}

impl FileView {
    fn shown(&self, file: usize) -> bool {
        !self.showing_difference && !self.hidden.get(file).copied().unwrap_or(false)
    }
}

/// The scenes on screen, with the draw parameters of each: the first file's and the others'
/// that are shown, or the difference picture alone while it is shown.
pub(super) fn visible<'a>(
    first: &'a mut Option<Scene>,
    others: &'a mut [Scene],
    difference: &'a mut Option<Scene>,
    view: &FileView,
    params: &FrameParams,
) -> Vec<(&'a mut Scene, FrameParams)> {
    if view.showing_difference {
        return difference.iter_mut().map(|s| (s, *params)).collect();
    }
    first
        .iter_mut()
        .chain(others.iter_mut())
        .enumerate()
        .filter(|(i, _)| view.shown(*i))
        .map(|(i, scene)| {
            let mut p = *params;
            if view.tinted {
                p.color_mode = ColorMode::Tint(tint(i));
            }
            (scene, p)
        })
        .collect()
}

/// The scene of load `generation` among the first file's, the others' and the difference
/// picture's, borrowed apart from the rest of the app.
pub(super) fn scene_of<'a>(
    first: &'a mut Option<Scene>,
    others: &'a mut [Scene],
    difference: &'a mut Option<Scene>,
    generation: u64,
) -> Option<&'a mut Scene> {
    first
        .iter_mut()
        .chain(others.iter_mut())
        .chain(difference.iter_mut())
        .find(|s| s.generation == generation)
}

/// The difference picture: the second file's vertices coloured by their distance to the first's
/// (as `vertexview diff -o` draws them), or why there is none.
pub type Difference = Result<(String, Vec<Vertex>), String>;

impl App {
    /// Every scene, shown or not.
    pub(super) fn all_scenes(&mut self) -> impl Iterator<Item = &mut Scene> {
        self.scene
            .iter_mut()
            .chain(self.incoming.iter_mut())
            .chain(self.others.iter_mut())
            .chain(self.difference.iter_mut())
    }

    /// How many files are shown together.
    pub(super) fn file_count(&self) -> usize {
        1 + self.others.len()
    }

    /// Draw orders run on from one file to the next, as in `render`: ties at equal depth go to
    /// the earlier file.
    pub(super) fn place_orders(&mut self) {
        let mut base = self.scene.as_ref().map_or(0, |s| s.source.len());
        for scene in &mut self.others {
            scene.set_order_base(base);
            base += scene.source.len();
        }
    }

    /// The file (its source) and index within it of draw order `order`.
    pub(super) fn file_at_order(&self, order: u64) -> Option<(Arc<VertexSource>, u64)> {
        if self.view.showing_difference {
            let scene = self.difference.as_ref()?;
            return (order < scene.source.len()).then(|| (scene.source.clone(), order));
        }
        self.scene
            .iter()
            .chain(self.others.iter())
            .find(|s| (s.order_base()..s.order_base() + s.source.len()).contains(&order))
            .map(|s| (s.source.clone(), order - s.order_base()))
    }

    /// Shows or hides file `file` (number key `file + 1`).
    pub(super) fn toggle_file(&mut self, file: usize) {
        if file >= self.file_count() {
            return;
        }
        self.view.showing_difference = false;
        self.view.hidden.resize(self.file_count(), false);
        self.view.hidden[file] = !self.view.hidden[file];
    }

    /// Shows the next file alone: the first if several or none are shown.
    pub(super) fn flip(&mut self) {
        let n = self.file_count();
        self.view.showing_difference = false;
        self.view.hidden.resize(n, false);
        let shown: Vec<usize> = (0..n).filter(|&i| !self.view.hidden[i]).collect();
        let next = match shown[..] {
            [one] => (one + 1) % n,
            _ => 0,
        };
        for (i, hidden) in self.view.hidden.iter_mut().enumerate() {
            *hidden = i != next;
        }
    }

    /// The difference picture on or off; computed on a thread the first time.
    pub(super) fn toggle_difference(&mut self) {
        if self.view.showing_difference {
            self.view.showing_difference = false;
            return;
        }
        if self.difference.is_some() {
            self.view.showing_difference = true;
            return;
        }
        let (Some(a), Some(b)) = (self.scene.as_ref(), self.others.first()) else {
            self.status = Some("D needs two files: vertexview view A B".into());
            return;
        };
        if self.difference_pending {
            return;
        }
        self.difference_pending = true;
        self.status = Some("computing the difference…".into());
        let (a, b) = (a.source.clone(), b.source.clone());
        let proxy = self.proxy.clone();
        std::thread::spawn(move || {
            let _ = proxy.send_event(ViewerEvent::Difference(difference(&a, &b)));
        });
    }

    /// The difference picture has been computed: load it as a scene of its own, shown alone.
    pub(super) fn difference_ready(&mut self, difference: Difference) {
        self.difference_pending = false;
        match difference {
            Ok((summary, vertices)) => {
                let path = self.others.first().map(|s| s.source.path().to_owned());
                let file = VertexFile::from_vertices(path.unwrap_or_default(), vertices);
                let source = Arc::new(VertexSource::from_file(file));
                self.status = Some(summary);
                if let Some(scene) = self.new_scene(source) {
                    self.difference = Some(scene);
                    self.view.showing_difference = true;
                }
            }
            Err(message) => self.status = Some(format!("no difference picture: {message}")),
        }
        self.view_changed();
    }
}

/// `b` coloured by its difference from `a`, by index (`vertexview diff`'s default), with the
/// summary for the title.
fn difference(a: &VertexSource, b: &VertexSource) -> Difference {
    let options = DiffOptions::default();
    let report = compare::diff(a, b, &options, |_, _| {}).map_err(|e| e.to_string())?;
    let vertices = compare::colored_by_difference(a, b, &report, options.tolerance)
        .map_err(|e| e.to_string())?;
    let summary = format!(
        "difference: {} of {} moved, largest {:.3e}; {} colours changed",
        report.position_differs, report.compared, report.max_distance, report.color_differs
    );
    Ok((summary, vertices))
}
