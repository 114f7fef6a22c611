# Entry point. `make` sets up and builds; `make check` runs every test.
# See README.md. Each target is a script under build-scripts/ (run them with --help).

PREFIX ?= $(CURDIR)/install
export PREFIX
# A tarball or a git tree at tag v10.0.2 to use instead of Debian's source archive.
QEMU_SOURCE ?=
export QEMU_SOURCE

.PHONY: all deps apply build check export rebase help
all: deps apply build

deps:
	@build-scripts/deps.sh

apply: deps
	@build-scripts/apply.sh

build: apply
	@build-scripts/build.sh all

check: all
	@build-scripts/check.sh

export:
	@build-scripts/export.sh

# make rebase NEW_SOURCE=qemu-10.1.0.tar.xz NEW_VERSION=10.1.0
rebase:
	@build-scripts/rebase.sh --source "$(NEW_SOURCE)" --version "$(NEW_VERSION)"

help:
	@sed -n '1,2p' Makefile; echo; ls build-scripts/*.sh
