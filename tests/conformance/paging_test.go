package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paging and the status page through the real bundle, Mattermost's plugin host and the host's
// outgoing HTTP: a local receiver plays PagerDuty (Events API v2), Opsgenie (Alert API) and
// Statuspage (REST API v1), checks each request against the shape their documentation gives,
// and answers as they do. The plugin's PagingEndpoints setting points at it.

const (
	pdKey = "pdroutingkeyconformance00000001"
	ogKey = "0f0e0d0c-aaaa-bbbb-cccc-conformance01"
	spKey = "statuspage-oauth-key-conformance-01"
)

// providerCall is one request the receiver took, with what it found wrong (nothing when valid).
type providerCall struct {
	Provider, Method, Path string
	Body                   map[string]any
	Problems               []string
}

type providerReceiver struct {
	mu       sync.Mutex
	calls    []providerCall
	created  map[string]bool // Statuspage incident ids
	failNext string          // a provider whose next call is refused (503)
}

func (p *providerReceiver) record(c providerCall) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, c)
}

func (p *providerReceiver) all() []providerCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]providerCall(nil), p.calls...)
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (p *providerReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	c := providerCall{Method: r.Method, Path: r.URL.Path}
	if err := json.Unmarshal(raw, &body); err != nil {
		c.Problems = append(c.Problems, "the body is not a JSON object: "+string(raw))
	}
	c.Body = body
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.Problems = append(c.Problems, "Content-Type is "+ct)
	}
	problem := func(format string, args ...any) { c.Problems = append(c.Problems, fmt.Sprintf(format, args...)) }
	switch {
	case strings.HasPrefix(r.URL.Path, "/pd/"):
		c.Provider = "pagerduty"
		// Events API v2: POST /v2/enqueue; the routing key is in the body, there is no auth header.
		if r.Method != http.MethodPost || r.URL.Path != "/pd/v2/enqueue" {
			problem("%s %s is not POST /v2/enqueue", r.Method, r.URL.Path)
		}
		if str(body, "routing_key") != pdKey {
			p.record(c)
			answer(w, 400, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{"Invalid routing key"}})
			return
		}
		dedup := str(body, "dedup_key")
		if dedup == "" || len(dedup) > 255 {
			problem("dedup_key %q", dedup)
		}
		switch str(body, "event_action") {
		case "trigger":
			payload, _ := body["payload"].(map[string]any)
			summary := str(payload, "summary")
			if summary == "" || len(summary) > 1024 || str(payload, "source") == "" {
				problem("payload without summary or source: %v", payload)
			}
			if sev := str(payload, "severity"); sev != "critical" && sev != "error" && sev != "warning" && sev != "info" {
				problem("payload.severity %q", sev)
			}
		case "resolve", "acknowledge":
		default:
			problem("event_action %q", str(body, "event_action"))
		}
		if p.take("pagerduty") {
			p.record(c)
			answer(w, 503, map[string]any{"status": "unavailable", "message": "Service unavailable"})
			return
		}
		p.record(c)
		answer(w, 202, map[string]any{"status": "success", "message": "Event processed", "dedup_key": dedup})
	case strings.HasPrefix(r.URL.Path, "/og/"):
		c.Provider = "opsgenie"
		if r.Header.Get("Authorization") != "GenieKey "+ogKey {
			p.record(c)
			answer(w, 401, map[string]any{"message": "Key format is not valid!", "took": 0.0, "requestId": "x"})
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/og/v2/alerts":
			message := str(body, "message")
			if message == "" || len([]rune(message)) > 130 {
				problem("message %q", message)
			}
			if alias := str(body, "alias"); alias == "" || len(alias) > 512 {
				problem("alias %q", alias)
			}
			if pr := str(body, "priority"); len(pr) != 2 || pr[0] != 'P' || pr[1] < '1' || pr[1] > '5' {
				problem("priority %q", pr)
			}
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/og/v2/alerts/") && strings.HasSuffix(r.URL.Path, "/close"):
			if r.URL.Query().Get("identifierType") != "alias" {
				problem("close without identifierType=alias: %s", r.URL.RawQuery)
			}
		default:
			problem("%s %s is no Alert API call", r.Method, r.URL.Path)
		}
		p.record(c)
		answer(w, 202, map[string]any{"result": "Request will be processed", "took": 0.02, "requestId": "43a29c5c-3dbf-4fa4-9c26-f4f71023e120"})
	case strings.HasPrefix(r.URL.Path, "/sp/"):
		c.Provider = "statuspage"
		if r.Header.Get("Authorization") != "OAuth "+spKey {
			p.record(c)
			answer(w, 401, map[string]any{"error": "Could not authenticate"})
			return
		}
		incident, _ := body["incident"].(map[string]any)
		status := str(incident, "status")
		if status != "investigating" && status != "identified" && status != "monitoring" && status != "resolved" {
			problem("incident.status %q", status)
		}
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/sp/v1/pages/"), "/")
		switch {
		case r.Method == http.MethodPost && len(parts) == 2 && parts[0] == "conformancepage" && parts[1] == "incidents":
			if str(incident, "name") == "" {
				problem("incident.name missing")
			}
			id := fmt.Sprintf("spinc%d", len(p.all())+1)
			p.mu.Lock()
			p.created[id] = true
			p.mu.Unlock()
			p.record(c)
			answer(w, 201, map[string]any{"id": id, "name": str(incident, "name"), "status": status, "page_id": parts[0]})
			return
		case r.Method == http.MethodPatch && len(parts) == 3 && parts[0] == "conformancepage" && parts[1] == "incidents":
			p.mu.Lock()
			known := p.created[parts[2]]
			p.mu.Unlock()
			if !known {
				p.record(c)
				answer(w, 404, map[string]any{"error": "Not found"})
				return
			}
			p.record(c)
			answer(w, 200, map[string]any{"id": parts[2], "status": status})
			return
		default:
			problem("%s %s is no Statuspage incident call", r.Method, r.URL.Path)
		}
		p.record(c)
		answer(w, 400, map[string]any{"error": "bad request"})
	default:
		p.record(c)
		http.NotFound(w, r)
	}
}

func (p *providerReceiver) take(provider string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failNext == provider {
		p.failNext = ""
		return true
	}
	return false
}

type pagedIncident struct {
	incident
	Pages []struct {
		Service    string `json:"service"`
		Provider   string `json:"provider"`
		DedupKey   string `json:"dedup_key"`
		ResolvedAt *int64 `json:"resolved_at"`
	} `json:"pages"`
	StatusPage *struct {
		IncidentID string `json:"incident_id"`
		ResolvedAt *int64 `json:"resolved_at"`
	} `json:"status_page"`
}

func TestPagingAndStatusPageAgainstTheProvidersDocumentedShapes(t *testing.T) {
	receiver := &providerReceiver{created: map[string]bool{}}
	server := httptest.NewServer(receiver)
	defer server.Close()

	s := newScenario(t)
	s.api.AllowUntrustedInternalConnections("127.0.0.1")
	s.configure(t, "PagingEndpoints", fmt.Sprintf("pagerduty: %s/pd\nopsgenie: %s/og\nstatuspage: %s/sp", server.URL, server.URL, server.URL))
	settings := "/api/v0/paging?team_id=" + s.team
	config := map[string]any{
		"services": []any{
			map[string]any{"name": "db", "provider": "pagerduty", "key": pdKey, "page_on": []string{"P1"}},
			map[string]any{"name": "web", "provider": "opsgenie", "key": ogKey},
			map[string]any{"name": "stale", "provider": "pagerduty", "key": "a-key-pagerduty-does-not-know"},
		},
		"statuspage": map[string]any{"page_id": "conformancepage", "key": spKey},
	}
	if r := s.rest(t, s.alice, http.MethodPut, settings, config); r.Status != http.StatusForbidden {
		t.Errorf("a member set the paging settings: %s", r)
	}
	view := s.ok(t, s.admin, http.MethodPut, settings, config, http.StatusOK, nil)
	for _, key := range []string{pdKey, ogKey, spKey} {
		if strings.Contains(string(view.Body), key) {
			t.Errorf("the settings answer shows a key: %s", view)
		}
	}

	// Declared at P1: db is paged by itself.
	inc := s.start(t, s.alice, map[string]any{"name": "Checkout down", "severity": "P1"})
	// By command: web, through Opsgenie; a service whose key PagerDuty refuses fails plainly.
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident page web"); !strings.Contains(reply, "Paged the on-call of web") {
		t.Errorf("/incident page web: %q", reply)
	}
	failed := s.rest(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/page", map[string]any{"service": "stale"})
	if failed.Status != http.StatusBadGateway || !strings.Contains(string(failed.Body), "PagerDuty answered 400: Event object is invalid") {
		t.Errorf("paging with a refused key: %s", failed)
	}
	// Mirrored updates: created, then updated; one without the box stays private.
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "Checkout fails for some", "statuspage": true}, http.StatusCreated, nil)
	s.ok(t, s.alice, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/updates", map[string]any{"message": "internal only"}, http.StatusCreated, nil)
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident update --statuspage Fix deployed, watching"); reply != "Update posted for "+inc.Reference+"." {
		t.Errorf("/incident update --statuspage: %q", reply)
	}
	// The end: the first resolve is refused (503), the end stands, the retry resolves.
	receiver.mu.Lock()
	receiver.failNext = "pagerduty"
	receiver.mu.Unlock()
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident end"); !strings.Contains(reply, "Could not resolve the page of db: PagerDuty answered 503") {
		t.Errorf("/incident end with PagerDuty down: %q", reply)
	}
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident page resolve"); !strings.Contains(reply, "are resolved") {
		t.Errorf("/incident page resolve: %q", reply)
	}

	calls := receiver.all()
	var seen []string
	for _, c := range calls {
		for _, p := range c.Problems {
			t.Errorf("%s %s %s: %s", c.Provider, c.Method, c.Path, p)
		}
		action := c.Method + " " + c.Path
		if c.Provider == "pagerduty" {
			action += " " + str(c.Body, "event_action")
		}
		seen = append(seen, action)
	}
	for _, c := range calls {
		if strings.Contains(fmt.Sprint(c.Body), "internal only") {
			t.Errorf("an update without the box reached %s", c.Provider)
		}
	}
	want := []string{
		"POST /pd/v2/enqueue trigger",
		"POST /og/v2/alerts",
		"POST /pd/v2/enqueue trigger", // stale, refused
		"POST /sp/v1/pages/conformancepage/incidents",
		"PATCH /sp/v1/pages/conformancepage/incidents/spinc4",
		"POST /pd/v2/enqueue resolve", // refused once (503)
		"POST /og/v2/alerts/mattermost-incident-" + inc.ID + "-web/close",
		"PATCH /sp/v1/pages/conformancepage/incidents/spinc4",
		"POST /pd/v2/enqueue resolve",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("the providers got\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	if len(calls) == len(want) {
		if str(calls[0].Body, "dedup_key") != str(calls[8].Body, "dedup_key") {
			t.Errorf("the resolve names another dedup_key than the trigger: %v vs %v", calls[0].Body, calls[8].Body)
		}
		if got := calls[7].Body["incident"].(map[string]any)["status"]; got != "resolved" {
			t.Errorf("the status page was left %v at the end", got)
		}
		if got := calls[3].Body["incident"].(map[string]any)["body"]; got != "Checkout fails for some" {
			t.Errorf("the public incident says %v", got)
		}
	}

	var after pagedIncident
	s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &after)
	if len(after.Pages) != 2 || after.StatusPage == nil || after.StatusPage.IncidentID != "spinc4" || after.StatusPage.ResolvedAt == nil {
		t.Fatalf("pages %+v, status page %+v", after.Pages, after.StatusPage)
	}
	for _, p := range after.Pages {
		if p.ResolvedAt == nil {
			t.Errorf("page of %s left open", p.Service)
		}
	}
	record, _ := json.Marshal(after)
	kinds := map[string]int{}
	for _, e := range after.Timeline {
		kinds[e.kind()]++
	}
	if kinds["paged"] != 2 || kinds["page_resolved"] != 2 || kinds["status_page_mirrored"] != 3 || kinds["paging_failed"] != 2 {
		t.Errorf("timeline kinds %v", kinds)
	}
	var messages []string
	for _, p := range s.api.ChannelPosts(inc.ChannelID) {
		messages = append(messages, p.Message)
	}
	posts := strings.Join(messages, "\n")
	for _, text := range []string{"paged the on-call of db (PagerDuty)", "could not page the on-call of stale: PagerDuty answered 400", "created the public incident on the status page", "resolved the page of web (Opsgenie)"} {
		if !strings.Contains(posts, text) {
			t.Errorf("the channel does not say %q", text)
		}
	}
	s.f.h.FlushLogs()
	for _, key := range []string{pdKey, ogKey, spKey} {
		for where, text := range map[string]string{"the record": string(record), "the channel": posts, "the log": s.f.h.Logs.String()} {
			if strings.Contains(text, key) {
				t.Errorf("%s shows a key", where)
			}
		}
	}
}

// A resolve refused when the incident ends is tried again by the plugin's timer, as the bot,
// until the provider takes it.
func TestFailedPageResolveIsRetriedByTheTimer(t *testing.T) {
	t.Setenv("INCIDENT_TICK_SECONDS", "1")
	receiver := &providerReceiver{created: map[string]bool{}}
	server := httptest.NewServer(receiver)
	defer server.Close()
	s := newScenario(t)
	s.api.AllowUntrustedInternalConnections("127.0.0.1")
	s.configure(t, "PagingEndpoints", "pagerduty: "+server.URL+"/pd")
	s.ok(t, s.admin, http.MethodPut, "/api/v0/paging?team_id="+s.team, map[string]any{
		"services": []any{map[string]any{"name": "db", "provider": "pagerduty", "key": pdKey, "page_on": []string{"P1"}}},
	}, http.StatusOK, nil)
	inc := s.start(t, s.alice, map[string]any{"name": "Retried", "severity": "P1"})
	receiver.mu.Lock()
	receiver.failNext = "pagerduty"
	receiver.mu.Unlock()
	if reply := s.cmd(t, s.alice, s.team, inc.ChannelID, "/incident end"); !strings.Contains(reply, "PagerDuty answered 503") {
		t.Fatalf("/incident end: %q", reply)
	}
	resolves := func() int {
		n := 0
		for _, c := range receiver.all() {
			if str(c.Body, "event_action") == "resolve" {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(15 * time.Second)
	for resolves() < 2 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if resolves() != 2 {
		t.Fatalf("%d resolves reached PagerDuty, want the refused one and the timer's", resolves())
	}
	var after pagedIncident
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.ok(t, s.alice, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &after)
		if len(after.Pages) == 1 && after.Pages[0].ResolvedAt != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(after.Pages) != 1 || after.Pages[0].ResolvedAt == nil {
		t.Fatalf("the page is still open: %+v", after.Pages)
	}
	last := after.Timeline[len(after.Timeline)-1]
	if last.kind() != "page_resolved" || last.ActorID == s.alice {
		t.Errorf("the last event is %s by %s, want page_resolved by the bot", last.kind(), last.ActorID)
	}
	for _, c := range receiver.all() {
		for _, p := range c.Problems {
			t.Errorf("%s %s: %s", c.Method, c.Path, p)
		}
	}
	time.Sleep(2 * time.Second)
	if resolves() != 2 {
		t.Errorf("the timer went on resolving: %d resolves", resolves())
	}
}
