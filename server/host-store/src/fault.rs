//! What an admin reads when the database file cannot be used: which file, what is wrong with
//! it and what to do. SQLite's own words ("attempt to write a readonly database") name neither
//! the file nor the fix, and these messages reach the plugin log and the user who ran a command.

use std::path::Path;

use rusqlite::ErrorCode;

use crate::StoreError;

/// Why a file-backed database failed, for the kinds an admin can fix.
enum Fault {
    ReadOnly,
    DiskFull,
    CannotOpen,
    Io,
}

fn fault_of(e: &rusqlite::Error) -> Option<Fault> {
    match e.sqlite_error_code()? {
        ErrorCode::ReadOnly => Some(Fault::ReadOnly),
        ErrorCode::DiskFull => Some(Fault::DiskFull),
        ErrorCode::CannotOpen => Some(Fault::CannotOpen),
        ErrorCode::SystemIoFailure => Some(Fault::Io),
        _ => None,
    }
}

/// The folder holding the file, shown as "." rather than "" for a bare file name.
fn folder(path: &Path) -> String {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.display().to_string(),
        _ => ".".to_owned(),
    }
}

/// The message for a database that opened but only for reading (the file is not writable by
/// this process: permissions, `chattr +i`, a read-only mount).
pub(crate) fn read_only(path: &Path) -> StoreError {
    explained(Fault::ReadOnly, path, "the file opened for reading only")
}

/// `e` with the file named and the fix said, when it is a fault an admin can fix; other
/// errors (bad SQL, constraints) keep their meaning.
pub(crate) fn explain(e: rusqlite::Error, path: &Path) -> StoreError {
    match fault_of(&e) {
        Some(fault) => explained(fault, path, &e.to_string()),
        None => StoreError::from(e),
    }
}

/// Creating the database's folder failed.
pub(crate) fn folder_failed(dir: &Path, e: &std::io::Error) -> StoreError {
    let hint = match e.raw_os_error() {
        Some(28) => "the disk is full; free space on it",
        _ => "create it, or make its parent writable by the user the Mattermost server runs as",
    };
    StoreError::Unavailable(format!(
        "cannot create the plugin database folder {} ({e}): {hint}, then restart the plugin",
        dir.display()
    ))
}

fn explained(fault: Fault, path: &Path, detail: &str) -> StoreError {
    let file = path.display();
    let dir = folder(path);
    StoreError::Unavailable(match fault {
        Fault::ReadOnly => format!(
            "the plugin database {file} is read-only ({detail}). Make {dir} and the files in it \
             writable by the user the Mattermost server runs as (check the permissions, `chattr -i`, and that the \
             filesystem is mounted read-write), then restart the plugin"
        ),
        Fault::DiskFull => format!(
            "the disk holding the plugin database {file} is full ({detail}); nothing was saved. Free space on the \
             filesystem of {dir} and try again (the data saved so far is intact)"
        ),
        Fault::CannotOpen => format!(
            "cannot open the plugin database {file} ({detail}). The folder {dir} must exist and be writable by the \
             user the Mattermost server runs as, on a filesystem mounted read-write (the database keeps its -wal and \
             -shm files beside it); fix that, then restart the plugin"
        ),
        Fault::Io => format!(
            "cannot read or write the plugin database {file} ({detail}); nothing was saved. Check the disk under \
             {dir} (free space, errors in the system log), then try again"
        ),
    })
}
