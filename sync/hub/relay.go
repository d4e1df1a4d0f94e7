package hub

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"jiefang/sync/protocol"
)

// relay takes a USB bundle that a desk (dev, authenticated by its own
// signature) imported from a device that may never have been online. The
// bundle must verify; its device must be enrolled with the key that
// signed it, or, unknown to the hub, carry a one-time enrollment secret,
// redeemed here for that device and key. Its evidence files, if the
// request carries them, are stored, and its events pushed as the
// bundle's device: that device's scope and the per-event rules apply,
// not the relaying desk's. The answer has one result per event.
func (s *Server) relay(w http.ResponseWriter, r *http.Request, dev Device) {
	start := time.Now()
	body, _ := io.ReadAll(r.Body)
	b, err := protocol.ReadBundle(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		s.fail(w, r, protocol.NewError(protocol.CodeBundleInvalid, err.Error()))
		return
	}
	m := b.Manifest
	owner, enrolled, err := s.bundleDevice(r, m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	blobs := 0
	for _, bl := range m.Blobs {
		if !b.HasBlob(bl.SHA256) || s.blobs == nil {
			continue
		}
		if err := s.putBlob(b, bl.SHA256); err != nil {
			s.fail(w, r, err)
			return
		}
		blobs++
	}
	results, err := s.store.Push(r.Context(), owner, b.Events)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("relay", append([]any{"device", dev.ID, "bundle_device", owner.ID, "enrolled", enrolled, "events", len(b.Events)},
		append(outcomes(results), "blobs", blobs, "ms", time.Since(start).Milliseconds())...)...)
	writeJSON(w, http.StatusOK, protocol.RelayResponse{Version: protocol.Version, Epoch: s.store.Epoch(), Bundle: b.ID,
		Device: owner.ID, Enrolled: enrolled, Blobs: blobs, Results: results})
}

// bundleDevice is the device a bundle speaks for: enrolled with the
// bundle's key, or enrolled now with the bundle's one-time secret.
func (s *Server) bundleDevice(r *http.Request, m protocol.BundleManifest) (Device, bool, error) {
	d, err := s.store.Device(r.Context(), m.DeviceID)
	switch {
	case err == nil && d.Revoked:
		return d, false, protocol.NewError(protocol.CodeBundleRefused, "the bundle's device is revoked")
	case err == nil && !bytes.Equal(d.PublicKey, m.PublicKey):
		return d, false, protocol.NewError(protocol.CodeBundleRefused, "the bundle's device is enrolled with another key")
	case err == nil:
		return d, false, nil
	case !errors.Is(err, ErrNoDevice):
		return d, false, err
	case m.Enrollment == "":
		return d, false, protocol.NewError(protocol.CodeBundleRefused, "the bundle's device is not enrolled and the bundle has no enrollment code")
	}
	d, err = s.store.Redeem(r.Context(), protocol.EnrollRequest{Version: protocol.Version, Secret: m.Enrollment,
		DeviceID: m.DeviceID, DeviceCode: m.DeviceCode, PublicKey: ed25519.PublicKey(m.PublicKey), Demo: m.Demo})
	if err != nil {
		return d, false, err
	}
	s.log.Info("enrolled", "device", d.ID, "unit", d.Unit, "by", "bundle")
	return d, true, nil
}

// putBlob stores one evidence file of a verified bundle, checking its
// content once more while it is written.
func (s *Server) putBlob(b *protocol.Bundle, sum string) error {
	rc, err := b.OpenBlob(sum)
	if err != nil {
		return protocol.NewError(protocol.CodeBundleInvalid, err.Error())
	}
	defer rc.Close()
	if err := s.blobs.Put(sum, rc); err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return protocol.NewError(protocol.CodeBundleInvalid, pe.Detail)
		}
		return fmt.Errorf("relay: %w", err)
	}
	return nil
}
