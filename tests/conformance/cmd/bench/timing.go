package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Where one request's time goes: with INCIDENT_SERVER_TIMING=1 in its environment the plugin
// host adds a Server-Timing header to every HTTP answer (wasm-host's timing.rs), e.g.
//
//	total;dur=2.000, instantiate;dur=0.100, guest;dur=1.000, json;dur=0.400, logic;dur=0.600, sql;dur=0.250;desc="1", api-GetUser;dur=0.500;desc="2"
//
// dur is in milliseconds, desc the number of calls (of sql, and of each api-<Method>). json and
// logic split the guest's own work: JSON decoding and encoding (the guest measures it) and the
// rest (its code, building and rendering the answer).

const serverTimingEnv = "INCIDENT_SERVER_TIMING"

// phase is one entry of a Server-Timing header.
type phase struct {
	name     string
	ms       float64
	calls    int
	hasCalls bool // desc was given
}

// The phases printed first, in this order; the api-<Method> ones follow sorted by name.
var fixedPhases = []string{"total", "instantiate", "guest", "json", "logic", "sql"}

// parseServerTiming parses a header value. Every entry needs a name and a dur; a desc must be a
// count, since that is all the host puts there.
func parseServerTiming(v string) ([]phase, error) {
	var out []phase
	seen := map[string]bool{}
	for _, entry := range strings.Split(v, ",") {
		parts := strings.Split(strings.TrimSpace(entry), ";")
		p := phase{name: strings.TrimSpace(parts[0]), ms: -1}
		if p.name == "" {
			return nil, fmt.Errorf("Server-Timing %q: an entry without a name", v)
		}
		for _, param := range parts[1:] {
			key, val, _ := strings.Cut(strings.TrimSpace(param), "=")
			var err error
			switch key {
			case "dur":
				p.ms, err = strconv.ParseFloat(val, 64)
				if err == nil && p.ms < 0 {
					err = fmt.Errorf("negative")
				}
			case "desc":
				p.calls, err = strconv.Atoi(strings.Trim(val, `"`))
				p.hasCalls = true
			default:
				err = fmt.Errorf("unknown parameter")
			}
			if err != nil {
				return nil, fmt.Errorf("Server-Timing %q: %s: %q: %v", v, p.name, param, err)
			}
		}
		if p.ms < 0 {
			return nil, fmt.Errorf("Server-Timing %q: %s has no dur", v, p.name)
		}
		if seen[p.name] {
			return nil, fmt.Errorf("Server-Timing %q: %s twice", v, p.name)
		}
		seen[p.name] = true
		out = append(out, p)
	}
	for _, name := range fixedPhases {
		if !seen[name] {
			return nil, fmt.Errorf("Server-Timing %q: no %s", v, name)
		}
	}
	return out, nil
}

// phaseSeries collects the Server-Timing of a series of requests of one kind.
type phaseSeries struct {
	runs [][]phase
}

// add reads the header of one answer. A missing header is an error: the host must send it
// when its environment asks for it.
func (s *phaseSeries) add(h http.Header) error {
	v := h.Get("Server-Timing")
	if v == "" {
		return fmt.Errorf("the answer has no Server-Timing header although %s=1 is set", serverTimingEnv)
	}
	phases, err := parseServerTiming(v)
	if err != nil {
		return err
	}
	s.runs = append(s.runs, phases)
	return nil
}

// phaseFigure is the median of one phase over the runs.
type phaseFigure struct {
	name     string
	us       float64
	calls    float64
	hasCalls bool
}

// medians gives each phase's median time and calls over all runs, in print order. A phase a
// run does not name (an API method that request did not call) counts as 0 for that run, so
// that the median is over the same runs for every phase.
func (s *phaseSeries) medians() []phaseFigure {
	names := map[string]bool{}
	hasCalls := map[string]bool{}
	for _, run := range s.runs {
		for _, p := range run {
			names[p.name] = true
			hasCalls[p.name] = hasCalls[p.name] || p.hasCalls
		}
	}
	var out []phaseFigure
	for _, name := range phaseOrder(names) {
		var us, calls []float64
		for _, run := range s.runs {
			var found phase
			for _, p := range run {
				if p.name == name {
					found = p
				}
			}
			us = append(us, found.ms*1e3)
			calls = append(calls, float64(found.calls))
		}
		out = append(out, phaseFigure{name: name, us: median(us), calls: median(calls), hasCalls: hasCalls[name]})
	}
	return out
}

// phaseOrder lists the fixed phases first, then the others sorted.
func phaseOrder(names map[string]bool) []string {
	var out, rest []string
	for _, name := range fixedPhases {
		if names[name] {
			out = append(out, name)
		}
	}
	for name := range names {
		if !slices.Contains(fixedPhases, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

var notKeyChar = regexp.MustCompile(`[^A-Za-z0-9_]`)

// phaseKey makes a phase name fit in a key: api-GetChannel becomes api_GetChannel.
func phaseKey(name string) string { return notKeyChar.ReplaceAllString(name, "_") }

// print prints phase_<series>_<phase>_us and, for the phases that count calls,
// phase_<series>_<phase>_calls.
func (s *phaseSeries) print(series string) {
	for _, f := range s.medians() {
		key := "phase_" + series + "_" + phaseKey(f.name)
		fmt.Printf("%s_us: %.1f\n", key, f.us)
		if f.hasCalls {
			fmt.Printf("%s_calls: %s\n", key, strconv.FormatFloat(f.calls, 'f', -1, 64))
		}
	}
}
