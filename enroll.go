package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"jiefang/sync/client"
	"jiefang/sync/protocol"
)

// enrollFile is where the installer (jiefang-setup.exe /S /ENROLL=code)
// leaves an enrollment code, in the default data directory, so that a
// desk rolled out by IT staff connects to its hub on first start with
// no one typing the code.
const enrollFile = "enrollment-code.txt"

// enrollRetry is how long the desk waits before trying a code again when
// the hub could not be reached.
const enrollRetry = time.Minute

// enroller is what enrolling from the file needs of the syncer.
type enroller interface {
	Enrolled(ctx context.Context) (bool, error)
	Enroll(ctx context.Context, code string) error
}

// enrollFromFile enrolls the desk with the code in dir/enrollment-code.txt,
// if there is one: the file is removed once the desk is enrolled (or if it
// already was); a code the hub refuses, or one that is not a code, is
// moved to enrollment-code.refused.txt with the reason, for staff to see;
// while the hub cannot be reached it tries again every retry until ctx
// ends. What it does goes to log.
func enrollFromFile(ctx context.Context, dir string, e enroller, retry time.Duration, log io.Writer) error {
	path := filepath.Join(dir, enrollFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the enrollment code: %w", err)
	}
	code := strings.Join(strings.Fields(string(raw)), "")
	if ok, err := e.Enrolled(ctx); err != nil {
		return err
	} else if ok || code == "" {
		return os.Remove(path)
	}
	refuse := func(err error) error {
		fmt.Fprintf(log, "jiefang: the enrollment code in %s was refused: %v\n", path, err)
		note := fmt.Sprintf("%s\n\n# 未能用这个连接码连接上级平台：%s\n# refused: %v\n", code, client.UserMessage(err), err)
		refused := strings.TrimSuffix(path, ".txt") + ".refused.txt"
		if werr := os.WriteFile(refused, []byte(note), 0o600); werr != nil {
			return werr
		}
		return os.Remove(path)
	}
	if _, err := protocol.ParseEnrollmentCode(code); err != nil {
		return refuse(err)
	}
	for {
		err := e.Enroll(ctx, code)
		var pe *protocol.Error
		switch {
		case err == nil:
			fmt.Fprintf(log, "jiefang: enrolled with the code in %s\n", path)
			return os.Remove(path)
		case errors.As(err, &pe):
			return refuse(err)
		case ctx.Err() != nil:
			return ctx.Err()
		}
		fmt.Fprintf(log, "jiefang: enrollment: %v; trying again in %v\n", err, retry)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
}
