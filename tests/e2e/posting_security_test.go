package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// Who may make the bot post where, and what it says, on the real server (security review #1
// and #3): Mattermost's own create_post check refuses an announcement channel the editor may
// not post in, and Mattermost's own notification code finds no channel-wide mention in a status
// update the bot posts from `x.@channel-x`. It makes its own team and people through the local
// socket, so it runs alone (-run TestPostingSecurity) or after TestLifecycle.
func TestPostingSecurity(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	local := model.NewAPIv4SocketClient(env.LocalSocket)
	person := func(name string, admin bool) *mmenv.Person {
		password := mmenv.RandomPassword()
		u, _, err := local.CreateUser(ctx, &model.User{Username: name, Email: name + "@example.com", Password: password})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		if admin {
			if _, err := local.UpdateUserRoles(ctx, u.Id, model.SystemUserRoleId+" "+model.SystemAdminRoleId); err != nil {
				t.Fatalf("admin role: %v", err)
			}
		}
		p, err := env.Login(ctx, name, password)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	admin, dana, eve := person("ps-admin", true), person("ps-dana", false), person("ps-eve", false)
	team, _, err := admin.Client.CreateTeam(ctx, &model.Team{Name: "security", DisplayName: "Security", Type: model.TeamOpen})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*mmenv.Person{dana, eve} {
		if _, _, err := admin.Client.AddTeamMember(ctx, team.Id, p.User.Id); err != nil {
			t.Fatal(err)
		}
	}
	ensurePluginRunning(t, ctx, admin)

	// An announcement channel dana may read but not post in (a public channel she has not
	// joined: Mattermost gives team members no create_post there) is refused.
	channel := func(name string, members ...*mmenv.Person) *model.Channel {
		return createOpenChannel(t, ctx, admin, team.Id, name, members...)
	}
	announcements, ops := channel("announcements"), channel("ops", dana, eve)
	create := func(channels ...string) map[string]any {
		return map[string]any{"team_id": team.Id, "title": "Announced", "announcement_channel_ids": channels}
	}
	if status, raw := call(t, dana, "POST", "/playbooks", create(ops.Id, announcements.Id), nil); status != http.StatusBadRequest || !strings.Contains(raw, "you cannot post in") {
		t.Fatalf("a channel dana may not post in as an announcement channel: %d %s", status, raw)
	}
	var pb struct {
		ID       string   `json:"id"`
		Channels []string `json:"announcement_channel_ids"`
	}
	mustCall(t, dana, "POST", "/playbooks", http.StatusCreated, create(ops.Id, ops.Id, ops.Id), &pb)
	if len(pb.Channels) != 1 || pb.Channels[0] != ops.Id {
		t.Fatalf("duplicates are kept once: %v", pb.Channels)
	}

	// A status update with split-word mentions, posted by the bot in the incident channel and
	// in ops, where eve (a member) would be notified by a live @channel.
	var inc incident
	mustCall(t, dana, "POST", "/incidents", http.StatusCreated, map[string]any{"team_id": team.Id, "name": "Queue stuck", "playbook_id": pb.ID}, &inc)
	if _, _, err := admin.Client.AddChannelMember(ctx, inc.ChannelID, eve.User.Id); err != nil {
		t.Fatal(err)
	}
	// The bot in ops too: Mattermost honours a post's channel mentions only where its author (the
	// bot) has use_channel_mentions, which channel members have.
	bot, _, err := admin.Client.GetUserByUsername(ctx, "incident", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := admin.Client.AddChannelMember(ctx, ops.Id, bot.Id); err != nil {
		t.Fatal(err)
	}
	mentions := func(channelID string) int64 {
		m, _, err := eve.Client.GetChannelMember(ctx, channelID, eve.User.Id, "")
		if err != nil {
			t.Fatal(err)
		}
		return m.MentionCount
	}
	// Being added to a channel by someone else is a mention: Mattermost posts "@eve added to
	// the channel" in a goroutine of its own after AddChannelMember returns, and counts an
	// implicit mention of the added user (channels/app notification.go, PostTypeAddToChannel).
	// Wait for those first, or one landing late is counted against the bot's update.
	for _, channelID := range []string{inc.ChannelID, ops.Id} {
		if !eventually(15*time.Second, func() bool { return mentions(channelID) == 1 }) {
			t.Fatalf("eve's mentions in %s are %d, not the 1 of being added to it", channelID, mentions(channelID))
		}
	}
	before := map[string]int64{inc.ChannelID: mentions(inc.ChannelID), ops.Id: mentions(ops.Id)}
	mustCall(t, dana, "POST", "/incidents/"+inc.ID+"/updates", http.StatusCreated, map[string]any{"message": "DB down, x.@channel-x please join"}, nil)
	for _, channelID := range []string{inc.ChannelID, ops.Id} {
		var update *model.Post
		for _, p := range channelPosts(t, ctx, admin, channelID) {
			if strings.Contains(p.Message, "Status update") {
				update = p
			}
		}
		if update == nil {
			t.Fatalf("no status update in %s", channelID)
		}
		// As stored: the @ carries a zero-width space, which reads the same.
		if !strings.Contains(update.Message, "x.@\u200bchannel-x") {
			t.Errorf("the stored update is not defused: %q", update.Message)
		}
		// Control: the same words by dana herself notify eve, so the count would show one.
		if _, _, err := dana.Client.CreatePost(ctx, &model.Post{ChannelId: channelID, Message: "control x.@channel-x"}); err != nil {
			t.Fatal(err)
		}
		if !eventually(10*time.Second, func() bool { return mentions(channelID) > before[channelID] }) {
			t.Fatalf("dana's own x.@channel-x did not notify eve in %s: the check proves nothing", channelID)
		}
		time.Sleep(500 * time.Millisecond)
		if got := mentions(channelID); got != before[channelID]+1 {
			t.Errorf("eve's mentions in %s went from %d to %d: the bot's update notified her too", channelID, before[channelID], got)
		}
	}
}

// ensurePluginRunning installs the bundle unless the server has it, and enables it (TestLifecycle
// may have run first and left it disabled or upgraded).
func ensurePluginRunning(t *testing.T, ctx context.Context, admin *mmenv.Person) {
	t.Helper()
	statuses, _, err := admin.Client.GetPluginStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statuses {
		if s.PluginId == mmenv.PluginID {
			if _, err := admin.Client.EnablePlugin(ctx, mmenv.PluginID); err != nil {
				t.Fatal(err)
			}
			if err := env.WaitPluginRunning(ctx, admin, 60*time.Second); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	if out, err := env.Deploy(ctx, admin, repoDir, bundle); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
}
