package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiefang/sync/protocol"
)

// Credential is what an enrolled device keeps: where its hub is, the
// hub's pinned certificate fingerprint, and its own key pair.
type Credential struct {
	HubURL      string             `json:"hub_url"`
	Fingerprint string             `json:"fingerprint,omitempty"`
	DeviceID    string             `json:"device_id"`
	Unit        string             `json:"unit"`
	Key         ed25519.PrivateKey `json:"key"`
	Epoch       string             `json:"epoch"` // the hub epoch the device last synced with
}

// Remote talks to a hub over HTTP(S) as one enrolled device.
type Remote struct {
	// Batch is how many events go in one push; Batch (the constant) when 0.
	Batch int
	// Observe, when set, is told how long each answered request took.
	Observe func(path string, took time.Duration)
	// DownloadFiles and DownloadBytes bound the evidence files one round
	// fetches; DownloadFiles and DownloadBytes (the constants) when 0.
	DownloadFiles int
	DownloadBytes int64

	stall time.Duration // a download without a byte this long is abandoned; downloadStall when 0

	base *url.URL
	hc   *http.Client
	cred Credential
}

// NewRemote makes a client for the hub of cred. Over https the hub must
// present the certificate whose SHA-256 the enrollment code carried; no
// other certificate, and no certificate authority, is trusted. Plain http
// is allowed only to this machine (tests).
func NewRemote(cred Credential) (*Remote, error) {
	u, err := url.Parse(cred.HubURL)
	if err != nil {
		return nil, fmt.Errorf("client: hub address %q: %w", cred.HubURL, err)
	}
	return &Remote{base: u, hc: pinnedClient(u, cred.Fingerprint), cred: cred}, nil
}

// pinnedClient is an HTTP client that trusts exactly the certificate with
// fingerprint (SHA-256 of its DER, hex) for https.
func pinnedClient(u *url.URL, fingerprint string) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil, // a desk talks to its hub directly
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	if u.Scheme == "https" {
		tr.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// The chain is not checked against authorities: the pin below
			// is stricter than that.
			InsecureSkipVerify: true,
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(raw) == 0 || protocol.Fingerprint(raw[0]) != strings.ToLower(fingerprint) {
					return errPin
				}
				return nil
			},
		}
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute}
}

var errPin = &userError{msg: "上级平台的证书与入网码中的不一致，连接已中止。可能连错了地址或遭到冒充；请联系县级信息化人员。",
	err: errors.New("client: hub certificate does not match the pinned fingerprint")}

// userError is an error with a Chinese message for the desk.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string       { return e.err.Error() }
func (e *userError) Unwrap() error       { return e.err }
func (e *userError) UserMessage() string { return e.msg }

// UserMessage is the Chinese text to show for err: the hub's message for
// a protocol error, a message of the desk for a network failure.
func UserMessage(err error) string {
	var ue interface{ UserMessage() string }
	var pe *protocol.Error
	var ne net.Error
	switch {
	case errors.As(err, &ue):
		return ue.UserMessage()
	case errors.As(err, &pe):
		return pe.Message
	case errors.Is(err, context.Canceled):
		return "已取消。"
	case errors.As(err, &ne):
		return "连不上上级平台，请检查网络；程序会自动重试。"
	}
	return "同步出错，程序会自动重试。（" + err.Error() + "）"
}

// send sends one signed request; path is relative to the hub's address.
// It has the signature of Sender.
func (r *Remote) send(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
	req, err := r.request(ctx, method, path, header, body)
	if err != nil {
		return nil, err
	}
	return r.hc.Do(req)
}

// request makes one signed request; path is relative to the hub's address.
func (r *Remote) request(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Request, error) {
	u := *r.base
	ref, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(r.base.Path, "/") + ref.Path
	u.RawQuery = ref.RawQuery
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
	protocol.Sign(req, r.cred.DeviceID, r.cred.Key, body)
	return req, nil
}

// call posts req as JSON and decodes the answer into resp. A hub error is
// returned as a *protocol.Error; a 5xx or a network failure as an error
// that Transient reports true for.
func (r *Remote) call(ctx context.Context, path string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	start := time.Now()
	hr, err := r.send(ctx, http.MethodPost, path, http.Header{"Content-Type": {"application/json"}}, body)
	if err != nil {
		return fmt.Errorf("client: %s: %w", path, err)
	}
	err = readAnswer(hr, path, resp)
	if err == nil && r.Observe != nil {
		r.Observe(path, time.Since(start))
	}
	return err
}

func readAnswer(hr *http.Response, path string, resp any) error {
	defer hr.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hr.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("client: %s: reading answer: %w", path, err)
	}
	if hr.StatusCode != http.StatusOK {
		var pe protocol.Error
		if json.Unmarshal(raw, &pe) == nil && pe.Code != "" {
			return fmt.Errorf("client: %s: %w", path, &pe)
		}
		return fmt.Errorf("client: %s: %w", path, &statusError{code: hr.StatusCode})
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		return fmt.Errorf("client: %s: answer: %w", path, err)
	}
	return nil
}

// statusError is an HTTP failure without a protocol error body.
type statusError struct{ code int }

func (e *statusError) Error() string { return "hub answered HTTP " + strconv.Itoa(e.code) }

// Transient reports whether err may go away by itself: a network failure,
// a 5xx, or the hub's internal error. Other refusals need a person.
func Transient(err error) bool {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Code == protocol.CodeInternal || pe.Code == protocol.CodeTooLarge
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.code >= 500 || se.code == http.StatusTooManyRequests
	}
	return !errors.Is(err, errPin)
}

// Push sends a batch of this device's events.
func (r *Remote) Push(ctx context.Context, evs []protocol.Event) ([]protocol.PushResult, error) {
	var resp protocol.PushResponse
	if err := r.call(ctx, protocol.PathPush, protocol.PushRequest{Version: protocol.Version, Events: evs}, &resp); err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// Pull fetches a page of the device's scope.
func (r *Remote) Pull(ctx context.Context, req protocol.PullRequest) (protocol.PullResponse, error) {
	var resp protocol.PullResponse
	err := r.call(ctx, protocol.PathPull, req, &resp)
	return resp, err
}

// Hello asks the hub its version and epoch.
func (r *Remote) Hello(ctx context.Context) (protocol.Hello, error) {
	var h protocol.Hello
	hr, err := r.send(ctx, http.MethodGet, protocol.PathHello, nil, nil)
	if err != nil {
		return h, fmt.Errorf("client: hello: %w", err)
	}
	return h, readAnswer(hr, protocol.PathHello, &h)
}
