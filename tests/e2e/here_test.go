package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// stepIncidentHere (issue 18) on the real server: two incidents run in the ordinary channel
// "operations" (`/incident start --here`), which keeps its header and names; a command there
// without a reference answers with both; INC-… names one; someone outside the channel cannot
// start one there; deleting never archives it.
func stepIncidentHere(t *testing.T, ctx context.Context, w *world) {
	before, _, err := getChannel(ctx, w.admin.Client, w.ops.Id)
	if err != nil {
		t.Fatalf("operations: %v", err)
	}
	if reply := command(t, w.alice, w.ops.Id, "/incident start --here Cache stampede"); !strings.Contains(reply, "~"+w.ops.Name) {
		t.Fatalf("--here by alice: %q", reply)
	}
	if reply := command(t, w.bob, w.ops.Id, "/incident start --here Queue backlog"); !strings.Contains(reply, "name this one in commands") {
		t.Fatalf("--here by bob: %q", reply)
	}
	var list incidentList
	mustCall(t, w.alice, "GET", "/incidents?state=active&per_page=200&team_id="+w.team.Id, http.StatusOK, nil, &list)
	var cache, queue incident
	for _, inc := range list.Items {
		switch {
		case inc.ChannelID == w.ops.Id && inc.Name == "Cache stampede":
			cache = inc
		case inc.ChannelID == w.ops.Id && inc.Name == "Queue backlog":
			queue = inc
		}
	}
	if cache.ID == "" || queue.ID == "" {
		t.Fatalf("the two incidents in operations: %+v", list.Items)
	}
	if reply := command(t, w.alice, w.ops.Id, "/incident info"); !strings.Contains(reply, "This channel has 2 active incidents") ||
		!strings.Contains(reply, cache.Reference) || !strings.Contains(reply, queue.Reference) {
		t.Errorf("info without a reference: %q", reply)
	}
	if reply := command(t, w.alice, w.ops.Id, "/incident severity P2 "+queue.Reference); !strings.Contains(reply, queue.Reference+" is now") {
		t.Errorf("severity by reference: %q", reply)
	}
	after, _, err := getChannel(ctx, w.admin.Client, w.ops.Id)
	if err != nil || after.Header != before.Header || after.DisplayName != before.DisplayName || after.Purpose != before.Purpose {
		t.Errorf("operations changed: %+v (before %+v) %v", after, before, err)
	}
	// carol is not in operations: as if it did not exist.
	mustCall(t, w.carol, "POST", "/incidents", http.StatusNotFound, map[string]any{"team_id": w.team.Id, "name": "Not hers", "channel_id": w.ops.Id}, nil)
	// Never archived with an incident; ending one leaves the other as the channel's incident.
	mustCall(t, w.admin, "DELETE", "/incidents/"+cache.ID+"?archive_channel=true", http.StatusBadRequest, nil, nil)
	if reply := command(t, w.alice, w.ops.Id, "/incident end "+cache.Reference); !strings.Contains(reply, "Ended "+cache.Reference) {
		t.Errorf("end by reference: %q", reply)
	}
	if reply := command(t, w.bob, w.ops.Id, "/incident end"); !strings.Contains(reply, "Ended "+queue.Reference) {
		t.Errorf("end of the only active one: %q", reply)
	}
	final, _, err := getChannel(ctx, w.admin.Client, w.ops.Id)
	if err != nil || final.DeleteAt != 0 || final.Header != before.Header {
		t.Errorf("operations after both ended: %+v %v", final, err)
	}
}
