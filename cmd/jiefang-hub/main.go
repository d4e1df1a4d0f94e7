// Command jiefang-hub is the county hub that desks push their events to
// and pull assignments from. This build has no serving commands yet: it
// reports its protocol version and says so.
package main

import (
	"fmt"
	"os"

	"jiefang/sync/protocol"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Printf("jiefang-hub protocol %d\n", protocol.Version)
		return
	}
	fmt.Fprintln(os.Stderr, "jiefang-hub: 本版本尚不能提供同步服务（serve、units、enroll 等命令将随同步功能提供）。\n用法: jiefang-hub version")
	os.Exit(2)
}
