package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"jiefang/sync/protocol"
)

// Keyring is where a desk keeps its credential (cases/store implements
// it with its metadata table).
type Keyring interface {
	Meta(ctx context.Context, key string) (string, error)
	SetSyncMeta(ctx context.Context, key, value string) error
}

const credentialKey = "sync.credential"

// LoadCredential reads the device's credential; ok is false before
// enrollment.
func LoadCredential(ctx context.Context, k Keyring) (c Credential, ok bool, err error) {
	v, err := k.Meta(ctx, credentialKey)
	if err != nil || v == "" {
		return c, false, err
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return c, false, fmt.Errorf("client: credential: %w", err)
	}
	return c, true, nil
}

// SaveCredential stores the device's credential.
func SaveCredential(ctx context.Context, k Keyring, c Credential) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return k.SetSyncMeta(ctx, credentialKey, string(raw))
}

// Enrolled reports whether the hub has taken the credential (not only a
// key made for an enrollment still under way).
func (c Credential) Enrolled() bool { return c.Unit != "" }

// DeviceInfo is what enrollment tells the hub about the device.
type DeviceInfo struct {
	ID   string
	Code string
	Demo bool
}

// Enroll redeems a one-time enrollment code: it makes the device's key
// pair, sends the public key to the hub named in the code (checking the
// hub's certificate against the code's fingerprint), and keeps the
// credential. The hub refuses a demo database.
func Enroll(ctx context.Context, k Keyring, dev DeviceInfo, code string) (Credential, error) {
	ec, err := protocol.ParseEnrollmentCode(code)
	if err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	// A retry after a lost reply reuses the key made the first time, so
	// that the hub recognises the same device.
	cred, ok, err := LoadCredential(ctx, k)
	if err != nil {
		return Credential{}, err
	}
	if !ok || cred.HubURL != ec.URL || cred.Enrolled() {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return Credential{}, fmt.Errorf("client: enroll: key: %w", err)
		}
		cred = Credential{Key: key}
	}
	cred.HubURL, cred.Fingerprint, cred.DeviceID = ec.URL, ec.Fingerprint, dev.ID
	u, err := url.Parse(ec.URL)
	if err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	// Kept before asking, so that a retry after a lost reply sends the
	// same key.
	if err := SaveCredential(ctx, k, cred); err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	req := protocol.EnrollRequest{Version: protocol.Version, Secret: ec.Secret, DeviceID: dev.ID, DeviceCode: dev.Code,
		PublicKey: cred.Key.Public().(ed25519.PublicKey), Demo: dev.Demo}
	body, err := json.Marshal(req)
	if err != nil {
		return Credential{}, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u.JoinPath(protocol.PathEnroll).String(), bytes.NewReader(body))
	if err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := pinnedClient(u, ec.Fingerprint).Do(hr)
	if err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	var er protocol.EnrollResponse
	if err := readAnswer(resp, protocol.PathEnroll, &er); err != nil {
		return Credential{}, err
	}
	cred.Unit, cred.Epoch = er.Unit, er.Epoch
	if err := SaveCredential(ctx, k, cred); err != nil {
		return Credential{}, fmt.Errorf("client: enroll: %w", err)
	}
	return cred, nil
}
