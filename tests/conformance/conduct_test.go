package conformance

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"incidentresponse/tests/conformance/harness"
)

// Running an incident well (issue 5 of 7): severity, status lifecycle, roles and status updates,
// by slash command and REST through Mattermost's plugin host; the channel header, the role
// holder's membership and direct message, and the update posts are checked on the server side.
func TestIncidentConduct(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Checkout errors"})
	if inc.Severity != "P4" || inc.Status != "Investigating" {
		t.Fatalf("a new incident is %q/%q, want P4/Investigating", inc.Severity, inc.Status)
	}
	ch := inc.ChannelID
	header := func() string {
		c := s.api.Channel(ch)
		if c == nil {
			t.Fatalf("no incident channel")
		}
		return c.Header
	}
	if h := header(); h != "Severity: P4 | Status: Investigating" {
		t.Errorf("header after start %q", h)
	}
	run := func(user, text string, want ...string) {
		t.Helper()
		replyHas(t, text, s.cmd(t, user, s.team, ch, text), want...)
	}

	run(s.alice, "/incident severity", "**P1**: Critical.", "**P4**: Minor.")
	m := s.mark(s.get(t, s.alice, inc.ID))
	run(s.alice, "/incident severity P2", "Severity: P2 | Status: Investigating")
	s.changed(t, "/incident severity P2", m, s.get(t, s.alice, inc.ID), "severity_changed", s.alice, "@alice", "from P4 to P2")
	if h := header(); h != "Severity: P2 | Status: Investigating" {
		t.Errorf("header after severity %q", h)
	}
	before := s.snapshot(t, inc.ID)
	run(s.alice, "/incident severity SEV1", `There is no severity "SEV1"; choose one of P1, P2, P3, P4.`)
	s.unchanged(t, "/incident severity SEV1", before, inc.ID)

	m = s.mark(s.get(t, s.alice, inc.ID))
	run(s.alice, "/incident status identified", "Status: Identified")
	s.changed(t, "/incident status identified", m, s.get(t, s.alice, inc.ID), "status_changed", s.alice, "from Investigating to Identified")

	// A role: bob is not in the channel; giving him the role brings him in and tells him why.
	dmsBefore := len(s.api.Calls("GetDirectChannel"))
	m = s.mark(s.get(t, s.alice, inc.ID))
	run(s.alice, "/incident role comms lead @bob", "@bob is now the Comms lead of INC-0001.")
	s.changed(t, "/incident role", m, s.get(t, s.alice, inc.ID), "role_assigned", s.alice, "made @bob the Comms lead")
	if !s.api.IsChannelMember(ch, s.bob) {
		t.Errorf("the Comms lead was not added to the channel")
	}
	if len(s.api.Calls("GetDirectChannel")) != dmsBefore+1 {
		t.Errorf("no direct message channel opened for the role holder")
	}
	var told bool
	for _, c := range s.api.TeamChannels("") { // direct channels belong to no team
		if c.Name != model.GetDMNameFromIds(s.bot, s.bob) {
			continue
		}
		for _, p := range s.api.ChannelPosts(c.Id) {
			if p.UserId == s.bot && strings.Contains(p.Message, "You are now the **Comms lead** of INC-0001") {
				told = true
			}
		}
	}
	if !told {
		t.Errorf("bob got no direct message explaining the role")
	}
	run(s.bob, "/incident claim technical lead", "@bob is now the Technical lead of INC-0001.")

	// A status update by REST: posted in the channel with status, severity, impact and the next time.
	m = s.mark(s.get(t, s.alice, inc.ID))
	var updated incident
	s.ok(t, s.bob, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"status": "Monitoring", "impact": "5% of checkouts fail", "message": "Rolled back the 14:05 deploy.", "next_update_at": nowMs() + 30*60*1000},
		http.StatusCreated, &updated)
	if updated.Status != "Monitoring" {
		t.Errorf("status after the update %q", updated.Status)
	}
	posts := s.api.ChannelPosts(ch)
	if len(posts) < 2 {
		t.Fatalf("no posts")
	}
	var updatePost string
	for _, p := range posts[m.posts:] {
		if strings.HasPrefix(p.Message, "#### Status update") {
			updatePost = p.Message
		}
	}
	for _, want := range []string{"**Status:** Monitoring · **Severity:** P2 · by @bob", "**Impact:** 5% of checkouts fail", "Rolled back the 14:05 deploy.", "_Next update by "} {
		if !strings.Contains(updatePost, want) {
			t.Errorf("update post %q lacks %q", updatePost, want)
		}
	}
	before = s.snapshot(t, inc.ID)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "  "}, http.StatusBadRequest)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "x", "next_update_at": 1}, http.StatusBadRequest)
	s.fails(t, s.carol, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "x"}, http.StatusNotFound)
	s.unchanged(t, "refused updates", before, inc.ID)

	// The final status resolves; an ended incident can be reopened, once.
	var got incident
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/status", map[string]any{"status": "resolved"}, http.StatusOK, &got)
	if got.State != "ended" || got.Status != "Resolved" || header() != "Severity: P2 | Status: Resolved" {
		t.Errorf("after Resolved: %s/%s, header %q", got.State, got.Status, header())
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/severity", map[string]any{"severity": "P1"}, http.StatusConflict)
	run(s.alice, "/incident reopen", "Reopened INC-0001")
	got = s.get(t, s.alice, inc.ID)
	if got.State != "active" || got.Status != "Investigating" || got.EndedAt != nil {
		t.Errorf("after reopen: %s/%s ended_at %v", got.State, got.Status, deref(got.EndedAt))
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/reopen", nil, http.StatusConflict)

	// The digest channel: one post for the incident, edited in place.
	digest, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: "incident-digest", DisplayName: "Incident digest",
		Type: model.ChannelTypeOpen, CreatorId: s.admin})
	if aerr != nil {
		t.Fatalf("digest channel: %v", aerr)
	}
	s.configure(t, "DigestChannel", digest.Id)
	run(s.alice, "/incident severity P1", "Severity: P1")
	run(s.alice, "/incident update Failing over to the standby", "Update posted")
	run(s.alice, "/incident end", "Ended INC-0001")
	dposts := s.api.ChannelPosts(digest.Id)
	if len(dposts) != 1 {
		t.Fatalf("digest channel has %d posts, want one edited in place", len(dposts))
	}
	msg := dposts[0].Message
	for _, want := range []string{"~~INC-0001 · Checkout errors~~ (resolved)", "Severity: P1 | Status: Resolved", "Failing over to the standby"} {
		if !strings.Contains(msg, want) {
			t.Errorf("digest post %q lacks %q", msg, want)
		}
	}
	if dposts[0].UserId != s.bot || len(s.api.Calls("UpdatePost")) < 2 {
		t.Errorf("digest post by %s, %d UpdatePost calls", s.name(dposts[0].UserId), len(s.api.Calls("UpdatePost")))
	}

	var conduct struct {
		Severities []struct{ Name, Description string } `json:"severities"`
		Statuses   []struct{ Name string }              `json:"statuses"`
		Roles      []struct{ Name string }              `json:"roles"`
	}
	s.ok(t, s.bob, http.MethodGet, "/api/v0/conduct", nil, http.StatusOK, &conduct)
	if len(conduct.Severities) != 4 || len(conduct.Statuses) != 4 || len(conduct.Roles) != 2 {
		t.Errorf("conduct %+v", conduct)
	}
}

// The host calls the guest's timed work on its own timer (INCIDENT_TICK_SECONDS): an update that
// promises the next one shortly makes a reminder appear in the channel, once, with buttons that
// call the plugin back.
func TestUpdateReminderFromTheTimer(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Slow checkout"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"message": "Looking into it.", "next_update_at": nowMs() + 1500}, http.StatusCreated, nil)
	reminders := func() []*model.Post {
		var out []*model.Post
		for _, p := range s.api.ChannelPosts(inc.ChannelID) {
			if strings.Contains(p.Message, "Time for a status update on INC-0001") {
				out = append(out, p)
			}
		}
		return out
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(reminders()) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	got := reminders()
	if len(got) != 1 {
		t.Fatalf("%d reminders after the promised time, want 1", len(got))
	}
	time.Sleep(2500 * time.Millisecond) // two more ticks: still one
	if n := len(reminders()); n != 1 {
		t.Errorf("%d reminders after more ticks, want 1", n)
	}
	if got[0].UserId != s.bot || !strings.HasPrefix(got[0].Message, "@alice ") {
		t.Errorf("reminder %q by %s", got[0].Message, s.name(got[0].UserId))
	}
	attachments, _ := got[0].GetProp("attachments").([]any)
	if len(attachments) != 1 {
		t.Fatalf("reminder props %v", got[0].GetProps())
	}
	var answer map[string]string
	s.ok(t, s.alice, http.MethodPost, "/api/v0/actions/reminders",
		map[string]any{"user_id": s.alice, "context": map[string]any{"incident_id": inc.ID, "action": "off"}}, http.StatusOK, &answer)
	if !strings.Contains(answer["ephemeral_text"], "are off") {
		t.Errorf("stop button answered %v", answer)
	}
	if last := s.get(t, s.alice, inc.ID).lastEvent(); last.kind() != "reminders_set" {
		t.Errorf("last event %v, want reminders_set", last.Kind)
	}
}

// Declaring from chat through the real hooks: Mattermost calls MessageHasBeenPosted for every
// post and ReactionHasBeenAdded for every reaction; a playbook keyword, or the declare emoji,
// makes the plugin offer (ephemerally, to that person) to start an incident.
func TestDeclareFromChat(t *testing.T) {
	s := newScenario(t)
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks",
		map[string]any{"team_id": s.team, "title": "Outage", "keywords": []string{"outage"}}, http.StatusCreated, &pb)
	ctx := &plugin.Context{RequestId: "req-declare"}
	post, aerr := s.api.CreatePost(&model.Post{ChannelId: s.town, UserId: s.alice, Message: "Total outage in EU"})
	if aerr != nil {
		t.Fatalf("post: %v", aerr)
	}
	ephemerals := func() []harness.Call { return s.api.Calls("SendEphemeralPost") }
	before := len(ephemerals())
	s.hooks.MessageHasBeenPosted(ctx, post)
	calls := ephemerals()
	if len(calls) != before+1 {
		t.Fatalf("%d ephemeral offers after a keyword, want 1", len(calls)-before)
	}
	offer, _ := calls[len(calls)-1].Args[1].(*model.Post)
	if calls[len(calls)-1].Args[0] != s.alice || offer == nil || !strings.Contains(offer.Message, "Start one with the `Outage` playbook?") {
		t.Errorf("offer %v", calls[len(calls)-1].Args)
	}
	quiet, _ := s.api.CreatePost(&model.Post{ChannelId: s.town, UserId: s.alice, Message: "coffee?"})
	s.hooks.MessageHasBeenPosted(ctx, quiet)
	s.hooks.ReactionHasBeenAdded(ctx, &model.Reaction{UserId: s.admin, PostId: quiet.Id, EmojiName: "rotating_light", ChannelId: s.town})
	calls = ephemerals()
	if len(calls) != before+2 || calls[len(calls)-1].Args[0] != s.admin {
		t.Errorf("after the declare emoji: %d offers (want %d), last to %v", len(calls)-before, 2, calls[len(calls)-1].Args[0])
	}
}

// Outgoing webhooks from the real plugin process to a real HTTP receiver: the start is posted
// at once; a delivery the receiver refuses is retried by the host's timer until it succeeds.
func TestWebhooksReachAReceiver(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	type delivery struct {
		Event    string   `json:"event"`
		Incident incident `json:"incident"`
		Header   string
	}
	var mu sync.Mutex
	var got []delivery
	refuse := 1 // the first severity_changed is answered 500
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d delivery
		if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		d.Header = r.Header.Get("X-Incident-Response-Event")
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d)
		if d.Event == "severity_changed" && refuse > 0 {
			refuse--
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	s := newScenario(t)
	// The receiver is on loopback, which the server must allow (security review #15).
	s.api.AllowUntrustedInternalConnections("127.0.0.1")
	s.configure(t, "Webhooks", receiver.URL+"/incidents whsec-conduct-test-0001")
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Hooked"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/severity", map[string]any{"severity": "P1"}, http.StatusOK, nil)
	events := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, d := range got {
			out = append(out, d.Event)
		}
		return out
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(events()) < 3 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if e := events(); len(e) != 3 || e[0] != "incident_started" || e[1] != "severity_changed" || e[2] != "severity_changed" {
		t.Fatalf("receiver got %v, want the start, then the severity change twice (refused, retried)", e)
	}
	mu.Lock()
	first := got[0]
	mu.Unlock()
	if first.Header != "incident_started" || first.Incident.ID != inc.ID || first.Incident.Reference != "INC-0001" {
		t.Errorf("start delivery %+v", first)
	}
	var log struct {
		Items []struct {
			Event, State string
			Attempts     int
		} `json:"items"`
	}
	s.ok(t, s.admin, http.MethodGet, "/api/v0/webhooks/deliveries", nil, http.StatusOK, &log)
	if len(log.Items) != 2 || log.Items[0].Event != "severity_changed" || log.Items[0].State != "delivered" || log.Items[0].Attempts != 2 {
		t.Errorf("delivery log %+v", log.Items)
	}
	s.fails(t, s.alice, http.MethodGet, "/api/v0/webhooks/deliveries", nil, http.StatusForbidden)
}

// Stakeholders of a severity, through the plugin host: a channel told and a user group's members
// brought into the incident channel when an incident starts at that severity.
func TestStakeholdersOfASeverity(t *testing.T) {
	s := newScenario(t)
	lead, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: "leadership", DisplayName: "Leadership",
		Type: model.ChannelTypeOpen, CreatorId: s.admin})
	if aerr != nil {
		t.Fatalf("channel: %v", aerr)
	}
	s.api.AddGroup("sre", s.bob)
	s.configure(t, "Stakeholders", "P1: ~leadership @sre")
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Breach", "severity": "p1"})
	if inc.Severity != "P1" {
		t.Fatalf("started at %q, want P1", inc.Severity)
	}
	posts := s.api.ChannelPosts(lead.Id)
	if len(posts) != 1 || !strings.Contains(posts[0].Message, "INC-0001 **Breach** is P1") {
		t.Errorf("leadership posts: %d %v", len(posts), posts)
	}
	if !s.api.IsChannelMember(inc.ChannelID, s.bob) {
		t.Errorf("the @sre group's member bob was not brought in")
	}
	if len(s.api.Calls("GetGroupMemberUsers")) == 0 {
		t.Errorf("the group's members were never asked for")
	}
}

// Followers, the status update form and the claim button through the plugin host: bob follows,
// alice posts an update through the form's submission, bob gets it by direct message; a "Claim"
// button click gives the role to whoever clicked.
func TestFollowersFormAndClaimButton(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Search slow"})
	replyHas(t, "/incident follow", s.cmd(t, s.bob, s.team, s.town, "/incident follow INC-0001"), "You follow INC-0001 now")
	var out map[string]any
	s.ok(t, s.alice, http.MethodPost, "/api/v0/dialogs/update", map[string]any{
		"state": inc.ID, "submission": map[string]any{"status": "Identified", "impact": "EU", "message": "Reindexing", "next": "30"},
	}, http.StatusOK, &out)
	if len(out) != 0 {
		t.Fatalf("the form was refused: %v", out)
	}
	var told bool
	for _, c := range s.api.TeamChannels("") {
		if c.Name != model.GetDMNameFromIds(s.bot, s.bob) {
			continue
		}
		for _, p := range s.api.ChannelPosts(c.Id) {
			told = told || strings.Contains(p.Message, "#### Status update · INC-0001 Search slow") && strings.Contains(p.Message, "Reindexing")
		}
	}
	if !told {
		t.Errorf("bob, a follower, got no direct message with the update")
	}
	s.ok(t, s.alice, http.MethodPost, "/api/v0/dialogs/update", map[string]any{"state": inc.ID, "submission": map[string]any{"message": " "}}, http.StatusOK, &out)
	if errs, _ := out["errors"].(map[string]any); errs["message"] == nil {
		t.Errorf("an empty update was not refused under its field: %v", out)
	}
	var answer map[string]string
	s.ok(t, s.alice, http.MethodPost, "/api/v0/actions/claim",
		map[string]any{"context": map[string]any{"incident_id": inc.ID, "role": "Technical lead"}}, http.StatusOK, &answer)
	if answer["ephemeral_text"] != "You are now the Technical lead of INC-0001." {
		t.Errorf("claim button answered %v", answer)
	}
}
