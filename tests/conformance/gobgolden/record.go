// Package gobgolden records, with the model and plugin types of the server/public release it
// is built with, the bytes Mattermost's host puts on the plugin RPC for the types that changed
// between releases (docs/compatibility.md), and checks values our Rust encoder wrote decode
// with that release's types. cmd/gobgolden writes the recordings to
// server/mm-protocol/tests/golden/<release>/; this package's test records again and compares.
package gobgolden

import (
	"bytes"
	"fmt"
	"net"
	"net/rpc"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

// ServerPublicModule is the module whose release the recordings belong to.
const ServerPublicModule = "github.com/mattermost/mattermost/server/public"

// Release is the server/public version this binary is built with: from its build info, or,
// in a test binary (whose build info lists no dependencies), from the path of the module's
// source, which the module cache names <module>@<version>.
func Release() (string, error) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == ServerPublicModule {
				if d.Replace != nil {
					return "", fmt.Errorf("%s is replaced by %s: not a release", d.Path, d.Replace.Path)
				}
				return d.Version, nil
			}
		}
	}
	file, _ := runtime.FuncForPC(reflect.ValueOf(model.NewId).Pointer()).FileLine(0)
	if m := releaseInPath.FindStringSubmatch(filepath.ToSlash(file)); m != nil {
		return m[1], nil
	}
	return "", fmt.Errorf("cannot tell which release of %s this is (source %s)", ServerPublicModule, file)
}

var releaseInPath = regexp.MustCompile(`/server/public@(v[0-9]+\.[0-9]+\.[0-9]+[^/]*)/`)

// Fixture is one recorded side of one net/rpc call: a request (header and arguments, as the
// host's client writes them) or a response (header and results, as the host's server or a Go
// plugin writes them), in one gob stream as net/rpc writes it on a fresh connection.
type Fixture struct {
	Name  string
	Bytes []byte
}

// tee keeps a copy of everything written to the connection.
type tee struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (t *tee) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.out.Write(p)
	t.mu.Unlock()
	return t.Conn.Write(p)
}

func (t *tee) written() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.out.Bytes())
}

// call makes one net/rpc call of method on a fresh connection to a server with receiver
// registered as "Plugin" (as Mattermost registers both its API server and a plugin's hooks),
// and returns what the client wrote (request) and what the server wrote (response).
func call(receiver any, method string, args, reply any) (request, response []byte, err error) {
	srv := rpc.NewServer()
	if err := srv.RegisterName("Plugin", receiver); err != nil {
		return nil, nil, err
	}
	a, b := net.Pipe()
	clientSide, serverSide := &tee{Conn: a}, &tee{Conn: b}
	done := make(chan struct{})
	go func() {
		srv.ServeConn(serverSide)
		close(done)
	}()
	client := rpc.NewClient(clientSide)
	err = client.Call("Plugin."+method, args, reply)
	client.Close()
	<-done
	if err != nil {
		return nil, nil, fmt.Errorf("Plugin.%s: %w", method, err)
	}
	return clientSide.written(), serverSide.written(), nil
}

// api answers the API methods the plugin calls whose results changed between releases, as
// Mattermost's API server (plugin.apiRPCServer) does: results in Z_<Method>Returns.
type api struct {
	dialog    *plugin.Z_OpenInteractiveDialogArgs
	websocket *plugin.Z_PublishWebSocketEventArgs
}

func (api) GetTeam(_ *plugin.Z_GetTeamArgs, r *plugin.Z_GetTeamReturns) error {
	r.A = team()
	return nil
}

func (api) GetChannel(_ *plugin.Z_GetChannelArgs, r *plugin.Z_GetChannelReturns) error {
	r.A = channel()
	return nil
}

func (api) GetChannelMember(_ *plugin.Z_GetChannelMemberArgs, r *plugin.Z_GetChannelMemberReturns) error {
	r.A = channelMember()
	return nil
}

func (api) GetPostThread(_ *plugin.Z_GetPostThreadArgs, r *plugin.Z_GetPostThreadReturns) error {
	r.A = postList()
	return nil
}

func (a *api) OpenInteractiveDialog(args *plugin.Z_OpenInteractiveDialogArgs, _ *plugin.Z_OpenInteractiveDialogReturns) error {
	a.dialog = args
	return nil
}

func (a *api) PublishWebSocketEvent(args *plugin.Z_PublishWebSocketEventArgs, _ *plugin.Z_PublishWebSocketEventReturns) error {
	a.websocket = args
	return nil
}

// hooks answers ExecuteCommand as a Go plugin does.
type hooks struct {
	args *plugin.Z_ExecuteCommandArgs
}

func (h *hooks) ExecuteCommand(args *plugin.Z_ExecuteCommandArgs, r *plugin.Z_ExecuteCommandReturns) error {
	h.args = args
	r.A = commandResponse()
	return nil
}

// Record makes every recorded call once, in a fixed order. gob numbers types from a counter
// of the whole process, so the bytes are the same from one run to the next only when Record
// is the first thing in its process that encodes gob (cmd/gobgolden; the test runs it in a
// child process).
func Record() ([]Fixture, error) {
	var out []Fixture
	keep := func(name string, b []byte) { out = append(out, Fixture{Name: name, Bytes: b}) }

	// A hook the host calls: the host is the client.
	req, resp, err := call(&hooks{}, "ExecuteCommand",
		&plugin.Z_ExecuteCommandArgs{A: hookContext(), B: commandArgs()}, &plugin.Z_ExecuteCommandReturns{})
	if err != nil {
		return nil, err
	}
	keep("ExecuteCommand.request", req)
	keep("ExecuteCommand.response", resp)

	// API methods the plugin calls: the host is the server.
	for _, c := range []struct {
		method      string
		args, reply any
	}{
		{"GetTeam", &plugin.Z_GetTeamArgs{A: "team-1"}, &plugin.Z_GetTeamReturns{}},
		{"GetChannel", &plugin.Z_GetChannelArgs{A: "channel-1"}, &plugin.Z_GetChannelReturns{}},
		{"GetChannelMember", &plugin.Z_GetChannelMemberArgs{A: "channel-1", B: "user-1"}, &plugin.Z_GetChannelMemberReturns{}},
		{"GetPostThread", &plugin.Z_GetPostThreadArgs{A: "post-1"}, &plugin.Z_GetPostThreadReturns{}},
	} {
		_, resp, err := call(&api{}, c.method, c.args, c.reply)
		if err != nil {
			return nil, err
		}
		keep(c.method+".response", resp)
	}

	// API methods whose arguments changed, as a Go plugin sends them.
	req, _, err = call(&api{}, "OpenInteractiveDialog",
		&plugin.Z_OpenInteractiveDialogArgs{A: openDialogRequest()}, &plugin.Z_OpenInteractiveDialogReturns{})
	if err != nil {
		return nil, err
	}
	keep("OpenInteractiveDialog.request", req)
	req, _, err = call(&api{}, "PublishWebSocketEvent",
		&plugin.Z_PublishWebSocketEventArgs{A: websocketEvent, B: websocketPayload(), C: websocketBroadcast()},
		&plugin.Z_PublishWebSocketEventReturns{})
	if err != nil {
		return nil, err
	}
	keep("PublishWebSocketEvent.request", req)
	return out, nil
}
