package mmenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Cluster is one Mattermost installation served by several server processes ("nodes"), the
// way a high-availability deployment runs: one PostgreSQL database and one file store
// (FileSettings.Directory) shared by all, and per node its own port, plugin folders, logs and
// plugin processes.
//
// Without an enterprise licence Mattermost does not cluster: the nodes send each other no
// messages, so nothing one node changes in memory reaches the others. What they share is
// what lives in the database and the file store. So:
//
//   - The configuration lives in the database (MM_CONFIG=<postgres DSN>, Mattermost's own
//     database config store), so every node reads the same one; what differs per node is set
//     by MM_<SECTION>_<KEY> environment overrides, which Mattermost never writes back. A node
//     reads the stored configuration at startup and when told to (POST /api/v4/config/reload,
//     ReloadConfig), which also activates or deactivates plugins to match PluginStates.
//   - A plugin uploaded through one node is kept in the file store
//     (<FileSettings.Directory>/plugins/<id>.tar.gz); a node unpacks every stored bundle into
//     its own plugin folder when it starts ("Syncing plugins from the file store"). So install
//     through the first node, then start the others.
type Cluster struct {
	WorkDir string // shared data, the configuration defaults, and one folder per node
	DataDir string // FileSettings.Directory of every node
	Nodes   []*Env

	opts         Options
	pg           *postgres
	mattermost   string
	defaultsPath string
	logf         func(string, ...any)
}

// StartCluster builds the server if needed and starts PostgreSQL; AddNode starts the nodes.
func StartCluster(ctx context.Context, opts Options) (*Cluster, error) {
	c := &Cluster{opts: opts, logf: opts.logger()}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	builder := &Env{opts: opts, logf: c.logf}
	if err := builder.build(ctx); err != nil {
		return nil, err
	}
	c.mattermost = builder.Mattermost
	var err error
	if c.WorkDir, c.pg, err = workAndPostgres(ctx, opts, "ir-e2e-ha-"); err != nil {
		return nil, err
	}
	c.DataDir = filepath.Join(c.WorkDir, "data") + "/"
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return nil, err
	}
	// The first node to start finds no configuration in the database and stores these
	// defaults there (MM_CUSTOM_DEFAULTS_PATH); later nodes read what is stored.
	cfg := sharedConfig(c.pg.dsn("mattermost"), c.DataDir)
	// What an admin of a high-availability installation sets. Without a licence the server has
	// no cluster implementation, so this changes nothing in Mattermost itself; plugins read it
	// to know they run on several servers.
	cfg["ClusterSettings"] = map[string]any{"Enable": true, "ClusterName": "ir-e2e-ha"}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	c.defaultsPath = filepath.Join(c.WorkDir, "config-defaults.json")
	if err := os.WriteFile(c.defaultsPath, b, 0o600); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// DSN is the connection string of the shared database.
func (c *Cluster) DSN() string { return c.pg.dsn("mattermost") }

// AddNode starts one more server process on the shared database and file store, in its own
// folder <WorkDir>/node-<name>, and waits until it answers.
func (c *Cluster) AddNode(ctx context.Context, name string) (*Env, error) {
	if c.pg == nil {
		return nil, errors.New("the cluster is stopped")
	}
	e := &Env{opts: c.opts, logf: c.logf, Mattermost: c.mattermost, DataDir: c.DataDir,
		WorkDir: filepath.Join(c.WorkDir, "node-"+name)}
	for _, d := range []string{"plugins", "client/plugins", "logs"} {
		if err := os.MkdirAll(filepath.Join(e.WorkDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := e.linkResources(ctx); err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	e.extraEnv = []string{"MM_CONFIG=" + c.DSN(), "MM_CUSTOM_DEFAULTS_PATH=" + c.defaultsPath}
	for _, s := range e.nodeSettings(port) {
		e.extraEnv = append(e.extraEnv, fmt.Sprintf("MM_%s_%s=%v", strings.ToUpper(s.section), strings.ToUpper(s.key), s.value))
	}
	t0 := time.Now()
	if err := e.StartServer(ctx); err != nil {
		return nil, fmt.Errorf("node %s: %w", name, err)
	}
	c.logf("node %s: %s answering after %.1fs", name, e.URL, time.Since(t0).Seconds())
	c.Nodes = append(c.Nodes, e)
	return e, nil
}

// Stop stops every node, then PostgreSQL. The work folder stays (logs).
func (c *Cluster) Stop() {
	for _, n := range c.Nodes {
		if err := n.StopServer(); err != nil {
			c.logf("mattermost %s: %v", n.URL, err)
		}
	}
	if c.pg != nil {
		c.pg.stop()
		c.pg = nil
	}
}
