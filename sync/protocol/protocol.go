// Package protocol holds what the desk and the hub share on the wire: the
// protocol version, the push and pull messages, the event as it travels,
// and the error codes with their Chinese messages. There is deliberately
// no package named sync, which would shadow the standard library.
package protocol

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Version is the sync protocol version this build speaks. The hub accepts
// this version and the one before it.
const Version = 1

// Accepts reports whether a peer speaking version v can be served.
func Accepts(v int) bool { return v >= 1 && (v == Version || v == Version-1) }

// Accepted lists the versions Accepts takes, oldest first.
func Accepted() []int {
	var out []int
	for v := Version - 1; v <= Version; v++ {
		if Accepts(v) {
			out = append(out, v)
		}
	}
	return out
}

// Event is a cases.Event as it travels.
type Event struct {
	ID          uuid.UUID       `json:"id"`
	CaseID      uuid.UUID       `json:"case_id"`
	Type        string          `json:"type"`
	Payload     json.RawMessage `json:"payload"`
	Actor       string          `json:"actor"`
	DeviceID    string          `json:"device_id"`
	DeviceSeq   int64           `json:"device_seq"`
	BaseVersion int64           `json:"base_version"`
	At          time.Time       `json:"at"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

// FromEvent is e on the wire.
func FromEvent(e cases.Event) Event {
	return Event{ID: e.ID, CaseID: e.CaseID, Type: string(e.Type), Payload: e.Payload, Actor: e.Actor,
		DeviceID: e.DeviceID, DeviceSeq: e.DeviceSeq, BaseVersion: e.BaseVersion, At: e.At.UTC(),
		PrevHash: e.PrevHash, Hash: e.Hash}
}

// ToEvent is the wire event as a cases.Event, At at millisecond precision.
func (w Event) ToEvent() cases.Event {
	return cases.Event{ID: w.ID, CaseID: w.CaseID, Type: cases.EventType(w.Type), Payload: w.Payload, Actor: w.Actor,
		DeviceID: w.DeviceID, DeviceSeq: w.DeviceSeq, BaseVersion: w.BaseVersion, At: w.At.UTC().Truncate(time.Millisecond),
		PrevHash: w.PrevHash, Hash: w.Hash}
}

// PushRequest carries a batch of a device's events, oldest first.
type PushRequest struct {
	Version int     `json:"version"`
	Events  []Event `json:"events"`
}

// ProtocolVersion is the version the request was written in.
func (r *PushRequest) ProtocolVersion() int { return r.Version }

// Outcome is what the hub did with one pushed event.
type Outcome string

// Outcomes of a pushed event.
const (
	Applied   Outcome = "applied"   // stored now
	Duplicate Outcome = "duplicate" // stored before, same content: the original result
	Conflict  Outcome = "conflict"  // stored, but it changed a field changed concurrently: both values kept
	Rejected  Outcome = "rejected"  // not stored; kept in quarantine when it could be read
)

// PushResult is the hub's answer for one event.
type PushResult struct {
	ID      uuid.UUID `json:"id"`
	Outcome Outcome   `json:"outcome"`
	Seq     int64     `json:"seq,omitempty"` // hub sequence of the stored event
	Code    Code      `json:"code,omitempty"`
	Message string    `json:"message,omitempty"` // Chinese, for the desk's quarantine list
}

// PushResponse answers a push, one result per event in order.
type PushResponse struct {
	Version int          `json:"version"`
	Epoch   string       `json:"epoch"`
	Results []PushResult `json:"results"`
}

// PullRequest asks for the device's scope after a hub sequence.
type PullRequest struct {
	Version int    `json:"version"`
	Epoch   string `json:"epoch"` // the epoch the cursor belongs to; "" on first pull
	After   int64  `json:"after"`
	Limit   int    `json:"limit"`
}

// ProtocolVersion is the version the request was written in.
func (r *PullRequest) ProtocolVersion() int { return r.Version }

// Pulled is one event with its hub sequence.
type Pulled struct {
	Seq   int64 `json:"seq"`
	Event Event `json:"event"`
}

// PullResponse carries events in hub sequence order.
type PullResponse struct {
	Version int      `json:"version"`
	Epoch   string   `json:"epoch"`
	Events  []Pulled `json:"events"`
	More    bool     `json:"more"`
}

// Code names an error or a rejection.
type Code string

// Codes.
const (
	CodeBadVersion  Code = "bad_version"  // protocol version not served
	CodeBadRequest  Code = "bad_request"  // unreadable or malformed request
	CodeBadEvent    Code = "bad_event"    // an event that fails validation
	CodeHashInvalid Code = "hash_invalid" // an event whose content does not match its hash
	CodeIDReused    Code = "id_reused"    // an event id already stored with other content
	CodeWrongDevice Code = "wrong_device" // an event of another device than the one pushing
	CodeNewEpoch    Code = "new_epoch"    // the hub was restored: re-push and pull from zero

	CodeUnauthorized  Code = "unauthorized"   // no device credential, or a signature that does not verify
	CodeRevoked       Code = "revoked"        // the device was cut off at the hub
	CodeOutOfScope    Code = "out_of_scope"   // a case outside the device's unit
	CodeUnknownCase   Code = "unknown_case"   // an event for a case the hub has not seen opened
	CodeEnrollInvalid Code = "enroll_invalid" // an enrollment code the hub does not know
	CodeEnrollUsed    Code = "enroll_used"    // an enrollment code redeemed before
	CodeDemoDatabase  Code = "demo_database"  // a demo database tried to enroll
	CodeTooLarge      Code = "too_large"      // a request body over the limit
	CodeBlobMismatch  Code = "blob_mismatch"  // an uploaded file whose content does not match its SHA-256
	CodeNotFound      Code = "not_found"      // no such resource
	CodeBundleInvalid Code = "bundle_invalid" // a USB bundle damaged or changed after it was signed
	CodeBundleRefused Code = "bundle_refused" // a USB bundle of a device the hub does not accept with that key
	CodeInternal      Code = "internal"       // the hub failed; try again later
)

// Message is the Chinese text the desk shows for the code.
func (c Code) Message() string {
	switch c {
	case CodeBadVersion:
		return "上级平台与本机的程序版本不兼容，请升级接访台。"
	case CodeBadRequest:
		return "同步请求无法识别，请重试；如反复出现请联系县级信息化人员。"
	case CodeBadEvent:
		return "这条记录内容不完整或格式不对，已被上级退回，放在“待处理”中。"
	case CodeHashInvalid:
		return "这条记录与其校验值不符，可能已被改动，已被上级退回。"
	case CodeIDReused:
		return "上级已有同一编号、内容不同的记录；本条已隔离，原记录未受影响。"
	case CodeWrongDevice:
		return "这条记录不是本机产生的，不能由本机上传。"
	case CodeNewEpoch:
		return "上级平台已从备份恢复，本机将重新上传并重新下载数据。"
	case CodeUnauthorized:
		return "上级平台不认识本机的凭证，请重新用入网码连接上级。"
	case CodeRevoked:
		return "本机已被上级停用，请联系县级信息化人员。"
	case CodeOutOfScope:
		return "这个案件不属于本机所在单位，不能同步。"
	case CodeUnknownCase:
		return "上级平台还没有这个案件，请先同步开案记录。"
	case CodeEnrollInvalid:
		return "入网码无效，请核对后重新输入，或向县级信息化人员索取新码。"
	case CodeEnrollUsed:
		return "这个入网码已经用过，每个码只能用一次；请向县级信息化人员索取新码。"
	case CodeDemoDatabase:
		return "演示数据库不能连接上级，请用正式数据库（去掉 --demo）后再连接。"
	case CodeTooLarge:
		return "一次上传的数据过大，已被上级拒收；程序会分批重试。"
	case CodeBlobMismatch:
		return "证据文件上传后校验不符，将重新上传。"
	case CodeNotFound:
		return "上级平台没有找到要的数据。"
	case CodeBundleInvalid:
		return "U盘包已损坏或在导出后被改动（签名或校验值不符），已被拒收。请让网格员重新导出。"
	case CodeBundleRefused:
		return "上级平台不接受这个U盘包：导出它的设备尚未入网（包中没有有效的入网码）、已被停用，或其密钥与上级登记的不一致。请让网格员用新的入网码重新导出，或联系县级信息化人员。"
	case CodeInternal:
		return "上级平台暂时出错，程序会稍后自动重试。"
	}
	return fmt.Sprintf("未知错误（%s）", string(c))
}

// Error is a protocol error answered for a whole request.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"` // Chinese
	Detail  string `json:"detail,omitempty"`
	EventID string `json:"event_id,omitempty"` // the event a bad_event refusal is about
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("sync: %s: %s", e.Code, e.Detail)
	}
	return "sync: " + string(e.Code)
}

// NewError makes an Error with the code's message.
func NewError(c Code, detail string) *Error {
	return &Error{Code: c, Message: c.Message(), Detail: detail}
}
