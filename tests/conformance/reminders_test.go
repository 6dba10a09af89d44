package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Update reminders that repeat and escalate, through the plugin host and its own timer
// (INCIDENT_TICK_SECONDS=1): an update promises the next one in 1.5 s; the reminder comes then,
// once; a minute later (the shortest repeat) it comes again with the escalation: a direct
// message to the commander, a post in the P1 stakeholder channel and an event on the timeline.
// The plan is read by command and REST on the way.
func TestUpdateRemindersRepeatAndEscalate(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a minute for the repeat")
	}
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	s := newScenario(t)
	lead, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: "leadership", DisplayName: "Leadership",
		Type: model.ChannelTypeOpen, CreatorId: s.admin})
	if aerr != nil {
		t.Fatalf("channel: %v", aerr)
	}
	s.configure(t, "UpdateReminders", "P1: 30, repeat 1, escalate after 1")
	s.configure(t, "Stakeholders", "P1: ~leadership")
	s.configure(t, "RoleNudgeMinutes", "0")
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Slow checkout", "severity": "P1"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"message": "Looking into it.", "next_update_at": nowMs() + 1500}, http.StatusCreated, nil)
	started := time.Now()

	var plan struct {
		State         string `json:"state"`
		RepeatMinutes int    `json:"repeat_minutes"`
		EscalateAfter int    `json:"escalate_after"`
		EscalatesAt   *int64 `json:"escalates_at"`
		Text          string `json:"text"`
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/reminders", nil, http.StatusOK, &plan)
	if plan.State != "on" || plan.RepeatMinutes != 1 || plan.EscalateAfter != 1 || plan.EscalatesAt == nil {
		t.Fatalf("plan %+v", plan)
	}
	replyHas(t, "/incident reminders", s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident reminders"),
		"Update reminders for INC-0001 (P1: due 30m after each update):", "repeated every 1m", "a post in ~leadership")
	s.fails(t, s.carol, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/reminders", nil, http.StatusNotFound)

	reminders := func() []*model.Post {
		var out []*model.Post
		for _, p := range s.api.ChannelPosts(inc.ChannelID) {
			if strings.Contains(p.Message, "Time for a status update on INC-0001") {
				out = append(out, p)
			}
		}
		return out
	}
	waitFor := func(what string, limit time.Duration, done func() bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !done() && time.Now().Before(deadline) {
			time.Sleep(250 * time.Millisecond)
		}
		if !done() {
			t.Fatalf("%s: not after %v", what, limit)
		}
	}
	waitFor("the first reminder", 15*time.Second, func() bool { return len(reminders()) == 1 })
	time.Sleep(2500 * time.Millisecond)
	if n := len(reminders()); n != 1 {
		t.Fatalf("%d reminders a few ticks later, want 1", n)
	}
	escalatedDM := func() string {
		for _, c := range s.api.TeamChannels("") {
			if c.Name != model.GetDMNameFromIds(s.bot, s.alice) {
				continue
			}
			for _, p := range s.api.ChannelPosts(c.Id) {
				if strings.Contains(p.Message, "has had no status update") {
					return p.Message
				}
			}
		}
		return ""
	}
	if escalatedDM() != "" {
		t.Fatalf("escalated before the repeat")
	}
	waitFor("the repeat", time.Minute+15*time.Second-time.Since(started), func() bool { return len(reminders()) == 2 })
	waitFor("the escalation", 10*time.Second, func() bool { return escalatedDM() != "" })
	if got := reminders(); !strings.Contains(got[1].Message, "(reminder 2)") || got[1].UserId != s.bot {
		t.Errorf("repeat %q by %s", got[1].Message, s.name(got[1].UserId))
	}
	if dm := escalatedDM(); !strings.HasPrefix(dm, "INC-0001 **Slow checkout** (P1) has had no status update for") {
		t.Errorf("escalation DM %q", dm)
	}
	var told bool
	for _, p := range s.api.ChannelPosts(lead.Id) {
		told = told || strings.Contains(p.Message, "has had no status update") && p.UserId == s.bot
	}
	if !told {
		t.Errorf("the P1 stakeholder channel was not told")
	}
	var escalations int
	for _, e := range s.get(t, s.alice, inc.ID).Timeline {
		if e.kind() == "update_escalated" {
			escalations++
			if e.ActorID != s.bot {
				t.Errorf("escalation recorded by %s", s.name(e.ActorID))
			}
		}
	}
	if escalations != 1 {
		t.Errorf("%d escalations on the timeline, want 1", escalations)
	}
	time.Sleep(2500 * time.Millisecond) // more ticks: each step once
	if n := len(reminders()); n != 2 {
		t.Errorf("%d reminders after more ticks, want 2", n)
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/reminders", nil, http.StatusOK, &plan)
	if !strings.Contains(plan.Text, "Escalated after 1 reminder") {
		t.Errorf("plan after the escalation: %q", plan.Text)
	}
}
