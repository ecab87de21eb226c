package app

import (
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/nidan-auth/nidan/assets"
)

// Languages the app has translations for, as the settings offer them.
var languages = []struct{ code, name string }{
	{"system", ""}, // the name is translated: "Same as the system"
	{"en", "English"},
	{"ja", "日本語"},
}

var (
	origEnvOnce sync.Once
	origEnv     map[string]*string
)

// localeVars are the variables fyne's lang (through go-locale) reads on
// Unix, in its order: LC_ALL, LC_MESSAGES, LANG, then LANGUAGE wins if set.
var localeVars = []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

// applyLanguage loads the translations for choice ("system", "en", "ja").
// fyne 2.7's lang has no API to pick a language: it always asks the system
// locale. So a choice other than "system" sets LANGUAGE (and LC_MESSAGES
// where the system has no locale at all) for this process before the
// translations are loaded again, which re-reads them. Screens built after
// this call use the new language; the caller rebuilds what is on show.
func applyLanguage(choice string) {
	origEnvOnce.Do(func() {
		origEnv = map[string]*string{}
		for _, k := range localeVars {
			if v, ok := os.LookupEnv(k); ok {
				origEnv[k] = &v
			}
		}
	})
	for _, k := range localeVars { // back to what the system said
		if v := origEnv[k]; v != nil {
			os.Setenv(k, *v)
		} else {
			os.Unsetenv(k)
		}
	}
	if choice == "en" || choice == "ja" {
		os.Setenv("LANGUAGE", choice)
		if os.Getenv("LC_ALL") != "" {
			// LC_ALL=C would switch LANGUAGE off; a real LC_ALL is overridden.
			os.Setenv("LC_ALL", choice+".UTF-8")
		} else if !hasLocale(os.Getenv("LC_MESSAGES")) && !hasLocale(os.Getenv("LANG")) {
			os.Setenv("LC_MESSAGES", choice+".UTF-8")
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		fyne.LogError("load translations", err)
	}
}

func hasLocale(v string) bool {
	return v != "" && v != "C" && v != "POSIX" && !strings.HasPrefix(v, "C.")
}

// currentLanguage is the language the strings are in now: "en" or "ja".
func currentLanguage() string {
	if lang.L("lang.code") == "ja" {
		return "ja"
	}
	return "en"
}

// wrapMode is how long text wraps in the current language: at spaces in
// English, anywhere in Japanese, which has no spaces between words.
// sentences joins translated sentences: with a space in English, without
// in Japanese, where 。 ends a sentence and a space after it is a gap.
func sentences(s ...string) string {
	if currentLanguage() == "ja" {
		return strings.Join(s, "")
	}
	return strings.Join(s, " ")
}

func wrapMode() fyne.TextWrap {
	if currentLanguage() == "ja" {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}
