package conformance

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"incidentresponse/tests/conformance/harness"
)

// The arm64 parts of the bundle, and what runs them on this (amd64) machine: Debian's
// qemu-user and the arm64 C library of its cross toolchain (build/setup.sh installs both).
const (
	arm64Executable = "server/dist/plugin-linux-arm64"
	arm64Guest      = "server/dist/incident-linux-arm64.cwasm"
	qemuAarch64     = "qemu-aarch64"
	arm64Sysroot    = "/usr/aarch64-linux-gnu"
	// What the manifest names for this machine in the test's copy: a script that runs the arm64
	// host under qemu (go-plugin starts it and talks to it as to any plugin executable).
	qemuWrapper = "server/dist/plugin-under-qemu-aarch64.sh"
)

// TestLinuxArm64UnderQemu: the bundle's linux-arm64 host, cross-compiled, driven through
// Mattermost's own plugin host code under qemu-user (this container cannot run arm64 programs
// by itself: no binfmt_misc). In a copy of the installed bundle the manifest's entry for this
// machine points at a script that execs `qemu-aarch64 … plugin-linux-arm64`, and the amd64
// host and its precompiled guest are removed, so nothing but the arm64 parts can answer: the
// handshake, OnActivate (the bot, the command), /incident ping and /incident start (the SQLite
// store, whose C code is cross-compiled too), and the incident read back over REST. The running
// process is checked to be qemu running the aarch64 ELF, with incident-linux-arm64.cwasm mapped.
//
// Real arm64 hardware is not tested here (docs/compatibility.md, Platforms). Without qemu the
// test fails when CI is set and is skipped, saying why, on a developer's machine.
func TestLinuxArm64UnderQemu(t *testing.T) {
	t.Parallel()
	qemu := requireQemu(t)
	f := newFixture(t)
	dir := f.inst.Dir
	exe := filepath.Join(dir, arm64Executable)
	if m := f.inst.Manifest.GetExecutableForRuntime("linux", "arm64"); m != arm64Executable {
		t.Fatalf("plugin.json names %q for linux-arm64, want %q", m, arm64Executable)
	}
	requireElfMachine(t, exe, elf.EM_AARCH64)
	requireElfMachine(t, filepath.Join(dir, arm64Guest), elf.EM_AARCH64)
	runArm64UnderQemu(t, f, qemu)

	start := time.Now()
	s := scenarioOn(t, f)
	t.Logf("handshake and OnActivate under qemu took %s", time.Since(start).Round(time.Millisecond))
	if cmds := f.inst.API.RegisteredCommands(); len(cmds) == 0 {
		t.Fatalf("no command registered by OnActivate under qemu")
	}

	// The process go-plugin started is qemu running the aarch64 host, with the arm64 guest mapped.
	pid := emulatedHostPID(t, qemu, exe)
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		t.Fatalf("reading the plugin process's mappings: %v", err)
	}
	for _, want := range []string{exe, filepath.Join(dir, arm64Guest)} {
		if !bytes.Contains(maps, []byte(want)) {
			t.Errorf("process %d (qemu) does not map %s", pid, want)
		}
	}
	f.h.FlushLogs()
	if want := "plugin logic loaded from " + filepath.Join(dir, arm64Guest); !strings.Contains(f.h.Logs.String(), want) {
		t.Errorf("the host's log does not say %q", want)
	}

	ping(t, f, s.hooks)
	reply := s.cmd(t, s.alice, s.team, s.town, "/incident start Arm64 smoke test")
	l := s.list(t, s.alice, url.Values{})
	if len(l.Items) != 1 || l.Items[0].Name != "Arm64 smoke test" {
		t.Fatalf("after /incident start (reply %q) the list holds %+v, want the one incident", reply, l.Items)
	}
	t.Logf("/incident start under qemu: %q; %s started in %s", reply, l.Items[0].Reference, time.Since(start).Round(time.Millisecond))
}

// TestLinuxArm64WrongGuestUnderQemu: the arm64 host with the amd64 guest in place of its own
// (a bundle put together by hand), or with none, refuses to activate with a message naming the
// file, as Mattermost shows it; it does not crash or run anything.
func TestLinuxArm64WrongGuestUnderQemu(t *testing.T) {
	t.Parallel()
	qemu := requireQemu(t)
	for _, c := range []struct {
		name string
		// what to do to the arm64 guest in the test's copy
		prepare func(dir string) error
		want    string
	}{
		{"amd64 guest", func(dir string) error {
			raw, err := os.ReadFile(filepath.Join(dir, harness.GuestPrecompiledRel))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, arm64Guest), raw, 0o644)
		}, "incident-linux-arm64.cwasm was not made for this host"},
		{"no guest", func(dir string) error { return os.Remove(filepath.Join(dir, arm64Guest)) },
			"the bundle has no precompiled plugin logic for this platform"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if err := c.prepare(f.inst.Dir); err != nil {
				t.Fatal(err)
			}
			runArm64UnderQemu(t, f, qemu)
			_, err := f.h.Activate(f.inst.ID)
			if err == nil {
				t.Fatalf("the arm64 host activated with the %s", c.name)
			}
			f.h.FlushLogs()
			if !strings.Contains(err.Error(), c.want) && !strings.Contains(f.h.Logs.String(), c.want) {
				t.Fatalf("activation failed with %q; neither it nor the log says %q", err, c.want)
			}
			if logs := f.h.Logs.String(); strings.Contains(logs, "panicked") || strings.Contains(logs, "internal error") {
				t.Fatalf("the host crashed instead of refusing:\n%s", f.h.Logs.Tail(4<<10))
			}
			t.Logf("refused: %v", err)
		})
	}
}

// requireQemu returns qemu-aarch64's path, or fails (CI set) or skips when it or the arm64 C
// library is missing.
func requireQemu(t *testing.T) string {
	t.Helper()
	qemu, err := exec.LookPath(qemuAarch64)
	if err == nil {
		if _, statErr := os.Stat(filepath.Join(arm64Sysroot, "lib", "ld-linux-aarch64.so.1")); statErr != nil {
			err = fmt.Errorf("no arm64 C library in %s (Debian package libc6-arm64-cross): %v", arm64Sysroot, statErr)
		}
	}
	if err != nil {
		msg := fmt.Sprintf("cannot run the linux-arm64 host: %v; install Debian's qemu-user and libc6-dev-arm64-cross (build/setup.sh does)", err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + " (CI is not set, so this is a skip; in CI it fails)")
	}
	qemu, err = filepath.EvalSymlinks(qemu)
	if err != nil {
		t.Fatalf("%s: %v", qemuAarch64, err)
	}
	return qemu
}

// runArm64UnderQemu makes the installed copy of f run its arm64 host under qemu: the amd64
// host and guest are removed, and the manifest's entry for this machine names a script that
// execs qemu-aarch64 with the arm64 host (go-plugin starts it and talks to it as to any plugin
// executable; its magic cookie travels in the environment, which qemu passes on).
func runArm64UnderQemu(t *testing.T, f *fixture, qemu string) {
	t.Helper()
	dir := f.inst.Dir
	for _, rel := range []string{"server/dist/plugin-linux-amd64", harness.GuestPrecompiledRel} {
		if err := os.Remove(filepath.Join(dir, rel)); err != nil {
			t.Fatalf("removing the amd64 part %s from the test's copy: %v", rel, err)
		}
	}
	// The deadline per hook is 10 times the suite's: the guest's code runs emulated.
	script := fmt.Sprintf("#!/bin/sh\nINCIDENT_HOOK_TIMEOUT_MS=20000 exec %s -L %s %s \"$@\"\n",
		shellQuote(qemu), shellQuote(arm64Sysroot), shellQuote(filepath.Join(dir, arm64Executable)))
	if err := harness.WriteWithForksHeld(filepath.Join(dir, qemuWrapper), 0o755, strings.NewReader(script)); err != nil {
		t.Fatal(err)
	}
	setManifestExecutable(t, filepath.Join(dir, "plugin.json"), runtime.GOOS+"-"+runtime.GOARCH, qemuWrapper)
}

// requireElfMachine fails unless path is an ELF file for machine (the .cwasm is one too).
func requireElfMachine(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	file, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer file.Close()
	if file.Machine != machine {
		t.Fatalf("%s is for %s, want %s", path, file.Machine, machine)
	}
}

// setManifestExecutable points plugin.json's server.executables[platform] at rel.
func setManifestExecutable(t *testing.T, manifestPath, platform, rel string) {
	t.Helper()
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", manifestPath, err)
	}
	server, _ := m["server"].(map[string]any)
	executables, _ := server["executables"].(map[string]any)
	if executables == nil {
		t.Fatalf("%s has no server.executables", manifestPath)
	}
	executables[platform] = rel
	out, err := json.MarshalIndent(m, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifestPath, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// emulatedHostPID finds the one process that is qemu (its /proc/<pid>/exe) running exe.
func emulatedHostPID(t *testing.T, qemu, exe string) int {
	t.Helper()
	var found []int
	for _, pid := range harness.FindProcesses(qemu) {
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		for _, arg := range bytes.Split(cmdline, []byte{0}) {
			if string(arg) == exe {
				found = append(found, pid)
				break
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s process running %s, found %v", qemu, exe, found)
	}
	return found[0]
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
