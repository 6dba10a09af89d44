package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

const (
	haToggled = 16 // items each checked and unchecked by their own worker
	haAdders  = 6  // workers adding items
	haNoters  = 6  // workers adding timeline notes
	haPerWork = 2  // items or notes per adder or noter
	haAddedTo = "Added concurrently"
)

// haOp is one change a worker makes; ops of one worker run in order, workers all at once.
type haOp struct {
	method, path string
	body         map[string]any
	want         int
}

// Every worker changes its own part of ONE incident, half of them through each node, so the
// end state is known exactly whatever the interleaving: each toggled item in its last state
// with one history entry per change, each added item and note exactly once, and one timeline
// event per acknowledged change. A lost update (a save over someone else's) breaks one of these.
func stepHAConcurrent(t *testing.T, ctx context.Context, w *haWorld) {
	inc := w.incidents[0]
	base := "/incidents/" + inc.ID
	// The items to toggle, and the section the adders append to, added one at a time.
	itemIDs := make([]string, haToggled)
	for i := range itemIDs {
		var added struct {
			ItemID string `json:"item_id"`
		}
		n := w.nodes()[i%2]
		mustCall(t, n.alice, "POST", base+"/items", 201, map[string]any{"section": "HA", "title": fmt.Sprintf("Toggle %02d", i)}, &added)
		itemIDs[i] = added.ItemID
	}
	mustCall(t, w.a.alice, "POST", base+"/items", 201, map[string]any{"section": haAddedTo, "title": "Seed"}, nil)
	var before incident
	mustCall(t, w.a.alice, "GET", base, 200, nil, &before)

	var workers [][]haOp
	for i, id := range itemIDs {
		var ops []haOp // item i changes i%3+1 times: done; done, open; done, open, done
		for k := 0; k <= i%3; k++ {
			ops = append(ops, haOp{"PATCH", base + "/items/" + id, map[string]any{"state": []string{"done", "open"}[k%2]}, 200})
		}
		workers = append(workers, ops)
	}
	for a := 0; a < haAdders; a++ {
		var ops []haOp
		for j := 0; j < haPerWork; j++ {
			ops = append(ops, haOp{"POST", base + "/items", map[string]any{"section": haAddedTo, "title": fmt.Sprintf("Added %d-%d", a, j)}, 201})
		}
		workers = append(workers, ops)
	}
	for a := 0; a < haNoters; a++ {
		var ops []haOp
		for j := 0; j < haPerWork; j++ {
			ops = append(ops, haOp{"POST", base + "/notes", map[string]any{"text": fmt.Sprintf("Note %d-%d", a, j)}, 201})
		}
		workers = append(workers, ops)
	}
	total, retries, errs := runWorkers(w, workers)
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d changes by %d workers through both nodes; %d answered 409 (too busy, retried)", total, len(workers), retries)

	var fromA, fromB incident
	rawA := mustCall(t, w.a.alice, "GET", base, 200, nil, &fromA)
	rawB := mustCall(t, w.b.alice, "GET", base, 200, nil, &fromB)
	if !sameJSON(rawA, rawB) {
		t.Fatalf("nodes A and B serve different documents for %s:\nA %s\nB %s", inc.Reference, rawA, rawB)
	}
	if got, want := len(fromA.Timeline), len(before.Timeline)+total; got != want {
		t.Errorf("timeline has %d events, want %d (%d before + %d acknowledged changes)", got, want, len(before.Timeline), total)
	}
	for i := range itemIDs {
		it := fromA.item(t, fmt.Sprintf("Toggle %02d", i))
		want := []string{"done", "open", "done"}[i%3]
		if it.State != want || len(it.History) != i%3+1 {
			t.Errorf("%s: state %s with %d history entries, want %s with %d", it.Title, it.State, len(it.History), want, i%3+1)
		}
	}
	added := map[string]int{}
	for _, s := range fromA.Checklists {
		for _, it := range s.Items {
			if strings.HasPrefix(it.Title, "Added ") {
				added[it.Title]++
				if s.Title != haAddedTo {
					t.Errorf("%q landed in section %q", it.Title, s.Title)
				}
			}
		}
	}
	notes := map[string]int{}
	for _, ev := range fromA.Timeline {
		if strings.Contains(string(ev), `"note_added"`) {
			for a := 0; a < haNoters; a++ {
				for j := 0; j < haPerWork; j++ {
					if strings.Contains(string(ev), fmt.Sprintf(`"Note %d-%d"`, a, j)) {
						notes[fmt.Sprintf("Note %d-%d", a, j)]++
					}
				}
			}
		}
	}
	for a := 0; a < haAdders; a++ {
		for j := 0; j < haPerWork; j++ {
			if title := fmt.Sprintf("Added %d-%d", a, j); added[title] != 1 {
				t.Errorf("item %q is there %d times, want once", title, added[title])
			}
			if text := fmt.Sprintf("Note %d-%d", a, j); notes[text] != 1 {
				t.Errorf("note %q is on the timeline %d times, want once", text, notes[text])
			}
		}
	}
	if len(added) != haAdders*haPerWork || len(notes) != haNoters*haPerWork {
		t.Errorf("%d distinct added items and %d notes, want %d each", len(added), len(notes), haAdders*haPerWork)
	}
}

// runWorkers starts every worker at once (worker i talks to node i%2) and waits. The plugin
// retries a save that lost a race a few times, then answers 409 "try again"; nothing was
// saved, so the worker tries again, as a client would, for up to 30 s. It answers how many
// changes were acknowledged and how many 409s were retried.
func runWorkers(w *haWorld, workers [][]haOp) (int, int, []error) {
	var total, retries atomic.Int64
	var mu sync.Mutex
	var errs []error
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, ops := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := w.nodes()[i%2]
			<-start
			for _, op := range ops {
				deadline := time.Now().Add(30 * time.Second)
				for {
					err := send(n.alice, op.method, op.path, op.body, op.want, nil)
					var se *statusError
					if err != nil && errors.As(err, &se) && se.status == http.StatusConflict && strings.Contains(se.body, "try again") && time.Now().Before(deadline) {
						retries.Add(1)
						// A short random pause, so the losers do not collide again in step.
						time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
						continue
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("worker %d through node %s: %w", i, n.name, err))
						mu.Unlock()
						return
					}
					total.Add(1)
					break
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	return int(total.Load()), int(retries.Load()), errs
}

// An update that promises the next one in a few seconds makes a reminder due. Both plugin
// processes run their timer every 2 s (INCIDENT_TICK_SECONDS, inherited from the test) over
// the same incidents, so both see it due; the claim in Mattermost's key-value store must let
// exactly one post it. After the first reminder we keep looking for 10 s: five more ticks of
// each node, in which no second one may appear. Both incidents, one started through each
// node, are watched at once.
func stepHAReminder(t *testing.T, ctx context.Context, w *haWorld) {
	due := time.Now().Add(6 * time.Second)
	for i, inc := range w.incidents {
		n := w.nodes()[i%2]
		mustCall(t, n.alice, "POST", "/incidents/"+inc.ID+"/updates", 201,
			map[string]any{"message": "Failing over to the standby.", "next_update_at": due.UnixMilli()}, nil)
	}
	reminders := func(inc incident) []*model.Post {
		var out []*model.Post
		for _, p := range channelPosts(t, ctx, w.a.alice, inc.ChannelID) {
			if strings.Contains(p.Message, "Time for a status update on "+inc.Reference) {
				out = append(out, p)
			}
		}
		return out
	}
	var first time.Time
	for _, inc := range w.incidents {
		if !eventually(due.Add(40*time.Second).Sub(time.Now()), func() bool { return len(reminders(inc)) > 0 }) {
			t.Fatalf("no reminder for %s within 40 s of its due time %s", inc.Reference, due.Format(time.TimeOnly))
		}
		if first.IsZero() {
			first = time.Now()
		}
	}
	until := first.Add(10 * time.Second)
	for time.Now().Before(until) {
		for _, inc := range w.incidents {
			if got := reminders(inc); len(got) > 1 {
				t.Fatalf("%d reminders for %s, want one:%s", len(got), inc.Reference, describePosts(got))
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, inc := range w.incidents {
		got := reminders(inc)
		if len(got) != 1 {
			t.Fatalf("%d reminders for %s, want one:%s", len(got), inc.Reference, describePosts(got))
		}
		if at := time.UnixMilli(got[0].CreateAt); at.Before(due.Add(-time.Second)) {
			t.Errorf("reminder for %s at %s, before its due time %s", inc.Reference, at.Format(time.TimeOnly), due.Format(time.TimeOnly))
		}
		// Read through node B too: the same single post.
		if viaB := channelPosts(t, ctx, w.b.alice, inc.ChannelID); !anyPost(viaB, func(p *model.Post) bool { return p.Id == got[0].Id }) {
			t.Errorf("node B does not serve the reminder post %s", got[0].Id)
		}
	}
}
