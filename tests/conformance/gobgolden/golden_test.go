package gobgolden

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/plugin"
)

// goldenDir holds one directory of recordings per release, and from-rust/ (what our Rust
// encoder writes, made by the Rust tests).
const goldenDir = "../../../server/mm-protocol/tests/golden"

// childEnv makes the test binary record into the directory it names and exit: gob's type
// numbers depend on everything the process encoded before, so recording happens in a fresh
// process, as in cmd/gobgolden.
const childEnv = "GOBGOLDEN_RECORD_INTO"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(recordInto(dir))
	}
	os.Exit(m.Run())
}

func recordInto(dir string) int {
	fixtures, err := Record()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, f := range fixtures {
		if err := os.WriteFile(filepath.Join(dir, f.Name+".gob"), f.Bytes, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func gobFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.gob"))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	sort.Strings(names)
	return names
}

// TestGobGoldenMatchesRelease records the calls again with this release's types and compares
// them byte for byte with the committed recordings of this release: the files the Rust tests
// decode are what this release's host code sends.
func TestGobGoldenMatchesRelease(t *testing.T) {
	release, err := Release()
	if err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(goldenDir, release)
	want := gobFiles(t, committed)
	if len(want) == 0 {
		t.Fatalf("no recordings of server/public %s in %s: run build/conformance-versions.sh golden %s",
			release, committed, release)
	}
	fresh := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+fresh)
	if out, err := child.CombinedOutput(); err != nil {
		t.Fatalf("recording in a child process: %v\n%s", err, out)
	}
	got := gobFiles(t, fresh)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("recorded %v, committed %v", got, want)
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(fresh, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: server/public %s sends %d bytes that differ from the %d committed (build/conformance-versions.sh golden %s rewrites them)",
				name, release, len(a), len(b), release)
		}
	}
	if !t.Failed() {
		t.Logf("server/public %s: %d recordings match", release, len(want))
	}
}

func readRust(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, "from-rust", name))
	if err != nil {
		t.Fatalf("%v (the Rust test writes it: GOLDEN_UPDATE=1 cargo test -p mm-protocol --test golden_to_go)", err)
	}
	return b
}

// serveRequest hands bytes our API client wrote (request header and arguments) to a net/rpc
// server registered as Mattermost registers its API server, and checks it answers without error.
func serveRequest(t *testing.T, wire []byte, receiver any) {
	t.Helper()
	srv := rpc.NewServer()
	if err := srv.RegisterName("Plugin", receiver); err != nil {
		t.Fatal(err)
	}
	host, plug := net.Pipe()
	defer plug.Close()
	go srv.ServeConn(host)
	go func() { _, _ = plug.Write(wire) }()
	_ = plug.SetReadDeadline(time.Now().Add(10 * time.Second))
	dec := gob.NewDecoder(plug)
	var resp rpc.Response
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("reading the server's answer: %v", err)
	}
	if resp.Error != "" {
		t.Fatalf("%s: the server refused the request: %s", resp.ServiceMethod, resp.Error)
	}
}

// TestRustEncodedArgumentsDecode: the arguments our API client sends for the methods whose
// types changed decode with this release's types into exactly what we set, and the fields we
// do not send (v0.4.4's WebsocketBroadcast.RequiredPermissions, DialogElement.DateTimeConfig…)
// stay zero, which each release reads as "not set".
func TestRustEncodedArgumentsDecode(t *testing.T) {
	receiver := &api{}
	serveRequest(t, readRust(t, "OpenInteractiveDialog.request.gob"), receiver)
	if receiver.dialog == nil {
		t.Fatal("OpenInteractiveDialog was not called")
	}
	if want := openDialogRequestSent(); !reflect.DeepEqual(receiver.dialog.A, want) {
		t.Errorf("OpenInteractiveDialog argument\n got %#v\nwant %#v", receiver.dialog.A, want)
	}

	receiver = &api{}
	serveRequest(t, readRust(t, "PublishWebSocketEvent.request.gob"), receiver)
	if receiver.websocket == nil {
		t.Fatal("PublishWebSocketEvent was not called")
	}
	want := &plugin.Z_PublishWebSocketEventArgs{A: websocketEvent, B: websocketPayload(), C: websocketBroadcastSent()}
	if !reflect.DeepEqual(receiver.websocket, want) {
		t.Errorf("PublishWebSocketEvent arguments\n got %#v %#v\nwant %#v %#v", receiver.websocket, receiver.websocket.C, want, want.C)
	}
}

// TestRustEncodedCommandResponseDecodes: what our hooks server answers to ExecuteCommand
// (response header and Z_ExecuteCommandReturns) read by a net/rpc client, as Mattermost's
// host reads a plugin's answer, with this release's CommandResponse (Attachments of
// SlackAttachment or MessageAttachment, which we never send).
func TestRustEncodedCommandResponseDecodes(t *testing.T) {
	wire := readRust(t, "ExecuteCommand.response.gob")
	host, plug := net.Pipe()
	go func() {
		// Read the host's request (header and arguments; their bytes do not matter here),
		// then answer with ours.
		dec := gob.NewDecoder(plug)
		if dec.Decode(&rpc.Request{}) != nil || dec.Decode(&plugin.Z_ExecuteCommandArgs{}) != nil {
			return
		}
		_, _ = plug.Write(wire)
	}()
	client := rpc.NewClient(host)
	defer client.Close()
	var got plugin.Z_ExecuteCommandReturns
	call := client.Go("Plugin.ExecuteCommand", &plugin.Z_ExecuteCommandArgs{A: hookContext(), B: commandArgs()}, &got, nil)
	select {
	case <-call.Done:
	case <-time.After(10 * time.Second):
		t.Fatal("no answer read in 10 s")
	}
	if call.Error != nil {
		t.Fatalf("Plugin.ExecuteCommand: %v", call.Error)
	}
	if got.B != nil {
		t.Errorf("AppError %+v, want none", got.B)
	}
	if want := commandResponseSent(); !reflect.DeepEqual(got.A, want) {
		t.Errorf("CommandResponse\n got %#v\nwant %#v", got.A, want)
	}
}
