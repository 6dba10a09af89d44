package harness

import (
	"net/http"
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// Channel sidebar categories, as the server keeps them (server/channels/app/channel_category.go
// and store/sqlstore/channel_store_categories.go): per user and team, Favorites, Channels and
// Direct Messages made on first read, custom categories placed after Favorites; a category
// stores its channels explicitly, and Channels / Direct Messages also show the user's channels
// no category holds. Favorites preferences are not kept.

func sidebarErr(where string, status int) *model.AppError {
	return appErr(where, "app.channel.sidebar_categories.app_error", "Unable to get the sidebar categories.", status)
}

func copyCategory(c *model.SidebarCategoryWithChannels) *model.SidebarCategoryWithChannels {
	return &model.SidebarCategoryWithChannels{SidebarCategory: c.SidebarCategory, Channels: append([]string{}, c.Channels...)}
}

// orphanChannels are the user's live channels on the team (or DMs and GMs) no category holds.
// f.mu is held.
func (f *FakeAPI) orphanChannels(userID, teamID string, dms bool) []string {
	held := map[string]bool{}
	for _, c := range f.sidebars[userID+"/"+teamID] {
		for _, id := range c.Channels {
			held[id] = true
		}
	}
	var found []*model.Channel
	for key, m := range f.channelMembers {
		if m.UserId != userID || held[m.ChannelId] {
			continue
		}
		c, ok := f.channels[m.ChannelId]
		if !ok || c.DeleteAt != 0 || key != c.Id+"/"+userID {
			continue
		}
		direct := c.Type == model.ChannelTypeDirect || c.Type == model.ChannelTypeGroup
		if (dms && direct) || (!dms && !direct && c.TeamId == teamID) {
			found = append(found, c)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].DisplayName < found[j].DisplayName })
	ids := make([]string, len(found))
	for i, c := range found {
		ids[i] = c.Id
	}
	return ids
}

// populated is a copy with Channels and Direct Messages completed by the orphans. f.mu is held.
func (f *FakeAPI) populated(c *model.SidebarCategoryWithChannels) *model.SidebarCategoryWithChannels {
	out := copyCategory(c)
	switch c.Type {
	case model.SidebarCategoryChannels:
		out.Channels = append(out.Channels, f.orphanChannels(c.UserId, c.TeamId, false)...)
	case model.SidebarCategoryDirectMessages:
		out.Channels = append(out.Channels, f.orphanChannels(c.UserId, c.TeamId, true)...)
	}
	return out
}

// userSidebar is the user's categories on the team, made as the server's first read does.
// f.mu is held.
func (f *FakeAPI) userSidebar(userID, teamID string) []*model.SidebarCategoryWithChannels {
	key := userID + "/" + teamID
	if f.sidebars == nil {
		f.sidebars = map[string][]*model.SidebarCategoryWithChannels{}
	}
	if len(f.sidebars[key]) == 0 {
		made := func(t model.SidebarCategoryType, name string, order int64, sorting model.SidebarCategorySorting) *model.SidebarCategoryWithChannels {
			return &model.SidebarCategoryWithChannels{SidebarCategory: model.SidebarCategory{
				Id: string(t) + "_" + userID + "_" + teamID, UserId: userID, TeamId: teamID, SortOrder: order,
				Sorting: sorting, Type: t, DisplayName: name}, Channels: []string{}}
		}
		f.sidebars[key] = []*model.SidebarCategoryWithChannels{
			made(model.SidebarCategoryFavorites, "Favorites", model.DefaultSidebarSortOrderFavorites, model.SidebarCategorySortDefault),
			made(model.SidebarCategoryChannels, "Channels", model.DefaultSidebarSortOrderChannels, model.SidebarCategorySortDefault),
			made(model.SidebarCategoryDirectMessages, "Direct Messages", model.DefaultSidebarSortOrderDMs, model.SidebarCategorySortRecent),
		}
	}
	return f.sidebars[key]
}

func (f *FakeAPI) GetChannelSidebarCategories(userID, teamID string) (*model.OrderedSidebarCategories, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetChannelSidebarCategories", userID, teamID)
	out := &model.OrderedSidebarCategories{Categories: model.SidebarCategoriesWithChannels{}, Order: model.SidebarCategoryOrder{}}
	for _, c := range f.userSidebar(userID, teamID) {
		out.Categories = append(out.Categories, f.populated(c))
		out.Order = append(out.Order, c.Id)
	}
	return out, nil
}

// CreateChannelSidebarCategory makes a custom category after Favorites (first otherwise); its
// channels leave the user's other categories on the team. A user without categories (never
// read) is refused with 404, as the store does.
func (f *FakeAPI) CreateChannelSidebarCategory(userID, teamID string, newCategory *model.SidebarCategoryWithChannels) (*model.SidebarCategoryWithChannels, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreateChannelSidebarCategory", userID, teamID, newCategory)
	key := userID + "/" + teamID
	current := f.sidebars[key]
	if len(current) == 0 || newCategory == nil {
		return nil, sidebarErr("CreateSidebarCategory", http.StatusNotFound)
	}
	moved := map[string]bool{}
	for _, id := range newCategory.Channels {
		moved[id] = true
	}
	for _, c := range current {
		kept := []string{}
		for _, id := range c.Channels {
			if !moved[id] {
				kept = append(kept, id)
			}
		}
		c.Channels = kept
	}
	made := &model.SidebarCategoryWithChannels{
		SidebarCategory: model.SidebarCategory{Id: model.NewId(), UserId: userID, TeamId: teamID, Sorting: newCategory.Sorting,
			Type: model.SidebarCategoryCustom, DisplayName: newCategory.DisplayName, Muted: newCategory.Muted},
		Channels: append([]string{}, newCategory.Channels...),
	}
	at := 0
	if current[0].Type == model.SidebarCategoryFavorites {
		at = 1
	}
	current = append(current[:at], append([]*model.SidebarCategoryWithChannels{made}, current[at:]...)...)
	for i, c := range current {
		c.SortOrder = int64(i * model.MinimalSidebarSortDistance)
	}
	f.sidebars[key] = current
	return copyCategory(made), nil
}

// UpdateChannelSidebarCategories saves each category's name (custom ones only), sorting,
// muting, collapsing and channel list (not Direct Messages'); other categories keep theirs, so
// a channel moved must be taken out of its old category in the same call. An unknown category
// fails the whole call with 500, as the store's transaction does.
func (f *FakeAPI) UpdateChannelSidebarCategories(userID, teamID string, categories []*model.SidebarCategoryWithChannels) ([]*model.SidebarCategoryWithChannels, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UpdateChannelSidebarCategories", userID, teamID, categories)
	stored := make([]*model.SidebarCategoryWithChannels, len(categories))
	for i, c := range categories {
		for _, list := range f.sidebars {
			for _, s := range list {
				if c != nil && s.Id == c.Id {
					stored[i] = s
				}
			}
		}
		if stored[i] == nil {
			return nil, sidebarErr("UpdateSidebarCategories", http.StatusInternalServerError)
		}
	}
	updated := make([]*model.SidebarCategoryWithChannels, len(categories))
	for i, c := range categories {
		s := stored[i]
		if s.Type == model.SidebarCategoryCustom {
			s.DisplayName = c.DisplayName
		}
		s.Sorting, s.Collapsed = c.Sorting, c.Collapsed
		if s.Type == model.SidebarCategoryDirectMessages {
			s.Channels = []string{}
		} else {
			s.Channels, s.Muted = append([]string{}, c.Channels...), c.Muted
		}
		updated[i] = s
	}
	out := make([]*model.SidebarCategoryWithChannels, len(updated))
	for i, s := range updated {
		out[i] = f.populated(s)
	}
	return out, nil
}

// SidebarCategories is the user's sidebar on the team as GetChannelSidebarCategories reads it,
// without recording a call (for tests).
func (f *FakeAPI) SidebarCategories(userID, teamID string) []*model.SidebarCategoryWithChannels {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*model.SidebarCategoryWithChannels
	for _, c := range f.userSidebar(userID, teamID) {
		out = append(out, f.populated(c))
	}
	return out
}
