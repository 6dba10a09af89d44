package harness

import (
	"bytes"
	"net/http"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

// Further plugin.API methods beyond the required set: cheap to provide and
// common in plugins, so a call to one of them does not nil-panic the test.

func (f *FakeAPI) GetPluginID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetPluginID")
	if f.manifest == nil {
		return ""
	}
	return f.manifest.Id
}

func (f *FakeAPI) GetUnsanitizedConfig() *model.Config {
	f.mu.Lock()
	f.record("GetUnsanitizedConfig")
	f.mu.Unlock()
	return f.buildConfig()
}

func (f *FakeAPI) KVDeleteAll() *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVDeleteAll")
	f.kv = map[string]kvEntry{}
	return nil
}

func (f *FakeAPI) KVCompareAndDelete(key string, oldValue []byte) (bool, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("KVCompareAndDelete", key, append([]byte(nil), oldValue...))
	if err := validKey("KVCompareAndDelete", key); err != nil {
		return false, err
	}
	cur, ok := f.kvGetLocked(key)
	if !ok || !bytes.Equal(cur, oldValue) {
		return false, nil
	}
	delete(f.kv, key)
	return true, nil
}

func (f *FakeAPI) AddUserToChannel(channelID, userID, asUserID string) (*model.ChannelMember, *model.AppError) {
	f.mu.Lock()
	f.record("AddUserToChannel", channelID, userID, asUserID)
	f.mu.Unlock()
	return f.AddChannelMember(channelID, userID)
}

func (f *FakeAPI) GetChannelMembers(channelID string, page, perPage int) (model.ChannelMembers, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetChannelMembers", channelID, page, perPage)
	if _, ok := f.channels[channelID]; !ok {
		return nil, notFound("GetChannelMembers", "channel", channelID)
	}
	var out model.ChannelMembers
	for key, m := range f.channelMembers {
		if strings.HasPrefix(key, channelID+"/") {
			out = append(out, *m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserId < out[j].UserId })
	start := page * perPage
	if page < 0 || perPage < 0 || start >= len(out) {
		return model.ChannelMembers{}, nil
	}
	return out[start:min(start+perPage, len(out))], nil
}

func (f *FakeAPI) UpdateEphemeralPost(userID string, post *model.Post) *model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UpdateEphemeralPost", userID, clonePost(post))
	if post == nil {
		return nil
	}
	p := post.Clone()
	p.Type = model.PostTypeEphemeral
	p.UpdateAt = model.GetMillis()
	for i, e := range f.ephemeral {
		if e.Id == p.Id {
			f.ephemeral[i] = p
			return p.Clone()
		}
	}
	f.ephemeral = append(f.ephemeral, p)
	return p.Clone()
}

func (f *FakeAPI) DeleteEphemeralPost(userID, postID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("DeleteEphemeralPost", userID, postID)
	for i, e := range f.ephemeral {
		if e.Id == postID {
			f.ephemeral = append(f.ephemeral[:i], f.ephemeral[i+1:]...)
			return
		}
	}
}

func (f *FakeAPI) GetTeamByName(name string) (*model.Team, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetTeamByName", name)
	for _, t := range f.teams {
		if t.Name == name {
			cp := *t
			return &cp, nil
		}
	}
	return nil, notFound("GetTeamByName", "team", name)
}

func (f *FakeAPI) GetTeams() ([]*model.Team, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetTeams")
	out := []*model.Team{}
	for _, t := range f.teams {
		cp := *t
		out = append(out, &cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (f *FakeAPI) GetBot(botUserID string, includeDeleted bool) (*model.Bot, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("GetBot", botUserID, includeDeleted)
	b, ok := f.bots[botUserID]
	if !ok || (!includeDeleted && b.DeleteAt != 0) {
		return nil, notFound("GetBot", "bot", botUserID)
	}
	cp := *b
	return &cp, nil
}

func (f *FakeAPI) AddReaction(reaction *model.Reaction) (*model.Reaction, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cp *model.Reaction
	if reaction != nil {
		r := *reaction
		cp = &r
	}
	f.record("AddReaction", cp)
	if reaction == nil || reaction.UserId == "" || reaction.EmojiName == "" {
		return nil, appErr("AddReaction", "model.reaction.is_valid.app_error", "Invalid reaction.", http.StatusBadRequest)
	}
	p, ok := f.posts[reaction.PostId]
	if !ok || p.DeleteAt != 0 {
		return nil, notFound("AddReaction", "post", reaction.PostId)
	}
	r := *reaction
	r.CreateAt = model.GetMillis()
	p.HasReactions = true
	return &r, nil
}
