package protocol

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Headers every sync request carries. The version is also in JSON bodies;
// the header lets the hub refuse a request it cannot read before parsing.
const (
	HeaderVersion   = "Jiefang-Version"
	HeaderDevice    = "Jiefang-Device"
	HeaderSignature = "Jiefang-Signature"
)

// SigningInput is what a device signs for one request: the method, the
// path with its query, and the SHA-256 of the body. Times are left out on
// purpose: device clocks are informational and may be off by a year. TLS
// with a pinned certificate keeps requests from being replayed by others.
func SigningInput(method, pathAndQuery string, body []byte) []byte {
	sum := sha256.Sum256(body)
	return []byte(method + "\n" + pathAndQuery + "\n" + hex.EncodeToString(sum[:]))
}

// Sign sets the device and signature headers of r, whose body is body.
func Sign(r *http.Request, deviceID string, key ed25519.PrivateKey, body []byte) {
	sig := ed25519.Sign(key, SigningInput(r.Method, r.URL.RequestURI(), body))
	r.Header.Set(HeaderDevice, deviceID)
	r.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
}

// VerifySignature checks r's signature header against pub for body.
func VerifySignature(r *http.Request, pub ed25519.PublicKey, body []byte) bool {
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(HeaderSignature))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, SigningInput(r.Method, r.URL.RequestURI(), body), sig)
}

// Fingerprint is the SHA-256 of a DER certificate, in hex: what an
// enrollment code pins and what the desk checks the hub's certificate by.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// EnrollmentCode is what a one-time enrollment code carries: where the
// hub is, the SHA-256 fingerprint of its certificate (empty only for a
// plain-HTTP loopback hub in tests), and the one-time secret.
type EnrollmentCode struct {
	URL         string `json:"u"`
	Fingerprint string `json:"f,omitempty"`
	Secret      string `json:"s"`
}

// enrollmentPrefix starts every enrollment code, so that a pasted code is
// recognised and a future format can be told apart.
const enrollmentPrefix = "JF1-"

// String is the code as printed, pasted and put in a QR image.
func (c EnrollmentCode) String() string {
	raw, _ := json.Marshal(c) // strings only: cannot fail
	return enrollmentPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

// ParseEnrollmentCode reads a code as printed by jiefang-hub enroll.
// Spaces and line breaks from copying are ignored.
func ParseEnrollmentCode(s string) (EnrollmentCode, error) {
	var c EnrollmentCode
	s = strings.Join(strings.Fields(s), "")
	if !strings.HasPrefix(s, enrollmentPrefix) {
		return c, NewError(CodeEnrollInvalid, "enrollment code does not start with "+enrollmentPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, enrollmentPrefix))
	if err != nil {
		return c, NewError(CodeEnrollInvalid, "enrollment code: "+err.Error())
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, NewError(CodeEnrollInvalid, "enrollment code: "+err.Error())
	}
	u, err := url.Parse(c.URL)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return c, NewError(CodeEnrollInvalid, fmt.Sprintf("enrollment code: hub address %q", c.URL))
	case c.Secret == "":
		return c, NewError(CodeEnrollInvalid, "enrollment code without secret")
	case u.Scheme == "https" && len(c.Fingerprint) != 64:
		return c, NewError(CodeEnrollInvalid, "enrollment code without certificate fingerprint")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return c, NewError(CodeEnrollInvalid, "plain http is only for a hub on this machine")
	}
	return c, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// EnrollRequest redeems an enrollment code for a device and binds it to
// the public key of a key pair the device generated itself.
type EnrollRequest struct {
	Version    int    `json:"version"`
	Secret     string `json:"secret"`
	DeviceID   string `json:"device_id"`
	DeviceCode string `json:"device_code"`
	PublicKey  []byte `json:"public_key"`
	Demo       bool   `json:"demo"` // the device's database holds demo data: refused
}

// EnrollResponse tells an enrolled device its unit and the hub's epoch.
type EnrollResponse struct {
	Version int    `json:"version"`
	Epoch   string `json:"epoch"`
	Unit    string `json:"unit"`
}

// Hello is what the hub answers, without authentication, at /v1/hello.
type Hello struct {
	Version  int    `json:"version"`
	Accepts  []int  `json:"accepts"`
	Epoch    string `json:"epoch"`
	Software string `json:"software"`
}

// Paths the hub serves. Every one but hello needs a device signature.
const (
	PathHello   = "/v1/hello"
	PathEnroll  = "/v1/enroll"
	PathPush    = "/v1/push"
	PathPull    = "/v1/pull"
	PathRelay   = "/v1/relay"    // USB bundles relayed by a desk
	PathBlobs   = "/v1/blobs/"   // + SHA-256 hex: HEAD to ask, GET to fetch
	PathUploads = "/v1/uploads/" // tus resumable uploads of blobs
)
