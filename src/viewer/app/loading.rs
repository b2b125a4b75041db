//! Loading files onto the GPU, from the event loop's side: starting a load (a reload, another
//! file shown with the first, the difference picture), and what the loading and fill-in threads
//! report, routed to the scene it is for.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{files, App};
use crate::load::source::VertexSource;
use crate::viewer::events::{LoadEvent, LoadFailure, StreamedPiece};
use crate::viewer::loader::{self, LoadTarget};
use crate::viewer::scene::Scene;

impl App {
    /// Starts loading `source` onto the GPU as the first file. Until its first piece arrives,
    /// what is on screen stays there.
    pub(super) fn load(&mut self, source: Arc<VertexSource>) {
        // A reload: the version on screen stops loading, and so does one still on its way.
        if let Some(scene) = &self.scene {
            scene.cancel.store(true, Ordering::Relaxed);
        }
        let Some(scene) = self.new_scene(source) else {
            return;
        };
        if self.scene.is_none() {
            self.scene = Some(scene);
        } else {
            self.incoming = Some(scene);
        }
        self.update_title();
    }

    /// A scene for `source`, its loader started.
    pub(super) fn new_scene(&mut self, source: Arc<VertexSource>) -> Option<Scene> {
        let gpu = self.gpu.as_ref()?;
        self.generations += 1;
        // Pieces as large as one storage binding: each is one dispatch of the compute path, and
        // dispatches, not vertices, are what a frame of many small pieces spends its time on.
        let largest = crate::gpu::piece_vertices(&gpu.device);
        let mut per_piece = self.piece_vertices.unwrap_or(largest).clamp(1, largest);
        if source.is_coarse_first() && self.piece_vertices.is_none() {
            // Small enough that choosing pieces by the view chooses places.
            per_piece = per_piece.min(loader::COARSE_FIRST_PIECE);
        }
        let residency = loader::residency(&source, per_piece, self.budget.unwrap_or(0));
        let scene = Scene::new(
            source.clone(),
            self.generations,
            residency,
            per_piece,
            self.fills.clone(),
        );
        loader::spawn(
            self.proxy.clone(),
            LoadTarget {
                device: gpu.device.clone(),
                queue: gpu.queue.clone(),
                per_piece,
                view: self.load_view.clone(),
                capacity: residency.capacity,
            },
            source,
            residency.stride,
            self.generations,
            scene.cancel.clone(),
            self.fills.clone(),
        );
        Some(scene)
    }

    /// Keeps the last good data on screen, and says why the new data is not there; unless the
    /// file changed while it was read and is watched, when its next version is already on its
    /// way (a file written in place is read part-written at times, however long the watcher
    /// waits for writes to settle).
    pub(super) fn failed(&mut self, failure: LoadFailure) {
        if failure.file_changed && self.watcher.is_some() {
            return;
        }
        let message = failure.message;
        eprintln!("vertexview: {message}");
        self.status = Some(format!("error: {message}"));
        self.update_title();
    }

    pub(super) fn loaded(&mut self, generation: u64, event: LoadEvent) {
        // The scene this event is for: the one on screen, or the one replacing it.
        let is_incoming = self
            .incoming
            .as_ref()
            .is_some_and(|s| s.generation == generation);
        let current = self
            .scene
            .as_ref()
            .is_some_and(|s| s.generation == generation);
        if !is_incoming && !current {
            return self.other_loaded(generation, event);
        }
        match event {
            LoadEvent::Sampled(sample) => {
                let scene = if is_incoming {
                    self.incoming.as_mut()
                } else {
                    self.scene.as_mut()
                };
                if let (Some(scene), Some(gpu), Some(window)) = (scene, &self.gpu, &self.window) {
                    if let Err(e) = scene.add_sample(&gpu.device, &window.renderer, sample) {
                        self.failed(LoadFailure::from(e.to_string()));
                    }
                }
                if current {
                    self.bounds_improved();
                    if self.scene.as_ref().is_some_and(|s| s.has_work()) {
                        self.redraw();
                    }
                }
            }
            LoadEvent::Piece(piece) => {
                if is_incoming {
                    // The new data takes the screen as soon as it has something to show.
                    self.scene = self.incoming.take();
                    self.readout = None;
                    self.place_orders();
                    self.bounds_improved();
                    // The other files' pictures start again with it.
                    self.view_changed();
                }
                if let (Some(scene), Some(gpu), Some(window)) =
                    (&mut self.scene, &self.gpu, &self.window)
                {
                    if let Err(e) = scene.add(&gpu.device, &window.renderer, piece) {
                        self.failed(LoadFailure::from(e.to_string()));
                    }
                }
                // A frame only if the piece adds to the picture: one that is already complete
                // need not be resolved and presented again while the rest loads.
                if self.scene.as_ref().is_some_and(|s| s.has_work()) {
                    self.redraw();
                }
            }
            LoadEvent::Streamed(piece) => {
                self.streamed(generation, piece);
            }
            LoadEvent::Dropped(piece) => {
                let scene = match is_incoming {
                    true => self.incoming.as_mut(),
                    false => self.scene.as_mut(),
                };
                if let Some(scene) = scene {
                    scene.drop_piece(piece);
                }
            }
            LoadEvent::Settled => {
                let scene = match is_incoming {
                    true => self.incoming.as_mut(),
                    false => self.scene.as_mut(),
                };
                if let Some(scene) = scene {
                    scene.loading = false;
                }
                self.redraw();
            }
            LoadEvent::Done(stats) => {
                if is_incoming {
                    // An empty file: nothing ever arrived to take the screen.
                    self.scene = self.incoming.take();
                }
                // The camera and colours stay as the sample placed them, as `render` places
                // them, and so does the picture drawn so far.
                if let Some(scene) = &mut self.scene {
                    scene.stats = Some(stats);
                    scene.loading = false;
                }
                self.redraw();
            }
            LoadEvent::Failed(failure) => {
                if is_incoming {
                    self.incoming = None;
                } else if let Some(scene) = &mut self.scene {
                    scene.loading = false;
                }
                self.failed(failure);
                self.redraw();
            }
        }
        self.update_title();
    }

    /// News from the loader of a file shown with the first, or of the difference picture.
    pub(super) fn other_loaded(&mut self, generation: u64, event: LoadEvent) {
        let (Some(gpu), Some(window)) = (&self.gpu, &self.window) else {
            return;
        };
        // (The first file's events, and its replacement's, never come here: `loaded` takes them.)
        let Some(scene) = files::scene_of(
            &mut self.scene,
            &mut self.others,
            &mut self.difference,
            generation,
        ) else {
            return;
        };
        let (device, renderer) = (&gpu.device, &window.renderer);
        let mut framing = false;
        let added = match event {
            LoadEvent::Sampled(sample) => {
                framing = scene.sample.is_none();
                scene.add_sample(device, renderer, sample)
            }
            LoadEvent::Piece(piece) => scene.add(device, renderer, piece),
            LoadEvent::Streamed(piece) => scene.add_streamed(device, renderer, piece),
            LoadEvent::Dropped(piece) => {
                scene.drop_piece(piece);
                Ok(())
            }
            LoadEvent::Settled => {
                scene.loading = false;
                Ok(())
            }
            LoadEvent::Done(stats) => {
                scene.stats = Some(stats);
                scene.loading = false;
                Ok(())
            }
            LoadEvent::Failed(failure) => {
                scene.loading = false;
                self.failed(failure);
                return;
            }
        };
        let work = scene.has_work();
        if let Err(e) = added {
            self.failed(LoadFailure::from(e.to_string()));
        }
        if framing {
            // Its sample widens the bounds the camera frames.
            self.bounds_improved();
        }
        if work {
            self.redraw();
        }
        self.update_title();
    }

    pub(super) fn filled(&mut self, generation: u64, event: LoadEvent) {
        match event {
            LoadEvent::Streamed(piece) => self.streamed(generation, piece),
            LoadEvent::Failed(failure) => self.failed(failure),
            LoadEvent::Sampled(_)
            | LoadEvent::Piece(_)
            | LoadEvent::Dropped(_)
            | LoadEvent::Settled
            | LoadEvent::Done(_) => {}
        }
    }

    /// A whole piece on its way through: drawn once at rest.
    pub(super) fn streamed(&mut self, generation: u64, piece: StreamedPiece) {
        let (Some(gpu), Some(window)) = (&self.gpu, &self.window) else {
            return;
        };
        let Some(scene) = files::scene_of(
            &mut self.scene,
            &mut self.others,
            &mut self.difference,
            generation,
        ) else {
            return;
        };
        if let Err(e) = scene.add_streamed(&gpu.device, &window.renderer, piece) {
            self.failed(LoadFailure::from(e.to_string()));
        }
        self.redraw();
    }
}
