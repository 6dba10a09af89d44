package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"
)

// ServerVersion is what the fake answers to GetServerVersion: the release of the plugin host
// code the suite is built against (model.CurrentVersion), which is also what that code checks
// a manifest's min_server_version against (plugin.Environment.Activate), as a real server of
// that release does.
var ServerVersion = model.CurrentVersion

// Call is one recorded plugin -> server API call.
type Call struct {
	Name string
	Args []any
	At   time.Time
}

// Seed holds the ids of the objects every FakeAPI starts with.
type Seed struct {
	TeamID    string
	AdminID   string // system admin
	UserID    string // regular user
	ChannelID string // public channel "town-square" in TeamID, both users are members
}

type kvEntry struct {
	value    []byte
	expireAt time.Time // zero: never
}

// FakeAPI is a recording, in-memory, goroutine-safe implementation of the
// parts of plugin.API a plugin is expected to use. Methods it does not
// implement fall through to the embedded nil interface and panic; see
// UnimplementedAPIMethods.
type FakeAPI struct {
	plugin.API

	logger     *mlog.Logger
	bundlePath string

	mu             sync.Mutex
	calls          []Call
	seed           Seed
	manifest       *model.Manifest
	commands       map[string]*model.Command // key teamID + "/" + trigger
	users          map[string]*model.User
	bots           map[string]*model.Bot // by user id
	teams          map[string]*model.Team
	teamMembers    map[string]*model.TeamMember // key team/user
	groups         map[string]*model.Group      // by id
	groupMembers   map[string][]string          // group id -> user ids
	channels       map[string]*model.Channel
	channelMembers map[string]*model.ChannelMember // key channel/user
	readOnly       map[string]bool                 // channel ids moderated so members may not post
	posts          map[string]*model.Post
	postOrder      []string // post ids in creation order
	ephemeral      []*model.Post
	kv             map[string]kvEntry
	pluginConfig   map[string]any
	wsEvents       []WebSocketEvent
	clusterEvents  []model.PluginClusterEvent
	dialogs        []model.OpenDialogRequest
	sidebars       map[string][]*model.SidebarCategoryWithChannels // key user/team; explicit channels only (fakeapi_sidebar.go)
	// ServiceSettings.AllowedUntrustedInternalConnections in GetConfig's answer.
	allowedInternal string
}

// WebSocketEvent is one recorded PublishWebSocketEvent.
type WebSocketEvent struct {
	Event     string
	Payload   map[string]any
	Broadcast *model.WebsocketBroadcast
}

// NewFakeAPI returns a seeded fake. logger receives the plugin's LogX calls
// (may be nil). bundlePath is answered by GetBundlePath.
func NewFakeAPI(logger *mlog.Logger, bundlePath string) *FakeAPI {
	now := model.GetMillis()
	f := &FakeAPI{
		logger:         logger,
		bundlePath:     bundlePath,
		commands:       map[string]*model.Command{},
		users:          map[string]*model.User{},
		bots:           map[string]*model.Bot{},
		teams:          map[string]*model.Team{},
		teamMembers:    map[string]*model.TeamMember{},
		groups:         map[string]*model.Group{},
		groupMembers:   map[string][]string{},
		channels:       map[string]*model.Channel{},
		channelMembers: map[string]*model.ChannelMember{},
		posts:          map[string]*model.Post{},
		kv:             map[string]kvEntry{},
		pluginConfig:   map[string]any{},
	}
	team := &model.Team{Id: model.NewId(), CreateAt: now, UpdateAt: now, DisplayName: "Ops", Name: "ops", Type: model.TeamOpen, Email: "ops@example.com"}
	admin := &model.User{Id: model.NewId(), CreateAt: now, UpdateAt: now, Username: "sysadmin", Email: "sysadmin@example.com", EmailVerified: true,
		FirstName: "Sys", LastName: "Admin", Roles: model.SystemAdminRoleId + " " + model.SystemUserRoleId, Locale: "en"}
	user := &model.User{Id: model.NewId(), CreateAt: now, UpdateAt: now, Username: "alice", Email: "alice@example.com", EmailVerified: true,
		FirstName: "Alice", LastName: "Responder", Roles: model.SystemUserRoleId, Locale: "en"}
	channel := &model.Channel{Id: model.NewId(), CreateAt: now, UpdateAt: now, TeamId: team.Id, Type: model.ChannelTypeOpen,
		DisplayName: "Town Square", Name: "town-square", CreatorId: admin.Id}
	f.teams[team.Id] = team
	f.users[admin.Id] = admin
	f.users[user.Id] = user
	f.channels[channel.Id] = channel
	for _, u := range []*model.User{admin, user} {
		roles := model.TeamUserRoleId
		if u == admin {
			roles += " " + model.TeamAdminRoleId
		}
		f.teamMembers[team.Id+"/"+u.Id] = &model.TeamMember{TeamId: team.Id, UserId: u.Id, Roles: roles, SchemeUser: true, SchemeAdmin: u == admin, CreateAt: now}
		f.channelMembers[channel.Id+"/"+u.Id] = newChannelMember(channel.Id, u.Id)
	}
	f.seed = Seed{TeamID: team.Id, AdminID: admin.Id, UserID: user.Id, ChannelID: channel.Id}
	return f
}

func newChannelMember(channelID, userID string) *model.ChannelMember {
	return &model.ChannelMember{ChannelId: channelID, UserId: userID, Roles: model.ChannelUserRoleId,
		NotifyProps: model.GetDefaultChannelNotifyProps(), SchemeUser: true, LastUpdateAt: model.GetMillis()}
}

// SetManifest is called by the harness's API creator; plugin settings
// defaults come from the manifest's settings schema, like on a server.
func (f *FakeAPI) SetManifest(m *model.Manifest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.manifest = m
	if m != nil && m.SettingsSchema != nil {
		for _, s := range m.SettingsSchema.Settings {
			if s == nil || s.Key == "" {
				continue
			}
			key := strings.ToLower(s.Key)
			if _, ok := f.pluginConfig[key]; !ok && s.Default != nil {
				f.pluginConfig[key] = s.Default
			}
		}
	}
}

// Seed returns the ids of the seeded objects.
func (f *FakeAPI) Seed() Seed {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seed
}

func (f *FakeAPI) record(name string, args ...any) {
	f.calls = append(f.calls, Call{Name: name, Args: args, At: time.Now()})
}

// Calls returns all recorded calls named name (all calls if name is "").
func (f *FakeAPI) Calls(name string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if name == "" || c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// CallNames returns the names of all recorded calls in order.
func (f *FakeAPI) CallNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.calls))
	for i, c := range f.calls {
		out[i] = c.Name
	}
	return out
}

// RegisteredCommands returns the currently registered commands.
func (f *FakeAPI) RegisteredCommands() []*model.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*model.Command, 0, len(f.commands))
	for _, c := range f.commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Trigger < out[j].Trigger })
	return out
}

// EphemeralPosts returns the ephemeral posts sent so far.
func (f *FakeAPI) EphemeralPosts() []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*model.Post(nil), f.ephemeral...)
}

// WebSocketEvents returns the events published so far.
func (f *FakeAPI) WebSocketEvents() []WebSocketEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]WebSocketEvent(nil), f.wsEvents...)
}

func appErr(where, id, msg string, status int) *model.AppError {
	return &model.AppError{Id: id, Message: msg, Where: where, StatusCode: status}
}

func notFound(where, what, id string) *model.AppError {
	e := appErr(where, "app.fake."+strings.ReplaceAll(what, " ", "_")+".not_found.app_error",
		fmt.Sprintf("Unable to find the %s.", what), http.StatusNotFound)
	e.DetailedError = "id=" + id
	return e
}

// ---------------------------------------------------------------- commands

func (f *FakeAPI) RegisterCommand(command *model.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cp *model.Command
	if command != nil {
		c := *command
		cp = &c
	}
	f.record("RegisterCommand", cp)
	if command == nil || strings.TrimSpace(command.Trigger) == "" {
		return fmt.Errorf("invalid command")
	}
	if command.AutocompleteData != nil {
		if err := command.AutocompleteData.IsValid(); err != nil {
			return fmt.Errorf("invalid autocomplete data in command: %w", err)
		}
	}
	c := *command
	c.Trigger = strings.ToLower(c.Trigger)
	if f.manifest != nil {
		c.PluginId = f.manifest.Id
	}
	f.commands[c.TeamId+"/"+c.Trigger] = &c
	return nil
}

func (f *FakeAPI) UnregisterCommand(teamID, trigger string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UnregisterCommand", teamID, trigger)
	delete(f.commands, teamID+"/"+strings.ToLower(trigger))
	return nil
}

// ---------------------------------------------------------------- posts

func (f *FakeAPI) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreatePost", clonePost(post))
	if post == nil {
		return nil, appErr("CreatePost", "api.context.invalid_body_param.app_error", "Invalid or missing post in request body.", http.StatusBadRequest)
	}
	ch, ok := f.channels[post.ChannelId]
	if !ok || ch.DeleteAt != 0 {
		return nil, notFound("CreatePost", "channel", post.ChannelId)
	}
	if post.UserId == "" {
		return nil, appErr("CreatePost", "model.post.is_valid.user_id.app_error", "Invalid user id.", http.StatusBadRequest)
	}
	if post.RootId != "" {
		root, ok := f.posts[post.RootId]
		if !ok || root.DeleteAt != 0 || root.ChannelId != post.ChannelId {
			return nil, appErr("CreatePost", "api.post.create_post.root_id.app_error", "Invalid RootId parameter.", http.StatusBadRequest)
		}
	}
	p := post.Clone()
	if p.Id == "" {
		p.Id = model.NewId()
	}
	now := model.GetMillis()
	if p.CreateAt == 0 {
		p.CreateAt = now
	}
	p.UpdateAt = p.CreateAt
	f.posts[p.Id] = p
	f.postOrder = append(f.postOrder, p.Id)
	ch.LastPostAt = p.CreateAt
	ch.TotalMsgCount++
	if p.RootId == "" {
		ch.LastRootPostAt = p.CreateAt
		ch.TotalMsgCountRoot++
	}
	return p.Clone(), nil
}

func (f *FakeAPI) UpdatePost(post *model.Post) (*model.Post, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UpdatePost", clonePost(post))
	if post == nil {
		return nil, appErr("UpdatePost", "api.context.invalid_body_param.app_error", "Invalid or missing post in request body.", http.StatusBadRequest)
	}
	old, ok := f.posts[post.Id]
	if !ok || old.DeleteAt != 0 {
		return nil, notFound("UpdatePost", "post", post.Id)
	}
	p := old.Clone()
	p.Message = post.Message
	p.MessageSource = post.MessageSource
	p.SetProps(post.GetProps())
	p.FileIds = post.FileIds
	p.HasReactions = post.HasReactions
	p.IsPinned = post.IsPinned
	p.UpdateAt = model.GetMillis()
	if old.Message != p.Message {
		p.EditAt = p.UpdateAt
	}
	f.posts[p.Id] = p
	return p.Clone(), nil
}

func (f *FakeAPI) GetPost(postID string) (*model.Post, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetPost", postID)
	p, ok := f.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return nil, notFound("GetPost", "post", postID)
	}
	return p.Clone(), nil
}

func (f *FakeAPI) GetPostThread(postID string) (*model.PostList, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetPostThread", postID)
	p, ok := f.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return nil, notFound("GetPostThread", "post", postID)
	}
	rootID := p.Id
	if p.RootId != "" {
		rootID = p.RootId
	}
	var thread []*model.Post
	for _, q := range f.posts {
		if q.DeleteAt == 0 && (q.Id == rootID || q.RootId == rootID) {
			thread = append(thread, q)
		}
	}
	// Newest first, like the server's Order.
	sort.Slice(thread, func(i, j int) bool { return thread[i].CreateAt > thread[j].CreateAt })
	list := model.NewPostList()
	for _, q := range thread {
		list.AddPost(q.Clone())
		list.AddOrder(q.Id)
	}
	return list, nil
}

func (f *FakeAPI) DeletePost(postID string) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("DeletePost", postID)
	p, ok := f.posts[postID]
	if !ok || p.DeleteAt != 0 {
		return notFound("DeletePost", "post", postID)
	}
	now := model.GetMillis()
	p.DeleteAt = now
	p.UpdateAt = now
	if p.RootId == "" {
		for _, q := range f.posts {
			if q.RootId == postID && q.DeleteAt == 0 {
				q.DeleteAt = now
				q.UpdateAt = now
			}
		}
	}
	return nil
}

func (f *FakeAPI) SendEphemeralPost(userID string, post *model.Post) *model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SendEphemeralPost", userID, clonePost(post))
	if post == nil {
		return nil
	}
	p := post.Clone()
	if p.Id == "" {
		p.Id = model.NewId()
	}
	if p.CreateAt == 0 {
		p.CreateAt = model.GetMillis()
	}
	p.Type = model.PostTypeEphemeral
	p.UserId = firstNonEmpty(p.UserId, userID)
	f.ephemeral = append(f.ephemeral, p)
	return p.Clone()
}

func clonePost(p *model.Post) *model.Post {
	if p == nil {
		return nil
	}
	return p.Clone()
}

// ---------------------------------------------------------------- channels

func (f *FakeAPI) CreateChannel(channel *model.Channel) (*model.Channel, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreateChannel", cloneChannel(channel))
	if channel == nil {
		return nil, appErr("CreateChannel", "api.context.invalid_body_param.app_error", "Invalid or missing channel in request body.", http.StatusBadRequest)
	}
	c := channel.DeepCopy()
	if c.Id == "" {
		c.Id = model.NewId()
	}
	if c.Type != model.ChannelTypeOpen && c.Type != model.ChannelTypePrivate {
		return nil, appErr("CreateChannel", "model.channel.is_valid.type.app_error", "Invalid type.", http.StatusBadRequest)
	}
	// What the server's Channel.PreSave and Channel.IsValid do before the store sees it.
	c.Name = model.SanitizeUnicode(c.Name)
	c.DisplayName = model.SanitizeUnicode(c.DisplayName)
	if !model.IsValidChannelIdentifier(c.Name) {
		return nil, appErr("CreateChannel", "model.channel.is_valid.2_or_more.app_error", "Name must be 2 or more lowercase alphanumeric characters.", http.StatusBadRequest)
	}
	if c.DisplayName == "" || utf8.RuneCountInString(c.DisplayName) > model.ChannelDisplayNameMaxRunes {
		return nil, appErr("CreateChannel", "model.channel.is_valid.display_name.app_error", "Invalid display name.", http.StatusBadRequest)
	}
	if utf8.RuneCountInString(c.Header) > model.ChannelHeaderMaxRunes {
		return nil, appErr("CreateChannel", "model.channel.is_valid.header.app_error", "Invalid header.", http.StatusBadRequest)
	}
	if utf8.RuneCountInString(c.Purpose) > model.ChannelPurposeMaxRunes {
		return nil, appErr("CreateChannel", "model.channel.is_valid.purpose.app_error", "Invalid purpose.", http.StatusBadRequest)
	}
	// Channels.Name is VARCHAR(64): the database refuses a longer name.
	if len(c.Name) > model.ChannelNameMaxLength {
		return nil, appErr("CreateChannel", "app.channel.create_channel.internal_error", "Unable to save channel.", http.StatusInternalServerError)
	}
	if _, ok := f.teams[c.TeamId]; !ok {
		return nil, notFound("CreateChannel", "team", c.TeamId)
	}
	for _, other := range f.channels {
		if other.TeamId == c.TeamId && other.Name == c.Name {
			return nil, appErr("CreateChannel", "store.sql_channel.save_channel.exists.app_error",
				"A channel with that name already exists on the same team.", http.StatusBadRequest)
		}
	}
	now := model.GetMillis()
	c.CreateAt, c.UpdateAt, c.DeleteAt = now, now, 0
	f.channels[c.Id] = c
	return c.DeepCopy(), nil
}

func (f *FakeAPI) GetChannel(channelID string) (*model.Channel, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetChannel", channelID)
	c, ok := f.channels[channelID]
	if !ok {
		return nil, notFound("GetChannel", "channel", channelID)
	}
	return c.DeepCopy(), nil
}

// DeleteChannel archives, as app.DeleteChannel does (server/channels/app/channel.go): an
// unknown channel is GetChannel's error, an archived one and the default channel are refused.
func (f *FakeAPI) DeleteChannel(channelID string) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("DeleteChannel", channelID)
	c, ok := f.channels[channelID]
	if !ok {
		return notFound("GetChannel", "channel", channelID)
	}
	if c.DeleteAt > 0 {
		return appErr("deleteChannel", "api.channel.delete_channel.deleted.app_error", "The channel has been archived or deleted.", http.StatusBadRequest)
	}
	if c.Name == model.DefaultChannelName {
		return appErr("deleteChannel", "api.channel.delete_channel.cannot.app_error", "Unable to delete the default channel town-square.", http.StatusBadRequest)
	}
	c.DeleteAt = model.GetMillis()
	c.UpdateAt = c.DeleteAt
	return nil
}

func (f *FakeAPI) GetChannelByName(teamID, name string, includeDeleted bool) (*model.Channel, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetChannelByName", teamID, name, includeDeleted)
	for _, c := range f.channels {
		if c.TeamId == teamID && c.Name == name && (includeDeleted || c.DeleteAt == 0) {
			return c.DeepCopy(), nil
		}
	}
	return nil, notFound("GetChannelByName", "channel", teamID+"/"+name)
}

func (f *FakeAPI) UpdateChannel(channel *model.Channel) (*model.Channel, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UpdateChannel", cloneChannel(channel))
	if channel == nil {
		return nil, appErr("UpdateChannel", "api.context.invalid_body_param.app_error", "Invalid or missing channel in request body.", http.StatusBadRequest)
	}
	old, ok := f.channels[channel.Id]
	if !ok || old.DeleteAt != 0 {
		return nil, notFound("UpdateChannel", "channel", channel.Id)
	}
	if channel.Name != old.Name {
		for _, other := range f.channels {
			if other.Id != old.Id && other.TeamId == old.TeamId && other.Name == channel.Name {
				return nil, appErr("UpdateChannel", "store.sql_channel.update.exists.app_error",
					"A channel with that handle already exists.", http.StatusBadRequest)
			}
		}
	}
	c := old.DeepCopy()
	c.Name = channel.Name
	c.DisplayName = channel.DisplayName
	c.Header = channel.Header
	c.Purpose = channel.Purpose
	c.Props = channel.Props
	c.UpdateAt = model.GetMillis()
	f.channels[c.Id] = c
	return c.DeepCopy(), nil
}

func (f *FakeAPI) GetDirectChannel(userID1, userID2 string) (*model.Channel, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetDirectChannel", userID1, userID2)
	for _, id := range []string{userID1, userID2} {
		if _, ok := f.users[id]; !ok {
			return nil, notFound("GetDirectChannel", "user", id)
		}
	}
	name := model.GetDMNameFromIds(userID1, userID2)
	for _, c := range f.channels {
		if c.Type == model.ChannelTypeDirect && c.Name == name {
			return c.DeepCopy(), nil
		}
	}
	now := model.GetMillis()
	c := &model.Channel{Id: model.NewId(), CreateAt: now, UpdateAt: now, Type: model.ChannelTypeDirect, Name: name, CreatorId: userID1}
	f.channels[c.Id] = c
	f.channelMembers[c.Id+"/"+userID1] = newChannelMember(c.Id, userID1)
	f.channelMembers[c.Id+"/"+userID2] = newChannelMember(c.Id, userID2)
	return c.DeepCopy(), nil
}

func (f *FakeAPI) AddChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("AddChannelMember", channelID, userID)
	c, ok := f.channels[channelID]
	if !ok || c.DeleteAt != 0 {
		return nil, notFound("AddChannelMember", "channel", channelID)
	}
	if _, ok := f.users[userID]; !ok {
		return nil, notFound("AddChannelMember", "user", userID)
	}
	if c.Type == model.ChannelTypeDirect || c.Type == model.ChannelTypeGroup {
		return nil, appErr("AddChannelMember", "api.channel.add_user_to_channel.type.app_error", "Can not add user to this channel type.", http.StatusBadRequest)
	}
	// app.AddChannelMember: an existing membership is returned as is; otherwise the user must be
	// an active member of the channel's team (AddUserToChannel's team member integrity check).
	key := channelID + "/" + userID
	if m, ok := f.channelMembers[key]; ok {
		cp := *m
		return &cp, nil
	}
	tm, ok := f.teamMembers[c.TeamId+"/"+userID]
	if !ok {
		return nil, appErr("AddChannelMember", "app.team.get_member.missing.app_error", "No team member found for that user ID and team ID.", http.StatusNotFound)
	}
	if tm.DeleteAt > 0 {
		return nil, appErr("AddChannelMember", "api.channel.add_user.to.channel.failed.deleted.app_error", "Failed to add user to channel because they have been removed from the team.", http.StatusBadRequest)
	}
	m := f.memberLocked(channelID, userID)
	f.channelMembers[key] = m
	cp := *m
	return &cp, nil
}

func (f *FakeAPI) GetChannelMember(channelID, userID string) (*model.ChannelMember, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetChannelMember", channelID, userID)
	m, ok := f.channelMembers[channelID+"/"+userID]
	if !ok {
		return nil, notFound("GetChannelMember", "channel member", channelID+"/"+userID)
	}
	cp := *m
	return &cp, nil
}

func cloneChannel(c *model.Channel) *model.Channel {
	if c == nil {
		return nil
	}
	return c.DeepCopy()
}

// ---------------------------------------------------------------- users and teams

func (f *FakeAPI) GetUser(userID string) (*model.User, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetUser", userID)
	u, ok := f.users[userID]
	if !ok {
		return nil, appErr("GetUser", "app.user.missing_account.const", "Unable to find the user.", http.StatusNotFound)
	}
	return sanitizedUser(u), nil
}

func (f *FakeAPI) GetUserByUsername(name string) (*model.User, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetUserByUsername", name)
	for _, u := range f.users {
		if u.Username == strings.ToLower(name) {
			return sanitizedUser(u), nil
		}
	}
	return nil, appErr("GetUserByUsername", "app.user.get_by_username.app_error", "Unable to find an existing account matching your username for this team. This team may require an invite from the team owner to join.", http.StatusNotFound)
}

func (f *FakeAPI) GetUsersInChannel(channelID, sortBy string, page, perPage int) ([]*model.User, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetUsersInChannel", channelID, sortBy, page, perPage)
	if _, ok := f.channels[channelID]; !ok {
		return nil, notFound("GetUsersInChannel", "channel", channelID)
	}
	if page < 0 || perPage < 0 {
		return nil, appErr("GetUsersInChannel", "api.context.invalid_url_param.app_error", "Invalid page or per_page parameter.", http.StatusBadRequest)
	}
	var out []*model.User
	for key, m := range f.channelMembers {
		if strings.HasPrefix(key, channelID+"/") {
			if u, ok := f.users[m.UserId]; ok {
				out = append(out, sanitizedUser(u))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	start := page * perPage
	if start >= len(out) {
		return []*model.User{}, nil
	}
	end := min(start+perPage, len(out))
	return out[start:end], nil
}

// SetUserTimezone sets a user's User.Timezone, as Settings > Display > Timezone saves it
// (Mattermost's keys: useAutomaticTimezone "true"/"false", automaticTimezone, manualTimezone).
func (f *FakeAPI) SetUserTimezone(userID string, tz model.StringMap) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if ok {
		u.Timezone = tz
	}
	return ok
}

func sanitizedUser(u *model.User) *model.User {
	c := u.DeepCopy()
	c.Password = ""
	return c
}

func (f *FakeAPI) GetTeam(teamID string) (*model.Team, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetTeam", teamID)
	t, ok := f.teams[teamID]
	if !ok {
		return nil, notFound("GetTeam", "team", teamID)
	}
	cp := *t
	return &cp, nil
}

func (f *FakeAPI) GetTeamMember(teamID, userID string) (*model.TeamMember, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetTeamMember", teamID, userID)
	m, ok := f.teamMembers[teamID+"/"+userID]
	if !ok {
		return nil, notFound("GetTeamMember", "team member", teamID+"/"+userID)
	}
	cp := *m
	return &cp, nil
}

// ---------------------------------------------------------------- permissions

var teamUserPermissions = map[string]bool{
	"view_team": true, "list_team_channels": true, "join_public_channels": true, "read_public_channel": true,
	"create_public_channel": true, "create_private_channel": true, "invite_user": true, "add_user_to_team": true,
}

var channelUserPermissions = map[string]bool{
	"read_channel": true, "read_channel_content": true, "create_post": true, "add_reaction": true, "remove_reaction": true,
	"upload_file": true, "use_slash_commands": true, "edit_post": true, "delete_post": true, "use_channel_mentions": true,
	"manage_public_channel_members": true, "manage_private_channel_members": true,
	"manage_public_channel_properties": true, "manage_private_channel_properties": true,
}

var channelGuestPermissions = map[string]bool{
	"read_channel": true, "read_channel_content": true, "create_post": true, "add_reaction": true, "remove_reaction": true,
	"upload_file": true, "use_slash_commands": true, "edit_post": true,
}

func (f *FakeAPI) isSystemAdmin(userID string) bool {
	u, ok := f.users[userID]
	return ok && strings.Contains(" "+u.Roles+" ", " "+model.SystemAdminRoleId+" ")
}

func permID(p *model.Permission) string {
	if p == nil {
		return ""
	}
	return p.Id
}

func (f *FakeAPI) HasPermissionTo(userID string, permission *model.Permission) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("HasPermissionTo", userID, permID(permission))
	return permission != nil && f.isSystemAdmin(userID)
}

func (f *FakeAPI) HasPermissionToTeam(userID, teamID string, permission *model.Permission) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("HasPermissionToTeam", userID, teamID, permID(permission))
	if permission == nil {
		return false
	}
	if f.isSystemAdmin(userID) {
		return true
	}
	m, ok := f.teamMembers[teamID+"/"+userID]
	if !ok || m.DeleteAt != 0 {
		return false
	}
	if m.SchemeGuest {
		// team_guest: the team is visible, its channels are not.
		return permission.Id == "view_team"
	}
	return teamUserPermissions[permission.Id] || (m.SchemeAdmin && strings.HasPrefix(permission.Id, "manage_"))
}

func (f *FakeAPI) HasPermissionToChannel(userID, channelID string, permission *model.Permission) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("HasPermissionToChannel", userID, channelID, permID(permission))
	if permission == nil {
		return false
	}
	if f.isSystemAdmin(userID) {
		return true
	}
	if m, ok := f.channelMembers[channelID+"/"+userID]; ok {
		if f.readOnly[channelID] && permission.Id == "create_post" {
			return false // channel moderation took "Create Posts" from members
		}
		if m.SchemeGuest {
			// channel_guest: takes part, manages nothing.
			return channelGuestPermissions[permission.Id]
		}
		return channelUserPermissions[permission.Id] || teamUserPermissions[permission.Id]
	}
	// Team admins manage the members and properties of their team's channels, joined or not.
	if c, ok := f.channels[channelID]; ok && strings.HasPrefix(permission.Id, "manage_") {
		if m, ok := f.teamMembers[c.TeamId+"/"+userID]; ok && m.DeleteAt == 0 && m.SchemeAdmin {
			return true
		}
	}
	// Non-members of a public channel may still read it via the team.
	if c, ok := f.channels[channelID]; ok && c.Type == model.ChannelTypeOpen {
		if m, ok := f.teamMembers[c.TeamId+"/"+userID]; ok && !m.SchemeGuest {
			return permission.Id == "read_channel" || permission.Id == "read_channel_content" || teamUserPermissions[permission.Id]
		}
	}
	return false
}

// ---------------------------------------------------------------- bots

func (f *FakeAPI) createBotLocked(bot *model.Bot) (*model.Bot, *model.AppError) {
	if bot == nil || !model.IsValidUsername(bot.Username) {
		return nil, appErr("CreateBot", "model.bot.is_valid.username.app_error", "Invalid username.", http.StatusBadRequest)
	}
	for _, u := range f.users {
		if u.Username == bot.Username {
			return nil, appErr("CreateBot", "app.user.save.username_exists.app_error", "An account with that username already exists.", http.StatusBadRequest)
		}
	}
	now := model.GetMillis()
	b := *bot
	b.UserId = model.NewId()
	b.CreateAt, b.UpdateAt = now, now
	u := model.UserFromBot(&b)
	u.CreateAt, u.UpdateAt = now, now
	u.Roles = model.SystemUserRoleId
	u.IsBot = true
	u.BotDescription = b.Description
	f.users[u.Id] = u
	f.bots[u.Id] = &b
	// Like a real server, a new bot is on no team: a plugin adds it (CreateTeamMember) before
	// adding it to a channel, or AddChannelMember refuses it.
	cp := b
	return &cp, nil
}

func (f *FakeAPI) CreateBot(bot *model.Bot) (*model.Bot, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cp *model.Bot
	if bot != nil {
		b := *bot
		cp = &b
	}
	f.record("CreateBot", cp)
	return f.createBotLocked(bot)
}

func (f *FakeAPI) EnsureBotUser(bot *model.Bot) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cp *model.Bot
	if bot != nil {
		b := *bot
		cp = &b
	}
	f.record("EnsureBotUser", cp)
	if bot == nil {
		return "", fmt.Errorf("passed a nil bot")
	}
	for id, b := range f.bots {
		if b.Username == bot.Username {
			return id, nil
		}
	}
	created, aerr := f.createBotLocked(bot)
	if aerr != nil {
		return "", fmt.Errorf("failed to create bot: %w", aerr)
	}
	return created.UserId, nil
}

// ---------------------------------------------------------------- events

func (f *FakeAPI) PublishWebSocketEvent(event string, payload map[string]any, broadcast *model.WebsocketBroadcast) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("PublishWebSocketEvent", event, payload, broadcast)
	f.wsEvents = append(f.wsEvents, WebSocketEvent{Event: event, Payload: payload, Broadcast: broadcast})
}

func (f *FakeAPI) PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("PublishPluginClusterEvent", ev, opts)
	f.clusterEvents = append(f.clusterEvents, ev)
	return nil
}

func (f *FakeAPI) OpenInteractiveDialog(dialog model.OpenDialogRequest) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("OpenInteractiveDialog", dialog)
	if dialog.TriggerId == "" {
		return appErr("OpenInteractiveDialog", "interactive_message.decode_trigger_id.base64_decode_failed", "Failed to decode base64 for trigger ID for interactive dialog.", http.StatusBadRequest)
	}
	if dialog.URL == "" {
		return appErr("OpenInteractiveDialog", "interactive_message.dialog.url.app_error", "Dialog URL is required.", http.StatusBadRequest)
	}
	f.dialogs = append(f.dialogs, dialog)
	return nil
}

// ExecuteSlashCommand follows app.PluginAPI.ExecuteSlashCommand and app.ExecuteCommand
// (server/channels/app/plugin_api.go, command.go): an unknown user is the GetUser error; the
// built-in /echo posts its text as the user (returning an empty response); any other trigger
// is "not found" with the server's message, as on a server with no such command.
func (f *FakeAPI) ExecuteSlashCommand(args *model.CommandArgs) (*model.CommandResponse, error) {
	f.mu.Lock()
	f.record("ExecuteSlashCommand", *args)
	_, known := f.users[args.UserId]
	f.mu.Unlock()
	if !known {
		return nil, appErr("GetUser", "app.user.missing_account.const", "Unable to find the user.", http.StatusNotFound)
	}
	parts := strings.Fields(args.Command)
	trigger := ""
	if len(parts) > 0 {
		trigger = strings.TrimPrefix(parts[0], "/")
	}
	if trigger == "echo" {
		message := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args.Command), parts[0]))
		if _, err := f.CreatePost(&model.Post{ChannelId: args.ChannelId, UserId: args.UserId, Message: message}); err != nil {
			return nil, err
		}
		return &model.CommandResponse{}, nil
	}
	return nil, appErr("command", "api.command.execute_command.not_found.app_error",
		fmt.Sprintf("Command with a trigger of '%s' not found. To send a message beginning with \"/\", try adding an empty space at the beginning of the message.", trigger),
		http.StatusNotFound)
}

// ---------------------------------------------------------------- KV store

func (f *FakeAPI) kvGetLocked(key string) ([]byte, bool) {
	e, ok := f.kv[key]
	if !ok {
		return nil, false
	}
	if !e.expireAt.IsZero() && time.Now().After(e.expireAt) {
		delete(f.kv, key)
		return nil, false
	}
	return e.value, true
}

func validKey(where, key string) *model.AppError {
	if key == "" || len(key) > model.KeyValueKeyMaxRunes {
		return appErr(where, "model.plugin_key_value.is_valid.key.app_error", "Invalid key.", http.StatusBadRequest)
	}
	return nil
}

func (f *FakeAPI) kvSetLocked(key string, value []byte, expireInSeconds int64) {
	if value == nil {
		delete(f.kv, key)
		return
	}
	e := kvEntry{value: append([]byte{}, value...)}
	if expireInSeconds > 0 {
		e.expireAt = time.Now().Add(time.Duration(expireInSeconds) * time.Second)
	}
	f.kv[key] = e
}

func (f *FakeAPI) KVSet(key string, value []byte) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVSet", key, append([]byte(nil), value...))
	if err := validKey("KVSet", key); err != nil {
		return err
	}
	f.kvSetLocked(key, value, 0)
	return nil
}

func (f *FakeAPI) KVSetWithExpiry(key string, value []byte, expireInSeconds int64) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVSetWithExpiry", key, append([]byte(nil), value...), expireInSeconds)
	if err := validKey("KVSetWithExpiry", key); err != nil {
		return err
	}
	f.kvSetLocked(key, value, expireInSeconds)
	return nil
}

func (f *FakeAPI) KVGet(key string) ([]byte, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVGet", key)
	v, ok := f.kvGetLocked(key)
	if !ok {
		return nil, nil
	}
	return append([]byte{}, v...), nil
}

func (f *FakeAPI) KVDelete(key string) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVDelete", key)
	delete(f.kv, key)
	return nil
}

func (f *FakeAPI) KVCompareAndSet(key string, oldValue, newValue []byte) (bool, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVCompareAndSet", key, append([]byte(nil), oldValue...), append([]byte(nil), newValue...))
	return f.kvSetWithOptionsLocked("KVCompareAndSet", key, newValue, model.PluginKVSetOptions{Atomic: true, OldValue: oldValue})
}

func (f *FakeAPI) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVSetWithOptions", key, append([]byte(nil), value...), options)
	return f.kvSetWithOptionsLocked("KVSetWithOptions", key, value, options)
}

func (f *FakeAPI) kvSetWithOptionsLocked(where, key string, value []byte, opts model.PluginKVSetOptions) (bool, *model.AppError) {
	if err := validKey(where, key); err != nil {
		return false, err
	}
	if err := opts.IsValid(); err != nil {
		return false, err
	}
	if opts.Atomic {
		cur, exists := f.kvGetLocked(key)
		if opts.OldValue == nil {
			if exists {
				return false, nil
			}
		} else if !exists || !bytes.Equal(cur, opts.OldValue) {
			return false, nil
		}
	}
	f.kvSetLocked(key, value, opts.ExpireInSeconds)
	return true, nil
}

func (f *FakeAPI) KVList(page, perPage int) ([]string, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVList", page, perPage)
	if page < 0 || perPage < 0 {
		return nil, appErr("KVList", "api.context.invalid_url_param.app_error", "Invalid page or per_page parameter.", http.StatusBadRequest)
	}
	keys := make([]string, 0, len(f.kv))
	for k := range f.kv {
		if _, ok := f.kvGetLocked(k); ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	start := page * perPage
	if start >= len(keys) {
		return []string{}, nil
	}
	return keys[start:min(start+perPage, len(keys))], nil
}

// KVSnapshot returns a copy of the live KV entries.
func (f *FakeAPI) KVSnapshot() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]byte{}
	for k := range f.kv {
		if v, ok := f.kvGetLocked(k); ok {
			out[k] = append([]byte{}, v...)
		}
	}
	return out
}

// ---------------------------------------------------------------- configuration and server info

func (f *FakeAPI) GetConfig() *model.Config {
	f.mu.Lock()
	f.record("GetConfig")
	f.mu.Unlock()
	cfg := f.buildConfig()
	sanitizeConfig(cfg)
	return cfg
}

// sanitizeConfig blanks the secrets as Mattermost's GetConfig does. Config.Sanitize took only
// the plugin manifests before server/public v0.1.15 (10.10) and gained a *SanitizeOptions
// then; the suite builds against both (build/conformance-versions.sh), so it is called by
// reflection with a nil for each parameter, whatever their number.
func sanitizeConfig(cfg *model.Config) {
	sanitize := reflect.ValueOf(cfg).MethodByName("Sanitize")
	args := make([]reflect.Value, sanitize.Type().NumIn())
	for i := range args {
		args[i] = reflect.Zero(sanitize.Type().In(i))
	}
	sanitize.Call(args)
}

func (f *FakeAPI) buildConfig() *model.Config {
	cfg := &model.Config{}
	cfg.SetDefaults()
	cfg.ServiceSettings.SiteURL = model.NewPointer("http://localhost:8065")
	f.mu.Lock()
	cfg.ServiceSettings.AllowedUntrustedInternalConnections = model.NewPointer(f.allowedInternal)
	f.mu.Unlock()
	cfg.PluginSettings.Directory = model.NewPointer(filepath.Dir(f.bundlePath))
	// Per harness, like a server's own data folder, so parallel tests never share a database.
	cfg.FileSettings.Directory = model.NewPointer(filepath.Join(filepath.Dir(filepath.Dir(f.bundlePath)), "data"))
	return cfg
}

func (f *FakeAPI) LoadPluginConfiguration(dest any) error {
	f.mu.Lock()
	f.record("LoadPluginConfiguration")
	b, err := json.Marshal(f.pluginConfig)
	f.mu.Unlock()
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dest)
}

func (f *FakeAPI) GetPluginConfig() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetPluginConfig")
	out := make(map[string]any, len(f.pluginConfig))
	for k, v := range f.pluginConfig {
		out[k] = v
	}
	return out
}

func (f *FakeAPI) SavePluginConfig(config map[string]any) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SavePluginConfig", config)
	next := make(map[string]any, len(config))
	for k, v := range config {
		next[strings.ToLower(k)] = v
	}
	f.pluginConfig = next
	return nil
}

func (f *FakeAPI) GetBundlePath() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetBundlePath")
	return f.bundlePath, nil
}

func (f *FakeAPI) GetServerVersion() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetServerVersion")
	return ServerVersion
}

const fakeDiagnosticID = "fakediagnosticid0000000000"

func (f *FakeAPI) GetDiagnosticId() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetDiagnosticId")
	return fakeDiagnosticID
}

func (f *FakeAPI) GetTelemetryId() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetTelemetryId")
	return fakeDiagnosticID
}

// GetLicense answers nil: an unlicensed (Team Edition) server.
func (f *FakeAPI) GetLicense() *model.License {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetLicense")
	return nil
}

func (f *FakeAPI) GetSystemInstallDate() (int64, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetSystemInstallDate")
	return 1700000000000, nil
}

// ---------------------------------------------------------------- logging

func (f *FakeAPI) log(level string, msg string, kv []any) {
	f.mu.Lock()
	f.record("Log"+level, append([]any{msg}, kv...)...)
	f.mu.Unlock()
	if f.logger == nil {
		return
	}
	fields := []mlog.Field{mlog.String("source", "plugin_api")}
	for i := 0; i < len(kv); i += 2 {
		key := fmt.Sprintf("%v", kv[i])
		var val any = "<missing>"
		if i+1 < len(kv) {
			val = kv[i+1]
		}
		fields = append(fields, mlog.Any(key, val))
	}
	switch level {
	case "Debug":
		f.logger.Debug(msg, fields...)
	case "Info":
		f.logger.Info(msg, fields...)
	case "Warn":
		f.logger.Warn(msg, fields...)
	default:
		f.logger.Error(msg, fields...)
	}
}

func (f *FakeAPI) LogDebug(msg string, keyValuePairs ...any) { f.log("Debug", msg, keyValuePairs) }
func (f *FakeAPI) LogInfo(msg string, keyValuePairs ...any)  { f.log("Info", msg, keyValuePairs) }
func (f *FakeAPI) LogWarn(msg string, keyValuePairs ...any)  { f.log("Warn", msg, keyValuePairs) }
func (f *FakeAPI) LogError(msg string, keyValuePairs ...any) { f.log("Error", msg, keyValuePairs) }

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
