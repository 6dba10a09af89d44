package main

import (
	"fmt"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A load client is one person at work: responders (alice, who started every incident and is in
// every incident channel), a system admin, and a team member in no incident channel who only
// reads. Writers own disjoint shares of the active incidents, so each knows its items' states
// and every check is a valid change (a PATCH to the state an item already has is a 409).
type loader struct {
	c       client
	role    string // responder, admin or reader: figures are also given per role
	user    string
	town    string
	writer  bool
	owned   []*ownedIncident
	actives []incidentDoc
	pages   int // list pages of 50 the plugin reports
	active  int // active incidents, which the active list must report
	rng     *rand.Rand
	updates int
}

type ownedIncident struct {
	doc   incidentDoc
	items []string
	done  map[string]bool
}

// The mix, by weight. Readers skip the two writes.
var loadMix = []struct {
	kind   string
	weight int
	write  bool
}{
	{"rest_list_page50", 20, false}, // the incidents page: GET /incidents?state=all&page=P&per_page=50
	{"rest_list_active", 10, false}, // the sidebar: GET /incidents?state=active
	{"cmd_list", 15, false},         // /incident list
	{"rest_get", 15, false},         // GET /incidents/{id}
	{"cmd_info", 10, false},         // /incident info INC-n
	{"rest_check", 20, true},        // PATCH /incidents/{id}/items/{item} {"state"}
	{"cmd_update", 10, true},        // /incident update <message> in the incident channel
}

func (l *loader) pick() string {
	total := 0
	for _, m := range loadMix {
		if l.writer || !m.write {
			total += m.weight
		}
	}
	r := l.rng.Intn(total)
	for _, m := range loadMix {
		if l.writer || !m.write {
			if r < m.weight {
				return m.kind
			}
			r -= m.weight
		}
	}
	panic("unreachable")
}

// do sends one request of the kind and checks its answer.
func (l *loader) do(kind string) (time.Duration, error) {
	inc := l.actives[l.rng.Intn(len(l.actives))]
	switch kind {
	case "rest_list_page50":
		var page incidentPage
		d, err := l.c.rest(l.user, http.MethodGet, listPath(l.c.team, "all", l.rng.Intn(l.pages), 50), nil, http.StatusOK, &page)
		if err == nil && len(page.Items) != 50 {
			err = fmt.Errorf("a list page of 50 answered %d items (total %d)", len(page.Items), page.Total)
		}
		return d, err
	case "rest_list_active":
		var page incidentPage
		d, err := l.c.rest(l.user, http.MethodGet, listPath(l.c.team, "active", 0, 20), nil, http.StatusOK, &page)
		if err == nil && page.Total != l.active {
			err = fmt.Errorf("the active list reports %d, want %d", page.Total, l.active)
		}
		return d, err
	case "cmd_list":
		want := fmt.Sprintf("#### Incidents (%d of %d)", min(20, l.active), l.active)
		_, d, err := l.c.command(l.user, l.town, "/incident list", want)
		return d, err
	case "rest_get":
		var got incidentDoc
		d, err := l.c.rest(l.user, http.MethodGet, "/api/v0/incidents/"+inc.ID, nil, http.StatusOK, &got)
		if err == nil && got.ID != inc.ID {
			err = fmt.Errorf("GET /incidents/%s answered %s", inc.ID, got.ID)
		}
		return d, err
	case "cmd_info":
		_, d, err := l.c.command(l.user, l.town, "/incident info "+inc.Reference, inc.Reference)
		return d, err
	case "rest_check":
		o := l.owned[l.rng.Intn(len(l.owned))]
		item := o.items[l.rng.Intn(len(o.items))]
		state := map[bool]string{true: "open", false: "done"}[o.done[item]]
		d, err := l.c.rest(l.user, http.MethodPatch, "/api/v0/incidents/"+o.doc.ID+"/items/"+item, map[string]any{"state": state}, http.StatusOK, nil)
		if err == nil {
			o.done[item] = !o.done[item]
		}
		return d, err
	case "cmd_update":
		o := l.owned[l.rng.Intn(len(l.owned))]
		l.updates++
		_, d, err := l.c.command(l.user, o.doc.ChannelID, fmt.Sprintf("/incident update Load update %d: still looking", l.updates), "Update posted for "+o.doc.Reference)
		return d, err
	}
	panic("unknown kind " + kind)
}

func listPath(team, state string, page, perPage int) string {
	q := url.Values{"team_id": {team}, "state": {state}, "page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	return "/api/v0/incidents?" + q.Encode()
}

// loadResult collects latencies per kind and per role and the first few errors, from all clients.
type loadResult struct {
	mu     sync.Mutex
	lat    map[string][]float64 // by kind, and by "role_" + role
	errors int
	first  []string
}

func (r *loadResult) add(kind, role string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if len(r.first) < 5 {
			r.first = append(r.first, fmt.Sprintf("%s as %s after %s: %v", kind, role, d.Round(time.Millisecond), err))
		}
		return
	}
	us := float64(d.Nanoseconds()) / 1e3
	r.lat[kind] = append(r.lat[kind], us)
	r.lat["role_"+role] = append(r.lat["role_"+role], us)
}

// runLoad runs the clients until the duration is over and prints the figures. It returns the
// number of failed requests.
func runLoad(loaders []*loader, duration time.Duration) int {
	res := &loadResult{lat: map[string][]float64{}}
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for _, l := range loaders {
		wg.Add(1)
		go func(l *loader) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				kind := l.pick()
				d, err := l.do(kind)
				res.add(kind, l.role, d, err)
			}
		}(l)
	}
	wg.Wait()

	var all []float64
	kinds := make([]string, 0, len(res.lat))
	for k, v := range res.lat {
		if !strings.HasPrefix(k, "role_") {
			all = append(all, v...)
		}
		kinds = append(kinds, k)
		sort.Float64s(v)
	}
	sort.Float64s(all)
	sort.Strings(kinds)
	fmt.Printf("load_requests: %d\n", len(all)+res.errors)
	fmt.Printf("load_errors: %d\n", res.errors)
	fmt.Printf("load_requests_per_s: %.1f\n", float64(len(all)+res.errors)/duration.Seconds())
	fmt.Printf("load_p50_us: %.1f\n", percentile(all, 50))
	fmt.Printf("load_p99_us: %.1f\n", percentile(all, 99))
	for _, k := range kinds {
		fmt.Printf("load_%s_requests: %d\n", k, len(res.lat[k]))
		fmt.Printf("load_%s_p50_us: %.1f\n", k, percentile(res.lat[k], 50))
		fmt.Printf("load_%s_p99_us: %.1f\n", k, percentile(res.lat[k], 99))
	}
	for _, e := range res.first {
		fmt.Fprintf(os.Stderr, "load error: %s\n", e)
	}
	return res.errors
}
