package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FindProcesses returns the pids of live processes whose executable (or,
// if that cannot be read, first command-line word) is exe.
func FindProcesses(exe string) []int {
	exe = filepath.Clean(exe)
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if processMatches(pid, exe) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func processMatches(pid int, exe string) bool {
	if link, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil {
		link = strings.TrimSuffix(link, " (deleted)")
		return link == exe
	}
	// exe is unreadable for zombies; fall back to the command line.
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(cmdline) == 0 {
		return false
	}
	first := string(bytes.SplitN(cmdline, []byte{0}, 2)[0])
	return filepath.Clean(first) == exe
}

// ProcessState returns the one-letter state of pid from /proc/<pid>/stat
// (R, S, D, Z, ...) and whether the process exists at all.
func ProcessState(pid int) (string, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	// Format: pid (comm) state ...; comm may contain spaces and parens.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return "?", true
	}
	return string(s[i+2]), true
}

// WaitProcessGone waits until pid no longer exists, or no longer runs exe
// (pid reuse). It returns the last observed state if it did not go away.
func WaitProcessGone(pid int, exe string, timeout time.Duration) (gone bool, lastState string) {
	deadline := time.Now().Add(timeout)
	for {
		state, exists := ProcessState(pid)
		if !exists || !processMatches(pid, exe) && state != "Z" {
			return true, ""
		}
		if time.Now().After(deadline) {
			return false, state
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ProcessStatusField returns a field of /proc/<pid>/status, e.g. "VmRSS".
func ProcessStatusField(pid int, field string) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, field+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, field+":")), nil
		}
	}
	return "", fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// VmRSSKiB returns the resident set size of pid in KiB.
func VmRSSKiB(pid int) (int64, error) {
	v, err := ProcessStatusField(pid, "VmRSS")
	if err != nil {
		return 0, err
	}
	v = strings.TrimSpace(strings.TrimSuffix(v, "kB"))
	return strconv.ParseInt(v, 10, 64)
}
