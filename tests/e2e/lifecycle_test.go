// End to end against a real Mattermost server: the server built from its Go module, on a
// private PostgreSQL, with our bundle uploaded and enabled through the REST API the way an
// admin does it, then the whole incident lifecycle driven by several users through slash
// commands, our REST API, cookies with CSRF, and websocket events; then a server restart,
// disable and re-enable, and an upgrade. See README.md.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

var (
	// sysadmin is the server's first account (a system admin), once a test has made it.
	sysadmin *mmenv.Person
	env      *mmenv.Env
	bundle   string // BUNDLE_TGZ
	repoDir  string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bundle = os.Getenv("BUNDLE_TGZ")
	wd, _ := os.Getwd()
	repoDir = filepath.Clean(filepath.Join(wd, "..", ".."))
	if bundle == "" {
		// Fail, never skip: the suite means nothing without the bundle.
		fmt.Fprintln(os.Stderr, "e2e: BUNDLE_TGZ is unset: it must name the plugin bundle (make e2e sets it)")
		return 1
	}
	if _, err := os.Stat(bundle); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: BUNDLE_TGZ: %v\n", err)
		return 1
	}
	// The plugin's timer, every 2 s instead of a minute (the plugin process inherits it).
	os.Setenv("INCIDENT_TICK_SECONDS", "2")
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "e2e %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	work, err := os.MkdirTemp("", "ir-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	env, err = mmenv.Start(ctx, mmenv.Options{WorkDir: work, Logf: logf})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting Mattermost: %v\n", err)
		return 1
	}
	code := m.Run()
	env.Stop()
	if code != 0 || os.Getenv("E2E_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "e2e: server files and logs kept in %s\n", work)
	} else {
		os.RemoveAll(work)
	}
	return code
}

// world is what the setup step creates and later steps use.
type world struct {
	admin, alice, bob, carol *mmenv.Person
	team                     *model.Team
	ops                      *model.Channel // a channel alice and bob are in; carol is not
	incident                 incident       // started by slash command in ops
	ws                       map[string]*wsClient
	schema                   uint32
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	w := &world{ws: map[string]*wsClient{}}
	defer func() {
		for _, c := range w.ws {
			c.conn.Close()
		}
	}()
	steps := []struct {
		name string
		fn   func(*testing.T, context.Context, *world)
	}{
		{"server answers ping", stepPing},
		{"admin, team, three users and a channel by REST", stepPeople},
		{"upload and enable the bundle with build/deploy.sh", stepInstall},
		{"slash command starts an incident: channel, members, posts, websocket", stepStart},
		{"commands and REST work the checklist as different users", stepChecklist},
		{"cookie-authenticated writes need the CSRF token", stepCSRF},
		{"REST starts an incident from a playbook", stepRESTStart},
		{"severity, status and an update: channel header and digest post edited in place", stepRunIncident},
		{"end by command; lists by state", stepEnd},
		{"webapp main.js in Chromium against this server", stepBrowser},
		{"server restart: incidents intact, one new plugin process", stepRestart},
		{"a promised update's reminder comes after a restart, once", stepReminderAfterRestart},
		{"an unanswered reminder repeats and escalates, each step once", stepReminderRepeatsAndEscalates},
		{"disable and re-enable: no orphan process, state intact", stepDisableEnable},
		{"upload a newer version over it: data kept, schema at least as new", stepUpgrade},
		{"a playbook's start command runs as the starter; an admin deletes the incident and archives its channel", stepStartCommandAndDelete},
		{"similar past incidents are found by their words, posted at the start and listed", stepSimilarIncidents},
		{"a playbook's sidebar category holds the incident channel for the starter and the invited", stepSidebarCategory},
		{"two incidents run in an existing channel (--here); commands name one by INC-…", stepIncidentHere},
		{"no server query ever ran on a connection left inside a plugin transaction", stepNoTransactionLeaks},
	}
	for _, s := range steps {
		if !t.Run(s.name, func(t *testing.T) { s.fn(t, ctx, w) }) {
			t.Logf("stopping after %q failed; server log tail:\n%s", s.name, env.LogTail(40))
			return
		}
	}
}

func stepPing(t *testing.T, ctx context.Context, _ *world) {
	c := model.NewAPIv4Client(env.URL)
	status, _, err := c.GetPing(ctx)
	if err != nil || status != "OK" {
		t.Fatalf("ping: %q %v", status, err)
	}
	if !strings.HasPrefix(env.Version, "11.") && !strings.HasPrefix(env.Version, "10.") {
		t.Fatalf("server reports version %q", env.Version)
	}
	t.Logf("Mattermost %s at %s", env.Version, env.URL)
}

func stepPeople(t *testing.T, ctx context.Context, w *world) {
	var err error
	// The first account becomes the system admin.
	if w.admin, err = env.CreateUser(ctx, "sysadmin", mmenv.RandomPassword()); err != nil {
		t.Fatal(err)
	}
	if !w.admin.User.IsSystemAdmin() {
		t.Fatalf("the first user is not a system admin: roles %q", w.admin.User.Roles)
	}
	sysadmin = w.admin
	if w.team, _, err = w.admin.Client.CreateTeam(ctx, &model.Team{Name: "ops", DisplayName: "Ops", Type: model.TeamOpen}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []**mmenv.Person{&w.alice, &w.bob, &w.carol} {
		name := map[**mmenv.Person]string{&w.alice: "alice", &w.bob: "bob", &w.carol: "carol"}[p]
		if *p, err = env.CreateUser(ctx, name, mmenv.RandomPassword()); err != nil {
			t.Fatal(err)
		}
		if (*p).User.IsSystemAdmin() {
			t.Fatalf("%s is a system admin", name)
		}
		if _, _, err := w.admin.Client.AddTeamMember(ctx, w.team.Id, (*p).User.Id); err != nil {
			t.Fatal(err)
		}
	}
	if w.ops, _, err = w.alice.Client.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "operations", DisplayName: "Operations", Type: model.ChannelTypeOpen}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.alice.Client.AddChannelMember(ctx, w.ops.Id, w.bob.User.Id); err != nil {
		t.Fatal(err)
	}
	members, _, err := w.admin.Client.GetChannelMembers(ctx, w.ops.Id, 0, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := memberSet(members); !got[w.alice.User.Id] || !got[w.bob.User.Id] || got[w.carol.User.Id] {
		t.Fatalf("operations members: %v", got)
	}
}

func memberSet(members model.ChannelMembers) map[string]bool {
	set := map[string]bool{}
	for _, m := range members {
		set[m.UserId] = true
	}
	return set
}

func stepInstall(t *testing.T, ctx context.Context, w *world) {
	// Before: the plugin's routes do not exist.
	if status, _ := call(t, w.alice, "GET", "/health", nil, nil); status != http.StatusNotFound {
		t.Fatalf("health before install: %d, want 404", status)
	}
	out, err := env.Deploy(ctx, w.admin, repoDir, bundle)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", strings.TrimSpace(out))
	plugins, _, err := w.admin.Client.GetPlugins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range plugins.Active {
		if p.Id == mmenv.PluginID {
			found = true
			if p.Version != bundleVersion(t, bundle) {
				t.Fatalf("active version %s, bundle %s", p.Version, bundleVersion(t, bundle))
			}
		}
	}
	if !found {
		t.Fatalf("%s is not among the active plugins: %+v", mmenv.PluginID, plugins.Active)
	}
	if pids := env.PluginProcesses(); len(pids) != 1 {
		t.Fatalf("plugin processes: %v, want one", pids)
	}

	var health map[string]any
	mustCall(t, w.alice, "GET", "/health", 200, nil, &health)
	if health["status"] != "ok" {
		t.Fatalf("health: %v", health)
	}
	// Without a session Mattermost passes no user id and the plugin answers 401.
	mustCall(t, nil, "GET", "/incidents?team_id="+w.team.Id, http.StatusUnauthorized, nil, nil)

	// The webapp bundle is served by the server. The manifest names it /static/<id>/<file>;
	// the files live in PluginSettings.ClientDirectory, served below /static/plugins/.
	manifests, _, err := w.alice.Client.GetWebappPlugins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range manifests {
		if m.Id == mmenv.PluginID {
			res, err := httpClient.Get(env.URL + "/static/plugins/" + strings.TrimPrefix(m.Webapp.BundlePath, "/static/"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET the bundle of %s: %d", m.Webapp.BundlePath, res.StatusCode)
			}
			return
		}
	}
	t.Fatalf("no webapp manifest for %s: %+v", mmenv.PluginID, manifests)
}

func stepStart(t *testing.T, ctx context.Context, w *world) {
	for _, p := range []*mmenv.Person{w.alice, w.bob, w.carol} {
		w.ws[p.User.Username] = connectWS(t, p)
	}
	reply := command(t, w.alice, w.ops.Id, "/incident start Database down")
	if !strings.Contains(reply, "INC-0001") || !strings.Contains(reply, "Database down") {
		t.Fatalf("reply: %q", reply)
	}
	var list incidentList
	mustCall(t, w.alice, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &list)
	if list.Total != 1 || list.Items[0].Name != "Database down" {
		t.Fatalf("active incidents: %+v", list)
	}
	inc := list.Items[0]
	w.incident = inc
	if inc.CommanderID != w.alice.User.Id || inc.State != "active" || inc.Reference != "INC-0001" {
		t.Fatalf("incident: %+v", inc)
	}

	// The server holds the channel, its members and the intro post.
	ch, _, err := getChannel(ctx, w.admin.Client, inc.ChannelID)
	if err != nil {
		t.Fatal(err)
	}
	if ch.TeamId != w.team.Id || ch.Name != "inc-0001-database-down" || ch.Type != model.ChannelTypeOpen {
		t.Fatalf("incident channel: %s %s %s", ch.TeamId, ch.Name, ch.Type)
	}
	members, _, err := w.admin.Client.GetChannelMembers(ctx, ch.Id, 0, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	set := memberSet(members)
	if !set[w.alice.User.Id] || set[w.bob.User.Id] || set[w.carol.User.Id] {
		t.Fatalf("incident channel members: %v", set)
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	users, _, err := w.admin.Client.GetUsersByIds(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	botID := ""
	for _, u := range users {
		if u.IsBot {
			botID = u.Id
		}
	}
	if botID == "" || len(set) != 2 {
		t.Fatalf("incident channel should hold alice and the plugin's bot: %v", set)
	}
	posts := channelPosts(t, ctx, w.alice, ch.Id)
	if !anyPost(posts, func(p *model.Post) bool { return p.UserId == botID && strings.Contains(p.Message, "Database down") }) {
		t.Fatalf("no intro post by the bot in %s: %s", ch.Name, describePosts(posts))
	}

	// Channel members get the plugin's websocket event; others do not.
	w.ws["alice"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
}

func channelPosts(t *testing.T, ctx context.Context, p *mmenv.Person, channelID string) []*model.Post {
	t.Helper()
	list, _, err := p.Client.GetPostsForChannel(ctx, channelID, 0, 200, "", false, false)
	if err != nil {
		t.Fatal(err)
	}
	posts := make([]*model.Post, 0, len(list.Order))
	for _, id := range list.Order {
		posts = append(posts, list.Posts[id])
	}
	return posts
}

func anyPost(posts []*model.Post, ok func(*model.Post) bool) bool {
	for _, p := range posts {
		if ok(p) {
			return true
		}
	}
	return false
}

func describePosts(posts []*model.Post) string {
	var b strings.Builder
	for _, p := range posts {
		fmt.Fprintf(&b, "\n  [%s %s] %q", p.UserId, p.Type, p.Message)
	}
	return b.String()
}

func stepChecklist(t *testing.T, ctx context.Context, w *world) {
	inc := w.incident
	// Inside the incident channel the incident is implicit.
	for _, line := range []string{
		"/incident checkadd Triage Page the database on-call",
		"/incident checkadd Triage Confirm which services are affected",
		`/incident checkadd "Stop the bleeding" Put checkout in read-only mode`,
	} {
		if reply := command(t, w.alice, inc.ChannelID, line); reply == "" {
			t.Fatalf("%s: empty reply", line)
		}
	}
	// Alice hands the incident to bob, who joins the channel.
	if reply := command(t, w.alice, inc.ChannelID, "/incident commander @bob"); !strings.Contains(reply, "bob") {
		t.Fatalf("commander reply: %q", reply)
	}
	var now incident
	mustCall(t, w.bob, "GET", "/incidents/"+inc.ID, 200, nil, &now)
	if now.CommanderID != w.bob.User.Id || len(now.items()) != 3 || len(now.Checklists) != 2 {
		t.Fatalf("after commands: commander %s, %d items in %d sections", now.CommanderID, len(now.items()), len(now.Checklists))
	}
	members, _, err := w.admin.Client.GetChannelMembers(ctx, inc.ChannelID, 0, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if !memberSet(members)[w.bob.User.Id] {
		t.Fatal("bob did not join the incident channel as commander")
	}

	// Bob checks an item by REST with his session token; alice sees it live.
	target := now.item(t, "Page the database on-call")
	var patched incident
	mustCall(t, w.bob, "PATCH", "/incidents/"+inc.ID+"/items/"+target.ID, 200, map[string]any{"state": "done"}, &patched)
	got := patched.item(t, "Page the database on-call")
	if got.State != "done" || got.CompletedBy == nil || *got.CompletedBy != w.bob.User.Id {
		t.Fatalf("after PATCH: %+v", got)
	}
	w.ws["alice"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
	w.ws["bob"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
	posts := channelPosts(t, ctx, w.alice, inc.ChannelID)
	if !anyPost(posts, func(p *model.Post) bool { return strings.Contains(p.Message, "Page the database on-call") }) {
		t.Fatalf("no channel line about the checked item:%s", describePosts(posts))
	}

	// Carol is on the team but not in the channel: she may read (public channel) but not change.
	mustCall(t, w.carol, "GET", "/incidents/"+inc.ID, 200, nil, nil)
	other := now.item(t, "Confirm which services are affected")
	mustCall(t, w.carol, "PATCH", "/incidents/"+inc.ID+"/items/"+other.ID, http.StatusForbidden, map[string]any{"state": "done"}, nil)
	if status, _ := call(t, w.carol, "POST", "/incidents/"+inc.ID+"/end", nil, nil); status != http.StatusForbidden {
		t.Fatalf("carol ending: %d, want 403", status)
	}
	var after incident
	mustCall(t, w.alice, "GET", "/incidents/"+inc.ID, 200, nil, &after)
	if after.item(t, "Confirm which services are affected").State != "open" || after.State != "active" {
		t.Fatal("carol's refused requests changed the incident")
	}
	// The incident is public, so its events go to the whole team (carol's incidents page and
	// panel list it): she, outside the channel, got the check's, carrying nothing but the id.
	ev := w.ws["carol"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
	if len(ev.Data) != 1 {
		t.Fatalf("carol's team-wide event carries %v, want only the incident id", ev.Data)
	}

	// `/incident check 2` by number, in the channel.
	command(t, w.alice, inc.ChannelID, "/incident check 2")
	mustCall(t, w.alice, "GET", "/incidents/"+inc.ID, 200, nil, &after)
	if after.item(t, "Confirm which services are affected").State != "done" {
		t.Fatalf("/incident check 2 did not check item 2: %+v", after.items())
	}
	w.incident = after
}

func stepCSRF(t *testing.T, ctx context.Context, w *world) {
	inc := w.incident
	client, csrf := cookieSession(t, "bob", w.bob.Password)
	type hdr struct{ xrw, token bool }
	req := func(method, path, body string, h hdr) *http.Request {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		r, err := http.NewRequest(method, env.URL+apiBase+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if h.xrw {
			r.Header.Set("X-Requested-With", "XMLHttpRequest")
		}
		if h.token {
			r.Header.Set("X-CSRF-Token", csrf)
		}
		return r
	}
	add := func(title string, h hdr) int {
		status, _ := do(t, client, req("POST", "/incidents/"+inc.ID+"/items", `{"section":"Follow up","title":"`+title+`"}`, h), nil)
		return status
	}
	setStrict := func(on bool) {
		cfg := &model.Config{}
		cfg.ServiceSettings.ExperimentalStrictCSRFEnforcement = model.NewPointer(on)
		if _, _, err := w.admin.Client.PatchConfig(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}

	// Reads work with the session cookie alone.
	if status, raw := do(t, client, req("GET", "/incidents/"+inc.ID, "", hdr{}), nil); status != 200 {
		t.Fatalf("cookie GET: %d %s", status, raw)
	}
	// A write with the cookie but no CSRF token reaches the plugin without a user: 401.
	if status := add("Forged without a token", hdr{}); status != http.StatusUnauthorized {
		t.Fatalf("cookie POST without X-CSRF-Token: %d, want 401", status)
	}
	// Mattermost still accepts X-Requested-With instead of the token unless strict CSRF
	// enforcement is on (a deprecated fallback); with it on, that is refused too.
	setStrict(true)
	defer setStrict(false)
	if status := add("Forged with X-Requested-With only", hdr{xrw: true}); status != http.StatusUnauthorized {
		t.Fatalf("strict CSRF, cookie POST with X-Requested-With but no token: %d, want 401", status)
	}
	// The token from the MMCSRF cookie, as the webapp sends it, is accepted.
	if status := add("Write the postmortem", hdr{xrw: true, token: true}); status != http.StatusCreated {
		t.Fatalf("cookie POST with X-CSRF-Token: %d, want 201", status)
	}
	var after incident
	mustCall(t, w.bob, "GET", "/incidents/"+inc.ID, 200, nil, &after)
	var titles []string
	for _, it := range after.items() {
		if strings.Contains(it.Title, "postmortem") || strings.HasPrefix(it.Title, "Forged") {
			titles = append(titles, it.Title)
		}
	}
	if !reflect.DeepEqual(titles, []string{"Write the postmortem"}) {
		t.Fatalf("items added: %q, want only the one sent with the token", titles)
	}
	w.incident = after
}

func stepRESTStart(t *testing.T, ctx context.Context, w *world) {
	var playbooks struct {
		Items []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
	}
	mustCall(t, w.carol, "GET", "/playbooks?team_id="+w.team.Id, 200, nil, &playbooks)
	pb := ""
	for _, p := range playbooks.Items {
		if p.Title == "Service incident" {
			pb = p.ID
		}
	}
	if pb == "" {
		t.Fatalf("no default 'Service incident' playbook: %+v", playbooks)
	}
	var inc incident
	mustCall(t, w.carol, "POST", "/incidents", 201, map[string]any{
		"team_id": w.team.Id, "name": "Checkout latency above 2 s", "playbook_id": pb,
	}, &inc)
	if inc.Reference != "INC-0002" || inc.CommanderID != w.carol.User.Id || len(inc.items()) == 0 {
		t.Fatalf("REST start: %+v", inc)
	}
	ch, _, err := getChannel(ctx, w.carol.Client, inc.ChannelID)
	if err != nil || ch.TeamId != w.team.Id {
		t.Fatalf("carol cannot read her incident channel: %v", err)
	}
	w.ws["carol"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
}

func stepEnd(t *testing.T, ctx context.Context, w *world) {
	inc := w.incident
	reply := command(t, w.bob, inc.ChannelID, "/incident end")
	if !strings.Contains(reply, "INC-0001") {
		t.Fatalf("end reply: %q", reply)
	}
	var ended incident
	mustCall(t, w.alice, "GET", "/incidents/"+inc.ID, 200, nil, &ended)
	if ended.State != "ended" || ended.EndedAt == nil {
		t.Fatalf("after end: state %s ended_at %v", ended.State, ended.EndedAt)
	}
	w.ws["alice"].waitFor(t, eventIncidentUpdated, forIncident(inc.ID), 10*time.Second)
	// Ending again conflicts.
	mustCall(t, w.bob, "POST", "/incidents/"+inc.ID+"/end", http.StatusConflict, nil, nil)

	var active, endedList incidentList
	mustCall(t, w.alice, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &active)
	mustCall(t, w.alice, "GET", "/incidents?state=ended&team_id="+w.team.Id, 200, nil, &endedList)
	if active.Total != 1 || active.Items[0].Reference != "INC-0002" || endedList.Total != 1 || endedList.Items[0].ID != inc.ID {
		t.Fatalf("lists: active %+v, ended %+v", active.Items, endedList.Items)
	}
	// /incident list answers from the same data.
	if reply := command(t, w.alice, w.ops.Id, "/incident list all"); !strings.Contains(reply, "INC-0001") || !strings.Contains(reply, "INC-0002") {
		t.Fatalf("/incident list all: %q", reply)
	}
	w.incident = ended
}

func stepRestart(t *testing.T, ctx context.Context, w *world) {
	before := snapshot(t, w.alice, w.team.Id)
	oldPids := env.PluginProcesses()
	if len(oldPids) != 1 {
		t.Fatalf("plugin processes before restart: %v", oldPids)
	}
	oldServer := env.ServerPid()
	if err := env.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if env.ServerPid() == oldServer {
		t.Fatal("the server process did not change")
	}
	if err := env.WaitPluginRunning(ctx, w.admin, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	pids := env.PluginProcesses()
	if len(pids) != 1 || pids[0] == oldPids[0] {
		t.Fatalf("plugin processes after restart: %v (before %v)", pids, oldPids)
	}
	// Sessions live in the server's database, so the same tokens still work.
	if after := snapshot(t, w.alice, w.team.Id); !sameJSON(before, after) {
		t.Fatalf("incidents changed across the restart:\nbefore %s\nafter  %s", before, after)
	}
	// And the plugin still works: a command after the restart.
	command(t, w.alice, w.ops.Id, "/incident list")
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func stepNoTransactionLeaks(t *testing.T, _ context.Context, _ *world) {
	// Every step above stopped or replaced the plugin process while its timer (every 2 s)
	// and requests were using the database.
	assertNoTransactionLeaks(t, env.LogPath, filepath.Join(env.WorkDir, "postgres.log"))
}

func stepDisableEnable(t *testing.T, ctx context.Context, w *world) {
	before := snapshot(t, w.alice, w.team.Id)
	// Readers keep the plugin's store busy while it is disabled, so the process stops with
	// database work under way (answers while it stops may be anything but a hang).
	stopReaders := make(chan struct{})
	var readers sync.WaitGroup
	for i := 0; i < 4; i++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stopReaders:
					return
				default:
				}
				if req, err := pluginRequest(w.alice, "GET", "/incidents?team_id="+w.team.Id, nil); err == nil {
					if resp, err := httpClient.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	_, err := w.admin.Client.DisablePlugin(ctx, mmenv.PluginID)
	close(stopReaders)
	readers.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !eventually(15*time.Second, func() bool { return len(env.PluginProcesses()) == 0 }) {
		t.Fatalf("plugin processes left after disable: %v", env.PluginProcesses())
	}
	if mmenv.StorageBackend() == "database" {
		// Mattermost took the stopped plugin's connections back as they were: none may still
		// be inside one of its transactions.
		var stale []string
		if !eventually(2*time.Second, func() bool {
			stale, err = env.StaleTransactions(500 * time.Millisecond)
			return err == nil && len(stale) == 0
		}) {
			t.Fatalf("connections left inside a transaction after disable (err %v):\n%s", err, strings.Join(stale, "\n"))
		}
	}
	if status, _ := call(t, w.alice, "GET", "/health", nil, nil); status != http.StatusNotFound {
		t.Fatalf("health while disabled: %d, want 404", status)
	}
	v, err := env.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v < 1 {
		t.Fatalf("schema version %d after migrations", v)
	}
	w.schema = v
	if mmenv.StorageBackend() == "database" {
		// The data went to the server's database: no per-server file may have appeared.
		if _, err := os.Stat(env.DatabasePath()); !os.IsNotExist(err) {
			t.Fatalf("StorageBackend database, yet %s exists (err %v)", env.DatabasePath(), err)
		}
		t.Logf("schema incident_response of the server's database at version %d", v)
	} else {
		t.Logf("database %s at schema version %d", env.DatabasePath(), v)
	}

	if _, err := w.admin.Client.EnablePlugin(ctx, mmenv.PluginID); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitPluginRunning(ctx, w.admin, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	if pids := env.PluginProcesses(); len(pids) != 1 {
		t.Fatalf("plugin processes after enable: %v, want one", pids)
	}
	if after := snapshot(t, w.alice, w.team.Id); !sameJSON(before, after) {
		t.Fatalf("incidents changed across disable/enable:\nbefore %s\nafter  %s", before, after)
	}
}

func stepUpgrade(t *testing.T, ctx context.Context, w *world) {
	before := snapshot(t, w.alice, w.team.Id)
	oldPids := env.PluginProcesses()
	newVersion := nextPatch(t, bundleVersion(t, bundle))
	newer := repackWithVersion(t, bundle, newVersion)
	out, err := env.Deploy(ctx, w.admin, repoDir, newer)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", strings.TrimSpace(out))
	plugins, _, err := w.admin.Client.GetPlugins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	active := ""
	for _, p := range plugins.Active {
		if p.Id == mmenv.PluginID {
			active = p.Version
		}
	}
	if active != newVersion {
		t.Fatalf("active version %q after upgrade, want %s", active, newVersion)
	}
	var pids []int
	if !eventually(15*time.Second, func() bool {
		pids = env.PluginProcesses()
		return len(pids) == 1 && pids[0] != oldPids[0]
	}) {
		t.Fatalf("plugin processes after upgrade: %v (before %v)", pids, oldPids)
	}
	if after := snapshot(t, w.alice, w.team.Id); !sameJSON(before, after) {
		t.Fatalf("incidents changed across the upgrade:\nbefore %s\nafter  %s", before, after)
	}
	// The upgraded plugin keeps working on the old data.
	var inc2 incidentList
	mustCall(t, w.carol, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &inc2)
	if inc2.Total != 1 {
		t.Fatalf("active after upgrade: %+v", inc2)
	}
	first := inc2.Items[0].items()[0]
	mustCall(t, w.carol, "PATCH", "/incidents/"+inc2.Items[0].ID+"/items/"+first.ID, 200, map[string]any{"state": "done"}, nil)

	// Its migrations ran at activation against the existing file: the schema is at least as
	// new as before (this bundle ships the same migrations, so they had nothing to do).
	if _, err := w.admin.Client.DisablePlugin(ctx, mmenv.PluginID); err != nil {
		t.Fatal(err)
	}
	if !eventually(15*time.Second, func() bool { return len(env.PluginProcesses()) == 0 }) {
		t.Fatalf("plugin processes left after disable: %v", env.PluginProcesses())
	}
	v, err := env.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v < w.schema {
		t.Fatalf("schema version went from %d to %d", w.schema, v)
	}
	t.Logf("schema version %d before the upgrade, %d after", w.schema, v)
	if _, err := w.admin.Client.EnablePlugin(ctx, mmenv.PluginID); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitPluginRunning(ctx, w.admin, 60*time.Second); err != nil {
		t.Fatal(err)
	}
}
