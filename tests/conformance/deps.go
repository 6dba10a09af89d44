package conformance

import _ "github.com/mattermost/mattermost/server/public/plugin"
