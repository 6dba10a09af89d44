//go:build tools

// Package e2e pins the Mattermost server and mmctl we build (`go build
// github.com/mattermost/mattermost/server/v8/cmd/mattermost`) as dependencies of this module.
package e2e

import (
	_ "github.com/mattermost/mattermost/server/v8/cmd/mattermost"
	_ "github.com/mattermost/mattermost/server/v8/cmd/mmctl"
)
