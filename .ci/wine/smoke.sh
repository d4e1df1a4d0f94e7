#!/usr/bin/env bash
# .ci/wine/smoke.sh — the Windows build installed and used as a clerk would,
# under wine + Xvfb, on a Chinese Windows (code page 936) whose user folder
# has Chinese characters and a space in it.
#
# Usage (from the repository root, after make windows installer):
#   bash .ci/wine/smoke.sh dist/jiefang-setup-<version>.exe
#
# 1. A hub (jiefang-hub, Linux, on loopback) makes an enrollment code, and an
#    older version (0.0.1, packed here from the same exes) is installed
#    silently with /S /ENROLL=code.
# 2. The desk is launched through the desktop shortcut's target; a second
#    launch must exit 0, leave one window and bring it back from minimised. The desk must enroll with the
#    code the installer left. Through its window (xdotool; Chinese typed
#    through the clipboard with xclip and Ctrl+V) the clerk gives a name,
#    opens 新接待, enters a category and a summary, registers the case, adds
#    two fact cards and marks one 已证实. The case must reach the hub. A
#    screenshot is taken; Alt+F4 must close the desk with exit status 0, and
#    the installed jiefangctl.exe must find the case and its cards and
#    verify the database.
# 3. The installer under test upgrades it silently: program files, registry
#    and shortcuts are checked, the data folder must be untouched byte for
#    byte, and jiefangctl.exe must still find the case.
# 4. The uninstaller runs silently: program files, shortcuts and registry
#    entry go, the data folder stays.
# 5. /S /ALLUSERS installs under Program Files with shared shortcuts and an
#    HKLM entry; a per-user install over it must stop with exit code 2; its
#    uninstaller removes it.
# Exit codes under wine are not trusted: every step is checked by the files,
# the registry and the database it leaves.
#
# Environment knobs:
#   WINEPREFIX    the prefix (default $HOME/.cache/jiefang/wineprefix; ~700 MB,
#                 worth caching between runs)
#   SCREENSHOT    the desk's window with the new case (default dist/wine-smoke.png)
#   SIGN_CA       a PEM CA file: also check that the installed uninstall.exe
#                 verifies against it (the installer was made with make sign)
#   WINE_TIMEOUT  seconds to wait for the desk's window (default 120)
#   XVFB_SCREEN   Xvfb screen geometry (default 1366x768x24)
# Steps' screenshots and logs go to dist/wine-smoke/.
#
# Facts about wine 8.0 (Debian 12) this relies on:
#   - Go >= 1.22 needs bcryptprimitives.dll!ProcessPrng, which wine 8.0 lacks:
#     a test-only stand-in (bcryptprimitives.c) goes into system32.
#   - WINEDLLOVERRIDES="mscoree,mshtml=" keeps wineboot from waiting on
#     Mono/Gecko; winemenubuilder is off (it writes menus into $HOME).
#   - The prefix's only Chinese font is WenQuanYi Micro Hei, under its own
#     name: the desk finds it by scanning the Fonts folder.
#   - Under a UTF-8 Unix locale without Chinese, wine's ANSI code page is
#     1252 and a shortcut to a Chinese path is written with "??" in it;
#     zh_CN.UTF-8 makes it code page 936, as on a Chinese Windows.
#   - Wine's cmd.exe mishandles quoted Chinese paths and WScript's
#     TargetPath is a stub: lnkinfo (liblnk-utils) reads the shortcut.
#   - There is no window manager: the window is focused with xdotool
#     windowfocus before keys are sent, and Alt+F4 is handled by wine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INSTALLER=${1:?usage: smoke.sh dist/jiefang-setup-VERSION.exe}
SCREENSHOT=${SCREENSHOT:-dist/wine-smoke.png}
WINE_TIMEOUT=${WINE_TIMEOUT:-120}
XVFB_SCREEN=${XVFB_SCREEN:-1366x768x24}
SIGN_CA=${SIGN_CA:-}
out=$PWD/dist/wine-smoke
export WINEPREFIX=${WINEPREFIX:-$HOME/.cache/jiefang/wineprefix}
export WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export WINEDEBUG=${WINEDEBUG:-fixme-all}

t_start=$(date +%s.%N)
log() { printf 'wine-smoke: [%5.1f s] %s\n' "$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$*"; }
fail() {
  printf 'wine-smoke: FAIL: %s\n' "$*" >&2
  for f in "$out"/*.log; do [ -s "$f" ] && { echo "--- last lines of $f:" >&2; tail -n 25 "$f" >&2; }; done
  [ -n "${DISPLAY:-}" ] && /usr/bin/import -window root "$out/failure.png" 2>/dev/null && echo "screen: $out/failure.png" >&2
  exit 1
}

[ -f "$INSTALLER" ] || fail "$INSTALLER not found (make installer)"
for f in dist/windows/jiefang.exe dist/windows/jiefangctl.exe; do
  [ -f "$f" ] || fail "$f not found (make windows)"
done
version=${INSTALLER##*jiefang-setup-}; version=${version%.exe}

# --- what it needs, installed only when missing --------------------------------
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
need=()
for p in wine wine64 xvfb xauth xdotool xclip x11-utils imagemagick fonts-wqy-microhei \
  gcc-mingw-w64-x86-64 nsis liblnk-utils locales; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf8'; then
  log "generating the zh_CN.UTF-8 locale"
  $sudo localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
fi
export LC_ALL=zh_CN.UTF-8

WINE=$(command -v wine64 || echo /usr/lib/wine/wine64) # Debian keeps it out of PATH
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)
IMPORT=/usr/bin/import # ImageMagick's own, whatever /usr/local/bin holds
[ -x "$WINE" ] && [ -x "$WINESERVER" ] || fail "wine64/wineserver not found"

rm -rf "$out"; mkdir -p "$out" "$(dirname "$SCREENSHOT")"
tmp=$(mktemp -d)
xvfb_pid="" desk_pid="" hub_pid=""
cleanup() {
  set +e
  [ -n "$desk_pid" ] && kill "$desk_pid" 2>/dev/null
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null
  "$WINESERVER" -k 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

runw() { "$WINE" "$@" >>"$out/wine.log" 2>&1 || true; "$WINESERVER" -w; }

# --- Xvfb on a free display ------------------------------------------------------
Xvfb -displayfd 3 -screen 0 "$XVFB_SCREEN" -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { cat "$tmp/xvfb.log" >&2; fail "Xvfb did not start"; }
export DISPLAY=":$(tr -dc 0-9 <"$tmp/display")"

# --- the prefix: made once (slow), then reused -------------------------------------
mkdir -p "$(dirname "$WINEPREFIX")"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  log "creating the wine prefix $WINEPREFIX (slow the first time)"
  "$WINE" wineboot --init >"$out/wineboot.log" 2>&1 || fail "wineboot failed"
  "$WINESERVER" -w
fi
win="$WINEPREFIX/drive_c/windows"
[ -d "$win/system32" ] || fail "the prefix has no drive_c/windows/system32"
dll="$win/system32/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ] || [ "$here/bcryptprimitives.def" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$dll" "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -lbcrypt
fi
font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
mkdir -p "$win/Fonts"
cp -f "$font" "$win/Fonts/wqy-microhei.ttc"
rm -f "$win/Fonts/msyh.ttc" # older runs left a copy under the name the desk looks for first

# The user's local application data folder, with Chinese and a space in it:
# the program (per-user install) and the desk's data both go there.
user=$(id -un)
local_win="C:\\users\\$user\\本地 数据"
for key in 'HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders' \
  'HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\Shell Folders' 'HKCU\Volatile Environment'; do
  name='Local AppData'; [ "$key" = 'HKCU\Volatile Environment' ] && name=LOCALAPPDATA
  runw reg add "$key" /v "$name" /d "$local_win" /f
done
u="$WINEPREFIX/drive_c/users/$user"
local="$u/本地 数据"
prog="$local/Programs/Jiefang"
data="$local/Jiefang"
menu="$u/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/接访台.lnk"
desk="$u/Desktop/接访台.lnk"
windb="$local_win\\Jiefang\\jiefang.db"
summary='村里征地补偿款至今没有发到我手上，要求说明补偿标准和发放时间。'
log "prefix $WINEPREFIX, display $DISPLAY, LOCALAPPDATA=$local_win"

# A value of HKCU\...\Uninstall\Jiefang as wine saved it (HKLM: REG=system.reg).
regval() {
  awk -v want="\"$1\"=" 'index($0, "[Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Uninstall\\\\Jiefang]") == 1 { k = 1; next }
    /^\[/ { k = 0 } k && index($0, want) == 1 { print substr($0, length(want) + 1) }' "$WINEPREFIX/${REG:-user.reg}"
}
ctl() { # the installed jiefangctl.exe, under wine, on the desk's database (no wineserver -w: the desk may be running)
  "$WINE" "$prog/jiefangctl.exe" "$@" --db "$windb" 2>>"$out/jiefangctl.log" | tr -d '\r'
}
cases_in() { ctl stats --json | sed -n 's/.*"cases": *\([0-9]*\).*/\1/p'; }
data_sums() { (cd "$data" && find . -type f ! -name 'enrollment-code*' -print0 | sort -z | xargs -0 sha256sum); }

if [ -e "$prog" ]; then # left by a run that failed
  [ -f "$prog/uninstall.exe" ] && runw "$prog/uninstall.exe" /S
  rm -rf "$prog"
fi
rm -rf "$data"

# --- 1. a hub's enrollment code, and an older version installed with it ------------------
go build -o "$tmp/jiefang-hub" ./cmd/jiefang-hub
hub() { "$tmp/jiefang-hub" "$@" --db "$tmp/hub.db"; }
hub units add --name 青山县 >/dev/null
hub units add --name 东镇 --parent 青山县 >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$tmp/jiefang-hub" serve --db "$tmp/hub.db" --addr "127.0.0.1:$port" >"$out/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 100); do grep -q serving "$out/hub.log" 2>/dev/null && break; sleep 0.1; done
grep -q serving "$out/hub.log" || fail "the hub did not start"
code=$(hub enroll --unit 东镇 --url "https://127.0.0.1:$port" 2>>"$out/hub.log")
hubstat() { hub stats --json | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"; }

mkdir -p "$data"
echo "kept by the desk, the upgrade and the uninstall" >"$data/ci-keep.txt"
makensis -V2 -INPUTCHARSET UTF8 -DCOMPRESSOR=zlib -DVERSION=0.0.1 -DVERSION4=0.0.1.0 \
  "-DDIST=$PWD/dist/windows" "-DOUTFILE=$tmp/jiefang-setup-0.0.1.exe" packaging/windows/installer.nsi
runw "$tmp/jiefang-setup-0.0.1.exe" /S "/ENROLL=$code"
for f in jiefang.exe jiefangctl.exe uninstall.exe; do [ -s "$prog/$f" ] || fail "0.0.1: no $prog/$f"; done
[ -f "$menu" ] && [ -f "$desk" ] || fail "0.0.1: no Start-menu or desktop shortcut 接访台.lnk"
[ "$(regval DisplayVersion)" = '"0.0.1"' ] || fail "0.0.1: DisplayVersion $(regval DisplayVersion)"
[ "$(tr -d '\r\n' <"$data/enrollment-code.txt")" = "$code" ] || fail "no enrollment-code.txt with the hub's code"
log "0.0.1 installed in $prog: $(ls "$prog" | tr '\n' ' '); enrollment-code.txt left for the desk"

# --- 2. the desk, through its shortcut ---------------------------------------------------
lnk=$(lnkinfo -c windows-936 "$desk") || fail "lnkinfo cannot read $desk"
target=$(printf '%s\n' "$lnk" | sed -n 's/^[[:space:]]*Local path[[:space:]]*: //p')
workdir=$(printf '%s\n' "$lnk" | sed -n 's/^[[:space:]]*Working directory[[:space:]]*: //p')
[ "$target" = "$local_win\\Programs\\Jiefang\\jiefang.exe" ] || fail "the desktop shortcut points to '$target'"
log "desktop shortcut: $target (in $workdir)"

(
  cd "$prog" # the shortcut's working directory
  rc=0; "$WINE" "$target" >"$out/desk.log" 2>&1 || rc=$?
  echo "$rc" >"$tmp/desk.rc"
) &
desk_pid=$!
t0=$(date +%s)
wid=""
while [ $(( $(date +%s) - t0 )) -lt "$WINE_TIMEOUT" ]; do
  wid=$(xdotool search --onlyvisible --name '^接访台' 2>/dev/null | head -n 1 || true)
  [ -n "$wid" ] && break
  [ -f "$tmp/desk.rc" ] && fail "the desk exited (status $(cat "$tmp/desk.rc")) before its window appeared"
  sleep 0.5
done
[ -n "$wid" ] || fail "no window named 接访台… within ${WINE_TIMEOUT}s"
log "window $wid after $(( $(date +%s) - t0 )) s: $(xdotool getwindowgeometry "$wid" | tr -s ' \n' ' ')"
sleep 3 # the first frames

# A second launch must hand over to the first and exit 0, not open the
# database again, and bring the first window back from minimised: still one
# window, no longer iconic. winstate.exe minimises it (nothing else can
# without a window manager); it must stay so until the second launch.
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$tmp/winstate.exe" "$here/winstate.c"
winstate() { "$WINE" "$tmp/winstate.exe" "$1" 接访台 >>"$out/wine.log" 2>&1; }
rc=0; winstate minimize || rc=$?
[ "$rc" = 0 ] || fail "winstate.exe could not minimise the desk's window (status $rc)"
sleep 1
winstate iconic || fail "the desk's window did not stay minimised"
t1=$(date +%s.%N)
rc=0; (cd "$prog" && timeout 60 "$WINE" "$target" >"$out/second.log" 2>&1) || rc=$?
[ "$rc" = 0 ] || fail "a second launch exited with status $rc, want 0"
t2=$(date +%s.%N)
for _ in $(seq 20); do rc=0; winstate iconic || rc=$?; [ "$rc" = 3 ] && break; sleep 0.25; done
[ "$rc" = 3 ] || fail "after a second launch the first window is still minimised (winstate.exe iconic: $rc)"
n=$(xdotool search --onlyvisible --name '^接访台' 2>/dev/null | wc -l)
[ "$n" = 1 ] || fail "after a second launch there are $n windows named 接访台…, want 1"
log "a second launch exited 0 after $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s; the first window is back from minimised; one window"
xdotool windowfocus --sync "$wid"

shot() { "$IMPORT" -window root "$out/$1.png"; }
click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.6}"; }
paste() { # Chinese through the clipboard: xdotool type is unreliable for it
  printf '%s' "$1" | xclip -selection clipboard
  sleep 0.3
  xdotool key ctrl+v
  sleep 0.5
}
until_true() { # until_true WHAT COMMAND...: runs COMMAND every second for up to 60 s until it succeeds
  local what=$1 deadline=$(( $(date +%s) + 60 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { shot timeout; fail "$what: still not so after 60 s"; }
    sleep 1
  done
}
has_case() { ctl cases "$@" | grep -qF "$summary"; }
colour_is() { # colour_is blue|green X Y: the window's pixel at X,Y is Fyne's primary blue, or 已证实 green
  local c r g b
  c=$("$IMPORT" -window "$wid" -crop "1x1+$2+$3" -depth 8 txt:- 2>/dev/null | grep -o '#[0-9A-Fa-f]\{6\}' | tail -n 1)
  [ -n "$c" ] || return 1
  r=$((16#${c:1:2})) g=$((16#${c:3:2})) b=$((16#${c:5:2}))
  case $1 in
    blue) [ "$b" -gt 200 ] && [ "$r" -lt 100 ] ;;
    green) [ "$g" -gt $((r + 40)) ] && [ "$g" -gt $((b + 40)) ] ;;
  esac
}
not() { ! "$@"; }
hub_has() { [ "$(hubstat "$1")" = "$2" ]; }

# Coordinates are the window's own (1100 x 720, Fyne at scale 1). Each step
# waits for what the window shows (a button's colour) or for the database.
until_true "the name dialog (its blue 确定)" colour_is blue 560 410
click 588 328 0.4                   # 欢迎使用接访台: 您的姓名
paste '王芳'
xdotool key Return
until_true "the name dialog to close" not colour_is blue 560 410
shot 01-named
click 1050 26                       # + 新接待
until_true "the 新接待 dialog (its blue 登记)" colour_is blue 560 520
click 570 255 0.4                   # 类别
paste '征地补偿'
click 588 320 0.4                   # 诉求摘要
paste "$summary"
shot 02-intake
click 586 532                       # 登记
until_true "the case registered through the window is in the database" has_case
click 90 188                        # 2 时间切片: the fact cards
until_true "step 2 selected (blue)" colour_is blue 20 180
click 600 574 0.4                   # 输入一条事实
paste '2025年3月村委会通知征收我家承包地1.2亩'
xdotool key Return; sleep 0.8
paste '补偿款至今未到账'
xdotool key Return; sleep 0.8
click 238 271                       # card 1: 已证实
until_true "card 1 marked 已证实 (green)" colour_is green 222 264
until_true "a pending fact card" has_case --facts pending
until_true "the enrollment (enrollment-code.txt is removed once enrolled)" test ! -e "$data/enrollment-code.txt"
until_true "the hub has the case" hub_has cases 1
sleep 1
"$IMPORT" -window "$wid" "$SCREENSHOT" # the window alone
log "screenshot: $SCREENSHOT"
[ ! -e "$data/enrollment-code.refused.txt" ] || fail "the desk refused the code: $(cat "$data/enrollment-code.refused.txt")"
log "the desk enrolled with the installer's code; the hub has $(hubstat cases) case(s), $(hubstat events) event(s): $(hub devices | tail -n +2 | tr -s ' ' | head -n 1)"

xdotool windowfocus --sync "$wid"
xdotool key alt+F4
for _ in $(seq 60); do [ -f "$tmp/desk.rc" ] && break; sleep 0.5; done
[ -f "$tmp/desk.rc" ] || fail "Alt+F4: the desk is still running after 30 s"
[ "$(cat "$tmp/desk.rc")" = 0 ] || fail "Alt+F4: the desk exited with status $(cat "$tmp/desk.rc"), want 0"
wait "$desk_pid" 2>/dev/null || true
desk_pid=""
"$WINESERVER" -w
log "Alt+F4: the desk exited with status 0"

n=$(cases_in)
[ "$n" = 1 ] || fail "after the desk closed, jiefangctl.exe counts '$n' cases, want 1"
has_case --facts pending || fail "jiefangctl.exe does not find the case with a pending fact card"
has_case --facts disputed && fail "jiefangctl.exe finds a disputed card that was never made"
ctl verify >"$tmp/verify.txt" || fail "jiefangctl.exe verify: $(cat "$tmp/verify.txt")"
log "jiefangctl.exe: $(cat "$tmp/verify.txt")"

# --- 3. the upgrade ---------------------------------------------------------------------
data_sums >"$tmp/data.sum"
printf 'old' >>"$prog/jiefangctl.exe" # so that the upgrade must replace it
runw "$INSTALLER" /S
cmp -s "$prog/jiefang.exe" dist/windows/jiefang.exe && cmp -s "$prog/jiefangctl.exe" dist/windows/jiefangctl.exe \
  || fail "the upgrade did not replace the program files"
[ "$(regval DisplayVersion)" = "\"$version\"" ] || fail "upgrade: DisplayVersion $(regval DisplayVersion), want $version"
for v in DisplayName Publisher DisplayIcon UninstallString QuietUninstallString InstallLocation NoModify NoRepair EstimatedSize; do
  [ -n "$(regval $v)" ] || fail "upgrade: no $v in the Uninstall key"
done
if [ -n "$SIGN_CA" ]; then
  osslsigncode verify -CAfile "$SIGN_CA" -in "$prog/uninstall.exe" >/dev/null || fail "uninstall.exe is not signed"
fi
(cd "$data" && sha256sum --quiet -c "$tmp/data.sum") || fail "the upgrade changed the data folder"
n=$(cases_in)
[ "$n" = 1 ] && has_case --facts pending || fail "after the upgrade jiefangctl.exe counts '$n' cases, or not the one with its cards"
"$WINESERVER" -w
log "upgraded to $version ($(regval QuietUninstallString)); the data folder is unchanged; jiefangctl.exe finds the case"

# --- 4. uninstall -----------------------------------------------------------------------
data_sums >"$tmp/data.sum"
runw "$prog/uninstall.exe" /S
[ ! -e "$prog" ] || fail "after uninstall $prog is still there: $(ls "$prog")"
[ ! -e "$menu" ] && [ ! -e "$desk" ] || fail "after uninstall a shortcut is still there"
[ -z "$(regval DisplayName)" ] || fail "after uninstall the Uninstall key is still there"
(cd "$data" && sha256sum --quiet -c "$tmp/data.sum") || fail "the uninstall changed the data folder"
log "uninstalled; the data folder is kept: $(ls "$data" | tr '\n' ' ')"

# --- 5. for all users, as IT staff install it ----------------------------------------------
# Wine runs everything with administrator rights, so /ALLUSERS goes ahead.
all="$WINEPREFIX/drive_c/Program Files/Jiefang"
all_menu="$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/接访台.lnk"
all_desk="$WINEPREFIX/drive_c/users/Public/Desktop/接访台.lnk"
[ -f "$all/uninstall.exe" ] && runw "$all/uninstall.exe" /S # left by a run that failed
runw "$INSTALLER" /S /ALLUSERS
for f in jiefang.exe jiefangctl.exe uninstall.exe; do [ -s "$all/$f" ] || fail "/ALLUSERS: no $all/$f"; done
[ -f "$all_menu" ] && [ -f "$all_desk" ] || fail "/ALLUSERS: no shared Start-menu or desktop shortcut"
[ "$(REG=system.reg regval DisplayVersion)" = "\"$version\"" ] || fail "/ALLUSERS: no HKLM Uninstall key with DisplayVersion $version"
rc=0; "$WINE" "$INSTALLER" /S >>"$out/wine.log" 2>&1 || rc=$?
"$WINESERVER" -w
[ "$rc" = 2 ] && [ ! -e "$prog" ] || fail "a per-user install over an all-users copy: status $rc, want 2 and no files in $prog"
runw "$all/uninstall.exe" /S
[ ! -e "$all" ] && [ ! -e "$all_menu" ] && [ ! -e "$all_desk" ] || fail "/ALLUSERS uninstall left files or shortcuts"
[ -z "$(REG=system.reg regval DisplayName)" ] || fail "/ALLUSERS uninstall left the HKLM Uninstall key"
log "/ALLUSERS: installed under Program Files with shared shortcuts and an HKLM key; a per-user install then stopped with status 2; uninstalled"
log "OK"
