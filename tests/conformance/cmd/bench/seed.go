package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// seed brings a freshly activated plugin to `stored` incidents of which `active` are active,
// through its own REST API only (POST /api/v0/incidents, then POST /incidents/{id}/end for the
// ones to end), as user, `workers` requests at a time: every incident gets its channel, members,
// intro post and, when ended, its end post, as in real use. The active ones are started last,
// so they are the newest, from the "Service incident" playbook so they have checklist items to
// check. It returns the active incidents.
func seed(c client, user string, stored, active, workers int) ([]incidentDoc, error) {
	var playbooks playbookList
	if _, err := c.rest(user, http.MethodGet, "/api/v0/playbooks?team_id="+c.team, nil, http.StatusOK, &playbooks); err != nil {
		return nil, err
	}
	playbookID := ""
	for _, p := range playbooks.Items {
		if p.Title == "Service incident" {
			playbookID = p.ID
		}
	}
	if playbookID == "" {
		return nil, fmt.Errorf("no default playbook \"Service incident\" among %d", len(playbooks.Items))
	}

	start := func(n int, withPlaybook bool) (incidentDoc, error) {
		body := map[string]any{"team_id": c.team, "name": fmt.Sprintf("Seeded incident %d", n)}
		if withPlaybook {
			body["playbook_id"] = playbookID
		}
		var inc incidentDoc
		_, err := c.rest(user, http.MethodPost, "/api/v0/incidents", body, http.StatusCreated, &inc)
		return inc, err
	}

	// The ended ones, in parallel: start, then end.
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1))
				if n > stored-active {
					return
				}
				inc, err := start(n, false)
				if err == nil {
					var ended incidentDoc
					_, err = c.rest(user, http.MethodPost, "/api/v0/incidents/"+inc.ID+"/end", nil, http.StatusOK, &ended)
					if err == nil && ended.State != "ended" {
						err = fmt.Errorf("%s is %q after /end", inc.Reference, ended.State)
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					next.Store(int64(stored)) // stop every worker
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	actives := make([]incidentDoc, 0, active)
	for n := stored - active + 1; n <= stored; n++ {
		inc, err := start(n, true)
		if err != nil {
			return nil, err
		}
		if len(inc.Checklists) == 0 || len(inc.Checklists[0].Items) == 0 {
			return nil, fmt.Errorf("%s started from the playbook has no checklist items", inc.Reference)
		}
		actives = append(actives, inc)
	}
	return actives, nil
}
