package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// TestResponderLoad (issue 18): GET /reports/responders and /incident load through Mattermost's
// plugin host, with people's time zones read from their Mattermost profiles (User.Timezone over
// the plugin API).
func TestResponderLoad(t *testing.T) {
	s := newScenario(t)
	s.api.SetUserTimezone(s.alice, map[string]string{"useAutomaticTimezone": "false", "manualTimezone": "Europe/Paris", "automaticTimezone": ""})
	s.api.SetUserTimezone(s.bob, map[string]string{"useAutomaticTimezone": "true", "automaticTimezone": "America/New_York", "manualTimezone": ""})
	inc := s.start(t, s.alice, map[string]any{"name": "Search is slow"})
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident role Comms lead @bob"); !strings.Contains(reply, "Comms lead") {
		t.Fatalf("role: %q", reply)
	}
	secret := s.start(t, s.alice, map[string]any{"name": "Private secret load", "private": true})

	type person struct {
		Username      string `json:"username"`
		TimeZone      string `json:"time_zone"`
		TimeZoneKnown bool   `json:"time_zone_known"`
		OpenRoles     []struct {
			Reference   string `json:"reference"`
			Role        string `json:"role"`
			IsCommander bool   `json:"is_commander"`
		} `json:"open_roles"`
		IncidentsPerWeek []int `json:"incidents_per_week"`
		Commanded        int   `json:"commanded_this_month"`
	}
	var load struct {
		Zone       string   `json:"zone"`
		ZoneKnown  bool     `json:"zone_known"`
		WeekStarts []int64  `json:"week_starts"`
		Incidents  int      `json:"incidents"`
		People     []person `json:"people"`
	}
	res := s.ok(t, s.bob, http.MethodGet, "/api/v0/reports/responders?team_id="+s.team+"&weeks=4", nil, http.StatusOK, &load)
	if strings.Contains(string(res.Body), "Private secret") || strings.Contains(string(res.Body), secret.ID) {
		t.Errorf("bob's report shows the private incident: %s", res)
	}
	if load.Zone != "America/New_York" || !load.ZoneKnown || len(load.WeekStarts) != 4 || load.Incidents != 1 {
		t.Errorf("bob's report: zone %q known %v, %d weeks, %d incidents", load.Zone, load.ZoneKnown, len(load.WeekStarts), load.Incidents)
	}
	byName := map[string]person{}
	for _, p := range load.People {
		byName[p.Username] = p
	}
	alice, bob := byName["alice"], byName["bob"]
	if alice.TimeZone != "Europe/Paris" || !alice.TimeZoneKnown || len(alice.OpenRoles) != 1 || !alice.OpenRoles[0].IsCommander ||
		alice.OpenRoles[0].Reference != inc.Reference || alice.Commanded != 1 || alice.IncidentsPerWeek[3] != 1 {
		t.Errorf("alice as bob sees her: %+v", alice)
	}
	if bob.TimeZone != "America/New_York" || len(bob.OpenRoles) != 1 || bob.OpenRoles[0].Role != "Comms lead" {
		t.Errorf("bob: %+v", bob)
	}
	// The system admin sees the private incident too.
	s.ok(t, s.admin, http.MethodGet, "/api/v0/reports/responders?team_id="+s.team, nil, http.StatusOK, &load)
	if load.Incidents != 2 || len(load.WeekStarts) != 8 {
		t.Errorf("the admin's report counts %d incidents over %d weeks, want 2 over 8", load.Incidents, len(load.WeekStarts))
	}
	s.fails(t, s.bob, http.MethodGet, "/api/v0/reports/responders?team_id="+s.team+"&weeks=27", nil, http.StatusBadRequest)

	reply := s.cmd(t, s.alice, s.team, s.town, "/incident load")
	for _, want := range []string{"Commander of " + inc.Reference, "Commander of " + secret.Reference, "Incidents worked: 2 this week", "09:00 to 18:00 in Europe/Paris"} {
		if !strings.Contains(reply, want) {
			t.Errorf("/incident load for alice: %q lacks %q", reply, want)
		}
	}
	if reply := s.cmd(t, s.bob, s.team, s.town, "/incident load"); !strings.Contains(reply, "Comms lead of "+inc.Reference) || strings.Contains(reply, "Private secret") {
		t.Errorf("/incident load for bob: %q", reply)
	}
}
