// Package assets holds what the application embeds: the icon and the
// translations (English is the fallback; French beside it).
package assets

import (
	"embed"
	_ "embed"
)

// Icon is the application icon (drawn by gen_icon.go).
//
//go:embed icon.png
var Icon []byte

// Translations holds translation/en.json and translation/fr.json, for
// fyne's lang.AddTranslationsFS(Translations, "translation").
//
//go:embed translation
var Translations embed.FS
