package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stepSimilarIncidents (issue 18) on the real server, with whichever store the run uses (SQLite
// FTS5, or PostgreSQL's text search with E2E_STORAGE_BACKEND=database): a past incident's
// timeline words find it for a new one, the start posts it in the new channel, and GET
// …/similar names it first.
func stepSimilarIncidents(t *testing.T, ctx context.Context, w *world) {
	var past, now struct {
		ID        string `json:"id"`
		Reference string `json:"reference"`
		ChannelID string `json:"channel_id"`
	}
	mustCall(t, w.alice, "POST", "/incidents", http.StatusCreated, map[string]any{"team_id": w.team.Id, "name": "Elasticsearch cluster red", "summary": "Shards unassigned"}, &past)
	mustCall(t, w.alice, "POST", "/incidents/"+past.ID+"/notes", http.StatusCreated, map[string]any{"text": "Disk watermark reached on three data nodes"}, nil)
	mustCall(t, w.alice, "POST", "/incidents/"+past.ID+"/end", http.StatusOK, nil, nil)
	mustCall(t, w.alice, "POST", "/incidents", http.StatusCreated, map[string]any{"team_id": w.team.Id, "name": "Search down", "summary": "Disk watermark on the data nodes"}, &now)
	var similar struct {
		Items []struct {
			Reference string `json:"reference"`
			State     string `json:"state"`
		} `json:"items"`
	}
	mustCall(t, w.alice, "GET", "/incidents/"+now.ID+"/similar", http.StatusOK, nil, &similar)
	if len(similar.Items) == 0 || similar.Items[0].Reference != past.Reference || similar.Items[0].State != "ended" {
		t.Fatalf("similar to %s: %+v, want %s first", now.Reference, similar.Items, past.Reference)
	}
	posted := eventually(15*time.Second, func() bool {
		posts, _, err := w.alice.Client.GetPostsForChannel(ctx, now.ChannelID, 0, 50, "", false, false)
		if err != nil {
			return false
		}
		for _, p := range posts.Posts {
			if strings.Contains(p.Message, "Past incidents like "+now.Reference) && strings.Contains(p.Message, past.Reference) {
				return true
			}
		}
		return false
	})
	if !posted {
		t.Errorf("the start did not post %s as similar in the new channel", past.Reference)
	}
}
