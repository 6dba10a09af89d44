package conformance

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// TestIncidentDossierThroughThePluginHost (issue 18): the dossier's ZIP crosses Mattermost's
// ServeHTTP and the host byte for byte (Go's archive/zip reads it, checksums included); the
// transcript is left out for a team admin outside the private channel; the ZIP uploaded back
// (a binary request body) is imported as a new, ended incident with new ids, and a refused
// upload changes nothing.
func TestIncidentDossierThroughThePluginHost(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Payments down", "private": true})
	ctx := &plugin.Context{RequestId: "req-dossier"}
	say := func(message, root string) *model.Post {
		t.Helper()
		time.Sleep(2 * time.Millisecond)
		p, aerr := s.api.CreatePost(&model.Post{ChannelId: inc.ChannelID, UserId: s.alice, Message: message, RootId: root})
		if aerr != nil {
			t.Fatalf("post: %v", aerr)
		}
		s.hooks.MessageHasBeenPosted(ctx, p)
		return p
	}
	root := say("Gateway answers 502", "")
	say("Rolling back", root.Id)
	s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident decision roll back release 42")
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/end", nil, http.StatusOK, nil)

	files := func(user string) map[string]string {
		t.Helper()
		r := s.rest(t, user, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/dossier", nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="INC-`) {
			t.Fatalf("dossier as %s: %d %v", s.name(user), r.Status, r.Header)
		}
		z, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
		if err != nil {
			t.Fatalf("the dossier is not a ZIP after the plugin host: %v", err)
		}
		out := map[string]string{}
		for _, f := range z.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			b, err := io.ReadAll(rc) // checks the CRC-32 at the end
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			out[f.Name[strings.Index(f.Name, "/")+1:]] = string(b)
		}
		return out
	}
	mine := files(s.alice)
	if !strings.Contains(mine["transcript.md"], "Gateway answers 502") || !strings.Contains(mine["transcript.md"], "    - ") {
		t.Errorf("the transcript and its thread are missing: %q", mine["transcript.md"])
	}
	if !strings.Contains(mine["decisions-and-hypotheses.md"], "roll back release 42") {
		t.Errorf("decisions: %q", mine["decisions-and-hypotheses.md"])
	}
	tadmin := s.api.AddUser("tadmin-dossier", s.team)
	s.api.JoinTeam(s.team, tadmin, true)
	for name, text := range files(tadmin) {
		if strings.Contains(text, "Gateway answers") {
			t.Errorf("%s leaks a message of the private channel to a team admin outside it", name)
		}
	}
	s.fails(t, s.bob, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/dossier", nil, http.StatusNotFound)

	zipBody := s.rest(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/dossier", nil).Body
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/import?team_id="+s.team, zipBody, http.StatusForbidden)
	damaged := append([]byte{}, zipBody...)
	damaged[len(damaged)/2] ^= 0xFF
	s.fails(t, s.admin, http.MethodPost, "/api/v0/incidents/import?team_id="+s.team, damaged, http.StatusBadRequest)
	var imported struct {
		ID           string   `json:"id"`
		Reference    string   `json:"reference"`
		State        string   `json:"state"`
		ChannelID    string   `json:"channel_id"`
		ImportedFrom string   `json:"imported_from"`
		Unknown      []string `json:"unknown_people"`
		CommanderID  string   `json:"commander_id"`
	}
	s.ok(t, s.admin, http.MethodPost, "/api/v0/incidents/import?team_id="+s.team, zipBody, http.StatusCreated, &imported)
	if imported.ID == inc.ID || imported.Reference != "INC-0002" || imported.State != "ended" || imported.ChannelID != "" ||
		!strings.HasPrefix(imported.ImportedFrom, "INC-0001") || imported.CommanderID != s.alice || len(imported.Unknown) != 0 {
		t.Errorf("imported: %+v", imported)
	}
	var again struct {
		Transcript struct {
			Messages []struct {
				ID     string `json:"id"`
				RootID string `json:"root_id"`
			} `json:"messages"`
		} `json:"transcript"`
	}
	r := s.rest(t, s.admin, http.MethodGet, "/api/v0/incidents/"+imported.ID+"/dossier", nil)
	z, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatalf("re-export: %v", err)
	}
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/dossier.json") {
			rc, _ := f.Open()
			if err := json.NewDecoder(rc).Decode(&again); err != nil {
				t.Fatalf("dossier.json: %v", err)
			}
		}
	}
	if m := again.Transcript.Messages; len(m) != 2 || m[1].RootID != m[0].ID || m[0].ID == root.Id {
		t.Errorf("the imported transcript: %+v", m)
	}
}
