module vouch.test/e2e/trivydb

go 1.26

// The bbolt version trivy v0.74.0's go.mod requires, so the file is written by the same storage code that reads it.
require go.etcd.io/bbolt v1.5.0

require golang.org/x/sys v0.45.0 // indirect
