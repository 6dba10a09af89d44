package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"

	"incidentresponse/tests/conformance/harness"
)

// callTimeout is the harness's give-up time per hook call; the plugin's own deadline per call
// (INCIDENT_HOOK_TIMEOUT_MS, 10 s by default) is shorter, so a slow call shows up as its error.
const callTimeout = 30 * time.Second

// client talks to one active plugin the way Mattermost does: slash commands through
// hooks.ExecuteCommand with the arguments the server fills in, REST through hooks.ServeHTTP with
// the Mattermost-User-Id the server sets. Every answer is checked; a wrong one is an error.
type client struct {
	hooks plugin.Hooks
	team  string
}

// command runs a slash command as user in channel and returns the ephemeral reply. An AppError,
// no response, or a reply that does not contain want is an error (our plugin answers refusals
// as ephemeral text, so the expected text is what tells success from refusal).
func (c client) command(user, channel, text, want string) (string, time.Duration, error) {
	args := &model.CommandArgs{Command: text, UserId: user, TeamId: c.team, ChannelId: channel,
		SiteURL: "http://localhost:8065", TriggerId: model.NewId()}
	res, err := harness.ExecuteCommand(c.hooks, args, callTimeout)
	if err != nil {
		return "", res.Elapsed, err
	}
	switch {
	case res.AppErr != nil:
		return "", res.Elapsed, fmt.Errorf("%s: AppError %s: %s", text, res.AppErr.Id, res.AppErr.Message)
	case res.Response == nil:
		return "", res.Elapsed, fmt.Errorf("%s: no response", text)
	case res.Response.ResponseType != model.CommandResponseTypeEphemeral:
		return "", res.Elapsed, fmt.Errorf("%s: response type %q", text, res.Response.ResponseType)
	case !strings.Contains(res.Response.Text, want):
		return "", res.Elapsed, fmt.Errorf("%s: reply %q does not contain %q", text, clip(res.Response.Text), want)
	}
	return res.Response.Text, res.Elapsed, nil
}

// rest sends one request as user; the answer must have status want and, when out is not nil,
// decode into out as JSON.
func (c client) rest(user, method, path string, body any, want int, out any) (time.Duration, error) {
	_, d, err := c.restHeader(user, method, path, body, want, out)
	return d, err
}

// restHeader is rest that also returns the answer's headers (the Server-Timing of timing.go).
func (c client) restHeader(user, method, path string, body any, want int, out any) (http.Header, time.Duration, error) {
	req, err := harness.NewClientRequest(method, path, body, user)
	if err != nil {
		return nil, 0, err
	}
	rec, d, err := harness.ServeHTTP(c.hooks, req, callTimeout)
	if err != nil {
		return nil, d, err
	}
	if rec.Code != want {
		return nil, d, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, rec.Code, want, clip(rec.Body.String()))
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			return nil, d, fmt.Errorf("%s %s: answer is not the documented JSON: %v", method, path, err)
		}
	}
	return rec.Result().Header, d, nil
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// The parts of the REST answers the bench reads (docs/api.md).
type incidentDoc struct {
	ID         string `json:"id"`
	Reference  string `json:"reference"`
	ChannelID  string `json:"channel_id"`
	State      string `json:"state"`
	Checklists []struct {
		Items []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"items"`
	} `json:"checklists"`
}

type incidentPage struct {
	Items []incidentDoc `json:"items"`
	Total int           `json:"total"`
}

type playbookList struct {
	Items []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"items"`
}
