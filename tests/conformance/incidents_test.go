// Issue 3 scenarios: incidents, checklists, commanders, past incidents and playbooks, by slash
// command (hooks.ExecuteCommand, with the arguments Mattermost fills in) and by the REST API
// (hooks.ServeHTTP with the Mattermost-User-Id the server sets), plus the bad-input cases. Every
// check reads back what the plugin did: the incident (GET /incidents/{id}), the channels, members
// and posts the fake server holds, and the websocket events it published.
//
// The expectations come from docs/api.md and the Behaviour and Bad input sections.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"incidentresponse/tests/conformance/harness"
)

const (
	botUsername   = "incident"
	wsIncidentUpd = "incident_updated" // the server publishes it as custom_incident-response_incident_updated
)

// ---------------------------------------------------------------- the API's JSON

type incident struct {
	ID          string    `json:"id"`
	Reference   string    `json:"reference"`
	Number      int       `json:"number"`
	TeamID      string    `json:"team_id"`
	Name        string    `json:"name"`
	Summary     string    `json:"summary"`
	ChannelID   string    `json:"channel_id"`
	CommanderID string    `json:"commander_id"`
	ReporterID  string    `json:"reporter_id"`
	PlaybookID  *string   `json:"playbook_id"`
	CreatedAt   int64     `json:"created_at"`
	EndedAt     *int64    `json:"ended_at"`
	State       string    `json:"state"`
	Severity    string    `json:"severity"`
	Status      string    `json:"status"`
	Checklists  []section `json:"checklists"`
	Timeline    []event   `json:"timeline"`
	ItemID      string    `json:"item_id"` // only in POST .../items answers
}

type section struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Items []item `json:"items"`
}

type item struct {
	ID            string       `json:"id"`
	Title         string       `json:"title"`
	Description   string       `json:"description"`
	State         string       `json:"state"`
	AssigneeIDs   []string     `json:"assignee_ids"`
	DueAt         *int64       `json:"due_at"`
	Evidence      *string      `json:"evidence"`
	Command       *string      `json:"command"`
	LastChangedBy *string      `json:"last_changed_by"`
	LastChangedAt *int64       `json:"last_changed_at"`
	CompletedAt   *int64       `json:"completed_at"`
	CompletedBy   *string      `json:"completed_by"`
	LastRunAt     *int64       `json:"last_run_at"`
	LastRunBy     *string      `json:"last_run_by"`
	History       []itemChange `json:"history"`
	// false on an item that does not apply at the incident's severity; absent otherwise.
	Applies *bool `json:"applies"`
}

type itemChange struct {
	At      int64          `json:"at"`
	ActorID string         `json:"actor_id"`
	Change  map[string]any `json:"change"`
}

type event struct {
	ID      string         `json:"id"`
	At      int64          `json:"at"`
	ActorID string         `json:"actor_id"`
	Kind    map[string]any `json:"kind"`
}

func (e event) kind() string { s, _ := e.Kind["type"].(string); return s }

type incidentList struct {
	Items   []incident `json:"items"`
	Total   int        `json:"total"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
}

type playbook struct {
	ID                     string            `json:"id,omitempty"`
	TeamID                 string            `json:"team_id"`
	Title                  string            `json:"title"`
	Description            string            `json:"description"`
	Checklists             []playbookSection `json:"checklists"`
	ChannelNameTemplate    string            `json:"channel_name_template"`
	PrivateChannel         bool              `json:"private_channel"`
	DefaultCommanderID     *string           `json:"default_commander_id"`
	AnnouncementChannelIDs []string          `json:"announcement_channel_ids"`
	MemberIDs              []string          `json:"member_ids"`
	EditorIDs              []string          `json:"editor_ids"`
	CreatedAt              int64             `json:"created_at"`
	UpdatedAt              int64             `json:"updated_at"`
}

type playbookSection struct {
	Title string         `json:"title"`
	Items []playbookItem `json:"items"`
}

type playbookItem struct {
	Title             string  `json:"title"`
	Description       string  `json:"description"`
	DefaultAssigneeID *string `json:"default_assignee_id"`
	Command           *string `json:"command"`
}

// items lists every item in display order; index i is item number i+1.
func (inc incident) items() []item {
	var out []item
	for _, s := range inc.Checklists {
		out = append(out, s.Items...)
	}
	return out
}

func (inc incident) item(id string) *item {
	for _, s := range inc.Checklists {
		for i := range s.Items {
			if s.Items[i].ID == id {
				return &s.Items[i]
			}
		}
	}
	return nil
}

func (inc incident) section(title string) *section {
	for i := range inc.Checklists {
		if inc.Checklists[i].Title == title {
			return &inc.Checklists[i]
		}
	}
	return nil
}

func (inc incident) lastEvent() event {
	if len(inc.Timeline) == 0 {
		return event{}
	}
	return inc.Timeline[len(inc.Timeline)-1]
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// ---------------------------------------------------------------- the scenario fixture

// scenario is one activated plugin with people around it:
//
//	alice  seed user, plain team member, starts most incidents
//	admin  "sysadmin": system admin and team admin
//	bob    plain team member, joins no incident channel
//	carol  on no team at all
type scenario struct {
	f     *fixture
	hooks plugin.Hooks
	api   *harness.FakeAPI
	team  string
	town  string // town-square, alice and admin are members
	alice string
	admin string
	bob   string
	carol string
	bot   string
}

func newScenario(t *testing.T) *scenario {
	t.Helper()
	return scenarioOn(t, newFixture(t))
}

// scenarioOn activates the plugin of f (whose data folder a test may have prepared) and adds
// the people.
func scenarioOn(t *testing.T, f *fixture) *scenario {
	t.Helper()
	api := f.inst.API
	seed := api.Seed()
	s := &scenario{f: f, api: api, team: seed.TeamID, town: seed.ChannelID, alice: seed.UserID, admin: seed.AdminID}
	s.bob = api.AddUser("bob", seed.TeamID)
	s.carol = api.AddUser("carol")
	s.hooks = f.activate(t, f.inst)
	if s.bot = api.BotUserID(botUsername); s.bot == "" {
		t.Fatalf("no bot user %q after activation (EnsureBotUser calls: %d)", botUsername, len(api.Calls("EnsureBotUser")))
	}
	return s
}

func nowMs() int64 { return time.Now().UnixMilli() }

// configure sets one plugin setting as System Console does: the server stores it, then calls
// OnConfigurationChange on the plugin (app/plugin.go, its config listener). The host keeps the
// configuration in memory until that call, as Go plugins do.
func (s *scenario) configure(t *testing.T, key string, value any) {
	t.Helper()
	s.api.SetPluginSetting(key, value)
	if err := s.hooks.OnConfigurationChange(); err != nil {
		t.Fatalf("OnConfigurationChange after setting %s: %v", key, err)
	}
}

func (s *scenario) name(id string) string {
	switch id {
	case s.alice:
		return "alice"
	case s.admin:
		return "sysadmin"
	case s.bob:
		return "bob"
	case s.carol:
		return "carol"
	case s.bot:
		return "bot"
	}
	return id
}

// ---- REST

type httpResult struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r httpResult) String() string {
	b := string(r.Body)
	if len(b) > 600 {
		b = b[:600] + "..."
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

// rest sends one request as Mattermost hands it to the plugin. body is nil, a string or []byte
// (sent as is), or anything else (sent as JSON).
func (s *scenario) rest(t *testing.T, user, method, path string, body any) httpResult {
	t.Helper()
	req, err := harness.NewClientRequest(method, path, body, user)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	rec, _, err := harness.ServeHTTP(s.hooks, req, callTimeout)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return httpResult{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// ok sends a request that must answer want with JSON, decoded into out (when not nil).
func (s *scenario) ok(t *testing.T, user, method, path string, body any, want int, out any) httpResult {
	t.Helper()
	r := s.rest(t, user, method, path, body)
	if r.Status != want {
		t.Fatalf("%s %s as %s: got %s, want status %d", method, path, s.name(user), r, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("%s %s: answer is not the documented JSON: %v: %s", method, path, err, r)
		}
	}
	return r
}

// fails sends a request that must be refused with status want and the documented error body
// {"error": "<message for people>"}; it returns the message.
func (s *scenario) fails(t *testing.T, user, method, path string, body any, want int) string {
	t.Helper()
	r := s.rest(t, user, method, path, body)
	if r.Status != want {
		t.Errorf("%s %s as %s: got %s, want status %d", method, path, s.name(user), r, want)
		return ""
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		t.Errorf("%s %s: error Content-Type %q, want application/json", method, path, r.Header.Get("Content-Type"))
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || strings.TrimSpace(e.Error) == "" {
		t.Errorf(`%s %s: error body is not {"error": "<message>"}: %s`, method, path, r)
	}
	return e.Error
}

func (s *scenario) start(t *testing.T, user string, body map[string]any) incident {
	t.Helper()
	if _, ok := body["team_id"]; !ok {
		body["team_id"] = s.team
	}
	var inc incident
	s.ok(t, user, http.MethodPost, "/api/v0/incidents", body, http.StatusCreated, &inc)
	if inc.ID == "" || inc.ChannelID == "" {
		t.Fatalf("POST /incidents answered an incident without id or channel: %+v", inc)
	}
	return inc
}

func (s *scenario) get(t *testing.T, user, id string) incident {
	t.Helper()
	var inc incident
	s.ok(t, user, http.MethodGet, "/api/v0/incidents/"+id, nil, http.StatusOK, &inc)
	return inc
}

func (s *scenario) list(t *testing.T, user string, query url.Values) incidentList {
	t.Helper()
	if query.Get("team_id") == "" {
		query.Set("team_id", s.team)
	}
	var l incidentList
	s.ok(t, user, http.MethodGet, "/api/v0/incidents?"+query.Encode(), nil, http.StatusOK, &l)
	return l
}

func (s *scenario) playbooks(t *testing.T, user string) []playbook {
	t.Helper()
	var out struct {
		Items []playbook `json:"items"`
	}
	s.ok(t, user, http.MethodGet, "/api/v0/playbooks?team_id="+s.team, nil, http.StatusOK, &out)
	return out.Items
}

func (s *scenario) playbookByTitle(t *testing.T, user, title string) playbook {
	t.Helper()
	pbs := s.playbooks(t, user)
	for _, p := range pbs {
		if p.Title == title {
			return p
		}
	}
	t.Fatalf("no playbook %q among %d", title, len(pbs))
	return playbook{}
}

// ---- slash command

// cmd runs a slash command as Mattermost does for a user typing it in a channel, and returns the
// ephemeral answer. Replies must be ephemeral and never an AppError.
func (s *scenario) cmd(t *testing.T, user, team, channel, text string) string {
	t.Helper()
	args := &model.CommandArgs{Command: text, UserId: user, TeamId: team, ChannelId: channel,
		SiteURL: "http://localhost:8065", TriggerId: model.NewId()}
	res, err := harness.ExecuteCommand(s.hooks, args, callTimeout)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	if res.AppErr != nil {
		t.Fatalf("%s as %s: AppError %s, want an ephemeral reply", short(text), s.name(user), describeAppErr(res.AppErr))
	}
	if res.Response == nil {
		t.Fatalf("%s: nil response", short(text))
	}
	if res.Response.Text != "" && res.Response.ResponseType != model.CommandResponseTypeEphemeral {
		t.Errorf("%s: ResponseType %q, want ephemeral (text %q)", short(text), res.Response.ResponseType, res.Response.Text)
	}
	return res.Response.Text
}

func short(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		return string([]rune(s)[:80]) + fmt.Sprintf("...(%d chars)", utf8.RuneCountInString(s))
	}
	return s
}

// replyHas checks an answer mentions every word (case-insensitive).
func replyHas(t *testing.T, what, reply string, words ...string) {
	t.Helper()
	low := strings.ToLower(reply)
	for _, w := range words {
		if !strings.Contains(low, strings.ToLower(w)) {
			t.Errorf("%s: reply %q does not mention %q", what, reply, w)
		}
	}
}

// ---- what the server saw

func (s *scenario) incidentEvents(id string) []harness.WebSocketEvent {
	var out []harness.WebSocketEvent
	for _, e := range s.api.WebSocketEvents() {
		if e.Event == wsIncidentUpd && e.Payload["incident_id"] == id {
			out = append(out, e)
		}
	}
	return out
}

func (s *scenario) botPosts(channel string) []*model.Post {
	var out []*model.Post
	for _, p := range s.api.ChannelPosts(channel) {
		if p.UserId == s.bot {
			out = append(out, p)
		}
	}
	return out
}

// mark is the state before one change: what must grow by exactly one.
type mark struct {
	events, posts, ws int
	at                int64
}

func (s *scenario) mark(inc incident) mark {
	return mark{events: len(inc.Timeline), posts: len(s.api.ChannelPosts(inc.ChannelID)), ws: len(s.incidentEvents(inc.ID)), at: nowMs()}
}

// changed checks one change since m: one more timeline event of kind by actor, timed within the
// call; one more post in the channel, by the bot, saying who did what; one more websocket event
// to the channel. It returns the new event.
func (s *scenario) changed(t *testing.T, what string, m mark, inc incident, kind, actor string, postHas ...string) event {
	t.Helper()
	end := nowMs()
	var ev event
	if len(inc.Timeline) != m.events+1 {
		t.Errorf("%s: timeline has %d events, want %d (one per change)", what, len(inc.Timeline), m.events+1)
	} else {
		ev = inc.lastEvent()
		if ev.kind() != kind {
			t.Errorf("%s: new timeline event is %v, want type %q", what, ev.Kind, kind)
		}
		if ev.ActorID != actor {
			t.Errorf("%s: event actor %q (%s), want %s", what, ev.ActorID, s.name(ev.ActorID), s.name(actor))
		}
		if ev.At < m.at-1 || ev.At > end+1 {
			t.Errorf("%s: event at %d, outside the call [%d, %d]", what, ev.At, m.at, end)
		}
		if ev.ID == "" {
			t.Errorf("%s: event without id", what)
		}
	}
	posts := s.api.ChannelPosts(inc.ChannelID)
	if len(posts) != m.posts+1 {
		t.Errorf("%s: the channel got %d posts, want 1", what, len(posts)-m.posts)
	} else {
		p := posts[len(posts)-1]
		if p.UserId != s.bot {
			t.Errorf("%s: the post is by %s, want the bot", what, s.name(p.UserId))
		}
		for _, w := range postHas {
			if !strings.Contains(p.Message, w) {
				t.Errorf("%s: channel post %q does not contain %q", what, p.Message, w)
			}
		}
	}
	ws := s.incidentEvents(inc.ID)
	if len(ws) != m.ws+1 {
		t.Errorf("%s: %d websocket events %q, want 1", what, len(ws)-m.ws, wsIncidentUpd)
	} else {
		s.checkAudience(t, what, inc, ws[len(ws)-1])
	}
	return ev
}

// checkAudience checks who an incident event went to: the whole team for a public incident (any
// team member may see it, and the panels list the team's incidents), only the channel's members
// for a private one; and that it carries the incident's id and nothing else (clients refetch
// through the permission-checked API).
func (s *scenario) checkAudience(t *testing.T, what string, inc incident, e harness.WebSocketEvent) {
	t.Helper()
	ch := s.api.Channel(inc.ChannelID)
	public := ch != nil && ch.Type == model.ChannelTypeOpen
	b := e.Broadcast
	switch {
	case b == nil:
		t.Errorf("%s: websocket event without a broadcast", what)
	case public && (b.TeamId != inc.TeamID || b.ChannelId != "" || b.UserId != ""):
		t.Errorf("%s: public incident's event broadcast %+v, want the team %s only", what, b, inc.TeamID)
	case !public && (b.ChannelId != inc.ChannelID || b.TeamId != "" || b.UserId != ""):
		t.Errorf("%s: private incident's event broadcast %+v, want the incident channel %s only", what, b, inc.ChannelID)
	}
	if len(e.Payload) != 1 || e.Payload["incident_id"] != inc.ID {
		t.Errorf("%s: websocket payload %v, want only {\"incident_id\": %q}", what, e.Payload, inc.ID)
	}
}

// resolved checks an end since m: ending sets the final status first, so the timeline grows by
// two (status_changed to Resolved, then incident_ended) and the channel by two posts, with one
// websocket event for the whole change. It returns the end event.
func (s *scenario) resolved(t *testing.T, what string, m mark, inc incident, actor string, postHas ...string) event {
	t.Helper()
	if len(inc.Timeline) == m.events+2 {
		ev := inc.Timeline[m.events]
		to, _ := ev.Kind["to"].(string)
		if ev.kind() != "status_changed" || to != "Resolved" || ev.ActorID != actor {
			t.Errorf("%s: first new event %v by %s, want status_changed to Resolved by %s", what, ev.Kind, s.name(ev.ActorID), s.name(actor))
		}
		if inc.Status != "Resolved" {
			t.Errorf("%s: status %q, want Resolved", what, inc.Status)
		}
	}
	m.events++
	m.posts++
	return s.changed(t, what, m, inc, "incident_ended", actor, postHas...)
}

// snapshot is everything a refused request must leave as it was.
type snapshot struct {
	incident  []byte
	list      []byte
	channels  int
	creates   int
	posts     int
	ws        int
	ephemeral int
}

func (s *scenario) snapshot(t *testing.T, incidentID string) snapshot {
	t.Helper()
	var snap snapshot
	if incidentID != "" {
		snap.incident = s.rest(t, s.admin, http.MethodGet, "/api/v0/incidents/"+incidentID, nil).Body
	}
	snap.list = s.rest(t, s.admin, http.MethodGet, "/api/v0/incidents?state=all&per_page=200&team_id="+s.team, nil).Body
	snap.channels = len(s.api.TeamChannels(s.team))
	snap.creates = len(s.api.Calls("CreateChannel"))
	snap.posts = len(s.api.ChannelPosts(""))
	snap.ws = len(s.api.WebSocketEvents())
	return snap
}

func (s *scenario) unchanged(t *testing.T, what string, before snapshot, incidentID string) {
	t.Helper()
	after := s.snapshot(t, incidentID)
	if !bytes.Equal(before.incident, after.incident) {
		t.Errorf("%s changed the incident:\nbefore %s\nafter  %s", what, before.incident, after.incident)
	}
	if !bytes.Equal(before.list, after.list) {
		t.Errorf("%s changed the incident list:\nbefore %s\nafter  %s", what, before.list, after.list)
	}
	if after.channels != before.channels || after.creates != before.creates {
		t.Errorf("%s created a channel (%d -> %d channels, %d CreateChannel calls)", what, before.channels, after.channels, after.creates-before.creates)
	}
	if after.posts != before.posts {
		t.Errorf("%s posted %d messages", what, after.posts-before.posts)
	}
	if after.ws != before.ws {
		t.Errorf("%s published %d websocket events", what, after.ws-before.ws)
	}
}

// checkIncidentChannel checks the channel of a new incident: in the team, valid, named wantName
// (when not ""), with exactly the wanted members, an intro post by the bot naming the commander
// and showing the checklist, and the websocket announcement.
func (s *scenario) checkIncidentChannel(t *testing.T, inc incident, wantName, wantType string, members []string, commander string) *model.Channel {
	t.Helper()
	ch := s.api.Channel(inc.ChannelID)
	if ch == nil {
		t.Fatalf("%s: channel %s does not exist on the server", inc.Reference, inc.ChannelID)
	}
	if ch.TeamId != inc.TeamID {
		t.Errorf("%s: channel in team %s, want %s", inc.Reference, ch.TeamId, inc.TeamID)
	}
	if wantName != "" && ch.Name != wantName {
		t.Errorf("%s: channel name %q, want %q", inc.Reference, ch.Name, wantName)
	}
	if !model.IsValidChannelIdentifier(ch.Name) || len(ch.Name) > model.ChannelNameMaxLength {
		t.Errorf("%s: channel name %q is not a valid Mattermost channel name", inc.Reference, ch.Name)
	}
	if string(ch.Type) != wantType {
		t.Errorf("%s: channel type %q, want %q", inc.Reference, ch.Type, wantType)
	}
	want := append(append([]string{}, members...), s.bot)
	slices.Sort(want)
	want = slices.Compact(want)
	if got := s.api.ChannelMemberIDs(ch.Id); !slices.Equal(got, want) {
		t.Errorf("%s: channel members %v, want %v", inc.Reference, s.names(got), s.names(want))
	}
	posts := s.api.ChannelPosts(ch.Id)
	if len(posts) == 0 {
		t.Errorf("%s: no intro post in the channel", inc.Reference)
	} else {
		intro := posts[0]
		if intro.UserId != s.bot {
			t.Errorf("%s: intro post by %s, want the bot", inc.Reference, s.name(intro.UserId))
		}
		for _, w := range []string{inc.Reference, inc.Name, "@" + commander} {
			if !strings.Contains(intro.Message, w) {
				t.Errorf("%s: intro post does not contain %q:\n%s", inc.Reference, w, intro.Message)
			}
		}
		for _, it := range inc.items() {
			if !strings.Contains(intro.Message, it.Title) {
				t.Errorf("%s: intro post does not show checklist item %q:\n%s", inc.Reference, it.Title, intro.Message)
			}
		}
	}
	if ws := s.incidentEvents(inc.ID); len(ws) == 0 {
		t.Errorf("%s: no websocket event %q announced the new incident", inc.Reference, wsIncidentUpd)
	} else {
		s.checkAudience(t, inc.Reference+" started", inc, ws[0])
	}
	return ch
}

func (s *scenario) names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.name(id)
	}
	return out
}

// checkTimeline checks every event names an actor (a known user) and a time, in order.
func (s *scenario) checkTimeline(t *testing.T, inc incident, wantActors []string) {
	t.Helper()
	var actors []string
	prev := int64(0)
	for i, ev := range inc.Timeline {
		actors = append(actors, s.name(ev.ActorID))
		if ev.ID == "" || ev.ActorID == "" || ev.At <= 0 || ev.kind() == "" {
			t.Errorf("%s: timeline event %d lacks id, actor, time or kind: %+v", inc.Reference, i, ev)
		}
		if ev.At < prev {
			t.Errorf("%s: timeline event %d at %d is before the previous one (%d)", inc.Reference, i, ev.At, prev)
		}
		prev = ev.At
	}
	if wantActors != nil && !slices.Equal(actors, wantActors) {
		t.Errorf("%s: timeline actors %v, want %v", inc.Reference, actors, wantActors)
	}
}

// ---------------------------------------------------------------- 1. starting

func TestIncidentStartREST(t *testing.T) {
	t.Parallel()
	s := newScenario(t)

	pbs := s.playbooks(t, s.alice)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	if len(service.Checklists) == 0 {
		t.Fatalf("the default service playbook has no checklist: %+v", service)
	}

	t0 := nowMs()
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "summary": "Primary unreachable", "playbook_id": service.ID})
	t1 := nowMs()
	if inc.Reference != "INC-0001" || inc.Number != 1 {
		t.Errorf("first incident is %s (number %d), want INC-0001", inc.Reference, inc.Number)
	}
	if inc.Name != "Database down" || inc.Summary != "Primary unreachable" || inc.State != "active" || inc.EndedAt != nil {
		t.Errorf("new incident: name %q summary %q state %q ended_at %v", inc.Name, inc.Summary, inc.State, deref(inc.EndedAt))
	}
	if inc.TeamID != s.team || inc.CommanderID != s.alice || inc.ReporterID != s.alice {
		t.Errorf("team %s commander %s reporter %s, want the team and alice as both", inc.TeamID, s.name(inc.CommanderID), s.name(inc.ReporterID))
	}
	if deref(inc.PlaybookID) != service.ID {
		t.Errorf("playbook_id %v, want %s", deref(inc.PlaybookID), service.ID)
	}
	if inc.CreatedAt < t0-1 || inc.CreatedAt > t1+1 {
		t.Errorf("created_at %d outside the call [%d, %d]", inc.CreatedAt, t0, t1)
	}
	// The checklist is the playbook's.
	if len(inc.Checklists) != len(service.Checklists) {
		t.Fatalf("%d sections, the playbook has %d", len(inc.Checklists), len(service.Checklists))
	}
	for i, sec := range service.Checklists {
		got := inc.Checklists[i]
		if got.Title != sec.Title || len(got.Items) != len(sec.Items) {
			t.Errorf("section %d: %q with %d items, want %q with %d", i+1, got.Title, len(got.Items), sec.Title, len(sec.Items))
			continue
		}
		for j, it := range sec.Items {
			g := got.Items[j]
			if g.Title != it.Title || g.State != "open" || g.ID == "" || g.CompletedAt != nil || len(g.History) != 0 {
				t.Errorf("section %q item %d: %+v, want a fresh open %q", sec.Title, j+1, g, it.Title)
			}
		}
	}
	if len(inc.Timeline) != 1 || inc.Timeline[0].kind() != "incident_started" || inc.Timeline[0].ActorID != s.alice ||
		inc.Timeline[0].Kind["playbook"] != "Service incident" || inc.Timeline[0].At < t0-1 || inc.Timeline[0].At > t1+1 {
		t.Errorf("timeline of a new incident: %+v, want one incident_started by alice from the playbook, within the call", inc.Timeline)
	}
	s.checkIncidentChannel(t, inc, "inc-0001-database-down", "O", []string{s.alice}, "alice")
	if got := s.get(t, s.alice, inc.ID); got.ID != inc.ID || got.Reference != "INC-0001" || len(got.Timeline) != 1 {
		t.Errorf("GET /incidents/%s: %+v", inc.ID, got)
	}

	// The second, with another commander: numbers go up, the commander joins and is named.
	inc2 := s.start(t, s.alice, map[string]any{"name": "API latency", "playbook_id": service.ID, "commander_id": s.admin})
	if inc2.Reference != "INC-0002" || inc2.Number != 2 {
		t.Errorf("second incident is %s, want INC-0002", inc2.Reference)
	}
	if inc2.CommanderID != s.admin || inc2.ReporterID != s.alice {
		t.Errorf("commander %s reporter %s, want sysadmin and alice", s.name(inc2.CommanderID), s.name(inc2.ReporterID))
	}
	s.checkIncidentChannel(t, inc2, "inc-0002-api-latency", "O", []string{s.alice, s.admin}, "sysadmin")

	// The security playbook's channels are private by default; private: true asks for one.
	security := s.playbookByTitle(t, s.alice, "Security incident")
	inc3 := s.start(t, s.alice, map[string]any{"name": "Leaked key", "playbook_id": security.ID})
	wantName := strings.NewReplacer("{number}", "0003", "{name}", "leaked-key").Replace(security.ChannelNameTemplate)
	s.checkIncidentChannel(t, inc3, wantName, "P", []string{s.alice}, "alice")
	inc4 := s.start(t, s.alice, map[string]any{"name": "Quiet one", "private": true})
	s.checkIncidentChannel(t, inc4, "inc-0004-quiet-one", "P", []string{s.alice}, "alice")
	if len(pbs) != 2 {
		t.Errorf("GET /playbooks: %d playbooks, want the 2 defaults", len(pbs))
	}
}

func TestIncidentStartCommand(t *testing.T) {
	t.Parallel()
	s := newScenario(t)

	reply := s.cmd(t, s.alice, s.team, s.town, "/incident start Database down")
	replyHas(t, "/incident start", reply, "INC-0001", "inc-0001-database-down")
	l := s.list(t, s.alice, url.Values{"state": {"all"}})
	if l.Total != 1 || len(l.Items) != 1 {
		t.Fatalf("after /incident start: %d incidents, want 1", l.Total)
	}
	inc := s.get(t, s.alice, l.Items[0].ID)
	if inc.Reference != "INC-0001" || inc.Name != "Database down" || inc.CommanderID != s.alice || inc.ReporterID != s.alice {
		t.Errorf("started by command: %s %q commander %s reporter %s", inc.Reference, inc.Name, s.name(inc.CommanderID), s.name(inc.ReporterID))
	}
	s.checkIncidentChannel(t, inc, "inc-0001-database-down", "O", []string{s.alice}, "alice")
	s.checkTimeline(t, inc, []string{"alice"})

	reply = s.cmd(t, s.admin, s.team, s.town, "/incident start Database down")
	replyHas(t, "/incident start (second)", reply, "INC-0002", "inc-0002-database-down")
	l = s.list(t, s.admin, url.Values{"state": {"all"}})
	if l.Total != 2 {
		t.Fatalf("after the second /incident start: %d incidents", l.Total)
	}
	inc2 := s.get(t, s.admin, l.Items[0].ID)
	if inc2.Reference != "INC-0002" || inc2.CommanderID != s.admin {
		t.Errorf("second: %s commander %s, want INC-0002 led by sysadmin", inc2.Reference, s.name(inc2.CommanderID))
	}
	s.checkIncidentChannel(t, inc2, "inc-0002-database-down", "O", []string{s.admin}, "sysadmin")

	// Without a name it opens the start form (the server gave a trigger id); submitting the form
	// (the server POSTs it to the dialog URL as the submitting user) starts the incident.
	before := len(s.api.Calls("OpenInteractiveDialog"))
	if reply := s.cmd(t, s.alice, s.team, s.town, "/incident start"); strings.Contains(strings.ToLower(reply), "wrong") {
		t.Errorf("/incident start without a name: %q", reply)
	}
	calls := s.api.Calls("OpenInteractiveDialog")
	if len(calls) != before+1 {
		t.Fatalf("/incident start without a name did not open a dialog")
	}
	dialog := calls[len(calls)-1].Args[0].(model.OpenDialogRequest)
	if !strings.HasPrefix(dialog.URL, "/plugins/"+pluginID+"/") {
		t.Errorf("dialog URL %q", dialog.URL)
	}
	var fields []string
	for _, e := range dialog.Dialog.Elements {
		fields = append(fields, e.Name)
	}
	for _, want := range []string{"name", "playbook", "channel_name", "private"} {
		if !slices.Contains(fields, want) {
			t.Errorf("start form has no %q field (fields %v)", want, fields)
		}
	}
	service := s.playbookByTitle(t, s.alice, "Service incident")
	submit := model.SubmitDialogRequest{Type: "dialog_submission", URL: dialog.URL, CallbackId: dialog.Dialog.CallbackId,
		State: dialog.Dialog.State, UserId: s.alice, ChannelId: s.town, TeamId: s.team,
		Submission: map[string]any{"name": "Cache cold", "playbook": service.ID, "channel_name": "", "private": false}}
	path := strings.TrimPrefix(dialog.URL, "/plugins/"+pluginID)
	r := s.ok(t, s.alice, http.MethodPost, path, submit, http.StatusOK, nil)
	if strings.Contains(string(r.Body), "error") {
		t.Errorf("dialog submission refused: %s", r)
	}
	l = s.list(t, s.alice, url.Values{"q": {"Cache cold"}})
	if l.Total != 1 {
		t.Fatalf("the dialog submission started %d incidents named Cache cold", l.Total)
	}
	inc3 := l.Items[0]
	if inc3.Reference != "INC-0003" || deref(inc3.PlaybookID) != service.ID || len(inc3.items()) == 0 {
		t.Errorf("dialog-started incident: %s playbook %v with %d items", inc3.Reference, deref(inc3.PlaybookID), len(inc3.items()))
	}
	s.checkIncidentChannel(t, inc3, "inc-0003-cache-cold", "O", []string{s.alice}, "alice")
}

// Numbers are per team: a second team starts at INC-0001 again.
func TestIncidentNumbersPerTeam(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	dev := s.api.AddTeam("dev", "Dev")
	s.api.JoinTeam(dev, s.alice, false)
	devTown, aerr := s.api.CreateChannel(&model.Channel{TeamId: dev, Name: "town-square", DisplayName: "Town Square", Type: model.ChannelTypeOpen})
	if aerr != nil {
		t.Fatal(aerr)
	}
	s.api.JoinChannel(devTown.Id, s.alice)

	ops1 := s.start(t, s.alice, map[string]any{"name": "Database down"})
	r := s.rest(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": dev, "name": "Database down"})
	if r.Status != http.StatusCreated {
		// In a real server a bot is on no team until someone adds it; the plugin must add its
		// bot to the incident's team before adding it to the channel (Playbooks does
		// Team.CreateMember first), or AddChannelMember refuses it.
		t.Fatalf("POST /incidents in a second team: got %s, want 201 (AddChannelMember calls: %v; CreateTeamMember calls: %d)",
			r, s.lastCalls("AddChannelMember", 3), len(s.api.Calls("CreateTeamMember")))
	}
	var dev1 incident
	_ = json.Unmarshal(r.Body, &dev1)
	ops2 := s.start(t, s.alice, map[string]any{"name": "Disk full"})
	reply := s.cmd(t, s.alice, dev, devTown.Id, "/incident start Disk full")

	if ops1.Reference != "INC-0001" || ops2.Reference != "INC-0002" {
		t.Errorf("team ops: %s, %s; want INC-0001, INC-0002", ops1.Reference, ops2.Reference)
	}
	if dev1.Reference != "INC-0001" || dev1.TeamID != dev {
		t.Errorf("team dev: first incident %s in team %s, want INC-0001 in dev", dev1.Reference, dev1.TeamID)
	}
	replyHas(t, "/incident start in team dev", reply, "INC-0002")
	s.checkIncidentChannel(t, dev1, "inc-0001-database-down", "O", []string{s.alice}, "alice")
	l := s.list(t, s.alice, url.Values{"team_id": {dev}, "state": {"all"}})
	if l.Total != 2 {
		t.Errorf("team dev lists %d incidents, want 2", l.Total)
	}
}

func (s *scenario) lastCalls(name string, n int) []string {
	var out []string
	for _, c := range s.api.Calls(name) {
		out = append(out, fmt.Sprint(c.Args...))
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// ---------------------------------------------------------------- 2. by command

func TestIncidentChecklistByCommand(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "playbook_id": service.ID})
	ch := inc.ChannelID
	run := func(user, text string) (string, mark) {
		t.Helper()
		m := s.mark(s.get(t, s.admin, inc.ID))
		return s.cmd(t, user, s.team, ch, text), m
	}
	first := inc.items()[0]
	second := inc.items()[1]

	// check: done
	reply, m := run(s.alice, "/incident check 1")
	replyHas(t, "/incident check 1", reply, "done")
	inc = s.get(t, s.alice, inc.ID)
	s.changed(t, "/incident check 1", m, inc, "item_checked", s.alice, "@alice", "checked", "1. "+first.Title)
	it := inc.item(first.ID)
	if it.State != "done" || deref(it.CompletedBy) != s.alice || it.CompletedAt == nil || *it.CompletedAt < m.at-1 ||
		deref(it.LastChangedBy) != s.alice || it.LastChangedAt == nil {
		t.Errorf("checked item: state %q completed_by %v completed_at %v last_changed_by %v", it.State, deref(it.CompletedBy), deref(it.CompletedAt), deref(it.LastChangedBy))
	}
	if len(it.History) != 1 || it.History[0].Change["type"] != "checked" || it.History[0].ActorID != s.alice || it.History[0].At < m.at-1 {
		t.Errorf("checked item history: %+v", it.History)
	}
	completedAt := deref(it.CompletedAt)

	// check again: open
	reply, m = run(s.alice, "/incident check 1")
	replyHas(t, "/incident check 1 (again)", reply, "open")
	inc = s.get(t, s.alice, inc.ID)
	s.changed(t, "/incident check 1 (again)", m, inc, "item_unchecked", s.alice, "@alice", "unchecked", first.Title)
	it = inc.item(first.ID)
	if it.State != "open" {
		t.Errorf("unchecked item state %q", it.State)
	}
	if len(it.History) != 2 || it.History[1].Change["type"] != "unchecked" || it.History[1].ActorID != s.alice {
		t.Errorf("unchecked item history: %+v", it.History)
	} else if it.History[0].At != completedAt {
		t.Errorf("history lost when the item was last completed: %+v (completed at %v)", it.History, completedAt)
	}

	// checkadd to a section by title, quoted
	reply, m = run(s.alice, `/incident checkadd Triage "Call the vendor"`)
	replyHas(t, "checkadd Triage", reply, "Triage")
	inc = s.get(t, s.alice, inc.ID)
	ev := s.changed(t, "checkadd Triage", m, inc, "item_added", s.alice, "@alice", "Call the vendor", "Triage")
	triage := inc.section("Triage")
	if triage == nil || triage.Items[len(triage.Items)-1].Title != "Call the vendor" || triage.Items[len(triage.Items)-1].State != "open" {
		t.Errorf("Triage after checkadd: %+v", triage)
	} else if ev.Kind["item_id"] != triage.Items[len(triage.Items)-1].ID || ev.Kind["section"] != "Triage" {
		t.Errorf("item_added event %v does not name the new item and its section", ev.Kind)
	}

	// checkadd to a quoted section with an unquoted title
	sections := len(inc.Checklists)
	reply, m = run(s.alice, `/incident checkadd "Follow up" Write report`)
	replyHas(t, "checkadd Follow up", reply, "Follow up")
	inc = s.get(t, s.alice, inc.ID)
	s.changed(t, "checkadd Follow up", m, inc, "item_added", s.alice, "Write report", "Follow up")
	follow := inc.section("Follow up")
	if len(inc.Checklists) != sections || follow == nil || follow.Items[len(follow.Items)-1].Title != "Write report" {
		t.Errorf("after checkadd \"Follow up\" Write report: %d sections (was %d), Follow up %+v", len(inc.Checklists), sections, follow)
	}

	// checkremove
	count := len(inc.items())
	reply, m = run(s.alice, "/incident checkremove 2")
	replyHas(t, "checkremove 2", reply, "removed")
	inc = s.get(t, s.alice, inc.ID)
	s.changed(t, "checkremove 2", m, inc, "item_removed", s.alice, "@alice", "removed", second.Title)
	if inc.item(second.ID) != nil || len(inc.items()) != count-1 {
		t.Errorf("checkremove 2: item %q still there or count %d, want %d", second.Title, len(inc.items()), count-1)
	}

	// assign
	reply, m = run(s.alice, "/incident assign 1 @alice")
	replyHas(t, "assign 1 @alice", reply, "@alice")
	inc = s.get(t, s.alice, inc.ID)
	s.changed(t, "assign 1 @alice", m, inc, "item_assignees_changed", s.alice, "assigned", first.Title, "@alice")
	it = inc.item(first.ID)
	if !slices.Equal(it.AssigneeIDs, []string{s.alice}) || len(it.History) != 3 || it.History[2].Change["type"] != "assignees_changed" ||
		!slices.Equal(anyStrings(it.History[2].Change["added"]), []string{s.alice}) {
		t.Errorf("assigned item: assignees %v history %+v", it.AssigneeIDs, it.History)
	}

	// commander
	reply, m = run(s.alice, "/incident commander @sysadmin")
	replyHas(t, "commander @sysadmin", reply, "@sysadmin")
	inc = s.get(t, s.alice, inc.ID)
	ev = s.changed(t, "commander @sysadmin", m, inc, "commander_changed", s.alice, "@alice", "@sysadmin")
	if inc.CommanderID != s.admin || ev.Kind["from"] != s.alice || ev.Kind["to"] != s.admin {
		t.Errorf("commander %s, event %v; want sysadmin, from alice to sysadmin", s.name(inc.CommanderID), ev.Kind)
	}
	if !s.api.IsChannelMember(ch, s.admin) {
		t.Errorf("the new commander is not in the incident channel")
	}

	// info changes nothing
	before := s.snapshot(t, inc.ID)
	reply = s.cmd(t, s.bob, s.team, ch, "/incident info") // bob may read a public incident
	replyHas(t, "/incident info", reply, "INC-0001", "Database down", "@sysadmin", "active")
	reply = s.cmd(t, s.alice, s.team, ch, "/incident info")
	replyHas(t, "/incident info", reply, "INC-0001", "@sysadmin")
	s.unchanged(t, "/incident info", before, inc.ID)

	// end, by the new commander
	reply, m = run(s.admin, "/incident end")
	replyHas(t, "/incident end", reply, "INC-0001")
	inc = s.get(t, s.alice, inc.ID)
	s.resolved(t, "/incident end", m, inc, s.admin, "@sysadmin", "ended")
	if inc.State != "ended" || inc.EndedAt == nil || *inc.EndedAt < m.at-1 {
		t.Errorf("after /incident end: state %q ended_at %v", inc.State, deref(inc.EndedAt))
	}
	replyHas(t, "/incident info after end", s.cmd(t, s.alice, s.team, ch, "/incident info"), "ended")

	// The whole story, one event per change, each naming its actor with a time.
	s.checkTimeline(t, inc, []string{"alice", "alice", "alice", "alice", "alice", "alice", "alice", "alice", "sysadmin", "sysadmin"})
	if n := len(s.botPosts(ch)); n != 10 {
		t.Errorf("the channel has %d bot posts, want the intro and 9 change posts (ending is the final status, then the end)", n)
	}
}

// ---------------------------------------------------------------- 3. by REST

func TestIncidentChecklistByREST(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	inc := s.start(t, s.alice, map[string]any{"name": "Payments failing", "playbook_id": service.ID})
	base := "/api/v0/incidents/" + inc.ID
	items := inc.items()
	one, two, three := items[0], items[1], items[2]
	var actors []string
	actors = append(actors, "alice")

	// do sends one change that must succeed, and checks it like a command's.
	do := func(user, method, path string, body any, want int, kind string, postHas ...string) incident {
		t.Helper()
		m := s.mark(s.get(t, s.admin, inc.ID))
		var got incident
		s.ok(t, user, method, path, body, want, &got)
		fresh := s.get(t, s.alice, inc.ID)
		what := method + " " + strings.TrimPrefix(path, base) + " " + fmt.Sprint(body)
		if kind == "incident_ended" {
			s.resolved(t, what, m, fresh, user, postHas...)
			actors = append(actors, s.name(user)) // the status change before the end
		} else {
			s.changed(t, what, m, fresh, kind, user, postHas...)
		}
		if got.ID != inc.ID || len(got.Timeline) != len(fresh.Timeline) {
			t.Errorf("%s answered %s with %d events; GET has %d", what, got.Reference, len(got.Timeline), len(fresh.Timeline))
		}
		actors = append(actors, s.name(user))
		got.Timeline = fresh.Timeline
		return got
	}
	refused := func(user, method, path string, body any, want int) string {
		t.Helper()
		before := s.snapshot(t, inc.ID)
		msg := s.fails(t, user, method, path, body, want)
		s.unchanged(t, method+" "+path+" "+fmt.Sprint(body), before, inc.ID)
		return msg
	}

	got := do(s.alice, http.MethodPatch, base+"/items/"+one.ID, map[string]any{"state": "done"}, 200, "item_checked", "@alice", "checked", one.Title)
	it := got.item(one.ID)
	if it.State != "done" || deref(it.CompletedBy) != s.alice || it.CompletedAt == nil || len(it.History) != 1 {
		t.Errorf("PATCH state done: %+v", it)
	}
	refused(s.alice, http.MethodPatch, base+"/items/"+one.ID, map[string]any{"state": "done"}, http.StatusConflict)

	got = do(s.admin, http.MethodPatch, base+"/items/"+one.ID, map[string]any{"state": "open"}, 200, "item_unchecked", "@sysadmin", "unchecked", one.Title)
	if it := got.item(one.ID); it.State != "open" || len(it.History) != 2 || it.History[1].ActorID != s.admin {
		t.Errorf("PATCH state open: %+v", it)
	}

	got = do(s.alice, http.MethodPatch, base+"/items/"+two.ID, map[string]any{"state": "skipped"}, 200, "item_skipped", "skipped", two.Title)
	if it := got.item(two.ID); it.State != "skipped" || it.CompletedAt != nil {
		t.Errorf("PATCH state skipped: %+v", it)
	}
	got = do(s.alice, http.MethodPatch, base+"/items/"+two.ID, map[string]any{"state": "open"}, 200, "item_restored", "restored", two.Title)
	if it := got.item(two.ID); it.State != "open" {
		t.Errorf("PATCH skipped -> open: %+v", it)
	}

	got = do(s.alice, http.MethodPatch, base+"/items/"+three.ID, map[string]any{"title": "Assess severity now"}, 200, "item_renamed", "Assess severity now")
	if it := got.item(three.ID); it.Title != "Assess severity now" || it.History[len(it.History)-1].Change["type"] != "renamed" ||
		it.History[len(it.History)-1].Change["from"] != three.Title {
		t.Errorf("PATCH title: %+v", it)
	}

	got = do(s.alice, http.MethodPatch, base+"/items/"+three.ID, map[string]any{"assignee_id": s.bob}, 200, "item_assigned", "assigned", "@bob")
	if it := got.item(three.ID); !slices.Equal(it.AssigneeIDs, []string{s.bob}) {
		t.Errorf("PATCH assignee_id bob: %+v", it)
	}
	got = do(s.alice, http.MethodPatch, base+"/items/"+three.ID, map[string]any{"assignee_id": nil}, 200, "item_assigned", "unassigned")
	if it := got.item(three.ID); len(it.AssigneeIDs) != 0 {
		t.Errorf("PATCH assignee_id null: %+v", it)
	}
	refused(s.alice, http.MethodPatch, base+"/items/"+three.ID, map[string]any{"assignee_id": s.carol}, http.StatusBadRequest)

	got = do(s.alice, http.MethodPost, base+"/items", map[string]any{"section": "Triage", "title": "Call the vendor"}, 201, "item_added", "Call the vendor", "Triage")
	vendor := got.ItemID
	if vendor == "" || got.item(vendor) == nil || got.item(vendor).Title != "Call the vendor" {
		t.Fatalf("POST items: item_id %q not the new item", vendor)
	}
	if tr := got.section("Triage"); tr.Items[len(tr.Items)-1].ID != vendor {
		t.Errorf("the new item is not last in Triage: %+v", tr)
	}
	got = do(s.alice, http.MethodPost, base+"/items", map[string]any{"section": "Aftercare", "title": "Send flowers"}, 201, "item_added", "Send flowers", "Aftercare")
	if last := got.Checklists[len(got.Checklists)-1]; last.Title != "Aftercare" || len(last.Items) != 1 || last.Items[0].ID != got.ItemID {
		t.Errorf("POST items to a new section: last section %+v", last)
	}
	// docs/api.md: "section is a title (created if new) or a 1-based number".
	m := s.mark(s.get(t, s.admin, inc.ID))
	if r := s.rest(t, s.alice, http.MethodPost, base+"/items", map[string]any{"section": 2, "title": "Tweet"}); r.Status != http.StatusCreated {
		t.Errorf(`POST items {"section": 2, "title": "Tweet"}: got %s, want 201 with the item added to section 2`, r)
	} else {
		fresh := s.get(t, s.alice, inc.ID)
		s.changed(t, "POST items to section 2", m, fresh, "item_added", s.alice, "Tweet")
		actors = append(actors, "alice")
		if sec := fresh.Checklists[1]; sec.Items[len(sec.Items)-1].Title != "Tweet" {
			t.Errorf("POST items with section 2 (a number): section 2 is %+v", sec)
		}
	}
	got = do(s.alice, http.MethodPost, base+"/items", map[string]any{"section": "2", "title": "Tweet again"}, 201, "item_added", "Tweet again")
	if sec := got.Checklists[1]; sec.Items[len(sec.Items)-1].Title != "Tweet again" {
		t.Errorf(`POST items with section "2": section 2 is %+v`, sec)
	}

	got = do(s.alice, http.MethodPost, base+"/items/"+vendor+"/move", map[string]any{"section": "Resolve", "position": 1}, 200, "item_moved", "moved", "Call the vendor")
	if r := got.section("Resolve"); r == nil || r.Items[0].ID != vendor {
		t.Errorf("move to Resolve position 1: Resolve is %+v", r)
	}
	if tr := got.section("Triage"); slices.ContainsFunc(tr.Items, func(i item) bool { return i.ID == vendor }) {
		t.Errorf("the moved item is still in Triage")
	}

	got = do(s.alice, http.MethodDelete, base+"/items/"+vendor, nil, 200, "item_removed", "removed", "Call the vendor")
	if got.item(vendor) != nil {
		t.Errorf("DELETE item: still there")
	}
	refused(s.alice, http.MethodDelete, base+"/items/"+vendor, nil, http.StatusNotFound)

	got = do(s.alice, http.MethodPost, base+"/commander", map[string]any{"user_id": s.admin}, 200, "commander_changed", "@sysadmin")
	if got.CommanderID != s.admin || !s.api.IsChannelMember(inc.ChannelID, s.admin) {
		t.Errorf("POST commander: commander %s, in channel %v", s.name(got.CommanderID), s.api.IsChannelMember(inc.ChannelID, s.admin))
	}
	refused(s.alice, http.MethodPost, base+"/commander", map[string]any{"user_id": s.admin}, http.StatusConflict)
	refused(s.alice, http.MethodPost, base+"/commander", map[string]any{"user_id": s.carol}, http.StatusBadRequest)

	got = do(s.admin, http.MethodPost, base+"/end", nil, 200, "incident_ended", "@sysadmin", "ended")
	if got.State != "ended" || got.EndedAt == nil {
		t.Errorf("POST end: state %q ended_at %v", got.State, deref(got.EndedAt))
	}
	refused(s.admin, http.MethodPost, base+"/end", nil, http.StatusConflict)

	final := s.get(t, s.alice, inc.ID)
	s.checkTimeline(t, final, actors)
	// Each item's history names who changed it and when.
	for _, it := range final.items() {
		for _, h := range it.History {
			if h.ActorID == "" || h.At <= 0 || h.Change["type"] == nil {
				t.Errorf("item %q history entry without actor, time or change: %+v", it.Title, h)
			}
		}
	}
	if n := len(s.botPosts(inc.ChannelID)); n != len(actors) {
		t.Errorf("%d bot posts in the channel, want %d (intro + one per change)", n, len(actors))
	}
}

// ---------------------------------------------------------------- 4. past incidents

func TestIncidentList(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc1 := s.start(t, s.alice, map[string]any{"name": "Database down", "summary": "primary gone"})
	time.Sleep(5 * time.Millisecond)
	inc2 := s.start(t, s.alice, map[string]any{"name": "Network flaps", "commander_id": s.admin})
	time.Sleep(5 * time.Millisecond)
	inc3 := s.start(t, s.alice, map[string]any{"name": "Disk full"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc1.ID+"/end", nil, http.StatusOK, nil)
	if !(inc1.CreatedAt < inc2.CreatedAt && inc2.CreatedAt < inc3.CreatedAt) {
		t.Fatalf("created_at not increasing: %d %d %d", inc1.CreatedAt, inc2.CreatedAt, inc3.CreatedAt)
	}

	refs := func(l incidentList) []string {
		var out []string
		for _, i := range l.Items {
			out = append(out, i.Reference)
		}
		return out
	}
	cases := []struct {
		query url.Values
		want  []string
		total int
	}{
		{url.Values{"state": {"ended"}}, []string{"INC-0001"}, 1},
		{url.Values{"state": {"active"}}, []string{"INC-0003", "INC-0002"}, 2},
		{url.Values{"state": {"all"}}, []string{"INC-0003", "INC-0002", "INC-0001"}, 3},
		{url.Values{"state": {"all"}, "commander_id": {s.admin}}, []string{"INC-0002"}, 1},
		{url.Values{"state": {"all"}, "commander_id": {s.alice}}, []string{"INC-0003", "INC-0001"}, 2},
		{url.Values{"state": {"all"}, "q": {"network"}}, []string{"INC-0002"}, 1},
		{url.Values{"state": {"all"}, "q": {"PRIMARY"}}, []string{"INC-0001"}, 1},  // summary, any case
		{url.Values{"state": {"all"}, "q": {"inc-0003"}}, []string{"INC-0003"}, 1}, // reference
		{url.Values{"state": {"all"}, "q": {"nothing like it"}}, nil, 0},
		{url.Values{"state": {"all"}, "created_after": {fmt.Sprint(inc1.CreatedAt + 1)}}, []string{"INC-0003", "INC-0002"}, 2},
		{url.Values{"state": {"all"}, "created_before": {fmt.Sprint(inc3.CreatedAt - 1)}}, []string{"INC-0002", "INC-0001"}, 2},
		{url.Values{"state": {"all"}, "created_after": {fmt.Sprint(inc1.CreatedAt + 1)}, "created_before": {fmt.Sprint(inc3.CreatedAt - 1)}}, []string{"INC-0002"}, 1},
		{url.Values{"state": {"ended"}, "q": {"disk"}}, nil, 0},
		{url.Values{"state": {"all"}, "per_page": {"1"}, "page": {"1"}}, []string{"INC-0002"}, 3},
		{url.Values{"state": {"all"}, "per_page": {"2"}, "page": {"1"}}, []string{"INC-0001"}, 3},
		{url.Values{"state": {"all"}, "per_page": {"2"}, "page": {"5"}}, nil, 3},
	}
	for _, c := range cases {
		q := c.query.Encode()
		l := s.list(t, s.alice, c.query)
		if got := refs(l); !slices.Equal(got, c.want) || l.Total != c.total {
			t.Errorf("GET /incidents?%s: %v total %d, want %v total %d", q, got, l.Total, c.want, c.total)
		}
		if pp := c.query.Get("per_page"); pp != "" && (fmt.Sprint(l.PerPage) != pp || fmt.Sprint(l.Page) != c.query.Get("page")) {
			t.Errorf("GET /incidents?%s: page %d per_page %d echoed", q, l.Page, l.PerPage)
		}
	}

	// The detail of a past incident: the whole timeline, with actors and times.
	past := s.get(t, s.bob, inc1.ID) // public: any team member may read it
	if past.State != "ended" || past.EndedAt == nil || *past.EndedAt < inc1.CreatedAt {
		t.Errorf("ended incident: state %q ended_at %v", past.State, deref(past.EndedAt))
	}
	s.checkTimeline(t, past, []string{"alice", "alice", "alice"})
	if past.Timeline[2].kind() != "incident_ended" {
		t.Errorf("last event %v, want incident_ended", past.Timeline[2].Kind)
	}

	// By command.
	ended := s.cmd(t, s.alice, s.team, s.town, "/incident list ended")
	replyHas(t, "/incident list ended", ended, "INC-0001", "Database down")
	if strings.Contains(ended, "INC-0002") || strings.Contains(ended, "INC-0003") {
		t.Errorf("/incident list ended shows active incidents: %q", ended)
	}
	active := s.cmd(t, s.alice, s.team, s.town, "/incident list")
	replyHas(t, "/incident list", active, "INC-0002", "INC-0003", "@sysadmin")
	if strings.Contains(active, "INC-0001") {
		t.Errorf("/incident list (active) shows the ended incident: %q", active)
	}
	replyHas(t, "/incident list all", s.cmd(t, s.alice, s.team, s.town, "/incident list all"), "INC-0001", "INC-0002", "INC-0003")
	_ = inc2
}

// ---------------------------------------------------------------- 5. playbooks

func TestPlaybooks(t *testing.T) {
	t.Parallel()
	s := newScenario(t)

	defaults := s.playbooks(t, s.alice)
	var titles []string
	for _, p := range defaults {
		titles = append(titles, p.Title)
		if p.ID == "" || p.TeamID != s.team || len(p.Checklists) == 0 {
			t.Errorf("default playbook %q: id %q team %q %d sections", p.Title, p.ID, p.TeamID, len(p.Checklists))
		}
	}
	slices.Sort(titles)
	if !slices.Equal(titles, []string{"Security incident", "Service incident"}) {
		t.Errorf("default playbooks %v, want Security incident and Service incident", titles)
	}
	if again := s.playbooks(t, s.admin); len(again) != 2 {
		t.Errorf("listing again gives %d playbooks: the defaults must be seeded once", len(again))
	}

	// Create.
	cmdText := "/status update"
	in := playbook{TeamID: s.team, Title: "Payments outage", Description: "Card payments fail.",
		Checklists: []playbookSection{
			{Title: "Triage", Items: []playbookItem{{Title: "Page payments on-call", Description: "Use PagerDuty."}, {Title: "Open a bridge", Command: &cmdText}}},
			{Title: "Recover", Items: []playbookItem{{Title: "Fail over to the backup acquirer", DefaultAssigneeID: &s.bob}}},
		},
		ChannelNameTemplate: "pay-{number}-{name}", EditorIDs: []string{s.alice}, AnnouncementChannelIDs: []string{s.town},
		MemberIDs: []string{}}
	var created playbook
	if r := s.rest(t, s.alice, http.MethodPost, "/api/v0/playbooks", in); r.Status != http.StatusCreated {
		// docs/api.md: the body is a playbook without id. Report, then go on with an empty id so
		// the rest of the scenario still runs.
		t.Errorf("POST /playbooks with a playbook without id (as documented): got %s, want 201", r)
		withID := map[string]any{}
		_ = json.Unmarshal([]byte(mustJSON(in)), &withID)
		withID["id"] = ""
		s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", withID, http.StatusCreated, &created)
	} else if err := json.Unmarshal(r.Body, &created); err != nil {
		t.Fatalf("POST /playbooks: %v: %s", err, r)
	}
	if created.ID == "" || created.Title != in.Title || created.CreatedAt <= 0 || len(created.Checklists) != 2 ||
		created.ChannelNameTemplate != in.ChannelNameTemplate || !slices.Equal(created.EditorIDs, in.EditorIDs) {
		t.Fatalf("POST /playbooks: %+v", created)
	}
	var read playbook
	s.ok(t, s.bob, http.MethodGet, "/api/v0/playbooks/"+created.ID, nil, http.StatusOK, &read)
	if read.Title != in.Title || len(read.Checklists) != 2 || len(read.Checklists[0].Items) != 2 || deref(read.Checklists[0].Items[1].Command) != cmdText {
		t.Errorf("GET /playbooks/{id}: %+v", read)
	}
	if n := len(s.playbooks(t, s.alice)); n != 3 {
		t.Errorf("%d playbooks after creating one, want 3", n)
	}

	// Update: editors and admins only.
	edit := created
	edit.Title = "Payments outage (cards)"
	edit.Description = "Card payments fail at checkout."
	before := s.rest(t, s.alice, http.MethodGet, "/api/v0/playbooks/"+created.ID, nil).Body
	s.fails(t, s.bob, http.MethodPut, "/api/v0/playbooks/"+created.ID, edit, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodDelete, "/api/v0/playbooks/"+created.ID, nil, http.StatusForbidden)
	// Someone not on the playbook's team: 403 ("not on the team").
	s.fails(t, s.carol, http.MethodPut, "/api/v0/playbooks/"+created.ID, edit, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodGet, "/api/v0/playbooks/"+created.ID, nil, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodDelete, "/api/v0/playbooks/"+created.ID, nil, http.StatusForbidden)
	if after := s.rest(t, s.alice, http.MethodGet, "/api/v0/playbooks/"+created.ID, nil).Body; !bytes.Equal(before, after) {
		t.Errorf("a refused edit changed the playbook:\n%s\n%s", before, after)
	}
	var updated playbook
	s.ok(t, s.alice, http.MethodPut, "/api/v0/playbooks/"+created.ID, edit, http.StatusOK, &updated)
	if updated.Title != edit.Title || updated.ID != created.ID || updated.CreatedAt != created.CreatedAt || updated.UpdatedAt < created.UpdatedAt {
		t.Errorf("PUT by an editor: %+v", updated)
	}
	admin := updated
	admin.Description = "Edited by an admin."
	s.ok(t, s.admin, http.MethodPut, "/api/v0/playbooks/"+created.ID, admin, http.StatusOK, &updated)
	if updated.Description != admin.Description {
		t.Errorf("PUT by a team admin: %+v", updated)
	}
	// Another team member may not edit a default playbook either.
	service := s.playbookByTitle(t, s.alice, "Service incident")
	svc := service
	svc.Title = "Hijacked"
	s.fails(t, s.bob, http.MethodPut, "/api/v0/playbooks/"+service.ID, svc, http.StatusForbidden)
	if s.playbookByTitle(t, s.alice, "Service incident").ID != service.ID {
		t.Errorf("the refused edit renamed the default playbook")
	}

	// Export, then import: the same playbook without ids, people or channels.
	r := s.ok(t, s.alice, http.MethodGet, "/api/v0/playbooks/"+created.ID+"/export", nil, http.StatusOK, nil)
	var export map[string]any
	if err := json.Unmarshal(r.Body, &export); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if export["format"] != "incident-response-playbook" || export["version"] != float64(1) {
		t.Errorf("export envelope: format %v version %v", export["format"], export["version"])
	}
	body, _ := export["playbook"].(map[string]any)
	for _, leak := range []string{"id", "team_id", "editor_ids", "member_ids", "default_commander_id", "announcement_channel_ids", "created_at"} {
		if _, ok := body[leak]; ok {
			t.Errorf("export contains %q", leak)
		}
	}
	for _, id := range []string{s.alice, s.bob, s.town, s.team, created.ID} {
		if bytes.Contains(r.Body, []byte(id)) {
			t.Errorf("export contains the id %s (%s)", id, s.name(id))
		}
	}
	var imported playbook
	s.ok(t, s.bob, http.MethodPost, "/api/v0/playbooks/import?team_id="+s.team, r.Body, http.StatusCreated, &imported)
	// Nobody's ids travel with an export; who imports it may edit the copy.
	if imported.ID == "" || imported.ID == created.ID || imported.TeamID != s.team || len(imported.AnnouncementChannelIDs) != 0 ||
		len(imported.EditorIDs) != 1 || imported.EditorIDs[0] != s.bob {
		t.Errorf("import: %+v", imported)
	}
	if imported.Title != updated.Title || imported.Description != updated.Description ||
		imported.ChannelNameTemplate != updated.ChannelNameTemplate || imported.PrivateChannel != updated.PrivateChannel ||
		len(imported.Checklists) != len(updated.Checklists) {
		t.Errorf("import differs from the original:\n%+v\n%+v", imported, updated)
	} else {
		for i, sec := range updated.Checklists {
			got := imported.Checklists[i]
			if got.Title != sec.Title || len(got.Items) != len(sec.Items) {
				t.Errorf("imported section %d: %+v, want %+v", i, got, sec)
				continue
			}
			for j, it := range sec.Items {
				g := got.Items[j]
				if g.Title != it.Title || g.Description != it.Description || deref(g.Command) != deref(it.Command) || g.DefaultAssigneeID != nil {
					t.Errorf("imported item %d.%d: %+v, want %+v without its assignee", i+1, j+1, g, it)
				}
			}
		}
	}
	r2 := s.ok(t, s.bob, http.MethodGet, "/api/v0/playbooks/"+imported.ID+"/export", nil, http.StatusOK, nil)
	var export2 map[string]any
	_ = json.Unmarshal(r2.Body, &export2)
	if a, b := mustJSON(export), mustJSON(export2); a != b {
		t.Errorf("export -> import -> export is not a round trip:\n%s\n%s", a, b)
	}

	// Start from the custom playbook: its template, its checklist with default assignees, its
	// announcement channel.
	townPosts := len(s.api.ChannelPosts(s.town))
	inc := s.start(t, s.alice, map[string]any{"name": "Card payments failing", "playbook_id": created.ID})
	s.checkIncidentChannel(t, inc, "pay-0001-card-payments-failing", "O", []string{s.alice}, "alice")
	if its := inc.items(); len(its) != 3 || !slices.Equal(its[2].AssigneeIDs, []string{s.bob}) || deref(its[1].Command) != cmdText {
		t.Errorf("checklist from the playbook: %+v", its)
	}
	if posts := s.api.ChannelPosts(s.town); len(posts) != townPosts+1 || !strings.Contains(posts[len(posts)-1].Message, "~pay-0001-card-payments-failing") {
		t.Errorf("no announcement linking ~pay-0001-card-payments-failing in the playbook's announcement channel (%d new posts)", len(posts)-townPosts)
	}

	// By command.
	replyHas(t, "/incident playbooks", s.cmd(t, s.bob, s.team, s.town, "/incident playbooks"),
		"Service incident", "Security incident", "Payments outage (cards)")

	// A playbook shared with some members only: the others do not see it or start from it.
	var unshared playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", playbook{TeamID: s.team, Title: "Board only",
		Checklists: []playbookSection{{Title: "Brief", Items: []playbookItem{{Title: "Call the chair"}}}},
		MemberIDs:  []string{s.alice}, EditorIDs: []string{s.alice}, AnnouncementChannelIDs: []string{}}, http.StatusCreated, &unshared)
	if slices.ContainsFunc(s.playbooks(t, s.bob), func(p playbook) bool { return p.ID == unshared.ID }) {
		t.Errorf("bob's playbook list shows a playbook shared with alice only")
	}
	if !slices.ContainsFunc(s.playbooks(t, s.alice), func(p playbook) bool { return p.ID == unshared.ID }) {
		t.Errorf("alice's playbook list lacks the playbook shared with her")
	}
	if strings.Contains(s.cmd(t, s.bob, s.team, s.town, "/incident playbooks"), "Board only") {
		t.Errorf("/incident playbooks shows bob a playbook shared with alice only")
	}
	s.fails(t, s.bob, http.MethodGet, "/api/v0/playbooks/"+unshared.ID, nil, http.StatusNotFound)
	before = s.rest(t, s.alice, http.MethodGet, "/api/v0/incidents?state=all&team_id="+s.team, nil).Body
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "Board call", "playbook_id": unshared.ID}, http.StatusNotFound)
	if after := s.rest(t, s.alice, http.MethodGet, "/api/v0/incidents?state=all&team_id="+s.team, nil).Body; !bytes.Equal(before, after) {
		t.Errorf("a refused start from an unshared playbook created an incident")
	}
	s.ok(t, s.alice, http.MethodDelete, "/api/v0/playbooks/"+unshared.ID, nil, http.StatusNoContent, nil)

	// Delete.
	s.fails(t, s.alice, http.MethodDelete, "/api/v0/playbooks/"+imported.ID, nil, http.StatusForbidden) // alice is no editor of bob's import
	r = s.ok(t, s.admin, http.MethodDelete, "/api/v0/playbooks/"+imported.ID, nil, http.StatusNoContent, nil)
	if len(r.Body) != 0 {
		t.Errorf("DELETE answered a body: %q", r.Body)
	}
	// Deleting archives (issue 17): no longer listed or usable, kept, restorable by an editor.
	var archived map[string]any
	s.ok(t, s.admin, http.MethodGet, "/api/v0/playbooks/"+imported.ID, nil, http.StatusOK, &archived)
	if _, ok := archived["archived_at"].(float64); !ok {
		t.Errorf("a deleted playbook is not marked archived: %v", archived["archived_at"])
	}
	s.ok(t, s.alice, http.MethodDelete, "/api/v0/playbooks/"+created.ID, nil, http.StatusNoContent, nil)
	if n := len(s.playbooks(t, s.alice)); n != 2 {
		t.Errorf("%d playbooks after deleting both, want 2", n)
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "From an archived one", "playbook_id": created.ID}, http.StatusBadRequest)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/playbooks/"+created.ID+"/restore", nil, http.StatusForbidden)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks/"+created.ID+"/restore", nil, http.StatusOK, nil)
	if n := len(s.playbooks(t, s.alice)); n != 3 {
		t.Errorf("%d playbooks after restoring one, want 3", n)
	}
	s.ok(t, s.alice, http.MethodDelete, "/api/v0/playbooks/"+created.ID, nil, http.StatusNoContent, nil)
	// The incident started from it keeps its checklist.
	if got := s.get(t, s.alice, inc.ID); len(got.items()) != 3 {
		t.Errorf("deleting the playbook changed its incident: %d items", len(got.items()))
	}

	// Bad imports and bodies.
	for _, bad := range []string{`{`, `{"format": "something-else", "version": 1, "playbook": {"title": "x"}}`,
		`{"format": "incident-response-playbook", "version": 99, "playbook": {"title": "x"}}`,
		`{"format": "incident-response-playbook", "version": 1, "playbook": {"title": ""}}`} {
		s.fails(t, s.alice, http.MethodPost, "/api/v0/playbooks/import?team_id="+s.team, bad, http.StatusBadRequest)
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/playbooks", `{"team_id": `, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": strings.Repeat("x", 10000)}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPut, "/api/v0/playbooks/"+service.ID, `[1, 2`, http.StatusBadRequest)
	s.fails(t, s.carol, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Outsider", "created_at": 0}, http.StatusForbidden)
	if n := len(s.playbooks(t, s.alice)); n != 2 {
		t.Errorf("%d playbooks after refused requests, want 2", n)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ---------------------------------------------------------------- 6. permissions

func TestIncidentPermissions(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	security := s.playbookByTitle(t, s.alice, "Security incident")
	private := s.start(t, s.alice, map[string]any{"name": "Breach", "playbook_id": security.ID})
	public := s.start(t, s.alice, map[string]any{"name": "Slow pages", "playbook_id": service.ID})
	if ch := s.api.Channel(private.ChannelID); ch == nil || ch.Type != model.ChannelTypePrivate {
		t.Fatalf("the security incident's channel is not private")
	}
	privItem := private.items()[0].ID
	pubItem := public.items()[0].ID

	// Not logged in: 401 everywhere.
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/v0/incidents?team_id=" + s.team},
		{http.MethodPost, "/api/v0/incidents"},
		{http.MethodGet, "/api/v0/incidents/" + public.ID},
		{http.MethodPatch, "/api/v0/incidents/" + public.ID + "/items/" + pubItem},
		{http.MethodGet, "/api/v0/playbooks?team_id=" + s.team},
	} {
		before := s.snapshot(t, public.ID)
		s.fails(t, "", r.method, r.path, map[string]any{"team_id": s.team, "name": "x", "state": "done"}, http.StatusUnauthorized)
		s.unchanged(t, "anonymous "+r.method+" "+r.path, before, public.ID)
	}

	// Not on the team: 403 on list, start and playbooks; incidents are not revealed.
	before := s.snapshot(t, public.ID)
	s.fails(t, s.carol, http.MethodGet, "/api/v0/incidents?team_id="+s.team, nil, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "Outsider"}, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodGet, "/api/v0/playbooks?team_id="+s.team, nil, http.StatusForbidden)
	s.fails(t, s.carol, http.MethodGet, "/api/v0/incidents/"+public.ID, nil, http.StatusNotFound)
	s.fails(t, s.carol, http.MethodGet, "/api/v0/incidents/"+private.ID, nil, http.StatusNotFound)
	s.fails(t, s.carol, http.MethodPost, "/api/v0/incidents/"+public.ID+"/end", nil, http.StatusNotFound)
	reply := s.cmd(t, s.carol, s.team, s.town, "/incident start Outsider")
	replyHas(t, "/incident start by a non-member of the team", reply, "team")
	s.unchanged(t, "requests by a user on no team", before, public.ID)

	// A team member outside the private incident's channel: it does not exist for them.
	before = s.snapshot(t, private.ID)
	s.fails(t, s.bob, http.MethodGet, "/api/v0/incidents/"+private.ID, nil, http.StatusNotFound)
	l := s.list(t, s.bob, url.Values{"state": {"all"}, "per_page": {"200"}})
	if slices.ContainsFunc(l.Items, func(i incident) bool { return i.ID == private.ID }) {
		t.Errorf("bob's list shows the private incident")
	}
	if l.Total != len(l.Items) || !slices.ContainsFunc(l.Items, func(i incident) bool { return i.ID == public.ID }) {
		t.Errorf("bob's list: total %d, %d items; want the public incident only", l.Total, len(l.Items))
	}
	if l2 := s.list(t, s.bob, url.Values{"state": {"all"}, "q": {"breach"}}); l2.Total != 0 {
		t.Errorf("searching for the private incident's name finds %d for bob", l2.Total)
	}
	s.fails(t, s.bob, http.MethodPatch, "/api/v0/incidents/"+private.ID+"/items/"+privItem, map[string]any{"state": "done"}, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+private.ID+"/items", map[string]any{"section": "Triage", "title": "x"}, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodDelete, "/api/v0/incidents/"+private.ID+"/items/"+privItem, nil, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+private.ID+"/commander", map[string]any{"user_id": s.bob}, http.StatusNotFound)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+private.ID+"/end", nil, http.StatusNotFound)
	reply = s.cmd(t, s.bob, s.team, s.town, "/incident check 1 "+private.Reference)
	replyHas(t, "bob: /incident check 1 "+private.Reference, reply, private.Reference)
	if strings.Contains(reply, "Breach") || strings.Contains(strings.ToLower(reply), "is now") {
		t.Errorf("bob: /incident check on the private incident: %q reveals or changes it", reply)
	}
	reply = s.cmd(t, s.bob, s.team, s.town, "/incident info "+private.Reference)
	if strings.Contains(reply, "Breach") {
		t.Errorf("bob: /incident info %s reveals the private incident: %q", private.Reference, reply)
	}
	reply = s.cmd(t, s.bob, s.team, s.town, "/incident list all")
	if strings.Contains(reply, "Breach") || strings.Contains(reply, private.Reference) {
		t.Errorf("bob: /incident list all shows the private incident: %q", reply)
	}
	s.unchanged(t, "bob on the private incident", before, private.ID)

	// A team member outside a public incident's channel may read it but not change it.
	before = s.snapshot(t, public.ID)
	if got := s.get(t, s.bob, public.ID); got.ID != public.ID {
		t.Errorf("bob cannot read the public incident")
	}
	s.fails(t, s.bob, http.MethodPatch, "/api/v0/incidents/"+public.ID+"/items/"+pubItem, map[string]any{"state": "done"}, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+public.ID+"/items", map[string]any{"section": "Triage", "title": "x"}, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodDelete, "/api/v0/incidents/"+public.ID+"/items/"+pubItem, nil, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+public.ID+"/items/"+pubItem+"/move", map[string]any{"section": 2, "position": 1}, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+public.ID+"/commander", map[string]any{"user_id": s.bob}, http.StatusForbidden)
	s.fails(t, s.bob, http.MethodPost, "/api/v0/incidents/"+public.ID+"/end", nil, http.StatusForbidden)
	reply = s.cmd(t, s.bob, s.team, s.town, "/incident check 1 "+public.Reference)
	replyHas(t, "bob: /incident check 1 "+public.Reference, reply, "~"+s.api.Channel(public.ChannelID).Name)
	reply = s.cmd(t, s.bob, s.team, s.town, "/incident end "+public.Reference)
	if strings.Contains(strings.ToLower(reply), "ended inc") {
		t.Errorf("bob ended the public incident: %q", reply)
	}
	s.unchanged(t, "bob on the public incident", before, public.ID)

	// A team/system admin outside the channel may see and change both.
	if got := s.get(t, s.admin, private.ID); got.ID != private.ID {
		t.Errorf("the admin cannot read the private incident")
	}
	m := s.mark(private)
	s.ok(t, s.admin, http.MethodPatch, "/api/v0/incidents/"+private.ID+"/items/"+privItem, map[string]any{"state": "done"}, http.StatusOK, nil)
	s.changed(t, "admin checks an item of the private incident", m, s.get(t, s.alice, private.ID), "item_checked", s.admin, "@sysadmin")

	// A channel member by command with the reference, from another channel, may.
	m = s.mark(s.get(t, s.alice, public.ID))
	reply = s.cmd(t, s.alice, s.team, s.town, "/incident check 1 "+public.Reference)
	replyHas(t, "alice: /incident check 1 "+public.Reference, reply, "done")
	s.changed(t, "alice checks by reference", m, s.get(t, s.alice, public.ID), "item_checked", s.alice, "@alice")

	// System Console: only admins may start incidents.
	s.configure(t, "WhoMayStart", "team_admins")
	before = s.snapshot(t, "")
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "Not allowed"}, http.StatusForbidden)
	replyHas(t, "/incident start when only admins may", s.cmd(t, s.alice, s.team, s.town, "/incident start Not allowed"), "admin")
	s.unchanged(t, "starts by a member when only admins may", before, "")
	if inc := s.start(t, s.admin, map[string]any{"name": "Allowed"}); inc.CommanderID != s.admin {
		t.Errorf("a team admin's start: commander %s", s.name(inc.CommanderID))
	}
}

// ---------------------------------------------------------------- 7. bad input

func TestBadInputCommands(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "playbook_id": service.ID})
	ch := inc.ChannelID

	cases := []struct {
		channel, text string
		words         []string // the reply must say what is wrong
	}{
		{ch, "/incident frobnicate", []string{"frobnicate", "/incident help"}},
		{ch, "/incident check", []string{"item"}},
		{ch, "/incident check one", []string{"one", "item"}},
		{ch, "/incident check 99", []string{"99"}},
		{ch, "/incident check 0", []string{"0"}},
		{ch, "/incident checkremove", []string{"item"}},
		{ch, "/incident checkadd", []string{"checkadd"}},
		{ch, "/incident checkadd Triage", []string{"checkadd"}},
		{ch, "/incident assign 1", []string{"assign"}},
		{ch, "/incident assign 1 @nobody", []string{"nobody"}},
		{ch, "/incident assign 1 @carol", []string{"team"}},
		{ch, "/incident commander", []string{"commander"}},
		{ch, "/incident commander @nobody", []string{"nobody"}},
		{ch, "/incident commander @alice", []string{"commander"}},
		{ch, "/incident commander @carol", []string{"team"}},
		{ch, "/incident info INC-9999", []string{"INC-9999"}},
		{ch, "/incident end INC-9999", []string{"INC-9999"}},
		{ch, "/incident check 1 INC-9999", []string{"INC-9999"}},
		{ch, "/incident list sideways", []string{"sideways"}},
		{s.town, "/incident check 1", []string{"incident channel", "INC-"}},
		{s.town, "/incident info", []string{"incident channel"}},
		{s.town, "/incident end", []string{"incident channel"}},
		{s.town, "/incident checkadd Triage Call the vendor", []string{"incident channel"}},
		{s.town, "/incident start " + strings.Repeat("x", 10000), []string{"name", "100"}},
		{s.town, "/incident start " + strings.Repeat("🔥", 10000), []string{"name"}},
	}
	for _, c := range cases {
		before := s.snapshot(t, inc.ID)
		reply := s.cmd(t, s.alice, s.team, c.channel, c.text)
		if strings.TrimSpace(reply) == "" {
			t.Errorf("%s: empty reply", short(c.text))
		}
		if strings.Contains(reply, "Something went wrong") {
			t.Errorf("%s: internal error instead of a clear message: %q", short(c.text), reply)
		}
		replyHas(t, short(c.text), reply, c.words...)
		s.unchanged(t, short(c.text), before, inc.ID)
	}
	// A reply stays short even when the input is long.
	if reply := s.cmd(t, s.alice, s.team, ch, "/incident "+strings.Repeat("z", 10000)); utf8.RuneCountInString(reply) > 500 {
		t.Errorf("unknown 10,000-character subcommand: reply of %d characters", utf8.RuneCountInString(reply))
	}
}

func TestBadInputNames(t *testing.T) {
	t.Parallel()
	s := newScenario(t)

	// 10,000 characters: refused before anything exists.
	for _, name := range []string{strings.Repeat("x", 10000), strings.Repeat("ب", 10000), "", "   ", "bell\u0007name"} {
		before := s.snapshot(t, "")
		msg := s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": name}, http.StatusBadRequest)
		if !strings.Contains(strings.ToLower(msg), "name") {
			t.Errorf("POST /incidents with name %q: message %q does not say the name is the problem", short(name), msg)
		}
		s.unchanged(t, "POST /incidents with name "+short(name), before, "")
	}
	before := s.snapshot(t, "")
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "ok", "channel_name": strings.Repeat("c", 10000)}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "ok", "summary": strings.Repeat("s", 10000)}, http.StatusBadRequest)
	if r := s.rest(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "ok", "playbook_id": "nope"}); r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
		t.Errorf("POST /incidents with an unknown playbook_id: %s, want 400 or 404", r)
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"team_id": s.team, "name": "ok", "commander_id": s.carol}, http.StatusBadRequest)
	s.fails(t, s.alice, http.MethodPost, "/api/v0/incidents", map[string]any{"name": "ok"}, http.StatusBadRequest)
	s.unchanged(t, "POST /incidents with bad fields", before, "")

	// Emoji and right-to-left text: kept as typed, and a valid channel name comes out.
	var numbers []int
	check := func(inc incident, name string) {
		t.Helper()
		numbers = append(numbers, inc.Number)
		if inc.Name != name {
			t.Errorf("name %q stored as %q", name, inc.Name)
		}
		ch := s.checkIncidentChannel(t, inc, "", "O", []string{s.alice}, "alice")
		if !strings.HasPrefix(ch.Name, fmt.Sprintf("inc-%04d", inc.Number)) {
			t.Errorf("channel for %q is %q, want it to start with inc-%04d", name, ch.Name, inc.Number)
		}
		if utf8.RuneCountInString(ch.DisplayName) > model.ChannelDisplayNameMaxRunes || !utf8.ValidString(ch.DisplayName) {
			t.Errorf("display name %q", ch.DisplayName)
		}
		t.Logf("%q -> channel %q (%q)", name, ch.Name, ch.DisplayName)
	}
	rtl := "🔥 قاعدة البيانات down"
	inc := s.start(t, s.alice, map[string]any{"name": rtl})
	check(inc, rtl)
	if ch := s.api.Channel(inc.ChannelID); ch != nil && ch.Name != fmt.Sprintf("inc-%04d-down", inc.Number) {
		t.Errorf("channel for %q is %q, want inc-%04d-down", rtl, ch.Name, inc.Number)
	}
	inc = s.start(t, s.alice, map[string]any{"name": "🔥🚒"})
	check(inc, "🔥🚒")
	inc = s.start(t, s.alice, map[string]any{"name": "שרת נפל"})
	check(inc, "שרת נפל")
	inc = s.start(t, s.alice, map[string]any{"name": "Café Überlauf ñ"})
	check(inc, "Café Überlauf ñ")
	inc = s.start(t, s.alice, map[string]any{"name": strings.Repeat("Very long incident name ", 5)[:100]})
	check(inc, strings.Repeat("Very long incident name ", 5)[:100])

	reply := s.cmd(t, s.alice, s.team, s.town, "/incident start "+rtl)
	replyHas(t, "/incident start "+rtl, reply, "INC-")
	l := s.list(t, s.alice, url.Values{"q": {"قاعدة"}})
	if l.Total != 2 {
		t.Fatalf("q=قاعدة finds %d incidents, want 2", l.Total)
	}
	check(l.Items[0], rtl)
	if !slices.Equal(numbers, []int{1, 2, 3, 4, 5, 6}) {
		t.Errorf("incident numbers %v, want 1..6 (refused starts must not use up numbers)", numbers)
	}
}

func TestBadInputDuplicateChannelName(t *testing.T) {
	t.Parallel()
	s := newScenario(t)

	// Someone already made the channel the first incident would get.
	taken, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: "inc-0001-database-down", DisplayName: "Database down talk", Type: model.ChannelTypeOpen, CreatorId: s.bob})
	if aerr != nil {
		t.Fatal(aerr)
	}
	inc1 := s.start(t, s.alice, map[string]any{"name": "Database down"})
	s.checkIncidentChannel(t, inc1, "inc-0001-database-down-2", "O", []string{s.alice}, "alice")
	if inc1.ChannelID == taken.Id || len(s.api.ChannelPosts(taken.Id)) != 0 || len(s.api.ChannelMemberIDs(taken.Id)) != 0 {
		t.Errorf("the plugin used or touched the existing channel %s", taken.Name)
	}

	// Two incidents asking for the same channel name.
	inc2 := s.start(t, s.alice, map[string]any{"name": "Outage one", "channel_name": "db-outage"})
	inc3 := s.start(t, s.alice, map[string]any{"name": "Outage two", "channel_name": "db-outage"})
	s.checkIncidentChannel(t, inc2, "db-outage", "O", []string{s.alice}, "alice")
	s.checkIncidentChannel(t, inc3, "db-outage-2", "O", []string{s.alice}, "alice")

	// Names that differ only in what sanitising drops.
	inc4 := s.start(t, s.alice, map[string]any{"name": "Cache!", "channel_name": "cache"})
	inc5 := s.start(t, s.alice, map[string]any{"name": "Cache?", "channel_name": "Cache ✓"})
	s.checkIncidentChannel(t, inc4, "cache", "O", []string{s.alice}, "alice")
	s.checkIncidentChannel(t, inc5, "cache-2", "O", []string{s.alice}, "alice")

	// By command: the next number is 6; its name and the -2 are taken.
	for _, name := range []string{"inc-0006-cache-down", "inc-0006-cache-down-2"} {
		if _, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: name, DisplayName: name, Type: model.ChannelTypePrivate}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	reply := s.cmd(t, s.alice, s.team, s.town, "/incident start Cache down")
	replyHas(t, "/incident start Cache down", reply, "INC-0006", "inc-0006-cache-down-3")
	l := s.list(t, s.alice, url.Values{"q": {"INC-0006"}})
	if l.Total != 1 {
		t.Fatalf("INC-0006 not found")
	}
	s.checkIncidentChannel(t, l.Items[0], "inc-0006-cache-down-3", "O", []string{s.alice}, "alice")

}

func TestBadInputEndedIncident(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "playbook_id": service.ID})
	base := "/api/v0/incidents/" + inc.ID
	first := inc.items()[0].ID
	s.ok(t, s.alice, http.MethodPost, base+"/end", nil, http.StatusOK, nil)

	for _, c := range []struct {
		user, text string
	}{
		{s.alice, "/incident check 1"},
		{s.alice, "/incident checkadd Triage Call the vendor"},
		{s.alice, "/incident checkremove 1"},
		{s.alice, "/incident assign 1 @alice"},
		{s.alice, "/incident commander @sysadmin"},
		{s.alice, "/incident end"},
		{s.admin, "/incident check 1 INC-0001"},
	} {
		before := s.snapshot(t, inc.ID)
		reply := s.cmd(t, c.user, s.team, inc.ChannelID, c.text)
		replyHas(t, c.text+" on an ended incident", reply, "ended")
		s.unchanged(t, c.text+" on an ended incident", before, inc.ID)
	}
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPatch, base + "/items/" + first, map[string]any{"state": "done"}},
		{http.MethodPatch, base + "/items/" + first, map[string]any{"state": "skipped"}},
		{http.MethodPatch, base + "/items/" + first, map[string]any{"title": "Renamed"}},
		{http.MethodPatch, base + "/items/" + first, map[string]any{"assignee_id": s.bob}},
		{http.MethodPost, base + "/items", map[string]any{"section": "Triage", "title": "Late"}},
		{http.MethodDelete, base + "/items/" + first, nil},
		{http.MethodPost, base + "/items/" + first + "/move", map[string]any{"section": "Resolve", "position": 1}},
		{http.MethodPost, base + "/commander", map[string]any{"user_id": s.admin}},
		{http.MethodPost, base + "/end", nil},
	} {
		before := s.snapshot(t, inc.ID)
		msg := s.fails(t, s.alice, r.method, r.path, r.body, http.StatusConflict)
		if msg != "" && !strings.Contains(strings.ToLower(msg), "ended") {
			t.Errorf("%s %s on an ended incident: message %q does not say it has ended", r.method, r.path, msg)
		}
		s.unchanged(t, r.method+" "+r.path+" on an ended incident", before, inc.ID)
	}
}

func TestBadInputMalformedREST(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	service := s.playbookByTitle(t, s.alice, "Service incident")
	inc := s.start(t, s.alice, map[string]any{"name": "Database down", "playbook_id": service.ID})
	base := "/api/v0/incidents/" + inc.ID
	first, second, third := inc.items()[0].ID, inc.items()[1].ID, inc.items()[2].ID

	cases := []struct {
		method, path string
		body         any
		want         int
	}{
		{http.MethodPost, "/api/v0/incidents", `{"team_id": "` + s.team + `", "name": `, 400},
		{http.MethodPost, "/api/v0/incidents", `"Database down"`, 400},
		{http.MethodPost, "/api/v0/incidents", `{"team_id": "` + s.team + `", "name": 42}`, 400},
		{http.MethodPost, "/api/v0/incidents", `{"team_id": "` + s.team + `", "name": "x", "private": "yes"}`, 400},
		{http.MethodPost, "/api/v0/incidents", "", 400},
		{http.MethodPatch, base + "/items/" + first, `{`, 400},
		{http.MethodPatch, base + "/items/" + first, `{"state": "finished"}`, 400},
		{http.MethodPatch, base + "/items/" + first, `{}`, 400},
		{http.MethodPatch, base + "/items/" + first, `{"title": ""}`, 400},
		{http.MethodPatch, base + "/items/" + first, `{"title": "` + strings.Repeat("t", 10000) + `"}`, 400},
		// One request is one change or none: a bad field must not leave the good one applied.
		{http.MethodPatch, base + "/items/" + first, `{"state": "done", "title": ""}`, 400},
		{http.MethodPatch, base + "/items/" + second, `{"state": "done", "assignee_id": "` + s.carol + `"}`, 400},
		{http.MethodPatch, base + "/items/" + third, `{"state": "done", "title": 5}`, 400},
		{http.MethodPost, base + "/items", `{"section": "Triage"`, 400},
		{http.MethodPost, base + "/items", `{"section": "Triage", "title": ""}`, 400},
		{http.MethodPost, base + "/items", `{"section": "", "title": "x"}`, 400},
		{http.MethodPost, base + "/items", `{"title": "x"}`, 400},
		{http.MethodPost, base + "/items", `{"section": "Triage", "title": ["x"]}`, 400},
		{http.MethodPost, base + "/items/" + first + "/move", `{"section": `, 400},
		{http.MethodPost, base + "/items/" + first + "/move", `{"section": "Resolve", "position": 0}`, 400},
		{http.MethodPost, base + "/items/" + first + "/move", `{"section": "Resolve", "position": 99}`, 400},
		{http.MethodPost, base + "/commander", `not json`, 400},
		{http.MethodPost, base + "/commander", `{}`, 400},
		{http.MethodPost, base + "/commander", `{"user_id": 7}`, 400},
		{http.MethodGet, "/api/v0/incidents", nil, 400}, // no team_id
		{http.MethodGet, "/api/v0/incidents?team_id=" + s.team + "&state=sideways", nil, 400},
		{http.MethodGet, "/api/v0/incidents?team_id=" + s.team + "&per_page=lots", nil, 400},
		{http.MethodGet, "/api/v0/incidents?team_id=" + s.team + "&created_after=yesterday", nil, 400},
		{http.MethodGet, "/api/v0/incidents/nosuchincident0000000000000", nil, 404},
		{http.MethodPost, "/api/v0/incidents/nosuchincident0000000000000/end", nil, 404},
		{http.MethodPatch, "/api/v0/incidents/nosuchincident0000000000000/items/" + first, `{"state": "done"}`, 404},
	}
	for _, c := range cases {
		before := s.snapshot(t, inc.ID)
		s.fails(t, s.alice, c.method, c.path, c.body, c.want)
		s.unchanged(t, fmt.Sprintf("%s %s %s", c.method, c.path, short(fmt.Sprint(c.body))), before, inc.ID)
	}

	// An item id that is not in the incident: "no such thing".
	before := s.snapshot(t, inc.ID)
	r := s.rest(t, s.alice, http.MethodPatch, base+"/items/nosuchitem", map[string]any{"state": "done"})
	if r.Status != http.StatusNotFound && r.Status != http.StatusBadRequest {
		t.Errorf("PATCH an unknown item: %s, want 404 (or 400, \"unknown item\")", r)
	}
	s.unchanged(t, "PATCH an unknown item", before, inc.ID)
}

// anyStrings reads a JSON list of strings decoded into `any`.
func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
