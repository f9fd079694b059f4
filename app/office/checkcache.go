package office

import (
	"encoding/hex"
	"os"
	"path/filepath"

	"conclave/ceremony"
)

// CheckCacheEnv names the folder where the coordinator's board remembers
// the decryption checks that passed (ceremony.CheckCache); "off" turns
// the cache off. By default it is conclave/checked in the user's cache
// folder: on the coordinator's machine, never in the board folder, so a
// board copied from a stick carries no claim that anything was checked.
const CheckCacheEnv = "CONCLAVE_CHECK_CACHE"

// dirCache is a ceremony.CheckCache kept as empty files named by the keys:
// public, holding no secret, safe for concurrent runs (a file appears
// whole or not at all), and forgotten by deleting the folder.
type dirCache struct{ dir string }

func (c dirCache) path(k ceremony.ID) string { return filepath.Join(c.dir, hex.EncodeToString(k[:])) }

func (c dirCache) Passed(k ceremony.ID) bool {
	fi, err := os.Lstat(c.path(k))
	return err == nil && fi.Mode().IsRegular()
}

func (c dirCache) Remember(k ceremony.ID) {
	if os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	if f, err := os.OpenFile(c.path(k), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
		f.Close()
	}
}

// boardCheckCache returns the cache the board verbs use, or nil.
func boardCheckCache() ceremony.CheckCache {
	dir := os.Getenv(CheckCacheEnv)
	if dir == "off" {
		return nil
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "conclave", "checked")
	}
	return dirCache{dir}
}
