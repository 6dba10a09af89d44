package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

// kill -9 of the plugin process in the middle of a command storm: every change Mattermost was
// told succeeded is still there after Mattermost's health check restarts the plugin (SQLite
// with WAL and synchronous=FULL commits before the answer goes out).
func TestKillDuringCommandStorm(t *testing.T) {
	s := newScenario(t)
	inc := s.start(t, s.alice, map[string]any{"team_id": s.team, "name": "Storm"})
	pid := s.f.pid(t, s.f.inst)

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("w%d-%d", w, i)
				args := &model.CommandArgs{Command: "/incident keyevent " + title, UserId: s.alice, TeamId: s.team,
					ChannelId: inc.ChannelID, TriggerId: model.NewId()}
				res, err := harness.ExecuteCommand(s.hooks, args, 5*time.Second)
				if err != nil || res.AppErr != nil || res.Response == nil {
					return // the process is gone: no more acknowledgements from this worker
				}
				if strings.HasPrefix(res.Response.Text, "Added to the timeline") {
					mu.Lock()
					acked = append(acked, title)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(500 * time.Millisecond)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	mu.Lock()
	done := append([]string(nil), acked...)
	mu.Unlock()
	if len(done) < 10 {
		t.Fatalf("only %d commands were acknowledged before the kill; the storm did not get going", len(done))
	}

	// What Mattermost's health check job does: a failed check restarts the plugin.
	err := s.f.h.Env.PerformHealthCheck(pluginID)
	if err == nil {
		t.Fatalf("the health check passed with the plugin process killed")
	}
	t.Logf("health check after kill -9: %v", err)
	if err := s.f.h.Env.RestartPlugin(pluginID); err != nil {
		t.Fatalf("RestartPlugin: %v", err)
	}
	hooks, err := s.f.h.Hooks(pluginID)
	if err != nil || !s.f.h.Env.IsActive(pluginID) {
		t.Fatalf("the plugin did not come back: %v", err)
	}
	s.hooks = hooks
	if now, err := s.f.h.PluginPID(s.f.inst); err != nil || now == pid {
		t.Fatalf("plugin process after the restart: %d (%v), was %d", now, err, pid)
	}
	var after incident
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &after)
	have := map[string]bool{}
	for _, e := range after.Timeline {
		if text, ok := e.Kind["text"].(string); ok && e.kind() == "note_added" {
			have[text] = true
		}
	}
	for _, title := range done {
		if !have[title] {
			t.Errorf("acknowledged timeline entry %q is missing after the restart", title)
		}
	}
	t.Logf("%d acknowledged changes before kill -9, all present after the restart (%d entries stored)", len(done), len(have))
	// And the plugin works again.
	replyHas(t, "/incident info", s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident info"), "INC-0001")
}
