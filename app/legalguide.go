package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"jiefang/cases"
	"jiefang/cases/report"
	"jiefang/legal"
)

// legalGuides is the desk's GuideWriter: the guide of report.BuildGuide
// (the same document jiefangctl legal guide makes), with the articles
// looked up in the statute library and written in the system's Chinese
// font. Its QR codes hold our text, readable with no network.
type legalGuides struct {
	lib *legal.Library
	now func() time.Time
}

// LegalGuides writes legal guides with the articles of lib (nil: pins
// are printed as their citations only).
func LegalGuides(lib *legal.Library) GuideWriter { return legalGuides{lib: lib, now: time.Now} }

// WriteGuide implements GuideWriter.
func (g legalGuides) WriteGuide(ctx context.Context, c cases.Case, path string) error {
	guide, err := report.BuildGuide(c, g.lib, report.GuideOptions{})
	if err != nil {
		return err
	}
	font, err := pdfFont()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("app: legal guide: %w", err)
	}
	err = report.LegalGuide(f, guide, font, g.now())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("app: legal guide: %w", err)
	}
	return nil
}
