package mmenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq" // the plugin's schema in the server's database
	"github.com/mattermost/mattermost/server/public/model"
)

// PluginID is our plugin's id (plugin.json).
const PluginID = "incident-response"

// Person is a user we created, logged in.
type Person struct {
	User     *model.User
	Password string
	Client   *model.Client4 // authenticated with the session token
}

// Token is the person's session token.
func (p *Person) Token() string { return p.Client.AuthToken }

// On is the same person, with the same session, talking to another server of the same
// installation (a cluster node): sessions live in the shared database.
func (p *Person) On(url string) *Person {
	c := model.NewAPIv4Client(url)
	c.SetToken(p.Token())
	return &Person{User: p.User, Password: p.Password, Client: c}
}

func randomToken() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// RandomPassword is a password Mattermost's default policy accepts.
func RandomPassword() string { return "Pw-" + randomToken() }

// CreateUser signs a user up through the API (the first one becomes system admin) and logs
// them in.
func (e *Env) CreateUser(ctx context.Context, username, password string) (*Person, error) {
	anon := model.NewAPIv4Client(e.URL)
	u, _, err := anon.CreateUser(ctx, &model.User{
		Username: username,
		Email:    username + "@example.com",
		Password: password,
	})
	if err != nil {
		return nil, fmt.Errorf("creating user %s: %w", username, err)
	}
	return e.Login(ctx, u.Username, password)
}

// Login logs a user in with their password: a real session token.
func (e *Env) Login(ctx context.Context, username, password string) (*Person, error) {
	c := model.NewAPIv4Client(e.URL)
	u, _, err := c.Login(ctx, username, password)
	if err != nil {
		return nil, fmt.Errorf("logging in %s: %w", username, err)
	}
	return &Person{User: u, Password: password, Client: c}, nil
}

// Deploy installs a bundle and enables it with build/deploy.sh, the way `make deploy` does
// (MM_SERVICESETTINGS_SITEURL and MM_ADMIN_TOKEN), then waits until the plugin runs.
func (e *Env) Deploy(ctx context.Context, admin *Person, repoDir, bundle string) (string, error) {
	out, err := e.Upload(ctx, admin, repoDir, bundle)
	if err != nil {
		return out, err
	}
	return out, e.WaitPluginRunning(ctx, admin, 60*time.Second)
}

// Upload is Deploy without waiting: enabling succeeds whether or not the plugin then starts.
func (e *Env) Upload(ctx context.Context, admin *Person, repoDir, bundle string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "build", "deploy.sh"), bundle, PluginID)
	cmd.Env = append(os.Environ(), "MM_SERVICESETTINGS_SITEURL="+e.URL, "MM_ADMIN_TOKEN="+admin.Token())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("build/deploy.sh: %v\n%s", err, out)
	}
	return string(out), nil
}

// WaitPluginRunning waits until the server reports our plugin running.
func (e *Env) WaitPluginRunning(ctx context.Context, admin *Person, limit time.Duration) error {
	_, err := e.WaitPluginState(ctx, admin, model.PluginStateRunning, limit)
	return err
}

// WaitPluginState waits until this server reports our plugin in state (model.PluginState*),
// and answers the status (with the error of a failed start).
func (e *Env) WaitPluginState(ctx context.Context, admin *Person, state int, limit time.Duration) (*model.PluginStatus, error) {
	deadline := time.Now().Add(limit)
	var last string
	for {
		statuses, _, err := admin.Client.GetPluginStatuses(ctx)
		if err == nil {
			last = "not listed"
			for _, s := range statuses {
				if s.PluginId == PluginID {
					last = fmt.Sprintf("state %d %s", s.State, s.Error)
					if s.State == state {
						return s, nil
					}
				}
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("plugin %s not in state %d after %s (%s); server log tail:\n%s", PluginID, state, limit, last, e.LogTail(30))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// PluginProcesses lists the pids of running plugin executables unpacked below this server's
// plugin folder (read from /proc/<pid>/exe; a replaced file reads "… (deleted)").
func (e *Env) PluginProcesses() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	prefix := filepath.Clean(e.PluginDir) + string(filepath.Separator)
	var pids []int
	for _, ent := range entries {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		link, err := os.Readlink(filepath.Join("/proc", ent.Name(), "exe"))
		if err != nil {
			continue
		}
		link = strings.TrimSuffix(link, " (deleted)")
		if strings.HasPrefix(link, prefix) && filepath.Base(link) == "plugin-linux-amd64" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// DatabasePath is where the plugin keeps its SQLite file: the server's data folder, not the
// plugin folder (which an upgrade replaces).
func (e *Env) DatabasePath() string {
	return filepath.Join(e.DataDir, "plugins", PluginID, "incident-response.db")
}

// StorageBackend is the plugin's StorageBackend setting the tests run with: E2E_STORAGE_BACKEND
// ("sqlite", the default, or "database": the plugin's schema in the server's PostgreSQL).
func StorageBackend() string {
	if b := os.Getenv("E2E_STORAGE_BACKEND"); b != "" {
		return b
	}
	return "sqlite"
}

// SchemaVersion is the plugin's migration count, from whichever store StorageBackend names.
func (e *Env) SchemaVersion() (uint32, error) {
	if StorageBackend() == "database" {
		return e.sharedSchemaVersion()
	}
	return e.sqliteSchemaVersion()
}

// sharedSchemaVersion reads the version row of the plugin's schema in the server's database.
func (e *Env) sharedSchemaVersion() (uint32, error) {
	db, err := sql.Open("postgres", e.pg.dsn("mattermost"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v uint32
	err = db.QueryRow("SELECT version FROM incident_response.schema_version").Scan(&v)
	return v, err
}

// StaleTransactions lists the server database's connections that have sat inside a
// transaction for longer than `idle` (pid, state, last statement). Mattermost's own
// transactions never wait between statements; one found there was given back to Mattermost's
// pool mid-transaction.
func (e *Env) StaleTransactions(idle time.Duration) ([]string, error) {
	db, err := sql.Open("postgres", e.pg.dsn("mattermost"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT pid, state, left(query, 120) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND state LIKE 'idle in transaction%' AND state_change < now() - $1 * interval '1 millisecond'`, idle.Milliseconds())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var pid int
		var state, query string
		if err := rows.Scan(&pid, &state, &query); err != nil {
			return nil, err
		}
		found = append(found, fmt.Sprintf("pid %d %s: %s", pid, state, query))
	}
	return found, rows.Err()
}

// sqliteSchemaVersion reads SQLite's user_version (the plugin's migration count) from the database
// header: bytes 60–63, big-endian. Read it while the plugin is stopped: closing the database
// checkpoints the write-ahead log into the main file.
func (e *Env) sqliteSchemaVersion() (uint32, error) {
	f, err := os.Open(e.DatabasePath())
	if err != nil {
		return 0, err
	}
	defer f.Close()
	header := make([]byte, 100)
	if _, err := f.ReadAt(header, 0); err != nil {
		return 0, err
	}
	if string(header[:16]) != "SQLite format 3\x00" {
		return 0, fmt.Errorf("%s is not an SQLite database", e.DatabasePath())
	}
	if wal, err := os.Stat(e.DatabasePath() + "-wal"); err == nil && wal.Size() > 0 {
		return 0, fmt.Errorf("%s has an unmerged write-ahead log (%d bytes): the plugin still has it open", e.DatabasePath(), wal.Size())
	}
	return uint32(header[60])<<24 | uint32(header[61])<<16 | uint32(header[62])<<8 | uint32(header[63]), nil
}

// ParentPid reads a process's parent from /proc/<pid>/stat ("pid (comm) state ppid ..."; the
// command name may hold spaces, so count from the last parenthesis).
func ParentPid(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	return strconv.Atoi(fields[1])
}
