// Package harness drives a plugin bundle through Mattermost's own
// server-side plugin package (github.com/mattermost/mattermost/server/public/plugin),
// exactly as a Mattermost server does, against an in-memory fake plugin.API.
// It is shared by the conformance tests and cmd/bench.
package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
	"github.com/mattermost/mattermost/server/public/shared/mlog"
)

// Environment variables read by the tests and the benchmark.
const (
	EnvBundle      = "BUNDLE_TGZ"
	EnvFaultyGuest = "FAULTY_GUEST_CWASM"
	EnvHookTimeout = "INCIDENT_HOOK_TIMEOUT_MS"
	EnvSkipIdle    = "SKIP_IDLE"
	EnvLogDir      = "CONFORMANCE_LOG_DIR"
)

// LogSink collects everything the mlog logger writes (the host's own logs,
// go-plugin's logs and the plugin process's stdout/stderr) in memory and,
// optionally, in a file. It is safe for concurrent use.
type LogSink struct {
	mu   sync.Mutex
	buf  []byte
	max  int
	file *os.File
}

func (s *LogSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if s.max > 0 && len(s.buf) > s.max {
		// Keep the tail.
		s.buf = append([]byte(nil), s.buf[len(s.buf)-s.max/2:]...)
	}
	if s.file != nil {
		_, _ = s.file.Write(p)
	}
	return len(p), nil
}

// String returns everything kept so far.
func (s *LogSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.buf)
}

// Tail returns at most the last n bytes.
func (s *LogSink) Tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) <= n {
		return string(s.buf)
	}
	return "...[truncated]...\n" + string(s.buf[len(s.buf)-n:])
}

// Installed is one plugin directory under the harness's plugin dir.
type Installed struct {
	ID         string
	Dir        string
	Manifest   *model.Manifest
	Executable string // absolute path of the server executable for this OS/arch
	API        *FakeAPI
}

// Harness owns one plugin.Environment and its directories.
type Harness struct {
	WorkDir   string
	PluginDir string
	WebappDir string
	Logger    *mlog.Logger
	Logs      *LogSink
	LogPath   string // "" unless a log file was requested
	Env       *plugin.Environment

	mu        sync.Mutex
	installed map[string]*Installed
	closed    bool
}

// New creates plugin and webapp directories under workDir, a logger and a
// plugin.Environment. When logFile is non-empty all logs are also written there.
func New(workDir, logFile string) (*Harness, error) {
	h := &Harness{
		WorkDir:   workDir,
		PluginDir: filepath.Join(workDir, "plugins"),
		WebappDir: filepath.Join(workDir, "client", "plugins"),
		Logs:      &LogSink{max: 16 << 20},
		installed: map[string]*Installed{},
	}
	for _, d := range []string{h.PluginDir, h.WebappDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if logFile != "" {
		if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
			return nil, err
		}
		f, err := os.Create(logFile)
		if err != nil {
			return nil, err
		}
		h.Logs.file = f
		h.LogPath = logFile
	}
	logger, err := mlog.NewLogger()
	if err != nil {
		return nil, err
	}
	if err := mlog.AddWriterTarget(logger, h.Logs, false, mlog.StdAll...); err != nil {
		return nil, err
	}
	h.Logger = logger

	newAPIImpl := func(m *model.Manifest) plugin.API {
		h.mu.Lock()
		inst := h.installed[m.Id]
		h.mu.Unlock()
		if inst == nil {
			// Not installed through the harness: still give it a working fake.
			api := NewFakeAPI(logger.With(mlog.String("plugin_id", m.Id)), filepath.Join(h.PluginDir, m.Id))
			api.SetManifest(m)
			return api
		}
		inst.API.SetManifest(m)
		return inst.API
	}
	env, err := plugin.NewEnvironment(newAPIImpl, nil, h.PluginDir, h.WebappDir, logger, nil)
	if err != nil {
		return nil, err
	}
	h.Env = env
	return h, nil
}

func (h *Harness) register(dir string, m *model.Manifest) (*Installed, error) {
	exe := m.GetExecutableForRuntime(runtime.GOOS, runtime.GOARCH)
	if exe == "" {
		return nil, fmt.Errorf("plugin %s: manifest names no server executable for %s/%s", m.Id, runtime.GOOS, runtime.GOARCH)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	inst := &Installed{
		ID:         m.Id,
		Dir:        absDir,
		Manifest:   m,
		Executable: filepath.Join(absDir, filepath.Clean(exe)),
		API:        NewFakeAPI(h.Logger.With(mlog.String("plugin_id", m.Id), mlog.String("source", "fake_api")), absDir),
	}
	h.mu.Lock()
	h.installed[m.Id] = inst
	h.mu.Unlock()
	return inst, nil
}

// Install unpacks a bundle into the plugin dir (as pluginDir/<id>).
func (h *Harness) Install(tgz string) (*Installed, string, error) {
	dir, top, m, err := InstallBundle(tgz, h.PluginDir)
	if err != nil {
		return nil, "", err
	}
	inst, err := h.register(dir, m)
	return inst, top, err
}

// InstallBuilt installs a plugin from its manifest file and server executable (see
// LayOutPlugin).
func (h *Harness) InstallBuilt(manifestPath, executable string) (*Installed, error) {
	dir, m, err := LayOutPlugin(manifestPath, executable, h.PluginDir)
	if err != nil {
		return nil, err
	}
	return h.register(dir, m)
}

// InstallVariant copies an installed plugin under a new id, optionally
// replacing its wasm guest.
func (h *Harness) InstallVariant(src *Installed, newID, guestWasm string) (*Installed, error) {
	dir, m, err := MakeVariant(src.Dir, h.PluginDir, newID, guestWasm)
	if err != nil {
		return nil, err
	}
	return h.register(dir, m)
}

// Activate activates the plugin and returns the wall time it took.
func (h *Harness) Activate(id string) (time.Duration, error) {
	start := time.Now()
	_, activated, err := h.Env.Activate(id)
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("Activate(%s): %w", id, err)
	}
	if !activated {
		return d, fmt.Errorf("Activate(%s) returned activated=false without an error (already active?)", id)
	}
	if !h.Env.IsActive(id) {
		return d, fmt.Errorf("Activate(%s) succeeded but the environment reports state %d", id, h.Env.GetPluginState(id))
	}
	return d, nil
}

// Hooks returns the hooks of an active plugin.
func (h *Harness) Hooks(id string) (plugin.Hooks, error) {
	return h.Env.HooksForPlugin(id)
}

// PluginPID returns the pid of the single running process of the plugin.
func (h *Harness) PluginPID(inst *Installed) (int, error) {
	pids := FindProcesses(inst.Executable)
	switch len(pids) {
	case 1:
		if st, ok := ProcessState(pids[0]); ok && st == "Z" {
			return 0, fmt.Errorf("plugin process %d for %s is a zombie", pids[0], inst.Executable)
		}
		return pids[0], nil
	case 0:
		return 0, fmt.Errorf("no process runs %s", inst.Executable)
	default:
		return 0, fmt.Errorf("%d processes run %s: %v", len(pids), inst.Executable, pids)
	}
}

// Close shuts the environment down (which deactivates and kills every
// plugin) and flushes the logger.
func (h *Harness) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.Env.Shutdown()
	h.FlushLogs()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Logger.ShutdownWithTimeout(ctx)
	h.Logs.mu.Lock()
	if h.Logs.file != nil {
		_ = h.Logs.file.Close()
		h.Logs.file = nil
	}
	h.Logs.mu.Unlock()
}

// FlushLogs waits for queued log records to reach the sink.
func (h *Harness) FlushLogs() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Logger.FlushWithTimeout(ctx)
}

// ErrTimeout is returned by the call helpers when the hook did not return in time.
type ErrTimeout struct {
	Hook    string
	Timeout time.Duration
}

func (e *ErrTimeout) Error() string {
	return fmt.Sprintf("%s did not return within %s", e.Hook, e.Timeout)
}

// CommandResult is the outcome of one ExecuteCommand.
type CommandResult struct {
	Response *model.CommandResponse
	AppErr   *model.AppError
	Elapsed  time.Duration
}

// ExecuteCommand calls hooks.ExecuteCommand, giving up after timeout (the
// call itself keeps running in the background in that case: the Go host has
// no per-hook deadline).
func ExecuteCommand(hooks plugin.Hooks, args *model.CommandArgs, timeout time.Duration) (CommandResult, error) {
	type out struct {
		resp *model.CommandResponse
		aerr *model.AppError
	}
	ch := make(chan out, 1)
	start := time.Now()
	go func() {
		resp, aerr := hooks.ExecuteCommand(&plugin.Context{RequestId: model.NewId()}, args)
		ch <- out{resp, aerr}
	}()
	select {
	case o := <-ch:
		return CommandResult{Response: o.resp, AppErr: o.aerr, Elapsed: time.Since(start)}, nil
	case <-time.After(timeout):
		return CommandResult{Elapsed: time.Since(start)}, &ErrTimeout{Hook: "ExecuteCommand(" + args.Command + ")", Timeout: timeout}
	}
}

// ServeHTTP calls hooks.ServeHTTP with a recorder, giving up after timeout.
func ServeHTTP(hooks plugin.Hooks, req *http.Request, timeout time.Duration) (*httptest.ResponseRecorder, time.Duration, error) {
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		hooks.ServeHTTP(&plugin.Context{
			RequestId:      model.NewId(),
			IPAddress:      "127.0.0.1",
			AcceptLanguage: "en",
			UserAgent:      "conformance-test",
		}, rec, req)
	}()
	select {
	case <-done:
		return rec, time.Since(start), nil
	case <-time.After(timeout):
		return nil, time.Since(start), &ErrTimeout{Hook: "ServeHTTP(" + req.Method + " " + req.URL.Path + ")", Timeout: timeout}
	}
}

// NewPluginRequest builds a request as the server hands it to the plugin:
// the /plugins/<id> prefix already stripped, Mattermost-User-Id set when
// userID is non-empty.
func NewPluginRequest(method, path string, body io.Reader, userID string) *http.Request {
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "127.0.0.1:51234"
	if userID != "" {
		req.Header.Set("Mattermost-User-Id", userID)
	}
	return req
}

// NewClientRequest is NewPluginRequest for a request as the webapp's client sends it:
// X-Requested-With set, and body nil (none), a string or []byte (sent as is) or anything else
// (sent as JSON); a body comes with Content-Type application/json.
func NewClientRequest(method, path string, body any, userID string) (*http.Request, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(j)
	}
	req := NewPluginRequest(method, path, rd, userID)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	return req, nil
}

// SilenceGlobalLogger points mlog's package-level logger, which the plugin environment uses for
// a few lines ("Plugin activated") and which otherwise prints to stdout, at a logger with no
// targets, so benchmark figures and test output stay readable.
func SilenceGlobalLogger() {
	if l, err := mlog.NewLogger(); err == nil {
		mlog.InitGlobalLogger(l)
	}
}
