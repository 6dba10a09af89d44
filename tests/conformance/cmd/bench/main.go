// Command bench measures the plugin through the same Mattermost plugin package the
// conformance tests use, next to a Go baseline plugin (tests/gobaseline) built and run in the
// same run. Not part of `go test`; a wrong answer anywhere stops it with exit status 1, and so
// does any failed request of the load phase.
//
//	cd tests/conformance && BUNDLE_TGZ=/abs/incident-response-0.1.0.tar.gz go run ./cmd/bench
//	go run ./cmd/bench -load-seconds 5 -stored 1000   # a quick run
//
// It prints one "key: value" line per metric. Latencies are wall times of one hook call as the
// server makes it (hooks.ExecuteCommand or hooks.ServeHTTP), nearest-rank percentiles.
//
//	handshake_ms            exec of the plugin binary to its first stdout line (median of 10)
//	activate_ms             env.Activate wall time (median of 5 activate/deactivate cycles)
//	execute_command_p50_us  /incident ping latency over 2,000 calls (-command-calls)
//	execute_command_p99_us
//	serve_http_1mib_ms      POST /api/v0/echo with 1 MiB (median of 20)
//
// Against the Go baseline, both plugins active side by side, measured in alternating blocks;
// the RSS and latency figures come as <key> (ours), baseline_<key> and
// <key without _us/_kib>_ratio (ours / baseline):
//
//	activate_ms             baseline_activate_ms and activate_ratio: the baseline's activation
//	                        timed as ours above (-activate-runs cycles, alone), our activate_ms reused
//	idle_rss_kib            VmRSS of the plugin process after a fresh activation and 2 s idle
//	idle_mem_<category>_kib   where ours' idle RSS goes, read from /proc/<pid>/smaps right after
//	                        idle_rss_kib (smaps.go): host_code (the plugin-linux-amd64 mappings),
//	                        guest_code (the .cwasm: code, and the guest memory image mapped from
//	                        it), libs (other files), heap ([heap] and other anonymous memory),
//	                        thread_stacks ([stack], and rw mappings of 64 KiB..16 MiB right above
//	                        a ---p guard of at most 64 KiB: a heuristic), wasm_reservations
//	                        (anonymous mappings of 1 GiB or more: wasmtime's instance slots,
//	                        resident where touched), other ([vdso] etc.); idle_mem_total_kib is
//	                        their sum, the Rss of all mappings
//	idle_mem_largest_<n>    n = 1..5, largest Rss first: "<rss> KiB <perms> <size> KiB <path or [anon]>"
//	idle_threads            threads (entries of /proc/<pid>/task) at that moment, and baseline_idle_threads
//	ping_p50_us, _p99_us    /incident ping over 2,000 calls each (-ping-calls)
//	start_p50_us, _p99_us   /incident start <name> over 500 calls each (-start-calls), after 5 warm-ups
//	start_rss_kib           VmRSS after those starts
//	disk_fsync_p50_us, _p99_us  a 4 KiB append made durable in the work folder (50 times): ours
//	                        commits twice per start (SQLite, synchronous=FULL); the baseline's KV
//	                        writes go to the fake server's memory, so this cost is ours alone here
//	start_api_calls         plugin API calls one start makes, and baseline_start_api_calls (which
//	                        counts its 3 KV calls); stderr says so if the sequences differ otherwise
//
// At scale, our plugin alone in a fresh harness:
//
//	seed_incidents, seed_active, seed_s   incidents stored through POST /api/v0/incidents (and /end
//	                        for the ended ones), how many stay active, and how long seeding took
//	list_total_reported     "total" of GET /api/v0/incidents?state=all (pages are measured within it)
//	list_page50_p50_us, _p99_us  GET /api/v0/incidents?state=all&page=P&per_page=50 on the quiet
//	                        plugin, random P, 50 calls (-list-runs), as a responder
//	list_page50_api_calls   plugin API calls one such page made (the permission checks)
//	list_page50_reader_us, list_page50_reader_api_calls   one page as a team member in no incident channel
//	phase_list_page50_<phase>_us, _calls   where the time of those list pages went, from the
//	                        Server-Timing header the host adds when INCIDENT_SERVER_TIMING=1 (set for
//	                        this phase only; timing.go): median over the runs of each phase's time
//	                        and, for those that count calls, of its calls. Phases: total, instantiate,
//	                        guest (the guest's own work: the rest), of it json (the guest's JSON
//	                        decoding and encoding, measured by the guest) and logic (its code, building
//	                        and rendering the answer), sql, and api_<Method> per plugin API method
//	                        called (0 in a run that did not call it)
//	phase_check_item_<phase>_us, _calls   the same for 50 checklist checks (the load's rest_check)
//	similar_p50_us, _p99_us   GET /api/v0/incidents/{id}/similar over the stored incidents (the
//	                        lookup a start makes), -list-runs calls, as a responder; phase_similar_…
//	                        where its time went
//	                        as a responder on the quiet plugin, before the load
//	load_clients, load_seconds   the concurrent clients (-load-clients) and how long they ran (-load-seconds)
//	load_requests, load_errors, load_requests_per_s, load_p50_us, load_p99_us   over all requests
//	load_<kind>_requests, _p50_us, _p99_us   per kind: rest_list_page50, rest_list_active, cmd_list,
//	                        rest_get, cmd_info, rest_check (PATCH an item), cmd_update (load.go has the mix)
//	load_role_<role>_requests, _p50_us, _p99_us   per role: responder (in every incident channel),
//	                        admin (system admin, in none), reader (team member, in none; reads only)
//	load_rss_kib            VmRSS of our plugin process after the load
//	load_mem_<category>_kib, load_mem_largest_<n>, load_threads   the idle_mem_ breakdown, after the load
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

const pluginID = "incident-response"

func main() {
	harness.SilenceGlobalLogger()
	logFile := flag.String("log", "", "also write the host/plugin log to this file")
	handshakeRuns := flag.Int("handshake-runs", 10, "handshake measurements")
	activateRuns := flag.Int("activate-runs", 5, "activate/deactivate cycles")
	commandCalls := flag.Int("command-calls", 2000, "/incident ping calls")
	httpRuns := flag.Int("http-runs", 20, "1 MiB echo requests")
	pingCalls := flag.Int("ping-calls", 2000, "/incident ping calls per plugin, against the baseline")
	startCalls := flag.Int("start-calls", 500, "/incident start calls per plugin, against the baseline")
	baselineDir := flag.String("baseline-dir", "../gobaseline", "the Go baseline plugin's source (its own module)")
	goTool := flag.String("go", "go", "the go command that builds the baseline")
	var sc scaleConfig
	flag.IntVar(&sc.stored, "stored", 10000, "incidents to seed for the load phase")
	flag.IntVar(&sc.active, "active", 200, "of which active")
	flag.IntVar(&sc.clients, "load-clients", 8, "concurrent load clients")
	flag.IntVar(&sc.seedWorkers, "seed-workers", 2, "concurrent seeding requests")
	flag.IntVar(&sc.listRuns, "list-runs", 50, "list pages of 50 measured on the quiet plugin")
	loadSeconds := flag.Float64("load-seconds", 60, "how long the load clients run")
	flag.Parse()
	sc.duration = time.Duration(*loadSeconds * float64(time.Second))
	if sc.stored < 50 || sc.active < sc.clients || sc.active > sc.stored || sc.clients < 1 || sc.seedWorkers < 1 || sc.duration <= 0 {
		fatal(nil, "need -stored >= 50, -load-clients >= 1, -load-clients <= -active <= -stored, -seed-workers >= 1, -load-seconds > 0")
	}

	bundle := os.Getenv(harness.EnvBundle)
	if bundle == "" {
		fatal(nil, "%s is not set: it must name the plugin bundle incident-response-<version>.tar.gz", harness.EnvBundle)
	}
	bundle, _ = filepath.Abs(bundle)

	work, err := os.MkdirTemp("", "incident-bench-")
	if err != nil {
		fatal(nil, "%v", err)
	}
	defer os.RemoveAll(work)
	workDir = work

	h, inst := installBundle(work, *logFile, bundle)
	defer h.Close()
	if missing, total := harness.UnimplementedAPIMethods(); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "note: the fake plugin.API leaves %d of %d methods unimplemented\n", len(missing), total)
	}

	// handshake_ms
	var hs []float64
	for i := 0; i < *handshakeRuns; i++ {
		d, err := handshake(inst.Executable)
		if err != nil {
			fatal(h, "handshake run %d: %v", i+1, err)
		}
		hs = append(hs, ms(d))
	}
	fmt.Printf("handshake_ms: %.2f\n", median(hs))

	// activate_ms; the baseline's is measured the same way in compare.
	activateMs := median(activateCycles(h, pluginID, *activateRuns, false))
	fmt.Printf("activate_ms: %.2f\n", activateMs)

	hooks, err := h.Hooks(pluginID)
	if err != nil {
		fatal(h, "HooksForPlugin: %v", err)
	}
	seed := inst.API.Seed()
	args := func() *model.CommandArgs {
		return &model.CommandArgs{Command: "/incident ping", UserId: seed.UserID, ChannelId: seed.ChannelID, TeamId: seed.TeamID}
	}

	// execute_command_p50_us / p99
	for i := 0; i < 50; i++ { // warm-up
		if _, err := harness.ExecuteCommand(hooks, args(), 30*time.Second); err != nil {
			fatal(h, "warm-up: %v", err)
		}
	}
	lat := make([]float64, 0, *commandCalls)
	for i := 0; i < *commandCalls; i++ {
		res, err := harness.ExecuteCommand(hooks, args(), 30*time.Second)
		if err != nil {
			fatal(h, "ping %d: %v", i, err)
		}
		if res.AppErr != nil || res.Response == nil || !strings.Contains(res.Response.Text, inst.Manifest.Version) {
			fatal(h, "ping %d: wrong answer: response %+v, AppError %v", i, res.Response, res.AppErr)
		}
		lat = append(lat, float64(res.Elapsed.Nanoseconds())/1e3)
	}
	sort.Float64s(lat)
	fmt.Printf("execute_command_p50_us: %.1f\n", percentile(lat, 50))
	fmt.Printf("execute_command_p99_us: %.1f\n", percentile(lat, 99))

	// serve_http_1mib_ms
	body := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(body)
	var echo []float64
	for i := 0; i < *httpRuns; i++ {
		req := harness.NewPluginRequest(http.MethodPost, "/api/v0/echo", bytes.NewReader(body), seed.UserID)
		req.Header.Set("Content-Type", "application/octet-stream")
		rec, d, err := harness.ServeHTTP(hooks, req, 60*time.Second)
		if err != nil {
			fatal(h, "echo %d: %v", i, err)
		}
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), body) {
			fatal(h, "echo %d: status %d, %d bytes back (sent %d), equal=%v", i, rec.Code, rec.Body.Len(), len(body), bytes.Equal(rec.Body.Bytes(), body))
		}
		echo = append(echo, ms(d))
	}
	fmt.Printf("serve_http_1mib_ms: %.2f\n", median(echo))

	// Against the Go baseline.
	exe, manifest, err := buildBaseline(*goTool, *baselineDir, work)
	if err != nil {
		fatal(h, "building the baseline: %v", err)
	}
	base, err := h.InstallBuilt(manifest, exe)
	if err != nil {
		fatal(h, "installing the baseline: %v", err)
	}
	compare(h, inst, base, *pingCalls, *startCalls, *activateRuns, activateMs)
	h.Close()

	// At scale.
	loadLog := ""
	if *logFile != "" {
		loadLog = *logFile + ".load"
	}
	began := time.Now()
	if failed := scale(bundle, filepath.Join(work, "scale"), loadLog, sc); failed > 0 {
		fatal(nil, "%d load requests failed", failed)
	}
	fmt.Fprintf(os.Stderr, "scale phase took %s\n", time.Since(began).Round(time.Second))
}

// installBundle makes a harness in dir and installs our bundle in it.
func installBundle(dir, logFile, bundle string) (*harness.Harness, *harness.Installed) {
	h, err := harness.New(dir, logFile)
	if err != nil {
		fatal(nil, "harness: %v", err)
	}
	inst, _, err := h.Install(bundle)
	if err != nil {
		fatal(h, "installing %s: %v", bundle, err)
	}
	if inst.ID != pluginID {
		fatal(h, "plugin.json id is %q, want %q", inst.ID, pluginID)
	}
	return h, inst
}

// activateCycles activates and deactivates the plugin runs times and returns each
// env.Activate wall time in ms. The plugin stays active after the last cycle unless
// deactivateLast.
func activateCycles(h *harness.Harness, id string, runs int, deactivateLast bool) []float64 {
	var acts []float64
	for i := 0; i < runs; i++ {
		d, err := h.Activate(id)
		if err != nil {
			fatal(h, "activation %d of %s: %v", i+1, id, err)
		}
		acts = append(acts, ms(d))
		if i < runs-1 || deactivateLast {
			if !h.Env.Deactivate(id) {
				fatal(h, "Deactivate(%s) returned false", id)
			}
		}
	}
	return acts
}

// handshake execs the plugin the way go-plugin does and times the first
// stdout line; the process is killed afterwards.
func handshake(exe string) (time.Duration, error) {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(),
		"MATTERMOST_PLUGIN=Securely message teams, anywhere.",
		"PLUGIN_MIN_PORT=10000",
		"PLUGIN_MAX_PORT=25000",
		"PLUGIN_PROTOCOL_VERSIONS=1",
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	type lineOrErr struct {
		line string
		err  error
	}
	ch := make(chan lineOrErr, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		ch <- lineOrErr{line, err}
	}()
	select {
	case r := <-ch:
		d := time.Since(start)
		if r.err != nil {
			return 0, fmt.Errorf("reading the handshake line: %v (stderr: %q)", r.err, stderr.String())
		}
		if parts := strings.Split(strings.TrimSpace(r.line), "|"); len(parts) < 5 || parts[0] != "1" || parts[1] != "1" {
			return 0, fmt.Errorf("unexpected handshake line %q", r.line)
		}
		return d, nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("no handshake line within 10 s (stderr: %q)", stderr.String())
	}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile uses the nearest-rank method on sorted xs.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999)
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

var workDir string

func fatal(h *harness.Harness, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	if h != nil {
		h.FlushLogs()
		fmt.Fprintf(os.Stderr, "---- host / plugin log (tail) ----\n%s\n", h.Logs.Tail(32<<10))
		h.Close()
	}
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	os.Exit(1)
}
