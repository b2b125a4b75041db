//! Cameras: an orbit camera that frames a bounding box, and the identity for clip-space dumps.

use glam::{Mat4, Vec2, Vec3};

use crate::format::stats::Bounds;

/// Default yaw of the fit camera, in degrees: from the front, a little to the right.
pub const DEFAULT_YAW: f32 = 30.0;
/// Default pitch of the fit camera, in degrees: a little from above.
pub const DEFAULT_PITCH: f32 = 20.0;
/// Vertical field of view, in degrees.
pub const FOV_Y: f32 = 45.0;

/// The turn that puts a file's up axis where the cameras keep it (y): the identity for y-up
/// files; for z-up ones (x, y, z) → (x, z, −y), so z points up on screen and x stays right.
pub fn up_matrix(up: crate::format::Up) -> glam::Mat4 {
    match up {
        crate::format::Up::Y => glam::Mat4::IDENTITY,
        crate::format::Up::Z => glam::Mat4::from_cols(
            glam::Vec4::X,
            glam::Vec4::new(0.0, 0.0, -1.0, 0.0),
            glam::Vec4::Y,
            glam::Vec4::W,
        ),
    }
}

/// `bounds` turned by [`up_matrix`]: the box the cameras frame.
pub fn turned_bounds(bounds: Option<Bounds>, up: crate::format::Up) -> Option<Bounds> {
    let m = up_matrix(up);
    bounds.map(|b| {
        let (a, c) = (m.transform_point3(b.min), m.transform_point3(b.max));
        Bounds {
            min: a.min(c),
            max: a.max(c),
        }
    })
}

/// How positions become clip space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CameraMode {
    /// Perspective, aimed at the centre of the finite positions' box and far enough back to see it
    /// all, looking from `yaw` and `pitch` degrees.
    Fit {
        /// Degrees around the vertical axis; 0 looks from +z, 90 from +x.
        yaw: f32,
        /// Degrees above the horizon.
        pitch: f32,
    },
    /// A camera placed by hand (as the viewer's `P` key prints it): looking at `target` from
    /// `distance` away, at `yaw` and `pitch` degrees.
    Orbit {
        /// The point looked at.
        target: Vec3,
        /// Distance from the target to the eye.
        distance: f32,
        /// Degrees around the vertical axis.
        yaw: f32,
        /// Degrees above the horizon.
        pitch: f32,
    },
    /// Positions already are clip-space coordinates with w = 1 (x right, y up, z 0 nearest to 1).
    Ndc,
}

impl Default for CameraMode {
    fn default() -> Self {
        CameraMode::Fit {
            yaw: DEFAULT_YAW,
            pitch: DEFAULT_PITCH,
        }
    }
}

impl CameraMode {
    /// The view-projection matrix for data inside `bounds` on a target of `aspect` (width/height).
    pub fn view_proj(self, bounds: Option<Bounds>, aspect: f32) -> Mat4 {
        self.orbit_camera(bounds, aspect)
            .map_or(Mat4::IDENTITY, |camera| camera.view_proj(aspect))
    }

    /// The orbit camera this mode places for data inside `bounds`; `None` for [`CameraMode::Ndc`].
    pub fn orbit_camera(self, bounds: Option<Bounds>, aspect: f32) -> Option<OrbitCamera> {
        match self {
            CameraMode::Fit { yaw, pitch } => Some(OrbitCamera::fit(bounds, yaw, pitch, aspect)),
            CameraMode::Orbit {
                target,
                distance,
                yaw,
                pitch,
            } => Some(OrbitCamera {
                target,
                distance,
                ..OrbitCamera::fit(bounds, yaw, pitch, aspect)
            }),
            CameraMode::Ndc => None,
        }
    }
}

/// A perspective camera orbiting a target: what the viewer moves and `render` reproduces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbitCamera {
    /// The point looked at and orbited around.
    pub target: Vec3,
    /// Distance from the target to the eye.
    pub distance: f32,
    /// Degrees around the vertical axis; 0 looks from +z.
    pub yaw: f32,
    /// Degrees above the horizon, kept within ±89.
    pub pitch: f32,
    /// Centre of the sphere around the data, for the near and far planes.
    pub scene_center: Vec3,
    /// Radius of that sphere.
    pub scene_radius: f32,
}

const MAX_PITCH: f32 = 89.0;

impl OrbitCamera {
    /// A camera looking from `yaw`, `pitch` at the centre of `bounds`, just far enough back for
    /// the whole box to be in view on a target of `aspect`. Without bounds (no finite position)
    /// it frames the unit cube. A box of zero size (one point) gets a small radius so that it
    /// still shows, centred.
    pub fn fit(bounds: Option<Bounds>, yaw: f32, pitch: f32, aspect: f32) -> OrbitCamera {
        let (center, radius) = sphere_around(bounds);
        let aspect = if aspect.is_finite() && aspect > 0.0 {
            aspect
        } else {
            1.0
        };
        let mut camera = OrbitCamera {
            target: center,
            distance: 0.0,
            yaw,
            pitch: pitch.clamp(-MAX_PITCH, MAX_PITCH),
            scene_center: center,
            scene_radius: radius,
        };
        // Back off until every corner of the box is inside the frustum: a corner at lateral
        // offset (x, y) and depth z towards the eye needs d ≥ z + |x| / tan(h) and
        // d ≥ z + |y| / tan(v). Tighter than the bounding sphere for flat or long data.
        let tan_v = (FOV_Y.to_radians() * 0.5).tan();
        let tan_h = tan_v * aspect;
        let view = camera.view();
        let (right, up, back) = (
            view.row(0).truncate(),
            view.row(1).truncate(),
            view.row(2).truncate(),
        );
        let half = bounds.map_or(Vec3::ONE, |b| b.max * 0.5 - b.min * 0.5);
        let mut distance = 0.0f32;
        for i in 0..8 {
            let sign = |bit: u32| if i & bit == 0 { -1.0 } else { 1.0 };
            let corner = half * Vec3::new(sign(1), sign(2), sign(4));
            let z = corner.dot(back);
            distance = distance
                .max(z + corner.dot(right).abs() / tan_h)
                .max(z + corner.dot(up).abs() / tan_v);
        }
        // A little margin; and a floor so that one point, or a box seen edge-on, still has
        // the eye in front of it.
        let floor = point_radius(center) / tan_v.min(tan_h).atan().sin();
        camera.distance = (distance * 1.05).max(floor).min(f32::MAX / 4.0);
        camera
    }

    /// Unit vector from the target towards the eye.
    pub fn direction(&self) -> Vec3 {
        let (yaw, pitch) = (self.yaw.to_radians(), self.pitch.to_radians());
        Vec3::new(
            pitch.cos() * yaw.sin(),
            pitch.sin(),
            pitch.cos() * yaw.cos(),
        )
    }

    /// Where the eye is.
    pub fn eye(&self) -> Vec3 {
        self.target + self.direction() * self.distance
    }

    /// World to view space.
    pub fn view(&self) -> Mat4 {
        // look_to, not look_at: look_at normalises eye − target, whose squared length overflows
        // f32 for data near 1e30. The direction is a unit vector already.
        Mat4::look_to_rh(self.eye(), -self.direction(), Vec3::Y)
    }

    /// View to clip space (depth 0 near, 1 far), planes hugging the data's sphere.
    pub fn projection(&self, aspect: f32) -> Mat4 {
        let aspect = if aspect.is_finite() && aspect > 0.0 {
            aspect
        } else {
            1.0
        };
        let to_center = length(self.eye() - self.scene_center);
        let far = (to_center + self.scene_radius).max(f32::MIN_POSITIVE * 1e6);
        let near = (to_center - self.scene_radius).max(far * 1e-4);
        Mat4::perspective_rh(FOV_Y.to_radians(), aspect, near, far * 1.001)
    }

    /// World to clip space.
    pub fn view_proj(&self, aspect: f32) -> Mat4 {
        self.projection(aspect) * self.view()
    }

    /// Turns the camera around its target by degrees.
    pub fn orbit(&mut self, yaw: f32, pitch: f32) {
        self.yaw = (self.yaw + yaw).rem_euclid(360.0);
        self.pitch = (self.pitch + pitch).clamp(-MAX_PITCH, MAX_PITCH);
    }

    /// This camera as a [`CameraMode`] that `render` reproduces.
    pub fn mode(&self) -> CameraMode {
        CameraMode::Orbit {
            target: self.target,
            distance: self.distance,
            yaw: self.yaw,
            pitch: self.pitch,
        }
    }

    /// Moves target and eye together so the data follows a drag of `pixels` (x right, y down) on
    /// a target `height` pixels tall.
    pub fn pan(&mut self, pixels: Vec2, height: f32) {
        let world_per_pixel =
            2.0 * self.distance * (FOV_Y.to_radians() * 0.5).tan() / height.max(1.0);
        let view = self.view();
        let right = view.row(0).truncate();
        let up = view.row(1).truncate();
        self.target += (-right * pixels.x + up * pixels.y) * world_per_pixel;
    }

    /// Moves the eye `factor` times closer (< 1 moves away), keeping `anchor` (a world point under
    /// the cursor) where it appears on screen.
    pub fn zoom(&mut self, factor: f32, anchor: Option<Vec3>) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let new_distance =
            (self.distance / factor).clamp(self.scene_radius * 1e-4, self.scene_radius * 1e4);
        let moved = 1.0 - new_distance / self.distance;
        if let Some(anchor) = anchor.filter(|a| a.is_finite()) {
            // Sliding the target towards the anchor by the same fraction keeps the anchor's
            // screen position fixed under a perspective projection.
            self.target += (anchor - self.target) * moved;
        }
        self.distance = new_distance;
    }

    /// The world point under pixel `cursor` of a `size` target, on the plane through the target
    /// facing the camera: where wheel zoom aims.
    pub fn point_under(&self, cursor: Vec2, size: Vec2) -> Vec3 {
        let ndc = Vec2::new(cursor.x / size.x * 2.0 - 1.0, 1.0 - cursor.y / size.y * 2.0);
        let half_y = (FOV_Y.to_radians() * 0.5).tan();
        let view = self.view();
        let (right, up) = (view.row(0).truncate(), view.row(1).truncate());
        let aspect = size.x / size.y.max(1.0);
        self.target + (right * ndc.x * half_y * aspect + up * ndc.y * half_y) * self.distance
    }
}

/// Length of `v` without overflow: `Vec3::length` squares first, which overflows f32 from 1e19.
fn length(v: Vec3) -> f32 {
    let scale = v.abs().max_element();
    if scale > 0.0 && scale.is_finite() {
        (v / scale).length() * scale
    } else {
        v.length()
    }
}

/// Centre and radius of a sphere around `bounds`, finite even for boxes near ±f32::MAX.
fn sphere_around(bounds: Option<Bounds>) -> (Vec3, f32) {
    let Some(b) = bounds else {
        return (Vec3::ZERO, 3f32.sqrt());
    };
    let center = b.center();
    let radius = length(b.max * 0.5 - b.min * 0.5);
    (center, radius.max(point_radius(center)).min(f32::MAX / 8.0))
}

/// The radius given to a single point at `center`: any radius frames it, so keep it relative to
/// where it is, where f32 can still tell the eye from the target.
fn point_radius(center: Vec3) -> f32 {
    (center.abs().max_element() * 1e-4).max(1e-3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec4Swizzles;

    fn project(m: Mat4, p: Vec3) -> Vec3 {
        let c = m * p.extend(1.0);
        c.xyz() / c.w
    }

    fn assert_in_view(m: Mat4, p: Vec3) {
        let n = project(m, p);
        assert!(
            n.x.abs() <= 1.0 && n.y.abs() <= 1.0 && (0.0..=1.0).contains(&n.z),
            "{p} -> {n}"
        );
    }

    #[test]
    fn fit_keeps_every_corner_in_view_and_centre_in_the_middle() {
        let b = Bounds {
            min: Vec3::new(-3.0, 10.0, 5.0),
            max: Vec3::new(7.0, 12.0, 40.0),
        };
        for (yaw, pitch, aspect) in [
            (30.0, 20.0, 16.0 / 9.0),
            (0.0, 0.0, 1.0),
            (200.0, -80.0, 0.3),
        ] {
            let m = CameraMode::Fit { yaw, pitch }.view_proj(Some(b), aspect);
            for i in 0..8 {
                let corner = Vec3::select(
                    glam::BVec3::new(i & 1 != 0, i & 2 != 0, i & 4 != 0),
                    b.max,
                    b.min,
                );
                assert_in_view(m, corner);
            }
            let c = project(m, b.center());
            assert!(c.x.abs() < 1e-5 && c.y.abs() < 1e-5, "{c}");
        }
    }

    #[test]
    fn degenerate_boxes_still_show_their_points_centred() {
        for p in [Vec3::ZERO, Vec3::new(1e30, -1e30, 5.0), Vec3::splat(-7.5)] {
            let m = CameraMode::default().view_proj(Some(Bounds { min: p, max: p }), 1.5);
            let n = project(m, p);
            assert!(
                n.x.abs() < 1e-3 && n.y.abs() < 1e-3 && (0.0..=1.0).contains(&n.z),
                "{p} -> {n}"
            );
        }
        let huge = Bounds {
            min: Vec3::splat(-1e30),
            max: Vec3::splat(1e30),
        };
        let m = CameraMode::default().view_proj(Some(huge), 1.0);
        assert!(m.is_finite());
        assert_in_view(m, huge.min);
        assert_in_view(m, huge.max);
        let extreme = Bounds {
            min: Vec3::splat(-f32::MAX),
            max: Vec3::splat(f32::MAX),
        };
        assert!(CameraMode::default()
            .view_proj(Some(extreme), 1.0)
            .is_finite());
        assert!(CameraMode::default().view_proj(None, 1.0).is_finite());
    }

    #[test]
    fn orbit_wraps_yaw_and_clamps_pitch() {
        let mut cam = OrbitCamera::fit(None, 350.0, 0.0, 1.0);
        cam.orbit(20.0, 200.0);
        assert!((cam.yaw - 10.0).abs() < 1e-4);
        assert_eq!(cam.pitch, 89.0);
        let before = (cam.eye() - cam.target).length();
        cam.orbit(45.0, -30.0);
        assert!(
            ((cam.eye() - cam.target).length() - before).abs() < 1e-4,
            "orbit keeps distance"
        );
    }

    #[test]
    fn pan_moves_the_data_with_the_cursor() {
        let mut cam = OrbitCamera::fit(None, 0.0, 0.0, 1.0);
        let m0 = cam.view_proj(1.0);
        let p = Vec3::ZERO;
        let before = project(m0, p);
        cam.pan(Vec2::new(100.0, 0.0), 400.0);
        let after = project(cam.view_proj(1.0), p);
        // 100 of 400 pixels is a quarter of the height: half a unit of NDC.
        assert!(
            (after.x - before.x - 0.5).abs() < 1e-3,
            "{before} -> {after}"
        );
        assert!((after.y - before.y).abs() < 1e-4);
    }

    #[test]
    fn zoom_keeps_the_anchor_still_and_stays_in_range() {
        let mut cam = OrbitCamera::fit(None, 10.0, 10.0, 1.0);
        let size = Vec2::new(800.0, 800.0);
        let anchor = cam.point_under(Vec2::new(600.0, 200.0), size);
        let before = project(cam.view_proj(1.0), anchor);
        cam.zoom(2.0, Some(anchor));
        let after = project(cam.view_proj(1.0), anchor);
        assert!(
            (before.truncate() - after.truncate()).length() < 1e-3,
            "{before} -> {after}"
        );
        let d = cam.distance;
        cam.zoom(f32::NAN, None);
        cam.zoom(0.0, None);
        assert_eq!(cam.distance, d);
        for _ in 0..100 {
            cam.zoom(10.0, None);
        }
        assert!(cam.distance >= cam.scene_radius * 1e-4 * 0.999);
    }
}
