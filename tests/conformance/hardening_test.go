package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentresponse/tests/conformance/harness"
)

// Go's HTTP server passes bytes 0x80-0xFF in header values and the request target through, and
// Mattermost forwards them to the plugin as they came. The plugin must answer such a request
// like any other, not fail the call (which the server answers 500).
func TestRequestBytesThatAreNotUTF8(t *testing.T) {
	s := newScenario(t)
	req := harness.NewPluginRequest(http.MethodGet, "/api/v0/health", nil, s.alice)
	req.Header.Set("X-Latin1", "caf\xe9")
	req.RequestURI = "/api/v0/health?x=\xff"
	start := time.Now()
	rec, _, err := harness.ServeHTTP(s.hooks, req, callTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || time.Since(start) > 2*time.Second {
		t.Errorf("health with a Latin-1 header answered %d %q after %s, want 200 at once", rec.Code, rec.Body.String(), time.Since(start))
	}
	// And the plugin keeps serving.
	s.ok(t, s.alice, http.MethodGet, "/api/v0/health", nil, http.StatusOK, nil)
}

// Every text a route family takes has a limit: past it, 400 naming the field and the limit, and
// nothing changes (the incident, the list, channels, posts, websocket events).
func TestInputLimitsPerRouteFamily(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Bounded"})
	x := func(n int) string { return strings.Repeat("x", n) }
	base := "/api/v0/incidents/" + inc.ID
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Bounded playbook"}, http.StatusCreated, &pb)
	cases := []struct {
		family, method, path string
		body                 any
		field, limit         string
	}{
		{"incidents", http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": x(101)}, "name", "100"},
		{"incidents", http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "ok", "summary": x(4001)}, "summary", "4000"},
		{"incidents", http.MethodGet, "/api/v0/incidents?team_id=" + s.team + "&q=" + x(201), nil, "q", "200"},
		{"checklist", http.MethodPost, base + "/items", map[string]any{"section": "Tasks", "title": x(201)}, "title", "200"},
		{"checklist", http.MethodPost, base + "/items", map[string]any{"section": x(101), "title": "ok"}, "section", "100"},
		{"running", http.MethodPost, base + "/updates", map[string]any{"message": x(4001)}, "message", "4000"},
		{"running", http.MethodPost, base + "/updates", map[string]any{"message": "ok", "impact": x(4001)}, "impact", "4000"},
		{"running", http.MethodPost, base + "/roles", map[string]any{"role": x(101), "user_id": s.alice}, "role", "100"},
		{"running", http.MethodPost, base + "/commander", map[string]any{"user_id": x(65)}, "user_id", "64"},
		{"learning", http.MethodPost, base + "/notes", map[string]any{"text": x(4001)}, "note", "4000"},
		{"learning", http.MethodPost, base + "/actions", map[string]any{"text": x(201)}, "action", "200"},
		{"learning", http.MethodPut, base + "/report", map[string]any{"markdown": x(60001)}, "markdown", "60000"},
		{"playbooks", http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": x(101)}, "title", "100"},
		{"playbooks", http.MethodPut, "/api/v0/playbooks/" + pb.ID, map[string]any{"title": "ok", "description": x(4001)}, "description", "4000"},
		{"playbooks", http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "ok",
			"checklists": []any{map[string]any{"title": "S", "items": []any{map[string]any{"title": x(201)}}}}}, "item 1's title", "200"},
		{"paths", http.MethodGet, "/api/v0/incidents/" + x(65), nil, "id in the path", "64"},
	}
	for _, c := range cases {
		before := s.snapshot(t, inc.ID)
		msg := s.fails(t, s.alice, c.method, c.path, c.body, http.StatusBadRequest)
		if !strings.Contains(msg, c.field) || !strings.Contains(msg, c.limit) {
			t.Errorf("%s: %s %s: %q does not name %q and %s", c.family, c.method, short(c.path), msg, c.field, c.limit)
		}
		s.unchanged(t, fmt.Sprintf("%s: %s %s", c.family, c.method, short(c.path)), before, inc.ID)
	}
	// Buttons and forms: 200 (what Mattermost expects), the reason where it shows it.
	before := s.snapshot(t, inc.ID)
	var claim struct {
		Text string `json:"ephemeral_text"`
	}
	s.ok(t, s.alice, http.MethodPost, "/api/v0/actions/claim", map[string]any{"context": map[string]any{"incident_id": inc.ID, "role": x(101)}}, http.StatusOK, &claim)
	if !strings.Contains(claim.Text, "context.role") || !strings.Contains(claim.Text, "100") {
		t.Errorf("claim with a long role: %q", claim.Text)
	}
	var form struct {
		Errors map[string]string `json:"errors"`
	}
	s.ok(t, s.alice, http.MethodPost, "/api/v0/dialogs/update", map[string]any{"state": inc.ID, "submission": map[string]any{"message": x(60001)}}, http.StatusOK, &form)
	if !strings.Contains(form.Errors["message"], "60000") {
		t.Errorf("the update form with a long message: %+v", form.Errors)
	}
	s.unchanged(t, "buttons and forms", before, inc.ID)

	// Slash commands: the limits, in the ephemeral answer; nothing changes.
	before = s.snapshot(t, inc.ID)
	for _, c := range []struct{ command, limit string }{
		{"/incident update " + x(4001), "4000"},
		{"/incident checkadd Tasks " + x(201), "200"},
		{"/incident decision " + x(4001), "4000"},
		{"/incident action " + x(201), "200"},
		{"/incident start " + x(101), "100"},
		{"/incident update " + x(5000), "4000"},
		{"/incident update " + x(17000), "16383"},
	} {
		reply := s.cmd(t, s.alice, s.team, inc.ChannelID, c.command)
		if !strings.Contains(reply, c.limit) {
			t.Errorf("%s: replied %q, want the limit %s", short(c.command), short(reply), c.limit)
		}
	}
	s.unchanged(t, "over-long commands", before, inc.ID)
}
