// Package replica is the mergeable state of a vault: accounts with change
// stamps, tombstones for deleted accounts, the device registry and the
// device's hybrid logical clock, and Merge, which joins two such states so
// that any number of devices converge whatever order their copies arrive
// in. It does no I/O and imports no Fyne; the vault package stores a State
// in its payload and the sync folder moves it between devices. The rules
// are specified in docs/vault-format.md ("Version 2", "Merging").
package replica
