//go:build !race

package demo_test

// raceEnabled is true under the race detector, which makes SQLite ~20× slower.
const raceEnabled = false
