package main

import (
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"incidentresponse/tests/conformance/harness"
)

type scaleConfig struct {
	stored, active, clients, seedWorkers, listRuns int
	duration                                       time.Duration
}

// scale measures our plugin holding many incidents, in a harness of its own (a fresh fake server
// and a fresh database): seeding through the REST API, a list page of 50 on a quiet plugin, then
// the clients' mix. It returns the number of failed load requests.
func scale(bundle, workDir, logFile string, cfg scaleConfig) int {
	// The host reads this when its process starts, and go-plugin passes our environment to the
	// plugin process; set only here, so the figures of the earlier phases are made without it.
	if err := os.Setenv(serverTimingEnv, "1"); err != nil {
		fatal(nil, "%v", err)
	}
	h, inst := installBundle(workDir, logFile, bundle)
	defer h.Close()
	ids := inst.API.Seed()
	bob := inst.API.AddUser("bob", ids.TeamID)
	if _, err := h.Activate(inst.ID); err != nil {
		fatal(h, "%v", err)
	}
	hooks, err := h.Hooks(inst.ID)
	if err != nil {
		fatal(h, "HooksForPlugin: %v", err)
	}
	c := client{hooks: hooks, team: ids.TeamID}

	began := time.Now()
	actives, err := seed(c, ids.UserID, cfg.stored, cfg.active, cfg.seedWorkers)
	if err != nil {
		fatal(h, "seeding: %v", err)
	}
	fmt.Printf("seed_incidents: %d\n", cfg.stored)
	fmt.Printf("seed_active: %d\n", cfg.active)
	fmt.Printf("seed_s: %.1f\n", time.Since(began).Seconds())

	var first incidentPage
	if _, err := c.rest(ids.UserID, http.MethodGet, listPath(c.team, "all", 0, 50), nil, http.StatusOK, &first); err != nil {
		fatal(h, "%v", err)
	}
	fmt.Printf("list_total_reported: %d\n", first.Total)
	if first.Total != cfg.stored {
		fmt.Fprintf(os.Stderr, "note: the incident list reports %d incidents of %d stored; pages are measured within what it reports\n", first.Total, cfg.stored)
	}
	pages := first.Total / 50
	if pages == 0 {
		fatal(h, "the list reports %d incidents: not one full page of 50", first.Total)
	}

	// A page of 50 on the quiet plugin, as alice (a responder, in every incident channel).
	listPage := func(user string, page int) (time.Duration, int, http.Header) {
		before := len(inst.API.CallNames())
		var got incidentPage
		hdr, d, err := c.restHeader(user, http.MethodGet, listPath(c.team, "all", page, 50), nil, http.StatusOK, &got)
		if err == nil && len(got.Items) != 50 {
			err = fmt.Errorf("a list page of 50 answered %d items", len(got.Items))
		}
		if err != nil {
			fatal(h, "list page: %v", err)
		}
		return d, len(inst.API.CallNames()) - before, hdr
	}
	rng := rand.New(rand.NewSource(7))
	lat := make([]float64, 0, cfg.listRuns)
	calls := 0
	var listPhases phaseSeries
	for i := 0; i < cfg.listRuns; i++ {
		d, n, hdr := listPage(ids.UserID, rng.Intn(pages))
		calls = n
		lat = append(lat, float64(d.Nanoseconds())/1e3)
		if err := listPhases.add(hdr); err != nil {
			fatal(h, "list page: %v", err)
		}
	}
	sort.Float64s(lat)
	fmt.Printf("list_page50_p50_us: %.1f\n", percentile(lat, 50))
	fmt.Printf("list_page50_p99_us: %.1f\n", percentile(lat, 99))
	fmt.Printf("list_page50_api_calls: %d\n", calls)
	listPhases.print("list_page50")
	// Once as bob, who is in no incident channel: each incident's permission check costs more
	// API calls for him (the figures per role in the load show the same).
	d, calls, _ := listPage(bob, 0)
	fmt.Printf("list_page50_reader_us: %.1f\n", float64(d.Nanoseconds())/1e3)
	fmt.Printf("list_page50_reader_api_calls: %d\n", calls)
	checkPhases(h, c, ids.UserID, actives, 50).print("check_item")
	similarPhases(h, c, ids.UserID, actives, cfg.listRuns)

	loaders := newLoaders(c, ids, bob, actives, pages, cfg)
	fmt.Printf("load_clients: %d\n", len(loaders))
	fmt.Printf("load_seconds: %.0f\n", cfg.duration.Seconds())
	errors := runLoad(loaders, cfg.duration)
	if errors > 0 {
		printPluginErrors(h)
	}
	pid, err := h.PluginPID(inst)
	if err != nil {
		fatal(h, "%v", err)
	}
	rss, err := harness.VmRSSKiB(pid)
	if err != nil {
		fatal(h, "%v", err)
	}
	fmt.Printf("load_rss_kib: %d\n", rss)
	// Where the memory is after the load (the same categories as at idle).
	mem, err := readMemBreakdown(pid, 3)
	if err != nil {
		fatal(h, "memory after the load: %v", err)
	}
	mem.print("load_mem")
	if n, err := threadCount(pid); err == nil {
		fmt.Printf("load_threads: %d\n", n)
	}
	return errors
}

// checkPhases checks n checklist items of the active incidents as user on the quiet plugin,
// with the load's rest_check request, and collects their Server-Timing. Each check flips the
// item's state, and actives records the new state: the load's writers take their items' states
// from it, and a PATCH to the state an item already has would be a 409.
func checkPhases(h *harness.Harness, c client, user string, actives []incidentDoc, n int) *phaseSeries {
	type checkable struct {
		incident string
		id       string
		state    *string
	}
	var items []checkable
	for i := range actives {
		for j := range actives[i].Checklists {
			for k := range actives[i].Checklists[j].Items {
				it := &actives[i].Checklists[j].Items[k]
				items = append(items, checkable{actives[i].ID, it.ID, &it.State})
			}
		}
	}
	rng := rand.New(rand.NewSource(11))
	var s phaseSeries
	for i := 0; i < n; i++ {
		it := items[rng.Intn(len(items))]
		state := map[bool]string{true: "open", false: "done"}[*it.state == "done"]
		hdr, _, err := c.restHeader(user, http.MethodPatch, "/api/v0/incidents/"+it.incident+"/items/"+it.id, map[string]any{"state": state}, http.StatusOK, nil)
		if err != nil {
			fatal(h, "check %d: %v", i+1, err)
		}
		*it.state = state
		if err := s.add(hdr); err != nil {
			fatal(h, "check %d: %v", i+1, err)
		}
	}
	return &s
}

// similarPhases looks up the incidents most like n random active incidents as user on the quiet
// plugin (GET /incidents/{id}/similar: the full-text search over every stored incident that a
// start makes too), and prints its latency and phases. Every seeded incident shares its name's
// words, so each lookup ranks all of them: the search's worst case.
func similarPhases(h *harness.Harness, c client, user string, actives []incidentDoc, n int) {
	rng := rand.New(rand.NewSource(13))
	lat := make([]float64, 0, n)
	var s phaseSeries
	for i := 0; i < n; i++ {
		inc := actives[rng.Intn(len(actives))]
		var got struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		hdr, d, err := c.restHeader(user, http.MethodGet, "/api/v0/incidents/"+inc.ID+"/similar", nil, http.StatusOK, &got)
		if err == nil && len(got.Items) != 3 {
			err = fmt.Errorf("%s: %d similar incidents, want 3", inc.Reference, len(got.Items))
		}
		if err == nil {
			err = s.add(hdr)
		}
		if err != nil {
			fatal(h, "similar %d: %v", i+1, err)
		}
		lat = append(lat, float64(d.Nanoseconds())/1e3)
	}
	sort.Float64s(lat)
	fmt.Printf("similar_p50_us: %.1f\n", percentile(lat, 50))
	fmt.Printf("similar_p99_us: %.1f\n", percentile(lat, 99))
	s.print("similar")
}

// newLoaders makes the clients: by client number modulo 4, alice, alice, the system admin, bob.
// The writers share the active incidents out between them.
func newLoaders(c client, ids harness.Seed, bob string, actives []incidentDoc, pages int, cfg scaleConfig) []*loader {
	users := []string{ids.UserID, ids.UserID, ids.AdminID, bob}
	roles := []string{"responder", "responder", "admin", "reader"}
	var loaders, writers []*loader
	for i := 0; i < cfg.clients; i++ {
		l := &loader{c: c, role: roles[i%4], user: users[i%4], town: ids.ChannelID, writer: i%4 != 3, actives: actives,
			pages: pages, active: cfg.active, rng: rand.New(rand.NewSource(int64(i + 1)))}
		loaders = append(loaders, l)
		if l.writer {
			writers = append(writers, l)
		}
	}
	for i, inc := range actives {
		o := &ownedIncident{doc: inc, done: map[string]bool{}}
		for _, s := range inc.Checklists {
			for _, it := range s.Items {
				o.items = append(o.items, it.ID)
				o.done[it.ID] = it.State == "done"
			}
		}
		w := writers[i%len(writers)]
		w.owned = append(w.owned, o)
	}
	return loaders
}

// printPluginErrors shows why the plugin failed requests: the host logs each failed hook call as
// "<Hook>: <why>" (plugin-host's hooks.rs), which reaches the harness's log through go-plugin.
func printPluginErrors(h *harness.Harness) {
	h.FlushLogs()
	var lines []string
	for _, line := range strings.Split(h.Logs.String(), "\n") {
		if strings.Contains(line, "ServeHTTP: ") || strings.Contains(line, "ExecuteCommand: ") {
			lines = append(lines, clip(line))
		}
	}
	for _, line := range lines[max(0, len(lines)-5):] {
		fmt.Fprintf(os.Stderr, "plugin log: %s\n", line)
	}
}
