// gobgolden writes the gob bytes Mattermost's host code of the server/public release it is
// built with puts on the plugin RPC for the types that changed between releases
// (tests/conformance/gobgolden), one file per recorded call, to <out>/<release>/<call>.gob.
// Build it with that release's module file:
//
//	go run -modfile=versions/go.v0.4.4.mod ./cmd/gobgolden -out ../../server/mm-protocol/tests/golden
//
// build/conformance-versions.sh golden does that for every release that has recordings.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"incidentresponse/tests/conformance/gobgolden"
)

func main() {
	out := flag.String("out", "", "directory holding one directory of recordings per release")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gobgolden: -out is required")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gobgolden:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	// First: gob numbers types per process (see gobgolden.Record).
	fixtures, err := gobgolden.Record()
	if err != nil {
		return err
	}
	release, err := gobgolden.Release()
	if err != nil {
		return err
	}
	dir := filepath.Join(out, release)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range fixtures {
		if err := os.WriteFile(filepath.Join(dir, f.Name+".gob"), f.Bytes, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("gobgolden: %d recordings of server/public %s in %s\n", len(fixtures), release, dir)
	return nil
}
