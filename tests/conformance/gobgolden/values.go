package gobgolden

import (
	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// The values recorded. Every field the plugin reads (server/mm-model) is set here explicitly,
// to the values server/mm-protocol/tests/golden_values/mod.rs expects; FillZeroFields then fills
// every other field, those the release added included. Change both sides together.

func hookContext() *plugin.Context {
	c := &plugin.Context{SessionId: "session-1", RequestId: "request-1", IPAddress: "192.0.2.7",
		AcceptLanguage: "fr-FR", UserAgent: "golden/1"}
	SetIfPresent(c, "ConnectionId", "connection-1")
	return c
}

func commandArgs() *model.CommandArgs {
	a := &model.CommandArgs{UserId: "user-1", ChannelId: "channel-1", TeamId: "team-1", RootId: "root-1",
		ParentId: "parent-1", TriggerId: "trigger-1", Command: "/incident start Disk full",
		SiteURL:         "https://chat.example.com",
		UserMentions:    model.UserMentionMap{"alice": "user-2"},
		ChannelMentions: model.ChannelMentionMap{"town-square": "channel-2"}}
	FillZeroFields(a)
	return a
}

func team() *model.Team {
	t := &model.Team{Id: "team-1", CreateAt: 1700000000001, UpdateAt: 1700000000002, DeleteAt: 1700000000003,
		DisplayName: "Operations", Name: "ops", Description: "Keeps things up", Email: "ops@example.com",
		Type: model.TeamInvite, AllowOpenInvite: true}
	FillZeroFields(t)
	return t
}

func channel() *model.Channel {
	c := &model.Channel{Id: "channel-1", CreateAt: 1700000000011, UpdateAt: 1700000000012, DeleteAt: 1700000000013,
		TeamId: "team-1", Type: model.ChannelTypePrivate, DisplayName: "Incident: Disk full", Name: "incident-disk-full",
		Header: "Header", Purpose: "Purpose", LastPostAt: 1700000000014, TotalMsgCount: 15, CreatorId: "user-1",
		Props: map[string]any{"k": "v"}}
	FillZeroFields(c)
	return c
}

func channelMember() *model.ChannelMember {
	m := &model.ChannelMember{ChannelId: "channel-1", UserId: "user-1", Roles: "channel_user channel_admin",
		LastViewedAt: 1700000000021, MsgCount: 22, MentionCount: 23,
		NotifyProps: model.StringMap{"desktop": "mention"}, LastUpdateAt: 1700000000024,
		SchemeGuest: true, SchemeUser: true, SchemeAdmin: true}
	FillZeroFields(m)
	return m
}

func post() *model.Post {
	p := &model.Post{Id: "post-1", CreateAt: 1700000000031, UpdateAt: 1700000000032, EditAt: 1700000000033,
		DeleteAt: 1700000000034, IsPinned: true, UserId: "user-1", ChannelId: "channel-1", RootId: "root-1",
		OriginalId: "original-1", Message: "Checkout is failing", Type: "custom_incident",
		Hashtags: "#ops", FileIds: model.StringArray{"file-1"}, PendingPostId: "pending-1", ReplyCount: 35}
	p.SetProps(model.StringInterface{"from_bot": "true"})
	FillZeroFields(p)
	return p
}

func postList() *model.PostList {
	hasNext := true
	l := &model.PostList{Order: []string{"post-1"}, Posts: map[string]*model.Post{"post-1": post()},
		NextPostId: "post-2", PrevPostId: "post-0", HasNext: &hasNext}
	FillZeroFields(l)
	return l
}

// The types the plugin sends: the fields it sets, with the values the Rust tests encode
// (server/mm-protocol/tests/golden_values/mod.rs, used by golden_to_go.rs); the
// Go test decodes the Rust bytes and expects exactly these. Recorded from Go, filled: attachments
// are of the type the release calls SlackAttachment or MessageAttachment.

func commandResponseSent() *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: "Started", Username: "incident",
		ChannelId: "channel-1", IconURL: "https://chat.example.com/icon.svg", Type: "custom_incident",
		Props: model.StringInterface{"incident_id": "incident-1"}, GotoLocation: "https://chat.example.com/ops",
		TriggerId: "trigger-1", SkipSlackParsing: true}
}

func commandResponse() *model.CommandResponse {
	r := commandResponseSent()
	FillZeroFields(r)
	return r
}

func openDialogRequestSent() model.OpenDialogRequest {
	e := model.DialogElement{DisplayName: "Name", Name: "name", Type: "text", SubType: "text", Default: "Disk full",
		Placeholder: "What is broken?", HelpText: "Short", Optional: true, MinLength: 3, MaxLength: 64,
		DataSource: "users", Options: []*model.PostActionOptions{{Text: "Sev 1", Value: "1"}}}
	return model.OpenDialogRequest{TriggerId: "trigger-1", URL: "/plugins/incident-response/api/v0/dialogs/start",
		Dialog: model.Dialog{CallbackId: "start", Title: "Start incident", IntroductionText: "Intro",
			IconURL: "https://chat.example.com/icon.svg", Elements: []model.DialogElement{e},
			SubmitLabel: "Start", NotifyOnCancel: true, State: "state-1"}}
}

func openDialogRequest() model.OpenDialogRequest {
	r := openDialogRequestSent()
	FillZeroFields(&r.Dialog.Elements[0])
	FillZeroFields(&r)
	return r
}

const websocketEvent = "custom_incident-response_incident_updated"

func websocketPayload() map[string]any { return map[string]any{"incident_id": "incident-1"} }

func websocketBroadcastSent() *model.WebsocketBroadcast {
	return &model.WebsocketBroadcast{OmitUsers: map[string]bool{"user-3": true}, UserId: "user-1", ChannelId: "channel-1",
		TeamId: "team-1", ConnectionId: "connection-1", OmitConnectionId: "connection-2"}
}

func websocketBroadcast() *model.WebsocketBroadcast {
	b := websocketBroadcastSent()
	FillZeroFields(b)
	return b
}
