package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// TestSimilarIncidentsOnStart (issue 18): through Mattermost's plugin host, a start posts the
// similar public past incidents in the new channel, sends the starter's private ones to the
// starter alone, and GET /incidents/{id}/similar answers with what the caller may see.
func TestSimilarIncidentsOnStart(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	public := s.start(t, s.admin, map[string]any{"name": "Payments gateway timeouts", "summary": "Card payments time out"})
	secret := s.start(t, s.alice, map[string]any{"name": "Payments card data exposed", "summary": "Card numbers in logs", "private": true})
	s.start(t, s.admin, map[string]any{"name": "Printer offline", "summary": "Third floor"})

	inc := s.start(t, s.alice, map[string]any{"name": "Card payments failing", "summary": "Payments gateway timeouts again"})
	var inChannel []string
	for _, p := range s.api.ChannelPosts(inc.ChannelID) {
		if strings.Contains(p.Message, "Past incidents like") {
			inChannel = append(inChannel, p.Message)
		}
	}
	if len(inChannel) != 1 || !strings.Contains(inChannel[0], public.Reference) {
		t.Fatalf("the channel's suggestion: %q, want one naming %s", inChannel, public.Reference)
	}
	if strings.Contains(inChannel[0], secret.Reference) || strings.Contains(inChannel[0], "exposed") {
		t.Errorf("a private incident was posted in the channel: %q", inChannel[0])
	}
	var toAlice []string
	for _, c := range s.api.Calls("SendEphemeralPost") {
		if len(c.Args) == 2 && c.Args[0] == s.alice {
			if p, ok := c.Args[1].(*model.Post); ok && p.ChannelId == inc.ChannelID && strings.Contains(p.Message, "shown only to you") {
				toAlice = append(toAlice, p.Message)
			}
		}
	}
	if len(toAlice) != 1 || !strings.Contains(toAlice[0], secret.Reference) {
		t.Errorf("alice's own suggestion: %q, want one naming %s", toAlice, secret.Reference)
	}

	type similar struct {
		Items []struct {
			Reference   string `json:"reference"`
			OpenActions int    `json:"open_actions"`
			State       string `json:"state"`
		} `json:"items"`
	}
	refs := func(v similar) string {
		var out []string
		for _, i := range v.Items {
			out = append(out, i.Reference)
		}
		return strings.Join(out, " ")
	}
	var forAlice, forBob similar
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/similar", nil, http.StatusOK, &forAlice)
	if len(forAlice.Items) < 2 || !strings.Contains(refs(forAlice), secret.Reference) || !strings.Contains(refs(forAlice), public.Reference) {
		t.Errorf("alice's similar incidents: %s", refs(forAlice))
	}
	s.ok(t, s.bob, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/similar", nil, http.StatusOK, &forBob)
	if strings.Contains(refs(forBob), secret.Reference) || !strings.Contains(refs(forBob), public.Reference) {
		t.Errorf("bob (not in the private channel) got: %s", refs(forBob))
	}
	s.fails(t, s.carol, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/similar", nil, http.StatusNotFound)

	said := s.cmd(t, s.bob, s.team, s.town, "/incident similar "+inc.Reference)
	if !strings.Contains(said, public.Reference) || strings.Contains(said, secret.Reference) {
		t.Errorf("/incident similar as bob: %q", said)
	}
}
