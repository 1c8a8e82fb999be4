// Command trivydb writes the Trivy vulnerability DB the real-tool tier scans with: trivy.db, metadata.json and
// db.tar.gz (the two packed as Trivy's OCI artifact layer expects), from advisories.json, with no network.
//
// The layout is what trivy v0.74.0 reads, taken from the sources at the versions its go.mod pins:
//   - trivy-db pkg/db/db.go (Config.put, forEach): nested buckets, JSON values; a platform bucket such as
//     "alpine 3.19" holds one bucket per source package, whose keys are vulnerability IDs and values an Advisory.
//   - trivy-db pkg/vulnsrc/alpine/alpine.go: the Alpine platform name is "alpine <major.minor>", packages are the
//     apk origin (trivy pkg/detector/ospkg/alpine looks up SrcName, the `o:` line), and PutDataSource records the
//     source under "data-source" -> platform.
//   - trivy-db pkg/db/vulnerability.go: "vulnerability" -> ID -> types.Vulnerability (Title, Severity,
//     VendorSeverity with integers 0-4); trivy pkg/vulnerability picks the NVD vendor severity for Alpine.
//   - trivy-db pkg/metadata/metadata.go: metadata.json {Version, NextUpdate, UpdatedAt, DownloadedAt}; schema
//     version 2 (trivy-db pkg/db SchemaVersion).
//
// Usage: trivydb -in advisories.json -out DIR
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// schemaVersion is trivy-db's db.SchemaVersion, the only version trivy v0.74.0 accepts.
const schemaVersion = 2

type fixture struct {
	Platform   string          `json:"platform"`
	DataSource json.RawMessage `json:"dataSource"`
	Advisories []struct {
		Origin       string `json:"origin"`
		ID           string `json:"id"`
		FixedVersion string `json:"fixedVersion"`
		Severity     string `json:"severity"`
		Title        string `json:"title"`
	} `json:"advisories"`
}

// trivy-db pkg/types Severity: UNKNOWN=0, LOW=1, MEDIUM=2, HIGH=3, CRITICAL=4.
var severities = map[string]int{"UNKNOWN": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

func main() {
	in := flag.String("in", "advisories.json", "advisories to write")
	out := flag.String("out", "", "folder for trivy.db, metadata.json and db.tar.gz")
	flag.Parse()
	if *out == "" {
		fail(fmt.Errorf("-out is required"))
	}
	var f fixture
	data, err := os.ReadFile(*in)
	if err == nil {
		err = json.Unmarshal(data, &f)
	}
	if err != nil {
		fail(fmt.Errorf("reading %s: %w", *in, err))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	dbPath := filepath.Join(*out, "trivy.db")
	_ = os.Remove(dbPath)
	if err := writeDB(dbPath, f); err != nil {
		fail(fmt.Errorf("writing %s: %w", dbPath, err))
	}
	if err := writeMetadata(filepath.Join(*out, "metadata.json"), time.Now().UTC()); err != nil {
		fail(err)
	}
	if err := pack(filepath.Join(*out, "db.tar.gz"), *out, "trivy.db", "metadata.json"); err != nil {
		fail(err)
	}
	fmt.Println(filepath.Join(*out, "db.tar.gz"))
}

func writeDB(path string, f fixture) error {
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		if err := put(tx, []string{"data-source"}, f.Platform, f.DataSource); err != nil {
			return err
		}
		for _, a := range f.Advisories {
			severity, ok := severities[a.Severity]
			if !ok {
				return fmt.Errorf("%s: severity %q is not one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL", a.ID, a.Severity)
			}
			if err := put(tx, []string{f.Platform, a.Origin}, a.ID, map[string]string{"FixedVersion": a.FixedVersion}); err != nil {
				return err
			}
			vuln := map[string]any{
				"Title":          a.Title,
				"Severity":       a.Severity,
				"VendorSeverity": map[string]int{"nvd": severity},
			}
			if err := put(tx, []string{"vulnerability"}, a.ID, vuln); err != nil {
				return err
			}
		}
		return nil
	})
}

// put is trivy-db's Config.put: nested buckets created as needed, the value stored as JSON.
func put(tx *bolt.Tx, buckets []string, key string, value any) error {
	bucket, err := tx.CreateBucketIfNotExists([]byte(buckets[0]))
	if err != nil {
		return err
	}
	for _, name := range buckets[1:] {
		if bucket, err = bucket.CreateBucketIfNotExists([]byte(name)); err != nil {
			return err
		}
	}
	encoded, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return bucket.Put([]byte(key), encoded)
}

// writeMetadata: a DB built now whose next update is six hours away, as trivy-db's publishing job promises; the
// DownloadedAt that Trivy fills in after a download stays zero here, as in the published artifact.
func writeMetadata(path string, now time.Time) error {
	meta := map[string]any{
		"Version":      schemaVersion,
		"NextUpdate":   now.Add(6 * time.Hour),
		"UpdatedAt":    now,
		"DownloadedAt": time.Time{},
	}
	encoded, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return os.WriteFile(path, encoded, 0o644)
}

// pack writes the files as a gzip'd tar with the names at its root, as Trivy extracts the layer into its db folder.
func pack(target, dir string, names ...string) error {
	file, err := os.Create(target)
	if err != nil {
		return err
	}
	defer file.Close()
	gz := gzip.NewWriter(file)
	tw := tar.NewWriter(gz)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		header := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Now(), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(header); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "trivydb:", err)
	os.Exit(1)
}
