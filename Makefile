# 接访台 Jiefang Desk — the two commands of the quick start:
#   make run    install what the desk needs, create the demo database on
#               first start, and open the desk on it
#   make test   install what the tests need, go vet, go test
# Also: make build, make demo, make screenshots, make windows,
# make wine-smoke, make clean.
# Works on a fresh Debian 12 machine as root (or with sudo).

GO      ?= go
DIST    ?= dist
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT     := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
# The demo database lives in the desk's data directory, as the desk computes it.
DATA_DIR  ?= $(if $(XDG_DATA_HOME),$(XDG_DATA_HOME),$(HOME)/.local/share)/jiefang
DEMO_DB   ?= $(DATA_DIR)/demo.db
DEMO_CASES ?= 2000

# Debian packages: C headers for Fyne's cgo GLFW driver, and a Simplified
# Chinese font (the desk shows boxes without one).
RUN_PKGS  := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev fonts-wqy-microhei
# The hub's tests also run on Debian's PostgreSQL (.ci/postgres.sh starts
# it and prints JIEFANG_PG_URL; without it they run on SQLite only);
# the PDF tests read their documents back with poppler-utils.
TEST_PKGS := gcc fonts-wqy-microhei postgresql poppler-utils

.DEFAULT_GOAL := build
.PHONY: run test build demo deps-run deps-test vet clean screenshots

# Install only what is missing, so repeated runs do not touch apt.
define apt_need
	@need=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || need="$$need $$p"; \
	done; \
	if [ -n "$$need" ]; then \
	  echo "installing:$$need"; \
	  $(APT) update -q && $(APT) install -y -q --no-install-recommends $$need; \
	fi
endef

deps-run:
	$(call apt_need,$(RUN_PKGS))

deps-test:
	$(call apt_need,$(TEST_PKGS))

build: deps-run
	$(GO) build -o $(DIST)/jiefang .
	$(GO) build -o $(DIST)/jiefangctl ./cmd/jiefangctl
	$(GO) build -o $(DIST)/jiefang-hub ./cmd/jiefang-hub

# The demo database is written once, on first start; delete it to start over.
demo: build
	@if [ ! -s "$(DEMO_DB)" ]; then \
	  echo "creating the demo database $(DEMO_DB) ($(DEMO_CASES) cases)"; \
	  $(DIST)/jiefangctl demo --db "$(DEMO_DB)" --cases $(DEMO_CASES); \
	fi

run: demo
	LANG=zh_CN.UTF-8 $(DIST)/jiefang --db "$(DEMO_DB)"

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

test: deps-test deps-run vet
	JIEFANG_PG_URL="$$(bash .ci/postgres.sh)" $(GO) test -race -count=1 -timeout 30m ./...

# The home screen, the seven steps and the petitioner view, rendered by
# Fyne's software painter in the desk's Chinese font from the scenes of
# app/screens_test.go (whose golden markup make test checks).
screenshots: deps-run
	mkdir -p docs/screenshots
	$(GO) test ./app -run 'TestMainScreens$$' -count=1 -args -screenshots=$(CURDIR)/docs/screenshots

clean: windows-clean
	rm -rf $(DIST)

include packaging/windows.mk
