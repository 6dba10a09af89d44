package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

// TestMinServerVersion: Mattermost's plugin host code checks the manifest's min_server_version
// against its own release (model.CurrentVersion) before it starts the plugin. The suite is
// built against several releases (build/conformance-versions.sh, docs/compatibility.md): from
// the minimum on, the plugin activates and answers; below it, activation fails with
// Mattermost's own message and no plugin process is left running. Where the bundle's minimum
// is met, the refusal is checked too, with the installed manifest asking for the next major
// release, so that every release shows its host code enforces the field we rely on.
func TestMinServerVersion(t *testing.T) {
	f := newFixture(t)
	min := f.inst.Manifest.MinServerVersion
	if min == "" {
		t.Fatal("plugin.json has no min_server_version")
	}
	fulfilled, err := f.inst.Manifest.MeetMinServerVersion(model.CurrentVersion)
	if err != nil {
		t.Fatalf("min_server_version %q: %v", min, err)
	}
	t.Logf("plugin host code of Mattermost %s, plugin min_server_version %s", model.CurrentVersion, min)
	if fulfilled {
		hooks := f.activate(t, f.inst)
		ping(t, f, hooks)
		f = newFixture(t)
		min = nextMajor(t, model.CurrentVersion)
		raw, err := os.ReadFile(filepath.Join(f.inst.Dir, "plugin.json"))
		if err != nil {
			t.Fatal(err)
		}
		var manifest map[string]any
		if err := json.Unmarshal(raw, &manifest); err != nil {
			t.Fatal(err)
		}
		manifest["min_server_version"] = min
		if raw, err = json.Marshal(manifest); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(f.inst.Dir, "plugin.json"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.h.Activate(f.inst.ID)
	if err == nil {
		t.Fatalf("Mattermost %s activated a plugin that requires %s", model.CurrentVersion, min)
	}
	if want := "plugin requires Mattermost " + min; !strings.Contains(err.Error(), want) {
		t.Fatalf("activation error %q does not say %q", err, want)
	}
	if pids := harness.FindProcesses(f.inst.Executable); len(pids) != 0 {
		t.Fatalf("activation was refused but processes %v run %s", pids, f.inst.Executable)
	}
}

// nextMajor is the first release of the major version after v ("11.4.0" gives "12.0.0").
func nextMajor(t *testing.T, v string) string {
	t.Helper()
	major, _, ok := strings.Cut(v, ".")
	n := 0
	for _, c := range major {
		if c < '0' || c > '9' {
			ok = false
			break
		}
		n = n*10 + int(c-'0')
	}
	if !ok || major == "" {
		t.Fatalf("model.CurrentVersion %q is not MAJOR.MINOR.PATCH", v)
	}
	return strconv.Itoa(n+1) + ".0.0"
}
