package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// A playbook's conduct through the plugin host (issue 17): its people and groups are brought into
// the channel at the start; whoever joins it later gets the welcome message, ephemerally, through
// Mattermost's UserHasJoinedChannel hook; the update form opens with the template; the starter
// keeps only some of the announcement channels and cannot add one.
func TestPlaybookConduct(t *testing.T) {
	s := newScenario(t)
	s.api.AddGroup("sre", s.admin)
	ann := s.openChannel(t, s.team, "status-a")
	other := s.openChannel(t, s.team, "status-b")
	for _, c := range []string{ann.Id, other.Id} {
		if _, aerr := s.api.AddChannelMember(c, s.alice); aerr != nil {
			t.Fatalf("member: %v", aerr)
		}
	}
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{
		"team_id": s.team, "title": "Outage", "welcome_message": "Read the runbook; @all is not needed.",
		"update_template": "Impact:\nNext:", "invited_user_ids": []string{s.bob}, "invited_groups": []string{"sre"},
		"announcement_channel_ids": []string{ann.Id, other.Id},
	}, http.StatusCreated, &pb)
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents",
		map[string]any{"team_id": s.team, "name": "Adds", "playbook_id": pb.ID, "announcement_channel_ids": []string{s.town}}, http.StatusBadRequest)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Checkout down", "playbook_id": pb.ID,
		"announcement_channel_ids": []string{other.Id}})
	for _, who := range []string{s.bob, s.admin} {
		if !s.api.IsChannelMember(inc.ChannelID, who) {
			t.Errorf("%s was not brought into the channel", s.name(who))
		}
	}
	if n := len(s.botPosts(ann.Id)); n != 0 {
		t.Errorf("the unticked channel got %d posts", n)
	}
	if n := len(s.botPosts(other.Id)); n != 1 {
		t.Errorf("the kept channel got %d posts, want the announcement", n)
	}

	ephemerals := func() []welcomeCall { return welcomeCalls(s) }
	before := len(ephemerals())
	s.hooks.UserHasJoinedChannel(&plugin.Context{RequestId: "join"}, &model.ChannelMember{ChannelId: inc.ChannelID, UserId: s.carol}, nil)
	calls := ephemerals()
	if len(calls) != before+1 {
		t.Fatalf("%d welcomes after a join, want 1", len(calls)-before)
	}
	if calls[len(calls)-1].to != s.carol || !strings.HasPrefix(calls[len(calls)-1].message, "#### Welcome to INC-0001 · Checkout down\nRead the runbook; @\u200ball") {
		t.Errorf("welcome %+v", calls[len(calls)-1])
	}
	s.hooks.UserHasJoinedChannel(&plugin.Context{RequestId: "join2"}, &model.ChannelMember{ChannelId: s.town, UserId: s.carol}, nil)
	if n := len(ephemerals()); n != before+1 {
		t.Errorf("a join elsewhere was welcomed")
	}

	s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident update")
	dialogs := s.api.Calls("OpenInteractiveDialog")
	if len(dialogs) == 0 {
		t.Fatalf("the update form did not open")
	}
	req, _ := dialogs[len(dialogs)-1].Args[0].(model.OpenDialogRequest)
	var prefilled string
	for _, e := range req.Dialog.Elements {
		if e.Name == "message" {
			prefilled = e.Default
		}
	}
	if prefilled != "Impact:\nNext:" {
		t.Errorf("the update form's message starts as %q", prefilled)
	}
}

type welcomeCall struct{ to, message string }

func welcomeCalls(s *scenario) []welcomeCall {
	var out []welcomeCall
	for _, c := range s.api.Calls("SendEphemeralPost") {
		p, _ := c.Args[1].(*model.Post)
		to, _ := c.Args[0].(string)
		if p != nil && strings.HasPrefix(p.Message, "#### Welcome to") {
			out = append(out, welcomeCall{to, p.Message})
		}
	}
	return out
}
