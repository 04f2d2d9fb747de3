//go:build race

package corpus

// raceEnabled: the race detector's shadow memory makes a child's peak
// memory meaningless and inflating gigabytes slow, so memory targets are
// checked without it.
const raceEnabled = true
