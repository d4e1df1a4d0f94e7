#!/usr/bin/env bash
# packaging/windows/sign.sh — Authenticode-sign Windows executables in place
# with osslsigncode (SHA-256). Run by `make sign` (packaging/windows.mk).
#
# Usage: bash packaging/windows/sign.sh FILE.exe...
#        bash packaging/windows/sign.sh --check    (only check the variables)
#
# The certificate comes from the environment:
#   JIEFANG_SIGN_CERT       the code-signing certificate: a PKCS#12 file
#                           (.pfx/.p12, certificate chain and key), or, with
#                           JIEFANG_SIGN_KEY, a PEM/DER certificate (chain)
#   JIEFANG_SIGN_KEY        the private key (PEM/DER) of a PEM certificate
#   JIEFANG_SIGN_PASS       the password of the PKCS#12 file or of the key
#                           (optional; handed to osslsigncode on a pipe,
#                           never on its command line)
#   JIEFANG_SIGN_TIMESTAMP  an RFC 3161 timestamp server URL (optional, and
#                           needs the network): a timestamped signature stays
#                           valid after the certificate expires
# A file already signed gets the new signature in place of the old one.
# --check checks only the variables (make installs osslsigncode after it).
set -euo pipefail

die() { printf 'sign: %s\n' "$*" >&2; exit 1; }

cert=${JIEFANG_SIGN_CERT:-}
key=${JIEFANG_SIGN_KEY:-}
ts=${JIEFANG_SIGN_TIMESTAMP:-}

[ -n "$cert" ] || die "JIEFANG_SIGN_CERT is not set. Set it to the code-signing certificate:
  a PKCS#12 file:    JIEFANG_SIGN_CERT=county.pfx JIEFANG_SIGN_PASS=… make sign
  or PEM cert + key: JIEFANG_SIGN_CERT=cert.pem JIEFANG_SIGN_KEY=key.pem make sign
  (optional: JIEFANG_SIGN_TIMESTAMP=<RFC 3161 timestamp server URL>)"
[ -f "$cert" ] && [ -r "$cert" ] || die "JIEFANG_SIGN_CERT=$cert: no such readable file"
if [ -n "$key" ]; then
  [ -f "$key" ] && [ -r "$key" ] || die "JIEFANG_SIGN_KEY=$key: no such readable file"
  creds=(-certs "$cert" -key "$key")
else
  if head -c 64 "$cert" | grep -q -- '-----BEGIN'; then
    die "JIEFANG_SIGN_CERT=$cert is a PEM file: set JIEFANG_SIGN_KEY to its private key (or give a .pfx/.p12 file)"
  fi
  creds=(-pkcs12 "$cert")
fi
[ "${1:-}" = --check ] && exit 0
command -v osslsigncode >/dev/null 2>&1 || die "osslsigncode is not installed (apt-get install osslsigncode)"
[ $# -gt 0 ] || die "usage: sign.sh FILE.exe... (or --check)"

for f in "$@"; do
  [ -f "$f" ] || die "$f: no such file"
  out="$f.signing" rc=0
  args=(sign "${creds[@]}" -h sha256 -n "接访台 Jiefang Desk")
  [ -n "$ts" ] && args+=(-ts "$ts")
  args+=(-in "$f" -out "$out")
  rm -f "$out"
  if [ -n "${JIEFANG_SIGN_PASS:-}" ]; then
    printf '%s' "$JIEFANG_SIGN_PASS" | osslsigncode "${args[@]}" -readpass /dev/stdin >"$out.log" 2>&1 || rc=$?
  else
    osslsigncode "${args[@]}" >"$out.log" 2>&1 || rc=$?
  fi
  if [ "$rc" != 0 ]; then
    cat "$out.log" >&2
    rm -f "$out" "$out.log"
    die "signing $f failed (osslsigncode status $rc)"
  fi
  rm -f "$out.log"
  chmod --reference="$f" "$out" 2>/dev/null || true
  mv -f "$out" "$f"
  printf 'sign: signed %s (%s)%s\n' "$f" "$(du -h "$f" | cut -f1)" "${ts:+, timestamped}"
done
