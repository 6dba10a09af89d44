package conformance

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// TestIncidentInAnyChannel (issue 18): `/incident start --here` through Mattermost's plugin
// host: two incidents run in town-square, which keeps its header and is never archived; a
// command without a reference there is answered with the choice; a reference names one; a
// message goes to each active incident's transcript; direct messages and people outside the
// channel are refused.
func TestIncidentInAnyChannel(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	town, appErr := s.api.GetChannel(s.town)
	if appErr != nil {
		t.Fatalf("town: %v", appErr)
	}
	creates := len(s.api.Calls("CreateChannel"))

	first := s.cmd(t, s.alice, s.team, s.town, "/incident start --here Checkout slow")
	replyHas(t, "alice --here", first, "Started INC-", "~"+town.Name)
	second := s.cmd(t, s.admin, s.team, s.town, "/incident start --here Login down")
	replyHas(t, "admin --here", second, "name this one in commands")
	if n := len(s.api.Calls("CreateChannel")); n != creates {
		t.Errorf("--here created %d channels", n-creates)
	}
	list := s.list(t, s.alice, url.Values{})
	var here []incident
	for _, inc := range list.Items {
		if inc.ChannelID == s.town {
			here = append(here, inc)
		}
	}
	if len(here) != 2 {
		t.Fatalf("incidents in town-square: %+v", here)
	}
	slow, down := here[1], here[0] // newest first
	if slow.Name != "Checkout slow" {
		slow, down = down, slow
	}

	replyHas(t, "ambiguous", s.cmd(t, s.alice, s.team, s.town, "/incident info"), "This channel has 2 active incidents", slow.Reference, down.Reference)
	replyHas(t, "by reference", s.cmd(t, s.alice, s.team, s.town, "/incident severity P1 "+down.Reference), down.Reference+" is now")
	after, _ := s.api.GetChannel(s.town)
	if after.Header != town.Header || after.DisplayName != town.DisplayName || after.Purpose != town.Purpose {
		t.Errorf("town-square changed: header %q, display %q, purpose %q", after.Header, after.DisplayName, after.Purpose)
	}

	// A message while both are active is in both transcripts.
	time.Sleep(2 * time.Millisecond)
	p, appErr := s.api.CreatePost(&model.Post{ChannelId: s.town, UserId: s.alice, Message: "both down since 10:02"})
	if appErr != nil {
		t.Fatalf("post: %v", appErr)
	}
	s.hooks.MessageHasBeenPosted(&plugin.Context{RequestId: "req-here"}, p)
	for _, inc := range []incident{slow, down} {
		res := s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/transcript", nil, http.StatusOK, nil)
		if !strings.Contains(string(res.Body), "both down since 10:02") {
			t.Errorf("%s transcript: %s", inc.Reference, res.Body)
		}
	}

	// Refused: bob is not in town-square; a direct message holds no incident.
	replyHas(t, "bob --here", s.cmd(t, s.bob, s.team, s.town, "/incident start --here Not his"), "No such channel")
	dm, appErr := s.api.GetDirectChannel(s.alice, s.admin)
	if appErr != nil {
		t.Fatalf("dm: %v", appErr)
	}
	replyHas(t, "--here in a DM", s.cmd(t, s.alice, s.team, dm.Id, "/incident start --here In a DM"), "direct or group message cannot hold one")

	// The channel was there before: deleting never archives it; ending leaves it as it is.
	msg := s.fails(t, s.admin, http.MethodDelete, "/api/v0/incidents/"+slow.ID+"?archive_channel=true", nil, http.StatusBadRequest)
	if !strings.Contains(msg, "did not create") {
		t.Errorf("archive refusal: %q", msg)
	}
	replyHas(t, "end", s.cmd(t, s.alice, s.team, s.town, "/incident end "+slow.Reference), "Ended "+slow.Reference)
	replyHas(t, "the only active one", s.cmd(t, s.alice, s.team, s.town, "/incident info"), "Login down")
	s.ok(t, s.admin, http.MethodDelete, "/api/v0/incidents/"+slow.ID, nil, http.StatusOK, nil)
	if len(s.api.Calls("DeleteChannel")) != 0 {
		t.Errorf("town-square was archived")
	}
	if ch, _ := s.api.GetChannel(s.town); ch == nil || ch.DeleteAt != 0 || ch.Header != town.Header {
		t.Errorf("town-square after the end and delete: %+v", ch)
	}
}
