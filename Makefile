# stepup: `make` builds everything, `make test` runs every test.
# See README.md; the artifact names are fixed by ../shared/DESIGN.md.

CARGO   ?= cargo
CC      ?= cc
PREFIX  ?= /opt/stepup
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man

RELEASE := target/release
COMPAT  := build/compat
SOVERSION := 0
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
GNUTLS_API := $(shell sed -n 's/^pub const GNUTLS_VERSION: &str = "\(.*\)";/\1/p' src/gnutls/version.rs)

TELODENDRIA_RELEASE := target/telodendria/release

.PHONY: all lib compat programs examples-system telodendria-lib cytoplasm-lib test test-rust test-programs test-real test-c test-shell lint check-headers headers \
        bench demo demo-check browser-check install uninstall clean fuzz man check-man

all: lib compat programs build/bin/stepup-demo

# cargo decides what is stale; the link name the dynamic tests need follows.
lib:
	$(CARGO) build --release
	ln -sf libstepup.so $(RELEASE)/libstepup.so.$(SOVERSION)

compat: lib
	CC=$(CC) scripts/build-compat.sh

# The C example programs, written only against include/gnutls/gnutls.h:
# linked statically with stepup (build/bin), or with the system GnuTLS
# (build/bin-system) so that their behaviour can be compared.
PROGRAMS     := stepup-serv stepup-cli
PROG_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1
NATIVE_LIBS  := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
PROG_SOURCES := programs/common.c programs/common.h

programs: lib $(PROGRAMS:%=build/bin/%)

build/bin/%: programs/%.c $(PROG_SOURCES) $(RELEASE)/libstepup.a include/gnutls/gnutls.h
	@mkdir -p build/bin
	$(CC) $(PROG_CFLAGS) -Iinclude -o $@ $< programs/common.c $(RELEASE)/libstepup.a $(NATIVE_LIBS)

# The step-up demo: stepup's GnuTLS API and its UIA engine, nothing else.
build/bin/stepup-demo: programs/stepup-demo.c $(PROG_SOURCES) $(RELEASE)/libstepup.a include/gnutls/gnutls.h include/stepup/uia.h
	@mkdir -p build/bin
	$(CC) $(PROG_CFLAGS) -Iinclude -o $@ $< programs/common.c $(RELEASE)/libstepup.a $(NATIVE_LIBS)

# The three programs with AddressSanitizer and UBSan on their C side, for a
# short scripted walk in make demo-check.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
build/asan/%: programs/%.c $(PROG_SOURCES) $(RELEASE)/libstepup.a include/gnutls/gnutls.h include/stepup/uia.h
	@mkdir -p build/asan
	$(CC) $(PROG_CFLAGS) $(ASAN_FLAGS) -Iinclude -o $@ $< programs/common.c $(RELEASE)/libstepup.a $(NATIVE_LIBS)

examples-system: $(PROGRAMS:%=build/bin-system/%)

build/bin-system/%: programs/%.c $(PROG_SOURCES)
	@mkdir -p build/bin-system
	$(CC) $(PROG_CFLAGS) -o $@ $< programs/common.c $$(pkg-config --cflags --libs gnutls)

test: all check-headers check-man lint test-rust test-shell test-c test-programs test-real demo-check browser-check

# The PostgreSQL store's tests need a server: with-postgres.sh starts a
# private one for the run, and STEPUP_REQUIRE_POSTGRES turns a missing one
# into a failure instead of a skip.
test-rust:
	STEPUP_REQUIRE_POSTGRES=1 STEPUP_REQUIRE_INTEROP=1 scripts/with-postgres.sh $(CARGO) test --release --features postgres,fuzzing

# The Telodendria drop-in calls Cytoplasm, so it is built apart (its own
# target directory) and linked only into the drop-in's C test.
telodendria-lib:
	CARGO_TARGET_DIR=target/telodendria $(CARGO) build --release --features telodendria

# The same with the Cytoplasm TLS backend: one archive that gives
# Telodendria both its Uia.h and, through a Cytoplasm built with
# -DTLS_IMPL=4, its TLS (README.md, "Telodendria on stepup's TLS").
cytoplasm-lib:
	CARGO_TARGET_DIR=target/cytoplasm $(CARGO) build --release --features telodendria,cytoplasm-tls

test-c: all telodendria-lib cytoplasm-lib
	CC=$(CC) bash c-tests/run.sh

# stepup-serv / stepup-cli against real peers, each built three ways.
test-programs: all examples-system
	STEPUP_REQUIRE_INTEROP=1 bash tests/programs/interop.sh
	STEPUP_REQUIRE_INTEROP=1 bash tests/programs/serv_options.sh

# Real programs that link libgnutls.so.30 (wget, libcurl-gnutls, gnutls-cli,
# gnutls-serv, msmtp, libmicrohttpd), unchanged, on the system GnuTLS and on
# build/compat: the outcomes must match.
test-real: all
	STEPUP_REQUIRE_INTEROP=1 bash tests/real/real_programs.sh

test-shell:
	bash tests/shell/check_headers_test.sh
	bash tests/shell/install_test.sh

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --features postgres,telodendria,cytoplasm-tls,fuzzing -- -D warnings

check-headers:
	scripts/check-headers.sh

# The manual pages: section 3 from the headers' doc comments, checked and linted.
man:
	python3 tools/gen-man.py

check-man: lib
	scripts/check-man.sh

# Rewrites the checked-in headers from the Rust sources.
headers:
	STEPUP_HEADER_DIR=include $(CARGO) check --lib

# Every fuzz target for FUZZ_SECONDS each (nightly and cargo-fuzz: see
# README.md), from the saved corpus; new inputs go to target/fuzz-corpus/,
# crashes to fuzz/artifacts/. `make test` replays the saved corpus on stable.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(basename $(notdir $(wildcard fuzz/fuzz_targets/*.rs)))
fuzz:
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p ../target/fuzz-corpus/$$t && \
	  $(CARGO) +nightly fuzz run -O $$t ../target/fuzz-corpus/$$t corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 || exit 1; \
	done

# Benchmarks print their tables and write target/bench/report.md; the
# ratios against the system GnuTLS come from one C benchmark built both ways.
bench: compat
	scripts/with-postgres.sh $(CARGO) bench --features postgres --bench uia
	$(CARGO) bench --bench tls
	CC=$(CC) scripts/bench-gnutls.sh
	python3 scripts/bench-report.py
	@echo "make bench: wrote target/bench/report.md and target/bench/report.svg"

# Serves on 127.0.0.1:8448 with its data (demo CA, certificates, secrets,
# UIA database) in demo-data/, made on first run; Ctrl-C stops it.
# On a fresh machine, .ci/deps --demo first installs what building and
# running the demo needs (make, gcc, openssl), as .ci/run does for the tests.
demo:
	.ci/deps --demo
	$(MAKE) all
	build/bin/stepup-demo -p 8448 --data demo-data

# The demo on a free port with fresh data, walked with curl and Python.
demo-check: all build/asan/stepup-demo build/asan/stepup-serv build/asan/stepup-cli
	python3 tests/demo/demo_check.py build/bin/stepup-demo
	python3 tests/demo/slow_clients.py build/bin/stepup-demo
	ASAN_OPTIONS=detect_leaks=1 python3 tests/demo/demo_check.py build/asan/stepup-demo
	bash tests/programs/asan_walk.sh build/asan

# The UIA fallback pages in headless Chromium (Debian chromium and
# chromium-driver) against the demo; screenshots in target/browser/.
browser-check: build/bin/stepup-demo
	python3 tests/browser/fallback_browser.py build/bin/stepup-demo

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/stepup \
	           $(DESTDIR)$(INCDIR)/gnutls $(DESTDIR)$(INCDIR)/stepup \
	           $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(RELEASE)/libstepup.a $(DESTDIR)$(LIBDIR)/libstepup.a
	install -m 755 $(RELEASE)/libstepup.so $(DESTDIR)$(LIBDIR)/libstepup.so.$(VERSION)
	ln -sf libstepup.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libstepup.so.$(SOVERSION)
	ln -sf libstepup.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libstepup.so
	# The drop-in stays out of the linker's default path: it is chosen per program.
	install -m 755 $(COMPAT)/libgnutls.so.30 $(DESTDIR)$(LIBDIR)/stepup/libgnutls.so.30
	ln -sf libgnutls.so.30 $(DESTDIR)$(LIBDIR)/stepup/libgnutls.so
	install -m 644 include/gnutls/*.h $(DESTDIR)$(INCDIR)/gnutls/
	install -m 644 include/stepup/*.h $(DESTDIR)$(INCDIR)/stepup/
	install -m 644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/man3/*.3 $(DESTDIR)$(MANDIR)/man3/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
	    pkgconfig/stepup.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/stepup.pc
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(GNUTLS_API)|' \
	    pkgconfig/gnutls.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/gnutls.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libstepup.a $(DESTDIR)$(LIBDIR)/libstepup.so*
	rm -rf $(DESTDIR)$(LIBDIR)/stepup
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/stepup.pc $(DESTDIR)$(LIBDIR)/pkgconfig/gnutls.pc
	rm -rf $(DESTDIR)$(INCDIR)/gnutls $(DESTDIR)$(INCDIR)/stepup
	cd man && for p in man1/*.1 man3/*.3; do rm -f "$(DESTDIR)$(MANDIR)/$$p"; done

clean:
	$(CARGO) clean
	rm -rf build
