//! The executable as Mattermost starts it: refuses to run by hand, prints the handshake line at
//! once, and exits by itself when its connection breaks or carries garbage.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_plugin-host");

fn start() -> (Child, String) {
    let mut child = Command::new(EXE)
        .env("MATTERMOST_PLUGIN", "Securely message teams, anywhere.")
        .env("PLUGIN_PROTOCOL_VERSIONS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("handshake line");
    assert!(started.elapsed() < Duration::from_secs(3), "handshake took {:?}", started.elapsed());
    (child, line)
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the plugin did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn socket_path(line: &str) -> String {
    let parts: Vec<&str> = line.trim().split('|').collect();
    assert_eq!(parts.len(), 6, "handshake {line:?}");
    assert_eq!(&parts[..3], &["1", "1", "unix"]);
    assert_eq!(parts[4], "netrpc");
    assert_eq!(parts[5], "", "no TLS certificate");
    parts[3].to_owned()
}

#[test]
fn refuses_to_run_by_hand() {
    let out = Command::new(EXE).env_remove("MATTERMOST_PLUGIN").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("System Console"), "{err}");
}

#[test]
fn garbage_on_the_connection_ends_the_process_cleanly() {
    let (mut child, line) = start();
    let path = socket_path(&line);
    let mut conn = UnixStream::connect(&path).expect("connect");
    conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "a logged failure, not a crash: {status:?}");
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    assert!(err.contains("[ERROR]"), "the reason is logged: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!std::path::Path::new(&path).exists(), "socket file removed");
}

#[test]
fn a_dropped_connection_ends_the_process() {
    let (mut child, line) = start();
    let conn = UnixStream::connect(socket_path(&line)).expect("connect");
    drop(conn);
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.code().is_some(), "exited by itself: {status:?}");
}

#[test]
fn exits_when_the_server_process_dies() {
    // A shell stands in for the server: it starts the plugin, prints its pid, and is killed.
    let mut shell = Command::new("sh")
        .arg("-c")
        .arg(format!("\"{EXE}\" >/dev/null 2>&1 & echo $!; wait"))
        .env("MATTERMOST_PLUGIN", "Securely message teams, anywhere.")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn shell");
    let mut pid = String::new();
    BufReader::new(shell.stdout.take().expect("stdout")).read_line(&mut pid).expect("pid");
    let pid = pid.trim().to_owned();
    std::thread::sleep(Duration::from_millis(300));
    shell.kill().expect("kill the stand-in server");
    let _ = shell.wait();
    let proc_dir = format!("/proc/{pid}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::path::Path::new(&proc_dir).exists() {
        let state = std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap_or_default();
        // A zombie has exited; only its parent (now init) has not reaped it yet.
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(Instant::now() < deadline, "plugin {pid} outlived its server");
        std::thread::sleep(Duration::from_millis(50));
    }
}
