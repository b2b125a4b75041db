//! Nothing lost, nothing alarming: outputs are written whole or not at all, inputs are never
//! overwritten, special files and bad flags get honest messages, and headless runs print only
//! vertexview's own lines.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::headless::*;

/// Runs with writes to regular files capped at `limit` bytes (`RLIMIT_FSIZE`), as a full disk
/// would stop them part-way. `SIGXFSZ` is ignored so that the write fails with `EFBIG` instead of
/// killing the process: vertexview must then report it and keep the old file.
fn run_with_file_size_limit(args: &[&str], limit: u64) -> Output {
    let mut command = vertexview();
    command.args(args);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let cap = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &cap) != 0
                || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().unwrap()
}

/// Temporary files vertexview left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// Asserts a failed run: exit 1, one line of stderr that starts `vertexview:` and contains `what`.
fn assert_one_line_error(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("vertexview: ") && err.contains(what),
        "expected {what:?} in: {err}"
    );
}

#[test]
fn a_write_that_fails_part_way_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(dir.path(), "helix.bin", "helix", "2000");
    let old = b"the previous content, which must survive".to_vec();

    // render -o: the PNG is larger than the limit.
    let png = dir.path().join("out.png");
    std::fs::write(&png, &old).unwrap();
    let out = run_with_file_size_limit(
        &["render", &s(&data), "-o", &s(&png), "--size", "256x256"],
        1000,
    );
    assert_one_line_error(&out, "File too large");
    assert_eq!(std::fs::read(&png).unwrap(), old, "render -o");

    // gen -o: 100 000 vertices are 2 MB.
    let bin = dir.path().join("big.bin");
    std::fs::write(&bin, &old).unwrap();
    let out = run_with_file_size_limit(
        &[
            "gen",
            "--shape",
            "cube",
            "--count",
            "100000",
            "-o",
            &s(&bin),
        ],
        100_000,
    );
    assert_one_line_error(&out, "cannot write");
    assert_eq!(std::fs::read(&bin).unwrap(), old, "gen -o");

    // A missing reference is written from the render: a failed write leaves none at all.
    let reference = dir.path().join("ref.png");
    let out = run_with_file_size_limit(
        &[
            "render",
            &s(&data),
            "-o",
            "/dev/null",
            "--size",
            "256x256",
            "--reference",
            &s(&reference),
        ],
        1000,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines().last().unwrap().starts_with("vertexview: ")
            && err.contains("ref.png: File too large"),
        "{err}"
    );
    assert!(!reference.exists());

    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn a_killed_write_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dump.bin");
    std::fs::write(&target, b"precious").unwrap();
    let mut child = vertexview()
        .args(["gen", "--shape", "cube", "--count", "10000000"])
        .args(["-o", &s(&target)])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the temporary file to grow, then kill without warning.
    let started = Instant::now();
    loop {
        let growing = std::fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".tmp")
                && e.metadata().unwrap().len() > 1_000_000
        });
        if growing {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "gen never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
}

#[test]
fn ctrl_c_stops_a_long_write_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dump.bin");
    std::fs::write(&target, b"precious").unwrap();
    let child = vertexview()
        .args(["gen", "--shape", "cube", "--count", "10000000"])
        .args(["-o", &s(&target)])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while leftovers(dir.path()).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a plain kill(2) of our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "vertexview: interrupted; {} was left as it was",
            target.display()
        )
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn an_output_that_is_the_input_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(dir.path(), "dump.bin", "sphere", "100");
    let before = std::fs::read(&data).unwrap();
    let link = dir.path().join("link.png");
    std::os::unix::fs::symlink("dump.bin", &link).unwrap();
    let hard = dir.path().join("hard.png");
    std::fs::hard_link(&data, &hard).unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();

    for output in [
        "dump.bin",
        "./dump.bin",
        "sub/../dump.bin",
        "link.png",
        "hard.png",
    ] {
        let out = vertexview()
            .args(["render", "dump.bin", "-o", output])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_one_line_error(&out, "is the input file dump.bin; refusing to overwrite it");
        assert_eq!(std::fs::read(&data).unwrap(), before, "-o {output}");
    }
    // The input given through a link, the output by its own name.
    let out = vertexview()
        .args(["render", "link.png", "-o", "dump.bin"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_one_line_error(&out, "refusing to overwrite it");
    // The reference is read, never overwritten by the output.
    let out = vertexview()
        .args(["render", "dump.bin", "-o", "a.png", "--reference", "a.png"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_one_line_error(&out, "is both the output and the reference");
    assert!(!dir.path().join("a.png").exists());
    assert_eq!(std::fs::read(&data).unwrap(), before);
}

#[test]
fn gen_refuses_a_count_that_does_not_fit_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.bin");
    let started = Instant::now();
    let out = run(&[
        "gen",
        "--shape",
        "cube",
        "--count",
        "99999999999999",
        "-o",
        &s(&huge),
    ]);
    assert_one_line_error(&out, "huge.bin: 1999999999999980 bytes do not fit in the ");
    assert!(stderr(&out).ends_with("bytes free on its filesystem"));
    assert!(!huge.exists() && leftovers(dir.path()).is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused up front"
    );
    let out = run(&[
        "gen",
        "--shape",
        "cube",
        "--count",
        "18446744073709551615",
        "-o",
        &s(&huge),
    ]);
    assert_one_line_error(&out, "more than any file can hold");
}

#[test]
fn special_files_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("sock");
    let _socket = std::os::unix::net::UnixListener::bind(&socket_path).unwrap();
    let png = dir.path().join("o.png");
    let cases = [
        ("/dev/null", "/dev/null: is a character device, not a vertex file"),
        ("/dev/zero", "/dev/zero: is a character device, not a vertex file"),
        ("/proc/self/status", "/proc/self/status: is a kernel file (/proc or /sys) whose reported size is not its content, not a vertex file"),
        ("/sys/kernel/mm/transparent_hugepage/enabled", "is a kernel file (/proc or /sys)"),
        (dir.path().to_str().unwrap(), "is a directory, not a vertex file"),
        (socket_path.to_str().unwrap(), "sock: is a socket, not a vertex file"),
    ];
    for (path, message) in cases {
        if !Path::new(path).exists() {
            assert!(path.starts_with("/sys"), "{path} is missing");
            continue;
        }
        for args in [
            vec!["inspect", path],
            vec!["render", path, "-o", png.to_str().unwrap()],
        ] {
            let out = run(&args);
            assert_one_line_error(&out, message);
        }
    }
    assert!(!png.exists());
}

#[test]
fn pipes_and_stdin_are_read_as_streams() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(dir.path(), "cube.bin", "cube", "1000");
    let bytes = std::fs::read(&data).unwrap();
    let expected = vertexview()
        .args(["inspect", &s(&data)])
        .output()
        .unwrap()
        .stdout;

    // stdin as `-`.
    let mut child = vertexview()
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("file         <stdin>\n"), "{text}");
    let same_after_name = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        same_after_name(&text),
        same_after_name(&String::from_utf8_lossy(&expected))
    );

    // A named pipe.
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer = {
        let fifo = fifo.clone();
        let bytes = bytes.clone();
        std::thread::spawn(move || std::fs::write(fifo, bytes).unwrap())
    };
    let png = dir.path().join("fifo.png");
    let out = run(&["render", &s(&fifo), "-o", &s(&png), "--size", "32x32"]);
    writer.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("wrote {} (32x32)", png.display()));

    // A stream of a bad length is refused with its numbers, as a file is.
    let mut child = vertexview()
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &[0; 1007]).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_one_line_error(
        &out,
        "<stdin>: 1007 bytes is not a whole number of 20-byte vertices",
    );
}

#[test]
fn every_float_flag_refuses_nan_and_infinity_as_a_usage_error() {
    let flags = [
        "--yaw",
        "--pitch",
        "--distance",
        "--point-size",
        "--threshold",
    ];
    for flag in flags {
        for value in ["nan", "NaN", "inf", "-inf", "infinity"] {
            let mut args = vec!["render", "x.bin", "-o", "x.png", flag, value];
            if flag == "--threshold" {
                args.extend(["--reference", "r.png"]);
            }
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{flag} {value}");
            let err = stderr(&out);
            assert!(
                err.contains(&format!("invalid value '{value}' for '{flag}"))
                    && err.contains("is not a finite number"),
                "{flag} {value}: {err}"
            );
        }
    }
    for value in ["nan,0,0", "0,inf,0"] {
        let out = run(&["render", "x.bin", "-o", "x.png", "--target", value]);
        assert_eq!(out.status.code(), Some(2), "--target {value}");
    }
}

#[test]
fn a_headless_render_prints_only_its_own_lines() {
    let dir = tempfile::tempdir().unwrap();
    let data = gen(dir.path(), "s.bin", "sphere", "500");
    let png = dir.path().join("s.png");
    let out = run(&["render", &s(&data), "-o", &s(&png), "--size", "64x48"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("wrote {} (64x48)\n", png.display())
    );
    assert!(out.stdout.is_empty());
}
