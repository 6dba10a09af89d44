package conformance

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// Learning from an incident through Mattermost's plugin host (issue 6 of 7): the channel is
// captured from the real hooks (a message, a thread reply, an edit, a deletion), the decision
// log and impact window by command, follow-up actions, the report, and the team reports API.
func TestLearningFromAnIncident(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Cache outage"})
	ctx := &plugin.Context{RequestId: "req-learning"}
	say := func(user, message, root string) *model.Post {
		t.Helper()
		// The transcript is in CreateAt order (then post id): posts in one millisecond would
		// come in id order, so give each its own.
		time.Sleep(2 * time.Millisecond)
		p, aerr := s.api.CreatePost(&model.Post{ChannelId: inc.ChannelID, UserId: user, Message: message, RootId: root})
		if aerr != nil {
			t.Fatalf("post: %v", aerr)
		}
		s.hooks.MessageHasBeenPosted(ctx, p)
		return p
	}
	root := say(s.alice, "Hit ratio is 2%", "")
	say(s.admin, "Warming the cache", root.Id)
	edited := root.Clone()
	edited.Message = "Hit ratio is 2% since 10:02"
	edited.EditAt = model.GetMillis()
	s.hooks.MessageHasBeenUpdated(ctx, edited, root)
	oops := say(s.alice, "wrong channel", "")
	gone := oops.Clone()
	gone.DeleteAt = model.GetMillis()
	s.hooks.MessageHasBeenDeleted(ctx, gone)

	var transcript struct {
		Messages []struct {
			PostID          string `json:"post_id"`
			RootID          string `json:"root_id"`
			Message         string `json:"message"`
			OriginalMessage string `json:"original_message"`
		} `json:"messages"`
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/transcript", nil, http.StatusOK, &transcript)
	// Only what Mattermost shows now: the text before the edit is not in the transcript.
	if len(transcript.Messages) != 2 || transcript.Messages[0].Message != edited.Message ||
		transcript.Messages[0].OriginalMessage != "" || transcript.Messages[1].RootID != root.Id {
		t.Errorf("transcript %+v", transcript.Messages)
	}

	ch := inc.ChannelID
	// In this order: the impact starts 12 minutes before the command, and ends at the next.
	for _, c := range []struct{ text, want string }{
		{"/incident decision Bypass the cache", "as a decision"},
		{"/incident keyevent 10m ago Cache node evicted", "as a key event"},
		{"/incident impact start 12m ago", "Customer impact start recorded"},
		{"/incident impact end", "Customer impact end recorded"},
		{"/incident action Alert on hit ratio @bob due 2030-02-01 detective", "Follow-up action added"},
	} {
		replyHas(t, c.text, s.cmd(t, s.alice, s.team, ch, c.text), c.want)
	}
	replyHas(t, "/incident end", s.cmd(t, s.alice, s.team, ch, "/incident end"), "Ended")
	var report struct {
		Markdown string         `json:"markdown"`
		Metrics  map[string]any `json:"metrics"`
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/report", nil, http.StatusOK, &report)
	for _, want := range []string{"# INC-0001 · Cache outage — incident report", "**Decision** Bypass the cache", "**Key event** Cache node evicted",
		"| Alert on hit ratio | detective | @bob | 2030-02-01 | open |"} {
		if !strings.Contains(report.Markdown, want) {
			t.Errorf("report lacks %q:\n%s", want, report.Markdown)
		}
	}
	// 12 minutes plus the seconds between the two impact commands on a slow machine.
	if !regexp.MustCompile(`(?m)^- Time to mitigate \(end of impact\): 12m( [0-9]s)?$`).MatchString(report.Markdown) {
		t.Errorf("report's time to mitigate is not 12m:\n%s", report.Markdown)
	}
	before := len(s.api.ChannelPosts(ch))
	replyHas(t, "/incident report", s.cmd(t, s.alice, s.team, ch, "/incident report"), "Published the report of INC-0001")
	posts := s.api.ChannelPosts(ch)
	if len(posts) != before+1 || !strings.HasPrefix(posts[len(posts)-1].Message, "# INC-0001 · Cache outage") {
		t.Errorf("the report was not posted in the channel")
	}

	var team struct {
		Buckets []struct {
			Incidents int `json:"incidents"`
		} `json:"buckets"`
		OpenActions int `json:"open_actions"`
	}
	s.ok(t, s.bob, http.MethodGet, "/api/v0/reports?team_id="+s.team+"&period=month&periods=3", nil, http.StatusOK, &team)
	if len(team.Buckets) != 3 || team.Buckets[2].Incidents != 1 || team.OpenActions != 1 {
		t.Errorf("team report %+v", team)
	}
	s.fails(t, s.carol, http.MethodGet, "/api/v0/reports?team_id="+s.team, nil, http.StatusForbidden)
}
