# Entry point. `make` sets up and builds; `make check` runs every test.
# See README.md. Each target is a script under build-scripts/ (run them with --help).

PREFIX ?= $(CURDIR)/install
export PREFIX
# A tarball or a git tree at the pinned tag (build-scripts/qemu.pin) to use instead of Debian's source archive.
QEMU_SOURCE ?=
export QEMU_SOURCE

.PHONY: all deps apply build check asan series-build export rebase help
all: deps apply build

deps:
	@build-scripts/deps.sh

apply: deps
	@build-scripts/apply.sh

build: apply
	@build-scripts/build.sh all

check: all
	@build-scripts/check.sh

# The ASan+UBSan build and its qtests (also the last group of `make check`)
asan: apply
	@build-scripts/asan.sh

# Every prefix of patches/series builds (slow: not part of `make check`)
series-build: deps
	@build-scripts/series-build.sh

export:
	@build-scripts/export.sh

# make rebase NEW_SOURCE=qemu-10.1.0.tar.xz NEW_VERSION=10.1.0
rebase:
	@build-scripts/rebase.sh --source "$(NEW_SOURCE)" --version "$(NEW_VERSION)"

help:
	@sed -n '1,2p' Makefile; echo; ls build-scripts/*.sh
