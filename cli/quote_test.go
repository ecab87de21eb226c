package cli

import "testing"

func TestQuoteFor(t *testing.T) {
	for _, c := range []struct{ goos, in, want string }{
		{"linux", "/home/me/backups/nidan-backup-1.nidan", "/home/me/backups/nidan-backup-1.nidan"},
		{"linux", "/home/me/My Backups/it's.nidan", `'/home/me/My Backups/it'\''s.nidan'`},
		{"linux", `C:\x`, `'C:\x'`},
		{"windows", `C:\Users\me\AppData\Roaming\nidan\backups\b.nidan`, `C:\Users\me\AppData\Roaming\nidan\backups\b.nidan`},
		{"windows", `C:\Users\山田 太郎\AppData\Roaming\nidan\vault.nidan`, `"C:\Users\山田 太郎\AppData\Roaming\nidan\vault.nidan"`},
		{"windows", `D:\it's & more.nidan`, `"D:\it's & more.nidan"`},
		{"windows", "", `""`},
	} {
		if got := quoteFor(c.goos, c.in); got != c.want {
			t.Errorf("quoteFor(%s, %q) = %s, want %s", c.goos, c.in, got, c.want)
		}
	}
}
