package conformance

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fieldsIncident is an incident with its custom fields (issue 17).
type fieldsIncident struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
	ChannelID string `json:"channel_id"`
	Fields    []struct {
		Name  string  `json:"name"`
		Kind  string  `json:"kind"`
		Value *string `json:"value"`
	} `json:"fields"`
}

func (i fieldsIncident) value(name string) string {
	for _, f := range i.Fields {
		if f.Name == name && f.Value != nil {
			return *f.Value
		}
	}
	return ""
}

// TestCustomFieldsAndListFilters (issue 17): a playbook's fields set at the start, by command
// and by REST, shown in /incident info, filtered on in lists (REST and command) without ever
// revealing a private incident, and the cross-team report for system admins only, through
// Mattermost's plugin host.
func TestCustomFieldsAndListFilters(t *testing.T) {
	s := newScenario(t)
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Customer outage", "fields": []any{
		map[string]any{"name": "Region", "kind": "select", "options": []string{"EU", "US"}},
		map[string]any{"name": "Owner", "kind": "user"},
		map[string]any{"name": "Ticket", "kind": "link"},
		map[string]any{"name": "Users affected", "kind": "number"},
	}}, http.StatusCreated, &pb)
	s.fails(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Bad",
		"fields": []any{map[string]any{"name": "Region", "kind": "select"}}}, http.StatusBadRequest)

	var secret, public fieldsIncident
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "Secret outage", "private": true,
		"playbook_id": pb.ID, "severity": "P1", "fields": map[string]any{"region": "eu", "Owner": "@alice"}}, http.StatusCreated, &secret)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "Public outage",
		"playbook_id": pb.ID, "severity": "P2", "fields": map[string]any{"Region": "US"}}, http.StatusCreated, &public)
	if secret.value("Region") != "EU" || secret.value("Owner") != s.alice {
		t.Errorf("start values: %+v", secret.Fields)
	}
	if msg := s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "x", "playbook_id": pb.ID,
		"fields": map[string]any{"Region": "Mars"}}, http.StatusBadRequest); !strings.Contains(msg, "EU, US") {
		t.Errorf("a value outside the options: %q", msg)
	}

	// The command: a two-word field unquoted, a defused channel-wide mention, a clear, an unknown field.
	if got := s.cmd(t, s.alice, s.team, public.ChannelID, "/incident set Users affected 1200.50"); got != "Set Users affected of "+public.Reference+"." {
		t.Errorf("set: %q", got)
	}
	if got := s.cmd(t, s.alice, s.team, public.ChannelID, "/incident set Colour red"); !strings.Contains(got, "Region, Owner, Ticket, Users affected") {
		t.Errorf("unknown field: %q", got)
	}
	if got := s.cmd(t, s.alice, s.team, public.ChannelID, "/incident set Ticket https://tracker.example/@channel"); !strings.HasPrefix(got, "Set Ticket") {
		t.Errorf("set a link: %q", got)
	}
	posted := false
	for _, p := range s.botPosts(public.ChannelID) {
		if strings.Contains(p.Message, "set Ticket to https://tracker.example/@\u200bchannel") {
			posted = true
		}
		if strings.Contains(p.Message, "/@channel") {
			t.Errorf("a channel-wide mention went out live: %q", p.Message)
		}
	}
	if !posted {
		t.Errorf("no defused timeline line for the field")
	}
	if info := s.cmd(t, s.alice, s.team, public.ChannelID, "/incident info"); !strings.Contains(info, "Users affected: 1200.5") {
		t.Errorf("/incident info without the field:\n%s", info)
	}
	if got := s.cmd(t, s.alice, s.team, public.ChannelID, "/incident set Ticket"); !strings.HasPrefix(got, "Cleared Ticket") {
		t.Errorf("clear: %q", got)
	}

	// REST: all or nothing; bob (team, outside the channels) may not change, nor see the private one.
	path := "/api/v0/incidents/" + public.ID + "/fields"
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{"fields": map[string]any{"Owner": "@bob", "Region": "Mars"}}, http.StatusBadRequest)
	var patched fieldsIncident
	s.ok(t, s.alice, http.MethodPatch, path, map[string]any{"fields": map[string]any{"Owner": "@bob", "Region": nil}}, http.StatusOK, &patched)
	if patched.value("Owner") != s.bob || patched.value("Region") != "" {
		t.Errorf("after PATCH: %+v", patched.Fields)
	}
	s.fails(t, s.bob, http.MethodPatch, path, map[string]any{"fields": map[string]any{"Region": "EU"}}, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodPatch, "/api/v0/incidents/"+secret.ID+"/fields", map[string]any{"fields": map[string]any{"Region": "US"}}, http.StatusNotFound)

	// Lists: the filters, and the private incident only for those who may see it.
	count := func(user string, q url.Values) int { return s.list(t, user, q).Total }
	if n := count(s.alice, url.Values{"field": {"Region=EU"}, "severity": {"p1"}}); n != 1 {
		t.Errorf("alice, Region=EU and P1: %d", n)
	}
	if n := count(s.bob, url.Values{"field": {"Region=EU"}}); n != 0 {
		t.Errorf("bob sees the private incident through a filter: %d", n)
	}
	if n := count(s.bob, url.Values{"field": {"Owner=" + s.bob}, "playbook_id": {pb.ID}, "status": {"investigating"}}); n != 1 {
		t.Errorf("bob, Owner=bob: %d", n)
	}
	if n := count(s.admin, url.Values{"playbook_id": {pb.ID}}); n != 2 {
		t.Errorf("the admin, by playbook: %d", n)
	}
	if got := s.cmd(t, s.bob, s.team, s.town, `/incident list severity:P1 playbook:"Customer outage"`); !strings.Contains(got, "No incidents") {
		t.Errorf("bob's command list shows the private one: %q", got)
	}
	if got := s.cmd(t, s.alice, s.team, s.town, `/incident list playbook:"customer outage" field:Owner=@alice`); !strings.Contains(got, "Secret outage") || strings.Contains(got, "Public outage") {
		t.Errorf("alice's command list: %q", got)
	}

	// The cross-team report.
	var report struct {
		Teams []struct {
			TeamID    string `json:"team_id"`
			Incidents int    `json:"incidents"`
		} `json:"teams"`
	}
	s.ok(t, s.admin, http.MethodGet, "/api/v0/reports/teams", nil, http.StatusOK, &report)
	found := false
	for _, team := range report.Teams {
		found = found || (team.TeamID == s.team && team.Incidents >= 2)
	}
	if !found {
		t.Errorf("the cross-team report lacks the team: %+v", report)
	}
	s.fails(t, s.alice, http.MethodGet, "/api/v0/reports/teams", nil, http.StatusForbidden)
}
