// Package assets holds the files Nidan embeds: the translations of the
// desktop app (translations/*.json, loaded by app through fyne's lang
// package). It imports nothing but embed, so any package may use it.
package assets

import "embed"

// Translations holds translations/en.json and translations/ja.json, in the
// [prefix.]lang.json layout that fyne's lang.AddTranslationsFS expects.
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsDir is the directory inside Translations.
const TranslationsDir = "translations"
