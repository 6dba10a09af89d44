// What the System Console asks the server for on a plugin's settings page, for a system admin
// (Mattermost answers 403 to anyone else), so the faithful host can mount the plugin's custom
// settings as the real admin console does (webapp/test/admin_console.test.mjs):
//
//	GET  /api/v4/plugins                  {"active": [manifest], "inactive": []}: the manifests with
//	                                      their settings_schema (api4/plugin.go getPlugins)
//	GET  /api/v4/config                   {"PluginSettings": {"Plugins": {"incident-response": {…}},
//	                                      "PluginStates": {"incident-response": {"Enable": true}}}}
//	PUT  /api/v4/config/patch             a config whose PluginSettings.Plugins["incident-response"]
//	                                      replaces the plugin's settings (keys lower-cased, as the
//	                                      server stores them); then OnConfigurationChange, as the
//	                                      server calls it after a saved change; answers the config
//	GET  /api/v4/teams                    every team (a system admin sees them all)
//	POST /api/v4/channels/search?system_console=true
//	                                      {"term", "team_ids", "page", "per_page"} -> {"channels",
//	                                      "total_count"}: public and private channels of those teams
//	                                      whose name or display name contains the term, not archived
//	                                      (api4/channel.go searchAllChannels)
//	GET  /test/plugin-config              the plugin's settings as the plugin reads them (tests)
package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
)

func (s *server) routeAdminConsole(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v4/plugins", s.serveAdminPlugins)
	mux.HandleFunc("GET /api/v4/config", s.serveAdminConfig)
	mux.HandleFunc("PUT /api/v4/config/patch", s.servePatchConfig)
	mux.HandleFunc("GET /api/v4/teams", s.serveAllTeams)
	mux.HandleFunc("POST /api/v4/channels/search", s.serveSearchAllChannels)
	mux.HandleFunc("GET /test/plugin-config", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.api.GetPluginConfig())
	})
}

// needSystemAdmin answers the session's user when it may manage the system, or writes 401/403.
func (s *server) needSystemAdmin(w http.ResponseWriter, r *http.Request) (string, bool) {
	me, ok := s.needSession(w, r)
	if !ok {
		return "", false
	}
	if !s.api.HasPermissionTo(me, model.PermissionManageSystem) {
		writeAppErr(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return "", false
	}
	return me, true
}

func (s *server) serveAdminPlugins(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.needSystemAdmin(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": []*model.Manifest{s.manifest}, "inactive": []*model.Manifest{}})
}

func (s *server) adminConfig() map[string]any {
	return map[string]any{"PluginSettings": map[string]any{
		"Plugins":      map[string]any{pluginID: s.api.GetPluginConfig()},
		"PluginStates": map[string]any{pluginID: map[string]any{"Enable": true}},
	}}
}

func (s *server) serveAdminConfig(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.needSystemAdmin(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.adminConfig())
}

func (s *server) servePatchConfig(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.needSystemAdmin(w, r); !ok {
		return
	}
	var patch struct {
		PluginSettings struct {
			Plugins map[string]map[string]any `json:"Plugins"`
		} `json:"PluginSettings"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&patch); err != nil {
		writeAppErr(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing config in request body.")
		return
	}
	if settings, ok := patch.PluginSettings.Plugins[pluginID]; ok {
		for key, value := range settings {
			s.api.SetPluginSetting(strings.ToLower(key), value)
		}
		if err := s.hooks.OnConfigurationChange(); err != nil {
			writeAppErr(w, http.StatusInternalServerError, "app.plugin.config_change.app_error", err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, s.adminConfig())
}

func (s *server) serveAllTeams(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.needSystemAdmin(w, r); !ok {
		return
	}
	teams, _ := s.api.GetTeams()
	if teams == nil {
		teams = []*model.Team{}
	}
	sort.Slice(teams, func(i, j int) bool { return teams[i].Name < teams[j].Name })
	writeJSON(w, http.StatusOK, teams)
}

func (s *server) serveSearchAllChannels(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.needSystemAdmin(w, r); !ok {
		return
	}
	var search model.ChannelSearch
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&search); err != nil {
		writeAppErr(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing channel_search in request body.")
		return
	}
	term := strings.ToLower(strings.TrimSpace(search.Term))
	out := []*model.Channel{}
	for _, teamID := range search.TeamIds {
		for _, c := range s.api.TeamChannels(teamID) {
			if (c.DeleteAt != 0 && !search.IncludeDeleted) || (c.Type != model.ChannelTypeOpen && c.Type != model.ChannelTypePrivate) {
				continue
			}
			if term == "" || strings.Contains(strings.ToLower(c.Name), term) || strings.Contains(strings.ToLower(c.DisplayName), term) {
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	total := len(out)
	if search.PerPage != nil && *search.PerPage > 0 {
		page := 0
		if search.Page != nil {
			page = *search.Page
		}
		start := min(page**search.PerPage, len(out))
		out = out[start:min(start+*search.PerPage, len(out))]
		writeJSON(w, http.StatusOK, map[string]any{"channels": out, "total_count": total})
		return
	}
	writeJSON(w, http.StatusOK, out)
}
