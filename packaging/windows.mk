# packaging/windows.mk — cross-build the Windows executables from Linux.
#
# Included by the root Makefile (`include packaging/windows.mk`), or run alone:
#   make -f packaging/windows.mk windows       # dist/windows/jiefang.exe (+ jiefangctl.exe)
#   make -f packaging/windows.mk installer     # dist/jiefang-setup-<version>.exe (NSIS)
#   make -f packaging/windows.mk sign          # sign the exes and the installer (JIEFANG_SIGN_*)
#   make -f packaging/windows.mk wine-smoke    # install and use it under wine + Xvfb
#   make -f packaging/windows.mk windows-clean
# All paths are relative to the repository root (run make from there).
#
# One version source: FyneApp.toml's Version ("X.Y.Z") and Build (N). The
# desk reads it embedded (version.go); this file reads it into VERSION and
# BUILD and writes the resources' version numbers, the manifests'
# assemblyIdentity and the installer's version from it. Nothing else in the
# repository holds a version number.
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
WIN_OBJ     ?= dist/obj/windows

# --- version -------------------------------------------------------------------
APP_TOML := FyneApp.toml
VERSION  := $(shell sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)"[[:space:]]*$$/\1/p' $(APP_TOML) | head -n 1)
BUILD    := $(shell sed -n 's/^[[:space:]]*Build[[:space:]]*=[[:space:]]*\([0-9][0-9]*\)[[:space:]]*$$/\1/p' $(APP_TOML) | head -n 1)
WIN_VER4 := $(VERSION).$(BUILD)
_WIN_VER := $(subst ., ,$(VERSION))

# Resource inputs shared by both executables. The rc files find version.h,
# the icon and the manifests by bare name through -I: $(WIN_OBJ) first, so
# that the generated manifests win over the committed templates.
WIN_RES_COMMON := $(WIN_RES)/version.h $(WIN_OBJ)/version-number.h $(WIN_RES)/jiefang.ico
WIN_RC_INC     := -I $(WIN_OBJ) -I $(WIN_RES)

# The GUI app is the root package.
WIN_APP_SYSO := rsrc_windows_amd64.syso
WIN_APP_EXE  := $(WIN_DIST)/jiefang.exe

WIN_CTL_DIR  := cmd/jiefangctl
WIN_CTL_SYSO := $(WIN_CTL_DIR)/rsrc_windows_amd64.syso
WIN_CTL_EXE  := $(WIN_DIST)/jiefangctl.exe

# Run apt-get as root directly, otherwise through sudo.
WIN_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: windows windows-deps windows-app windows-ctl windows-syso windows-clean wine-smoke \
        version-check installer installer-deps installer-path sign sign-exes sign-check

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

# --- version files -------------------------------------------------------------
# Windows keeps four 16-bit numbers: X.Y.Z.Build, each at most 65535.
version-check:
	@ok=1; \
	echo "$(VERSION)" | grep -Eq '^[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}$$' || ok=0; \
	echo "$(BUILD)" | grep -Eq '^[0-9]{1,5}$$' || ok=0; \
	if [ $$ok = 1 ]; then for n in $(_WIN_VER) $(BUILD); do [ "$$n" -le 65535 ] || ok=0; done; fi; \
	[ $$ok = 1 ] || { echo "windows.mk: $(APP_TOML) must say Version = \"X.Y.Z\" and Build = N (numbers up to 65535);" \
	       "found Version '$(VERSION)', Build '$(BUILD)'" >&2; exit 1; }

$(WIN_OBJ)/version-number.h: $(APP_TOML) packaging/windows.mk | version-check
	@mkdir -p $(@D)
	@{ echo '/* Written by packaging/windows.mk from $(APP_TOML): do not edit. */'; \
	   echo '#define JF_VER_MAJOR $(word 1,$(_WIN_VER))'; \
	   echo '#define JF_VER_MINOR $(word 2,$(_WIN_VER))'; \
	   echo '#define JF_VER_PATCH $(word 3,$(_WIN_VER))'; \
	   echo '#define JF_VER_BUILD $(BUILD)'; \
	   echo '#define JF_VER_STR   "$(WIN_VER4)"'; } >$@.tmp && mv $@.tmp $@
	@echo "windows.mk: version $(WIN_VER4) -> $@"

# The committed manifests with the version written into assemblyIdentity.
$(WIN_OBJ)/%.manifest: $(WIN_RES)/%.manifest $(APP_TOML) | version-check
	@mkdir -p $(@D)
	sed '/<assemblyIdentity type="win32" name="cn\.jiefang\./s/ version="[^"]*"/ version="$(WIN_VER4)"/' $< >$@.tmp
	@grep -q 'name="cn\.jiefang\.[a-z]*" version="$(WIN_VER4)"' $@.tmp \
	  || { echo "windows.mk: no assemblyIdentity name=\"cn.jiefang.…\" version=… in $< to write the version into" >&2; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

# --- resources ---------------------------------------------------------------
$(WIN_APP_SYSO): $(WIN_RES)/jiefang.rc $(WIN_OBJ)/jiefang.manifest $(WIN_RES_COMMON) | windows-deps
	$(WIN_WINDRES) -O coff $(WIN_RC_INC) $(WIN_RES)/jiefang.rc $@

$(WIN_CTL_SYSO): $(WIN_RES)/jiefangctl.rc $(WIN_OBJ)/jiefangctl.manifest $(WIN_RES_COMMON) | windows-deps
	$(WIN_WINDRES) -O coff $(WIN_RC_INC) $(WIN_RES)/jiefangctl.rc $@

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
# The installer and the desk under wine + Xvfb, used as a clerk would (see
# .ci/wine/smoke.sh for the steps and its knobs: WINEPREFIX, SCREENSHOT,
# SIGN_CA, WINE_TIMEOUT). Run by hand it writes docs/wine-smoke.png, the
# README's screenshot of the real Windows build: commit it when the UI changes.
wine-smoke: installer
	SCREENSHOT=$${SCREENSHOT:-docs/wine-smoke.png} bash .ci/wine/smoke.sh $(WIN_INSTALLER)

# --- installer -------------------------------------------------------------------
# dist/jiefang-setup-<version>.exe: NSIS, 64-bit Unicode stub, per-user by
# default (switches in packaging/windows/installer.nsi). makensis runs in the
# script's folder, so every path handed to it is absolute.
MAKENSIS      ?= makensis
WIN_NSI       := $(WIN_RES)/installer.nsi
WIN_INSTALLER := $(or $(DIST),dist)/jiefang-setup-$(VERSION).exe
WIN_SIGN      := bash $(abspath $(WIN_RES))/sign.sh

# Signing is asked for when JIEFANG_SIGN_CERT is set: then the exes are
# signed before they are packed, and uninstall.exe as it is packed.
ifneq ($(strip $(JIEFANG_SIGN_CERT)),)
  _WIN_SIGNED_EXES := sign-exes
  _WIN_NSIS_SIGN   := '-DSIGN_SCRIPT=$(abspath $(WIN_RES))/sign.sh'
endif

installer-deps:
	@command -v $(MAKENSIS) >/dev/null 2>&1 || { \
	  echo "windows.mk: installing nsis"; \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nsis; }

installer: windows $(_WIN_SIGNED_EXES) | installer-deps version-check
	$(MAKENSIS) -V2 -INPUTCHARSET UTF8 -DVERSION=$(VERSION) -DVERSION4=$(WIN_VER4) \
	  '-DDIST=$(abspath $(WIN_DIST))' '-DOUTFILE=$(abspath $(WIN_INSTALLER))' $(_WIN_NSIS_SIGN) $(WIN_NSI)
	@echo "windows.mk: installer -> $(WIN_INSTALLER) ($$(du -h $(WIN_INSTALLER) | cut -f1))"

# The installer's path, for scripts: installer=$$(make -s installer-path)
installer-path:
	@echo $(WIN_INSTALLER)

# --- signing --------------------------------------------------------------------
# Authenticode with osslsigncode; the certificate from the environment
# (packaging/windows/sign.sh says which variables):
#   JIEFANG_SIGN_CERT, JIEFANG_SIGN_KEY, JIEFANG_SIGN_PASS, JIEFANG_SIGN_TIMESTAMP
sign-check:
	@$(WIN_SIGN) --check
	@command -v osslsigncode >/dev/null 2>&1 || { \
	  echo "windows.mk: installing osslsigncode"; \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(WIN_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends osslsigncode; }

sign-exes: windows | sign-check
	$(WIN_SIGN) $(WIN_APP_EXE) $(WIN_CTL_EXE)

sign: sign-check installer
	$(WIN_SIGN) $(WIN_INSTALLER)

windows-clean:
	rm -f $(WIN_APP_SYSO) $(WIN_CTL_SYSO) $(WIN_APP_EXE) $(WIN_CTL_EXE) $(WIN_INSTALLER)
	rm -rf $(WIN_OBJ)

ifeq ($(_WIN_PREV_GOAL),)
  ifeq ($(words $(MAKEFILE_LIST)),1)
    .DEFAULT_GOAL := windows
  else
    .DEFAULT_GOAL :=
  endif
else
  .DEFAULT_GOAL := $(_WIN_PREV_GOAL)
endif
