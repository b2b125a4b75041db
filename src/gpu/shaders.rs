//! The WGSL sources, as the device compiles them: `shaders/common.wgsl` (the frame's parameters
//! and the projection every path shares) before each program.

/// The WGSL shared by every point shader (`shaders/common.wgsl`).
pub const COMMON_SOURCE: &str = include_str!("../../shaders/common.wgsl");

/// The WGSL of a point's colour (`shaders/shade.wgsl`), after [`COMMON_SOURCE`] in the programs
/// that colour points.
pub const SHADE_SOURCE: &str = include_str!("../../shaders/shade.wgsl");

/// The WGSL of the pipeline path: `shaders/common.wgsl`, `shaders/shade.wgsl`, then
/// `shaders/points.wgsl`.
pub const SHADER_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/shade.wgsl"),
    include_str!("../../shaders/points.wgsl")
);

/// The WGSL of the compute passes that need only 32-bit atomics: `shaders/common.wgsl`,
/// `shaders/shade.wgsl`, then `shaders/raster.wgsl`.
pub const RASTER_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/shade.wgsl"),
    include_str!("../../shaders/raster.wgsl")
);

/// The WGSL of all compute passes, the 64-bit one included: [`RASTER_SOURCE`] then
/// `shaders/raster64.wgsl`.
pub const RASTER64_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/shade.wgsl"),
    include_str!("../../shaders/raster.wgsl"),
    include_str!("../../shaders/raster64.wgsl")
);

/// The WGSL of the resolve: `shaders/common.wgsl` then `shaders/resolve.wgsl`.
pub const RESOLVE_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/resolve.wgsl")
);

/// The WGSL of eye-dome lighting over a depth texture: `shaders/common.wgsl` then
/// `shaders/eye_dome.wgsl`.
pub const EYE_DOME_SOURCE: &str = concat!(
    include_str!("../../shaders/common.wgsl"),
    include_str!("../../shaders/eye_dome.wgsl")
);
