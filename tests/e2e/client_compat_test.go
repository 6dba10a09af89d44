package e2e

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
)

// getChannel is Client4.GetChannel across the server builds the suite runs against
// (docs/compatibility.md): server/public v0.1.22 dropped its etag argument.
func getChannel(ctx context.Context, c *model.Client4, channelID string) (*model.Channel, *model.Response, error) {
	switch g := any(c).(type) {
	case interface {
		GetChannel(context.Context, string, string) (*model.Channel, *model.Response, error)
	}:
		return g.GetChannel(ctx, channelID, "")
	case interface {
		GetChannel(context.Context, string) (*model.Channel, *model.Response, error)
	}:
		return g.GetChannel(ctx, channelID)
	}
	return nil, nil, fmt.Errorf("model.Client4.GetChannel has neither signature this suite knows")
}
