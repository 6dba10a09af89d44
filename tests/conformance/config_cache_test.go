package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"incidentresponse/tests/conformance/harness"
)

// TestConfigurationIsReadOncePerChange: the host keeps the plugin's settings and the server's
// configuration between hook calls, as a Go plugin keeps its configuration in memory, and reads
// them again only after OnConfigurationChange, which Mattermost calls on every server when either
// changes. Without the cache each command read the settings up to seven times.
func TestConfigurationIsReadOncePerChange(t *testing.T) {
	s := newScenario(t)
	reads := func(names []string) int {
		return len(slices.DeleteFunc(slices.Clone(names), func(n string) bool {
			return n != "LoadPluginConfiguration" && n != "GetConfig"
		}))
	}
	s.cmd(t, s.alice, s.team, s.town, "/incident start Cache warm-up")
	before := len(s.api.CallNames())
	for _, text := range []string{"/incident start Cached one", "/incident list", "/incident start Cached two"} {
		s.cmd(t, s.alice, s.team, s.town, text)
	}
	if n := reads(s.api.CallNames()[before:]); n != 0 {
		t.Errorf("3 commands after the first read the configuration %d times; want 0 (cached)", n)
	}

	// A change in System Console: the plugin reads it again once (in OnConfigurationChange, or
	// at the next command) and the next command obeys it.
	before = len(s.api.CallNames())
	s.configure(t, "WhoMayStart", "system_admins")
	reply := s.cmd(t, s.alice, s.team, s.town, "/incident start Refused now")
	if !strings.Contains(strings.ToLower(reply), "admin") {
		t.Errorf("after WhoMayStart=system_admins alice could still start: %q", reply)
	}
	if n := reads(s.api.CallNames()[before:]); n == 0 || n > 2 {
		t.Errorf("the change and the next command read the configuration %d times; want 1 or 2 (plugin settings, server config)", n)
	}
}

// TestServerTimingIsOffByDefault: without INCIDENT_SERVER_TIMING=1 in the plugin's environment
// no answer says how the server spends its time, even to a client that sends the header by
// which the host asks the guest for its JSON time.
func TestServerTimingIsOffByDefault(t *testing.T) {
	s := newScenario(t)
	req := harness.NewPluginRequest(http.MethodGet, "/api/v0/incidents?team_id="+s.team, nil, s.alice)
	req.Header.Set("X-Incident-Response-Timing", "1")
	rec, _, err := harness.ServeHTTP(s.hooks, req, callTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v0/incidents: %d %s", rec.Code, rec.Body.String())
	}
	if got := rec.Header().Values("Server-Timing"); len(got) != 0 {
		t.Errorf("the answer carries Server-Timing %q", got)
	}
}
