package app

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"jiefang/assets"
)

// UseLanguage makes the interface speak language ("zh", the default, or
// "en") whatever the system's locale is. The choice (from --lang or the
// 设置 screen) must win over the system's language: many township PCs run
// English Windows, and their staff still want the desk in Chinese. Fyne
// 2.7 picks translations by the system locale and offers no setter: on
// Linux it reads LANGUAGE, which is set here, but on Windows it asks the
// system. So the chosen language's strings are also registered under the
// system's locale (AddTranslationsForLocale), which then resolves to them.
// Fyne's own few strings (a dialog's 好/OK) follow the system's language
// on Windows. It must be called before any widget is built: widgets keep
// the strings of the time they were made.
func UseLanguage(language string) error {
	tag := fyne.Locale("zh_Hans")
	if language == "en" {
		tag = "en"
	}
	if err := os.Setenv("LANGUAGE", string(tag)); err != nil {
		return fmt.Errorf("app: set language: %w", err)
	}
	data, err := assets.Translations.ReadFile("translations/" + string(tag) + ".json")
	if err != nil {
		return fmt.Errorf("app: translations for %s: %w", tag, err)
	}
	if err := lang.AddTranslationsForLocale(data, tag); err != nil {
		return fmt.Errorf("app: translations for %s: %w", tag, err)
	}
	if sys := lang.SystemLocale(); sys != tag {
		if err := lang.AddTranslationsForLocale(data, sys); err != nil {
			return fmt.Errorf("app: translations for %s: %w", sys, err)
		}
	}
	return nil
}
