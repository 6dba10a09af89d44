package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// Security review #4 on the real server: a private incident's start and status update reach
// the team's announcement and digest channels only as a line without name or text, read back by
// REST as a plain member of those channels; another team's channels get nothing. Self-contained:
// its own admin (made one through local mode), teams and people, so it runs alone or after
// TestLifecycle on the same server.
func TestSharedChannelsGetOnlyWhatEveryReaderMaySee(t *testing.T) {
	ctx := context.Background()
	suffix := strings.ToLower(mmenv.RandomPassword()[3:11])
	person := func(name string) *mmenv.Person {
		p, err := env.CreateUser(ctx, name+suffix, mmenv.RandomPassword())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The first account of a fresh server is its admin already; later ones are made admin
	// through the local-mode socket, as `mmctl --local roles system-admin` does.
	admin := person("scadmin")
	if !admin.User.IsSystemAdmin() {
		local := model.NewAPIv4SocketClient(env.LocalSocket)
		if _, err := local.UpdateUserRoles(ctx, admin.User.Id, model.SystemUserRoleId+" "+model.SystemAdminRoleId); err != nil {
			t.Fatalf("making %s a system admin through local mode: %v", admin.User.Username, err)
		}
		var err error
		if admin, err = env.Login(ctx, admin.User.Username, admin.Password); err != nil {
			t.Fatal(err)
		}
	}
	ensurePluginRunning(t, ctx, admin)

	alice, reader, outsider := person("scalice"), person("screader"), person("scoutsider")
	team := createTeam(t, ctx, admin, "sc-ops-"+suffix, alice, reader)
	other := createTeam(t, ctx, admin, "sc-dev-"+suffix, outsider)
	announcements := createOpenChannel(t, ctx, admin, team.Id, "announcements", reader)
	digest := createOpenChannel(t, ctx, admin, team.Id, "digest", reader)
	otherAnnouncements := createOpenChannel(t, ctx, admin, other.Id, "announcements", outsider)

	teamChannels, _ := json.Marshal(map[string]any{
		team.Id: map[string]string{"announcement_channel_id": announcements.Id, "digest_channel_id": digest.Id},
	})
	setPluginSetting(t, ctx, admin, "teamchannels", string(teamChannels))
	// The old server-wide id names the other team's channel: it must only ever serve that team.
	setPluginSetting(t, ctx, admin, "announcementchannel", otherAnnouncements.Id)
	setPluginSetting(t, ctx, admin, "privateincidentsinsharedchannels", "line")
	// Later tests on this server start from the defaults again.
	t.Cleanup(func() {
		for _, key := range []string{"teamchannels", "announcementchannel"} {
			setPluginSetting(t, ctx, admin, key, "")
		}
	})

	var inc incident
	mustCall(t, alice, "POST", "/incidents", 201,
		map[string]any{"team_id": team.Id, "name": "Payroll DB breach", "private": true, "severity": "P1"}, &inc)
	mustCall(t, alice, "POST", "/incidents/"+inc.ID+"/updates", 201,
		map[string]any{"message": "attacker exfiltrated the payroll export", "status": "Identified"}, nil)
	var public incident
	mustCall(t, alice, "POST", "/incidents", 201, map[string]any{"team_id": team.Id, "name": "Checkout slow"}, &public)

	lines := []string{
		fmt.Sprintf("A private incident was declared, severity P1 (%s).", inc.Reference),
		fmt.Sprintf("%s (private) posted a status update: Identified", inc.Reference),
		fmt.Sprintf("%s **Checkout slow** started", public.Reference),
	}
	// The reader is a plain member of the shared channels, not of the incident channel.
	got := botMessages(t, ctx, reader, announcements.Id, 3)
	if len(got) != len(lines) {
		t.Fatalf("announcement channel, as read by a member: %q, want %q", got, lines)
	}
	for i, want := range lines {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("announcement %d: %q, want it to start with %q", i, got[i], want)
		}
	}
	digestPosts := botMessages(t, ctx, reader, digest.Id, 2)
	if len(digestPosts) != 2 || digestPosts[0] != fmt.Sprintf("#### %s · private incident\nSeverity: P1 | Status: Identified", inc.Reference) {
		t.Errorf("digest channel, as read by a member: %q", digestPosts)
	}
	for _, msg := range append(got[:2], digestPosts[0]) {
		for _, secret := range []string{"Payroll", "breach", "exfiltrated", "@" + alice.User.Username, "~"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%q reached a shared channel: %q", secret, msg)
			}
		}
	}
	// The other team's channel, read by its member: nothing of these incidents.
	time.Sleep(500 * time.Millisecond)
	if leaked := botMessages(t, ctx, outsider, otherAnnouncements.Id, 0); len(leaked) != 0 {
		t.Errorf("another team's announcement channel got %q", leaked)
	}
}

func createTeam(t *testing.T, ctx context.Context, admin *mmenv.Person, name string, members ...*mmenv.Person) *model.Team {
	t.Helper()
	team, _, err := admin.Client.CreateTeam(ctx, &model.Team{Name: name, DisplayName: name, Type: model.TeamOpen})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range members {
		if _, _, err := admin.Client.AddTeamMember(ctx, team.Id, p.User.Id); err != nil {
			t.Fatal(err)
		}
	}
	return team
}

func createOpenChannel(t *testing.T, ctx context.Context, admin *mmenv.Person, teamID, name string, members ...*mmenv.Person) *model.Channel {
	t.Helper()
	c, _, err := admin.Client.CreateChannel(ctx, &model.Channel{TeamId: teamID, Name: name, DisplayName: name, Type: model.ChannelTypeOpen})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range members {
		if _, _, err := admin.Client.AddChannelMember(ctx, c.Id, p.User.Id); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// botMessages reads a channel as p (oldest first) and keeps what the plugin's bot posted,
// waiting up to a few seconds for at least want of them.
func botMessages(t *testing.T, ctx context.Context, p *mmenv.Person, channelID string, want int) []string {
	t.Helper()
	var out []string
	eventually(5*time.Second, func() bool {
		out = nil
		posts := channelPosts(t, ctx, p, channelID)
		for i := len(posts) - 1; i >= 0; i-- {
			// Join and leave messages are system posts; the plugin's are plain ones by its bot.
			if posts[i].Type == "" && isBot(ctx, p, posts[i].UserId) {
				out = append(out, strings.TrimSpace(posts[i].Message))
			}
		}
		return len(out) >= want
	})
	return out
}

var botIDs = map[string]bool{}

func isBot(ctx context.Context, p *mmenv.Person, userID string) bool {
	if known, ok := botIDs[userID]; ok {
		return known
	}
	u, _, err := p.Client.GetUser(ctx, userID, "")
	isBot := err == nil && u.IsBot && u.Username == "incident"
	botIDs[userID] = isBot
	return isBot
}
