package conformance

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentresponse/tests/conformance/harness"
)

// No secret reaches the log: webhook URLs carry their token in the path or query, and requests
// carry session tokens in headers, cookies and the query. The test configures such secrets,
// makes deliveries fail (a closed port, a receiver answering 500, the timer's retries), sends
// failing requests carrying tokens, and then reads everything the host, go-plugin and the plugin
// process logged.
func TestNoSecretInLogs(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	secrets := []string{"SECRETTOKENPATH", "SECRETTOKENQUERY", "SECRETBEARER", "SECRETCOOKIE", "SECRETCSRF", "SECRETACCESSTOKEN", "SECRETUSERINFO", "SECRETSIGNINGKEY"}

	// A port nobody listens on, and a receiver that always fails.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	hits := make(chan string, 100)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits <- r.URL.String()
		http.Error(w, "receiver broken", http.StatusInternalServerError)
	}))
	defer failing.Close()

	s := newScenario(t)
	// The receivers are on loopback, which the server must allow (security review #15); each
	// webhook's signing secret must not be logged either.
	s.api.AllowUntrustedInternalConnections("127.0.0.0/8")
	s.configure(t, "Webhooks", strings.Join([]string{
		"http://" + closedAddr + "/T000/SECRETTOKENPATH SECRETSIGNINGKEY-1",
		failing.URL + "/hook?token=SECRETTOKENQUERY SECRETSIGNINGKEY-2",
		"http://user:SECRETUSERINFO@" + closedAddr + "/x SECRETSIGNINGKEY-3",
	}, "\n"))
	inc := s.start(t, s.alice, map[string]any{"name": "Leaky"})
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/severity", map[string]any{"severity": "P1"}, http.StatusOK, nil)

	// Failing requests with tokens where Mattermost clients put them.
	send := func(method, path, body string) int {
		req := harness.NewPluginRequest(method, path+"?access_token=SECRETACCESSTOKEN", strings.NewReader(body), s.alice)
		req.Header.Set("Authorization", "Bearer SECRETBEARER")
		req.Header.Set("Cookie", "MMAUTHTOKEN=SECRETCOOKIE; MMCSRF=SECRETCSRF")
		req.Header.Set("X-CSRF-Token", "SECRETCSRF")
		rec, _, err := harness.ServeHTTP(s.hooks, req, callTimeout)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return rec.Code
	}
	for _, r := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/api/v0/no-such-route", "", http.StatusNotFound},
		{http.MethodPost, "/api/v0/incidents", "{not json", http.StatusBadRequest},
		{http.MethodGet, "/api/v0/incidents/nonexistent", "", http.StatusNotFound},
		{http.MethodPost, "/api/v0/incidents/" + inc.ID + "/status", `{"status":"Nonsense"}`, http.StatusBadRequest},
	} {
		if got := send(r.method, r.path, r.body); got != r.status {
			t.Errorf("%s %s answered %d, want %d", r.method, r.path, got, r.status)
		}
	}
	// A request the plugin fails on: the conduct setting is broken, so it answers 500 and logs.
	s.configure(t, "Severities", strings.Repeat("x", 50)+": too long a name")
	if got := send(http.MethodPost, "/api/v0/incidents/"+inc.ID+"/severity", `{"severity":"P2"}`); got != http.StatusInternalServerError {
		t.Errorf("a broken setting answered %d, want 500", got)
	}
	s.configure(t, "Severities", "")

	// Let the timer retry the deliveries at least once.
	deadline := time.Now().Add(20 * time.Second)
	retried := 0
	for retried < 3 && time.Now().Before(deadline) {
		select {
		case <-hits:
			retried++
		case <-time.After(200 * time.Millisecond):
		}
	}
	if retried < 3 {
		t.Errorf("the failing receiver was called %d times, want the start, the severity change and a retry", retried)
	}
	var deliveries struct {
		Items []struct {
			State     string `json:"state"`
			LastError string `json:"last_error"`
			Attempts  int    `json:"attempts"`
		} `json:"items"`
	}
	s.ok(t, s.admin, http.MethodGet, "/api/v0/webhooks/deliveries", nil, http.StatusOK, &deliveries)
	failures := 0
	for _, d := range deliveries.Items {
		if d.LastError != "" {
			failures++
		}
		for _, secret := range secrets {
			if strings.Contains(d.LastError, secret) {
				t.Errorf("a delivery's last_error shows %s: %q", secret, d.LastError)
			}
		}
	}
	if failures == 0 {
		t.Errorf("no delivery recorded an error: %+v", deliveries.Items)
	}

	// Something was logged (the test would prove nothing over an empty log), and no secret.
	s.f.h.FlushLogs()
	logs := s.f.h.Logs.String()
	if !strings.Contains(logs, "Incident Response activated") {
		t.Fatalf("the log does not have the plugin's own lines; is it captured? tail: %s", s.f.h.Logs.Tail(2000))
	}
	for _, secret := range secrets {
		if i := strings.Index(logs, secret); i >= 0 {
			from, to := max(0, i-300), min(len(logs), i+100)
			t.Errorf("the log contains %s: ...%s...", secret, logs[from:to])
		}
	}
}
