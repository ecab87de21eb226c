// Package syncfolder keeps a vault in step with other devices through a
// folder that some other program syncs (Syncthing, Nextcloud, Dropbox,
// OneDrive, …). Each device writes only its own file, nidan-DEVICE.nidan,
// so two devices never write the same file at once; every device reads
// all of them, merges them into its vault (package replica's rules), and
// folds in and then deletes the conflict copies sync clients make. Only
// encrypted sync files (docs/vault-format.md, "The sync folder") are
// written there. It imports no Fyne; the GUI and the CLI drive it.
package syncfolder
