package syncfolder

import "testing"

func TestParseName(t *testing.T) {
	const d = "a1b2c3d4e5f60718"
	tests := []struct {
		name   string
		file   string
		ok     bool
		copy   bool
		client string
	}{
		{name: "own file", file: "nidan-a1b2c3d4e5f60718.nidan", ok: true},
		{name: "syncthing", file: "nidan-a1b2c3d4e5f60718.sync-conflict-20260102-030405-ABCDEFG.nidan", ok: true, copy: true, client: "Syncthing"},
		{name: "dropbox", file: "nidan-a1b2c3d4e5f60718 (Alice's conflicted copy 2026-01-02).nidan", ok: true, copy: true, client: "Dropbox"},
		{name: "dropbox numbered", file: "nidan-a1b2c3d4e5f60718 (Alice's conflicted copy 2026-01-02) (1).nidan", ok: true, copy: true, client: "Dropbox"},
		{name: "nextcloud", file: "nidan-a1b2c3d4e5f60718 (conflicted copy 2026-01-02 030405).nidan", ok: true, copy: true, client: "Nextcloud"},
		{name: "owncloud", file: "nidan-a1b2c3d4e5f60718_conflict-20260102-030405.nidan", ok: true, copy: true, client: "Nextcloud"},
		{name: "onedrive", file: "nidan-a1b2c3d4e5f60718-LAPTOP.nidan", ok: true, copy: true, client: "OneDrive"},
		{name: "onedrive numbered", file: "nidan-a1b2c3d4e5f60718-LAPTOP-2.nidan", ok: true, copy: true, client: "OneDrive"},
		{name: "google drive", file: "nidan-a1b2c3d4e5f60718 (1).nidan", ok: true, copy: true, client: "sync client"},
		{name: "icloud", file: "nidan-a1b2c3d4e5f60718 2.nidan", ok: true, copy: true, client: "sync client"},
		{name: "hidden temp", file: ".nidan-a1b2c3d4e5f60718.tmp-123", ok: false},
		{name: "syncthing temp", file: ".syncthing.nidan-a1b2c3d4e5f60718.nidan.tmp", ok: false},
		{name: "backup", file: "nidan-backup-20260102-030405.000Z.nidan", ok: false},
		{name: "upper-case id", file: "nidan-A1B2C3D4E5F60718.nidan", ok: false},
		{name: "short id", file: "nidan-a1b2c3.nidan", ok: false},
		{name: "other extension", file: "nidan-a1b2c3d4e5f60718.nidan.part", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := ParseName(tt.file)
			if ok != tt.ok {
				t.Fatalf("ParseName(%q) ok = %v, want %v", tt.file, ok, tt.ok)
			}
			if !ok {
				return
			}
			if n.Device != d || n.Conflict != tt.copy || n.Client != tt.client {
				t.Fatalf("ParseName(%q) = %+v, want device %s, conflict %v, client %q", tt.file, n, d, tt.copy, tt.client)
			}
		})
	}
	if FileName(d) != "nidan-a1b2c3d4e5f60718.nidan" {
		t.Fatal(FileName(d))
	}
}
