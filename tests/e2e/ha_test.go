package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// pgSchema is where the plugin keeps its tables in Mattermost's database: its id with '-' → '_'.
const pgSchema = "incident_response"

// haNode is one server of the cluster and the people as they talk to it.
type haNode struct {
	name         string
	env          *mmenv.Env
	admin, alice *mmenv.Person
}

type haWorld struct {
	cluster   *mmenv.Cluster
	a, b      *haNode
	team      *model.Team
	incidents []incident // on the database backend: one started through each node
}

func (w *haWorld) nodes() []*haNode { return []*haNode{w.a, w.b} }

// TestHA runs two Mattermost servers on one PostgreSQL database and one file store, each with
// its own plugin process, and the plugin's StorageBackend "database": what one node's plugin
// writes, the other's reads; concurrent changes through both lose nothing; a reminder is posted
// once although both timers run. See README.md ("TestHA").
func TestHA(t *testing.T) {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "ir-e2e-ha-")
	if err != nil {
		t.Fatal(err)
	}
	w := &haWorld{}
	w.cluster, err = mmenv.StartCluster(ctx, mmenv.Options{WorkDir: work, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		w.cluster.Stop()
		if t.Failed() || os.Getenv("E2E_KEEP") != "" {
			t.Logf("cluster files and logs kept in %s", work)
		} else {
			os.RemoveAll(work)
		}
	}()
	steps := []struct {
		name string
		fn   func(*testing.T, context.Context, *haWorld)
	}{
		{"node A: admin, team and alice; the bundle uploaded and enabled", stepHANodeA},
		{"node B starts and installs the plugin from the shared file store", stepHANodeB},
		{"on a cluster the default SQLite backend is refused on both nodes", stepHARefusesSqlite},
		{"StorageBackend database through node A; both nodes start the plugin at once", stepHASwitch},
		{"one plugin process per node, each a child of its own server", stepHAProcesses},
		{"incidents started through either node are visible through the other", stepHAVisible},
		{"concurrent checklist changes through both nodes lose nothing", stepHAConcurrent},
		{"a due update reminder is posted once while both nodes' timers run", stepHAReminder},
		{"the data is in PostgreSQL schema " + pgSchema + ", not in the SQLite file", stepHAStorage},
		{"no server query ever ran on a connection left inside a plugin transaction", func(t *testing.T, _ context.Context, w *haWorld) {
			assertNoTransactionLeaks(t, w.a.env.LogPath, w.b.env.LogPath, filepath.Join(work, "postgres.log"))
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, func(t *testing.T) { s.fn(t, ctx, w) }) {
			for _, n := range w.nodes() {
				if n != nil {
					t.Logf("node %s: server log tail:\n%s\nplugin log lines:\n%s", n.name, n.env.LogTail(30), pluginLog(n.env.LogPath, 30))
				}
			}
			// The database's side of a failed statement: the error and the statement.
			t.Logf("PostgreSQL errors:\n%s", logLines(filepath.Join(work, "postgres.log"), 20, "ERROR:", "DETAIL:", "STATEMENT:"))
			return
		}
	}
}

// logLines is the last n lines of a log file that contain one of the markers.
func logLines(path string, n int, markers ...string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		for _, m := range markers {
			if strings.Contains(l, m) {
				lines = append(lines, l)
				break
			}
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// pluginLog is the last n lines of a server log that came from our plugin.
func pluginLog(path string, n int) string {
	return logLines(path, n, `"plugin_id":"`+mmenv.PluginID+`"`)
}

func stepHANodeA(t *testing.T, ctx context.Context, w *haWorld) {
	e, err := w.cluster.AddNode(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	w.a = &haNode{name: "A", env: e}
	if w.a.admin, err = e.CreateUser(ctx, "sysadmin", mmenv.RandomPassword()); err != nil {
		t.Fatal(err)
	}
	if w.team, _, err = w.a.admin.Client.CreateTeam(ctx, &model.Team{Name: "ha", DisplayName: "HA", Type: model.TeamOpen}); err != nil {
		t.Fatal(err)
	}
	if w.a.alice, err = e.CreateUser(ctx, "alice", mmenv.RandomPassword()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.a.admin.Client.AddTeamMember(ctx, w.team.Id, w.a.alice.User.Id); err != nil {
		t.Fatal(err)
	}
	// Uploaded and enabled; whether it starts is the next steps' business.
	out, err := e.Upload(ctx, w.a.admin, repoDir, bundle)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", strings.TrimSpace(out))
}

// Node B is started only now: without cluster messages, a running node would not hear of
// the upload; a starting node unpacks every bundle the file store holds, and activates it
// because the configuration it reads from the database says it is enabled.
func stepHANodeB(t *testing.T, ctx context.Context, w *haWorld) {
	e, err := w.cluster.AddNode(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	// Sessions are in the shared database: the same tokens work on node B.
	w.b = &haNode{name: "B", env: e, admin: w.a.admin.On(e.URL), alice: w.a.alice.On(e.URL)}
	logged, err := os.ReadFile(e.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logged, []byte("Syncing plugin from file store")) {
		t.Fatalf("node B did not install the plugin from the file store:\n%s", e.LogTail(40))
	}
	if _, err := os.Stat(filepath.Join(e.PluginDir, mmenv.PluginID, "plugin.json")); err != nil {
		t.Fatalf("node B's plugin folder: %v", err)
	}
}

// The configuration says cluster (ClusterSettings.Enable) and StorageBackend is still the
// default, SQLite, which would give each server its own incidents: the plugin refuses to
// start, on both nodes, and says why; it has not created its SQLite file.
func stepHARefusesSqlite(t *testing.T, ctx context.Context, w *haWorld) {
	for _, n := range w.nodes() {
		st, err := n.env.WaitPluginState(ctx, n.admin, model.PluginStateFailedToStart, 60*time.Second)
		if err != nil {
			t.Fatalf("node %s: %v", n.name, err)
		}
		if !strings.Contains(strings.ToLower(st.Error), "cluster") {
			t.Fatalf("node %s: the plugin failed to start, but its error does not mention the cluster: %q\nplugin log:\n%s",
				n.name, st.Error, pluginLog(n.env.LogPath, 10))
		}
		t.Logf("node %s: %s", n.name, st.Error)
	}
	if _, err := os.Stat(w.a.env.DatabasePath()); !os.IsNotExist(err) {
		t.Fatalf("the SQLite file %s exists (%v)", w.a.env.DatabasePath(), err)
	}
}

// StorageBackend "database" through node A: node A retries activating its plugin on every
// configuration change; node B is told to reload the configuration from the database, which
// does the same there. So both plugins start at the same moment on a database where the
// plugin's schema does not exist yet: both run the migrations at once.
func stepHASwitch(t *testing.T, ctx context.Context, w *haWorld) {
	setPluginSetting(t, ctx, w.a.admin, "storagebackend", "database")
	reloadConfig(t, ctx, w.b)
	for _, n := range w.nodes() {
		if err := n.env.WaitPluginRunning(ctx, n.admin, 60*time.Second); err != nil {
			t.Fatalf("node %s: %v", n.name, err)
		}
		cfg, _, err := n.admin.Client.GetConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.PluginSettings.Plugins[mmenv.PluginID]["storagebackend"]; got != "database" {
			// (Mattermost shows a plugin setting's value only if plugin.json declares it.)
			t.Fatalf("node %s reads storagebackend %v, want database", n.name, got)
		}
		var health map[string]any
		mustCall(t, n.alice, "GET", "/health", 200, nil, &health)
		if health["status"] != "ok" {
			t.Fatalf("health through node %s: %v", n.name, health)
		}
	}
}

func reloadConfig(t *testing.T, ctx context.Context, n *haNode) {
	t.Helper()
	if _, err := n.admin.Client.ReloadConfig(ctx); err != nil {
		t.Fatalf("node %s: reloading the configuration: %v", n.name, err)
	}
}

func stepHAProcesses(t *testing.T, ctx context.Context, w *haWorld) {
	seen := map[int]string{}
	for _, n := range w.nodes() {
		pids := n.env.PluginProcesses()
		if len(pids) != 1 {
			t.Fatalf("node %s: plugin processes %v, want one", n.name, pids)
		}
		if other, dup := seen[pids[0]]; dup {
			t.Fatalf("nodes %s and %s report the same plugin process %d", other, n.name, pids[0])
		}
		seen[pids[0]] = n.name
		ppid, err := mmenv.ParentPid(pids[0])
		if err != nil {
			t.Fatal(err)
		}
		if ppid != n.env.ServerPid() {
			t.Fatalf("node %s: plugin process %d is a child of %d, not of its server %d", n.name, pids[0], ppid, n.env.ServerPid())
		}
		t.Logf("node %s: server %d, plugin process %d", n.name, n.env.ServerPid(), pids[0])
	}
}

// Both nodes start an incident at the same moment; each is then read through the other node,
// and both nodes list the same incidents.
func stepHAVisible(t *testing.T, ctx context.Context, w *haWorld) {
	started := make([]incident, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, n := range w.nodes() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"team_id": w.team.Id, "name": "Started through node " + n.name}
			errs[i] = send(n.alice, "POST", "/incidents", body, 201, &started[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("starting through node %s: %v", w.nodes()[i].name, err)
		}
	}
	if started[0].Number == started[1].Number {
		t.Fatalf("both nodes gave number %d", started[0].Number)
	}
	for i, n := range []*haNode{w.b, w.a} { // the other node
		var got incident
		mustCall(t, n.alice, "GET", "/incidents/"+started[i].ID, 200, nil, &got)
		if got.Name != started[i].Name || got.Reference != started[i].Reference || got.ChannelID != started[i].ChannelID {
			t.Fatalf("%s read through node %s: %+v", started[i].Reference, n.name, got)
		}
	}
	listA, listB := snapshot(t, w.a.alice, w.team.Id), snapshot(t, w.b.alice, w.team.Id)
	if !sameJSON(listA, listB) {
		t.Fatalf("the nodes list different incidents:\nA %s\nB %s", listA, listB)
	}
	for _, inc := range started {
		if !strings.Contains(listA, inc.ID) {
			t.Fatalf("%s is missing from the list: %s", inc.Reference, listA)
		}
	}
	w.incidents = started
}

// send is a plugin REST call that any goroutine may make: it returns an error (with the
// answer) unless the status is want, and decodes a JSON answer into out when given.
func send(p *mmenv.Person, method, path string, body any, want int, out any) error {
	req, err := pluginRequest(p, method, path, body)
	if err != nil {
		return err
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(res.Body); err != nil {
		return err
	}
	if res.StatusCode != want {
		return &statusError{method: method, path: path, status: res.StatusCode, body: raw.String()}
	}
	if out != nil {
		return json.Unmarshal(raw.Bytes(), out)
	}
	return nil
}

type statusError struct {
	method, path string
	status       int
	body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, e.body)
}
