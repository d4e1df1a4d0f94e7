package hub

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"jiefang/sync/protocol"
)

// Unit is a node of the unit tree: county → township → village.
type Unit struct {
	ID     int64
	Name   string
	Parent string // the parent's name; "" for the root
	Level  string // county, township or village
	Path   string // ids from the root down, "/1/4/": a subtree is a prefix
}

// unitLevels are the levels of the unit tree by depth.
var unitLevels = []string{"county", "township", "village"}

// AddUnit adds a unit under parent ("" for a root, which is a county).
func (s *Store) AddUnit(ctx context.Context, name, parent string) (Unit, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Unit{}, errors.New("hub: unit: a unit needs a name")
	}
	u := Unit{Name: name, Parent: parent}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var parentID sql.NullInt64
		depth := 0
		prefix := "/"
		if parent != "" {
			p, err := s.unitByName(ctx, tx, parent)
			if err != nil {
				return err
			}
			parentID = sql.NullInt64{Int64: p.ID, Valid: true}
			depth = strings.Count(p.Path, "/") - 1
			prefix = p.Path
		}
		if depth >= len(unitLevels) {
			return fmt.Errorf("a unit under %s would be below village level", parent)
		}
		var exists int
		if err := s.queryRow(ctx, tx, `SELECT count(*) FROM units WHERE name = ?`, name).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("a unit named %s exists", name)
		}
		if err := s.queryRow(ctx, tx, `SELECT COALESCE(max(id), 0) + 1 FROM units`).Scan(&u.ID); err != nil {
			return err
		}
		u.Level = unitLevels[depth]
		u.Path = fmt.Sprintf("%s%d/", prefix, u.ID)
		_, err := s.exec(ctx, tx, `INSERT INTO units (id, name, parent, level, path) VALUES (?, ?, ?, ?, ?)`,
			u.ID, u.Name, parentID, u.Level, u.Path)
		return err
	})
	if err != nil {
		return Unit{}, fmt.Errorf("hub: add unit %s: %w", name, err)
	}
	return u, nil
}

func (s *Store) unitByName(ctx context.Context, q querier, name string) (Unit, error) {
	u := Unit{Name: name}
	err := s.queryRow(ctx, q, `SELECT u.id, u.level, u.path, COALESCE(p.name, '') FROM units u LEFT JOIN units p ON p.id = u.parent
		WHERE u.name = ?`, name).Scan(&u.ID, &u.Level, &u.Path, &u.Parent)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("no unit named %s (see jiefang-hub units list)", name)
	}
	return u, err
}

// Units lists the unit tree, each unit after its parent.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	rows, err := s.query(ctx, s.r, `SELECT u.id, u.name, COALESCE(p.name, ''), u.level, u.path FROM units u
		LEFT JOIN units p ON p.id = u.parent ORDER BY u.path`)
	if err != nil {
		return nil, fmt.Errorf("hub: units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Parent, &u.Level, &u.Path); err != nil {
			return nil, fmt.Errorf("hub: units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Device is an enrolled desk or laptop.
type Device struct {
	ID         string
	Code       string // the short code in its provisional case numbers
	Unit       string
	UnitPath   string // its scope: this unit's subtree
	PublicKey  ed25519.PublicKey
	EnrolledAt time.Time
	LastSeen   time.Time
	Revoked    bool
}

// NewEnrollment makes a one-time enrollment secret for a device of unit.
// Only its hash is stored.
func (s *Store) NewEnrollment(ctx context.Context, unit string) (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("hub: enrollment: %w", err)
	}
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := s.unitByName(ctx, tx, unit)
		if err != nil {
			return err
		}
		_, err = s.exec(ctx, tx, `INSERT INTO enrollments (secret_hash, unit, created_at) VALUES (?, ?, ?)`,
			secretHash(secret), u.ID, s.now().UnixMilli())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hub: enrollment: %w", err)
	}
	return secret, nil
}

func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Redeem enrolls a device with a one-time secret. A demo database, an
// unknown secret and a secret used by another device are refused with a
// *protocol.Error. Redeeming again with the same device and key (the
// reply to the first try was lost) answers the same enrollment.
func (s *Store) Redeem(ctx context.Context, req protocol.EnrollRequest) (Device, error) {
	if req.Demo {
		return Device{}, protocol.NewError(protocol.CodeDemoDatabase, "")
	}
	if req.DeviceID == "" || len(req.PublicKey) != ed25519.PublicKeySize {
		return Device{}, protocol.NewError(protocol.CodeBadRequest, "enrollment without device id or ed25519 public key")
	}
	var refused *protocol.Error
	err := s.write(ctx, func(tx *sql.Tx) error {
		var unit int64
		var usedBy sql.NullString
		err := s.queryRow(ctx, tx, `SELECT unit, device_id FROM enrollments WHERE secret_hash = ?`, secretHash(req.Secret)).Scan(&unit, &usedBy)
		if errors.Is(err, sql.ErrNoRows) {
			refused = protocol.NewError(protocol.CodeEnrollInvalid, "")
			return nil
		}
		if err != nil {
			return err
		}
		if usedBy.Valid {
			var key []byte
			err := s.queryRow(ctx, tx, `SELECT public_key FROM devices WHERE id = ?`, usedBy.String).Scan(&key)
			if err != nil || usedBy.String != req.DeviceID || !bytes.Equal(key, req.PublicKey) {
				refused = protocol.NewError(protocol.CodeEnrollUsed, "")
			}
			return nil
		}
		at := s.now().UnixMilli()
		if _, err := s.exec(ctx, tx, `UPDATE enrollments SET used_at = ?, device_id = ? WHERE secret_hash = ?`,
			at, req.DeviceID, secretHash(req.Secret)); err != nil {
			return err
		}
		// A device enrolling again (a new laptop key, another unit) takes
		// the new unit and key; revocation is lifted only by a new code.
		_, err = s.exec(ctx, tx, `INSERT INTO devices (id, unit, code, public_key, enrolled_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, code = excluded.code, public_key = excluded.public_key,
			enrolled_at = excluded.enrolled_at, revoked_at = NULL`,
			req.DeviceID, unit, req.DeviceCode, req.PublicKey, at, at)
		return err
	})
	if err != nil {
		return Device{}, fmt.Errorf("hub: enroll %s: %w", req.DeviceID, err)
	}
	if refused != nil {
		return Device{}, refused
	}
	return s.Device(ctx, req.DeviceID)
}

// ErrNoDevice is returned for a device id the hub has not enrolled.
var ErrNoDevice = errors.New("hub: no such device")

const deviceColumns = `d.id, d.code, u.name, u.path, d.public_key, d.enrolled_at, d.last_seen, d.revoked_at IS NOT NULL`

func scanDevice(sc interface{ Scan(...any) error }) (Device, error) {
	var d Device
	var key []byte
	var enrolled, seen int64
	if err := sc.Scan(&d.ID, &d.Code, &d.Unit, &d.UnitPath, &key, &enrolled, &seen, &d.Revoked); err != nil {
		return d, err
	}
	d.PublicKey = ed25519.PublicKey(key)
	d.EnrolledAt, d.LastSeen = time.UnixMilli(enrolled).UTC(), time.UnixMilli(seen).UTC()
	return d, nil
}

// Device returns an enrolled device, or ErrNoDevice.
func (s *Store) Device(ctx context.Context, id string) (Device, error) {
	d, err := scanDevice(s.queryRow(ctx, s.r, `SELECT `+deviceColumns+` FROM devices d JOIN units u ON u.id = d.unit WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNoDevice
	}
	if err != nil {
		return d, fmt.Errorf("hub: device %s: %w", id, err)
	}
	return d, nil
}

// Devices lists enrolled devices by unit.
func (s *Store) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.query(ctx, s.r, `SELECT `+deviceColumns+` FROM devices d JOIN units u ON u.id = d.unit ORDER BY u.path, d.id`)
	if err != nil {
		return nil, fmt.Errorf("hub: devices: %w", err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("hub: devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revoke cuts a device off: its requests are refused from now on.
func (s *Store) Revoke(ctx context.Context, id string) error {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE devices SET revoked_at = ? WHERE id = ?`, s.now().UnixMilli(), id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("hub: revoke %s: %w", id, err)
	}
	if n == 0 {
		return ErrNoDevice
	}
	return nil
}

// Touch records that a device was seen at t.
func (s *Store) Touch(ctx context.Context, id string, t time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE devices SET last_seen = ? WHERE id = ?`, t.UnixMilli(), id)
		return err
	})
}
