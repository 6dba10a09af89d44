package e2e

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/lib/pq"

	"incidentresponse/tests/e2e/mmenv"
)

// The plugin's tables are in its own schema of Mattermost's database and hold the incidents;
// the plugin never created its SQLite file in the shared data folder.
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
	}
	// Both nodes would put it at the same place: the data folder is shared.
	if _, err := os.Stat(w.a.env.DatabasePath()); !os.IsNotExist(err) {
		t.Errorf("the SQLite file %s exists (%v)", w.a.env.DatabasePath(), err)
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
