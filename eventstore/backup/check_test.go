package backup_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore/backup"
)

// TestCheckReadsOnlyItsOwnManifests writes manifests whose checksum
// matches, so that only what they say can be wrong.
func TestCheckReadsOnlyItsOwnManifests(t *testing.T) {
	cases := []struct {
		name, manifest, want string
	}{
		{"a later format", `{"format": "ledger-backup/2", "something": "new"}`, `manifest.json has format "ledger-backup/2"; this ledger reads "ledger-backup/1"`},
		{"not JSON", `ledger`, "manifest.json is not a ledger backup manifest"},
		{"an unknown field", `{"format": "ledger-backup/1", "surprise": 1}`, `manifest.json is not a ledger backup manifest: json: unknown field "surprise"`},
		{"a file outside the folder", `{"format": "ledger-backup/1", "files": [{"path": "../x", "bytes": 1, "sha256": "00"}]}`, `manifest.json names "../x", outside the backup folder`},
		{"no ledger stream", `{"format": "ledger-backup/1", "stream": "LEDGER"}`, "manifest.json does not end with the ledger stream LEDGER"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sum := sha256.Sum256([]byte(tc.manifest))
			require.NoError(t, os.WriteFile(filepath.Join(dir, backup.ManifestFile), []byte(tc.manifest), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, backup.ManifestSumFile), []byte(hex.EncodeToString(sum[:])+"  manifest.json\n"), 0o644))
			_, err := backup.Check(dir)
			require.Error(t, err)
			assert.True(t, errors.Is(err, backup.ErrDamaged))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
