package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// Security review #4: shared channels (announcement, digest, stakeholders) get only what every
// reader of them may see. Through Mattermost's plugin host: the settings as System Console
// saves them, and the posts as the server records them.

// sharedSecrets are the parts of a private incident that must never reach a shared channel.
var sharedSecrets = []string{"Payroll", "breach", "exfiltrated", "@alice", "~inc-"}

func (s *scenario) openChannel(t *testing.T, team, name string) *model.Channel {
	t.Helper()
	c, aerr := s.api.CreateChannel(&model.Channel{TeamId: team, Name: name, DisplayName: name, Type: model.ChannelTypeOpen, CreatorId: s.admin})
	if aerr != nil {
		t.Fatalf("channel %s: %v", name, aerr)
	}
	return c
}

// teamChannelsSetting is TeamChannels as the System Console picker saves it: JSON text.
func teamChannelsSetting(t *testing.T, teams map[string][2]string) string {
	t.Helper()
	out := map[string]map[string]string{}
	for team, ids := range teams {
		out[team] = map[string]string{"announcement_channel_id": ids[0], "digest_channel_id": ids[1]}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (s *scenario) noSecretIn(t *testing.T, where string, posts []*model.Post) {
	t.Helper()
	for _, p := range posts {
		for _, secret := range sharedSecrets {
			if strings.Contains(p.Message, secret) {
				t.Errorf("%s: %q reached it: %q", where, secret, p.Message)
			}
		}
	}
}

func TestPrivateIncidentReachesAnnouncementAndDigestOnlyAsALine(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	announcements := s.openChannel(t, s.team, "incidents")
	digest := s.openChannel(t, s.team, "incident-digest")
	leadership := s.openChannel(t, s.team, "leadership")
	// The announcement channel per team; the digest still through the old server-wide id, which
	// keeps working for its own team (and, before the fix, got the private incident in full).
	s.configure(t, "TeamChannels", teamChannelsSetting(t, map[string][2]string{s.team: {announcements.Id, ""}}))
	s.configure(t, "DigestChannel", digest.Id)
	s.configure(t, "Stakeholders", "P1: ~leadership")

	inc := s.start(t, s.alice, map[string]any{"name": "Payroll DB breach", "private": true, "severity": "P1"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates",
		map[string]any{"message": "attacker exfiltrated the payroll export", "status": "Identified"}, http.StatusCreated, nil)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/report/publish", nil, http.StatusOK, nil)

	want := map[string][]string{
		announcements.Id: {"A private incident was declared, severity P1 (INC-0001).", "INC-0001 (private) posted a status update: Identified"},
		digest.Id:        {"#### INC-0001 · private incident\nSeverity: P1 | Status: Identified\n"},
		leadership.Id:    {"A private incident is P1 (INC-0001)."},
	}
	for channel, lines := range want {
		posts := s.api.ChannelPosts(channel)
		s.noSecretIn(t, channel, posts)
		var got []string
		for _, p := range posts {
			if p.UserId != s.bot {
				t.Errorf("post by %s in a shared channel", s.name(p.UserId))
			}
			got = append(got, p.Message)
		}
		if fmt.Sprint(got) != fmt.Sprint(lines) {
			t.Errorf("shared channel %s has %q, want %q", channel, got, lines)
		}
	}
	// The incident channel itself still gets everything.
	found := false
	for _, p := range s.api.ChannelPosts(inc.ChannelID) {
		found = found || strings.Contains(p.Message, "exfiltrated")
	}
	if !found {
		t.Errorf("the incident channel lacks the update's text")
	}

	// "none": nothing at all for the next private incident.
	s.configure(t, "PrivateIncidentsInSharedChannels", "none")
	before := len(s.api.ChannelPosts(""))
	second := s.start(t, s.alice, map[string]any{"name": "Payroll DB breach two", "private": true, "severity": "P1"})
	for _, channel := range []string{announcements.Id, digest.Id, leadership.Id} {
		for _, p := range s.api.ChannelPosts(channel) {
			if strings.Contains(p.Message, "INC-0002") {
				t.Errorf("with none, %s got %q", channel, p.Message)
			}
		}
	}
	if n := len(s.api.ChannelPosts("")) - before; n != 1 || len(s.api.ChannelPosts(second.ChannelID)) != 1 {
		t.Errorf("with none: %d new posts, want only the intro in the incident channel", n)
	}
}

func TestAnotherTeamsIncidentNeverReachesATeamsSharedChannels(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	dev := s.api.AddTeam("dev", "Dev")
	devAnnouncements := s.openChannel(t, dev, "announcements")
	devDigest := s.openChannel(t, dev, "digest")
	// The old server-wide ids name dev's channels, and a hand-edited TeamChannels gives them to
	// the ops team too: ops incidents must reach neither.
	s.configure(t, "AnnouncementChannel", devAnnouncements.Id)
	s.configure(t, "DigestChannel", devDigest.Id)
	s.configure(t, "TeamChannels", teamChannelsSetting(t, map[string][2]string{s.team: {devAnnouncements.Id, ""}}))
	if err := s.hooks.OnConfigurationChange(); err != nil {
		t.Fatalf("OnConfigurationChange must not fail on a bad setting: %v", err)
	}
	logged := false
	for _, c := range s.api.Calls("LogError") {
		text := fmt.Sprint(c.Args...)
		logged = logged || (strings.Contains(text, devAnnouncements.Id) && strings.Contains(text, "belongs to another team"))
	}
	if !logged {
		t.Errorf("saving another team's channel for ops logged no error: %v", s.api.Calls("LogError"))
	}

	public := s.start(t, s.alice, map[string]any{"name": "Payroll DB breach"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+public.ID+"/updates",
		map[string]any{"message": "attacker exfiltrated the payroll export"}, http.StatusCreated, nil)
	s.start(t, s.alice, map[string]any{"name": "Payroll DB breach, private", "private": true})
	for _, channel := range []string{devAnnouncements.Id, devDigest.Id} {
		if posts := s.api.ChannelPosts(channel); len(posts) != 0 {
			t.Errorf("dev's channel %s got ops incidents: %q", channel, posts[0].Message)
		}
	}
}
