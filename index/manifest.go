package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrDamaged means an index's files do not match the manifest its build
// wrote: half-copied, truncated or changed since.
var ErrDamaged = errors.New("the index's files do not match its manifest")

// ManifestName is the file in an index folder that lists the index's
// other files with their sizes and SHA-256, written last by the build
// that published the index (see Rebuild), and checked by Verify.
const ManifestName = "sendbot-manifest.json"

// manifest is what ManifestName holds.
type manifest struct {
	Files []manifestFile `json:"files"`
}

type manifestFile struct {
	// Path is relative to the index folder, with forward slashes.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// writeManifest lists every file under dir, with its size and SHA-256, in
// dir's manifest. The index in dir must be closed and complete.
func writeManifest(dir string) error {
	var m manifest
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if rel == ManifestName {
			return nil
		}
		size, sum, err := hashFile(path)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, manifestFile{Path: filepath.ToSlash(rel), Size: size, SHA256: sum})
		return nil
	})
	if err != nil {
		return fmt.Errorf("write the index's manifest: %w", err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write the index's manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644); err != nil {
		return fmt.Errorf("write the index's manifest: %w", err)
	}
	return nil
}

// Verify checks the index in dir against the manifest its build wrote:
// every file listed is there, with its size and SHA-256. It returns an
// error wrapping ErrDamaged, saying which file differs, when one does or
// when there is no manifest (an index built before manifests were
// written, or still being copied), and one wrapping ErrNoIndex when dir
// is missing. It only reads.
func Verify(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return fmt.Errorf("verify index %q: %w", dir, ErrNoIndex)
		}
		return fmt.Errorf("verify index %q: it has no %s (built by an older sendbot, or not finished): %w", dir, ManifestName, ErrDamaged)
	case err != nil:
		return fmt.Errorf("verify index %q: %w", dir, err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || len(m.Files) == 0 {
		return fmt.Errorf("verify index %q: its %s cannot be read: %w", dir, ManifestName, ErrDamaged)
	}
	for _, f := range m.Files {
		size, sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("verify index %q: %s is missing: %w", dir, f.Path, ErrDamaged)
		case err != nil:
			return fmt.Errorf("verify index %q: %w", dir, err)
		case size != f.Size:
			return fmt.Errorf("verify index %q: %s has %d bytes, the manifest says %d: %w", dir, f.Path, size, f.Size, ErrDamaged)
		case sum != f.SHA256:
			return fmt.Errorf("verify index %q: %s has another SHA-256 than the manifest says: %w", dir, f.Path, ErrDamaged)
		}
	}
	return nil
}

// hashFile returns the size and hex SHA-256 of the file at path.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
