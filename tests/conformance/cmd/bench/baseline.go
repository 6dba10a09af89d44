package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"incidentresponse/tests/conformance/harness"
)

// buildBaseline compiles tests/gobaseline (its own Go module) into outDir and returns the
// executable and the manifest to install it with.
func buildBaseline(goTool, srcDir, outDir string) (exe, manifest string, err error) {
	exe = filepath.Join(outDir, "gobaseline")
	cmd := exec.Command(goTool, "build", "-o", exe, ".")
	cmd.Dir = srcDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("go build in %s: %v\n%s", srcDir, err, out.String())
	}
	return exe, filepath.Join(srcDir, "plugin.json"), nil
}

// side is one of the two plugins under comparison, each with its own fake server.
type side struct {
	h      *harness.Harness
	inst   *harness.Installed
	client client
	user   string // the seed user, a plain team member
	town   string // the seed channel
	starts int    // names each start uniquely, so channel names never collide
}

func newSide(h *harness.Harness, inst *harness.Installed) (*side, error) {
	hooks, err := h.Hooks(inst.ID)
	if err != nil {
		return nil, fmt.Errorf("HooksForPlugin(%s): %w", inst.ID, err)
	}
	seed := inst.API.Seed()
	return &side{h: h, inst: inst, client: client{hooks: hooks, team: seed.TeamID}, user: seed.UserID, town: seed.ChannelID}, nil
}

func (s *side) ping() (time.Duration, error) {
	_, d, err := s.client.command(s.user, s.town, "/incident ping", s.inst.Manifest.Version)
	return d, err
}

var startReply = regexp.MustCompile(`^Started INC-\d{4,} \*\*Bench start \d+\*\* in ~inc-\d{4,}-bench-start-\d+\.$`)

func (s *side) start() (time.Duration, error) {
	s.starts++
	text, d, err := s.client.command(s.user, s.town, fmt.Sprintf("/incident start Bench start %d", s.starts), "Started INC-")
	if err == nil && !startReply.MatchString(text) {
		err = fmt.Errorf("%s: unexpected reply %q", s.inst.ID, text)
	}
	return d, err
}

func (s *side) rss() (int64, error) {
	pid, err := s.h.PluginPID(s.inst)
	if err != nil {
		return 0, err
	}
	return harness.VmRSSKiB(pid)
}

// compare runs the side-by-side figures: the baseline's activation time next to ours
// (oursActivateMs, measured the same way over as many cycles), idle RSS, ping and /incident
// start latency, RSS after the starts. Both plugins are active in the same plugin.Environment
// and measured in alternating blocks, so that the load other processes put on the shared cores
// falls on both alike. Ours is re-activated first, so both start from a fresh process.
func compare(h *harness.Harness, ours, base *harness.Installed, pings, starts, activateRuns int, oursActivateMs float64) {
	h.Env.Deactivate(ours.ID)
	// Alone, as ours was; its last cycle deactivates it too, so that it starts afresh below.
	baseActivateMs := median(activateCycles(h, base.ID, activateRuns, true))
	fmt.Printf("baseline_activate_ms: %.2f\n", baseActivateMs)
	fmt.Printf("activate_ratio: %.2f\n", oursActivateMs/baseActivateMs)

	for _, inst := range []*harness.Installed{ours, base} {
		if _, err := h.Activate(inst.ID); err != nil {
			fatal(h, "%v", err)
		}
	}
	a, err := newSide(h, ours)
	if err != nil {
		fatal(h, "%v", err)
	}
	b, err := newSide(h, base)
	if err != nil {
		fatal(h, "%v", err)
	}

	time.Sleep(2 * time.Second)
	printRSS(h, "idle_rss_kib", a, b)
	printIdleMemory(h, a, b)

	la, lb, err := interleave(pings, 100, a.ping, b.ping)
	if err != nil {
		fatal(h, "ping: %v", err)
	}
	printLatencies("ping", la, lb)

	// Warm-up: our first start in a team seeds its default playbooks and puts the bot on the team.
	for i := 0; i < 5; i++ {
		for _, s := range []*side{a, b} {
			if _, err := s.start(); err != nil {
				fatal(h, "warm-up start: %v", err)
			}
		}
	}
	sameCalls(a, b)
	channelsBefore := []int{len(a.inst.API.TeamChannels(a.client.team)), len(b.inst.API.TeamChannels(b.client.team))}
	la, lb, err = interleave(starts, 50, a.start, b.start)
	if err != nil {
		fatal(h, "/incident start: %v", err)
	}
	for i, s := range []*side{a, b} {
		if got := len(s.inst.API.TeamChannels(s.client.team)) - channelsBefore[i]; got != starts {
			fatal(h, "%s: %d /incident start calls created %d channels", s.inst.ID, starts, got)
		}
	}
	printLatencies("start", la, lb)
	fsyncs, err := fsyncTimes(h.WorkDir, 50)
	if err != nil {
		fatal(h, "fsync: %v", err)
	}
	fmt.Printf("disk_fsync_p50_us: %.1f\n", percentile(fsyncs, 50))
	fmt.Printf("disk_fsync_p99_us: %.1f\n", percentile(fsyncs, 99))
	printRSS(h, "start_rss_kib", a, b)
	h.Env.Deactivate(base.ID)
}

// sameCalls records one /incident start on each side and prints how many plugin API calls each
// made; when the sequences differ (beyond the baseline's KV calls, which stand for our SQLite
// writes) it says how on stderr, because the ratios then compare different work.
func sameCalls(a, b *side) {
	var seqs [2][]string
	for i, s := range []*side{a, b} {
		before := len(s.inst.API.CallNames())
		if _, err := s.start(); err != nil {
			fatal(s.h, "%v", err)
		}
		seqs[i] = s.inst.API.CallNames()[before:]
	}
	fmt.Printf("start_api_calls: %d\n", len(seqs[0]))
	fmt.Printf("baseline_start_api_calls: %d\n", len(seqs[1]))
	var base []string
	for _, name := range seqs[1] {
		if !strings.HasPrefix(name, "KV") {
			base = append(base, name)
		}
	}
	if !slices.Equal(seqs[0], base) {
		fmt.Fprintf(os.Stderr, "note: the baseline's /incident start no longer makes our API calls:\n  ours:     %v\n  baseline: %v\n", seqs[0], seqs[1])
	}
}

// fsyncTimes times n appends of 4 KiB, each made durable, in dir: the disk cost inside our start
// figures. Ours commits two SQLite transactions per start (WAL, synchronous=FULL: a WAL fsync
// each) to the data folder under dir; the baseline's three KV calls land in the fake server's
// memory, where a real server would write them to its database.
func fsyncTimes(dir string, n int) ([]float64, error) {
	f, err := os.CreateTemp(dir, "fsync-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	block := make([]byte, 4096)
	out := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		began := time.Now()
		if _, err := f.Write(block); err != nil {
			return nil, err
		}
		if err := f.Sync(); err != nil {
			return nil, err
		}
		out = append(out, float64(time.Since(began).Nanoseconds())/1e3)
	}
	sort.Float64s(out)
	return out, nil
}

// interleave makes n calls of each function in blocks, alternating which side goes first.
func interleave(n, block int, a, b func() (time.Duration, error)) (la, lb []float64, err error) {
	run := func(f func() (time.Duration, error), k int, into *[]float64) error {
		for i := 0; i < k; i++ {
			d, err := f()
			if err != nil {
				return err
			}
			*into = append(*into, float64(d.Nanoseconds())/1e3)
		}
		return nil
	}
	for done, round := 0, 0; done < n; round++ {
		k := min(block, n-done)
		first, second := a, b
		firstInto, secondInto := &la, &lb
		if round%2 == 1 {
			first, second, firstInto, secondInto = b, a, &lb, &la
		}
		if err := run(first, k, firstInto); err != nil {
			return nil, nil, err
		}
		if err := run(second, k, secondInto); err != nil {
			return nil, nil, err
		}
		done += k
	}
	sort.Float64s(la)
	sort.Float64s(lb)
	return la, lb, nil
}

func printLatencies(name string, ours, base []float64) {
	for _, p := range []float64{50, 99} {
		o, b := percentile(ours, p), percentile(base, p)
		fmt.Printf("%s_p%.0f_us: %.1f\n", name, p, o)
		fmt.Printf("baseline_%s_p%.0f_us: %.1f\n", name, p, b)
		fmt.Printf("%s_p%.0f_ratio: %.2f\n", name, p, o/b)
	}
}

func printRSS(h *harness.Harness, key string, a, b *side) {
	ra, err := a.rss()
	if err != nil {
		fatal(h, "%v", err)
	}
	rb, err := b.rss()
	if err != nil {
		fatal(h, "%v", err)
	}
	fmt.Printf("%s: %d\n", key, ra)
	fmt.Printf("baseline_%s: %d\n", key, rb)
	fmt.Printf("%s_ratio: %.2f\n", trimKiB(key), float64(ra)/float64(rb))
}

// printIdleMemory says where our idle RSS goes (smaps.go) and how many threads each process
// runs; read right after idle_rss_kib, so that the figures describe the same moment.
func printIdleMemory(h *harness.Harness, a, b *side) {
	pa, err := h.PluginPID(a.inst)
	if err != nil {
		fatal(h, "%v", err)
	}
	pb, err := h.PluginPID(b.inst)
	if err != nil {
		fatal(h, "%v", err)
	}
	mem, err := readMemBreakdown(pa, 5)
	if err != nil {
		fatal(h, "idle memory of %s: %v", a.inst.ID, err)
	}
	mem.print("idle_mem")
	for _, p := range []struct {
		key string
		pid int
	}{{"idle_threads", pa}, {"baseline_idle_threads", pb}} {
		n, err := threadCount(p.pid)
		if err != nil {
			fatal(h, "%v", err)
		}
		fmt.Printf("%s: %d\n", p.key, n)
	}
}

func trimKiB(key string) string { return key[:len(key)-len("_kib")] }
