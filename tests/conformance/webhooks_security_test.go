package conformance

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"incidentresponse/tests/conformance/harness"
)

// Security review findings 6, 13, 15 and 16, through the real bundle and Mattermost's own plugin
// host: outgoing webhooks leave the request path, are signed and stay off internal addresses
// unless the server allows them, and an anonymous body is refused before it is read.

const webhookSecret = "whsec-conformance-0123456789"

// signedDelivery is one request a receiver got, with what it needs to check the signature.
type signedDelivery struct {
	event, timestamp, signature string
	body                        []byte
}

// validSignature checks a delivery the way docs/api.md tells receivers to: HMAC-SHA256 with
// the webhook's secret over "<timestamp>.<body>", compared in constant time, and a timestamp
// within five minutes of now.
func validSignature(d signedDelivery, secret string) bool {
	ts, err := strconv.ParseInt(d.timestamp, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(d.timestamp + "."))
	mac.Write(d.body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(d.signature))
}

// A receiver that takes 15 s to answer must not delay or fail a status update: the update is
// answered at once, saved once, and its delivery arrives later, from the timer, signed.
func TestSlowWebhookReceiverDoesNotDelayAnUpdate(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	var mu sync.Mutex
	var got []signedDelivery
	var hanging atomic.Bool
	hanging.Store(true) // until the update has been answered
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if hanging.Load() {
			select { // 15 s, or until the plugin gives up on it
			case <-time.After(15 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		mu.Lock()
		got = append(got, signedDelivery{r.Header.Get("X-Incident-Response-Event"), r.Header.Get("X-Incident-Response-Timestamp"),
			r.Header.Get("X-Incident-Response-Signature"), body})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	s := newScenario(t)
	s.api.AllowUntrustedInternalConnections("127.0.0.1")
	s.configure(t, "Webhooks", receiver.URL+"/hook "+webhookSecret)
	inc := s.start(t, s.alice, map[string]any{"name": "Slow receiver"})
	time.Sleep(1500 * time.Millisecond) // the timer is now sending the start to the hanging receiver

	began := time.Now()
	type withUpdates struct {
		Updates []any `json:"updates"`
	}
	var after withUpdates
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "Rolled back"}, http.StatusCreated, &after)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the update took %v: it waited for the webhook receiver", took)
	}
	if len(after.Updates) != 1 {
		t.Errorf("%d updates after one POST", len(after.Updates))
	}
	hanging.Store(false)

	deadline := time.Now().Add(25 * time.Second)
	var update *signedDelivery
	for update == nil && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		for i := range got {
			if got[i].event == "update_posted" {
				update = &got[i]
			}
		}
		mu.Unlock()
	}
	if update == nil {
		t.Fatalf("no update_posted delivery within 25 s; got %d deliveries", len(got))
	}
	if !validSignature(*update, webhookSecret) {
		t.Errorf("the delivery's signature %q (timestamp %q) does not verify", update.signature, update.timestamp)
	}
	if validSignature(*update, "whsec-another-secret-0000") {
		t.Errorf("the signature verifies with another secret")
	}
	var now withUpdates
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &now)
	if len(now.Updates) != 1 {
		t.Errorf("%d updates saved, want 1", len(now.Updates))
	}
}

// A webhook on loopback is refused, with the reason in the deliveries log, until the server's
// AllowedUntrustedInternalConnections lists it; then the retry is delivered.
func TestLoopbackWebhookIsRefusedUnlessTheServerAllowsIt(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	var hits atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	s := newScenario(t)
	s.configure(t, "Webhooks", receiver.URL+"/hook "+webhookSecret)
	s.start(t, s.alice, map[string]any{"name": "Internal"})
	type delivery struct {
		State     string `json:"state"`
		Attempts  int    `json:"attempts"`
		LastError string `json:"last_error"`
	}
	var log struct {
		Items []delivery `json:"items"`
	}
	first := func() delivery {
		s.ok(t, s.admin, http.MethodGet, "/api/v0/webhooks/deliveries", nil, http.StatusOK, &log)
		if len(log.Items) != 1 {
			t.Fatalf("deliveries %+v, want the start's", log.Items)
		}
		return log.Items[0]
	}
	// An attempt is claimed (attempts + 1, "interrupted" as its outcome until it has one)
	// before it is sent: wait for the outcome, not the claim.
	deadline := time.Now().Add(10 * time.Second)
	d := first()
	for (d.Attempts == 0 || d.LastError == "the attempt was interrupted before its outcome was recorded") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		d = first()
	}
	if !strings.Contains(d.LastError, "address forbidden: 127.0.0.1 is loopback") || !strings.Contains(d.LastError, "AllowedUntrustedInternalConnections") {
		t.Errorf("the refused delivery says %q", d.LastError)
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver on loopback was called %d times", hits.Load())
	}

	s.api.AllowUntrustedInternalConnections("127.0.0.0/8")
	deadline = time.Now().Add(10 * time.Second)
	for hits.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if d := first(); hits.Load() != 1 || d.State != "delivered" {
		t.Errorf("after allowing loopback: %d calls, delivery %+v", hits.Load(), d)
	}
}

// bodyCounter is a 32 MiB request body that counts how much of it was read.
type bodyCounter struct {
	left int
	read atomic.Int64
}

func (b *bodyCounter) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), b.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	b.left -= n
	b.read.Add(int64(n))
	return n, nil
}

// A request without a Mattermost user is answered 401 before its body is read: of a 32 MiB
// body, the plugin takes in nothing.
func TestUnauthenticatedBigBodyIsRefusedUnread(t *testing.T) {
	s := newScenario(t)
	for _, path := range []string{"/api/v0/incidents", "/api/v0/echo"} {
		body := &bodyCounter{left: 32 << 20}
		req := harness.NewPluginRequest(http.MethodPost, path, body, "")
		rec, took, err := harness.ServeHTTP(s.hooks, req, callTimeout)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("POST %s without a user: %d %s, want 401", path, rec.Code, rec.Body.String())
		}
		if read := body.read.Load(); read > 1<<20 {
			t.Errorf("POST %s without a user: %d bytes of the body were read before the 401", path, read)
		}
		if took > 2*time.Second {
			t.Errorf("POST %s without a user took %v", path, took)
		}
	}
	// With a user, the body is read (and bounded): an over-long one is refused with 413.
	body := &bodyCounter{left: 32 << 20}
	rec, _, err := harness.ServeHTTP(s.hooks, harness.NewPluginRequest(http.MethodPost, "/api/v0/echo", body, s.alice), callTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("32 MiB with a user: %d, want 413", rec.Code)
	}
}
