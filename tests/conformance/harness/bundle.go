package harness

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/mattermost/mattermost/server/public/model"
)

// ExtractTarGz unpacks a .tar.gz into destDir, preserving file modes.
// Entries that would escape destDir are rejected.
func ExtractTarGz(tgzPath, destDir string) error {
	f, err := os.Open(tgzPath)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", tgzPath, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tgzPath, err)
		}
		name := filepath.Clean(hdr.Name)
		if name == "." {
			continue
		}
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s: entry %q escapes the destination", tgzPath, hdr.Name)
		}
		target := filepath.Join(destDir, name)
		mode := os.FileMode(hdr.Mode).Perm()
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			if err := os.Chmod(target, mode|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := WriteWithForksHeld(target, mode, tr); err != nil {
				return err
			}
			// OpenFile's mode is subject to the umask; set it exactly.
			if err := os.Chmod(target, mode); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if filepath.IsAbs(hdr.Linkname) {
				return fmt.Errorf("%s: absolute symlink %q", tgzPath, hdr.Name)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(hdr.Linkname, target); err != nil {
				return err
			}
		default:
			// Other entry types (pax headers are consumed by archive/tar) are ignored.
		}
	}
}

// InstallBundle unpacks the bundle into pluginDir the way a server installs
// a plugin: the bundle must have exactly one top-level directory holding the
// manifest; it ends up as pluginDir/<manifest id>. It returns the installed
// directory and the manifest. topLevel is the bundle's original top folder.
func InstallBundle(tgzPath, pluginDir string) (dir string, topLevel string, manifest *model.Manifest, err error) {
	staging, err := os.MkdirTemp(pluginDir, ".staging-")
	if err != nil {
		return "", "", nil, err
	}
	defer os.RemoveAll(staging)
	if err := ExtractTarGz(tgzPath, staging); err != nil {
		return "", "", nil, err
	}
	entries, err := os.ReadDir(staging)
	if err != nil {
		return "", "", nil, err
	}
	if len(entries) != 1 || !entries[0].IsDir() {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return "", "", nil, fmt.Errorf("bundle %s must contain exactly one top-level directory, found %v", tgzPath, names)
	}
	topLevel = entries[0].Name()
	src := filepath.Join(staging, topLevel)
	m, _, err := model.FindManifest(src)
	if err != nil {
		return "", "", nil, fmt.Errorf("bundle %s: no usable manifest in %s/: %w", tgzPath, topLevel, err)
	}
	dir = filepath.Join(pluginDir, m.Id)
	if err := os.Rename(src, dir); err != nil {
		return "", "", nil, err
	}
	return dir, topLevel, m, nil
}

// CopyDir copies a directory tree, preserving modes.
func CopyDir(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case info.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		default:
			return copyFile(path, target, info.Mode().Perm())
		}
	})
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := WriteWithForksHeld(dst, mode, in); err != nil {
		return err
	}
	return os.Chmod(dst, mode)
}

// WriteWithForksHeld writes a file that may be executed next with no fork in this process
// while it is open for writing. A child forked in that window inherits the open file until it
// execs, and executing the file meanwhile fails with ETXTBSY ("text file busy",
// golang/go#22315): the parallel tests install bundles and start plugins at the same time.
// os/exec forks under syscall.ForkLock's write lock, so its read lock keeps forks out.
func WriteWithForksHeld(path string, mode os.FileMode, content io.Reader) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, content); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// GuestWasmRel is where the bundle keeps the portable wasm guest.
const GuestWasmRel = "server/dist/incident.wasm"

// GuestPrecompiledRel is where the bundle keeps the guest precompiled for this platform (made by
// `make dist`): what the shipped host runs.
var GuestPrecompiledRel = fmt.Sprintf("server/dist/incident-%s-%s.cwasm", runtime.GOOS, runtime.GOARCH)

// MakeVariant copies an installed plugin directory to pluginDir/<newID>,
// rewrites the id in plugin.json (keeping every other field) and, when
// guest is non-empty, replaces the guest with it: a precompiled .cwasm
// replaces GuestPrecompiledRel; a plain .wasm replaces GuestWasmRel and the
// precompiled guest is removed (only a host built with the compiler runs it).
func MakeVariant(srcDir, pluginDir, newID, guest string) (string, *model.Manifest, error) {
	dst := filepath.Join(pluginDir, newID)
	if err := CopyDir(srcDir, dst); err != nil {
		return "", nil, err
	}
	manifestPath := filepath.Join(dst, "plugin.json")
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return "", nil, err
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", nil, fmt.Errorf("%s: %w", manifestPath, err)
	}
	obj["id"] = newID
	out, err := json.MarshalIndent(obj, "", "    ")
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(manifestPath, out, 0o644); err != nil {
		return "", nil, err
	}
	if guest != "" {
		rel := GuestPrecompiledRel
		if !strings.HasSuffix(guest, ".cwasm") {
			rel = GuestWasmRel
			if err := os.Remove(filepath.Join(dst, GuestPrecompiledRel)); err != nil {
				return "", nil, err
			}
		}
		target := filepath.Join(dst, rel)
		if _, err := os.Stat(target); err != nil {
			return "", nil, fmt.Errorf("bundle has no %s to replace: %w", rel, err)
		}
		if err := copyFile(guest, target, 0o644); err != nil {
			return "", nil, err
		}
	}
	m, _, err := model.FindManifest(dst)
	if err != nil {
		return "", nil, err
	}
	if m.Id != newID {
		return "", nil, fmt.Errorf("rewritten manifest has id %q, want %q", m.Id, newID)
	}
	return dst, m, nil
}

// LayOutPlugin builds an installed plugin directory from a manifest file and a server
// executable, as an unpacked bundle would have them: pluginDir/<id>/plugin.json and the
// executable where the manifest names it for this OS/arch. It is how the benchmark installs the
// Go baseline plugin it has just built, without a bundle step in between.
func LayOutPlugin(manifestPath, executable, pluginDir string) (string, *model.Manifest, error) {
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return "", nil, err
	}
	var m model.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", nil, fmt.Errorf("%s: %w", manifestPath, err)
	}
	if m.Id == "" {
		return "", nil, fmt.Errorf("%s: no plugin id", manifestPath)
	}
	exe := m.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)
	if exe == "" {
		return "", nil, fmt.Errorf("%s names no server executable for %s/%s", manifestPath, runtime.GOOS, runtime.GOARCH)
	}
	dir := filepath.Join(pluginDir, m.Id)
	target := filepath.Join(dir, filepath.Clean(exe))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", nil, err
	}
	if err := copyFile(manifestPath, filepath.Join(dir, "plugin.json"), 0o644); err != nil {
		return "", nil, err
	}
	if err := copyFile(executable, target, 0o755); err != nil {
		return "", nil, err
	}
	return dir, &m, nil
}
