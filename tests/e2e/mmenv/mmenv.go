// Package mmenv runs a real Mattermost server for the end-to-end tests and `make run`: the
// server built from its Go module (the version pinned in ../go.mod), a private PostgreSQL
// cluster from Debian's packages on loopback, and a config with plugin uploads enabled. There
// is no Mattermost web client (a separate npm build); the server runs API-only.
package mmenv

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq" // PostgreSQL driver, to create the database
)

// ServerModule is the Go module the server and mmctl are built from.
const ServerModule = "github.com/mattermost/mattermost/server/v8"

// Options say where things go. Zero values choose: a fresh temporary WorkDir, free ports.
type Options struct {
	WorkDir   string // server config, data, plugins and logs; created if missing
	BinDir    string // where the built mattermost (and mmctl) go; default <repo>/target/e2e/bin
	Port      int    // the server's HTTP port on 127.0.0.1; 0 picks a free one
	PGPort    int    // PostgreSQL's port on 127.0.0.1; 0 picks a free one
	WithMmctl bool   // also build mmctl
	Logf      func(format string, args ...any)
}

// Env is a running PostgreSQL plus Mattermost.
type Env struct {
	URL         string // http://127.0.0.1:<port>
	WorkDir     string
	ConfigPath  string // config.json; empty for a cluster node, whose configuration is in the database
	DataDir     string // FileSettings.Directory
	PluginDir   string // PluginSettings.Directory
	LogPath     string // the server's stdout and stderr
	LocalSocket string // mmctl --local talks to this
	Mattermost  string // the server binary
	Mmctl       string // the mmctl binary, when built
	Version     string // what the server reports (X-Version-Id)

	opts     Options
	pg       *postgres // nil for a cluster node: the Cluster owns PostgreSQL
	extraEnv []string  // a cluster node's MM_CONFIG and per-node settings
	server   *exec.Cmd
	exited   chan error
	logf     func(string, ...any)
}

// Start builds the server if needed, starts PostgreSQL and Mattermost, and waits until the
// server answers /api/v4/system/ping. On error everything started is stopped again.
func Start(ctx context.Context, opts Options) (*Env, error) {
	e := &Env{opts: opts, logf: opts.logger()}
	ok := false
	defer func() {
		if !ok {
			e.Stop()
		}
	}()

	if err := e.build(ctx); err != nil {
		return nil, err
	}
	var err error
	if e.WorkDir, e.pg, err = workAndPostgres(ctx, opts, "ir-e2e-"); err != nil {
		return nil, err
	}
	for _, d := range []string{"config", "data", "plugins", "client/plugins", "logs"} {
		if err := os.MkdirAll(filepath.Join(e.WorkDir, d), 0o755); err != nil {
			return nil, err
		}
	}

	port := opts.Port
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	if err := e.writeConfig(port); err != nil {
		return nil, err
	}
	if err := e.linkResources(ctx); err != nil {
		return nil, err
	}
	if err := e.StartServer(ctx); err != nil {
		return nil, err
	}
	ok = true
	return e, nil
}

func (o Options) logger() func(string, ...any) {
	if o.Logf == nil {
		return func(string, ...any) {}
	}
	return o.Logf
}

// workAndPostgres makes the work folder (opts.WorkDir, else a fresh temporary one named
// prefix…) and starts PostgreSQL, logging to postgres.log there.
func workAndPostgres(ctx context.Context, opts Options, prefix string) (string, *postgres, error) {
	work := opts.WorkDir
	if work == "" {
		d, err := os.MkdirTemp("", prefix)
		if err != nil {
			return "", nil, err
		}
		work = d
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", nil, err
	}
	port := opts.PGPort
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return "", nil, err
		}
	}
	logf := opts.logger()
	logf("postgres: starting a private cluster on 127.0.0.1:%d", port)
	t0 := time.Now()
	pg, err := startPostgres(ctx, port, filepath.Join(work, "postgres.log"))
	if err != nil {
		return "", nil, err
	}
	logf("postgres: ready in %.1fs", time.Since(t0).Seconds())
	return work, pg, nil
}

// build compiles the server (and mmctl) from the module pinned in go.mod. Go's build cache
// makes this a link step once it has been done.
func (e *Env) build(ctx context.Context) error {
	modDir, err := moduleDir(ctx)
	if err != nil {
		return err
	}
	bin := e.opts.BinDir
	if bin == "" {
		bin = filepath.Join(modDir, "..", "..", "target", "e2e", "bin")
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	cmds := []string{"mattermost"}
	if e.opts.WithMmctl {
		cmds = append(cmds, "mmctl")
	}
	for _, name := range cmds {
		out := filepath.Join(bin, name)
		t0 := time.Now()
		e.logf("build: %s/cmd/%s (first time: several minutes)", ServerModule, name)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ServerModule+"/cmd/"+name)
		cmd.Dir = modDir
		var stderr bytes.Buffer
		cmd.Stdout = &stderr
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", name, err, stderr.String())
		}
		e.logf("build: %s in %.1fs", name, time.Since(t0).Seconds())
		if name == "mattermost" {
			e.Mattermost = out
		} else {
			e.Mmctl = out
		}
	}
	return nil
}

// moduleDir is the directory of this Go module (tests/e2e), where `go build` must run.
func moduleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if _, err := os.Stat(filepath.Join(dir, "mmenv")); err != nil {
		return "", fmt.Errorf("run from the tests/e2e module (got %s)", dir)
	}
	return dir, nil
}

// linkResources gives the server the folders it looks for next to its working directory:
// translations, e-mail templates and fonts from the module source, and an empty client folder
// (no web client; plugin webapp bundles are unpacked below it).
func (e *Env) linkResources(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", ServerModule).Output()
	if err != nil {
		return fmt.Errorf("locating %s: %w", ServerModule, err)
	}
	src := strings.TrimSpace(string(out))
	for _, d := range []string{"i18n", "templates", "fonts"} {
		link := filepath.Join(e.WorkDir, d)
		_ = os.Remove(link)
		if err := os.Symlink(filepath.Join(src, d), link); err != nil {
			return err
		}
	}
	return nil
}

// writeConfig writes the parts of config.json we choose; the server fills in the defaults.
func (e *Env) writeConfig(port int) error {
	e.ConfigPath = filepath.Join(e.WorkDir, "config", "config.json")
	e.DataDir = filepath.Join(e.WorkDir, "data") + "/"
	cfg := sharedConfig(e.pg.dsn("mattermost"), e.DataDir)
	for _, s := range e.nodeSettings(port) {
		cfg[s.section].(map[string]any)[s.key] = s.value
	}
	// The single server's storage (E2E_STORAGE_BACKEND); the cluster starts on the default, which
	// TestHA checks is refused there.
	cfg["PluginSettings"].(map[string]any)["Plugins"] = map[string]any{PluginID: map[string]any{"storagebackend": StorageBackend()}}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(e.ConfigPath, b, 0o600)
}

// sharedConfig is the configuration every server of one installation shares: its database,
// its file store, and our choices (plugin uploads on, signatures off, no e-mail...).
func sharedConfig(dsn, dataDir string) map[string]any {
	return map[string]any{
		"ServiceSettings": map[string]any{
			"EnableLocalMode":        true,
			"EnableUserAccessTokens": true,
			"EnableSecurityFixAlert": false,
			"EnableDeveloper":        false,
		},
		"TeamSettings":  map[string]any{"EnableOpenServer": true, "MaxUsersPerTeam": 100},
		"EmailSettings": map[string]any{"SendEmailNotifications": false, "RequireEmailVerification": false},
		"SqlSettings":   map[string]any{"DriverName": "postgres", "DataSource": dsn},
		"FileSettings":  map[string]any{"Directory": dataDir},
		"PluginSettings": map[string]any{
			"Enable":                      true,
			"EnableUploads":               true,
			"EnableMarketplace":           false,
			"EnableRemoteMarketplace":     false,
			"AutomaticPrepackagedPlugins": false,
			"RequirePluginSignature":      false,
			"EnableHealthCheck":           true,
		},
		"LogSettings": map[string]any{
			"EnableConsole":     true,
			"ConsoleLevel":      "INFO",
			"ConsoleJson":       true,
			"EnableFile":        true,
			"EnableDiagnostics": false,
		},
		"NotificationLogSettings": map[string]any{},
		"AnnouncementSettings":    map[string]any{"AdminNoticesEnabled": false, "UserNoticesEnabled": false},
	}
}

// setting is one configuration value that belongs to one server process, not to the
// installation: its address, its local-mode socket, its plugin folders and its log folder.
type setting struct {
	section, key string
	value        any
}

// nodeSettings sets URL, PluginDir, LocalSocket (below WorkDir) and says where they go.
func (e *Env) nodeSettings(port int) []setting {
	e.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	e.PluginDir = filepath.Join(e.WorkDir, "plugins")
	e.LocalSocket = filepath.Join(e.WorkDir, "mattermost_local.socket")
	logs := filepath.Join(e.WorkDir, "logs")
	return []setting{
		{"ServiceSettings", "SiteURL", e.URL},
		{"ServiceSettings", "ListenAddress", fmt.Sprintf("127.0.0.1:%d", port)},
		{"ServiceSettings", "LocalModeSocketLocation", e.LocalSocket},
		{"PluginSettings", "Directory", e.PluginDir},
		{"PluginSettings", "ClientDirectory", filepath.Join(e.WorkDir, "client", "plugins")},
		{"LogSettings", "FileLocation", logs},
		{"NotificationLogSettings", "FileLocation", logs},
	}
}

// StartServer starts the server process and waits for it to answer.
func (e *Env) StartServer(ctx context.Context) error {
	if e.server != nil {
		return errors.New("the server is already running")
	}
	e.LogPath = filepath.Join(e.WorkDir, "mattermost.log")
	logFile, err := os.OpenFile(e.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	args := []string{"server"}
	if e.ConfigPath != "" {
		args = append(args, "--config", e.ConfigPath)
	}
	cmd := exec.Command(e.Mattermost, args...)
	cmd.Dir = e.WorkDir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Dies with us if we are killed; its plugin processes follow their server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	cmd.Env = append(append(os.Environ(), "MM_LOGSETTINGS_CONSOLELEVEL=INFO"), e.extraEnv...)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	e.server = cmd
	e.exited = make(chan error, 1)
	go func() {
		e.exited <- cmd.Wait()
		logFile.Close()
	}()
	e.logf("mattermost: starting on %s (pid %d, log %s)", e.URL, cmd.Process.Pid, e.LogPath)
	if err := e.waitForPing(ctx, 3*time.Minute); err != nil {
		return err
	}
	e.logf("mattermost: %s answering after %.1fs", e.Version, time.Since(t0).Seconds())
	return nil
}

func (e *Env) waitForPing(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case err := <-e.exited:
			e.server = nil
			return fmt.Errorf("mattermost exited before answering (%v); log tail:\n%s", err, e.LogTail(40))
		default:
		}
		res, err := client.Get(e.URL + "/api/v4/system/ping")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				e.Version = res.Header.Get("X-Version-Id")
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mattermost did not answer /api/v4/system/ping within %s; log tail:\n%s", limit, e.LogTail(40))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// StopServer asks the server to shut down (SIGTERM: it deactivates plugins and closes
// connections) and waits; after 60 s it is killed.
func (e *Env) StopServer() error {
	if e.server == nil {
		return nil
	}
	_ = e.server.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-e.exited:
	case <-time.After(60 * time.Second):
		_ = e.server.Process.Kill()
		err = <-e.exited
		err = fmt.Errorf("mattermost did not stop within 60 s and was killed (%v)", err)
	}
	e.server = nil
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 0 {
		err = nil
	}
	return err
}

// Restart stops the server and starts it again on the same config, database and files.
func (e *Env) Restart(ctx context.Context) error {
	if err := e.StopServer(); err != nil {
		return err
	}
	return e.StartServer(ctx)
}

// ServerPid is the running server's process id (0 when stopped).
func (e *Env) ServerPid() int {
	if e.server == nil {
		return 0
	}
	return e.server.Process.Pid
}

// Stop stops the server and PostgreSQL and removes PostgreSQL's files. The work folder stays
// (logs); the caller removes it if it wants.
func (e *Env) Stop() {
	if err := e.StopServer(); err != nil {
		e.logf("mattermost: %v", err)
	}
	if e.pg != nil {
		e.pg.stop()
		e.pg = nil
	}
}

// LogTail is the last n lines of the server's log.
func (e *Env) LogTail(n int) string {
	return tail(e.LogPath, n)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// FreePort asks the kernel for a free port on loopback.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// PortFree reports whether nothing listens on 127.0.0.1:port.
func PortFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ---- PostgreSQL ----

// postgres is a private cluster: its own data folder in a temporary directory, listening on
// 127.0.0.1 only, password authentication, removed when stopped.
type postgres struct {
	dir      string
	port     int
	password string
	cmd      *exec.Cmd
	exited   chan error
}

const pgUser = "mmadmin"

func (p *postgres) dsn(db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=10", pgUser, p.password, p.port, db)
}

// pgBinDir finds Debian's PostgreSQL server programs (initdb, postgres), which are not on PATH:
// PG_BINDIR, else the newest /usr/lib/postgresql/<major>/bin.
func pgBinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", errors.New("PostgreSQL server programs not found (/usr/lib/postgresql/*/bin/initdb): install Debian's `postgresql` package (build/setup.sh does) or set PG_BINDIR")
	}
	sort.Slice(matches, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(matches[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(matches[j]))))
		return vi > vj
	})
	return filepath.Dir(matches[0]), nil
}

// pgCredential: PostgreSQL refuses to run as root, so as root its programs run as the
// `postgres` system user (created by Debian's package; E2E_PG_OS_USER names another).
func pgCredential() (*syscall.Credential, *user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil, nil
	}
	name := os.Getenv("E2E_PG_OS_USER")
	if name == "" {
		name = "postgres"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, nil, fmt.Errorf("running as root, PostgreSQL needs an unprivileged user %q (useradd --system %s): %w", name, name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, u, nil
}

func startPostgres(ctx context.Context, port int, logPath string) (*postgres, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	cred, osUser, err := pgCredential()
	if err != nil {
		return nil, err
	}
	// Its own temporary directory (mode 0700, owned by the user it runs as), so it works
	// wherever the work folder is.
	dir, err := os.MkdirTemp("", "ir-e2e-pg-")
	if err != nil {
		return nil, err
	}
	p := &postgres{dir: dir, port: port, password: randomToken()}
	ok := false
	defer func() {
		if !ok {
			p.stop()
		}
	}()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(p.password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if osUser != nil {
		for _, path := range []string{dir, pwFile} {
			if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", pgUser, "--pwfile="+pwFile,
		"--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	// The postmaster runs as our child (not daemonised by pg_ctl), so it cannot outlive us:
	// SIGINT on our death is PostgreSQL's fast shutdown.
	p.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(port), "-k", dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	p.cmd.Stdout = logFile
	p.cmd.Stderr = logFile
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT}
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p.exited = make(chan error, 1)
	go func() {
		p.exited <- p.cmd.Wait()
		logFile.Close()
	}()

	// Wait until it accepts connections, then create the server's database.
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-p.exited:
			p.cmd = nil
			return nil, fmt.Errorf("postgres exited (%v); log tail:\n%s", err, tail(logPath, 20))
		default:
		}
		db, err := sql.Open("postgres", p.dsn("postgres"))
		if err == nil {
			_, err = db.ExecContext(ctx, "CREATE DATABASE mattermost")
			db.Close()
			if err == nil {
				ok = true
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("postgres not ready within 60 s (%v); log tail:\n%s", err, tail(logPath, 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (p *postgres) stop() {
	if p.cmd != nil {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		p.cmd = nil
	}
	if p.dir != "" {
		_ = os.RemoveAll(p.dir)
	}
}
