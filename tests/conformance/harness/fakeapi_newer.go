package harness

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
)

// Fields that releases of Mattermost's model added after the plugin's own model was written
// (server/public v0.1.10 to v0.4.4; docs/compatibility.md): a server of that release sends them
// in the gob values of its API answers, and the plugin must read past them. Each is filled only
// where the release the suite is built against has it (by name, so the suite builds against
// every release).
var newerFields = map[string][]string{
	"Channel":       {"BannerInfo", "PolicyEnforced", "DefaultCategoryName", "AutoTranslation", "PolicyIsActive", "ManagedCategoryName", "Discoverable", "PolicyActions"},
	"ChannelMember": {"AutoTranslationDisabled"},
	"Team":          {"PolicyActions", "PolicyEnforced", "PolicyIsActive", "Recommended"},
	"CommandArgs":   {"ConnectionId"},
}

// FillNewerFields gives every stored team, channel and channel member a non-zero value in each
// newer field its release has, and returns the "Type.Field" names it filled.
func (f *FakeAPI) FillNewerFields() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	filled := map[string]bool{}
	for _, t := range f.teams {
		fillNewer(t, filled)
	}
	for _, c := range f.channels {
		fillNewer(c, filled)
	}
	for _, m := range f.channelMembers {
		fillNewer(m, filled)
	}
	return sortedKeys(filled)
}

// FillNewerCommandArgs does the same for the arguments of a command.
func FillNewerCommandArgs(args *model.CommandArgs) []string {
	filled := map[string]bool{}
	fillNewer(args, filled)
	return sortedKeys(filled)
}

func fillNewer(ptr any, filled map[string]bool) {
	v := reflect.ValueOf(ptr).Elem()
	typeName := v.Type().Name()
	for _, name := range newerFields[typeName] {
		field := v.FieldByName(name)
		if !field.IsValid() || !field.CanSet() {
			continue
		}
		field.Set(nonZero(field.Type()))
		filled[typeName+"."+name] = true
	}
}

// nonZero is a value of type t that gob does not leave out: true, a text, a number, a map or
// slice with one entry, a struct (behind a pointer) whose fields are filled the same way.
func nonZero(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString("newer-release")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		v.Elem().Set(nonZero(t.Elem()))
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() {
				v.Field(i).Set(nonZero(t.Field(i).Type))
			}
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
		v.SetMapIndex(nonZero(t.Key()), nonZero(t.Elem()))
	case reflect.Slice:
		v.Set(reflect.Append(reflect.MakeSlice(t, 0, 1), nonZero(t.Elem())))
	default:
		panic(fmt.Sprintf("nonZero: no value for %s", t))
	}
	return v
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
