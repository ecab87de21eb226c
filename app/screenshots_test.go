package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/nidan-auth/nidan/accounts"
)

// TestScreenshots renders every screen in English and Japanese, light and
// dark, with fyne's software renderer into $NIDAN_SCREENSHOTS (make
// screenshots). Without the variable it still renders each screen once, so
// that a screen that panics while building fails the normal test run.
func TestScreenshots(t *testing.T) {
	if isMobile() {
		t.Skip("the desktop screens; phone_test.go renders the phone's")
	}
	dir := os.Getenv("NIDAN_SCREENSHOTS")
	langs, themes := []string{"en", "ja"}, []string{"light", "dark"}
	if dir == "" {
		langs, themes = []string{"en"}, []string{"light"}
	}
	for _, l := range langs {
		for _, th := range themes {
			t.Run(l+"-"+th, func(t *testing.T) { renderScreens(t, dir, l, th) })
		}
	}
}

func demoAccounts(t *testing.T) []accounts.Account {
	mk := func(typ accounts.Type, issuer, name, secret, group, nick string) accounts.Account {
		a := testAccount(t, issuer, name, secret)
		a.Type, a.Group, a.Nickname = typ, group, nick
		if typ == accounts.HOTP {
			a.Period = 0
		}
		if typ == accounts.Steam {
			a.Digits = accounts.SteamDigits
		}
		return a
	}
	return []accounts.Account{
		mk(accounts.TOTP, "GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP", "Work", ""),
		mk(accounts.TOTP, "Google", "alice.personal@gmail.com", "GEZDGNBVGY3TQOJQ", "Personal", ""),
		mk(accounts.TOTP, "AWS", "root", "MFRGGZDFMZTWQ2LK", "Work", "AWS production"),
		mk(accounts.HOTP, "Bank", "4921", "KRSXG5CTMVRXEZLU", "Personal", ""),
		mk(accounts.Steam, "Steam", "alice_gamer", "ONSWG4TFOQYTEMZU", "", ""),
		mk(accounts.TOTP, "さくらインターネット", "alice", "NBSWY3DPO5XXE3DE", "", ""),
	}
}

func renderScreens(t *testing.T, dir, language, variant string) {
	testLanguage = language
	t.Cleanup(func() { testLanguage = "en"; applyLanguage("en") })
	n := 0
	shot := func(u *ui, name string) {
		n++
		if dir == "" {
			return
		}
		// A second layout pass, as the GL driver does each frame: wrapped
		// labels only know their height once they have their width.
		u.win.Content().Refresh()
		u.win.Content().Refresh()
		savePNG(t, filepath.Join(dir, fmt.Sprintf("%s-%s-%02d-%s.png", language, variant, n, name)), u.win.Canvas().Capture())
	}
	setup := func(u *ui) {
		u.prefs.p.SetString(prefTheme, variant)
		u.applyTheme()
	}

	// First launch.
	u, _ := newTestUI(t)
	setup(u)
	u.start()
	shot(u, "welcome")
	choosePassword(t, u)
	shot(u, "password")
	test.Tap(button(t, u, tr("Create vault")))
	shot(u, "keyring")
	test.Tap(button(t, u, tr("Not now")))
	shot(u, "empty")

	// The list, a few seconds before the codes change.
	accts := demoAccounts(t)
	u, now := newUnlockedUI(t, accts...)
	setup(u)
	u.showList()
	*now = testNow.Add(6 * time.Second)
	u.tick(*now)
	shot(u, "list")
	u.copyCode(accts[0].ID)
	shot(u, "copied")
	u.list.search.SetText("g")
	u.win.Canvas().Focus(u.list.search)
	shot(u, "search")
	u.list.search.SetText("")

	u.onAdd()
	shot(u, "add")
	typeBadKey(t, u)
	shot(u, "manual")
	a := accts[0]
	u.show((&detailsScreen{u: u, acct: a, isNew: true}).build())
	shot(u, "details")
	mig, _ := accounts.MigrationURIs(accts[:4], 3)
	u.onTexts(mig[:1], func(string) {})
	shot(u, "migration")
	u.onSettings()
	shot(u, "settings")
	u.onBackups()
	shot(u, "backups")
	u.showList()
	u.onDelete(accts[1].ID)
	shot(u, "delete")
	u.lock()
	shot(u, "locked")
	enterWrongPassword(t, u)
	shot(u, "wrong-password")

	// The wide layout: columns of token cards, the rings mid-period.
	u, now = newUnlockedUI(t, accts...)
	setup(u)
	u.showList()
	u.win.Resize(fyne.NewSize(1000, 640))
	*now = testNow.Add(-8 * time.Second)
	u.tick(*now)
	shot(u, "wide")
}

// tr returns the translated text of a key for finding buttons by label.
func tr(key string) string { return lang.L(key) }
