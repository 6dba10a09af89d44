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
// membership exists. Like a Go plugin written the usual way, it keeps its settings in memory
// (read in OnConfigurationChange) and passes what it has read along instead of asking again;
// ours does the same with a configuration cache in the host and a per-call memo in the guest.
//
// Storage differs: ours reserves the number (INSERT … MAX(number)+1) and activates the incident
// (UPDATE … WHERE revision) in two SQLite transactions inside its own process, with no API call;
// the baseline reserves the number with KVGet + an atomic KVSetWithOptions and stores the
// document with KVSet: three round trips to the server instead, which a real server writes to
// its database and the bench's fake server keeps in memory (so there ours alone pays for a
// disk; the bench prints disk_fsync_p50_us beside the figures).
func (p *Baseline) start(userID, teamID, name string) (string, error) {
	starter, err := p.mayStart(teamID, userID)
	if err != nil {
		return "", err
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
	channelName, err := p.announce(&inc, starter)
	if err != nil {
		return "", err
	}
	if err := p.save(&inc); err != nil {
		return "", err
	}
	return fmt.Sprintf("Started %s **%s** in ~%s.", reference, name, channelName), nil
}

// OnConfigurationChange keeps the settings in memory, as Mattermost's plugin template does.
func (p *Baseline) OnConfigurationChange() error {
	var s settings
	if err := p.API.LoadPluginConfiguration(&s); err != nil {
		return fmt.Errorf("reading the settings: %w", err)
	}
	p.settingsMu.Lock()
	p.settingsNow = s
	p.settingsMu.Unlock()
	return nil
}

func (p *Baseline) settings() settings {
	p.settingsMu.RLock()
	defer p.settingsMu.RUnlock()
	return p.settingsNow
}

// mayStart checks the starter and returns them: the commander, whose name the intro post shows.
func (p *Baseline) mayStart(teamID, userID string) (*model.User, error) {
	member, appErr := p.API.GetTeamMember(teamID, userID)
	if appErr != nil || member.DeleteAt != 0 {
		return nil, errors.New("Only members of this team may start incidents here.")
	}
	// Guest accounts may not start incidents (ours asks the same way: the user's roles).
	user, appErr := p.API.GetUser(userID)
	if appErr != nil {
		return nil, fmt.Errorf("reading the user: %w", appErr)
	}
	if user.IsGuest() {
		return nil, errors.New("Guest accounts cannot start incidents.")
	}
	if s := p.settings(); s.WhoMayStart != "" && s.WhoMayStart != "members" && !member.SchemeAdmin {
		return nil, errors.New("Only admins may start incidents here.")
	}
	return user, nil
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

// announce: the header, the intro post with the claim-a-role buttons, the channel's name for
// the reply, and the websocket event. Returns the channel's name.
func (p *Baseline) announce(inc *incident, commander *model.User) (string, error) {
	channel, appErr := p.API.GetChannel(inc.ChannelID)
	if appErr != nil {
		return "", fmt.Errorf("reading the incident channel: %s", appErr.Message)
	}
	channel.Header = "Severity: " + inc.Severity + " | Status: " + inc.Status
	if _, appErr := p.API.UpdateChannel(channel); appErr != nil {
		return "", fmt.Errorf("setting the channel header: %s", appErr.Message)
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
		return "", fmt.Errorf("posting the introduction: %s", appErr.Message)
	}
	// Ours reads the channel again once it is set up (its header written); so does this.
	got, appErr := p.API.GetChannel(inc.ChannelID)
	if appErr != nil {
		return "", fmt.Errorf("reading the incident channel: %s", appErr.Message)
	}
	p.API.PublishWebSocketEvent("incident_updated", map[string]any{"incident_id": inc.ID}, &model.WebsocketBroadcast{ChannelId: inc.ChannelID})
	return got.Name, nil
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
