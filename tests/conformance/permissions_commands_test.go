package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// The permission matrix of the slash command: every `/incident` subcommand (checked against
// the autocomplete tree the plugin registers) for every kind of caller, naming a private and a
// public incident by reference from town-square. Mattermost only runs commands for logged-in
// users, so there is no anonymous row.

type permCommand struct {
	sub, text, kind string
}

// In the order one caller runs them on its own incident: destructive ones last.
var permissionCommands = []permCommand{
	{"ping", "/incident ping", kAnyone},
	{"help", "/incident help", kAnyone},
	{"list", "/incident list all severity:P4", kTeam},
	{"tasks", "/incident tasks", kTeam},
	{"load", "/incident load", kTeam},
	{"timezone", "/incident timezone", kTeam},
	{"playbooks", "/incident playbooks", kStart},
	{"start", "/incident start Matrix by command", kStart},
	{"start", "/incident start --here Matrix here", kStartHere},
	{"info", "/incident info {ref}", kRead},
	{"follow", "/incident follow {ref}", kRead},
	{"unfollow", "/incident unfollow {ref}", kRead},
	{"actions", "/incident actions {ref}", kRead},
	{"transcript", "/incident transcript {ref}", kRead},
	{"similar", "/incident similar {ref}", kRead},
	{"dossier", "/incident dossier {ref}", kRead},
	{"rename", "/incident rename {ref} Renamed by command", kWrite},
	{"summary", "/incident summary {ref} summary by command", kWrite},
	{"set", "/incident set {ref} Region EU", kWrite},
	{"check", "/incident check 1 {ref}", kWrite},
	{"checkadd", "/incident checkadd Tasks Another task {ref}", kWrite},
	{"assign", "/incident assign 1 @alice {ref}", kWrite},
	{"unassign", "/incident unassign 1 @alice {ref}", kWrite},
	{"due", "/incident due 1 in 1h {ref}", kWrite},
	{"severity", "/incident severity P2 {ref}", kWrite},
	{"status", "/incident status Identified {ref}", kWrite},
	{"update", "/incident update {ref} all hands on it", kWrite},
	{"role", "/incident role Comms lead @alice {ref}", kWrite},
	{"claim", "/incident claim Technical lead {ref}", kWrite},
	{"reminders", "/incident reminders {ref}", kRead},
	{"reminders", "/incident reminders snooze {ref}", kWrite},
	{"pause", "/incident pause {ref} waiting in the matrix", kWrite},
	{"resume", "/incident resume {ref}", kWrite},
	{"page", "/incident page matrix {ref}", kWrite},
	{"timeline", "/incident timeline {ref} add a line", kWrite},
	{"decision", "/incident decision {ref} roll back", kWrite},
	{"hypothesis", "/incident hypothesis {ref} the cache", kWrite},
	{"keyevent", "/incident keyevent {ref} 5m ago alarms", kWrite},
	{"impact", "/incident impact {ref} start", kWrite},
	{"action", "/incident action {ref} write the runbook", kWrite},
	{"report", "/incident report {ref}", kPublish},
	{"commander", "/incident commander @sysadmin {ref}", kWrite},
	{"checkremove", "/incident checkremove 1 {ref}", kWrite},
	{"end", "/incident end {ref}", kWrite},
	{"reopen", "/incident reopen {ref}", kWrite},
	{"delete", "/incident delete {ref}", kDelete},
}

// Words of the refusals (incident-guest's service/mod.rs): hidden, visible but not changeable, not on the team,
// a guest.
const (
	sayHidden       = "There is no incident"
	sayJoin         = "Join "
	sayNotMember    = "not a member of this team"
	sayGuest        = "Guest accounts cannot"
	sayNotCommander = "Only the incident's commander, a team admin or a system admin may publish"
	sayNotAdmin     = "Only a team admin or a system admin may delete"
	sayNoChannel    = "No such channel"
)

func TestCommandPermissionMatrix(t *testing.T) {
	s := newScenario(t)
	registered := map[string]bool{}
	for _, c := range s.api.RegisteredCommands() {
		if c.Trigger == "incident" && c.AutocompleteData != nil {
			for _, sub := range c.AutocompleteData.SubCommands {
				registered[sub.Trigger] = true
			}
		}
	}
	inMatrix := map[string]bool{}
	for _, c := range permissionCommands {
		inMatrix[c.sub] = true
		if !registered[c.sub] {
			t.Errorf("the matrix has /incident %s, the plugin does not register it", c.sub)
		}
	}
	for sub := range registered {
		if !inMatrix[sub] {
			t.Errorf("/incident %s is registered but not in the permission matrix", sub)
		}
	}
	if len(registered) < 25 {
		t.Fatalf("only %d subcommands registered", len(registered))
	}

	checked := 0
	defer func() { t.Logf("%d commands checked", checked) }()
	for n, name := range callerNames[1:] {
		user, w := setupCaller(t, s, name, n+10)
		for i, inc := range []incident{w.private, w.public} {
			private := i == 0
			s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/items", map[string]any{"section": "Tasks", "title": "first task"}, http.StatusCreated, nil)
			for _, c := range permissionCommands {
				if !private && (c.kind == kAnyone || c.kind == kTeam || c.kind == kStart || c.kind == kStartHere) {
					continue
				}
				text := strings.ReplaceAll(c.text, "{ref}", inc.Reference)
				reply := s.cmd(t, user, s.team, s.town, text)
				checked++
				what := name + ", " + map[bool]string{true: "private", false: "public"}[private] + ": " + text
				if incidentAccess(name, true) == hidden && strings.Contains(reply, "Private secret") {
					t.Errorf("%s: the reply names a private incident: %q", what, reply)
				}
				expected := want(c.kind, name, private)
				if c.kind == kStartHere && expected == http.StatusNotFound {
					// Not in town-square, where the command was typed.
					if !strings.Contains(reply, sayNoChannel) {
						t.Errorf("%s: replied %q, want a refusal saying %q", what, short(reply), sayNoChannel)
					}
					continue
				}
				if c.kind == kDelete && expected == http.StatusForbidden {
					if !strings.Contains(reply, sayNotAdmin) {
						t.Errorf("%s: replied %q, want a refusal saying %q", what, short(reply), sayNotAdmin)
					}
					continue
				}
				if c.kind == kPublish && expected == http.StatusForbidden {
					// Whoever may see the incident but is not its commander or an admin.
					if !strings.Contains(reply, sayNotCommander) {
						t.Errorf("%s: replied %q, want a refusal saying %q", what, short(reply), sayNotCommander)
					}
					continue
				}
				checkReply(t, what, reply, expected, name)
			}
		}
	}
}

func checkReply(t *testing.T, what, reply string, expected int, caller string) {
	t.Helper()
	guest := caller == cGuest || caller == cGuestIn
	refusal := ""
	switch expected {
	case http.StatusNotFound:
		refusal = sayHidden
	case http.StatusForbidden:
		switch {
		case caller == cNoTeam:
			refusal = sayNotMember
		case guest:
			refusal = sayGuest
		default:
			refusal = sayJoin
		}
	}
	if refusal != "" {
		if !strings.Contains(reply, refusal) {
			t.Errorf("%s: replied %q, want a refusal saying %q", what, short(reply), refusal)
		}
		return
	}
	for _, no := range []string{sayHidden, sayJoin, sayNotMember, sayGuest, "Something went wrong", "Unknown command"} {
		if strings.Contains(reply, no) {
			t.Errorf("%s: refused with %q, want it allowed", what, short(reply))
		}
	}
}
