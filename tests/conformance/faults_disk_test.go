package conformance

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
)

// addKeyEvents adds n timeline entries by slash command; each must be acknowledged.
func addKeyEvents(t *testing.T, s *scenario, inc incident, prefix string, n int) []string {
	t.Helper()
	var titles []string
	for i := 0; i < n; i++ {
		title := fmt.Sprintf("%s-%d", prefix, i)
		replyHas(t, "keyevent", s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident keyevent "+title), "Added to the timeline")
		titles = append(titles, title)
	}
	return titles
}

// keptAll checks that every acknowledged entry is on the incident's timeline.
func keptAll(t *testing.T, s *scenario, inc incident, acked []string) {
	t.Helper()
	have := map[string]bool{}
	for _, e := range s.get(t, s.alice, inc.ID).Timeline {
		if text, ok := e.Kind["text"].(string); ok && e.kind() == "note_added" {
			have[text] = true
		}
	}
	for _, title := range acked {
		if !have[title] {
			t.Errorf("acknowledged timeline entry %q is missing", title)
		}
	}
}

// stopPlugin deactivates the plugin; its process is gone when this returns.
func stopPlugin(t *testing.T, s *scenario) {
	t.Helper()
	if !s.f.h.Env.Deactivate(pluginID) {
		t.Fatalf("Deactivate(%s): the plugin was not active", pluginID)
	}
	if pid, err := s.f.h.PluginPID(s.f.inst); err == nil {
		t.Fatalf("plugin process %d still runs after Deactivate", pid)
	}
}

// restartPlugin activates the plugin again and points the scenario at its new hooks.
func restartPlugin(t *testing.T, s *scenario) {
	t.Helper()
	s.hooks = s.f.activate(t, s.f.inst)
}

// logHas checks the combined log (host, go-plugin, plugin stderr) mentions every word.
func logHas(t *testing.T, s *scenario, what string, words ...string) {
	t.Helper()
	s.f.h.FlushLogs()
	logs := s.f.h.Logs.String()
	for _, w := range words {
		if !strings.Contains(logs, w) {
			t.Errorf("%s: the plugin log does not mention %q", what, w)
		}
	}
}

// onTmpfs activates the plugin with its data folder on a 16 MiB tmpfs of its own, starts an
// incident and adds five acknowledged timeline entries.
func onTmpfs(t *testing.T, name string) (s *scenario, dir string, inc incident, acked []string) {
	t.Helper()
	f := newFixture(t)
	dir = mountDataTmpfs(t, f, "16m")
	s = scenarioOn(t, f)
	inc = s.start(t, s.alice, map[string]any{"name": name})
	return s, dir, inc, addKeyEvents(t, s, inc, "before", 5)
}

// activationFails activates the plugin on an unwritable database: it must fail, and both the
// error Mattermost shows and the plugin log must name the file and the fix.
func activationFails(t *testing.T, s *scenario, what string) {
	t.Helper()
	db := dbPath(s.f)
	_, err := s.f.h.Activate(pluginID)
	if err == nil {
		t.Fatalf("%s: the plugin activated on a database it cannot write", what)
	}
	t.Logf("%s: %v", what, err)
	for _, w := range []string{db, "writable", "restart the plugin"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: the activation error does not mention %q", what, w)
		}
	}
	logHas(t, s, what, "[ERROR]", db, "writable")
	if s.f.h.Env.IsActive(pluginID) {
		t.Errorf("%s: the environment reports the plugin active", what)
	}
}

// A data folder or database file the server cannot write: activation fails with the file named
// and the fix said (a running plugin keeps the handles it opened, so the change takes effect at
// the next activation, as after a chmod on a real server); once writable again, the plugin
// starts with every earlier change and SQLite's integrity check passes.
func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	s, dir, inc, acked := onTmpfs(t, "Read-only")
	f := s.f
	stopPlugin(t, s)
	integrityCheck(t, dbPath(f))

	setImmutable(t, dbPath(f), true)
	activationFails(t, s, "database file immutable (chattr +i)")
	setImmutable(t, dbPath(f), false)

	remount(t, dir, "ro")
	activationFails(t, s, "data folder mounted read-only")
	remount(t, dir, "rw")

	restartPlugin(t, s)
	keptAll(t, s, inc, acked)
	addKeyEvents(t, s, inc, "after", 1)
	stopPlugin(t, s)
	integrityCheck(t, dbPath(f))
}

// A full disk under the data folder (a 16 MiB tmpfs filled to its last byte): writes fail with
// a message that says so, to the user of a command, to a REST caller (503) and in the log;
// reads go on; once space is freed the same process writes again, with no restart; every
// acknowledged change is kept and the file passes SQLite's integrity check.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	s, dir, inc, acked := onTmpfs(t, "Full disk")
	f := s.f
	pid := s.f.pid(t, s.f.inst)
	filler := fillDisk(t, dir)

	// A write may still fit in a page the database file already holds; the first one that does
	// not is refused, and those before it were acknowledged and must be kept.
	refused := ""
	for i := 0; i < 100 && refused == ""; i++ {
		title := fmt.Sprintf("full-%d", i)
		reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident keyevent "+title)
		if strings.HasPrefix(reply, "Added to the timeline") {
			acked = append(acked, title)
		} else {
			refused = reply
		}
	}
	t.Logf("refused on a full disk after %d more acknowledged writes: %s", len(acked)-5, refused)
	replyHas(t, "keyevent on a full disk", refused, "disk", "full", dbPath(f), "Free space")
	msg := s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/notes", map[string]any{"text": "by REST"}, http.StatusServiceUnavailable)
	replyHas(t, "POST /notes on a full disk", msg, "disk", "full", dbPath(f))
	logHas(t, s, "full disk", "[ERROR]", "is full", dbPath(f))
	keptAll(t, s, inc, acked) // reading needs no space

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	acked = append(acked, addKeyEvents(t, s, inc, "freed", 3)...)
	if now := s.f.pid(t, s.f.inst); now != pid {
		t.Errorf("plugin process %d after the disk filled, was %d: it should have kept running", now, pid)
	}
	keptAll(t, s, inc, acked)
	stopPlugin(t, s)
	integrityCheck(t, dbPath(f))
}
