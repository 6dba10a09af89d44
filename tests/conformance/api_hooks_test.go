package conformance

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"incidentresponse/tests/conformance/harness"
)

// activateFixtureGuest installs the fault fixture guest (which also probes the API and records
// event hooks) next to the real bundle and activates it.
func activateFixtureGuest(t *testing.T) (*fixture, *harness.Installed, plugin.Hooks) {
	t.Helper()
	guest := requireFile(t, harness.EnvFaultyGuest, "the faulty guest, precompiled (.cwasm)")
	f := newFixture(t)
	inst, err := f.h.InstallVariant(f.inst, faultyPluginID, guest)
	if err != nil {
		t.Fatalf("making the fixture plugin dir: %v", err)
	}
	return f, inst, f.activate(t, inst)
}

// TestAPIProbe has the guest call every API method of the bindings once. Each call travels
// through our gob encoding into Mattermost's real apiRPCServer and back, so a field name or
// type that Go cannot read shows up here as a failed line (or a dead API connection).
func TestAPIProbe(t *testing.T) {
	t.Parallel()
	_, inst, hooks := activateFixtureGuest(t)
	s := inst.API.Seed()
	inst.API.AddGroup("probe-group", s.UserID)
	res, err := harness.ExecuteCommand(hooks, &model.CommandArgs{Command: "/faulty api", UserId: s.UserID, ChannelId: s.ChannelID, TeamId: s.TeamID}, 30*time.Second)
	if err != nil {
		t.Fatalf("/faulty api: %v", err)
	}
	if res.AppErr != nil {
		t.Fatalf("/faulty api: AppError %s", describeAppErr(res.AppErr))
	}
	t.Logf("probe report:\n%s", res.Response.Text)
	lines := strings.Split(res.Response.Text, "\n")
	want := []string{"LogInfo", "GetServerVersion", "GetBundlePath", "GetConfig", "LoadPluginConfiguration",
		"GetUser", "GetUserByUsername", "GetTeam", "GetGroupByName", "GetGroupMemberUsers", "GetTeamMember", "GetChannel", "GetChannelMember",
		"GetUsersInChannel", "HasPermissionTo", "HasPermissionToTeam", "HasPermissionToChannel",
		"CreateChannel", "GetChannelByName", "UpdateChannel", "AddChannelMember", "EnsureBotUser",
		"GetDirectChannel", "CreatePost", "GetPost", "UpdatePost", "GetPostThread", "SendEphemeralPost",
		"DeletePost", "PublishWebSocketEvent", "PublishPluginClusterEvent", "OpenInteractiveDialog", "ExecuteSlashCommand",
		"KVSet", "KVGet", "KVCompareAndSet", "KVSetWithOptions", "KVDelete", "UnregisterCommand", "SetProfileImage", "DeleteChannel",
		"GetChannelSidebarCategories", "CreateChannelSidebarCategory", "UpdateChannelSidebarCategories"}
	seen := map[string]bool{}
	for _, line := range lines {
		name, outcome, _ := strings.Cut(line, ": ")
		seen[strings.SplitN(name, "(", 2)[0]] = true
		if outcome != "ok" {
			t.Errorf("%s", line)
		}
	}
	for _, name := range want {
		if !seen[name] {
			t.Errorf("the probe did not report %s", name)
		}
		if len(inst.API.Calls(name)) == 0 && name != "LogInfo" {
			t.Errorf("the server side never received %s", name)
		}
	}
	// Values as Go decoded them.
	for _, c := range inst.API.Calls("HasPermissionTo") {
		if c.Args[1] != "manage_system" {
			t.Errorf("HasPermissionTo: Go read permission %#v", c.Args[1])
		}
	}
	for _, c := range inst.API.Calls("PublishWebSocketEvent") {
		if c.Args[0] == "probe" {
			payload, _ := c.Args[1].(map[string]any)
			if payload["incident"] != "INC-0001" {
				t.Errorf("websocket payload as Go read it: %#v", payload)
			}
		}
	}
	for _, c := range inst.API.Calls("CreatePost") {
		p, _ := c.Args[0].(*model.Post)
		if p != nil && p.Message == "probe 🚨 post" {
			if p.GetProp("from_probe") != "true" || p.GetProp("count") != float64(3) {
				t.Errorf("post props as Go read them: %#v", p.GetProps())
			}
		}
	}
	// The connection is still healthy after all of that.
	if res, err := harness.ExecuteCommand(hooks, &model.CommandArgs{Command: "/faulty ok", UserId: s.UserID}, callTimeout); err != nil || res.AppErr != nil {
		t.Fatalf("after the probe: %v %v", err, res.AppErr)
	}
}

// TestEventHooks sends each event hook through Mattermost's hooks client and checks, in the
// record the guest kept, that it arrived with its data intact.
func TestEventHooks(t *testing.T) {
	t.Parallel()
	f, inst, hooks := activateFixtureGuest(t)
	s := inst.API.Seed()
	ctx := &plugin.Context{RequestId: "req-1"}
	post := &model.Post{Id: model.NewId(), ChannelId: s.ChannelID, UserId: s.UserID, Message: "first ✓ مرحبا"}
	post.AddProp("severity", "sev2")
	edited := post.Clone()
	edited.Message = "second"

	hooks.MessageHasBeenPosted(ctx, post)
	hooks.MessageHasBeenUpdated(ctx, edited, post)
	deleted := post.Clone()
	deleted.DeleteAt = 1234
	hooks.MessageHasBeenDeleted(ctx, deleted)
	hooks.ReactionHasBeenAdded(ctx, &model.Reaction{UserId: s.UserID, PostId: post.Id, EmojiName: "eyes"})
	admin, _ := inst.API.GetUser(s.AdminID)
	hooks.UserHasJoinedChannel(ctx, &model.ChannelMember{ChannelId: s.ChannelID, UserId: s.UserID}, admin)
	hooks.OnPluginClusterEvent(ctx, model.PluginClusterEvent{Id: "sync", Data: []byte("payload")})
	if err := hooks.OnConfigurationChange(); err != nil {
		t.Errorf("OnConfigurationChange: %v", err)
	}

	record := func(hook string) map[string]any {
		t.Helper()
		raw := inst.API.KVSnapshot()["hook:"+hook]
		if raw == nil {
			t.Errorf("%s: the guest never saw it", hook)
			return map[string]any{}
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Errorf("%s: %s", hook, raw)
		}
		return v
	}
	if v := record("MessageHasBeenPosted"); v["message"] != post.Message || v["id"] != post.Id ||
		v["props"].(map[string]any)["severity"] != "sev2" {
		t.Errorf("MessageHasBeenPosted: %v", v)
	}
	if v := record("MessageHasBeenUpdated"); v["new"] != "second" || v["old"] != post.Message {
		t.Errorf("MessageHasBeenUpdated: %v", v)
	}
	if v := record("MessageHasBeenDeleted"); v["id"] != post.Id || v["delete_at"] != float64(1234) {
		t.Errorf("MessageHasBeenDeleted: %v", v)
	}
	if v := record("ReactionHasBeenAdded"); v["emoji"] != "eyes" || v["post_id"] != post.Id {
		t.Errorf("ReactionHasBeenAdded: %v", v)
	}
	if v := record("UserHasJoinedChannel"); v["user_id"] != s.UserID || v["actor"] != "sysadmin" {
		t.Errorf("UserHasJoinedChannel: %v", v)
	}
	if v := record("OnPluginClusterEvent"); v["id"] != "sync" || v["data"] != "payload" {
		t.Errorf("OnPluginClusterEvent: %v", v)
	}
	if inst.API.KVSnapshot()["hook:OnConfigurationChange"] == nil {
		t.Errorf("OnConfigurationChange: the guest never saw it")
	}

	// ServeHTTP reaches the guest with method, URL, user and a body.
	rec, _, err := harness.ServeHTTP(hooks, harness.NewPluginRequest(http.MethodPut, "/x?y=1", strings.NewReader("abc"), s.UserID), callTimeout)
	if err != nil {
		t.Fatalf("ServeHTTP: %v", err)
	}
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if got["method"] != "PUT" || got["url"] != "/x?y=1" || got["user_id"] != s.UserID || got["body_len"] != float64(3) {
		t.Errorf("ServeHTTP as the guest saw it: %s", rec.Body.String())
	}

	// OnDeactivate runs in the guest before the process is stopped.
	f.h.Env.Deactivate(inst.Manifest.Id)
	if inst.API.KVSnapshot()["hook:OnDeactivate"] == nil {
		t.Errorf("OnDeactivate: the guest never saw it")
	}
}
