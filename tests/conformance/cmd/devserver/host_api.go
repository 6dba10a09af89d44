package main

// The parts of Mattermost's own REST API (/api/v4) the webapp calls besides users and channels
// (main.go): channel membership and running a slash command. They answer as Mattermost does, with
// its error shape ({"id","message","detailed_error","request_id","status_code"}), and take the
// session and CSRF rules of the package comment (server.session).
//
//	GET  /api/v4/channels/{id}/members/me   200 the membership; 404 not a member of a public
//	                                        channel; 403 a private one; 401 without a session
//	POST /api/v4/channels/{id}/members      {"user_id"}: a user adds themselves to a public
//	                                        channel of their team (201 the membership); 403 for
//	                                        a private channel or for adding someone else
//	POST /api/v4/commands/execute           {"channel_id","team_id","command"}: runs /incident …
//	                                        through hooks.ExecuteCommand as the session user in
//	                                        that channel (a member of it) and answers the
//	                                        CommandResponse; another trigger is 404

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"incidentresponse/tests/conformance/harness"
)

// writeAppErr answers like Mattermost's AppError.ToJSON.
func writeAppErr(w http.ResponseWriter, status int, id, message string) {
	writeJSON(w, status, map[string]any{"id": id, "message": message, "detailed_error": "", "request_id": model.NewId(), "status_code": status})
}

func (s *server) needSession(w http.ResponseWriter, r *http.Request) (string, bool) {
	me := s.session(r)
	if me == "" {
		writeAppErr(w, http.StatusUnauthorized, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
		return "", false
	}
	return me, true
}

func (s *server) serveMyChannelMember(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	c := s.api.Channel(r.PathValue("id"))
	if c == nil || c.DeleteAt != 0 {
		writeAppErr(w, http.StatusNotFound, "app.channel.get.existing.app_error", "Unable to find the existing channel.")
		return
	}
	m, aerr := s.api.GetChannelMember(c.Id, me)
	if aerr != nil {
		if c.Type != model.ChannelTypeOpen {
			writeAppErr(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
			return
		}
		writeAppErr(w, http.StatusNotFound, "app.channel.get_member.missing.app_error", "No channel member found for that user ID and channel ID.")
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *server) serveAddChannelMember(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	var in struct {
		UserID string `json:"user_id"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.UserID == "" {
		writeAppErr(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing user_id in request body.")
		return
	}
	c := s.api.Channel(r.PathValue("id"))
	if c == nil || c.DeleteAt != 0 {
		writeAppErr(w, http.StatusNotFound, "app.channel.get.existing.app_error", "Unable to find the existing channel.")
		return
	}
	// Only the join itself: adding someone else needs the manage-members permission, which this
	// fake does not model.
	if in.UserID != me || c.Type != model.ChannelTypeOpen {
		writeAppErr(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	if tm, aerr := s.api.GetTeamMember(c.TeamId, me); aerr != nil || tm.DeleteAt != 0 {
		writeAppErr(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	m, aerr := s.api.AddChannelMember(c.Id, me)
	if aerr != nil {
		writeAppErr(w, aerr.StatusCode, aerr.Id, aerr.Message)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

func (s *server) serveExecuteCommand(w http.ResponseWriter, r *http.Request) {
	me, ok := s.needSession(w, r)
	if !ok {
		return
	}
	var in struct {
		ChannelID string `json:"channel_id"`
		TeamID    string `json:"team_id"`
		Command   string `json:"command"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeAppErr(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing command in request body.")
		return
	}
	if len(in.Command) <= 1 || !strings.HasPrefix(in.Command, "/") || in.ChannelID == "" {
		writeAppErr(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing command in request body.")
		return
	}
	c := s.api.Channel(in.ChannelID)
	if c == nil || c.DeleteAt != 0 {
		writeAppErr(w, http.StatusNotFound, "app.channel.get.existing.app_error", "Unable to find the existing channel.")
		return
	}
	// Mattermost checks the use_slash_commands permission in the channel: its members have it.
	if _, aerr := s.api.GetChannelMember(c.Id, me); aerr != nil {
		writeAppErr(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	if in.TeamID == "" {
		in.TeamID = c.TeamId
	}
	trigger := strings.TrimPrefix(strings.Fields(in.Command)[0], "/")
	if trigger != "incident" {
		writeAppErr(w, http.StatusNotFound, "api.command.execute_command.not_found.app_error", "Command with a trigger of '"+trigger+"' not found.")
		return
	}
	args := &model.CommandArgs{Command: in.Command, UserId: me, TeamId: in.TeamID, ChannelId: in.ChannelID,
		SiteURL: s.siteURL, TriggerId: model.NewId()}
	res, err := harness.ExecuteCommand(s.hooks, args, hookTimeout)
	if err != nil {
		writeAppErr(w, http.StatusInternalServerError, "api.command.execute_command.failed.app_error", "Command with a trigger of '"+trigger+"' failed.")
		return
	}
	if res.AppErr != nil {
		status := res.AppErr.StatusCode
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeAppErr(w, status, res.AppErr.Id, res.AppErr.Message)
		return
	}
	resp := res.Response
	if resp == nil {
		resp = &model.CommandResponse{}
	}
	writeJSON(w, http.StatusOK, resp)
}
