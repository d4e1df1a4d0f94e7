#!/usr/bin/env bash
# .ci/wine/launch.sh — bare launch of the Windows build under wine + Xvfb.
#
# Usage: bash .ci/wine/launch.sh [path/to/jiefang.exe]   (default dist/windows/jiefang.exe)
# Run from the repository root. Environment knobs:
#   WINEPREFIX    wine prefix to use/create   (default $HOME/.cache/jiefang/wineprefix; cacheable)
#   WINDOW_NAME   xdotool --name regex for the app window (default 接访台)
#   SCREENSHOT    where the PNG of the screen goes        (default dist/wine-launch.png)
#   WINE_TIMEOUT  seconds to wait for the window          (default 120)
#   SETTLE        seconds between window-up and screenshot (default 3)
#   XVFB_SCREEN   Xvfb screen geometry                     (default 1366x768x24)
#   WINE_LOG      wine's stdout/stderr                     (default dist/wine-launch.log)
#   APP_DATA      Unix dir given to the app as APPDATA/LOCALAPPDATA parent, kept after
#                 the run (default: a fresh temp dir, removed at the end)
#
# Wine 8.0 (Debian 12) facts this relies on:
#   - Go >= 1.22 needs bcryptprimitives.dll!ProcessPrng, which wine 8.0 lacks:
#     a test-only stand-in (bcryptprimitives.c) goes into the prefix's system32.
#   - WINEDLLOVERRIDES="mscoree,mshtml=" keeps wineboot from waiting on Mono/Gecko.
#   - The app looks for msyh.ttc / simhei.ttf / Deng.ttf in %WINDIR%\Fonts, so the
#     WenQuanYi Micro Hei font is copied there under its own name and as msyh.ttc.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXE=${1:-dist/windows/jiefang.exe}
WINDOW_NAME=${WINDOW_NAME:-接访台}
SCREENSHOT=${SCREENSHOT:-dist/wine-launch.png}
WINE_TIMEOUT=${WINE_TIMEOUT:-120}
SETTLE=${SETTLE:-3}
XVFB_SCREEN=${XVFB_SCREEN:-1366x768x24}
WINE_LOG=${WINE_LOG:-dist/wine-launch.log}
export WINEPREFIX=${WINEPREFIX:-$HOME/.cache/jiefang/wineprefix}
export WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEDEBUG=${WINEDEBUG:-fixme-all}
export LC_ALL=C.UTF-8   # UTF-8 window titles and xdotool regexes

log() { printf 'wine-launch: %s\n' "$*"; }
die() { printf 'wine-launch: FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
show_log() {   # tail of wine's output, for failures
  log "last lines of $WINE_LOG:"
  if [ -s "$WINE_LOG" ]; then tail -n 40 "$WINE_LOG" >&2; else echo "  (empty)" >&2; fi
}

[ -f "$EXE" ] || die "$EXE not found (build it with: make -f packaging/windows.mk windows)"

# --- apt needs, installed only when missing ----------------------------------
need=()
for p in wine wine64 xvfb xauth xdotool x11-utils imagemagick fonts-wqy-microhei gcc-mingw-w64-x86-64; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Debian keeps the 64-bit loader and wineserver out of PATH.
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)
IMPORT=/usr/bin/import   # /usr/local/bin may hold stand-ins; use ImageMagick's own
[ -x "$WINE" ] && [ -x "$WINESERVER" ] || die "wine64/wineserver not found"

# --- cleanup ------------------------------------------------------------------
tmp=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
  set +e
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  "$WINESERVER" -k 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Xvfb on a free display (-displayfd lets the server pick one) -------------
Xvfb -displayfd 3 -screen 0 "$XVFB_SCREEN" -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { cat "$tmp/xvfb.log" >&2; die "Xvfb did not start"; }
export DISPLAY=":$(tr -dc 0-9 <"$tmp/display")"
log "Xvfb on $DISPLAY ($XVFB_SCREEN)"

# --- prefix: create once (slow), then reuse ----------------------------------
mkdir -p "$(dirname "$WINEPREFIX")"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  log "creating wine prefix $WINEPREFIX (first run is slow)"
  t0=$(now)
  "$WINE" wineboot --init >"$tmp/wineboot.log" 2>&1 || { tail -n 30 "$tmp/wineboot.log" >&2; die "wineboot failed"; }
  "$WINESERVER" -w
  log "wineboot took $(since "$t0") s"
else
  log "reusing wine prefix $WINEPREFIX"
fi
win="$WINEPREFIX/drive_c/windows"
[ -d "$win/system32" ] || die "prefix has no drive_c/windows/system32"

# ProcessPrng stand-in, rebuilt only when its source changes.
dll="$win/system32/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ] || [ "$here/bcryptprimitives.def" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$dll" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -lbcrypt
fi

# CJK font, under its own name and as the msyh.ttc the app looks for first.
font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -f "$font" ] || die "$font missing (fonts-wqy-microhei)"
mkdir -p "$win/Fonts"
cp -f "$font" "$win/Fonts/wqy-microhei.ttc"
cp -f "$font" "$win/Fonts/msyh.ttc"

# Fresh per-run app data. Wine resets APPDATA/LOCALAPPDATA from the prefix's
# registry, so exported Unix variables do not reach the app: a small batch
# file sets them and then runs the exe (cmd waits for it inside a batch).
appdata=${APP_DATA:-$tmp/appdata}
mkdir -p "$appdata/Roaming" "$appdata/Local"
appdata=$(realpath "$appdata")
winpath() { "$WINE" winepath -w "$1" 2>/dev/null; }
printf '@echo off\r\nset "APPDATA=%s"\r\nset "LOCALAPPDATA=%s"\r\n"%s"\r\n' \
  "$(winpath "$appdata/Roaming")" "$(winpath "$appdata/Local")" \
  "$(winpath "$(realpath "$EXE")")" >"$tmp/run.cmd"
log "app data in $appdata (APPDATA=Roaming, LOCALAPPDATA=Local)"

# --- launch and wait for the window ------------------------------------------
mkdir -p "$(dirname "$WINE_LOG")" "$(dirname "$SCREENSHOT")"
log "launching $EXE (waiting up to ${WINE_TIMEOUT}s for a window named /$WINDOW_NAME/)"
t0=$(now)
"$WINE" cmd /d /c "$(winpath "$tmp/run.cmd")" >"$WINE_LOG" 2>&1 &
app_pid=$!

wid=""
deadline=$(( $(date +%s) + WINE_TIMEOUT ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  wid=$(xdotool search --onlyvisible --name "$WINDOW_NAME" 2>/dev/null | head -n 1 || true)
  [ -n "$wid" ] && break
  if ! kill -0 "$app_pid" 2>/dev/null; then
    wait "$app_pid" && rc=0 || rc=$?
    show_log
    die "the app exited (status $rc) before a window named /$WINDOW_NAME/ appeared"
  fi
  sleep 0.2
done
if [ -z "$wid" ]; then
  show_log
  die "no window named /$WINDOW_NAME/ within ${WINE_TIMEOUT}s"
fi
log "window $wid \"$(xdotool getwindowname "$wid")\" appeared after $(since "$t0") s"

# Let Fyne draw its first frames, then shoot the whole screen (no WM here).
sleep "$SETTLE"
kill -0 "$app_pid" 2>/dev/null || { show_log; die "the app died after its window appeared"; }
"$IMPORT" -window root "$SCREENSHOT"
log "screenshot: $SCREENSHOT"
log "OK"
