package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// Running an incident on the real server: severity and status in the channel header the server
// holds, and the digest post edited in place (issue 5 of 7).
func stepRunIncident(t *testing.T, ctx context.Context, w *world) {
	var active incidentList
	mustCall(t, w.carol, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &active)
	var inc *incident
	for i := range active.Items {
		if active.Items[i].Reference == "INC-0002" {
			inc = &active.Items[i]
		}
	}
	if inc == nil {
		t.Fatalf("INC-0002 is not active: %+v", active.Items)
	}
	digest, _, err := w.admin.Client.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "incident-digest",
		DisplayName: "Incident digest", Type: model.ChannelTypeOpen})
	if err != nil {
		t.Fatalf("digest channel: %v", err)
	}
	setPluginSetting(t, ctx, w.admin, "digestchannel", digest.Id)

	if reply := command(t, w.carol, inc.ChannelID, "/incident severity P2"); !strings.Contains(reply, "Severity: P2 | Status: Investigating") {
		t.Fatalf("/incident severity P2: %q", reply)
	}
	command(t, w.carol, inc.ChannelID, "/incident update Rolled back the 14:05 deploy")
	command(t, w.carol, inc.ChannelID, "/incident status identified")
	ch, _, err := getChannel(ctx, w.carol.Client, inc.ChannelID)
	if err != nil || ch.Header != "Severity: P2 | Status: Identified" {
		t.Fatalf("incident channel header %q (%v)", ch.Header, err)
	}
	var posts []*model.Post
	for _, p := range channelPosts(t, ctx, w.admin, digest.Id) {
		if p.UserId != w.carol.User.Id && strings.Contains(p.Message, "INC-0002") {
			posts = append(posts, p)
		}
	}
	if len(posts) != 1 {
		t.Fatalf("digest channel has %d posts for INC-0002, want one edited in place:\n%s", len(posts), describePosts(posts))
	}
	for _, want := range []string{"Severity: P2 | Status: Identified", "Rolled back the 14:05 deploy"} {
		if !strings.Contains(posts[0].Message, want) {
			t.Errorf("digest post %q lacks %q", posts[0].Message, want)
		}
	}
	if posts[0].EditAt == 0 && posts[0].UpdateAt == posts[0].CreateAt {
		t.Errorf("the digest post was never edited: %+v", posts[0])
	}
}

// A promised update time is kept in the plugin's database: the reminder comes when due, after a
// restart of the whole server in between, once.
func stepReminderAfterRestart(t *testing.T, ctx context.Context, w *world) {
	var active incidentList
	mustCall(t, w.carol, "GET", "/incidents?state=active&team_id="+w.team.Id, 200, nil, &active)
	if active.Total != 1 {
		t.Fatalf("active incidents: %+v", active.Items)
	}
	inc := active.Items[0]
	promised := time.Now().Add(15 * time.Second) // a restart takes a few seconds
	mustCall(t, w.carol, "POST", "/incidents/"+inc.ID+"/updates", 201,
		map[string]any{"message": "Next update after the failover.", "next_update_at": promised.UnixMilli()}, nil)
	if err := env.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitPluginRunning(ctx, w.admin, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	if restarted.After(promised) {
		t.Fatalf("the restart took until %s, past the promised %s: the test cannot tell", restarted, promised)
	}
	reminders := func() []*model.Post {
		var out []*model.Post
		for _, p := range channelPosts(t, ctx, w.carol, inc.ChannelID) {
			if strings.Contains(p.Message, "Time for a status update on INC-0002") {
				out = append(out, p)
			}
		}
		return out
	}
	deadline := promised.Add(60 * time.Second)
	for len(reminders()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	time.Sleep(5 * time.Second) // a few more timer runs: still one
	got := reminders()
	if len(got) != 1 {
		t.Fatalf("%d reminders, want 1:\n%s", len(got), describePosts(got))
	}
	if at := time.UnixMilli(got[0].CreateAt); at.Before(promised.Add(-time.Second)) || at.Before(restarted) {
		t.Errorf("reminder at %s; promised %s, restarted %s", at, promised, restarted)
	}
	if !strings.HasPrefix(got[0].Message, "@carol ") {
		t.Errorf("reminder %q does not mention the commander", got[0].Message)
	}
}

// setPluginSetting stores one of our settings (keys in lower case, as Mattermost keeps them)
// through the server admin talks to.
func setPluginSetting(t *testing.T, ctx context.Context, admin *mmenv.Person, key, value string) {
	t.Helper()
	cfg, _, err := admin.Client.GetConfig(ctx)
	if err != nil {
		t.Fatalf("GetConfig: %v", err)
	}
	if cfg.PluginSettings.Plugins == nil {
		cfg.PluginSettings.Plugins = map[string]map[string]any{}
	}
	if cfg.PluginSettings.Plugins[mmenv.PluginID] == nil {
		cfg.PluginSettings.Plugins[mmenv.PluginID] = map[string]any{}
	}
	cfg.PluginSettings.Plugins[mmenv.PluginID][key] = value
	if _, _, err := admin.Client.UpdateConfig(ctx, cfg); err != nil {
		t.Fatalf("UpdateConfig: %v", err)
	}
}
