package conformance

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

// TestMinServerVersion: Mattermost's plugin host code checks the manifest's min_server_version
// against its own release (model.CurrentVersion) before it starts the plugin. The suite is
// built against several releases (build/conformance-versions.sh, docs/compatibility.md): from
// the minimum on, the plugin activates and answers; below it, activation fails with
// Mattermost's own message and no plugin process is left running.
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
		return
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
