package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestChecklistAssigneesDueTimesEvidenceAndTasks (issue 17): several people on one item, due
// times by command and REST, evidence with a check, and "my tasks", through Mattermost's plugin
// host; refusals change nothing.
func TestChecklistAssigneesDueTimesEvidenceAndTasks(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Queue backlog"})
	first := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident checkadd Triage Drain the queue")
	second := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident checkadd Triage Find the stuck consumer")
	if !strings.Contains(first, "Added") || !strings.Contains(second, "Added") {
		t.Fatalf("checkadd: %q, %q", first, second)
	}

	reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident assign 1 @alice @sysadmin")
	if reply != "Assigned to @alice, @sysadmin." {
		t.Errorf("assign two: %q", reply)
	}
	items := s.get(t, s.alice, inc.ID).items()
	if !slices.Equal(items[0].AssigneeIDs, []string{s.alice, s.admin}) {
		t.Errorf("assignees after assign: %v", items[0].AssigneeIDs)
	}
	before := s.get(t, s.alice, inc.ID)
	for _, refused := range []struct{ text, want string }{
		{"/incident assign 1 @carol", "active members of the team"},
		{"/incident unassign 1 @bob", "nobody named"},
		{"/incident due 1 next week", "is not a due time"},
		{"/incident due 1 1999-01-01 00:00", "2000-01-01"},
	} {
		if got := s.cmd(t, s.alice, s.team, inc.ChannelID, refused.text); !strings.Contains(got, refused.want) {
			t.Errorf("%s: %q, want %q in it", refused.text, got, refused.want)
		}
	}
	if after := s.get(t, s.alice, inc.ID); len(after.Timeline) != len(before.Timeline) || !slices.Equal(after.items()[0].AssigneeIDs, before.items()[0].AssigneeIDs) {
		t.Errorf("a refused command changed the incident")
	}

	if got := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident unassign 1 @sysadmin"); got != "Took @sysadmin off the item." {
		t.Errorf("unassign: %q", got)
	}
	if got := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident due 1 2030-01-02 03:04"); got != "The item is due 2030-01-02 03:04 UTC." {
		t.Errorf("due: %q", got)
	}
	it := s.get(t, s.alice, inc.ID).items()[0]
	if !slices.Equal(it.AssigneeIDs, []string{s.alice}) || it.DueAt == nil || *it.DueAt != time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("item after unassign and due: %+v", it)
	}

	// REST: the whole assignee list, a past due time (overdue), and a check with evidence.
	secondID := s.get(t, s.alice, inc.ID).items()[1].ID
	path := "/api/v0/incidents/" + inc.ID + "/items/" + secondID
	s.ok(t, s.alice, http.MethodPatch, path, map[string]any{"assignee_ids": []string{s.alice}, "due_at": time.Now().Add(-time.Hour).UnixMilli()}, http.StatusOK, nil)
	if info := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident info"); !strings.Contains(info, "**overdue**") {
		t.Errorf("/incident info does not mark the overdue item:\n%s", info)
	}
	var tasks struct {
		Items []struct {
			Reference string `json:"reference"`
			Number    int    `json:"number"`
			Overdue   bool   `json:"overdue"`
		} `json:"items"`
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/tasks?team_id="+s.team, nil, http.StatusOK, &tasks)
	if len(tasks.Items) != 2 || tasks.Items[0].Number != 2 || !tasks.Items[0].Overdue || tasks.Items[1].Number != 1 || tasks.Items[1].Overdue {
		t.Errorf("alice's tasks, overdue first: %+v", tasks.Items)
	}
	if got := s.cmd(t, s.bob, s.team, s.town, "/incident tasks"); !strings.Contains(got, "no open checklist items") {
		t.Errorf("bob's tasks: %q", got)
	}
	s.fails(t, s.alice, http.MethodPatch, path, map[string]any{"evidence": "without a state"}, http.StatusBadRequest)
	s.ok(t, s.alice, http.MethodPatch, path, map[string]any{"state": "done", "evidence": "https://status.example/queue"}, http.StatusOK, nil)
	if it := s.get(t, s.alice, inc.ID).items()[1]; it.State != "done" || deref(it.Evidence) != "https://status.example/queue" {
		t.Errorf("checked with evidence: %+v", it)
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/tasks?team_id="+s.team, nil, http.StatusOK, &tasks)
	if len(tasks.Items) != 1 || tasks.Items[0].Number != 1 {
		t.Errorf("a done item is no task: %+v", tasks.Items)
	}
	// The channel reads what happened.
	var posts []string
	for _, p := range s.api.ChannelPosts(inc.ChannelID) {
		posts = append(posts, p.Message)
	}
	all := strings.Join(posts, "\n")
	for _, want := range []string{"assigned", "took @sysadmin off", "due 2030-01-02 03:04 UTC", "evidence: https://status.example/queue"} {
		if !strings.Contains(all, want) {
			t.Errorf("no channel post says %q:\n%s", want, all)
		}
	}
}
