// Issue 13, the server's part: edits after the start (the incident's name and summary by REST
// and by command, a section's title), the record of an item's slash command being run, update
// reminders by REST, and `/incident info` listing the checklist. Each change is checked as every
// other change is (scenario.changed): one timeline event by the actor, one bot line in the
// channel, one websocket event to the right audience with the incident's id only.
package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// zwsp is what the bot puts after "@" in user text that would notify a whole channel.
const zwsp = "\u200b"

func (s *scenario) patch(t *testing.T, user string, inc incident, body any) incident {
	t.Helper()
	var out incident
	s.ok(t, user, http.MethodPatch, "/api/v0/incidents/"+inc.ID, body, http.StatusOK, &out)
	return out
}

func TestEditIncidentREST(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "private": false})

	m := s.mark(inc)
	got := s.patch(t, s.alice, inc, map[string]any{"name": "  Ping @channel   now "})
	if got.Name != "Ping @channel now" || got.Reference != inc.Reference || len(got.Checklists) != len(inc.Checklists) {
		t.Errorf("PATCH answered %q %s, want the renamed incident as GET shows it", got.Name, got.Reference)
	}
	ev := s.changed(t, "rename", m, got, "renamed", s.alice, "@alice", "renamed the incident", "@"+zwsp+"channel now", "(was Database down)")
	if ev.Kind["from"] != "Database down" || ev.Kind["to"] != "Ping @channel now" {
		t.Errorf("renamed event %v, want from/to", ev.Kind)
	}
	if posts := s.botPosts(inc.ChannelID); strings.Contains(posts[len(posts)-1].Message, "@channel") {
		t.Errorf("the bot line notifies the channel: %q", posts[len(posts)-1].Message)
	}
	// The start named the channel after the incident: its display name follows, its URL does not.
	ch := s.api.Channel(inc.ChannelID)
	if ch.DisplayName != inc.Reference+" Ping @channel now" || ch.Purpose != "Incident "+inc.Reference+": Ping @channel now" {
		t.Errorf("channel display name %q, purpose %q after the rename", ch.DisplayName, ch.Purpose)
	}
	if ch.Name != "inc-0001-database-down" {
		t.Errorf("channel name %q changed; links to it would break", ch.Name)
	}
	if s.get(t, s.bob, inc.ID).Name != "Ping @channel now" {
		t.Error("the rename was not saved")
	}

	m = s.mark(got)
	got = s.patch(t, s.alice, got, map[string]any{"summary": "Replica lag @all\nfailover next"})
	ev = s.changed(t, "summary", m, got, "summary_changed", s.alice, "@alice changed the summary", "@"+zwsp+"all")
	if got.Summary != "Replica lag @all\nfailover next" || ev.Kind["from"] != "" || ev.Kind["to"] != got.Summary {
		t.Errorf("summary %q, event %v", got.Summary, ev.Kind)
	}
	// A field already as asked is left alone: one event for the one change.
	m = s.mark(got)
	got = s.patch(t, s.admin, got, map[string]any{"name": "Ping @channel now", "summary": ""})
	s.changed(t, "clearing the summary", m, got, "summary_changed", s.admin, "@sysadmin cleared the summary")

	// Bad input: 400 naming the field, nothing changes (incident, posts, channel, events).
	before := s.snapshot(t, inc.ID)
	for _, c := range []struct {
		body any
		want int
		says string
	}{
		{map[string]any{}, 400, "Nothing to change"},
		{map[string]any{"name": "   "}, 400, "incident name"},
		{map[string]any{"name": strings.Repeat("n", 101)}, 400, "the limit is 100"},
		{map[string]any{"summary": strings.Repeat("s", 4001)}, 400, "summary"},
		{map[string]any{"name": "Fine", "summary": "bell\a"}, 400, "summary"},
		{map[string]any{"name": 7}, 400, "`name`"},
		{"not json", 400, "JSON"},
		{map[string]any{"name": "Ping @channel now", "summary": ""}, 409, "Nothing to change"},
	} {
		if msg := s.fails(t, s.alice, http.MethodPatch, "/api/v0/incidents/"+inc.ID, c.body, c.want); c.want == 400 && !strings.Contains(msg, c.says) {
			t.Errorf("PATCH %v: message %q does not say %q", c.body, msg, c.says)
		}
	}
	s.fails(t, s.bob, http.MethodPatch, "/api/v0/incidents/"+inc.ID, map[string]any{"name": "Bob's"}, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodPatch, "/api/v0/incidents/"+inc.ID, map[string]any{"name": "Carol's"}, http.StatusNotFound)
	s.unchanged(t, "refused edits", before, inc.ID)
	if ch := s.api.Channel(inc.ChannelID); ch.DisplayName != inc.Reference+" Ping @channel now" {
		t.Errorf("refused edits renamed the channel to %q", ch.DisplayName)
	}

	// A private incident: the event goes to its channel only (checked by changed).
	secret := s.start(t, s.alice, map[string]any{"name": "Secret", "private": true})
	m = s.mark(secret)
	s.changed(t, "private rename", m, s.patch(t, s.alice, secret, map[string]any{"name": "Still secret"}), "renamed", s.alice, "Still secret")
}

func TestEditIncidentByCommand(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Database down"})

	m := s.mark(inc)
	reply := s.cmd(t, s.alice, s.team, inc.ChannelID, `/incident rename "Primary" @here down`)
	replyHas(t, "rename", reply, "Renamed", inc.Reference)
	got := s.get(t, s.alice, inc.ID)
	if got.Name != `"Primary" @here down` {
		t.Errorf("name %q, want the text as typed", got.Name)
	}
	s.changed(t, "/incident rename", m, got, "renamed", s.alice, "@alice renamed the incident", "@"+zwsp+"here")
	if ch := s.api.Channel(inc.ChannelID); ch.DisplayName != inc.Reference+` "Primary" @here down` {
		t.Errorf("channel display name %q", ch.DisplayName)
	}

	// From another channel, the reference comes first; the summary keeps its line breaks.
	m = s.mark(got)
	reply = s.cmd(t, s.admin, s.team, s.town, "/incident summary "+inc.Reference+" Failover done\nwatching INC-0009")
	replyHas(t, "summary", reply, "summary", inc.Reference)
	got = s.get(t, s.alice, inc.ID)
	if got.Summary != "Failover done\nwatching INC-0009" {
		t.Errorf("summary %q", got.Summary)
	}
	s.changed(t, "/incident summary", m, got, "summary_changed", s.admin, "@sysadmin changed the summary")
	replyHas(t, "summary without text", s.cmd(t, s.bob, s.team, s.town, "/incident summary "+inc.Reference), "Failover done")

	before := s.snapshot(t, inc.ID)
	replyHas(t, "rename without a name", s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident rename"), "new name")
	replyHas(t, "too long", s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident rename "+strings.Repeat("x", 101)), "limit is 100")
	replyHas(t, "same name", s.cmd(t, s.alice, s.team, inc.ChannelID, `/incident rename "Primary" @here down`), "Nothing to change")
	replyHas(t, "bob", s.cmd(t, s.bob, s.team, s.town, "/incident rename "+inc.Reference+" Bob's"), "Join ")
	replyHas(t, "not an incident channel", s.cmd(t, s.alice, s.team, s.town, "/incident rename Elsewhere"), "not an incident channel")
	s.unchanged(t, "refused commands", before, inc.ID)

	help := s.cmd(t, s.alice, s.team, s.town, "/incident help")
	replyHas(t, "help", help, "/incident rename", "/incident summary")
}

func TestRenameSection(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "API errors"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items", map[string]any{"section": "Triage", "title": "Look"}, http.StatusCreated, nil)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items", map[string]any{"section": "Fix", "title": "Roll back"}, http.StatusCreated, &inc)

	m := s.mark(inc)
	var got incident
	s.ok(t, s.alice, http.MethodPatch, "/api/v0/incidents/"+inc.ID+"/sections/1", map[string]any{"title": "First @all"}, http.StatusOK, &got)
	ev := s.changed(t, "section by number", m, got, "section_renamed", s.alice, "renamed the checklist section Triage to First @"+zwsp+"all")
	if got.Checklists[0].Title != "First @all" || ev.Kind["section_id"] != inc.Checklists[0].ID || ev.Kind["from"] != "Triage" {
		t.Errorf("section %q, event %v", got.Checklists[0].Title, ev.Kind)
	}
	m = s.mark(got)
	path := "/api/v0/incidents/" + inc.ID + "/sections/" + inc.Checklists[1].ID
	s.ok(t, s.alice, http.MethodPatch, path, map[string]any{"title": "Mitigate"}, http.StatusOK, &got)
	s.changed(t, "section by id", m, got, "section_renamed", s.alice, "Fix to Mitigate")

	before := s.snapshot(t, inc.ID)
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{"title": "first @ALL"}, http.StatusConflict)
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{"title": ""}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{"title": strings.Repeat("t", 101)}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPatch, "/api/v0/incidents/"+inc.ID+"/sections/7", map[string]any{"title": "X"}, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodPatch, path, map[string]any{"title": "Bob's"}, http.StatusForbidden)
	s.unchanged(t, "refused section renames", before, inc.ID)
}

func TestItemCommandRunIsRecorded(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Deploys",
		"checklists": []any{map[string]any{"title": "Roll back", "items": []any{
			map[string]any{"title": "Roll back the deploy", "command": "/deploy rollback"},
			map[string]any{"title": "Watch the graphs"}}}}}, http.StatusCreated, &pb)
	inc := s.start(t, s.alice, map[string]any{"name": "Bad deploy", "playbook_id": pb.ID})
	withCmd, without := inc.items()[0], inc.items()[1]
	if withCmd.LastRunAt != nil || withCmd.LastRunBy != nil {
		t.Errorf("a new item has a run: %v %v", deref(withCmd.LastRunAt), deref(withCmd.LastRunBy))
	}

	m := s.mark(inc)
	var got incident
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items/"+withCmd.ID+"/run", nil, http.StatusOK, &got)
	ev := s.changed(t, "run", m, got, "item_command_run", s.alice, "@alice ran /deploy rollback for 1. Roll back the deploy")
	it := got.item(withCmd.ID)
	if it == nil || it.LastRunAt == nil || *it.LastRunAt < m.at || it.LastRunBy == nil || *it.LastRunBy != s.alice || it.State != "open" {
		t.Fatalf("item after the run: %+v", it)
	}
	if last := it.History[len(it.History)-1]; last.Change["type"] != "command_run" || last.Change["command"] != "/deploy rollback" {
		t.Errorf("item history ends with %v", last.Change)
	}
	if ev.Kind["item_id"] != withCmd.ID || ev.Kind["command"] != "/deploy rollback" || ev.Kind["title"] != "Roll back the deploy" {
		t.Errorf("event %v", ev.Kind)
	}

	before := s.snapshot(t, inc.ID)
	msg := s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items/"+without.ID+"/run", nil, http.StatusBadRequest)
	replyHas(t, "no command", msg, "no slash command")
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items/nope/run", nil, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items/"+withCmd.ID+"/run", nil, http.StatusForbidden)
	s.unchanged(t, "refused runs", before, inc.ID)
}

func TestRemindersREST(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Slow pages"})
	path := "/api/v0/incidents/" + inc.ID + "/reminders"
	type answer struct {
		Message  string   `json:"message"`
		Incident incident `json:"incident"`
	}

	var a answer
	m := s.mark(inc)
	s.ok(t, s.alice, http.MethodPost, path, map[string]any{"action": "snooze"}, http.StatusOK, &a)
	if a.Message != "Update reminders for "+inc.Reference+" are snoozed for 30 minutes." || a.Incident.ID != inc.ID {
		t.Errorf("snooze answered %q for %s", a.Message, a.Incident.ID)
	}
	ev := s.changed(t, "snooze", m, a.Incident, "reminders_snoozed", s.alice, "snoozed update reminders")
	if until, _ := ev.Kind["until"].(float64); int64(until) < m.at+30*60_000 {
		t.Errorf("snoozed until %v, want 30 minutes on", ev.Kind["until"])
	}
	m = s.mark(a.Incident)
	s.ok(t, s.alice, http.MethodPost, path, map[string]any{"action": "snooze", "minutes": 5}, http.StatusOK, &a)
	replyHas(t, "snooze 5", a.Message, "5 minutes")
	s.changed(t, "snooze 5", m, a.Incident, "reminders_snoozed", s.alice)
	m = s.mark(a.Incident)
	s.ok(t, s.alice, http.MethodPost, path, map[string]any{"action": "off"}, http.StatusOK, &a)
	ev = s.changed(t, "off", m, a.Incident, "reminders_set", s.alice, "stopped update reminders")
	if ev.Kind["on"] != false {
		t.Errorf("off event %v", ev.Kind)
	}

	before := s.snapshot(t, inc.ID)
	s.fails(t, s.alice, http.MethodPost, path, map[string]any{"action": "off"}, http.StatusConflict)
	s.fails(t, s.alice, http.MethodPost, path, map[string]any{"action": "later"}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, path, map[string]any{}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, path, map[string]any{"action": "snooze", "minutes": 0}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, path, map[string]any{"action": "on", "minutes": 5}, http.StatusBadRequest)
	s.fails(t, s.bob, http.MethodPost, path, map[string]any{"action": "on"}, http.StatusForbidden)
	s.unchanged(t, "refused reminder changes", before, inc.ID)
}

func TestInfoListsTheChecklist(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Queue backlog"})
	for _, c := range []string{"/incident checkadd Triage Look at graphs", `/incident checkadd Triage "Page @channel"`,
		"/incident checkadd Fix Drain the queue", "/incident check 3", "/incident assign 2 @bob"} {
		s.cmd(t, s.alice, s.team, inc.ChannelID, c)
	}
	got := s.get(t, s.alice, inc.ID)
	s.ok(t, s.alice, http.MethodPatch, "/api/v0/incidents/"+inc.ID+"/items/"+got.items()[0].ID, map[string]any{"state": "skipped"}, http.StatusOK, nil)

	info := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident info")
	want := "**Triage**\n⊘ 1. ~~Look at graphs~~ (skipped)\n☐ 2. Page @" + zwsp + "channel · @bob\n**Fix**\n☑ 3. Drain the queue\n"
	if !strings.HasSuffix(info, want) {
		t.Errorf("/incident info does not end with the numbered checklist:\n%s\nwant the end:\n%s", info, want)
	}
	replyHas(t, "info", info, "Checklist: 1 of 3 done, 1 skipped")
	// The numbers are the ones the commands take.
	s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident check 2")
	if it := s.get(t, s.alice, inc.ID).items()[1]; it.Title != "Page @channel" || it.State != "done" {
		t.Errorf("/incident check 2 changed %q to %s", it.Title, it.State)
	}
	replyHas(t, "info from town-square", s.cmd(t, s.bob, s.team, s.town, "/incident info "+inc.Reference), "☑ 2. Page @"+zwsp+"channel")
}
