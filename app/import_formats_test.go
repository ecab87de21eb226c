package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The files of formats/testdata/import import through ☰ › Import by
// detection alone: an encrypted one asks for its password, then every
// file shows its checklist and adds its accounts.
func TestImportOtherAppsFiles(t *testing.T) {
	const password = "correct horse battery staple" // gen_vectors.py's
	for _, tt := range []struct {
		file      string
		encrypted bool
		accounts  int
	}{
		{"2fas_schema1.2fas", false, 3},
		{"2fas_schema2.2fas", false, 2},
		{"2fas_schema2_encrypted.2fas", true, 2},
		{"authpro_encrypted.authpro", true, 3},
		{"authpro_legacy.authpro", true, 3},
		{"authpro_db.db3", false, 4},
		{"freeotp_backup_fast.xml", true, 4},
		{"freeotp_backup_prefs.xml", true, 4},
		// gen_apps.py's: the counts are the good entries; the bad ones are listed apart
		{"duo.json", false, 2},
		{"battlenet.xml", false, 1},
		{"winauth.txt", false, 4},
		{"totpauth.xml", false, 3},
		{"totpauth_backup.encrypt", true, 3},
		{"totpauth_backup_default.encrypt", false, 3}, // the app's built-in password: not asked
		{"raivo.zip", true, 3},
		{"raivo_zipcrypto.zip", true, 3},
		{"authplus.zip", true, 2},
		{"authplus_backup.db", true, 3},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "formats", "testdata", "import", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			u, _ := newUnlockedUI(t)
			u.importData(data, "")
			if tt.encrypted {
				mustShow(t, u, "This file is protected by a password")
				pw := focusedEntry(t, u)
				test.Type(pw, password)
				pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
			mustShow(t, u, fmt.Sprintf("Found %d accounts", tt.accounts))
			mustShow(t, u, fmt.Sprintf("%d new, 0 newer than the copy in Nidan, 0 already in Nidan.", tt.accounts))
			test.Tap(button(t, u, "Add selected"))
			if n := len(u.vault.Accounts()); n != tt.accounts {
				t.Fatalf("%d accounts in the vault after adding, want %d", n, tt.accounts)
			}
		})
	}
}

// A wrong password says so, adds nothing and asks again: the file need
// not be picked once more. The right one then opens it; Cancel ends it.
func TestImportOtherAppsWrongPassword(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "formats", "testdata", "import", "authpro_legacy.authpro"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := newUnlockedUI(t)
	u.importData(data, "")
	pw := focusedEntry(t, u)
	test.Type(pw, "not the password")
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	mustShow(t, u, "This password does not open the file. Try again, or Cancel.")
	if n := len(u.vault.Accounts()); n != 0 {
		t.Fatalf("%d accounts added", n)
	}
	again := focusedEntry(t, u)
	if again == pw || again.Text != "" {
		t.Fatalf("the second ask must be a new, empty field (same: %v, text %q)", again == pw, again.Text)
	}
	test.Type(again, "correct horse battery staple") // gen_vectors.py's
	again.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	mustShow(t, u, "Found 3 accounts")

	// Cancel at the second ask leaves the vault as it was.
	u2, _ := newUnlockedUI(t)
	u2.importData(data, "")
	pw = focusedEntry(t, u2)
	test.Type(pw, "not the password")
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	mustShow(t, u2, "This password does not open the file. Try again, or Cancel.")
	test.Tap(button(t, u2, "Cancel"))
	if n := len(u2.vault.Accounts()); n != 0 || shows(u2, "Found 3 accounts") {
		t.Fatalf("after Cancel: %d accounts, preview shown %v", n, shows(u2, "Found 3 accounts"))
	}
}
