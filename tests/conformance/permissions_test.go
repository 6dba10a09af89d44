package conformance

import (
	"net/http"
	"testing"
)

// The permission matrix: every kind of caller against the incident routes, for a private and a
// public incident. Anonymous callers get 401; people who may not see an incident get 404 (it
// is not said to exist); people who may see but not change it get 403; channel members and
// team and system admins may do both.
func TestPermissionMatrix(t *testing.T) {
	s := newScenario(t)
	tadmin := s.api.AddUser("tadmin", s.team)
	s.api.JoinTeam(s.team, tadmin, true)
	private := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Private one", "private": true})
	public := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Public one", "private": false})

	type caller struct {
		name, id string
	}
	callers := []caller{{"anonymous", ""}, {"carol (no team)", s.carol}, {"bob (team, not in channel)", s.bob},
		{"alice (in channel)", s.alice}, {"team admin", tadmin}, {"system admin", s.admin}}
	type route struct {
		method, path string
		body         func(who string) any
		write        bool
	}
	routes := func(id string) []route {
		note := func(who string) any { return map[string]any{"text": "note by " + who} }
		update := func(who string) any { return map[string]any{"message": "update by " + who} }
		return []route{
			{http.MethodGet, "/api/v0/incidents/" + id, nil, false},
			{http.MethodGet, "/api/v0/incidents/" + id + "/report", nil, false},
			{http.MethodGet, "/api/v0/incidents/" + id + "/transcript", nil, false},
			{http.MethodGet, "/api/v0/incidents/" + id + "/actions", nil, false},
			{http.MethodGet, "/api/v0/incidents/" + id + "/followers", nil, false},
			{http.MethodPost, "/api/v0/incidents/" + id + "/notes", note, true},
			{http.MethodPost, "/api/v0/incidents/" + id + "/updates", update, true},
			{http.MethodPost, "/api/v0/incidents/" + id + "/items", func(who string) any { return map[string]any{"section": "Tasks", "title": "item by " + who} }, true},
		}
	}
	// What each caller should get: private incident, then public incident (reads, writes).
	want := map[string][4]int{
		"anonymous":                  {401, 401, 401, 401},
		"carol (no team)":            {404, 404, 404, 404},
		"bob (team, not in channel)": {404, 404, 200, 403},
		"alice (in channel)":         {200, 200, 200, 200},
		"team admin":                 {200, 200, 200, 200},
		"system admin":               {200, 200, 200, 200},
	}
	for n, inc := range []incident{private, public} {
		for _, c := range callers {
			for _, r := range routes(inc.ID) {
				expected := want[c.name][n*2]
				if r.write {
					expected = want[c.name][n*2+1]
				}
				var body any
				if r.body != nil {
					body = r.body(c.name)
				}
				res := s.rest(t, c.id, r.method, r.path, body)
				got := res.Status
				if got == http.StatusCreated {
					got = http.StatusOK
				}
				if got != expected {
					t.Errorf("%s incident, %s: %s %s answered %s, want %d", []string{"private", "public"}[n], c.name, r.method, r.path, res, expected)
				}
			}
		}
	}
	// Team-wide routes: the team's members and admins only.
	for _, c := range callers {
		for _, path := range []string{"/api/v0/incidents?team_id=" + s.team, "/api/v0/actions?team_id=" + s.team, "/api/v0/reports?team_id=" + s.team} {
			res := s.rest(t, c.id, http.MethodGet, path, nil)
			expected := map[string]int{"anonymous": 401, "carol (no team)": 403}[c.name]
			if expected == 0 {
				expected = 200
			}
			if res.Status != expected {
				t.Errorf("%s: GET %s answered %s, want %d", c.name, path, res, expected)
			}
		}
	}
	// A private incident stays out of a non-member's lists.
	var list incidentList
	s.ok(t, s.bob, http.MethodGet, "/api/v0/incidents?team_id="+s.team, nil, http.StatusOK, &list)
	for _, i := range list.Items {
		if i.ID == private.ID {
			t.Errorf("bob's list shows the private incident")
		}
	}
}
