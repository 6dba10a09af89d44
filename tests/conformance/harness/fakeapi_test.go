package harness

import (
	"bytes"
	"encoding/gob"
	"net/http"
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
	if _, aerr := f.CreateChannel(&model.Channel{TeamId: s.TeamID, Name: "inc-1", DisplayName: "again", Type: model.ChannelTypeOpen}); aerr == nil || aerr.StatusCode != http.StatusBadRequest {
		t.Fatalf("duplicate CreateChannel: %v, want a 400 AppError", aerr)
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
