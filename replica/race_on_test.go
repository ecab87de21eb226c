//go:build race

package replica

// raceEnabled scales the randomized tests down under -race, which makes
// them about forty times slower; `make soak-sync` runs the long search.
const raceEnabled = true
