package conformance

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

// TestNewerReleaseFields: the teams, channels and channel members the fake server answers with
// carry every field the release the suite is built against added to Mattermost's model since
// the plugin's model was written (harness.newerFields, filled with non-zero values so gob sends
// them), and so do the command's arguments. The plugin decodes past them: starting incidents,
// the checklist by command and the lists work as on any release. Run against every release by
// build/conformance-versions.sh; against the oldest there is nothing to fill, and the test says
// so in its log.
func TestNewerReleaseFields(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	t.Logf("Mattermost %s: filled %v", model.CurrentVersion, s.api.FillNewerFields())
	reads := func() map[string]int {
		out := map[string]int{}
		for _, m := range []string{"GetTeam", "GetChannel", "GetChannelMember"} {
			out[m] = len(s.api.Calls(m))
		}
		return out
	}
	before := reads()

	replyHas(t, "start", s.cmd(t, s.alice, s.team, s.town, "/incident start Disk full"), "Disk full")
	inc := s.start(t, s.alice, map[string]any{"name": "Cache cold"})
	// The incident channels the plugin created have the newer fields too from now on.
	s.api.FillNewerFields()
	s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident checkadd Triage Look at graphs")

	args := &model.CommandArgs{Command: "/incident check 1", UserId: s.alice, TeamId: s.team, ChannelId: inc.ChannelID,
		SiteURL: "http://localhost:8065", TriggerId: model.NewId()}
	t.Logf("command arguments: filled %v", harness.FillNewerCommandArgs(args))
	res, err := harness.ExecuteCommand(s.hooks, args, callTimeout)
	if err != nil {
		t.Fatalf("/incident check 1: %v", err)
	}
	if res.AppErr != nil || res.Response == nil {
		t.Fatalf("/incident check 1: AppError %s, response %v", describeAppErr(res.AppErr), res.Response)
	}
	got := s.get(t, s.alice, inc.ID)
	if items := got.items(); len(items) == 0 || items[len(items)-1].Title != "Look at graphs" || items[len(items)-1].State != "done" {
		t.Fatalf("checklist after checkadd and check 1: %+v", items)
	}
	if l := s.list(t, s.alice, url.Values{}); l.Total != 2 {
		t.Fatalf("%d incidents listed, want 2 (Disk full, Cache cold): %+v", l.Total, l.Items)
	}
	replyHas(t, "list", s.cmd(t, s.alice, s.team, s.town, "/incident list"), "Disk full", "Cache cold")
	// "Start incident" on a message: the start form's summary links the message, which needs
	// the team (GetTeam).
	post, appErr := s.api.CreatePost(&model.Post{ChannelId: s.town, UserId: s.alice, Message: "Checkout is failing"})
	if appErr != nil {
		t.Fatalf("CreatePost: %v", appErr)
	}
	s.ok(t, s.admin, http.MethodPost, "/api/v0/actions/declare",
		map[string]any{"trigger_id": model.NewId(), "context": map[string]any{"post_id": post.Id}}, http.StatusOK, nil)
	after := reads()
	for m, n := range before {
		if after[m] == n {
			t.Errorf("the plugin made no %s call after the fields were filled: this test would not see a decoding failure", m)
		}
	}
	t.Logf("reads after filling: %v -> %v", before, after)
}
