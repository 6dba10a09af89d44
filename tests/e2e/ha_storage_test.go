package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/lib/pq"

	"incidentresponse/tests/e2e/mmenv"
)

// The plugin's tables are in its own schema of Mattermost's database and hold the incidents
// started on the database backend; the SQLite file in the shared data folder (written while
// the backend was SQLite) holds none of them.
func stepHAStorage(t *testing.T, ctx context.Context, w *haWorld) {
	tables := schemaTables(t, ctx, w.cluster)
	if len(tables) == 0 {
		t.Fatalf("PostgreSQL has no tables in schema %s", pgSchema)
	}
	t.Logf("schema %s: %v", pgSchema, tables)
	db := openDB(t, w.cluster)
	for _, inc := range w.incidents {
		rows := 0
		for _, table := range tables {
			// A row cast to text holds every column, whatever the table's layout.
			q := "SELECT count(*) FROM " + pq.QuoteIdentifier(pgSchema) + "." + pq.QuoteIdentifier(table) + " t WHERE strpos(t::text, $1) > 0"
			var n int
			if err := db.QueryRowContext(ctx, q, inc.ID).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			rows += n
		}
		if rows == 0 {
			t.Errorf("no row of schema %s mentions %s (%s)", pgSchema, inc.Reference, inc.ID)
		}
		if sqliteHolds(t, w.a.env, inc.ID) {
			t.Errorf("%s (%s) is in the SQLite file %s", inc.Reference, inc.ID, w.a.env.DatabasePath())
		}
	}
	// The incident started on SQLite is still there, so that check reads the right file.
	if !sqliteHolds(t, w.a.env, w.sanity) {
		t.Errorf("the SQLite file no longer holds %q", w.sanity)
	}
}

func openDB(t *testing.T, c *mmenv.Cluster) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaTables lists the tables of the plugin's schema (none when it does not exist).
func schemaTables(t *testing.T, ctx context.Context, c *mmenv.Cluster) []string {
	t.Helper()
	rows, err := openDB(t, c).QueryContext(ctx,
		"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", pgSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return tables
}

// sqliteHolds reports whether the plugin's SQLite file, or its write-ahead log, contains text
// (SQLite stores text as it is, so a committed incident's id and name are in one of them).
func sqliteHolds(t *testing.T, e *mmenv.Env, text string) bool {
	t.Helper()
	found := false
	for _, path := range []string{e.DatabasePath(), e.DatabasePath() + "-wal"} {
		b, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		found = found || bytes.Contains(b, []byte(text))
	}
	return found
}
