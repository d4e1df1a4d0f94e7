package cases

import (
	"errors"
	"fmt"
)

// Code classifies a validation failure so callers can react to the kind of
// problem without parsing messages.
type Code string

// Validation codes.
const (
	CodeRequired Code = "required"  // a needed value is missing
	CodeInvalid  Code = "invalid"   // a value has the wrong form
	CodeTooLong  Code = "too_long"  // a text exceeds its limit
	CodeUnknown  Code = "unknown"   // a referenced record does not exist
	CodeConflict Code = "conflict"  // a change was based on an outdated version
	CodeState    Code = "bad_state" // the change is not allowed in the current state
)

// ValidationError reports input that was refused. Message is the Chinese
// text shown to staff; Error() gives an English line for logs.
type ValidationError struct {
	Field   string // the field or record, e.g. "party.id_number"
	Code    Code
	Message string // Chinese, for the user: what is wrong and what to do
	Detail  string // English detail for logs
}

func (e *ValidationError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Field, e.Detail, e.Code)
	}
	return fmt.Sprintf("%s: invalid (%s)", e.Field, e.Code)
}

func invalid(field string, code Code, msg, detail string) *ValidationError {
	return &ValidationError{Field: field, Code: code, Message: msg, Detail: detail}
}

// AsValidation returns the validation error inside err, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// IsConflict reports whether err is a change refused because it was based
// on an outdated version of the field.
func IsConflict(err error) bool {
	v, ok := AsValidation(err)
	return ok && v.Code == CodeConflict
}
