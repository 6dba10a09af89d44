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

// Privacy follows the channel, through the real hooks: a public incident whose channel an admin
// converts to private leaves the lists, reports, autocomplete, follow-up actions and
// `/incident list` of team members outside the channel, whether the plugin heard Mattermost's
// system message for the conversion (MessageHasBeenPosted) or only finds out on the next read.
func TestPrivacyFollowsTheChannel(t *testing.T) {
	s := newScenario(t)
	ctx := &plugin.Context{RequestId: "req-privacy"}
	heard := s.start(t, s.alice, map[string]any{"name": "Suspicious logins", "private": false})
	unheard := s.start(t, s.alice, map[string]any{"name": "Suspicious tokens", "private": false})
	for _, inc := range []incident{heard, unheard} {
		s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/actions", map[string]any{"text": "Rotate the keys"}, http.StatusCreated, nil)
	}
	if l := s.list(t, s.bob, url.Values{"state": {"all"}}); l.Total != 2 {
		t.Fatalf("bob lists %d incidents before the conversion, want 2", l.Total)
	}

	s.api.SetChannelType(heard.ChannelID, model.ChannelTypePrivate)
	system, aerr := s.api.CreatePost(&model.Post{ChannelId: heard.ChannelID, UserId: s.admin, Type: model.PostTypeChangeChannelPrivacy,
		Message: "This channel has been converted to a Private Channel."})
	if aerr != nil {
		t.Fatalf("system post: %v", aerr)
	}
	s.hooks.MessageHasBeenPosted(ctx, system)
	s.api.SetChannelType(unheard.ChannelID, model.ChannelTypePrivate)

	for _, path := range []string{
		"/api/v0/incidents?state=all&q=suspicious&team_id=" + s.team,
		"/api/v0/reports?team_id=" + s.team,
		"/api/v0/autocomplete/incidents?team_id=" + s.team,
		"/api/v0/actions?state=all&team_id=" + s.team,
	} {
		res := s.ok(t, s.bob, http.MethodGet, path, nil, http.StatusOK, nil)
		for _, leaked := range []string{heard.ID, unheard.ID, "Suspicious", "Rotate the keys"} {
			if strings.Contains(string(res.Body), leaked) {
				t.Errorf("bob: GET %s still shows %q after the conversion: %s", path, leaked, res)
			}
		}
	}
	if l := s.list(t, s.bob, url.Values{"state": {"all"}}); l.Total != 0 || len(l.Items) != 0 {
		t.Errorf("bob lists %+v, want nothing (the count too)", l)
	}
	if reply := s.cmd(t, s.bob, s.team, s.town, "/incident list all"); strings.Contains(reply, "Suspicious") {
		t.Errorf("/incident list still shows them: %q", reply)
	}
	// Members of the channels and admins keep them.
	for _, who := range []string{s.alice, s.admin} {
		if l := s.list(t, who, url.Values{"state": {"all"}}); l.Total != 2 {
			t.Errorf("%s lists %d incidents, want 2", s.name(who), l.Total)
		}
	}
}

// Giving a role or the command to someone outside a private incident channel adds them to it,
// which Mattermost allows only with manage_private_channel_members: a guest in the channel
// cannot, and nothing changes.
func TestRoleAndCommanderCannotAddToAPrivateChannelWithoutManageMembers(t *testing.T) {
	s := newScenario(t)
	guest := s.api.AddGuest("gina", s.team)
	inc := s.start(t, s.alice, map[string]any{"name": "Breach", "private": true})
	s.api.JoinChannel(inc.ChannelID, guest)
	before := s.snapshot(t, inc.ID)
	msg := s.fails(t, guest, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/roles", map[string]any{"role": "Comms lead", "user_id": s.bob}, http.StatusForbidden)
	if !strings.Contains(msg, "may not add members") {
		t.Errorf("refusal %q does not say why", msg)
	}
	s.fails(t, guest, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/commander", map[string]any{"user_id": s.bob}, http.StatusForbidden)
	replyHas(t, "/incident commander", s.cmd(t, guest, s.team, inc.ChannelID, "/incident commander @bob"), "may not add members")
	if s.api.IsChannelMember(inc.ChannelID, s.bob) {
		t.Errorf("bob was added to the private channel")
	}
	s.unchanged(t, "refused role and commander", before, inc.ID)
	// alice (a member, with the permission) may.
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/roles", map[string]any{"role": "Comms lead", "user_id": s.bob}, http.StatusOK, nil)
	if !s.api.IsChannelMember(inc.ChannelID, s.bob) {
		t.Errorf("bob was not added by alice")
	}
}

// The largest playbooks and incidents the limits allow (incident-core's limits, written in
// 4-byte characters; an incident record filled to its cap) do not run the guest out of memory:
// the playbooks list, the incident list at its largest page, the report and the timer's tick
// all answer.
func TestLargestPlaybooksAndIncidentsFitInMemory(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	s := newScenario(t)
	const clef = "\U0001D11E" // 4 bytes in UTF-8
	description := strings.Repeat(clef, 4000)
	var sections []any
	for n := 0; n < 50; n++ {
		var items []any
		for i := 0; i < 4; i++ {
			items = append(items, map[string]any{"title": strings.Repeat(clef, 200), "description": description})
		}
		sections = append(sections, map[string]any{"title": strings.Repeat(clef, 100), "items": items})
	}
	var largest playbook
	made := 0
	for n := 0; n < 10; n++ {
		body := map[string]any{"team_id": s.team, "title": "Largest " + string(rune('A'+n)), "description": description, "checklists": sections}
		res := s.rest(t, s.alice, http.MethodPost, "/api/v0/playbooks", body)
		if res.Status == http.StatusConflict {
			if !strings.Contains(string(res.Body), "characters") {
				t.Errorf("the team cap's refusal does not say which cap: %s", res)
			}
			break
		}
		if res.Status != http.StatusCreated {
			t.Fatalf("POST the largest playbook: %s", res)
		}
		made++
	}
	if made == 0 || made == 10 {
		t.Fatalf("%d of the largest playbooks were taken; want some, then the team's cap", made)
	}
	largest = s.playbookByTitle(t, s.alice, "Largest A")
	var heavy []incident
	for n := 0; n < 20; n++ {
		heavy = append(heavy, s.start(t, s.alice, map[string]any{"name": "Heavy " + string(rune('a'+n)), "playbook_id": largest.ID, "private": n%2 == 0}))
	}
	// One of them filled up to the record's cap: each edit of a longest note keeps the old
	// and the new text (32 KB in 4-byte characters), until the cap refuses one.
	var noted incident
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+heavy[0].ID+"/notes", map[string]any{"text": description}, http.StatusCreated, &noted)
	note := noted.lastEvent().ID
	full := false
	for n := 0; n < 400 && !full; n++ {
		text := description
		if n%2 == 0 {
			text = strings.Repeat("😀", 4000)
		}
		res := s.rest(t, s.alice, http.MethodPatch, "/api/v0/incidents/"+heavy[0].ID+"/notes/"+note, map[string]any{"text": text})
		switch res.Status {
		case http.StatusOK:
		case http.StatusConflict:
			if !strings.Contains(string(res.Body), "MiB") {
				t.Errorf("the record cap's refusal does not say which cap: %s", res)
			}
			full = true
		default:
			t.Fatalf("note edit %d: %s", n, res)
		}
	}
	if !full {
		t.Errorf("400 edits of a longest note were all taken: the record has no cap")
	}
	if got := len(s.playbooks(t, s.alice)); got < made {
		t.Errorf("the playbooks list has %d, want at least %d", got, made)
	}
	l := s.list(t, s.alice, url.Values{"state": {"all"}, "per_page": {"200"}})
	if l.Total != 20 || len(l.Items) != 20 {
		t.Errorf("the list has %d of %d, want 20", len(l.Items), l.Total)
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/reports?team_id="+s.team, nil, http.StatusOK, nil)
	time.Sleep(3 * time.Second) // two ticks or more: reminders and the privacy re-check read them all
	s.f.h.FlushLogs()
	if logs := s.f.h.Logs.String(); strings.Contains(logs, "ran out of memory") || strings.Contains(logs, "reminders failed") {
		t.Errorf("the guest ran out of memory or the tick failed:\n%s", s.f.h.Logs.Tail(8<<10))
	}
}

// The transcript is paged with an `after` cursor: every message once, in order, whatever the
// number (a small page here; the native scenario pages past 10,000 messages).
func TestTranscriptPages(t *testing.T) {
	s := newScenario(t)
	ctx := &plugin.Context{RequestId: "req-transcript"}
	inc := s.start(t, s.alice, map[string]any{"name": "Chatty"})
	var posted []string
	for n := 0; n < 25; n++ {
		time.Sleep(2 * time.Millisecond) // own CreateAt each, for a known order
		p, aerr := s.api.CreatePost(&model.Post{ChannelId: inc.ChannelID, UserId: s.alice, Message: "message"})
		if aerr != nil {
			t.Fatalf("post: %v", aerr)
		}
		s.hooks.MessageHasBeenPosted(ctx, p)
		posted = append(posted, p.Id)
	}
	var seen []string
	after := ""
	for pages := 0; pages < 10; pages++ {
		var page struct {
			Messages []struct {
				PostID string `json:"post_id"`
			} `json:"messages"`
			NextAfter *string `json:"next_after"`
		}
		path := "/api/v0/incidents/" + inc.ID + "/transcript?limit=10"
		if after != "" {
			path += "&after=" + after
		}
		s.ok(t, s.alice, http.MethodGet, path, nil, http.StatusOK, &page)
		if page.NextAfter != nil && len(page.Messages) != 10 {
			t.Errorf("a page before the last has %d messages, want the limit (10)", len(page.Messages))
		}
		if pages == 0 && page.NextAfter == nil {
			t.Errorf("the first of three pages says no more follow")
		}
		for _, m := range page.Messages {
			seen = append(seen, m.PostID)
		}
		if page.NextAfter == nil {
			break
		}
		after = *page.NextAfter
	}
	if strings.Join(seen, ",") != strings.Join(posted, ",") {
		t.Errorf("paged transcript %v, want %v", seen, posted)
	}
}
