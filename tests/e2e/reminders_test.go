package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Update reminders that repeat and escalate on the real server, its plugin timer every 2 s
// (INCIDENT_TICK_SECONDS): with P2 set to repeat every minute and escalate after one unanswered
// reminder, a promised update that does not come gets its reminder, a minute later the repeat
// and the escalation (a direct message to the commander, a post in the P2 stakeholder channel,
// the event on the timeline), each once, and the plan shows it by command and REST.
func stepReminderRepeatsAndEscalates(t *testing.T, ctx context.Context, w *world) {
	var active incidentList
	mustCall(t, w.carol, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &active)
	if active.Total != 1 {
		t.Fatalf("active incidents: %+v", active.Items)
	}
	inc := active.Items[0]
	lead, _, err := w.admin.Client.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "leadership",
		DisplayName: "Leadership", Type: model.ChannelTypeOpen})
	if err != nil {
		t.Fatalf("stakeholder channel: %v", err)
	}
	setPluginSetting(t, ctx, w.admin, "updatereminders", "P2: 30, repeat 1, escalate after 1")
	setPluginSetting(t, ctx, w.admin, "stakeholders", "P2: ~leadership")
	defer setPluginSetting(t, ctx, w.admin, "updatereminders", "")
	defer setPluginSetting(t, ctx, w.admin, "stakeholders", "")

	promised := time.Now().Add(3 * time.Second)
	mustCall(t, w.carol, "POST", "/incidents/"+inc.ID+"/updates", 201,
		map[string]any{"message": "Failing over.", "next_update_at": promised.UnixMilli()}, nil)
	var plan struct {
		State         string `json:"state"`
		NextDueAt     int64  `json:"next_due_at"`
		RepeatMinutes int    `json:"repeat_minutes"`
		EscalatesAt   int64  `json:"escalates_at"`
	}
	mustCall(t, w.carol, "GET", "/incidents/"+inc.ID+"/reminders", 200, nil, &plan)
	if plan.State != "on" || plan.NextDueAt != promised.UnixMilli() || plan.RepeatMinutes != 1 || plan.EscalatesAt != plan.NextDueAt+60_000 {
		t.Fatalf("plan %+v", plan)
	}
	if reply := command(t, w.carol, inc.ChannelID, "/incident reminders"); !strings.Contains(reply, "a post in ~leadership") {
		t.Errorf("/incident reminders: %q", reply)
	}

	reminders := func() []*model.Post {
		var out []*model.Post
		for _, p := range channelPosts(t, ctx, w.carol, inc.ChannelID) {
			if strings.Contains(p.Message, "Time for a status update on "+inc.Reference) && p.CreateAt >= promised.UnixMilli()-1000 {
				out = append(out, p)
			}
		}
		return out
	}
	bot, _, err := w.admin.Client.GetUserByUsername(ctx, "incident", "")
	if err != nil {
		t.Fatalf("the bot: %v", err)
	}
	escalations := func() (dms, posts int) {
		dm, _, err := w.carol.Client.CreateDirectChannel(ctx, w.carol.User.Id, bot.Id)
		if err == nil {
			for _, p := range channelPosts(t, ctx, w.carol, dm.Id) {
				if strings.Contains(p.Message, "has had no status update") {
					dms++
				}
			}
		}
		for _, p := range channelPosts(t, ctx, w.admin, lead.Id) {
			if strings.Contains(p.Message, "has had no status update") && p.UserId == bot.Id {
				posts++
			}
		}
		return dms, posts
	}
	waitFor := func(what string, until time.Time, done func() bool) {
		t.Helper()
		for !done() && time.Now().Before(until) {
			time.Sleep(time.Second)
		}
		if !done() {
			t.Fatalf("%s: not by %s", what, until.Format("15:04:05"))
		}
	}
	waitFor("the first reminder", promised.Add(30*time.Second), func() bool { return len(reminders()) >= 1 })
	if n := len(reminders()); n != 1 {
		t.Fatalf("%d reminders before the repeat, want 1", n)
	}
	if d, p := escalations(); d+p != 0 {
		t.Fatalf("escalated before the repeat: %d DMs, %d posts", d, p)
	}
	waitFor("the repeat", promised.Add(100*time.Second), func() bool { return len(reminders()) >= 2 })
	waitFor("the escalation", time.Now().Add(20*time.Second), func() bool { d, p := escalations(); return d == 1 && p == 1 })
	time.Sleep(6 * time.Second) // three more timer runs: each step once
	if got := reminders(); len(got) != 2 || !anyPost(got, func(p *model.Post) bool { return strings.Contains(p.Message, "(reminder 2)") }) {
		t.Errorf("%d reminders, want 2:\n%s", len(got), describePosts(got))
	}
	if d, p := escalations(); d != 1 || p != 1 {
		t.Errorf("%d escalation DMs to the commander and %d stakeholder posts, want one each", d, p)
	}
	var got struct {
		Timeline []struct {
			ActorID string         `json:"actor_id"`
			Kind    map[string]any `json:"kind"`
		} `json:"timeline"`
	}
	mustCall(t, w.carol, "GET", "/incidents/"+inc.ID, 200, nil, &got)
	var recorded int
	for _, e := range got.Timeline {
		if e.Kind["type"] == "update_escalated" && e.ActorID == bot.Id {
			recorded++
		}
	}
	if recorded != 1 {
		t.Errorf("%d escalations on the timeline by the bot, want 1", recorded)
	}
	// An update answers it: a new cycle, nothing escalated.
	command(t, w.carol, inc.ChannelID, "/incident update Failed over; watching.")
	mustCall(t, w.carol, "GET", "/incidents/"+inc.ID+"/reminders", 200, nil, &plan)
	if plan.State != "on" || plan.NextDueAt < time.Now().Add(29*time.Minute).UnixMilli() {
		t.Errorf("plan after the update: %+v", plan)
	}
}
