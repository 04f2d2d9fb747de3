//go:build !unix

package doctor

import "errors"

// freeSpace is not measured here.
func freeSpace(string) (uint64, error) {
	return 0, errors.New("not measured on this system")
}
