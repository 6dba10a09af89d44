package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// Severities, statuses and roles per team (issue 17) through Mattermost's plugin host: a team
// admin sets the team's lists, members read them, an incident of the team runs on them (the
// channel header, the command's choices, the last status resolving), a name an incident held
// before the change stays, and an empty body returns the team to the server-wide lists.
func TestTeamConduct(t *testing.T) {
	s := newScenario(t)
	ted := s.api.AddUser("tedadmin", s.team)
	s.api.JoinTeam(s.team, ted, true)
	url := "/api/v0/conduct?team_id=" + s.team
	type level struct{ Name, Description string }
	type conduct struct {
		Severities []level `json:"severities"`
		Statuses   []level `json:"statuses"`
		Roles      []level `json:"roles"`
		Source     string  `json:"source"`
		MayEdit    bool    `json:"may_edit"`
		Team       struct{ Severities, Statuses, Roles string }
	}
	names := func(ls []level) string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Name)
		}
		return strings.Join(out, ",")
	}
	before := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Before the lists"})

	var c conduct
	s.ok(t, s.bob, http.MethodGet, url, nil, http.StatusOK, &c)
	if c.Source != "server" || c.MayEdit || names(c.Severities) != "P1,P2,P3,P4" {
		t.Errorf("a member reads %+v", c)
	}
	lists := map[string]any{"severities": "SEV1: all hands\nSEV2: degraded", "statuses": "Open\nFixing\nClosed", "roles": "Scribe: keeps notes"}
	s.fails(t, s.bob, http.MethodPut, url, lists, http.StatusForbidden)
	if msg := s.fails(t, ted, http.MethodPut, url, map[string]any{"roles": "Scribe\nscribe"}, http.StatusBadRequest); msg != `roles, line 2: "scribe" is listed twice.` {
		t.Errorf("bad text answered %q", msg)
	}
	s.ok(t, s.bob, http.MethodGet, url, nil, http.StatusOK, &c)
	if c.Source != "server" {
		t.Errorf("a refused save changed the lists: %+v", c)
	}
	s.ok(t, ted, http.MethodPut, url, lists, http.StatusOK, &c)
	if c.Source != "team" || !c.MayEdit || c.Team.Statuses != "Open\nFixing\nClosed" {
		t.Errorf("saved %+v", c)
	}
	s.ok(t, s.bob, http.MethodGet, url, nil, http.StatusOK, &c)
	if names(c.Severities) != "SEV1,SEV2" || names(c.Statuses) != "Open,Fixing,Closed" || names(c.Roles) != "Scribe" {
		t.Errorf("a member reads %+v", c)
	}
	var server conduct
	s.ok(t, s.bob, http.MethodGet, "/api/v0/conduct", nil, http.StatusOK, &server)
	if names(server.Severities) != "P1,P2,P3,P4" {
		t.Errorf("without a team: %+v", server)
	}

	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "On the team's lists"})
	if inc.Severity != "SEV2" || inc.Status != "Open" {
		t.Fatalf("a new incident is %q/%q, want SEV2/Open", inc.Severity, inc.Status)
	}
	ch := inc.ChannelID
	if h := s.api.Channel(ch).Header; h != "Severity: SEV2 | Status: Open" {
		t.Errorf("header %q", h)
	}
	replyHas(t, "/incident severity", s.cmd(t, s.alice, s.team, ch, "/incident severity"), "**SEV1**: all hands")
	replyHas(t, "/incident severity P1", s.cmd(t, s.alice, s.team, ch, "/incident severity P1"), "choose one of SEV1, SEV2")
	replyHas(t, "/incident severity sev1", s.cmd(t, s.alice, s.team, ch, "/incident severity sev1"), "Severity: SEV1 | Status: Open")
	replyHas(t, "/incident role", s.cmd(t, s.alice, s.team, ch, "/incident role Scribe @bob"), "is now the Scribe")
	s.cmd(t, s.alice, s.team, ch, "/incident end")
	if got := s.get(t, s.alice, inc.ID); got.State != "ended" || got.Status != "Closed" {
		t.Errorf("ended as %q/%q, want ended/Closed", got.State, got.Status)
	}

	// The incident from before keeps P4 and Investigating, and moves on to the team's names.
	if got := s.get(t, s.alice, before.ID); got.Severity != "P4" || got.Status != "Investigating" {
		t.Errorf("the earlier incident is %q/%q", got.Severity, got.Status)
	}
	var moved incident
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+before.ID+"/status", map[string]any{"status": "Fixing"}, http.StatusOK, &moved)
	if moved.Status != "Fixing" || moved.Severity != "P4" {
		t.Errorf("the earlier incident moved to %q/%q", moved.Severity, moved.Status)
	}

	// An empty body: the server-wide lists again.
	s.ok(t, s.admin, http.MethodPut, url, nil, http.StatusOK, &c)
	s.ok(t, s.bob, http.MethodGet, url, nil, http.StatusOK, &c)
	if c.Source != "server" || names(c.Severities) != "P1,P2,P3,P4" {
		t.Errorf("after the reset %+v", c)
	}
}
