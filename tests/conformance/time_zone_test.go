package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The host tells the guest the server's time zone (here TZ, as the plugin process inherits it
// from the server): the plugin's posts and replies write times in it with its abbreviation,
// and a team's own zone, set by an admin, replaces it. Not parallel: TZ is the process's.
func TestServerTimeZoneReachesTheGuest(t *testing.T) {
	t.Setenv("TZ", "Asia/Kolkata")
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Zone check"})

	reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident timezone")
	if !strings.Contains(reply, "**Asia/Kolkata** (the server's") {
		t.Errorf("/incident timezone: %q", reply)
	}
	next := time.Now().Add(2 * time.Hour)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"message": "Looking into it.", "next_update_at": next.UnixMilli()}, http.StatusCreated, nil)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skipf("no zone database for Go here: %v", err)
	}
	want := "_Next update by " + next.In(kolkata).Format("2006-01-02 15:04:05") + " IST._"
	if !channelHas(s, inc.ChannelID, want) {
		t.Errorf("no status update post with %q", want)
	}

	var view struct {
		TimeZone       string `json:"time_zone"`
		ServerTimeZone string `json:"server_time_zone"`
	}
	s.ok(t, s.admin, http.MethodPut, "/api/v0/conduct?team_id="+s.team, map[string]any{"time_zone": "Europe/Nowhere"}, http.StatusBadRequest, nil)
	s.ok(t, s.admin, http.MethodPut, "/api/v0/conduct?team_id="+s.team, map[string]any{"time_zone": "America/New_York"}, http.StatusOK, &view)
	if view.TimeZone != "America/New_York" || view.ServerTimeZone != "Asia/Kolkata" {
		t.Errorf("conduct view %+v", view)
	}
	newYork, _ := time.LoadLocation("America/New_York")
	next = time.Now().Add(3 * time.Hour)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"message": "Still on it.", "next_update_at": next.UnixMilli()}, http.StatusCreated, nil)
	at := next.In(newYork)
	abbreviation, _ := at.Zone()
	want = "_Next update by " + at.Format("2006-01-02 15:04:05") + " " + abbreviation + "._"
	if !channelHas(s, inc.ChannelID, want) {
		t.Errorf("no status update post with %q", want)
	}
}

func channelHas(s *scenario, channelID, text string) bool {
	for _, p := range s.api.ChannelPosts(channelID) {
		if strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}
