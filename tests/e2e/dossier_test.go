package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// A server of its own for TestDossierBetweenServers: its PostgreSQL, its admin, team and people.
type dossierServer struct {
	env          *mmenv.Env
	admin, alice *mmenv.Person
	bob          *mmenv.Person // only on the source
	team         *model.Team
}

func startDossierServer(t *testing.T, ctx context.Context, name string, withBob bool) *dossierServer {
	t.Helper()
	work, err := os.MkdirTemp("", "ir-e2e-dossier-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	e, err := mmenv.Start(ctx, mmenv.Options{WorkDir: work, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Stop()
		if t.Failed() || os.Getenv("E2E_KEEP") != "" {
			t.Logf("server %s: files and logs kept in %s", name, work)
		} else {
			os.RemoveAll(work)
		}
	})
	s := &dossierServer{env: e}
	if s.admin, err = e.CreateUser(ctx, "sysadmin", mmenv.RandomPassword()); err != nil {
		t.Fatal(err)
	}
	if s.team, _, err = s.admin.Client.CreateTeam(ctx, &model.Team{Name: "ops-" + name, DisplayName: "Ops " + name, Type: model.TeamOpen}); err != nil {
		t.Fatal(err)
	}
	people := []string{"alice"}
	if withBob {
		people = append(people, "bob")
	}
	for _, username := range people {
		p, err := e.CreateUser(ctx, username, mmenv.RandomPassword())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.admin.Client.AddTeamMember(ctx, s.team.Id, p.User.Id); err != nil {
			t.Fatal(err)
		}
		if username == "alice" {
			s.alice = p
		} else {
			s.bob = p
		}
	}
	if out, err := e.Deploy(ctx, s.admin, repoDir, bundle); err != nil {
		t.Fatalf("deploy on %s: %v\n%s", name, err, out)
	}
	return s
}

// rawCall sends bytes to the plugin's API on p's server and answers the status, headers and body.
func rawCall(t *testing.T, p *mmenv.Person, method, path string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, p.Client.URL+apiBase+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.Token())
	if body != nil {
		req.Header.Set("Content-Type", "application/zip")
	}
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, raw
}

// downloadDossier answers the ZIP and its files by name (without the INC-0042/ folder).
func downloadDossier(t *testing.T, p *mmenv.Person, id string) ([]byte, map[string]string) {
	t.Helper()
	status, header, body := rawCall(t, p, "GET", "/incidents/"+id+"/dossier", nil)
	if status != http.StatusOK || header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(header.Get("Content-Disposition"), `attachment; filename="INC-`) {
		t.Fatalf("dossier of %s as %s: %d %v %.300s", id, who(p), status, header, body)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the dossier is not a ZIP after the server: %v", err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name[strings.Index(f.Name, "/")+1:]] = string(b)
	}
	return body, files
}

var dossierIDs = regexp.MustCompile(`[a-z0-9]{26}`)

// TestDossierBetweenServers (issue 18): an incident worked on one real Mattermost server is
// exported as a dossier, imported into another server with its own database (people matched by
// username: alice exists there, bob does not), and the imported incident, exported again, reads
// the same: the same Markdown but for its number and the import note, the same record in
// dossier.json but for ids.
func TestDossierBetweenServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	src := startDossierServer(t, ctx, "a", true)
	dst := startDossierServer(t, ctx, "b", false)

	var inc incident
	mustCall(t, src.alice, "POST", "/incidents", http.StatusCreated, map[string]any{"team_id": src.team.Id, "name": "Checkout errors"}, &inc)
	if _, _, err := src.admin.Client.AddChannelMember(ctx, inc.ChannelID, src.bob.User.Id); err != nil {
		t.Fatal(err)
	}
	post := func(p *mmenv.Person, message, root string) *model.Post {
		t.Helper()
		time.Sleep(5 * time.Millisecond) // one millisecond each: the transcript is in time order
		created, _, err := p.Client.CreatePost(ctx, &model.Post{ChannelId: inc.ChannelID, Message: message, RootId: root})
		if err != nil {
			t.Fatal(err)
		}
		return created
	}
	root := post(src.bob, "Checkout answers 502 since 10:02", "")
	post(src.alice, "Rolling back release 42", root.Id)
	post(src.alice, "Back to normal", "")
	mustCall(t, src.alice, "POST", "/incidents/"+inc.ID+"/notes", http.StatusCreated, map[string]any{"text": "Roll back release 42", "category": "decision"}, nil)
	mustCall(t, src.bob, "POST", "/incidents/"+inc.ID+"/notes", http.StatusCreated, map[string]any{"text": "The new cache client leaks connections", "category": "hypothesis"}, nil)
	mustCall(t, src.alice, "POST", "/incidents/"+inc.ID+"/actions", http.StatusCreated, map[string]any{"text": "Alert on checkout 5xx", "owner_id": src.bob.User.Id, "kind": "detective"}, nil)
	mustCall(t, src.alice, "POST", "/incidents/"+inc.ID+"/end", http.StatusOK, nil, nil)
	// The messages are captured by the MessageHasBeenPosted hook, asynchronously.
	var files map[string]string
	var zipped []byte
	if !eventually(20*time.Second, func() bool {
		zipped, files = downloadDossier(t, src.alice, inc.ID)
		return strings.Contains(files["transcript.md"], "Back to normal") && strings.Contains(files["transcript.md"], "Rolling back")
	}) {
		t.Fatalf("the transcript is incomplete: %s", files["transcript.md"])
	}

	// Refused on the other server for a non-admin, and for a damaged upload: nothing created.
	if status, _, body := rawCall(t, dst.alice, "POST", "/incidents/import?team_id="+dst.team.Id, zipped); status != http.StatusForbidden {
		t.Fatalf("alice imports: %d %s", status, body)
	}
	damaged := append([]byte{}, zipped...)
	damaged[len(damaged)/3] ^= 0xFF
	if status, _, body := rawCall(t, dst.admin, "POST", "/incidents/import?team_id="+dst.team.Id, damaged); status != http.StatusBadRequest {
		t.Fatalf("a damaged dossier: %d %s", status, body)
	}
	status, _, body := rawCall(t, dst.admin, "POST", "/incidents/import?team_id="+dst.team.Id, zipped)
	if status != http.StatusCreated {
		t.Fatalf("import: %d %s", status, body)
	}
	var imported struct {
		ID           string   `json:"id"`
		Reference    string   `json:"reference"`
		State        string   `json:"state"`
		CommanderID  string   `json:"commander_id"`
		ImportedFrom string   `json:"imported_from"`
		Unknown      []string `json:"unknown_people"`
	}
	if err := json.Unmarshal(body, &imported); err != nil {
		t.Fatal(err)
	}
	if imported.Reference != "INC-0001" || imported.State != "ended" || imported.CommanderID != dst.alice.User.Id ||
		!strings.HasPrefix(imported.ImportedFrom, "INC-0001, exported") || len(imported.Unknown) != 1 || imported.Unknown[0] != "bob" {
		t.Fatalf("imported: %+v", imported)
	}
	if strings.Contains(string(body), src.alice.User.Id) || strings.Contains(string(body), src.bob.User.Id) || strings.Contains(string(body), inc.ID) {
		t.Errorf("an id of the source server is in the import: %s", body)
	}

	_, again := downloadDossier(t, dst.admin, imported.ID)
	for name, before := range files {
		after, ok := again[name]
		switch {
		case !ok:
			t.Errorf("%s is missing from the re-exported dossier", name)
		case name == "dossier.json":
			compareDossierJSON(t, before, after)
		case name == "README.md":
			if !strings.Contains(after, "**Imported from:** INC-0001") {
				t.Errorf("README.md does not say where it came from:\n%s", after)
			}
		case before != after:
			// Same references on both servers (INC-0001), same usernames: the text is the same.
			t.Errorf("%s reads differently after the move:\n--- exported\n%s\n--- re-exported\n%s", name, before, after)
		}
	}
	// Importing again makes another incident; nothing is overwritten.
	if status, _, body := rawCall(t, dst.admin, "POST", "/incidents/import?team_id="+dst.team.Id, zipped); status != http.StatusCreated || !strings.Contains(string(body), `"reference":"INC-0002"`) {
		t.Errorf("second import: %d %s", status, body)
	}
}

// compareDossierJSON: the same record but for ids (each 26-character id, and bob's name kept on
// the target in place of his id, read as ID), the export time, the people's ids and what an
// import sets (the import note, no channel, reminders off).
func compareDossierJSON(t *testing.T, before, after string) {
	t.Helper()
	normalise := func(text string) string {
		var v map[string]any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Fatal(err)
		}
		delete(v, "exported_at")
		delete(v, "people")
		if inc, ok := v["incident"].(map[string]any); ok {
			for _, key := range []string{"imported_from", "channel_id", "reminders_off", "announcement_channel_ids"} {
				delete(inc, key)
			}
		}
		b, _ := json.Marshal(v)
		replaced := strings.ReplaceAll(dossierIDs.ReplaceAllString(string(b), "ID"), `"@bob"`, `"ID"`)
		var out any
		_ = json.Unmarshal([]byte(replaced), &out)
		pretty, _ := json.MarshalIndent(out, "", " ")
		return string(pretty)
	}
	if a, b := normalise(before), normalise(after); a != b {
		t.Errorf("dossier.json differs beyond ids:\n--- exported\n%s\n--- re-exported\n%s", a, b)
	}
}
