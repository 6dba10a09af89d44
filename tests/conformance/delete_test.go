package conformance

import (
	"net/http"
	"testing"
)

// TestDeleteIncidentAndArchiveItsChannel (issue 17): GET says who may delete; a team member may
// not; a system admin deletes with archive_channel=true, and the channel is archived through the
// DeleteChannel API of Mattermost's plugin host.
func TestDeleteIncidentAndArchiveItsChannel(t *testing.T) {
	t.Parallel()
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"name": "Fire drill"})
	var seen struct {
		MayDelete bool `json:"may_delete"`
	}
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &seen)
	if seen.MayDelete {
		t.Errorf("alice (team member) may delete")
	}
	s.ok(t, s.admin, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &seen)
	if !seen.MayDelete {
		t.Errorf("the system admin may not delete")
	}
	s.fails(t, s.alice, http.MethodDelete, "/api/v0/incidents/"+inc.ID+"?archive_channel=true", nil, http.StatusForbidden)
	if len(s.api.Calls("DeleteChannel")) != 0 {
		t.Fatalf("a refused delete archived the channel")
	}
	var deleted struct {
		Reference       string `json:"reference"`
		ChannelArchived bool   `json:"channel_archived"`
	}
	s.ok(t, s.admin, http.MethodDelete, "/api/v0/incidents/"+inc.ID+"?archive_channel=true", nil, http.StatusOK, &deleted)
	if !deleted.ChannelArchived || deleted.Reference == "" {
		t.Errorf("delete answered %+v", deleted)
	}
	ch, appErr := s.api.GetChannel(inc.ChannelID)
	if appErr != nil || ch.DeleteAt == 0 {
		t.Errorf("the incident channel is not archived: %+v %v", ch, appErr)
	}
	s.fails(t, s.admin, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusNotFound)
}
