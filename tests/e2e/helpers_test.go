package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

const apiBase = "/plugins/" + mmenv.PluginID + "/api/v0"

// The websocket event our plugin publishes; Mattermost prefixes custom_<plugin id>_.
const eventIncidentUpdated = "custom_" + mmenv.PluginID + "_incident_updated"

var httpClient = &http.Client{Timeout: 30 * time.Second}

// call sends one request to the plugin's REST API as a user (Authorization: Bearer <session
// token>) and decodes a JSON answer into out when given. It returns the status and raw body.
func call(t *testing.T, p *mmenv.Person, method, path string, body, out any) (int, string) {
	t.Helper()
	req, err := pluginRequest(p, method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, httpClient, req, out)
}

// pluginRequest builds a request to the plugin's REST API as p. It goes to the server p's
// client talks to (a cluster node in TestHA), or to env without a user.
func pluginRequest(p *mmenv.Person, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	base := env.URL
	if p != nil {
		base = p.Client.URL
	}
	req, err := http.NewRequest(method, base+apiBase+path, rd)
	if err != nil {
		return nil, err
	}
	if p != nil {
		req.Header.Set("Authorization", "Bearer "+p.Token())
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func do(t *testing.T, c *http.Client, req *http.Request, out any) (int, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d, not JSON (%v): %s", req.Method, req.URL.Path, res.StatusCode, err, raw)
		}
	}
	return res.StatusCode, string(raw)
}

// mustCall is call that fails the test unless the status is the expected one.
func mustCall(t *testing.T, p *mmenv.Person, method, path string, want int, body, out any) string {
	t.Helper()
	status, raw := call(t, p, method, path, body, out)
	if status != want {
		t.Fatalf("%s %s as %s: got %d, want %d: %s", method, path, who(p), status, want, raw)
	}
	return raw
}

func who(p *mmenv.Person) string {
	if p == nil {
		return "nobody"
	}
	return p.User.Username
}

// command runs a slash command the way the Mattermost client does: POST
// /api/v4/commands/execute in a channel. It returns the reply text.
func command(t *testing.T, p *mmenv.Person, channelID, text string) string {
	t.Helper()
	res, _, err := p.Client.ExecuteCommand(context.Background(), channelID, text)
	if err != nil {
		t.Fatalf("%s as %s: %v", text, p.User.Username, err)
	}
	return res.Text
}

// ---- the plugin's JSON ----

type item struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	State       string            `json:"state"`
	CompletedBy *string           `json:"completed_by"`
	History     []json.RawMessage `json:"history"`
}

type incident struct {
	ID          string `json:"id"`
	Reference   string `json:"reference"`
	Number      int    `json:"number"`
	TeamID      string `json:"team_id"`
	Name        string `json:"name"`
	ChannelID   string `json:"channel_id"`
	CommanderID string `json:"commander_id"`
	State       string `json:"state"`
	EndedAt     *int64 `json:"ended_at"`
	Checklists  []struct {
		Title string `json:"title"`
		Items []item `json:"items"`
	} `json:"checklists"`
	Timeline []json.RawMessage `json:"timeline"`
}

func (inc *incident) items() []item {
	var all []item
	for _, s := range inc.Checklists {
		all = append(all, s.Items...)
	}
	return all
}

func (inc *incident) item(t *testing.T, title string) item {
	t.Helper()
	for _, it := range inc.items() {
		if it.Title == title {
			return it
		}
	}
	t.Fatalf("%s has no item %q", inc.Reference, title)
	return item{}
}

type incidentList struct {
	Items []incident `json:"items"`
	Total int        `json:"total"`
}

// snapshot is every incident of the team as the plugin serves it, for before/after
// comparisons (restart, disable, upgrade).
func snapshot(t *testing.T, p *mmenv.Person, teamID string) string {
	t.Helper()
	raw := mustCall(t, p, "GET", "/incidents?state=all&per_page=200&team_id="+teamID, 200, nil, nil)
	var list incidentList
	if err := json.Unmarshal([]byte(raw), &list); err != nil || list.Total == 0 {
		t.Fatalf("snapshot: %v %s", err, raw)
	}
	return raw
}

// ---- websocket ----

// wsClient is one user's websocket connection to the server, the one the Mattermost webapp
// opens; it keeps every event it receives.
type wsClient struct {
	user   string
	conn   *websocket.Conn
	events chan wsEvent
}

type wsEvent struct {
	Event     string         `json:"event"`
	Data      map[string]any `json:"data"`
	Broadcast map[string]any `json:"broadcast"`
}

// connectWS opens a websocket for p; the caller closes it (it outlives the subtest).
func connectWS(t *testing.T, p *mmenv.Person) *wsClient {
	t.Helper()
	u := strings.Replace(env.URL, "http://", "ws://", 1) + "/api/v4/websocket"
	header := http.Header{"Authorization": {"Bearer " + p.Token()}}
	conn, res, err := websocket.DefaultDialer.Dial(u, header)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("websocket for %s: %v (HTTP %d)", p.User.Username, err, status)
	}
	c := &wsClient{user: p.User.Username, conn: conn, events: make(chan wsEvent, 256)}
	go func() {
		defer close(c.events)
		for {
			var ev wsEvent
			if err := conn.ReadJSON(&ev); err != nil {
				return
			}
			if ev.Event != "" {
				c.events <- ev
			}
		}
	}()
	c.waitFor(t, "hello", func(wsEvent) bool { return true }, 10*time.Second)
	return c
}

// waitFor reads events until one named name satisfies ok.
func (c *wsClient) waitFor(t *testing.T, name string, ok func(wsEvent) bool, limit time.Duration) wsEvent {
	t.Helper()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		select {
		case ev, open := <-c.events:
			if !open {
				t.Fatalf("%s's websocket closed while waiting for %s", c.user, name)
			}
			if ev.Event == name && ok(ev) {
				return ev
			}
		case <-timer.C:
			t.Fatalf("%s received no %s within %s", c.user, name, limit)
		}
	}
}

// drain returns the events named name received so far (waiting `grace` for late ones).
func (c *wsClient) drain(name string, grace time.Duration) []wsEvent {
	var got []wsEvent
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for {
		select {
		case ev, open := <-c.events:
			if !open {
				return got
			}
			if ev.Event == name {
				got = append(got, ev)
			}
		case <-timer.C:
			return got
		}
	}
}

func forIncident(id string) func(wsEvent) bool {
	return func(ev wsEvent) bool { return ev.Data["incident_id"] == id }
}

// ---- a browser-like session: cookies ----

// cookieSession logs in the way the web client does: the server answers with the session
// cookie (MMAUTHTOKEN) and the CSRF cookie (MMCSRF).
func cookieSession(t *testing.T, username, password string) (*http.Client, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"login_id": username, "password": password})
	req, _ := http.NewRequest("POST", env.URL+"/api/v4/users/login", bytes.NewReader(body))
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	if status, raw := do(t, c, req, nil); status != 200 {
		t.Fatalf("cookie login %s: %d %s", username, status, raw)
	}
	u, _ := url.Parse(env.URL)
	csrf := ""
	names := []string{}
	for _, ck := range jar.Cookies(u) {
		names = append(names, ck.Name)
		if ck.Name == "MMCSRF" {
			csrf = ck.Value
		}
	}
	if csrf == "" {
		t.Fatalf("no MMCSRF cookie after login (cookies: %v)", names)
	}
	return c, csrf
}

// ---- bundle ----

// repackWithVersion writes a copy of the bundle whose plugin.json says version; everything
// else is byte for byte the same.
func repackWithVersion(t *testing.T, src, version string) string {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	gz, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%s.tar.gz", mmenv.PluginID, version))
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	replaced := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(hdr.Name) == "plugin.json" && strings.Count(strings.Trim(hdr.Name, "/"), "/") == 1 {
			var manifest map[string]any
			if err := json.Unmarshal(data, &manifest); err != nil {
				t.Fatal(err)
			}
			manifest["version"] = version
			if data, err = json.MarshalIndent(manifest, "", "    "); err != nil {
				t.Fatal(err)
			}
			hdr.Size = int64(len(data))
			replaced = true
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []io.Closer{tw, zw, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if !replaced {
		t.Fatalf("%s has no <id>/plugin.json", src)
	}
	return out
}

// bundleVersion reads the version from the bundle's plugin.json.
func bundleVersion(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: no plugin.json (%v)", path, err)
		}
		if filepath.Base(hdr.Name) == "plugin.json" {
			var m model.Manifest
			if err := json.NewDecoder(tr).Decode(&m); err != nil {
				t.Fatal(err)
			}
			return m.Version
		}
	}
}

// nextPatch is version with its patch number plus one: 0.1.0 → 0.1.1.
func nextPatch(t *testing.T, version string) string {
	parts := strings.Split(version, ".")
	n, err := strconv.Atoi(parts[len(parts)-1])
	if len(parts) != 3 || err != nil {
		t.Fatalf("version %q is not x.y.z", version)
	}
	parts[2] = strconv.Itoa(n + 1)
	return strings.Join(parts, ".")
}

// eventually polls cond until it holds or limit passes.
func eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// transactionLeakSigns are what Mattermost and PostgreSQL log when a connection went back to
// Mattermost's pool inside a plugin transaction: Mattermost's next query on it fails, or
// lib/pq finds the connection mid-transaction, or PostgreSQL ends the forgotten transaction.
var transactionLeakSigns = []string{
	"current transaction is aborted",
	"unexpected transaction status",
	"idle-in-transaction timeout",
}

// assertNoTransactionLeaks fails if a server log or PostgreSQL's log shows a leaked
// transaction (see transactionLeakSigns).
func assertNoTransactionLeaks(t *testing.T, logs ...string) {
	t.Helper()
	for _, path := range logs {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("log %s: %v", path, err)
		}
		if lines := logLines(path, 5, transactionLeakSigns...); lines != "" {
			t.Errorf("%s shows a database connection given back inside a transaction:\n%s", path, lines)
		}
	}
}
