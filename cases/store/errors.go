package store

import (
	"errors"
	"fmt"
)

// Kind classifies why a database could not be opened.
type Kind int

// Kinds of open failure.
const (
	NotDatabase Kind = iota + 1 // the file is not an SQLite database
	NotJiefang                  // an SQLite database of some other program
	NewerSchema                 // written by a newer version of this program
	Corrupt                     // an SQLite database that cannot be read
)

// OpenError explains why a database file was refused. The file is never
// modified when this is returned.
type OpenError struct {
	Path    string
	Kind    Kind
	Message string // Chinese, for the user: what happened and what to do
	Err     error
}

func (e *OpenError) Error() string {
	what := map[Kind]string{
		NotDatabase: "not an SQLite database",
		NotJiefang:  "not a Jiefang database",
		NewerSchema: "written by a newer version",
		Corrupt:     "damaged",
	}[e.Kind]
	if e.Err != nil {
		return fmt.Sprintf("store: open %s: %s: %v", e.Path, what, e.Err)
	}
	return fmt.Sprintf("store: open %s: %s", e.Path, what)
}

func (e *OpenError) Unwrap() error { return e.Err }

// AsOpenError returns the OpenError inside err, if any.
func AsOpenError(err error) (*OpenError, bool) {
	var o *OpenError
	ok := errors.As(err, &o)
	return o, ok
}
