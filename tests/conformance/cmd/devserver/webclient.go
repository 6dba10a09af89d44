// What Mattermost's web client asks the server for before and while it runs plugins, so the
// faithful test host (webapp/test-support/faithful) can boot against this server exactly as
// it boots against a real one:
//
//	GET  /api/v4/config/client?format=old   the client config (SiteURL, DisableAppBar, …)
//	GET  /api/v4/users/me                    the session's user, with its locale (main.go's serveUsers)
//	GET  /api/v4/users/me/teams              the session's teams
//	GET  /api/v4/users/me/teams/{id}/channels  the team's channels the user is a member of
//	GET  /api/v4/plugins/webapp              the webapp plugins: [{id, version, webapp: {bundle_path}}]
//	GET  /api/v4/websocket                   the event stream, filtered per connection the way
//	                                         Mattermost's hub does (see shouldSend)
//	POST /test/locale                        {"user":"alice","locale":"fr"}: the user's language
//	POST /test/timezone                      {"user":"alice","timezone":{…}}: the user's User.Timezone (main.go)
//
// Flags: -subpath /chat serves everything below that path, as a Mattermost whose SiteURL has a
// subpath does; -disable-app-bar answers DisableAppBar "true" (Mattermost's default is "false");
// with -static, a path that names no file is answered with the folder's index.html (the
// single-page app), as Mattermost answers its web routes with root.html.
package main

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattermost/mattermost/server/public/model"
)

var (
	subpathFlag       = flag.String("subpath", "", "serve below this path, like a SiteURL with a subpath (e.g. /chat)")
	disableAppBarFlag = flag.Bool("disable-app-bar", false, "client config DisableAppBar=true (Mattermost's default is false)")
	// As Mattermost lists it (/static/<id>/<file>); the web app loads it from /static/plugins/<id>/<file>.
	listedBundlePath = "/static/" + pluginID + "/main.js"
)

func (s *server) routeWebClient(mux *http.ServeMux) {
	mux.HandleFunc("/api/v4/config/client", s.serveClientConfig)
	mux.HandleFunc("/api/v4/users/me/teams", s.serveMyTeams)
	mux.HandleFunc("/api/v4/users/me/teams/", s.serveMyTeamChannels)
	mux.HandleFunc("/api/v4/plugins/webapp", s.serveWebappPlugins)
	mux.HandleFunc("/api/v4/websocket", s.serveWebSocket)
	mux.HandleFunc("/test/locale", s.serveSetLocale)
	mux.HandleFunc("/test/timezone", s.serveSetTimezone)
}

// withSubpath answers only below the subpath, with it stripped, as Mattermost does when its
// SiteURL has one.
func withSubpath(sub string, next http.Handler) http.Handler {
	sub = strings.TrimRight(sub, "/")
	if sub == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != sub && !strings.HasPrefix(r.URL.Path, sub+"/") {
			http.NotFound(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, sub)
		if r2.URL.Path == "" {
			r2.URL.Path = "/"
		}
		r2.URL.RawPath = ""
		next.ServeHTTP(w, r2)
	})
}

// staticOrApp serves a file of dir, or dir/index.html for any other path outside the API.
func staticOrApp(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		clean := filepath.Clean("/" + r.URL.Path)
		if st, err := os.Stat(filepath.Join(dir, clean)); err == nil && !st.IsDir() {
			files.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(clean, "/api/") || strings.HasPrefix(clean, "/plugins/") || strings.HasPrefix(clean, "/static/") {
			http.NotFound(w, r)
			return
		}
		index := filepath.Join(dir, "index.html")
		if _, err := os.Stat(index); err != nil {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFile(w, r, index)
	})
}

func (s *server) serveClientConfig(w http.ResponseWriter, r *http.Request) {
	disable := "false"
	if *disableAppBarFlag {
		disable = "true"
	}
	// The client config is a map of strings in the "old" format the web app asks for.
	writeJSON(w, http.StatusOK, map[string]string{
		"SiteURL": s.siteURL, "SiteName": "Mattermost", "Version": "10.11.0", "DisableAppBar": disable,
		"ExperimentalPrimaryTeam": "", "EnableCustomEmoji": "false",
	})
}

// localeOf is the user's language: "en" unless /test/locale set another.
func (s *server) localeOf(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.locales[userID]; ok {
		return l
	}
	return "en"
}

func (s *server) myTeams(me string) []*model.Team {
	teams, _ := s.api.GetTeams()
	out := []*model.Team{}
	for _, t := range teams {
		if m, aerr := s.api.GetTeamMember(t.Id, me); aerr == nil && m.DeleteAt == 0 {
			out = append(out, t)
		}
	}
	return out
}

func (s *server) serveMyTeams(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.myTeams(me))
}

func (s *server) serveMyTeamChannels(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	teamID, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/api/v4/users/me/teams/"), "/")
	if rest != "channels" {
		writeErr(w, http.StatusNotFound, "not found")
		return
	}
	out := []*model.Channel{}
	for _, c := range s.api.TeamChannels(teamID) {
		if _, aerr := s.api.GetChannelMember(c.Id, me); aerr == nil && c.DeleteAt == 0 {
			out = append(out, c)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) serveWebappPlugins(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, []map[string]any{{
		"id": pluginID, "version": "dev",
		"webapp": map[string]string{"bundle_path": listedBundlePath},
	}})
}

func (s *server) serveSetLocale(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User   string `json:"user"`
		Locale string `json:"locale"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeErr(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	id := s.userID(in.User)
	if id == "" {
		writeErr(w, http.StatusBadRequest, "no such user: "+in.User)
		return
	}
	s.mu.Lock()
	s.locales[id] = in.Locale
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"user_id": id, "locale": in.Locale})
}

// shouldSend follows Mattermost's rule for one web connection (platform/web_conn.go
// shouldSendEvent): an event for a user goes to that user only; one for a channel to its
// members; one for a team to its members; users the broadcast omits get nothing; an event with
// no target goes to everyone.
func (s *server) shouldSend(me string, b *model.WebsocketBroadcast) bool {
	if b == nil {
		return true
	}
	if b.OmitUsers[me] {
		return false
	}
	if b.UserId != "" {
		return b.UserId == me
	}
	if b.ChannelId != "" {
		_, aerr := s.api.GetChannelMember(b.ChannelId, me)
		return aerr == nil
	}
	if b.TeamId != "" {
		m, aerr := s.api.GetTeamMember(b.TeamId, me)
		return aerr == nil && m.DeleteAt == 0
	}
	return true
}

var upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return true }}

// serveWebSocket streams the events the plugin publishes from now on, as Mattermost's hub
// would to this session: "hello" first, then each event this user may receive, in order.
func (s *server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	closed := make(chan struct{})
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				close(closed)
				return
			}
		}
	}()
	seq := 0
	send := func(v map[string]any) error {
		v["seq"] = seq
		seq++
		_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		return conn.WriteJSON(v)
	}
	if send(map[string]any{"event": "hello", "data": map[string]any{"server_version": "10.11.0"},
		"broadcast": map[string]any{"user_id": me}}) != nil {
		return
	}
	next := len(s.api.WebSocketEvents())
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			return
		case <-tick.C:
		}
		all := s.api.WebSocketEvents()
		for ; next < len(all); next++ {
			e := all[next]
			if !s.shouldSend(me, e.Broadcast) {
				continue
			}
			if send(eventJSON(e)) != nil {
				return
			}
		}
	}
}

func (s *server) serveSetTimezone(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User     string          `json:"user"`
		Timezone model.StringMap `json:"timezone"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeErr(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	id := s.userID(in.User)
	if id == "" || !s.api.SetUserTimezone(id, in.Timezone) {
		writeErr(w, http.StatusBadRequest, "no such user: "+in.User)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "timezone": in.Timezone})
}
