package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

// Privacy and member management on the real server: a public incident whose channel an admin
// converts to private (POST /api/v4/channels/<id>/privacy) leaves the list, reports,
// autocomplete and /incident list of a team member outside the channel; and a member whom the
// permission scheme does not let manage a private channel's members cannot add someone to an
// incident channel by giving them a role. Runs on its own or after TestLifecycle.
func TestPrivacySecurity(t *testing.T) {
	ctx := context.Background()
	admin := privacyAdmin(t, ctx)
	team, _, err := admin.Client.CreateTeam(ctx, &model.Team{Name: "privacy", DisplayName: "Privacy", Type: model.TeamOpen})
	if err != nil {
		t.Fatal(err)
	}
	var alice, bob *mmenv.Person
	for _, p := range []**mmenv.Person{&alice, &bob} {
		name := map[**mmenv.Person]string{&alice: "pv-alice", &bob: "pv-bob"}[p]
		if *p, err = env.CreateUser(ctx, name, mmenv.RandomPassword()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := admin.Client.AddTeamMember(ctx, team.Id, (*p).User.Id); err != nil {
			t.Fatal(err)
		}
	}
	town, _, err := bob.Client.GetChannelByName(ctx, "town-square", team.Id, "")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a channel converted to private leaves a non-member's lists", func(t *testing.T) {
		var inc incident
		mustCall(t, alice, "POST", "/incidents", 201, map[string]any{"team_id": team.Id, "name": "Suspicious logins", "private": false}, &inc)
		var before incidentList
		mustCall(t, bob, "GET", "/incidents?state=all&team_id="+team.Id, 200, nil, &before)
		if before.Total != 1 {
			t.Fatalf("bob lists %d incidents before the conversion, want 1", before.Total)
		}
		if _, _, err := admin.Client.UpdateChannelPrivacy(ctx, inc.ChannelID, model.ChannelTypePrivate); err != nil {
			t.Fatalf("converting the channel: %v", err)
		}
		for _, path := range []string{
			"/incidents?state=all&q=suspicious&team_id=" + team.Id,
			"/reports?team_id=" + team.Id,
			"/autocomplete/incidents?team_id=" + team.Id,
			"/actions?state=all&team_id=" + team.Id,
		} {
			raw := mustCall(t, bob, "GET", path, 200, nil, nil)
			if strings.Contains(raw, inc.ID) || strings.Contains(raw, "Suspicious") {
				t.Errorf("bob: GET %s still shows the converted incident: %s", path, raw)
			}
		}
		var after incidentList
		mustCall(t, bob, "GET", "/incidents?state=all&team_id="+team.Id, 200, nil, &after)
		if after.Total != 0 {
			t.Errorf("bob's list counts %d, want 0", after.Total)
		}
		if reply := command(t, bob, town.Id, "/incident list all"); strings.Contains(reply, "Suspicious") {
			t.Errorf("/incident list shows it to bob: %q", reply)
		}
		var alices incidentList
		mustCall(t, alice, "GET", "/incidents?state=all&team_id="+team.Id, 200, nil, &alices)
		if alices.Total != 1 {
			t.Errorf("alice, in the channel, lists %d, want 1", alices.Total)
		}
	})

	t.Run("a role cannot add someone to a private channel without manage_private_channel_members", func(t *testing.T) {
		var inc incident
		mustCall(t, alice, "POST", "/incidents", 201, map[string]any{"team_id": team.Id, "name": "Breach", "private": true}, &inc)
		restore := withoutChannelUserPermission(t, ctx, admin, model.PermissionManagePrivateChannelMembers.Id)
		defer restore()
		status, raw := call(t, alice, "POST", "/incidents/"+inc.ID+"/roles", map[string]any{"role": "Comms lead", "user_id": bob.User.Id}, nil)
		if status != http.StatusForbidden || !strings.Contains(raw, "may not add members") {
			t.Errorf("role for bob without the permission: %d %s, want 403 saying why", status, raw)
		}
		if _, resp, err := admin.Client.GetChannelMember(ctx, inc.ChannelID, bob.User.Id, ""); err == nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("bob is in the private channel after a refused role (status %v)", resp)
		}
		restore()
		mustCall(t, alice, "POST", "/incidents/"+inc.ID+"/roles", 200, map[string]any{"role": "Comms lead", "user_id": bob.User.Id}, nil)
		if _, _, err := admin.Client.GetChannelMember(ctx, inc.ChannelID, bob.User.Id, ""); err != nil {
			t.Errorf("bob was not added with the permission back: %v", err)
		}
	})
}

// privacyAdmin is the server's system admin (made here when this test runs first), with the
// plugin installed and running.
func privacyAdmin(t *testing.T, ctx context.Context) *mmenv.Person {
	t.Helper()
	if sysadmin == nil {
		p, err := env.CreateUser(ctx, "sysadmin", mmenv.RandomPassword())
		if err != nil {
			t.Fatal(err)
		}
		if !p.User.IsSystemAdmin() {
			t.Fatalf("the first user is not a system admin: roles %q", p.User.Roles)
		}
		sysadmin = p
	}
	if status, _ := call(t, sysadmin, "GET", "/health", nil, nil); status != http.StatusOK {
		if out, err := env.Deploy(ctx, sysadmin, repoDir, bundle); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	return sysadmin
}

// withoutChannelUserPermission takes a permission from the channel_user role (the permission
// scheme every channel member has) and answers a function that gives it back (once).
func withoutChannelUserPermission(t *testing.T, ctx context.Context, admin *mmenv.Person, permission string) func() {
	t.Helper()
	role, _, err := admin.Client.GetRoleByName(ctx, model.ChannelUserRoleId)
	if err != nil {
		t.Fatal(err)
	}
	original := append([]string(nil), role.Permissions...)
	var kept []string
	for _, p := range original {
		if p != permission {
			kept = append(kept, p)
		}
	}
	if _, _, err := admin.Client.PatchRole(ctx, role.Id, &model.RolePatch{Permissions: &kept}); err != nil {
		t.Fatalf("taking %s from channel_user: %v", permission, err)
	}
	done := false
	return func() {
		if done {
			return
		}
		done = true
		if _, _, err := admin.Client.PatchRole(ctx, role.Id, &model.RolePatch{Permissions: &original}); err != nil {
			t.Errorf("giving %s back to channel_user: %v", permission, err)
		}
	}
}
