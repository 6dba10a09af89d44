// Command refplugin is a Go stand-in for the Rust plugin, used only to
// self-check the conformance harness (see build.sh). It behaves like the
// real bundle is specified to: /incident ping, /api/v0/{health,echo}, and,
// when server/dist/incident.wasm contains "FAULTY", the /faulty command.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/mattermost/mattermost/server/public/plugin"
)

type refPlugin struct {
	plugin.MattermostPlugin
	faulty bool
}

func (p *refPlugin) OnActivate() error {
	exe, _ := os.Executable()
	wasm, _ := os.ReadFile(filepath.Join(filepath.Dir(exe), "incident.wasm"))
	p.faulty = strings.Contains(string(wasm), "FAULTY")
	if p.faulty {
		return p.API.RegisterCommand(&model.Command{Trigger: "faulty", AutoComplete: true})
	}
	ad := model.NewAutocompleteData("incident", "[command]", "Incident response")
	ad.AddCommand(model.NewAutocompleteData("ping", "", "Check the plugin answers"))
	return p.API.RegisterCommand(&model.Command{Trigger: "incident", AutoComplete: true, AutoCompleteDesc: "Incident response", AutocompleteData: ad})
}

func eph(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

func failed() *model.AppError {
	return model.NewAppError("ExecuteCommand", "plugin.logic_failed", nil, "the plugin logic failed", http.StatusInternalServerError)
}

func (p *refPlugin) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (*model.CommandResponse, *model.AppError) {
	f := strings.Fields(args.Command)
	sub := ""
	if len(f) > 1 {
		sub = f[1]
	}
	if p.faulty {
		switch sub {
		case "ok":
			return eph("ok"), nil
		case "loop":
			time.Sleep(2 * time.Second)
			return nil, failed()
		default:
			return nil, failed()
		}
	}
	if sub == "ping" {
		return eph("pong " + manifestVersion()), nil
	}
	return eph("unknown"), nil
}

func manifestVersion() string {
	exe, _ := os.Executable()
	m, _, err := model.FindManifest(filepath.Join(filepath.Dir(exe), "..", ".."))
	if err != nil {
		return "?"
	}
	return m.Version
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *refPlugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Mattermost-User-Id") == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	switch r.URL.Path {
	case "/api/v0/health":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": manifestVersion()})
	case "/api/v0/echo":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(b)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no route %s", r.URL.Path)})
	}
}

func main() {
	plugin.ClientMain(&refPlugin{})
}
