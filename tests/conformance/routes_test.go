package conformance

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The REST routes exist in three places that must agree: the router (the Rust match arms in
// server/incident-guest/src/api/{router,edit,learning_review,paging,dossier}.rs), docs/api.md and docs/openapi.yaml. The permission matrix
// (permissionRoutes) must cover every one, so a new route cannot slip in untested.

// routeKey is "METHOD /api/v0/path" with every parameter written as {}.
type routeKey string

var paramSegment = regexp.MustCompile(`\{[^}/]*\}`)

func normalise(method, path string) routeKey {
	path, _, _ = strings.Cut(path, "?")
	return routeKey(strings.ToUpper(method) + " " + paramSegment.ReplaceAllString(path, "{}"))
}

// matches reports whether a concrete or templated route fits a template, segment by segment,
// "{}" matching any one segment.
func (k routeKey) matches(template routeKey) bool {
	a, b := strings.Fields(string(k)), strings.Fields(string(template))
	if len(a) != 2 || len(b) != 2 || a[0] != b[0] {
		return false
	}
	as, bs := strings.Split(a[1], "/"), strings.Split(b[1], "/")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		if as[i] != bs[i] && bs[i] != "{}" && as[i] != "{}" {
			return false
		}
	}
	return true
}

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}

// routerRoutes reads the match arms `("GET", ["api", "v0", "incidents", id])` of the routers.
func routerRoutes(t *testing.T) []routeKey {
	t.Helper()
	arm := regexp.MustCompile(`\("(GET|POST|PUT|PATCH|DELETE)", \["api", "v0"((?:, [^\]]+)?)\]\)`)
	var out []routeKey
	for _, file := range []string{"server/incident-guest/src/api/router.rs", "server/incident-guest/src/api/learning_review.rs", "server/incident-guest/src/api/edit.rs", "server/incident-guest/src/api/paging.rs", "server/incident-guest/src/api/dossier.rs"} {
		for _, m := range arm.FindAllStringSubmatch(repoFile(t, file), -1) {
			path := "/api/v0"
			for _, seg := range strings.Split(strings.TrimPrefix(m[2], ", "), ", ") {
				if seg == "" {
					continue
				}
				if strings.HasPrefix(seg, `"`) {
					path += "/" + strings.Trim(seg, `"`)
				} else {
					path += "/{}"
				}
			}
			out = append(out, normalise(m[1], path))
		}
	}
	if len(out) < 40 {
		t.Fatalf("found only %d routes in the routers: has the match syntax changed?", len(out))
	}
	return out
}

// docRoutes reads every "`METHOD /path`" of docs/api.md; `{a,b}` stands for each of a and b.
func docRoutes(t *testing.T) []routeKey {
	t.Helper()
	ref := regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`?\\[\\s]*)")
	var out []routeKey
	for _, m := range ref.FindAllStringSubmatch(repoFile(t, "docs/api.md"), -1) {
		path := m[2]
		if alt := regexp.MustCompile(`\{([a-z_]+(?:,[a-z_]+)+)\}`).FindStringSubmatch(path); alt != nil {
			for _, choice := range strings.Split(alt[1], ",") {
				out = append(out, normalise(m[1], "/api/v0"+strings.Replace(path, alt[0], choice, 1)))
			}
			continue
		}
		out = append(out, normalise(m[1], "/api/v0"+path))
	}
	return out
}

// openAPIRoutes reads the paths and their operations from docs/openapi.yaml (two-space indent).
func openAPIRoutes(t *testing.T) []routeKey {
	t.Helper()
	var out []routeKey
	var path string
	inPaths := false
	for _, line := range strings.Split(repoFile(t, "docs/openapi.yaml"), "\n") {
		switch {
		case line == "paths:":
			inPaths = true
		case inPaths && len(line) > 0 && line[0] != ' ' && line[0] != '#':
			inPaths = false
		case inPaths && strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case inPaths && path != "" && regexp.MustCompile(`^    (get|post|put|patch|delete):$`).MatchString(line):
			out = append(out, normalise(strings.TrimSuffix(strings.TrimSpace(line), ":"), "/api/v0"+path))
		}
	}
	return out
}

func covered(k routeKey, in []routeKey) bool {
	for _, o := range in {
		if k.matches(o) {
			return true
		}
	}
	return false
}

func TestRoutesAreDocumentedAndInThePermissionMatrix(t *testing.T) {
	router, docs, spec := routerRoutes(t), docRoutes(t), openAPIRoutes(t)
	var matrix []routeKey
	for _, r := range permissionRoutes {
		matrix = append(matrix, normalise(r.method, r.path))
	}
	sets := []struct {
		name   string
		routes []routeKey
	}{{"docs/api.md", docs}, {"docs/openapi.yaml", spec}, {"the permission matrix", matrix}}
	for _, r := range router {
		for _, set := range sets {
			if !covered(r, set.routes) {
				t.Errorf("the router has %s, %s does not", r, set.name)
			}
		}
	}
	for _, set := range sets {
		for _, r := range set.routes {
			if !covered(r, router) {
				t.Errorf("%s has %s, the router does not", set.name, r)
			}
		}
	}
	sort.Slice(router, func(i, j int) bool { return router[i] < router[j] })
	t.Logf("%d router routes, %d in docs/api.md, %d in docs/openapi.yaml, %d in the matrix", len(router), len(docs), len(spec), len(matrix))
}
