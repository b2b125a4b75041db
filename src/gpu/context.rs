//! [`GpuContext`]: an adapter, device and queue with errors routed to values instead of panics.

use std::sync::{Arc, Mutex};

use super::error::GpuError;

/// A device and queue for vertexview's own uses (the CLI, headless tests, the viewer). Engines
/// that own a device do not need one: every drawing type takes a `&wgpu::Device`. A clone shares
/// the device (wgpu's handles are shared references) and the error slot, for work on another
/// thread.
#[derive(Clone)]
pub struct GpuContext {
    /// The instance the adapter came from (a window's surface is created from it).
    pub instance: wgpu::Instance,
    /// The adapter.
    pub adapter: wgpu::Adapter,
    /// The device.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
    errors: Arc<Mutex<Option<GpuError>>>,
}

/// Which optional features a [`GpuContext`] asks of its adapter, each only where the adapter
/// has it. The default asks for both; turning one off makes the device behave as one without
/// it, which is how the tests force the staged-upload and 32-bit paths on any adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceOptions {
    /// Vertex buffers the CPU maps (`MAPPABLE_PRIMARY_BUFFERS`, asked for on CPU and
    /// integrated adapters only): pieces are read straight into GPU memory. Without it every
    /// upload goes through a staging copy, as on a discrete GPU.
    pub mapped_buffers: bool,
    /// 64-bit atomic min/max (`SHADER_INT64_ATOMIC_MIN_MAX`): the compute rasteriser's two-pass
    /// path. Without it the three-pass 32-bit path, as on GL and the web.
    pub atomics64: bool,
}

impl Default for DeviceOptions {
    fn default() -> DeviceOptions {
        DeviceOptions {
            mapped_buffers: true,
            atomics64: true,
        }
    }
}

impl DeviceOptions {
    /// The default, less what the environment turns off: `VERTEXVIEW_MAPPED_BUFFERS=0` stages
    /// every upload and `VERTEXVIEW_ATOMICS64=0` keeps to 32-bit atomics, so that a whole
    /// `vertexview` process can be measured on the paths a discrete GPU or GL takes.
    pub fn from_env() -> DeviceOptions {
        let off = |name: &str| std::env::var_os(name).is_some_and(|v| v == "0");
        DeviceOptions {
            mapped_buffers: !off("VERTEXVIEW_MAPPED_BUFFERS"),
            atomics64: !off("VERTEXVIEW_ATOMICS64"),
        }
    }
}

impl GpuContext {
    /// A context with no surface, honouring `WGPU_BACKEND` and friends and
    /// [`DeviceOptions::from_env`]. Blocks until ready.
    pub fn headless() -> Result<GpuContext, GpuError> {
        Self::headless_with(DeviceOptions::from_env())
    }

    /// [`headless`](Self::headless) with a choice of optional features.
    pub fn headless_with(options: DeviceOptions) -> Result<GpuContext, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        Self::create(instance, None, options)
    }

    /// A context on `instance`, with an adapter able to present to `surface` if given. Blocks.
    pub fn with_instance(
        instance: wgpu::Instance,
        surface: Option<&wgpu::Surface<'_>>,
    ) -> Result<GpuContext, GpuError> {
        Self::create(instance, surface, DeviceOptions::from_env())
    }

    fn create(
        instance: wgpu::Instance,
        surface: Option<&wgpu::Surface<'_>>,
        options: DeviceOptions,
    ) -> Result<GpuContext, GpuError> {
        let adapter =
            pollster::block_on(
                instance.request_adapter(&wgpu::RequestAdapterOptions {
                    power_preference: wgpu::PowerPreference::from_env()
                        .unwrap_or(wgpu::PowerPreference::HighPerformance),
                    force_fallback_adapter: false,
                    compatible_surface: surface,
                    apply_limit_buckets: false,
                }),
            )
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        // Ask for what the adapter has, not wgpu's defaults: big files need the adapter's full
        // buffer size, not 256 MiB.
        // 64-bit atomic min/max lets the compute rasteriser keep depth and draw order in one
        // atomic: two passes instead of three.
        let int64 = wgpu::Features::SHADER_INT64 | wgpu::Features::SHADER_INT64_ATOMIC_MIN_MAX;
        let mut features = adapter.features() & int64;
        if features != int64 || !options.atomics64 {
            features = wgpu::Features::empty();
        }
        if options.mapped_buffers && maps_directly(&adapter.get_info()) {
            features |= adapter.features() & wgpu::Features::MAPPABLE_PRIMARY_BUFFERS;
        }
        let (device, queue) =
            pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
                label: Some("vertexview"),
                required_features: features,
                required_limits: adapter.limits(),
                ..Default::default()
            }))?;
        let errors: Arc<Mutex<Option<GpuError>>> = Arc::default();
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            let mut slot = sink.lock().unwrap_or_else(|poison| poison.into_inner());
            slot.get_or_insert(GpuError::from_wgpu(error));
        }));
        let sink = errors.clone();
        device.set_device_lost_callback(move |reason, message| {
            // Dropping the device on purpose is not an error worth reporting.
            if reason != wgpu::DeviceLostReason::Destroyed {
                let mut slot = sink.lock().unwrap_or_else(|poison| poison.into_inner());
                slot.get_or_insert(GpuError::DeviceLost(message));
            }
        });
        Ok(GpuContext {
            instance,
            adapter,
            device,
            queue,
            errors,
        })
    }

    /// The first GPU error not caught by an error scope since the last call, if any.
    pub fn take_error(&self) -> Option<GpuError> {
        self.errors
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take()
    }

    /// The adapter's name and backend, such as `llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)`.
    pub fn adapter_name(&self) -> String {
        let info = self.adapter.get_info();
        format!("{} ({:?})", info.name, info.backend)
    }
}

/// Whether an adapter's memory is the CPU's, so a vertex buffer can be mapped and written in
/// place (with `MAPPABLE_PRIMARY_BUFFERS`) instead of through a staging copy.
pub fn maps_directly(info: &wgpu::AdapterInfo) -> bool {
    matches!(
        info.device_type,
        wgpu::DeviceType::Cpu | wgpu::DeviceType::IntegratedGpu
    )
}

/// Runs `work` inside validation and out-of-memory error scopes, and turns what they catch into
/// a [`GpuError`]. Blocks until the scopes are popped.
pub fn catch_errors<T>(device: &wgpu::Device, work: impl FnOnce() -> T) -> Result<T, GpuError> {
    let oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    // A backend that fails to compile a shader or link a pipeline (GL) says so as internal.
    let internal = device.push_error_scope(wgpu::ErrorFilter::Internal);
    let validation = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let value = work();
    let validation = pollster::block_on(validation.pop());
    let internal = pollster::block_on(internal.pop());
    let oom = pollster::block_on(oom.pop());
    match oom.or(internal).or(validation) {
        Some(error) => Err(GpuError::from_wgpu(error)),
        None => Ok(value),
    }
}

/// Maps all of `buffer` for `mode` and waits until the mapping is ready; the error says why not.
pub(crate) fn map_blocking(
    device: &wgpu::Device,
    buffer: &wgpu::Buffer,
    mode: wgpu::MapMode,
) -> Result<(), String> {
    map_blocking_after(device, buffer, mode, 0..buffer.size(), None)
}

/// Maps `range` of `buffer` for `mode`, waiting only for `submission` (the last that used the
/// buffer) rather than for all work submitted since: what lets the next piece be read while the
/// GPU draws the previous one.
pub(crate) fn map_blocking_after(
    device: &wgpu::Device,
    buffer: &wgpu::Buffer,
    mode: wgpu::MapMode,
    range: std::ops::Range<u64>,
    submission: Option<wgpu::SubmissionIndex>,
) -> Result<(), String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    buffer.map_async(mode, range, move |result| {
        // The receiver waits below; a failed send only means it gave up.
        let _ = sender.send(result);
    });
    let wait = |submission_index| {
        device
            .poll(wgpu::PollType::Wait {
                submission_index,
                timeout: None,
            })
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    if submission.is_some() {
        wait(submission)?;
    }
    if let Ok(result) = receiver.try_recv() {
        return result.map_err(|e| e.to_string());
    }
    // A buffer the GPU is not using maps at the next poll: look without waiting first, since
    // waiting waits for all work queued (another thread's frame, say), not just this buffer's.
    device
        .poll(wgpu::PollType::Poll)
        .map_err(|e| e.to_string())?;
    if let Ok(result) = receiver.try_recv() {
        return result.map_err(|e| e.to_string());
    }
    wait(None)?;
    receiver
        .recv()
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}
