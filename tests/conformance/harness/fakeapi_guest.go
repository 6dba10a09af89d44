package harness

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// Guest accounts, as Mattermost models them: system role "system_guest" instead of
// "system_user", team memberships with the "team_guest" role (SchemeGuest), channel
// memberships with "channel_guest". A guest sees only the channels it was added to.

// AddGuest creates a guest account that is a guest of the given teams and of no channel.
func (f *FakeAPI) AddGuest(username string, teamIDs ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := model.GetMillis()
	u := &model.User{Id: model.NewId(), CreateAt: now, UpdateAt: now, Username: username, Email: username + "@guest.example.com",
		EmailVerified: true, Roles: model.SystemGuestRoleId, Locale: "en"}
	f.users[u.Id] = u
	for _, team := range teamIDs {
		f.teamMembers[team+"/"+u.Id] = &model.TeamMember{TeamId: team, UserId: u.Id, Roles: model.TeamGuestRoleId,
			SchemeGuest: true, CreateAt: now}
	}
	return u.Id
}

// isGuestLocked reports whether userID is a guest account; f.mu must be held.
func (f *FakeAPI) isGuestLocked(userID string) bool {
	u, ok := f.users[userID]
	return ok && strings.Contains(" "+u.Roles+" ", " "+model.SystemGuestRoleId+" ")
}

// memberLocked is a new channel membership with the role the user's account calls for; f.mu
// must be held.
func (f *FakeAPI) memberLocked(channelID, userID string) *model.ChannelMember {
	m := newChannelMember(channelID, userID)
	if f.isGuestLocked(userID) {
		m.Roles, m.SchemeUser, m.SchemeGuest = model.ChannelGuestRoleId, false, true
	}
	return m
}
