package conformance

// Who may make the bot post where, and what it says (security review #1, #3, #14): the real
// bundle on the fake server. Channel-wide mentions are judged as Mattermost judges them: the
// post's Markdown parsed by Mattermost's own parser (shared/markdown, the one the server's
// notification code uses), its text nodes joined and split into words by a port of
// ProcessText (the app package that holds it cannot be imported without the whole server).

import (
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/shared/markdown"
)

// channelWideMentions answers which of @here, @channel and @all Mattermost finds in a post's
// message. Ported from mattermost/server/v8@v8.0.0-20251014075701-833e0125320d:
// channels/app/notification.go:1370-1400 (getExplicitMentions: Markdown text nodes are joined
// until a node that is not text) and channels/app/mention_parser_standard.go:30-93 and :100-129
// (ProcessText, checkForMention), keeping only the system mentions. Every check runs as if no
// user had the word as a mention key, so nothing is skipped: this finds the most. Text nodes
// reach ProcessText one by one: Inspect also calls back with nil after each node, which flushes.
func channelWideMentions(message string) []string {
	found := map[string]bool{}
	check := func(word string) {
		switch w := strings.ToLower(word); w {
		case "@here", "@channel", "@all":
			found[w] = true
		}
	}
	system := map[string]bool{"@here": true, "@channel": true, "@all": true}
	processText := func(text string) {
		for _, word := range strings.FieldsFunc(text, func(c rune) bool {
			return !(c == ':' || c == '.' || c == '-' || c == '_' || c == '@' || unicode.IsLetter(c) || unicode.IsNumber(c))
		}) {
			if word[0] == ':' && word[len(word)-1] == ':' {
				continue
			}
			word = strings.TrimLeft(word, ":.-_")
			check(word)
			for w := word; w != "" && strings.LastIndexAny(w, ".-:_") == len(w)-1; {
				w = w[:len(w)-1]
				check(w)
			}
			if !system[word] && strings.HasPrefix(word, "@") {
				continue
			}
			if strings.ContainsAny(word, ".-:") {
				for _, piece := range strings.FieldsFunc(word, func(c rune) bool { return c == '.' || c == '-' || c == ':' }) {
					check(piece)
				}
			}
		}
	}
	buf := ""
	markdown.Inspect(message, func(node any) bool {
		text, ok := node.(*markdown.Text)
		if !ok {
			if buf != "" {
				processText(buf)
			}
			buf = ""
			return true
		}
		buf += text.Text
		return false
	})
	if buf != "" {
		processText(buf)
	}
	var out []string
	for _, m := range []string{"@here", "@channel", "@all"} {
		if found[m] {
			out = append(out, m)
		}
	}
	return out
}

// mentionAttacks are texts that notify a whole channel as typed, one per line of a status update.
var mentionAttacks = []string{
	"DB down, x.@channel-x please join",
	"ops:@here.now",
	"db-@all-hands",
	"(@ALL)",
	"**@Channel**",
	"_@here_",
	"go @all_www.example.com",
	"[@here](https://example.com)",
}

// Texts this server version does not count as channel-wide (markdown.Inspect calls back with nil
// after every node, which ends the text there, so a character reference splits the word; no
// emoji or emphasis node is made), which safe() defuses all the same: they sit on the edge of
// the rules, and a parser closer to CommonMark would count some.
var mentionEdges = []string{
	"go @all-_hands_",
	"go @here:smile:",
	"&#64;channel and @chann&#101;l",
	"x\\.@all-hands",
}

func TestPostingSecurityTheMentionCheckSeesWhatMattermostSees(t *testing.T) {
	for _, text := range mentionAttacks {
		if len(channelWideMentions(text)) == 0 {
			t.Errorf("%q: Mattermost notifies the channel for it, the check finds nothing", text)
		}
	}
	for _, text := range []string{"ask @alice", "the @all-hands group", "go @all_hands", "mail a@here.example", "see @here.now", "`@channel` in code", "@\u200bchannel"} {
		if got := channelWideMentions(text); len(got) != 0 {
			t.Errorf("%q: no channel-wide mention for Mattermost, the check finds %v", text, got)
		}
	}
}

func TestPostingSecurityUpdatesArriveDefused(t *testing.T) {
	s := newScenario(t)
	ops, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: "ops", DisplayName: "Ops", Type: model.ChannelTypeOpen})
	if aerr != nil {
		t.Fatalf("channel: %v", aerr)
	}
	s.api.JoinChannel(ops.Id, s.alice)
	var pb playbook
	s.ok(t, s.alice, http.MethodPost, "/api/v0/playbooks", map[string]any{"team_id": s.team, "title": "Announced", "announcement_channel_ids": []string{ops.Id}}, http.StatusCreated, &pb)
	inc := s.start(t, s.alice, map[string]any{"name": "x.@channel-x outage", "summary": "ops:@here.now", "playbook_id": pb.ID})
	message := strings.Join(append(append([]string{}, mentionAttacks...), mentionEdges...), "\n")
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": message, "impact": "db-@all-hands"}, http.StatusCreated, nil)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/notes", map[string]any{"text": "x.@channel-x noted"}, http.StatusCreated, nil)
	var update *model.Post
	for _, channel := range []string{inc.ChannelID, ops.Id} {
		for _, p := range s.botPosts(channel) {
			if strings.Contains(p.Message, "Status update") {
				update = p
			}
			// The start announcement (another change's) aside, every bot post is defused.
			if strings.Contains(p.Message, "started") && channel == ops.Id {
				continue
			}
			if got := channelWideMentions(p.Message); len(got) != 0 {
				t.Errorf("the bot's post in %s notifies %v:\n%s", channel, got, p.Message)
			}
		}
	}
	if update == nil {
		t.Fatalf("no status update post; bot posts: %v", s.botPosts(ops.Id))
	}
	if shown := strings.ReplaceAll(update.Message, "\u200b", ""); !strings.Contains(shown, "DB down, x.@channel-x please join") {
		t.Errorf("the update reads differently: %q", update.Message)
	}
}

func TestPostingSecurityAnnouncementChannelsMustBeOnesTheEditorMayPostIn(t *testing.T) {
	s := newScenario(t)
	channel := func(name string) string {
		c, aerr := s.api.CreateChannel(&model.Channel{TeamId: s.team, Name: name, DisplayName: name, Type: model.ChannelTypeOpen})
		if aerr != nil {
			t.Fatalf("channel: %v", aerr)
		}
		return c.Id
	}
	announcements, ops, random := channel("announcements"), channel("ops"), channel("random")
	s.api.JoinChannel(announcements, s.bob)
	s.api.JoinChannel(ops, s.bob)
	s.api.SetChannelReadOnly(announcements)
	create := func(channels ...string) map[string]any {
		return map[string]any{"team_id": s.team, "title": "Announcing", "announcement_channel_ids": channels}
	}
	for name, id := range map[string]string{"read-only": announcements, "not joined": random} {
		msg := s.fails(t, s.bob, http.MethodPost, "/api/v0/playbooks", create(ops, id), http.StatusBadRequest)
		if !strings.Contains(msg, "you cannot post in") {
			t.Errorf("%s channel: refused with %q", name, msg)
		}
	}
	var many []string
	for i := 0; i < 11; i++ {
		many = append(many, model.NewId())
	}
	if msg := s.fails(t, s.bob, http.MethodPost, "/api/v0/playbooks", create(many...), http.StatusBadRequest); !strings.Contains(msg, "the limit is 10") {
		t.Errorf("11 channels: refused with %q", msg)
	}
	var pb playbook
	s.ok(t, s.bob, http.MethodPost, "/api/v0/playbooks", create(ops, ops, ops, ops), http.StatusCreated, &pb)
	if len(pb.AnnouncementChannelIDs) != 1 || pb.AnnouncementChannelIDs[0] != ops {
		t.Errorf("duplicates are kept once: %v", pb.AnnouncementChannelIDs)
	}
	pb.AnnouncementChannelIDs = []string{ops, announcements}
	s.fails(t, s.bob, http.MethodPut, "/api/v0/playbooks/"+pb.ID, pb, http.StatusBadRequest)
	s.ok(t, s.admin, http.MethodPut, "/api/v0/playbooks/"+pb.ID, pb, http.StatusOK, nil)
}

func TestPostingSecurityOnlyTheCommanderOrAnAdminPublishesTheReport(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Queue stuck"})
	guest := s.api.AddGuest("gina", s.team)
	s.api.JoinChannel(inc.ChannelID, guest)
	s.api.JoinChannel(inc.ChannelID, s.bob)
	report := "/api/v0/incidents/" + inc.ID + "/report"
	phishing := "## Mandatory password reset\nAll staff: [sign in here](https://evil.example/sso) today. x.@channel-x"
	s.ok(t, guest, http.MethodPut, report, map[string]any{"markdown": phishing, "revision": 0}, http.StatusOK, nil)
	posts := len(s.api.ChannelPosts(""))
	for _, user := range []string{guest, s.bob} {
		if msg := s.fails(t, user, http.MethodPost, report+"/publish", nil, http.StatusForbidden); !strings.Contains(msg, "Only the incident's commander") {
			t.Errorf("%s: refused with %q", s.name(user), msg)
		}
	}
	if got := len(s.api.ChannelPosts("")); got != posts {
		t.Fatalf("a refused publish posted %d times", got-posts)
	}
	s.ok(t, s.alice, http.MethodPost, report+"/publish", nil, http.StatusOK, nil)
	bot := s.botPosts(inc.ChannelID)
	published := bot[len(bot)-1].Message
	if !strings.Contains(published, "password reset") || len(channelWideMentions(published)) != 0 {
		t.Errorf("the published report is not the defused text: %q", published)
	}
	if msg := s.fails(t, s.admin, http.MethodPost, report+"/publish", nil, http.StatusTooManyRequests); !strings.Contains(msg, "wait a minute") {
		t.Errorf("a second publish within the minute: %q", msg)
	}
}
