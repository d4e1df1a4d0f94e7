// Command jiefangctl is the desk's admin and batch tool: demo data,
// integrity checks, statistics, case listings, benchmarks, one sync round
// with the hub, USB bundles for devices without a network, the official
// text of laws and the legal guide of a case. It never imports Fyne.
//
//	jiefangctl demo   --db PATH --cases N [--seed S]
//	jiefangctl verify --db PATH
//	jiefangctl stats  --db PATH --json
//	jiefangctl cases  --db PATH --json [--limit N]
//	jiefangctl bench  --db PATH --json
//	jiefangctl sync   --db PATH [--enroll CODE]
//	jiefangctl bundle export --db PATH --out FILE [--enroll CODE]
//	jiefangctl bundle import --db PATH FILE
//	jiefangctl legal import --db PATH FILE…
//	jiefangctl legal list   --db PATH
//	jiefangctl legal guide  --db PATH --case ID --out FILE.pdf [--contact TEXT] [--qr-base URL] [--font FILE]
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
