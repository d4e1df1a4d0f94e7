package app

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

func TestUseLanguage(t *testing.T) {
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("新接待"); got != "New reception" {
		t.Errorf("English: 新接待 shows as %q", got)
	}
	if err := UseLanguage("zh"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("新接待"); got != "新接待" {
		t.Errorf("Chinese: 新接待 shows as %q", got)
	}
}
