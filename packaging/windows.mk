# packaging/windows.mk — cross-build the Windows executables from Linux.
#
# Included by the root Makefile (`include packaging/windows.mk`), or run alone:
#   make -f packaging/windows.mk windows       # dist/windows/jiefang.exe (+ jiefangctl.exe)
#   make -f packaging/windows.mk wine-launch   # build, then launch under wine + Xvfb
#   make -f packaging/windows.mk windows-clean
# All paths are relative to the repository root (run make from there).
#
# Plain `go build`, not `fyne package`: fyne package sets its own CGO_CFLAGS,
# which defeats the Go build cache and rebuilds all of Fyne's cgo every time.
# The icon, manifest and version info come from the .syso files below, which
# `go build` links automatically for GOOS=windows GOARCH=amd64.

# Keep the includer's default goal; default to `windows` only when run alone.
_WIN_PREV_GOAL := $(.DEFAULT_GOAL)

GO          ?= go
WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_WINDRES ?= x86_64-w64-mingw32-windres
WIN_OBJDUMP ?= x86_64-w64-mingw32-objdump
WIN_DIST    ?= dist/windows
WIN_RES     := packaging/windows

# Resource inputs shared by both executables.
WIN_RES_COMMON := $(WIN_RES)/version.h $(WIN_RES)/jiefang.ico

# The GUI app is the root package.
WIN_APP_SYSO := rsrc_windows_amd64.syso
WIN_APP_EXE  := $(WIN_DIST)/jiefang.exe

WIN_CTL_DIR  := cmd/jiefangctl
WIN_CTL_SYSO := $(WIN_CTL_DIR)/rsrc_windows_amd64.syso
WIN_CTL_EXE  := $(WIN_DIST)/jiefangctl.exe

# Run apt-get as root directly, otherwise through sudo.
WIN_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: windows windows-deps windows-app windows-ctl windows-syso windows-clean wine-launch

windows: windows-app windows-ctl

# Install the cross toolchain (and `file`, used for the checks) only if missing.
windows-deps:
	@missing=""; \
	command -v $(WIN_CC) >/dev/null 2>&1      || missing="$$missing gcc-mingw-w64-x86-64"; \
	command -v $(WIN_WINDRES) >/dev/null 2>&1 || missing="$$missing binutils-mingw-w64-x86-64"; \
	command -v file >/dev/null 2>&1           || missing="$$missing file"; \
	if [ -n "$$missing" ]; then \
	  echo "windows.mk: installing$$missing"; \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# --- resources ---------------------------------------------------------------
# -I lets the .rc find version.h, the .ico and the .manifest by bare name.
$(WIN_APP_SYSO): $(WIN_RES)/jiefang.rc $(WIN_RES)/jiefang.manifest $(WIN_RES_COMMON) | windows-deps
	$(WIN_WINDRES) -O coff -I $(WIN_RES) $(WIN_RES)/jiefang.rc $@

$(WIN_CTL_SYSO): $(WIN_RES)/jiefangctl.rc $(WIN_RES)/jiefangctl.manifest $(WIN_RES_COMMON) | windows-deps
	$(WIN_WINDRES) -O coff -I $(WIN_RES) $(WIN_RES)/jiefangctl.rc $@

windows-syso: $(WIN_APP_SYSO) $(WIN_CTL_SYSO)

# --- executables -------------------------------------------------------------
# Always handed to `go build`: its cache decides what is stale.
windows-app: $(WIN_APP_SYSO) | windows-deps
	@mkdir -p $(WIN_DIST)
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WIN_CC) \
	  $(GO) build -trimpath -ldflags "-H=windowsgui -s -w" -o $(WIN_APP_EXE) .
	@file -b $(WIN_APP_EXE) | grep -q '^PE32+ executable (GUI) x86-64' \
	  || { echo "windows.mk: $(WIN_APP_EXE) is not a PE32+ GUI x86-64 executable:"; file $(WIN_APP_EXE); exit 1; }
	@$(WIN_OBJDUMP) -h $(WIN_APP_EXE) | grep -q '\.rsrc' \
	  || { echo "windows.mk: $(WIN_APP_EXE) has no .rsrc section (icon/manifest missing)"; exit 1; }
	@echo "windows.mk: $$(file -b $(WIN_APP_EXE) | cut -d, -f1) -> $(WIN_APP_EXE) ($$(du -h $(WIN_APP_EXE) | cut -f1))"

windows-ctl: $(WIN_CTL_SYSO) | windows-deps
	@mkdir -p $(WIN_DIST)
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
	  $(GO) build -trimpath -ldflags "-s -w" -o $(WIN_CTL_EXE) ./$(WIN_CTL_DIR)
	@file -b $(WIN_CTL_EXE) | grep -q '^PE32+ executable (console) x86-64' \
	  || { echo "windows.mk: $(WIN_CTL_EXE) is not a PE32+ console x86-64 executable:"; file $(WIN_CTL_EXE); exit 1; }
	@$(WIN_OBJDUMP) -h $(WIN_CTL_EXE) | grep -q '\.rsrc' \
	  || { echo "windows.mk: $(WIN_CTL_EXE) has no .rsrc section (icon/manifest missing)"; exit 1; }
	@echo "windows.mk: $$(file -b $(WIN_CTL_EXE) | cut -d, -f1) -> $(WIN_CTL_EXE) ($$(du -h $(WIN_CTL_EXE) | cut -f1))"

# --- wine smoke test ---------------------------------------------------------
# Bare launch under wine + Xvfb; see .ci/wine/launch.sh for its env knobs
# (WINEPREFIX, WINDOW_NAME, SCREENSHOT, WINE_TIMEOUT).
wine-launch: windows-app
	bash .ci/wine/launch.sh $(WIN_APP_EXE)

windows-clean:
	rm -f $(WIN_APP_SYSO) $(WIN_CTL_SYSO) $(WIN_APP_EXE) $(WIN_CTL_EXE)

ifeq ($(_WIN_PREV_GOAL),)
  ifeq ($(words $(MAKEFILE_LIST)),1)
    .DEFAULT_GOAL := windows
  else
    .DEFAULT_GOAL :=
  endif
else
  .DEFAULT_GOAL := $(_WIN_PREV_GOAL)
endif
