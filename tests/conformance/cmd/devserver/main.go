// Command devserver runs the real plugin bundle under the conformance harness (Mattermost's own
// plugin host code and the in-memory fake plugin.API) and puts a small HTTP server in front of
// it that plays the Mattermost server for a browser: the webapp's requests to
// /plugins/incident-response/... reach the plugin's ServeHTTP hook exactly as Mattermost would
// hand them over. It exists for the webapp's browser tests (webapp/test/rhs.test.mjs and
// webapp/test/incidents_page.test.mjs) and for looking at the webapp by hand. Not part of
// `go test`.
//
//	cd tests/conformance && BUNDLE_TGZ=/abs/incident-response-0.1.0.tar.gz go run ./cmd/devserver -addr 127.0.0.1:8065 -static DIR
//
// The first line on stdout is the base URL (http://127.0.0.1:<port>); everything else goes to
// stderr. It stops cleanly (deactivating the plugin) on SIGTERM or SIGINT, and when its stdin
// reaches end of file (unless -watch-stdin=false), so a test that spawns it with a pipe cannot
// leave it behind.
//
// # People
//
// The fake server is seeded with team "ops", its channels town-square, announcements and
// leadership (private, nobody in it), a team "dev" with town-square and dev-alerts (nobody in
// it), and three users: "sysadmin" (system and team admin, in town-square), "alice" (team
// member, in town-square) and "bob" (team member, in no channel). /test/user adds more: a
// guest, or a member of another team.
//
// # Who is logged in
//
// Mattermost sets the header Mattermost-User-Id from the session and strips any copy the client
// sent. Here the session is one of, first match wins:
//
//   - header  X-Test-User: <username>   (like a bearer token: no CSRF check)
//   - query   ?test_user=<username>     (like access_token: removed before the plugin sees it)
//   - cookie  MMTESTUSER=<username>     (like the MMAUTHTOKEN session cookie, for browsers)
//
// An unknown username, or none, passes the request through unauthenticated (no
// Mattermost-User-Id), as Mattermost does. For cookie sessions the CSRF rule of Mattermost's
// plugin_requests.go applies to every method but GET: the X-CSRF-Token header must equal the
// MMCSRF cookie; with -strict-csrf=false an "X-Requested-With: XMLHttpRequest" header alone is
// also accepted (Mattermost's non-strict mode). A failed check makes the request anonymous.
// GET /test/login?user=<username> sets both cookies (MMTESTUSER and a fresh MMCSRF).
//
// # Routes
//
//	/plugins/incident-response/...  the plugin's ServeHTTP, prefix stripped, Mattermost-User-Id set
//	GET  /api/v4/users/{id}          the user (sanitised), like Mattermost's REST API; needs a session
//	GET  /api/v4/users/{id}/image    a generated SVG avatar
//	GET  /api/v4/users/me            the session's user
//	GET  /api/v4/users/autocomplete?in_team=T&name=X[&limit=N]
//	                                 {"users":[...]}: users of team T (all users without in_team)
//	                                 whose username, first/last name or nickname starts with X
//	                                 (case-insensitive; "@" ignored), sorted by username; needs a session
//	GET  /api/v4/channels/{id}       the channel, to members, (public ones) to the team and to system
//	                                 admins; needs a session
//	GET  /api/v4/teams/{id}/channels/autocomplete?name=X
//	                                 the team's public channels whose name or display name starts with X
//	                                 (case-insensitive), by display name, at most 50; needs a session
//	GET  /api/v4/channels/{id}/members/me, POST /api/v4/channels/{id}/members,
//	POST /api/v4/commands/execute    membership and slash commands, as Mattermost (host_api.go)
//	GET  /test/seed                  {"team_id","team_name","town_square_id","site_url","users":{"alice":{"id","username"},...}}
//	GET  /test/login?user=alice      sets the session cookies, answers the user
//	POST /test/command               {"user":"alice","command":"/incident start X","channel_id"?,"team_id"?}
//	                                 runs hooks.ExecuteCommand as that user in that channel (default
//	                                 town-square) and answers {"text","response_type","goto_location","error"}
//	POST /test/user                  {"username":"gina","guest":true} a guest account, guest of ops; or
//	                                 {"username":"olga","team":"elsewhere"} a member of that new team only;
//	                                 or {"username":"carl"} a member of ops. Answers {"id","username"}
//	POST /test/join                  {"user":"gina","channel_id":"…"} makes that user a member of the channel,
//	                                 as an admin adding them would (a guest gets the channel_guest role)
//	POST /test/post                  {"user":"bob","message":"…","channel_id"?} posts as that user (default
//	                                 town-square) and answers the post, as a browser's store would hold it
//	POST /test/timezone              {"user":"alice","timezone":{"useAutomaticTimezone":"false","manualTimezone":"Asia/Tokyo"}}
//	                                 sets the user's User.Timezone (what users/me and the plugin's GetUser read)
//	GET  /test/events?since=N        websocket events the plugin published, as a browser would get
//	                                 them: {"events":[{"event":"custom_incident-response_…","data":{…},
//	                                 "broadcast":{…}}],"next":M}
//	/api/v4/plugins, config, config/patch, teams, channels/search
//	                                 the System Console's, for system admins (admin_console.go)
//	/api/v4/config/client, users/me, users/me/teams[/{id}/channels], plugins/webapp, websocket
//	                                 what the web client boots from, and the filtered event stream (webclient.go)
//	anything else                    a file from -static DIR (when given), never cached, or its index.html
//	                                 for a web route (webclient.go); -subpath serves all of it below a path
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"incidentresponse/tests/conformance/harness"
)

const (
	pluginID     = "incident-response"
	pluginPrefix = "/plugins/" + pluginID
	hookTimeout  = 60 * time.Second
	maxBody      = 16 << 20
)

type server struct {
	h          *harness.Harness
	api        *harness.FakeAPI
	hooks      plugin.Hooks
	seed       harness.Seed
	strictCSRF bool
	siteURL    string

	manifest *model.Manifest
	devTeam  string // a second team, for the System Console's per-team settings

	mu      sync.Mutex
	users   map[string]string // username -> id
	locales map[string]string // user id -> locale set through /test/locale
}

func main() {
	harness.SilenceGlobalLogger()
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free one)")
	static := flag.String("static", "", "serve files from this directory for paths the server does not handle")
	logFile := flag.String("log", "", "also write the host/plugin log to this file")
	strict := flag.Bool("strict-csrf", true, "cookie sessions need X-CSRF-Token = MMCSRF cookie on non-GET requests")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches end of file")
	flag.Parse()

	bundle := os.Getenv(harness.EnvBundle)
	if bundle == "" {
		fatalf("%s is not set: it must name the plugin bundle incident-response-<version>.tar.gz", harness.EnvBundle)
	}
	bundle, _ = filepath.Abs(bundle)

	work, err := os.MkdirTemp("", "incident-devserver-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(work)

	h, err := harness.New(work, *logFile)
	if err != nil {
		fatalf("harness: %v", err)
	}
	defer h.Close()
	inst, _, err := h.Install(bundle)
	if err != nil {
		h.Close()
		fatalf("installing %s: %v", bundle, err)
	}
	if inst.ID != pluginID {
		h.Close()
		fatalf("plugin.json id is %q, want %q", inst.ID, pluginID)
	}
	api := inst.API
	seed := api.Seed()
	bob := api.AddUser("bob", seed.TeamID)
	// A second public channel, for playbooks' announcement channels: alice is in it, as an
	// editor must be to name it (the bot announces only where the editor may post).
	announcements, aerr := api.CreateChannel(&model.Channel{TeamId: seed.TeamID, Name: "announcements", DisplayName: "Announcements",
		Type: model.ChannelTypeOpen, CreatorId: seed.AdminID})
	if aerr != nil {
		h.Close()
		fatalf("create the announcements channel: %v", aerr)
	}
	api.JoinChannel(announcements.Id, seed.UserID)
	// A private channel of ops, and a second team "dev" nobody is in: the System Console's
	// channel picker lists both kinds of channel, per team (admin_console.go).
	devTeam := api.AddTeam("dev", "Dev")
	for _, c := range []*model.Channel{
		{TeamId: seed.TeamID, Name: "leadership", DisplayName: "Leadership", Type: model.ChannelTypePrivate, CreatorId: seed.AdminID},
		{TeamId: devTeam, Name: "town-square", DisplayName: "Town Square", Type: model.ChannelTypeOpen, CreatorId: seed.AdminID},
		{TeamId: devTeam, Name: "dev-alerts", DisplayName: "Dev alerts", Type: model.ChannelTypeOpen, CreatorId: seed.AdminID},
	} {
		if _, aerr := api.CreateChannel(c); aerr != nil {
			h.Close()
			fatalf("create the channel %s: %v", c.Name, aerr)
		}
	}
	if _, err := h.Activate(pluginID); err != nil {
		logs := h.Logs.Tail(16 << 10)
		h.Close()
		fatalf("%v\n%s", err, logs)
	}
	hooks, err := h.Hooks(pluginID)
	if err != nil {
		h.Close()
		fatalf("HooksForPlugin: %v", err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		h.Close()
		fatalf("listen %s: %v", *addr, err)
	}
	s := &server{
		h: h, api: api, hooks: hooks, seed: seed, strictCSRF: *strict, manifest: inst.Manifest, devTeam: devTeam,
		siteURL: "http://" + ln.Addr().String() + strings.TrimRight(*subpathFlag, "/"),
		users:   map[string]string{"sysadmin": seed.AdminID, "alice": seed.UserID, "bob": bob},
		locales: map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(pluginPrefix+"/", s.servePlugin)
	mux.HandleFunc("/api/v4/users/", s.serveUsers)
	mux.HandleFunc("/api/v4/channels/", s.serveChannel)
	mux.HandleFunc("/api/v4/teams/", s.serveTeamChannels)
	mux.HandleFunc("GET /api/v4/channels/{id}/members/me", s.serveMyChannelMember)
	mux.HandleFunc("POST /api/v4/channels/{id}/members", s.serveAddChannelMember)
	mux.HandleFunc("POST /api/v4/commands/execute", s.serveExecuteCommand)
	mux.HandleFunc("/test/seed", s.serveSeed)
	mux.HandleFunc("/test/login", s.serveLogin)
	mux.HandleFunc("/test/command", s.serveCommand)
	mux.HandleFunc("/test/events", s.serveEvents)
	mux.HandleFunc("/test/post", s.servePost)
	mux.HandleFunc("POST /test/join", s.serveJoin)
	mux.HandleFunc("POST /test/user", s.serveAddUser)
	s.routeWebClient(mux)
	s.routeAdminConsole(mux)
	if *static != "" {
		mux.Handle("/", staticOrApp(*static))
	}
	srv := &http.Server{Handler: withSubpath(*subpathFlag, mux), ReadHeaderTimeout: 10 * time.Second}

	fmt.Println(s.siteURL)
	fmt.Fprintf(os.Stderr, "devserver: %s serves %s (team ops %s; users sysadmin, alice, bob)\n", s.siteURL, filepath.Base(bundle), seed.TeamID)

	stop := make(chan string, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { stop <- (<-sig).String() }()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			stop <- "stdin closed"
		}()
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			stop <- "serve: " + err.Error()
		}
	}()

	why := <-stop
	fmt.Fprintf(os.Stderr, "devserver: stopping (%s)\n", why)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = srv.Shutdown(ctx)
	cancel()
	h.Close()
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "devserver: "+format+"\n", args...)
	os.Exit(1)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *server) userID(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[strings.TrimPrefix(strings.TrimSpace(username), "@")]
}

// session resolves who is logged in, the way Mattermost's ServePluginRequest does (see the
// package comment); "" means anonymous.
func (s *server) session(r *http.Request) string {
	if u := r.Header.Get("X-Test-User"); u != "" {
		return s.userID(u)
	}
	if u := r.URL.Query().Get("test_user"); u != "" {
		return s.userID(u)
	}
	c, err := r.Cookie("MMTESTUSER")
	if err != nil || c.Value == "" {
		return ""
	}
	id := s.userID(c.Value)
	if id == "" || r.Method == http.MethodGet {
		return id
	}
	if token := r.Header.Get("X-CSRF-Token"); token != "" {
		if csrf, err := r.Cookie("MMCSRF"); err == nil && csrf.Value != "" && csrf.Value == token {
			return id
		}
		return ""
	}
	if !s.strictCSRF && r.Header.Get("X-Requested-With") == "XMLHttpRequest" {
		return id
	}
	return ""
}

func (s *server) servePlugin(w http.ResponseWriter, r *http.Request) {
	userID := s.session(r)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeErr(w, http.StatusBadRequest, "request body unreadable or too large")
		return
	}
	// The escaped path, as Mattermost forwards it (the URL travels as url.URL.String()): a
	// decoded one may hold control characters a URL cannot.
	path := strings.TrimPrefix(r.URL.EscapedPath(), pluginPrefix)
	if path == "" {
		path = "/"
	}
	q := r.URL.Query()
	q.Del("test_user")
	target := path
	if enc := q.Encode(); enc != "" {
		target += "?" + enc
	}
	req := harness.NewPluginRequest(r.Method, target, strings.NewReader(string(body)), "")
	for k, vs := range r.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Mattermost-User-Id", "Mattermost-Plugin-Id", "Cookie", "Referer", "X-Test-User", "Authorization":
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if userID != "" {
		req.Header.Set("Mattermost-User-Id", userID)
	}
	rec, _, err := harness.ServeHTTP(s.hooks, req, hookTimeout)
	if err != nil {
		writeErr(w, http.StatusGatewayTimeout, err.Error())
		return
	}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

type userJSON struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Nickname  string `json:"nickname"`
	Email     string `json:"email,omitempty"`
	IsBot     bool   `json:"is_bot"`
	Roles     string `json:"roles"`
	Locale    string `json:"locale"`
	// As Mattermost sends it: {"useAutomaticTimezone","automaticTimezone","manualTimezone"}.
	Timezone model.StringMap `json:"timezone,omitempty"`
}

func (s *server) serveUsers(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeErr(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	me := s.session(r)
	rest := strings.TrimPrefix(r.URL.Path, "/api/v4/users/")
	id, sub, _ := strings.Cut(rest, "/")
	if id == "me" {
		id = me
	}
	if id == "autocomplete" && sub == "" {
		if me == "" {
			writeErr(w, http.StatusUnauthorized, "Invalid or expired session, please login again.")
			return
		}
		s.serveAutocomplete(w, r)
		return
	}
	if sub == "image" {
		// Mattermost serves avatars to any logged-in user; <img> requests carry the cookie.
		s.serveAvatar(w, id)
		return
	}
	if me == "" {
		writeErr(w, http.StatusUnauthorized, "Invalid or expired session, please login again.")
		return
	}
	if sub != "" {
		writeErr(w, http.StatusNotFound, "not found")
		return
	}
	u, aerr := s.api.GetUser(id)
	if aerr != nil {
		writeErr(w, http.StatusNotFound, "Unable to find the user.")
		return
	}
	writeJSON(w, http.StatusOK, userJSON{ID: u.Id, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		Nickname: u.Nickname, IsBot: u.IsBot, Roles: u.Roles, Locale: s.localeOf(u.Id), Timezone: u.Timezone})
}

// serveAutocomplete answers like Mattermost's GET /api/v4/users/autocomplete, over the fake's
// users this server knows by name.
func (s *server) serveAutocomplete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	teamID := q.Get("in_team")
	term := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(q.Get("name")), "@"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	s.mu.Lock()
	ids := make([]string, 0, len(s.users))
	for _, id := range s.users {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	users := []userJSON{}
	for _, id := range ids {
		u, aerr := s.api.GetUser(id)
		if aerr != nil || u.DeleteAt != 0 {
			continue
		}
		if teamID != "" {
			if m, aerr := s.api.GetTeamMember(teamID, id); aerr != nil || m.DeleteAt != 0 {
				continue
			}
		}
		match := term == ""
		for _, f := range []string{u.Username, u.FirstName, u.LastName, u.Nickname} {
			if f != "" && strings.HasPrefix(strings.ToLower(f), term) {
				match = true
			}
		}
		if match {
			users = append(users, userJSON{ID: u.Id, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
				Nickname: u.Nickname, IsBot: u.IsBot, Roles: u.Roles, Locale: s.localeOf(u.Id)})
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	if len(users) > limit {
		users = users[:limit]
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// serveAvatar draws the kind of initials avatar Mattermost generates for users without a picture.
func (s *server) serveAvatar(w http.ResponseWriter, id string) {
	letter := "?"
	if u, aerr := s.api.GetUser(id); aerr == nil && u.Username != "" {
		letter = strings.ToUpper(u.Username[:1])
	}
	hsh := fnv.New32a()
	_, _ = hsh.Write([]byte(id))
	palette := []string{"#1c58d9", "#3db887", "#d24b4e", "#ffbc1f", "#7a5ad8", "#28a5b3", "#e46b2c"}
	color := palette[int(hsh.Sum32())%len(palette)]
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">`+
		`<rect width="128" height="128" fill="%s"/><text x="64" y="84" font-family="sans-serif" font-size="60" `+
		`font-weight="600" fill="#fff" text-anchor="middle">%s</text></svg>`, color, letter)
}

type seedUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

func (s *server) serveSeed(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	users := map[string]seedUser{}
	for name, id := range s.users {
		users[name] = seedUser{ID: id, Username: name}
	}
	s.mu.Unlock()
	teamName := ""
	if t, aerr := s.api.GetTeam(s.seed.TeamID); aerr == nil {
		teamName = t.Name
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"team_id": s.seed.TeamID, "team_name": teamName, "town_square_id": s.seed.ChannelID,
		"site_url": s.siteURL, "plugin_id": pluginID, "users": users, "dev_team_id": s.devTeam,
	})
}

// serveAddUser adds a user the seed does not have: a guest of ops, or a member of a new team.
func (s *server) serveAddUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Guest    bool   `json:"guest"`
		Team     string `json:"team"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Username == "" {
		writeErr(w, http.StatusBadRequest, "want {\"username\", \"guest\"?, \"team\"?}")
		return
	}
	if s.userID(in.Username) != "" {
		writeErr(w, http.StatusConflict, "the user exists: "+in.Username)
		return
	}
	var id string
	switch {
	case in.Guest:
		id = s.api.AddGuest(in.Username, s.seed.TeamID)
	case in.Team != "":
		id = s.api.AddUser(in.Username, s.api.AddTeam(in.Team, in.Team))
	default:
		id = s.api.AddUser(in.Username, s.seed.TeamID)
	}
	s.mu.Lock()
	s.users[in.Username] = id
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, seedUser{ID: id, Username: in.Username})
}

// serveJoin adds a user to a channel without asking the plugin, as a channel admin would.
func (s *server) serveJoin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User      string `json:"user"`
		ChannelID string `json:"channel_id"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeErr(w, http.StatusBadRequest, "bad JSON: "+err.Error())
		return
	}
	id := s.userID(in.User)
	if id == "" || s.api.Channel(in.ChannelID) == nil {
		writeErr(w, http.StatusNotFound, "no such user or channel")
		return
	}
	s.api.JoinChannel(in.ChannelID, id)
	writeJSON(w, http.StatusOK, seedUser{ID: id, Username: in.User})
}

func (s *server) serveLogin(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("user")
	id := s.userID(name)
	if id == "" {
		writeErr(w, http.StatusNotFound, "no such user: "+name)
		return
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	http.SetCookie(w, &http.Cookie{Name: "MMTESTUSER", Value: name, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: "MMCSRF", Value: hex.EncodeToString(buf), Path: "/", SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, seedUser{ID: id, Username: name})
}

func (s *server) serveChannel(w http.ResponseWriter, r *http.Request) {
	me := s.session(r)
	if me == "" {
		writeErr(w, http.StatusUnauthorized, "Invalid or expired session, please login again.")
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/api/v4/channels/")
	c := s.api.Channel(id)
	if r.Method != http.MethodGet || strings.Contains(id, "/") || c == nil {
		writeErr(w, http.StatusNotFound, "Unable to find the channel.")
		return
	}
	// A system admin reads every channel (the System Console names private ones too).
	_, notMember := s.api.GetChannelMember(c.Id, me)
	if notMember != nil && c.Type != model.ChannelTypeOpen && !s.api.HasPermissionTo(me, model.PermissionManageSystem) {
		writeErr(w, http.StatusForbidden, "You do not have the appropriate permissions.")
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *server) serveTeamChannels(w http.ResponseWriter, r *http.Request) {
	me := s.session(r)
	if me == "" {
		writeErr(w, http.StatusUnauthorized, "Invalid or expired session, please login again.")
		return
	}
	teamID, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/api/v4/teams/"), "/")
	if r.Method != http.MethodGet || rest != "channels/autocomplete" {
		writeErr(w, http.StatusNotFound, "not found")
		return
	}
	if _, aerr := s.api.GetTeamMember(teamID, me); aerr != nil {
		writeErr(w, http.StatusForbidden, "You do not have the appropriate permissions.")
		return
	}
	name := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("name")))
	out := []*model.Channel{}
	for _, c := range s.api.TeamChannels(teamID) {
		if c.Type != model.ChannelTypeOpen || c.DeleteAt != 0 {
			continue
		}
		if strings.HasPrefix(strings.ToLower(c.Name), name) || strings.HasPrefix(strings.ToLower(c.DisplayName), name) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	if len(out) > 50 {
		out = out[:50]
	}
	writeJSON(w, http.StatusOK, out)
}

// actAs reads a test action's JSON body into in (which names a "user" and a "channel_id") and
// answers the user's id and the channel (town-square when none is given), or writes the error.
func (s *server) actAs(w http.ResponseWriter, r *http.Request, in any, user func() string, channel *string) (string, bool) {
	if r.Method != http.MethodPost {
		writeErr(w, http.StatusMethodNotAllowed, "POST a JSON body")
		return "", false
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(in); err != nil {
		writeErr(w, http.StatusBadRequest, "body: "+err.Error())
		return "", false
	}
	userID := s.userID(user())
	if userID == "" {
		writeErr(w, http.StatusBadRequest, "no such user: "+user())
		return "", false
	}
	if *channel == "" {
		*channel = s.seed.ChannelID
	}
	return userID, true
}

func (s *server) servePost(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User      string `json:"user"`
		Message   string `json:"message"`
		ChannelID string `json:"channel_id"`
	}
	userID, ok := s.actAs(w, r, &in, func() string { return in.User }, &in.ChannelID)
	if !ok {
		return
	}
	post, aerr := s.api.CreatePost(&model.Post{UserId: userID, ChannelId: in.ChannelID, Message: in.Message})
	if aerr != nil {
		writeErr(w, aerr.StatusCode, aerr.Error())
		return
	}
	writeJSON(w, http.StatusOK, post)
}

func (s *server) serveCommand(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User      string `json:"user"`
		Command   string `json:"command"`
		ChannelID string `json:"channel_id"`
		TeamID    string `json:"team_id"`
	}
	userID, ok := s.actAs(w, r, &in, func() string { return in.User }, &in.ChannelID)
	if !ok {
		return
	}
	if in.TeamID == "" {
		in.TeamID = s.seed.TeamID
		if c := s.api.Channel(in.ChannelID); c != nil && c.TeamId != "" {
			in.TeamID = c.TeamId
		}
	}
	args := &model.CommandArgs{Command: in.Command, UserId: userID, TeamId: in.TeamID, ChannelId: in.ChannelID,
		SiteURL: s.siteURL, TriggerId: model.NewId()}
	res, err := harness.ExecuteCommand(s.hooks, args, hookTimeout)
	if err != nil {
		writeErr(w, http.StatusGatewayTimeout, err.Error())
		return
	}
	out := map[string]any{"text": "", "response_type": "", "goto_location": "", "error": nil}
	if res.Response != nil {
		out["text"] = res.Response.Text
		out["response_type"] = res.Response.ResponseType
		out["goto_location"] = res.Response.GotoLocation
	}
	if res.AppErr != nil {
		out["error"] = res.AppErr.Error()
	}
	writeJSON(w, http.StatusOK, out)
}

// eventJSON is a plugin event as a browser receives it: custom_<plugin id>_<event>, its data and
// the broadcast it was addressed with.
func eventJSON(e harness.WebSocketEvent) map[string]any {
	b := map[string]any{}
	if e.Broadcast != nil {
		b = map[string]any{"channel_id": e.Broadcast.ChannelId, "user_id": e.Broadcast.UserId, "team_id": e.Broadcast.TeamId}
	}
	data := e.Payload
	if data == nil {
		data = map[string]any{}
	}
	return map[string]any{"event": "custom_" + pluginID + "_" + e.Event, "data": data, "broadcast": b}
}

func (s *server) serveEvents(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.Atoi(r.URL.Query().Get("since"))
	all := s.api.WebSocketEvents()
	if since < 0 || since > len(all) {
		since = len(all)
	}
	events := []map[string]any{}
	for _, e := range all[since:] {
		events = append(events, eventJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events, "next": len(all)})
}
