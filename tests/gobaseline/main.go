// Command gobaseline is the yardstick for Incident Response's runtime: a plugin written the
// usual way, in Go on Mattermost's own plugin package (plugin.ClientMain and
// plugin.MattermostPlugin, server/public v0.1.21), that answers `/incident start <name>` with
// the same plugin API calls, in the same order, as our Rust host and wasm guest do (recorded from
// the fake API of tests/conformance/harness), and `/incident ping`. tests/conformance/cmd/bench
// builds it, installs it next to our bundle and reports our figures as ratios to its figures.
//
// It is not a second implementation of the product: no playbooks, checklists, permissions beyond
// the start setting, or REST API. What differs on purpose is said where it happens (start.go).
package main

import (
	"fmt"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// version must equal plugin.json's; the bench checks the ping answer carries the manifest's.
const version = "0.1.0"

// settings mirrors the manifest's settings schema.
type settings struct {
	WhoMayStart string
}

// Baseline is the plugin. botID is set once at activation and the settings at each
// configuration change; every other piece of state lives in Mattermost (channels, posts, the KV
// store), as with our plugin.
type Baseline struct {
	plugin.MattermostPlugin
	botID       string
	settingsMu  sync.RWMutex
	settingsNow settings
}

// OnActivate makes the same calls as ours, except SetProfileImage (ours uploads the bot's icon;
// the baseline ships no assets) and GetConfig (ours asks where the data folder is for SQLite).
func (p *Baseline) OnActivate() error {
	botID, err := p.API.EnsureBotUser(&model.Bot{
		Username:    "incident",
		DisplayName: "Incident Response",
		Description: "Posts incident updates on behalf of Incident Response.",
	})
	if err != nil {
		return fmt.Errorf("ensuring the bot: %w", err)
	}
	p.botID = botID
	command := &model.Command{
		Trigger:          "incident",
		DisplayName:      "Incident Response (Go baseline)",
		Description:      "Run incidents in Mattermost",
		AutoComplete:     true,
		AutoCompleteDesc: "start <name> or ping",
		AutoCompleteHint: "[command]",
	}
	if err := p.API.RegisterCommand(command); err != nil {
		return fmt.Errorf("registering /incident: %w", err)
	}
	p.API.LogInfo("Incident Response baseline activated", "version", version)
	return nil
}

// ExecuteCommand answers like ours: always an ephemeral reply; refusals are replies too, not
// AppErrors, so the user reads why.
func (p *Baseline) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	fields := strings.Fields(args.Command)
	sub := ""
	if len(fields) > 1 {
		sub = strings.ToLower(fields[1])
	}
	switch sub {
	case "ping":
		return reply(fmt.Sprintf("Incident Response baseline %s is running.", version)), nil
	case "start":
		name := strings.TrimSpace(strings.Join(fields[2:], " "))
		if name == "" {
			return reply("Give the incident a name: `/incident start <name>`."), nil
		}
		text, err := p.start(args.UserId, args.TeamId, name)
		if err != nil {
			return reply(err.Error()), nil
		}
		return reply(text), nil
	default:
		return reply("The baseline knows `/incident start <name>` and `/incident ping`."), nil
	}
}

func reply(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

func main() {
	plugin.ClientMain(&Baseline{})
}
