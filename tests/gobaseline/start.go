package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// incident is the stored document: the fields of ours that a just-started incident without a
// playbook fills in. Ours keeps the same document (plus empty roles, updates, impact window) as
// JSON in a SQLite row of the plugin's own database file; the baseline keeps it in Mattermost's
// KV store, where a Go plugin usually keeps its data.
type incident struct {
	ID          string  `json:"id"`
	Reference   string  `json:"reference"`
	Number      int64   `json:"number"`
	TeamID      string  `json:"team_id"`
	Name        string  `json:"name"`
	Summary     string  `json:"summary"`
	ChannelID   string  `json:"channel_id"`
	CommanderID string  `json:"commander_id"`
	ReporterID  string  `json:"reporter_id"`
	CreatedAt   int64   `json:"created_at"`
	State       string  `json:"state"`
	Severity    string  `json:"severity"`
	Status      string  `json:"status"`
	Checklists  []any   `json:"checklists"`
	Timeline    []event `json:"timeline"`
}

type event struct {
	ID      string            `json:"id"`
	At      int64             `json:"at"`
	ActorID string            `json:"actor_id"`
	Kind    map[string]string `json:"kind"`
}

// start makes, in order, the calls ours makes for `/incident start <name>` once the team's bot
// membership exists. Ours reads its settings seven times per start (each hook runs in a fresh
// wasm instance that keeps nothing between calls); a typical Go plugin would cache them in
// OnConfigurationChange. The baseline repeats the reads so that the figures compare the two
// runtimes doing the same work, not two caching policies.
//
// Storage differs: ours reserves the number (INSERT … MAX(number)+1) and activates the incident
// (UPDATE … WHERE revision) in two SQLite transactions inside its own process, with no API call;
// the baseline reserves the number with KVGet + an atomic KVSetWithOptions and stores the
// document with KVSet: three round trips to the server instead, which a real server writes to
// its database and the bench's fake server keeps in memory (so there ours alone pays for a
// disk; the bench prints disk_fsync_p50_us beside the figures).
func (p *Baseline) start(userID, teamID, name string) (string, error) {
	if err := p.mayStart(teamID, userID); err != nil {
		return "", err
	}
	if _, appErr := p.API.GetTeamMember(teamID, userID); appErr != nil { // the commander (the starter) must be on the team
		return "", errors.New("The commander must be a member of the team.")
	}
	for range 3 { // ours: the conduct (severity and status lists) and the announcement settings
		if _, err := p.settings(); err != nil {
			return "", err
		}
	}
	number, err := p.reserveNumber(teamID)
	if err != nil {
		return "", err
	}
	if _, appErr := p.API.GetTeamMember(teamID, p.botID); appErr != nil {
		if _, appErr := p.API.CreateTeamMember(teamID, p.botID); appErr != nil {
			return "", fmt.Errorf("adding the bot to the team: %s", appErr.Message)
		}
	}
	reference := fmt.Sprintf("INC-%04d", number)
	channel, err := p.createChannel(teamID, reference, name)
	if err != nil {
		return "", err
	}
	for _, member := range []string{userID, userID, p.botID} { // starter, commander, bot: ours adds each
		if _, appErr := p.API.AddChannelMember(channel.Id, member); appErr != nil {
			return "", fmt.Errorf("adding a member to ~%s: %s", channel.Name, appErr.Message)
		}
	}
	now := model.GetMillis()
	inc := incident{ID: model.NewId(), Reference: reference, Number: number, TeamID: teamID, Name: name,
		ChannelID: channel.Id, CommanderID: userID, ReporterID: userID, CreatedAt: now, State: "active",
		Severity: "P4", Status: "Investigating", Checklists: []any{},
		Timeline: []event{{ID: model.NewId(), At: now, ActorID: userID, Kind: map[string]string{"type": "incident_started", "name": name}}}}
	if err := p.announce(&inc); err != nil {
		return "", err
	}
	if err := p.save(&inc); err != nil {
		return "", err
	}
	got, appErr := p.API.GetChannel(inc.ChannelID)
	if appErr != nil {
		return "", fmt.Errorf("reading the incident channel: %s", appErr.Message)
	}
	return fmt.Sprintf("Started %s **%s** in ~%s.", reference, name, got.Name), nil
}

func (p *Baseline) settings() (settings, error) {
	var s settings
	if err := p.API.LoadPluginConfiguration(&s); err != nil {
		return s, fmt.Errorf("reading the settings: %w", err)
	}
	return s, nil
}

func (p *Baseline) mayStart(teamID, userID string) error {
	member, appErr := p.API.GetTeamMember(teamID, userID)
	if appErr != nil || member.DeleteAt != 0 {
		return errors.New("Only members of this team may start incidents here.")
	}
	// Guest accounts may not start incidents (ours asks the same way: the user's roles).
	user, appErr := p.API.GetUser(userID)
	if appErr != nil {
		return fmt.Errorf("reading the user: %w", appErr)
	}
	if user.IsGuest() {
		return errors.New("Guest accounts cannot start incidents.")
	}
	s, err := p.settings()
	if err != nil {
		return err
	}
	if s.WhoMayStart != "" && s.WhoMayStart != "members" && !member.SchemeAdmin {
		return errors.New("Only admins may start incidents here.")
	}
	return nil
}

// reserveNumber is the per-team counter: compare-and-set so that two starts never share one.
func (p *Baseline) reserveNumber(teamID string) (int64, error) {
	key := "number-" + teamID
	for range 10 {
		old, appErr := p.API.KVGet(key)
		if appErr != nil {
			return 0, fmt.Errorf("reading the incident counter: %s", appErr.Message)
		}
		var n int64
		if old != nil {
			n, _ = strconv.ParseInt(string(old), 10, 64)
		}
		ok, appErr := p.API.KVSetWithOptions(key, []byte(strconv.FormatInt(n+1, 10)), model.PluginKVSetOptions{Atomic: true, OldValue: old})
		if appErr != nil {
			return 0, fmt.Errorf("writing the incident counter: %s", appErr.Message)
		}
		if ok {
			return n + 1, nil
		}
	}
	return 0, errors.New("Too many incidents started at once; try again.")
}

// createChannel names the channel as ours does (inc-0001-database-down) and, like ours, tries
// -2, -3… when the name is taken.
func (p *Baseline) createChannel(teamID, reference, name string) (*model.Channel, error) {
	base := channelSlug(reference + " " + name)
	for attempt := 1; attempt <= 5; attempt++ {
		channelName := base
		if attempt > 1 {
			suffix := "-" + strconv.Itoa(attempt)
			channelName = base[:min(len(base), model.ChannelNameMaxLength-len(suffix))] + suffix
		}
		channel, appErr := p.API.CreateChannel(&model.Channel{TeamId: teamID, Type: model.ChannelTypeOpen, Name: channelName,
			DisplayName: reference + " " + name, Purpose: "Incident " + reference + ": " + name})
		if appErr == nil {
			return channel, nil
		}
		if appErr.Id != "store.sql_channel.save_channel.exists.app_error" {
			return nil, fmt.Errorf("creating the incident channel: %s", appErr.Message)
		}
	}
	return nil, errors.New("No free channel name for this incident.")
}

func channelSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), model.ChannelNameMaxLength)], "-")
}

// announce: the header, the intro post with the claim-a-role buttons, the websocket event, and
// the settings reads ours makes for announcement and digest channels (none configured).
func (p *Baseline) announce(inc *incident) error {
	channel, appErr := p.API.GetChannel(inc.ChannelID)
	if appErr != nil {
		return fmt.Errorf("reading the incident channel: %s", appErr.Message)
	}
	channel.Header = "Severity: " + inc.Severity + " | Status: " + inc.Status
	if _, appErr := p.API.UpdateChannel(channel); appErr != nil {
		return fmt.Errorf("setting the channel header: %s", appErr.Message)
	}
	commander, appErr := p.API.GetUser(inc.CommanderID)
	if appErr != nil {
		return fmt.Errorf("reading the commander: %s", appErr.Message)
	}
	if _, err := p.settings(); err != nil {
		return err
	}
	var actions []*model.PostAction
	for _, role := range []string{"Comms lead", "Technical lead"} {
		actions = append(actions, &model.PostAction{Id: "claim" + strings.ReplaceAll(role, " ", ""), Name: "Claim " + role, Type: model.PostActionTypeButton,
			Integration: &model.PostActionIntegration{URL: "/plugins/incident-response/api/v0/actions/claim",
				Context: map[string]any{"incident_id": inc.ID, "role": role}}})
	}
	post := &model.Post{UserId: p.botID, ChannelId: inc.ChannelID,
		Message: fmt.Sprintf("#### %s · %s\nIncident commander: @%s\n\nNo checklist yet: add items with `/incident checkadd <section> <item>`.\n",
			inc.Reference, inc.Name, commander.Username)}
	model.ParseSlackAttachment(post, []*model.SlackAttachment{{Text: "Roles: claim one to help run the incident.", Actions: actions}})
	if _, appErr := p.API.CreatePost(post); appErr != nil {
		return fmt.Errorf("posting the introduction: %s", appErr.Message)
	}
	if _, err := p.settings(); err != nil {
		return err
	}
	p.API.PublishWebSocketEvent("incident_updated", map[string]any{"incident_id": inc.ID}, &model.WebsocketBroadcast{ChannelId: inc.ChannelID})
	for range 2 {
		if _, err := p.settings(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Baseline) save(inc *incident) error {
	doc, err := json.Marshal(inc)
	if err != nil {
		return err
	}
	if appErr := p.API.KVSet("incident-"+inc.ID, doc); appErr != nil {
		return fmt.Errorf("storing the incident: %s", appErr.Message)
	}
	return nil
}
