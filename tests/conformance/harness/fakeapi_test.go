package harness

import (
	"bytes"
	"encoding/gob"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// These exercise the fake itself; they need no plugin bundle.

func TestFakeChannelsAndPosts(t *testing.T) {
	f := NewFakeAPI(nil, "/tmp/x/incident-response")
	s := f.Seed()
	ch, aerr := f.CreateChannel(&model.Channel{TeamId: s.TeamID, Name: "inc-1", DisplayName: "Incident 1", Type: model.ChannelTypePrivate})
	if aerr != nil {
		t.Fatalf("CreateChannel: %v", aerr)
	}
	// Exactly what the server answers for a taken team+name (app.CreateChannel on store.ErrConflict).
	if _, aerr := f.CreateChannel(&model.Channel{TeamId: s.TeamID, Name: "inc-1", DisplayName: "again", Type: model.ChannelTypeOpen}); aerr == nil ||
		aerr.StatusCode != http.StatusBadRequest || aerr.Id != "store.sql_channel.save_channel.exists.app_error" {
		t.Fatalf("duplicate CreateChannel: %v, want a 400 AppError store.sql_channel.save_channel.exists.app_error", aerr)
	}
	// The same name in another team is fine.
	other := f.AddTeam("dev", "Dev")
	if _, aerr := f.CreateChannel(&model.Channel{TeamId: other, Name: "inc-1", DisplayName: "Incident 1", Type: model.ChannelTypeOpen}); aerr != nil {
		t.Fatalf("CreateChannel with a name taken only in another team: %v", aerr)
	}
	for _, bad := range []*model.Channel{
		{TeamId: s.TeamID, Name: strings.Repeat("a", 65), DisplayName: "long", Type: model.ChannelTypeOpen},
		{TeamId: s.TeamID, Name: "inc-2", DisplayName: strings.Repeat("é", 65), Type: model.ChannelTypeOpen},
		{TeamId: s.TeamID, Name: "inc-3", DisplayName: "x", Purpose: strings.Repeat("p", 251), Type: model.ChannelTypeOpen},
		{TeamId: s.TeamID, Name: "Inc-4", DisplayName: "x", Type: model.ChannelTypeOpen},
	} {
		if _, aerr := f.CreateChannel(bad); aerr == nil {
			t.Errorf("CreateChannel(name %q, display %d runes, purpose %d runes) succeeded; the server refuses it", bad.Name, len([]rune(bad.DisplayName)), len([]rune(bad.Purpose)))
		}
	}
	if got, aerr := f.GetChannelByName(s.TeamID, "inc-1", false); aerr != nil || got.Id != ch.Id {
		t.Fatalf("GetChannelByName: %v %v", got, aerr)
	}
	if _, aerr := f.AddChannelMember(ch.Id, s.UserID); aerr != nil {
		t.Fatalf("AddChannelMember: %v", aerr)
	}
	users, aerr := f.GetUsersInChannel(ch.Id, "username", 0, 10)
	if aerr != nil || len(users) != 1 || users[0].Id != s.UserID {
		t.Fatalf("GetUsersInChannel: %v %v", users, aerr)
	}
	root, aerr := f.CreatePost(&model.Post{ChannelId: ch.Id, UserId: s.UserID, Message: "root"})
	if aerr != nil {
		t.Fatalf("CreatePost: %v", aerr)
	}
	if _, aerr := f.CreatePost(&model.Post{ChannelId: ch.Id, UserId: s.UserID, RootId: root.Id, Message: "reply"}); aerr != nil {
		t.Fatalf("CreatePost reply: %v", aerr)
	}
	list, aerr := f.GetPostThread(root.Id)
	if aerr != nil || len(list.Order) != 2 {
		t.Fatalf("GetPostThread: %+v %v", list, aerr)
	}
	if aerr := f.DeletePost(root.Id); aerr != nil {
		t.Fatalf("DeletePost: %v", aerr)
	}
	if _, aerr := f.GetPost(root.Id); aerr == nil || aerr.StatusCode != http.StatusNotFound {
		t.Fatalf("GetPost after delete: %v", aerr)
	}
	dm, aerr := f.GetDirectChannel(s.UserID, s.AdminID)
	if aerr != nil || dm.Type != model.ChannelTypeDirect {
		t.Fatalf("GetDirectChannel: %v %v", dm, aerr)
	}
	if dm2, _ := f.GetDirectChannel(s.AdminID, s.UserID); dm2.Id != dm.Id {
		t.Fatalf("GetDirectChannel is not stable")
	}
}

func TestFakePermissionsAndBots(t *testing.T) {
	f := NewFakeAPI(nil, "")
	s := f.Seed()
	manage := &model.Permission{Id: "manage_system"}
	if !f.HasPermissionTo(s.AdminID, manage) || f.HasPermissionTo(s.UserID, manage) {
		t.Fatalf("HasPermissionTo: admin must have manage_system, user must not")
	}
	if !f.HasPermissionToChannel(s.UserID, s.ChannelID, &model.Permission{Id: "create_post"}) {
		t.Fatalf("channel member must be able to create_post")
	}
	id1, err := f.EnsureBotUser(&model.Bot{Username: "incident-bot", DisplayName: "Incident Bot"})
	if err != nil {
		t.Fatalf("EnsureBotUser: %v", err)
	}
	id2, err := f.EnsureBotUser(&model.Bot{Username: "incident-bot"})
	if err != nil || id1 != id2 {
		t.Fatalf("EnsureBotUser is not idempotent: %s %s %v", id1, id2, err)
	}
	if _, aerr := f.CreateBot(&model.Bot{Username: "incident-bot"}); aerr == nil {
		t.Fatalf("CreateBot with a taken username must fail")
	}
	if u, aerr := f.GetUser(id1); aerr != nil || !u.IsBot {
		t.Fatalf("bot user: %v %v", u, aerr)
	}
}

func TestFakeKV(t *testing.T) {
	f := NewFakeAPI(nil, "")
	if ok, _ := f.KVCompareAndSet("k", nil, []byte("1")); !ok {
		t.Fatal("CAS on a missing key with nil old value must succeed")
	}
	if ok, _ := f.KVCompareAndSet("k", nil, []byte("2")); ok {
		t.Fatal("CAS with nil old value on an existing key must fail")
	}
	if ok, _ := f.KVCompareAndSet("k", []byte("1"), []byte("2")); !ok {
		t.Fatal("CAS with the right old value must succeed")
	}
	if v, _ := f.KVGet("k"); string(v) != "2" {
		t.Fatalf("KVGet = %q", v)
	}
	if _, aerr := f.KVSetWithOptions("k", []byte("3"), model.PluginKVSetOptions{OldValue: []byte("2")}); aerr == nil {
		t.Fatal("OldValue without Atomic must be rejected")
	}
	_ = f.KVSet("a", []byte("x"))
	if keys, _ := f.KVList(0, 10); len(keys) != 2 || keys[0] != "a" {
		t.Fatalf("KVList = %v", keys)
	}
	_ = f.KVSet("a", nil)
	if v, aerr := f.KVGet("a"); v != nil || aerr != nil {
		t.Fatalf("KVSet nil must delete: %q %v", v, aerr)
	}
}

// The host sends API answers with gob; make sure the fake's bigger answers encode.
func TestFakeAnswersGobEncode(t *testing.T) {
	f := NewFakeAPI(nil, "/plugins/incident-response")
	type getConfigReturns struct{ A *model.Config }
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&getConfigReturns{A: f.GetConfig()}); err != nil {
		t.Fatalf("gob GetConfig: %v", err)
	}
	t.Logf("GetConfig answer: %d gob bytes", buf.Len())
	var dest map[string]any
	if err := f.LoadPluginConfiguration(&dest); err != nil {
		t.Fatalf("LoadPluginConfiguration: %v", err)
	}
}

func TestFakeScenarioHelpers(t *testing.T) {
	f := NewFakeAPI(nil, "")
	s := f.Seed()
	dev := f.AddTeam("dev", "Dev")
	bob := f.AddUser("bob", s.TeamID)
	if _, aerr := f.GetTeamMember(s.TeamID, bob); aerr != nil {
		t.Fatalf("bob is not a member of the seeded team: %v", aerr)
	}
	if _, aerr := f.GetTeamMember(dev, bob); aerr == nil {
		t.Fatalf("bob must not be a member of dev")
	}
	if m, aerr := f.CreateTeamMember(dev, bob); aerr != nil || m.TeamId != dev {
		t.Fatalf("CreateTeamMember: %v %v", m, aerr)
	}
	if _, aerr := f.CreateTeamMember(dev, bob); aerr != nil {
		t.Fatalf("CreateTeamMember again must return the membership: %v", aerr)
	}
	if _, aerr := f.CreateTeamMember(model.NewId(), bob); aerr == nil || aerr.StatusCode != http.StatusNotFound {
		t.Fatalf("CreateTeamMember in an unknown team: %v", aerr)
	}
	ch, _ := f.CreateChannel(&model.Channel{TeamId: s.TeamID, Name: "room", DisplayName: "Room", Type: model.ChannelTypeOpen})
	// Like the server: only members of the channel's team can be added to it.
	devRoom, _ := f.CreateChannel(&model.Channel{TeamId: dev, Name: "room", DisplayName: "Room", Type: model.ChannelTypeOpen})
	carol := f.AddUser("carol")
	if _, aerr := f.AddChannelMember(devRoom.Id, carol); aerr == nil || aerr.StatusCode != http.StatusNotFound || aerr.Id != "app.team.get_member.missing.app_error" {
		t.Fatalf("AddChannelMember of a user not on the team: %v, want 404 app.team.get_member.missing.app_error", aerr)
	}
	for _, m := range []string{"one", "two", "three"} {
		if _, aerr := f.CreatePost(&model.Post{ChannelId: ch.Id, UserId: bob, Message: m}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	posts := f.ChannelPosts(ch.Id)
	if len(posts) != 3 || posts[0].Message != "one" || posts[2].Message != "three" {
		t.Fatalf("ChannelPosts: %v", posts)
	}
	if f.IsChannelMember(ch.Id, bob) {
		t.Fatal("bob is not in the channel yet")
	}
	f.JoinChannel(ch.Id, bob)
	if !f.IsChannelMember(ch.Id, bob) || len(f.ChannelMemberIDs(ch.Id)) != 1 {
		t.Fatalf("JoinChannel: members %v", f.ChannelMemberIDs(ch.Id))
	}
}
