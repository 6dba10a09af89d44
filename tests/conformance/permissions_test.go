package conformance

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// The permission matrix: every kind of caller against every REST route (the list is checked
// against the router and the docs by TestRoutesAreDocumentedAndInThePermissionMatrix), for a
// private and a public incident. Anonymous callers get 401; people who may not see an incident
// get 404 and never its name; people who may see but not change it get 403; channel members and
// team and system admins may do both. Guests see only incidents of channels they are in, and
// start none.

// The callers. Each gets incidents of its own, so what one does cannot change what the next sees.
const (
	cAnon    = "anonymous"
	cNoTeam  = "carol (no team)"
	cTeam    = "bob (team, not in channel)"
	cMember  = "dave (in channel)"
	cTAdmin  = "team admin"
	cSAdmin  = "system admin"
	cGuest   = "guest (not in channel)"
	cGuestIn = "guest (in channel)"
)

var callerNames = []string{cAnon, cNoTeam, cTeam, cMember, cTAdmin, cSAdmin, cGuest, cGuestIn}

// What a caller may do with one incident: see it, change it.
type access int

const (
	hidden access = iota // 404, or 401 when anonymous
	sees                 // reads; changes are 403
	works                // reads and changes
)

func incidentAccess(caller string, private bool) access {
	switch caller {
	case cMember, cTAdmin, cSAdmin, cGuestIn:
		return works
	case cTeam:
		if private {
			return hidden
		}
		return sees
	}
	return hidden
}

// Route kinds: who the route is for.
const (
	kRead       = "read incident"
	kWrite      = "change incident"
	kTeam       = "team member or guest"
	kStart      = "full team member"
	kPlaybook   = "playbook user"
	kEditor     = "playbook editor"
	kAnyone     = "anyone logged in"
	kSysadmin   = "system admins"
	kButton     = "Mattermost button or form (200, verdict in the body)"
	kOwnMessage = "change incident, message readable by the caller"
	kPublish    = "publish the report: the commander (alice) and team and system admins"
	kDelete     = "delete the incident: team and system admins"
	// Naming someone not yet in the channel adds them: Mattermost's manage-members permission,
	// which guests lack.
	kAddMember = "change incident, adding someone to its channel"
	// The channel's own messages: for who may read the channel (a team admin outside a private
	// channel sees the incident, not the messages).
	kMessages = "read the incident channel's messages"
	// The team's paging settings (keys): team and system admins.
	kTeamAdmin = "team and system admins"
	// Paging: as changing the incident; the matrix's team has no services, so an allowed caller
	// hears that (400) rather than paging anyone.
	kPage = "change incident: page a service"
	// An incident in an existing channel (`--here`, `channel_id`): a full team member who is in
	// the channel (town-square: alice and the system admin); to others the channel is not found.
	kStartHere = "full team member in the channel"
)

type permRoute struct {
	method, path, kind string
	body               any
}

// The routes in the order one caller runs them on its own incident: destructive ones last.
// {id} is the incident, {item} a checklist item, {runitem} one with a slash command, {section}
// a section's number, {event} a note, {action} a follow-up action, {playbook} a playbook of the
// team, {post} a message in town-square.
var permissionRoutes = []permRoute{
	{"GET", "/api/v0/health", kAnyone, nil},
	{"POST", "/api/v0/echo", kAnyone, "ping"},
	{"GET", "/api/v0/conduct", kAnyone, nil},
	{"GET", "/api/v0/conduct?team_id={team}", kTeam, nil},
	// Returns the team to the server-wide lists: allowed callers change nothing the next one sees.
	{"PUT", "/api/v0/conduct?team_id={team}", kTeamAdmin, map[string]any{"severities": "", "statuses": "", "roles": ""}},
	{"GET", "/api/v0/autocomplete/{what}", kAnyone, nil},
	{"GET", "/api/v0/webhooks/deliveries", kSysadmin, nil},
	{"GET", "/api/v0/paging?team_id={team}", kTeamAdmin, nil},
	{"PUT", "/api/v0/paging?team_id={team}", kTeamAdmin, map[string]any{"services": []any{}}},
	{"GET", "/api/v0/paging/services?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/incidents?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/actions?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/tasks?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/reports?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/reports/responders?team_id={team}", kTeam, nil},
	{"GET", "/api/v0/reports/teams", kSysadmin, nil},
	{"POST", "/api/v0/incidents", kStart, map[string]any{"team_id": "{team}", "name": "Started in the matrix"}},
	{"POST", "/api/v0/incidents", kStartHere, map[string]any{"team_id": "{team}", "name": "Here in the matrix", "channel_id": "{town}"}},
	{"GET", "/api/v0/playbooks?team_id={team}", kStart, nil},
	{"POST", "/api/v0/playbooks", kStart, map[string]any{"team_id": "{team}", "title": "Matrix playbook"}},
	{"POST", "/api/v0/playbooks/import?team_id={team}", kStart, "{export}"},
	{"GET", "/api/v0/playbooks/{playbook}", kPlaybook, nil},
	{"GET", "/api/v0/playbooks/{playbook}/export", kPlaybook, nil},
	{"PUT", "/api/v0/playbooks/{playbook}", kEditor, "{playbook-body}"},
	{"DELETE", "/api/v0/playbooks/{playbook}", kEditor, nil},
	{"POST", "/api/v0/playbooks/{playbook}/restore", kEditor, nil},
	{"GET", "/api/v0/incidents/{id}", kRead, nil},
	{"GET", "/api/v0/incidents/{id}/followers", kRead, nil},
	{"PUT", "/api/v0/incidents/{id}/followers/me", kRead, nil},
	{"DELETE", "/api/v0/incidents/{id}/followers/me", kRead, nil},
	{"GET", "/api/v0/incidents/{id}/actions", kRead, nil},
	{"GET", "/api/v0/incidents/{id}/report", kRead, nil},
	{"GET", "/api/v0/incidents/{id}/reminders", kRead, nil},
	{"GET", "/api/v0/incidents/{id}/transcript", kMessages, nil},
	{"GET", "/api/v0/incidents/{id}/similar", kRead, nil},
	// The dossier: whoever sees the incident (the transcript inside only for readers of the channel).
	{"GET", "/api/v0/incidents/{id}/dossier", kRead, nil},
	// Imports alice's public incident's dossier as a new incident of the team.
	{"POST", "/api/v0/incidents/import?team_id={team}", kTeamAdmin, "{dossier}"},
	{"POST", "/api/v0/incidents/{id}/items", kWrite, map[string]any{"section": "Tasks", "title": "matrix item"}},
	{"PATCH", "/api/v0/incidents/{id}/items/{item}", kWrite, map[string]any{"state": "done"}},
	{"POST", "/api/v0/incidents/{id}/items/{item}/move", kWrite, map[string]any{"section": 1, "position": 1}},
	{"POST", "/api/v0/incidents/{id}/items/{runitem}/run", kWrite, nil},
	{"PATCH", "/api/v0/incidents/{id}/sections/{section}", kWrite, map[string]any{"title": "Renamed in the matrix"}},
	{"PATCH", "/api/v0/incidents/{id}", kWrite, map[string]any{"name": "Renamed in the matrix", "summary": "matrix summary"}},
	{"PATCH", "/api/v0/incidents/{id}/fields", kWrite, map[string]any{"fields": map[string]any{"Region": "EU"}}},
	{"DELETE", "/api/v0/incidents/{id}/items/{item}", kWrite, nil},
	{"POST", "/api/v0/incidents/{id}/severity", kWrite, map[string]any{"severity": "P1"}},
	{"POST", "/api/v0/incidents/{id}/status", kWrite, map[string]any{"status": "Identified"}},
	{"POST", "/api/v0/incidents/{id}/roles", kWrite, map[string]any{"role": "Comms lead", "user_id": "{alice}"}},
	{"POST", "/api/v0/incidents/{id}/updates", kWrite, map[string]any{"message": "matrix update"}},
	{"POST", "/api/v0/incidents/{id}/commander", kAddMember, map[string]any{"user_id": "{admin}"}},
	{"POST", "/api/v0/incidents/{id}/timeline", kOwnMessage, map[string]any{"post_id": "{post}"}},
	{"POST", "/api/v0/incidents/{id}/notes", kWrite, map[string]any{"text": "matrix note"}},
	{"PATCH", "/api/v0/incidents/{id}/notes/{event}", kWrite, map[string]any{"text": "edited in the matrix"}},
	{"POST", "/api/v0/incidents/{id}/events/{event}/hide", kWrite, nil},
	{"POST", "/api/v0/incidents/{id}/impact", kWrite, map[string]any{"started_at": "{created}"}},
	{"POST", "/api/v0/incidents/{id}/actions", kWrite, map[string]any{"text": "matrix action"}},
	{"PATCH", "/api/v0/actions/{action}", kWrite, map[string]any{"state": "done"}},
	{"PUT", "/api/v0/incidents/{id}/report", kWrite, map[string]any{"markdown": "# matrix report", "revision": 0}},
	{"POST", "/api/v0/incidents/{id}/report/publish", kPublish, nil},
	{"POST", "/api/v0/incidents/{id}/reminders", kWrite, map[string]any{"action": "snooze", "minutes": 15}},
	{"POST", "/api/v0/incidents/{id}/pause", kWrite, map[string]any{"reason": "paused in the matrix"}},
	{"POST", "/api/v0/incidents/{id}/resume", kWrite, nil},
	{"POST", "/api/v0/incidents/{id}/page", kPage, map[string]any{"service": "matrix"}},
	{"POST", "/api/v0/incidents/{id}/pages/resolve", kWrite, nil},
	{"POST", "/api/v0/actions/reminders", kButton, map[string]any{"context": map[string]any{"incident_id": "{id}", "action": "snooze"}}},
	{"POST", "/api/v0/actions/claim", kButton, map[string]any{"context": map[string]any{"incident_id": "{id}", "role": "Technical lead"}}},
	{"POST", "/api/v0/actions/declare", kButton, map[string]any{"trigger_id": "t", "context": map[string]any{"post_id": "{post}"}}},
	{"POST", "/api/v0/actions/ignore", kButton, map[string]any{"context": map[string]any{"thread_id": "{post}"}}},
	{"POST", "/api/v0/dialogs/update", kButton, map[string]any{"state": "{id}", "submission": map[string]any{"message": "from the form"}}},
	{"POST", "/api/v0/dialogs/start", kButton, map[string]any{"team_id": "{team}", "submission": map[string]any{"name": "From the form"}}},
	{"POST", "/api/v0/incidents/{id}/end", kWrite, nil},
	{"POST", "/api/v0/incidents/{id}/reopen", kWrite, nil},
	{"DELETE", "/api/v0/incidents/{id}", kDelete, nil},
}

// matrixWorld is what one caller works on.
type matrixWorld struct {
	private, public incident
	ids             map[string]string // {playbook}, {post}, {export}, ...
}

// setupCaller creates the caller (when it needs one) and its own incidents and things to act on.
func setupCaller(t *testing.T, s *scenario, name string, n int) (string, matrixWorld) {
	t.Helper()
	var user string
	suffix := string(rune('a' + n))
	switch name {
	case cNoTeam:
		user = s.carol
	case cTeam:
		user = s.bob
	case cMember:
		user = s.api.AddUser("dave"+suffix, s.team)
	case cTAdmin:
		user = s.api.AddUser("tadmin"+suffix, s.team)
		s.api.JoinTeam(s.team, user, true)
	case cSAdmin:
		user = s.admin
	case cGuest, cGuestIn:
		user = s.api.AddGuest("guest"+suffix, s.team)
	}
	w := matrixWorld{ids: map[string]string{}}
	// The incidents start from alice's playbook, for an item with a slash command to run.
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Alice's " + suffix,
		"checklists": []any{map[string]any{"title": "Probe", "items": []any{map[string]any{"title": "Run the probe", "command": "/echo matrix"}}}},
		"fields":     []any{map[string]any{"name": "Region", "kind": "text"}}},
		http.StatusCreated, &pb)
	w.ids["{playbook}"] = pb.ID
	w.private = s.start(t, s.alice, map[string]any{"name": "Private secret " + suffix, "private": true, "playbook_id": pb.ID})
	w.public = s.start(t, s.alice, map[string]any{"name": "Public one " + suffix, "private": false, "playbook_id": pb.ID})
	for _, inc := range []incident{w.private, w.public} {
		if name == cMember || name == cGuestIn {
			s.api.JoinChannel(inc.ChannelID, user)
		}
	}
	export := s.ok(t, s.alice, http.MethodGet, "/api/v0/playbooks/"+pb.ID+"/export", nil, http.StatusOK, nil)
	w.ids["{export}"] = string(export.Body)
	dossier := s.rest(t, s.alice, http.MethodGet, "/api/v0/incidents/"+w.public.ID+"/dossier", nil)
	if dossier.Status != http.StatusOK {
		t.Fatalf("dossier: %s", dossier)
	}
	w.ids["{dossier}"] = string(dossier.Body)
	body, _ := json.Marshal(map[string]any{"team_id": s.team, "title": "Renamed " + suffix})
	w.ids["{playbook-body}"] = string(body)
	post, appErr := s.api.CreatePost(&model.Post{ChannelId: s.town, UserId: s.alice, Message: "town message " + suffix})
	if appErr != nil {
		t.Fatalf("post: %v", appErr)
	}
	w.ids["{post}"] = post.Id
	return user, w
}

// fill replaces the placeholders of a path or body for one incident.
func fill(s *scenario, w matrixWorld, inc incident, extra map[string]string, text string) string {
	r := strings.NewReplacer(`"{created}"`, strconv.FormatInt(inc.CreatedAt, 10), "{team}", s.team, "{alice}", s.alice, "{admin}", s.admin, "{what}", "severities", "{id}", inc.ID,
		"{item}", extra["{item}"], "{runitem}", extra["{runitem}"], "{section}", "1", "{event}", extra["{event}"], "{action}", extra["{action}"],
		"{playbook}", w.ids["{playbook}"], "{post}", w.ids["{post}"], "{town}", s.town)
	return r.Replace(text)
}

func fillBody(s *scenario, w matrixWorld, inc incident, extra map[string]string, body any) any {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		if v, ok := w.ids[b]; ok {
			return v
		}
		return b
	default:
		j, _ := json.Marshal(b)
		return fill(s, w, inc, extra, string(j))
	}
}

// want answers the expected status class for a caller: 0 means "allowed" (2xx, or 409 for a
// state the earlier routes left, like reopening an active incident).
func want(kind, caller string, private bool) int {
	if caller == cAnon {
		return http.StatusUnauthorized
	}
	guest := caller == cGuest || caller == cGuestIn
	switch kind {
	case kAnyone, kButton:
		return 0
	case kSysadmin:
		if caller == cSAdmin {
			return 0
		}
		return http.StatusForbidden
	case kTeamAdmin:
		if caller == cSAdmin || caller == cTAdmin {
			return 0
		}
		return http.StatusForbidden
	case kTeam:
		if caller == cNoTeam {
			return http.StatusForbidden
		}
		return 0
	case kStart, kPlaybook:
		if caller == cNoTeam || guest {
			return http.StatusForbidden
		}
		return 0
	case kStartHere:
		switch {
		case caller == cNoTeam || guest:
			return http.StatusForbidden
		case caller == cSAdmin:
			return 0
		}
		return http.StatusNotFound
	case kEditor:
		if caller == cNoTeam || guest || caller == cTeam || caller == cMember {
			return http.StatusForbidden
		}
		return 0
	}
	a := incidentAccess(caller, private)
	switch {
	case a == hidden:
		return http.StatusNotFound
	case kind == kMessages && caller == cTAdmin && private:
		return http.StatusForbidden
	case kind == kRead || kind == kMessages:
		return 0
	case kind == kAddMember && caller == cGuestIn:
		return http.StatusForbidden
	case a == sees:
		return http.StatusForbidden
	case kind == kOwnMessage && caller == cGuestIn:
		return http.StatusNotFound // the town-square message is not theirs to read
	case kind == kPublish && (caller == cMember || caller == cGuestIn):
		return http.StatusForbidden // the bot would post it where they may not (review #1)
	case kind == kDelete && caller != cSAdmin && caller != cTAdmin:
		return http.StatusForbidden
	}
	return 0
}

func TestPermissionMatrix(t *testing.T) {
	s := newScenario(t)
	checked := 0
	defer func() { t.Logf("%d requests checked", checked) }()
	for n, name := range callerNames {
		user, w := setupCaller(t, s, name, n)
		for i, inc := range []incident{w.private, w.public} {
			private := i == 0
			// Things on the incident to act on, made by alice (in the channel).
			var withItem incident
			s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items", map[string]any{"section": "Tasks", "title": "matrix target"}, http.StatusCreated, &withItem)
			var noted incident
			s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/notes", map[string]any{"text": "a note"}, http.StatusCreated, &noted)
			var action struct {
				ID string `json:"id"`
			}
			s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/actions", map[string]any{"text": "an action"}, http.StatusCreated, &action)
			items := withItem.items()
			extra := map[string]string{"{item}": items[len(items)-1].ID, "{runitem}": items[0].ID, "{event}": noted.lastEvent().ID, "{action}": action.ID}
			for _, r := range permissionRoutes {
				if !private && (r.kind == kStart || r.kind == kStartHere || r.kind == kPlaybook || r.kind == kEditor || r.kind == kTeam || r.kind == kAnyone || r.kind == kSysadmin || r.kind == kTeamAdmin) {
					continue // not about an incident: once is enough
				}
				path := fill(s, w, inc, extra, r.path)
				res := s.rest(t, user, r.method, path, fillBody(s, w, inc, extra, r.body))
				checked++
				what := name + ", " + map[bool]string{true: "private", false: "public"}[private] + " incident: " + r.method + " " + r.path
				expected := want(r.kind, name, private)
				if r.kind == kPage && expected == 0 && res.Status == http.StatusBadRequest && strings.Contains(string(res.Body), "no services to page") {
					continue // allowed: the matrix's team has nothing to page
				}
				checkStatus(t, what, res, expected)
				if incidentAccess(name, true) == hidden && strings.Contains(string(res.Body), "Private secret") {
					t.Errorf("%s: the answer names a private incident: %s", what, res)
				}
				if r.kind == kButton && expected == 0 && r.method == http.MethodPost {
					checkButton(t, s, what, name, private, r.path, res)
				}
			}
		}
	}
}

func checkStatus(t *testing.T, what string, res httpResult, expected int) {
	t.Helper()
	if res.Status >= 500 {
		t.Errorf("%s: server error %s", what, res)
		return
	}
	if expected == 0 {
		if res.Status >= 400 && res.Status != http.StatusConflict {
			t.Errorf("%s: refused with %s, want it allowed", what, res)
		}
		return
	}
	if res.Status != expected {
		t.Errorf("%s: answered %s, want %d", what, res, expected)
	}
}

// checkButton judges the routes Mattermost calls for buttons and forms by their body: they
// answer 200 and say in the body whether it worked.
func checkButton(t *testing.T, s *scenario, what, caller string, private bool, path string, res httpResult) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Errorf("%s: not JSON: %s", what, res)
		return
	}
	text, _ := body["ephemeral_text"].(string)
	_, hasErrors := body["errors"]
	_, hasError := body["error"]
	a := incidentAccess(caller, private)
	guest := caller == cGuest || caller == cGuestIn
	readsTown := caller == cSAdmin || caller == cTAdmin || caller == cTeam || caller == cMember // public town-square, full members
	var allowed bool
	switch path {
	case "/api/v0/actions/reminders":
		allowed = strings.HasPrefix(text, "Update reminders")
		checkVerdict(t, what, allowed, a == works, text)
	case "/api/v0/actions/claim":
		allowed = strings.HasPrefix(text, "You are now the")
		checkVerdict(t, what, allowed, a == works, text)
	case "/api/v0/actions/declare":
		// Opens the start form for a member of the message's channel (town-square: alice,
		// the seeded admin).
		allowed = text == ""
		checkVerdict(t, what, allowed, caller == cSAdmin, text)
	case "/api/v0/actions/ignore":
		allowed = strings.HasPrefix(text, "Got it")
		checkVerdict(t, what, allowed, readsTown, text)
	case "/api/v0/dialogs/update":
		allowed = !hasErrors && !hasError
		checkVerdict(t, what, allowed, a == works, string(res.Body))
	case "/api/v0/dialogs/start":
		allowed = !hasErrors && !hasError
		checkVerdict(t, what, allowed, !guest && caller != cNoTeam, string(res.Body))
	}
}

func checkVerdict(t *testing.T, what string, allowed, want bool, said string) {
	t.Helper()
	if allowed != want {
		t.Errorf("%s: allowed=%v, want %v (%q)", what, allowed, want, said)
	}
}

// A private incident stays out of the lists, suggestions and reports of those who may not see
// it; a guest sees only the incidents of its channels.
func TestPrivateIncidentsStayOutOfLists(t *testing.T) {
	s := newScenario(t)
	guest := s.api.AddGuest("gina", s.team)
	private := s.start(t, s.alice, map[string]any{"name": "Private secret list", "private": true})
	public := s.start(t, s.alice, map[string]any{"name": "Public listed", "private": false})
	for _, c := range []struct {
		name, user string
		seesPublic bool
	}{{"bob", s.bob, true}, {"guest", guest, false}} {
		for _, path := range []string{"/api/v0/incidents?state=all&team_id=" + s.team, "/api/v0/autocomplete/incidents?team_id=" + s.team,
			"/api/v0/actions?state=all&team_id=" + s.team, "/api/v0/reports?team_id=" + s.team,
			"/api/v0/reports/responders?team_id=" + s.team} {
			res := s.ok(t, c.user, http.MethodGet, path, nil, http.StatusOK, nil)
			if strings.Contains(string(res.Body), private.ID) || strings.Contains(string(res.Body), "Private secret") {
				t.Errorf("%s: GET %s shows the private incident: %s", c.name, path, res)
			}
			if strings.HasPrefix(path, "/api/v0/incidents?") && strings.Contains(string(res.Body), public.ID) != c.seesPublic {
				t.Errorf("%s: GET %s shows the public incident: %v, want %v", c.name, path, !c.seesPublic, c.seesPublic)
			}
		}
	}
	// Once in the channel, the guest finds that one incident.
	s.api.JoinChannel(private.ChannelID, guest)
	l := s.list(t, guest, map[string][]string{"state": {"all"}})
	if l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != private.ID {
		t.Errorf("the guest in the private channel lists %+v, want just that incident", l)
	}
}
