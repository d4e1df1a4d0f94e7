// Command jiefang-hub is the county hub that desks push their events to
// and pull their unit's cases from: the HTTPS sync server and its
// administration (units, enrollment codes, devices, statistics, backup),
// and the public statute pages at /statutes/ with the official texts
// imported into it. It never imports Fyne.
//
//	jiefang-hub serve   --db PATH | --pg URL [--addr HOST:PORT] [--insecure-http]
//	jiefang-hub units   add --name NAME [--parent NAME] | list
//	jiefang-hub enroll  --unit NAME --url PUBLIC_URL [--qr FILE]
//	jiefang-hub devices
//	jiefang-hub revoke  --device ID
//	jiefang-hub stats   --json
//	jiefang-hub backup  --out FILE
//	jiefang-hub new-epoch   (after restoring a PostgreSQL dump)
//	jiefang-hub legal   import FILE.md… | list
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
