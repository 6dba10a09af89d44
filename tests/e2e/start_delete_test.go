package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stepStartCommandAndDelete (issue 17) on the real server: a playbook item's /echo runs through
// ExecuteSlashCommand as the starter (the server posts its text as alice in the new channel); an
// item for P1 only is left out at the initial severity; a team member may not delete; the system
// admin deletes with the channel archived (DeleteChannel), and the incident is gone.
func stepStartCommandAndDelete(t *testing.T, ctx context.Context, w *world) {
	var pb struct {
		ID string `json:"id"`
	}
	mustCall(t, w.alice, "POST", "/playbooks", http.StatusCreated, map[string]any{
		"team_id": w.team.Id, "title": "Drills",
		"checklists": []any{map[string]any{"title": "Start", "items": []any{
			map[string]any{"title": "Say it is a drill", "command": "/echo This is a drill", "run_at_start": true},
			map[string]any{"title": "Call the CTO", "condition": map[string]any{"severities": []string{"P1"}}},
		}}},
	}, &pb)
	var inc struct {
		ID         string `json:"id"`
		ChannelID  string `json:"channel_id"`
		Checklists []struct {
			Items []struct {
				Applies   *bool   `json:"applies"`
				LastRunBy *string `json:"last_run_by"`
			} `json:"items"`
		} `json:"checklists"`
	}
	mustCall(t, w.alice, "POST", "/incidents", http.StatusCreated, map[string]any{"team_id": w.team.Id, "name": "Fire drill", "playbook_id": pb.ID}, nil)
	var list incidentList
	mustCall(t, w.alice, "GET", "/incidents?state=active&q=Fire%20drill&team_id="+w.team.Id, http.StatusOK, nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("the drill is not listed: %+v", list.Items)
	}
	mustCall(t, w.alice, "GET", "/incidents/"+list.Items[0].ID, http.StatusOK, nil, &inc)
	items := inc.Checklists[0].Items
	if items[0].LastRunBy == nil || *items[0].LastRunBy != w.alice.User.Id || items[1].Applies == nil || *items[1].Applies {
		t.Errorf("start command run / P1 item: %+v %+v", items[0], items[1])
	}
	echoed := eventually(15*time.Second, func() bool {
		posts, _, err := w.alice.Client.GetPostsForChannel(ctx, inc.ChannelID, 0, 50, "", false, false)
		if err != nil {
			return false
		}
		for _, p := range posts.Posts {
			if p.UserId == w.alice.User.Id && strings.TrimSpace(p.Message) == "This is a drill" {
				return true
			}
		}
		return false
	})
	if !echoed {
		t.Errorf("the server did not post the /echo start command's text as alice in the incident channel")
	}

	mustCall(t, w.alice, "DELETE", "/incidents/"+inc.ID+"?archive_channel=true", http.StatusForbidden, nil, nil)
	var deleted struct {
		ChannelArchived bool `json:"channel_archived"`
	}
	mustCall(t, w.admin, "DELETE", "/incidents/"+inc.ID+"?archive_channel=true", http.StatusOK, nil, &deleted)
	if !deleted.ChannelArchived {
		t.Errorf("the channel was not archived")
	}
	ch, _, err := getChannel(ctx, w.admin.Client, inc.ChannelID)
	if err != nil || ch.DeleteAt == 0 {
		t.Errorf("the incident channel is not archived on the server: %+v %v", ch, err)
	}
	mustCall(t, w.admin, "GET", "/incidents/"+inc.ID, http.StatusNotFound, nil, nil)
}
