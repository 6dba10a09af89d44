// Command mmrun is `make run`: a local Mattermost server (built from its Go module, on a
// private PostgreSQL, as in the end-to-end tests) with the plugin bundle installed and enabled,
// a demo team, channel and users. It prints the URL and the logins, and runs until Ctrl-C;
// everything is thrown away on exit (the logs stay in the work folder).
//
//	go run ./cmd/mmrun -bundle ../../dist/incident-response-0.1.0.tar.gz
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/e2e/mmenv"
)

func main() {
	bundle := flag.String("bundle", os.Getenv("BUNDLE_TGZ"), "the plugin bundle (.tar.gz)")
	port := flag.Int("port", 8065, "HTTP port on 127.0.0.1 (a free one if this is taken)")
	work := flag.String("work", "", "work folder (default <repo>/target/run; emptied first)")
	webClient := flag.String("webapp", os.Getenv("MM_WEBAPP_DIR"), "a built Mattermost web client (a folder with root.html), if you have one")
	flag.Parse()
	if err := run(*bundle, *port, *work, *webClient); err != nil {
		fmt.Fprintf(os.Stderr, "run: %v\n", err)
		os.Exit(1)
	}
}

func run(bundle string, port int, work, webClient string) error {
	if bundle == "" {
		return fmt.Errorf("give the bundle: -bundle dist/incident-response-<version>.tar.gz (make run does)")
	}
	bundle, err := filepath.Abs(bundle)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	repo := filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(repo, "plugin.json")); err != nil {
		return fmt.Errorf("run from tests/e2e (no plugin.json two folders up from %s)", wd)
	}
	if work == "" {
		work = filepath.Join(repo, "target", "run")
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if !mmenv.PortFree(port) {
		fmt.Printf("run: port %d is taken; using a free one\n", port)
		port = 0
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Printf("run %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	env, err := mmenv.Start(ctx, mmenv.Options{WorkDir: work, Port: port, WithMmctl: true, Logf: logf})
	if err != nil {
		return err
	}
	defer env.Stop()
	hasClient, err := installWebClient(env, webClient)
	if err != nil {
		return err
	}
	preview := false
	if !hasClient {
		// No web client: serve the faithful host from webapp/test-support as a labelled preview
		// of the plugin's surfaces (real login, real websocket, the real main.js).
		cmd := exec.CommandContext(ctx, "node", filepath.Join(repo, "webapp", "test-support", "faithful", "preview.mjs"), filepath.Join(env.WorkDir, "client"))
		cmd.Dir = filepath.Join(repo, "webapp")
		if out, err := cmd.CombinedOutput(); err != nil {
			logf("no preview page (node webapp/test-support/faithful/preview.mjs failed: %v): %s", err, out)
		} else {
			preview = true
		}
	}

	// People: the first account is the system admin.
	type login struct{ name, password string }
	admin, err := env.CreateUser(ctx, "sysadmin", mmenv.RandomPassword())
	if err != nil {
		return err
	}
	team, _, err := admin.Client.CreateTeam(ctx, &model.Team{Name: "demo", DisplayName: "Demo", Type: model.TeamOpen})
	if err != nil {
		return err
	}
	logins := []login{{"sysadmin", admin.Password}}
	people := map[string]*mmenv.Person{}
	for _, name := range []string{"alice", "bob", "carol"} {
		p, err := env.CreateUser(ctx, name, mmenv.RandomPassword())
		if err != nil {
			return err
		}
		if _, _, err := admin.Client.AddTeamMember(ctx, team.Id, p.User.Id); err != nil {
			return err
		}
		people[name] = p
		logins = append(logins, login{name, p.Password})
	}
	ops, _, err := people["alice"].Client.CreateChannel(ctx, &model.Channel{TeamId: team.Id, Name: "operations", DisplayName: "Operations", Type: model.ChannelTypeOpen})
	if err != nil {
		return err
	}
	for _, name := range []string{"bob", "carol"} {
		if _, _, err := people["alice"].Client.AddChannelMember(ctx, ops.Id, people[name].User.Id); err != nil {
			return err
		}
	}
	// A personal access token, for `make deploy` and curl.
	pat, _, err := admin.Client.CreateUserAccessToken(ctx, admin.User.Id, "make run")
	if err != nil {
		return err
	}

	// The plugin, the way `make deploy` installs it; then check it is active.
	out, err := env.Deploy(ctx, admin, repo, bundle)
	if err != nil {
		return err
	}
	fmt.Print(out)
	plugins, _, err := admin.Client.GetPlugins(ctx)
	if err != nil {
		return err
	}
	active := ""
	for _, p := range plugins.Active {
		if p.Id == mmenv.PluginID {
			active = p.Version
		}
	}
	if active == "" {
		return fmt.Errorf("%s is not active after deploying; log: %s", mmenv.PluginID, env.LogPath)
	}
	reply, _, err := people["alice"].Client.ExecuteCommand(ctx, ops.Id, "/incident ping")
	if err != nil {
		return fmt.Errorf("/incident ping: %w", err)
	}

	u := env.URL
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("")
	line("Mattermost %s is running at %s", releaseOf(env.Version), u)
	line("  %s active (%s); /incident ping: %s", mmenv.PluginID, active, reply.Text)
	line("  team %q, channel ~operations (alice, bob, carol)", team.Name)
	line("")
	line("Logins (password authentication; system admin first):")
	for _, l := range logins {
		line("  %-9s %s", l.name, l.password)
	}
	line("  admin personal access token: %s", pat.Token)
	line("")
	if hasClient {
		line("Open %s/login in a browser.", u)
	} else if preview {
		line("No Mattermost web client here (it is a separate npm build). What you can open instead is a")
		line("PREVIEW of the plugin's surfaces, in the test host that follows Mattermost's web app rule by")
		line("rule (webapp/test-support/faithful): real login, real websocket, the plugin's real main.js:")
		line("  %s/%s/channels/operations", u, team.Name)
		line("  %s/%s/%s/incidents   (the incidents page; also /playbooks and /reports)", u, team.Name, mmenv.PluginID)
		line("Pass a built web client with MM_WEBAPP_DIR=<its dist folder> make run to use the real one.")
	} else {
		line("No Mattermost web client here: it is a separate npm build (mattermost/webapp), not part of")
		line("the server module. Pass one with MM_WEBAPP_DIR=<its dist folder> make run, or drive the server")
		line("by REST and mmctl:")
		line("  curl %s/api/v4/system/ping", u)
		line("  curl -H 'Authorization: Bearer %s' %s/api/v4/plugins/statuses", pat.Token, u)
		line("  curl -H 'Authorization: Bearer %s' -d '{\"channel_id\":\"%s\",\"command\":\"/incident start Database down\"}' %s/api/v4/commands/execute", pat.Token, ops.Id, u)
		line("  curl -H 'Authorization: Bearer %s' '%s/plugins/%s/api/v0/incidents?team_id=%s'", pat.Token, u, mmenv.PluginID, team.Id)
		line("  MMCTL_LOCAL_SOCKET_PATH=%s \\", env.LocalSocket)
		line("    %s --local plugin list", env.Mmctl)
	}
	line("")
	line("Reinstall after a change:  MM_SERVICESETTINGS_SITEURL=%s MM_ADMIN_TOKEN=%s make deploy", u, pat.Token)
	line("Server log: %s   Ctrl-C stops everything (the data is thrown away).", env.LogPath)
	fmt.Print(b.String())
	if err := os.WriteFile(filepath.Join(work, "README.txt"), []byte(b.String()), 0o600); err != nil {
		return err
	}

	<-ctx.Done()
	fmt.Println("\nrun: stopping")
	return nil
}

// releaseOf is the release part of the server's X-Version-Id (11.1.0.<build>.<hash>...).
func releaseOf(versionID string) string {
	parts := strings.SplitN(versionID, ".", 4)
	if len(parts) < 3 {
		return versionID
	}
	return strings.Join(parts[:3], ".")
}

// installWebClient links a built web client's files into the server's client folder (which
// keeps its own plugins/ subfolder). Without one the server runs API-only.
func installWebClient(env *mmenv.Env, dir string) (bool, error) {
	if dir == "" {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "root.html")); err != nil {
		return false, fmt.Errorf("MM_WEBAPP_DIR=%s is not a built Mattermost web client (no root.html)", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Name() == "plugins" {
			continue
		}
		if err := os.Symlink(filepath.Join(abs, e.Name()), filepath.Join(env.WorkDir, "client", e.Name())); err != nil {
			return false, err
		}
	}
	// The server reads root.html at start-up: restart it to pick the client up.
	return true, env.Restart(context.Background())
}
