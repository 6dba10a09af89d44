package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// TestPlaybookSidebarCategory (issue 17): an incident started from a playbook naming a sidebar
// category is filed under it, through the plugin host's sidebar API, for the starter (who gets
// the category made) and the invited (whose own category of that name, in other case, is used,
// the new channel first); the bot's sidebar is left alone, and a later incident joins the same
// category rather than making another.
func TestPlaybookSidebarCategory(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	if _, aerr := s.api.GetChannelSidebarCategories(s.bob, s.team); aerr != nil {
		t.Fatalf("sidebar: %v", aerr)
	}
	bobs, aerr := s.api.CreateChannelSidebarCategory(s.bob, s.team, &model.SidebarCategoryWithChannels{
		SidebarCategory: model.SidebarCategory{DisplayName: "incidents"}, Channels: []string{s.town}})
	if aerr != nil {
		t.Fatalf("bob's category: %v", aerr)
	}
	s.fails(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{
		"team_id": s.team, "title": "Too long", "sidebar_category": "A category name too long"}, http.StatusBadRequest)
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{
		"team_id": s.team, "title": "Outage", "sidebar_category": "Incidents", "invited_user_ids": []string{s.bob},
	}, http.StatusCreated, &pb)
	var plain playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Plain"}, http.StatusCreated, &plain)
	before := len(s.api.Calls(""))
	s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Quiet", "playbook_id": plain.ID})
	for _, c := range s.api.Calls("")[before:] {
		if c.Name == "GetChannelSidebarCategories" || c.Name == "CreateChannelSidebarCategory" || c.Name == "UpdateChannelSidebarCategories" {
			t.Errorf("a playbook without a category touched a sidebar: %s %v", c.Name, c.Args)
		}
	}

	first := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Checkout down", "playbook_id": pb.ID})
	second := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Search down", "playbook_id": pb.ID})

	custom := func(user string) (named []*model.SidebarCategoryWithChannels, inChannels map[string]bool) {
		inChannels = map[string]bool{}
		for _, c := range s.api.SidebarCategories(user, s.team) {
			switch c.Type {
			case model.SidebarCategoryCustom:
				named = append(named, c)
			case model.SidebarCategoryChannels:
				for _, id := range c.Channels {
					inChannels[id] = true
				}
			}
		}
		return named, inChannels
	}
	named, inChannels := custom(s.alice)
	if len(named) != 1 || named[0].DisplayName != "Incidents" || !slices.Equal(named[0].Channels, []string{second.ChannelID, first.ChannelID}) {
		t.Fatalf("alice's custom categories: %s", describeCategories(named))
	}
	if inChannels[first.ChannelID] || inChannels[second.ChannelID] || !inChannels[s.town] {
		t.Errorf("alice's Channels category: %v", inChannels)
	}
	named, inChannels = custom(s.bob)
	if len(named) != 1 || named[0].Id != bobs.Id || !slices.Equal(named[0].Channels, []string{second.ChannelID, first.ChannelID, s.town}) {
		t.Fatalf("bob's custom categories: %s", describeCategories(named))
	}
	if inChannels[first.ChannelID] {
		t.Errorf("bob's Channels category still shows the incident channel")
	}
	for _, c := range s.api.Calls("") {
		if (c.Name == "GetChannelSidebarCategories" || c.Name == "CreateChannelSidebarCategory") && len(c.Args) > 0 && c.Args[0] == s.bot {
			t.Errorf("the bot's sidebar was changed: %s", c.Name)
		}
	}
}

func describeCategories(cs []*model.SidebarCategoryWithChannels) string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.DisplayName+"="+strings.Join(c.Channels, ","))
	}
	return strings.Join(out, "; ")
}
