package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentresponse/tests/e2e/mmenv"
)

// stepBrowser runs webapp/test/real_server.test.mjs (node's test runner, Chromium through
// playwright-core) against this server: the faithful host (webapp/test-support/faithful) served
// by the server as its root.html, logged in through the server, loading our main.js where the
// server lists it, with the server's websocket. It hands the server's URL and
// the users' logins over in E2E_MM_* variables; without them that file skips itself, so here
// it must report tests that passed and none skipped.
func stepBrowser(t *testing.T, ctx context.Context, w *world) {
	webapp := filepath.Join(repoDir, "webapp")
	type login struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	users := map[string]login{}
	for _, p := range []*mmenv.Person{w.alice, w.bob, w.carol} {
		users[p.User.Username] = login{p.User.Id, p.User.Username, p.Password}
	}
	usersJSON, _ := json.Marshal(users)
	teamJSON, _ := json.Marshal(map[string]string{"id": w.team.Id, "name": w.team.Name, "channel_id": w.ops.Id})

	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--test", "--test-reporter=tap", "test/real_server.test.mjs")
	cmd.Dir = webapp
	cmd.Env = append(os.Environ(),
		"E2E_MM_URL="+env.URL,
		"E2E_MM_USERS="+string(usersJSON),
		"E2E_MM_TEAM="+string(teamJSON),
		// The server serves this folder below /static/ and its root.html for web routes; the test
		// puts the host page there.
		"E2E_MM_STATIC_DIR="+filepath.Join(env.WorkDir, "client"),
	)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	t.Logf("node --test test/real_server.test.mjs:\n%s", out.String())
	if err != nil {
		t.Fatalf("the browser tests failed: %v", err)
	}
	report := out.String()
	if !strings.Contains(report, "# fail 0") || strings.Contains(report, "# pass 0") || !strings.Contains(report, "# skipped 0") {
		t.Fatal("expected passing browser tests, none failed or skipped")
	}
}
