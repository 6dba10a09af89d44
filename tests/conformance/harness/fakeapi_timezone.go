package harness

import "github.com/mattermost/mattermost/server/public/model"

// SetUserTimezone sets a user's time zone settings as Mattermost's profile settings store them
// (useAutomaticTimezone, automaticTimezone, manualTimezone).
func (f *FakeAPI) SetUserTimezone(userID string, timezone map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.users[userID]; ok {
		u.Timezone = model.StringMap(timezone)
	}
}
