package conformance

// Real filesystem faults for the plugin's data folder. The tests run as root (CI does), and
// root ignores file modes, so `chmod` proves nothing there. What does stop root:
//   - a read-only mount: the data folder is a tmpfs of its own, remounted read-only (EROFS);
//   - the immutable attribute (`chattr +i`, which tmpfs supports): EPERM on opening for writing;
//   - a full filesystem: the same small tmpfs filled to its last page (ENOSPC).
// Mounting needs root (CAP_SYS_ADMIN); as another user the tests fail and say so.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const dbFile = "incident-response.db"

// dataDir is the fake server's FileSettings.Directory (harness/fakeapi.go buildConfig).
func dataDir(f *fixture) string { return filepath.Join(f.h.WorkDir, "data") }

// dbPath is where the plugin keeps its database (server/plugin-host/src/storage.rs).
func dbPath(f *fixture) string { return filepath.Join(dataDir(f), "plugins", pluginID, dbFile) }

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// mountDataTmpfs puts the fixture's data folder on a tmpfs of the given size (e.g. "4m"),
// before the plugin is activated. At cleanup the plugin is stopped first, so the unmount finds
// no open file.
func mountDataTmpfs(t *testing.T, f *fixture, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this test mounts a small tmpfs to make real read-only and full-disk faults; run it as root (CI does)")
	}
	dir := dataDir(f)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "mount", "-t", "tmpfs", "-o", "size="+size+",mode=0755", "tmpfs", dir)
	t.Cleanup(func() {
		f.h.Close()
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	return dir
}

// remount changes the data folder's mount to "ro" or "rw".
func remount(t *testing.T, dir, mode string) {
	t.Helper()
	run(t, "mount", "-o", "remount,"+mode, dir)
}

// setImmutable sets or clears the immutable attribute, which root cannot write through either.
func setImmutable(t *testing.T, path string, on bool) {
	t.Helper()
	flag := "-i"
	if on {
		flag = "+i"
	}
	run(t, "chattr", flag, path)
}

// fillDisk writes a file in dir until the filesystem refuses with ENOSPC, and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := out.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v, want ENOSPC", dir, err)
			}
			break
		}
	}
	// Whatever part of a page is left, the byte-sized writes take too.
	for {
		if _, err := out.Write(chunk[:1]); err != nil {
			return path
		}
	}
}

// integrityCheck runs SQLite's own check on the database file (Debian's sqlite3, installed by
// build/setup.sh) with the plugin stopped.
func integrityCheck(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("sqlite3", path, "PRAGMA integrity_check;").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %s: %v: %s", path, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "ok" {
		t.Fatalf("PRAGMA integrity_check on %s: %q, want \"ok\"", path, got)
	}
}
