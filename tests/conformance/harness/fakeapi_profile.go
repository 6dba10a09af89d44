package harness

import (
	"bytes"
	"image"
	_ "image/jpeg" // the server accepts JPEG too
	_ "image/png"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"
)

// SetProfileImage decodes the picture as the server does and refuses what is not an image.
func (f *FakeAPI) SetProfileImage(userID string, data []byte) *model.AppError {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("SetProfileImage", userID, len(data))
	if _, ok := f.users[userID]; !ok {
		if _, isBot := f.bots[userID]; !isBot {
			return appErr("SetProfileImage", "app.user.missing_account.const", "Unable to find the user.", http.StatusNotFound)
		}
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return appErr("SetProfileImage", "api.user.upload_profile_user.decode.app_error", "Could not decode profile image.", http.StatusBadRequest)
	}
	return nil
}
