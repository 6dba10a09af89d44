package main

import (
	"net/http"
	"testing"
)

// The host's own example (wasm-host's timing.rs test).
const timingSample = `total;dur=2.000, instantiate;dur=0.100, guest;dur=1.000, json;dur=0, logic;dur=1.000, sql;dur=0.250;desc="1", api-GetChannel;dur=0.150;desc="1", api-GetUser;dur=0.500;desc="2"`

func TestParseServerTiming(t *testing.T) {
	got, err := parseServerTiming(timingSample)
	if err != nil {
		t.Fatal(err)
	}
	want := []phase{
		{name: "total", ms: 2},
		{name: "instantiate", ms: 0.1},
		{name: "guest", ms: 1},
		{name: "json", ms: 0},
		{name: "logic", ms: 1},
		{name: "sql", ms: 0.25, calls: 1, hasCalls: true},
		{name: "api-GetChannel", ms: 0.15, calls: 1, hasCalls: true},
		{name: "api-GetUser", ms: 0.5, calls: 2, hasCalls: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseServerTimingRejects(t *testing.T) {
	for _, v := range []string{
		"total;dur=1, instantiate;dur=0, guest;dur=1",                 // no sql
		"total;dur=1, instantiate;dur=0, guest, sql;dur=0;desc=\"0\"", // guest without dur
		"total;dur=x, instantiate;dur=0, guest;dur=1, json;dur=0, logic;dur=1, sql;dur=0",
		"total;dur=1, instantiate;dur=0, guest;dur=1, json;dur=0, logic;dur=1, sql;dur=0;desc=\"many\"",
		"total;dur=1, total;dur=1, instantiate;dur=0, guest;dur=1, json;dur=0, logic;dur=1, sql;dur=0",
	} {
		if p, err := parseServerTiming(v); err == nil {
			t.Errorf("%q accepted as %+v", v, p)
		}
	}
}

func TestPhaseSeriesMedians(t *testing.T) {
	var s phaseSeries
	for _, v := range []string{
		timingSample,
		`total;dur=3.000, instantiate;dur=0.200, guest;dur=2.000, json;dur=0, logic;dur=2.000, sql;dur=0.750;desc="3", api-GetUser;dur=0.050;desc="1"`,
		`total;dur=4.000, instantiate;dur=0.300, guest;dur=3.000, json;dur=0, logic;dur=3.000, sql;dur=0.500;desc="2", api-GetUser;dur=0.200;desc="2"`,
	} {
		h := http.Header{}
		h.Set("Server-Timing", v)
		if err := s.add(h); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.add(http.Header{}); err == nil {
		t.Error("an answer without Server-Timing was accepted")
	}
	want := []phaseFigure{
		{name: "total", us: 3000},
		{name: "instantiate", us: 200},
		{name: "guest", us: 2000},
		{name: "json", us: 0},
		{name: "logic", us: 2000},
		{name: "sql", us: 500, calls: 2, hasCalls: true},
		{name: "api-GetChannel", us: 0, calls: 0, hasCalls: true}, // called in one run of three
		{name: "api-GetUser", us: 200, calls: 2, hasCalls: true},
	}
	got := s.medians()
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		// Milliseconds with three decimals come back as microseconds within rounding.
		if g := got[i]; g.name != want[i].name || g.calls != want[i].calls || g.hasCalls != want[i].hasCalls || g.us-want[i].us > 1e-6 || want[i].us-g.us > 1e-6 {
			t.Errorf("phase %d: got %+v, want %+v", i, g, want[i])
		}
	}
	if k := phaseKey("api-GetChannel"); k != "api_GetChannel" {
		t.Errorf("phaseKey: %q", k)
	}
}
