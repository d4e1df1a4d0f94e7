// Package protocol holds what the desk and the hub share on the wire:
// the protocol version now, and the request, response and error types as
// sync is built. There is deliberately no package named sync, which would
// shadow the standard library.
package protocol

// Version is the sync protocol version this build speaks. The hub accepts
// this version and the one before it.
const Version = 1
