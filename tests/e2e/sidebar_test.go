package e2e

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// stepSidebarCategory (issue 17) on the real server: a playbook names a sidebar category and
// invites bob; after alice starts from it, the server's own
// GET /api/v4/users/{user}/teams/{team}/channels/categories shows the incident channel first in
// a custom "Incidents" category for alice (made for her) and for bob, and not in Channels.
func stepSidebarCategory(t *testing.T, ctx context.Context, w *world) {
	var pb struct {
		ID string `json:"id"`
	}
	mustCall(t, w.alice, "POST", "/playbooks", http.StatusCreated, map[string]any{
		"team_id": w.team.Id, "title": "Filed", "sidebar_category": "Incidents", "invited_user_ids": []string{w.bob.User.Id},
	}, &pb)
	var inc struct {
		ChannelID string `json:"channel_id"`
	}
	mustCall(t, w.alice, "POST", "/incidents", http.StatusCreated,
		map[string]any{"team_id": w.team.Id, "name": "Filed away", "playbook_id": pb.ID}, &inc)
	if inc.ChannelID == "" {
		t.Fatalf("the start answered no channel")
	}
	for _, who := range []*struct {
		name   string
		client *model.Client4
		id     string
	}{{"alice", w.alice.Client, w.alice.User.Id}, {"bob", w.bob.Client, w.bob.User.Id}} {
		sidebar, _, err := who.client.GetSidebarCategoriesForTeamForUser(ctx, who.id, w.team.Id, "")
		if err != nil {
			t.Fatalf("%s's sidebar: %v", who.name, err)
		}
		var named []*model.SidebarCategoryWithChannels
		for _, c := range sidebar.Categories {
			if c.Type == model.SidebarCategoryCustom && c.DisplayName == "Incidents" {
				named = append(named, c)
			}
			if c.Type == model.SidebarCategoryChannels && slices.Contains(c.Channels, inc.ChannelID) {
				t.Errorf("%s's Channels category still holds the incident channel", who.name)
			}
		}
		if len(named) != 1 || len(named[0].Channels) == 0 || named[0].Channels[0] != inc.ChannelID {
			t.Errorf("%s's Incidents categories: %+v", who.name, named)
		}
	}
}
