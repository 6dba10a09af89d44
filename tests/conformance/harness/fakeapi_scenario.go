package harness

import (
	"net/http"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// Scenario helpers: more people and teams than the seed, and read-only views of what a plugin
// did. The setters here are the test's own doing (an admin's action on the server), so they are
// not recorded as plugin calls.

// AddTeam creates an open team and returns its id.
func (f *FakeAPI) AddTeam(name, displayName string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := model.GetMillis()
	t := &model.Team{Id: model.NewId(), CreateAt: now, UpdateAt: now, Name: name, DisplayName: displayName,
		Type: model.TeamOpen, Email: name + "@example.com"}
	f.teams[t.Id] = t
	return t.Id
}

// AddUser creates a regular user (system role "system_user") and returns its id. The user joins
// the given teams as a plain member and no channel.
func (f *FakeAPI) AddUser(username string, teamIDs ...string) string {
	f.mu.Lock()
	now := model.GetMillis()
	u := &model.User{Id: model.NewId(), CreateAt: now, UpdateAt: now, Username: username, Email: username + "@example.com",
		EmailVerified: true, Roles: model.SystemUserRoleId, Locale: "en"}
	f.users[u.Id] = u
	f.mu.Unlock()
	for _, team := range teamIDs {
		f.JoinTeam(team, u.Id, false)
	}
	return u.Id
}

// JoinTeam makes userID a member (team admin when admin) of teamID.
func (f *FakeAPI) JoinTeam(teamID, userID string, admin bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	roles := model.TeamUserRoleId
	if admin {
		roles += " " + model.TeamAdminRoleId
	}
	f.teamMembers[teamID+"/"+userID] = &model.TeamMember{TeamId: teamID, UserId: userID, Roles: roles, SchemeUser: true,
		SchemeAdmin: admin, CreateAt: model.GetMillis()}
}

// JoinChannel makes userID a member of channelID (as if they joined it themselves).
func (f *FakeAPI) JoinChannel(channelID, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channelMembers[channelID+"/"+userID] = f.memberLocked(channelID, userID)
}

// SetChannelReadOnly moderates a channel as System Console's channel moderation does with
// "Create Posts" off: its members (not system admins) lose create_post there.
func (f *FakeAPI) SetChannelReadOnly(channelID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readOnly == nil {
		f.readOnly = map[string]bool{}
	}
	f.readOnly[channelID] = true
}

// SetChannelType converts a channel (model.ChannelTypeOpen or model.ChannelTypePrivate), as
// an admin's "Convert to Private Channel" does; the system message is the test's to post.
func (f *FakeAPI) SetChannelType(channelID string, channelType model.ChannelType) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.channels[channelID]; ok {
		c.Type = channelType
		c.UpdateAt = model.GetMillis()
	}
}

// BotUserID returns the user id of the bot with this username, or "".
func (f *FakeAPI) BotUserID(username string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, b := range f.bots {
		if b.Username == username {
			return id
		}
	}
	return ""
}

// Channel returns a copy of a channel, or nil.
func (f *FakeAPI) Channel(channelID string) *model.Channel {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.channels[channelID]; ok {
		return c.DeepCopy()
	}
	return nil
}

// TeamChannels returns the team's channels, oldest first.
func (f *FakeAPI) TeamChannels(teamID string) []*model.Channel {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*model.Channel
	for _, c := range f.channels {
		if c.TeamId == teamID {
			out = append(out, c.DeepCopy())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreateAt != out[j].CreateAt {
			return out[i].CreateAt < out[j].CreateAt
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ChannelMemberIDs returns the user ids of a channel's members, sorted.
func (f *FakeAPI) ChannelMemberIDs(channelID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for key, m := range f.channelMembers {
		if strings.HasPrefix(key, channelID+"/") {
			out = append(out, m.UserId)
		}
	}
	sort.Strings(out)
	return out
}

// IsChannelMember reports whether userID is a member of channelID.
func (f *FakeAPI) IsChannelMember(channelID, userID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.channelMembers[channelID+"/"+userID]
	return ok
}

// ChannelPosts returns the live (not deleted) posts of a channel in the order they were created.
// Pass "" for every channel.
func (f *FakeAPI) ChannelPosts(channelID string) []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*model.Post
	for _, id := range f.postOrder {
		p := f.posts[id]
		if p != nil && p.DeleteAt == 0 && (channelID == "" || p.ChannelId == channelID) {
			out = append(out, p.Clone())
		}
	}
	return out
}

// SetPluginSetting sets one plugin setting as System Console would (keys are case-insensitive).
func (f *FakeAPI) SetPluginSetting(key string, value any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pluginConfig[strings.ToLower(key)] = value
}

// AllowUntrustedInternalConnections sets the server's
// ServiceSettings.AllowedUntrustedInternalConnections (hosts, IPs or CIDR ranges, separated by
// spaces or commas): outgoing webhooks to internal addresses need it.
func (f *FakeAPI) AllowUntrustedInternalConnections(value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.allowedInternal = value
}

// CreateTeamMember adds a user to a team, as the server's AddTeamMember does: an existing,
// active membership is returned unchanged.
func (f *FakeAPI) CreateTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreateTeamMember", teamID, userID)
	if _, ok := f.teams[teamID]; !ok {
		return nil, notFound("CreateTeamMember", "team", teamID)
	}
	if _, ok := f.users[userID]; !ok {
		return nil, appErr("CreateTeamMember", "app.user.missing_account.const", "Unable to find the user.", http.StatusNotFound)
	}
	key := teamID + "/" + userID
	if m, ok := f.teamMembers[key]; ok && m.DeleteAt == 0 {
		cp := *m
		return &cp, nil
	}
	m := &model.TeamMember{TeamId: teamID, UserId: userID, Roles: model.TeamUserRoleId, SchemeUser: true, CreateAt: model.GetMillis()}
	f.teamMembers[key] = m
	cp := *m
	return &cp, nil
}

// AddGroup creates a custom user group with these members and returns its id.
func (f *FakeAPI) AddGroup(name string, userIDs ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := model.GetMillis()
	g := &model.Group{Id: model.NewId(), Name: model.NewPointer(name), DisplayName: name, Source: model.GroupSourceCustom,
		RemoteId: model.NewPointer(model.NewId()), CreateAt: now, UpdateAt: now, AllowReference: true}
	f.groups[g.Id] = g
	f.groupMembers[g.Id] = append([]string(nil), userIDs...)
	return g.Id
}

// GetGroupByName answers like the server: the live group with that name, or 404.
func (f *FakeAPI) GetGroupByName(name string) (*model.Group, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetGroupByName", name)
	for _, g := range f.groups {
		if g.Name != nil && *g.Name == name && g.DeleteAt == 0 {
			c := *g
			return &c, nil
		}
	}
	return nil, notFound("GetGroupByName", "group", name)
}

// GetGroupMemberUsers answers one page of a group's members (an unknown group has none).
func (f *FakeAPI) GetGroupMemberUsers(groupID string, page, perPage int) ([]*model.User, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetGroupMemberUsers", groupID, page, perPage)
	ids := f.groupMembers[groupID]
	out := []*model.User{}
	for i, id := range ids {
		if perPage > 0 && (i < page*perPage || i >= (page+1)*perPage) {
			continue
		}
		if u, ok := f.users[id]; ok {
			c := *u
			c.Sanitize(map[string]bool{})
			out = append(out, &c)
		}
	}
	return out, nil
}
