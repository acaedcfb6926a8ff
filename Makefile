# SSTS - support ticket system.  Plain GNU make; no autotools.
#
#   make run     the whole stack on the embedded database (foreground)
#   make test    every test on a private stack; non-zero on failure
#   make deps    install the Debian packages that are missing (root)
#   make audit-verify  check the audit log's hash chain (stack running)
#
# Local overrides (CC, CFLAGS, ...) go in Makefile.local.

CC	?= cc
BUILD	?= build
CSTD	 = -std=c17 -D_GNU_SOURCE
WARN	 = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Werror=format-security -Wshadow -Wvla
OPT	?= -O2 -g
PKGS	 = libcjson libsodium libpq fcgi libcrypto libmagic liboath libqrencode
CPPFLAGS_ALL = -Ilib -I/usr/include/ClearSilver $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) \
	   -lneo_cgi -lneo_cs -lneo_utl -lz
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(CPPFLAGS_ALL) $(EXTRA_CFLAGS)

-include Makefile.local

LIBOBJS	 = \
	account.o \
	attach.o \
	audit.o \
	auditlog.o \
	arena.o \
	b64url.o \
	catalog.o \
	buf.o \
	config.o \
	cookie.o \
	core.o \
	cors.o \
	csv.o \
	db.o \
	db_stmts.o \
	export.o \
	filename.o \
	fields.o \
	form.o \
	gate.o \
	idem.o \
	health.o \
	jsonbody.o \
	jwt.o \
	kv.o \
	log.o \
	mfa.o \
	multipart.o \
	page.o \
	pw.o \
	req.o \
	resp.o \
	sess.o \
	sessions.o \
	sniff.o \
	stats.o \
	throttle.o \
	tickets.o \
	tkitem.o \
	tmpl.o \
	totp.o \
	users.o \
	util.o \
	valid.o \
	vault.o

GROUPS	 = \
	account \
	attachments \
	audit \
	auth \
	catalog \
	desk \
	mfa \
	people \
	reports \
	tickets \
	users

TOOLS	 = \
	sstsctl

LIB	 = $(BUILD)/lib/libssts.a
OBJS	 = $(addprefix $(BUILD)/lib/,$(LIBOBJS))
BINS	 = $(addprefix $(BUILD)/cgi-bin/,$(GROUPS) $(TOOLS))

# Debian packages: what `make run` needs, and what `make test` adds.
DEPS_RUN = gcc make pkg-config libfcgi-dev libfcgi-bin spawn-fcgi multiwatch \
	   nginx libcjson-dev libsodium-dev libssl-dev libpq-dev postgresql-15 \
	   clearsilver-dev zlib1g-dev libmagic-dev liboath-dev libqrencode-dev \
	   openssl curl acl
DEPS_TEST = $(DEPS_RUN) libcmocka-dev clang-14 libclang-rt-14-dev valgrind \
	   python3 python3-pytest python3-requests python3-psycopg2 \
	   python3-selenium chromium \
	   chromium-driver wrk oathtool faketime slowhttptest procps iproute2

.PHONY: all run test deps deps-run lint unit fuzz valgrind asan bench faults install clean \
	audit-verify
all: $(LIB) $(BINS)

deps-run:
	@sh tests/deps.sh $(DEPS_RUN)

deps:
	@sh tests/deps.sh $(DEPS_TEST)

run: deps-run
	@$(MAKE) --no-print-directory all
	@bash nginx/stack.sh run

test: deps
	@$(MAKE) --no-print-directory all
	@bash tests/run.sh

lint:
	@sh tests/lint.sh

# The same code built with AddressSanitizer and UBSan, for the HTTP suite.
asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS_EXTRA="-fsanitize=address,undefined" all

valgrind: all
	@bash tests/valgrind.sh

bench: all
	@bash tests/bench.sh

# A real server (README "Deploying"): programs, templates, static files,
# migrations, backup and restore, the nginx site and the systemd units.
PREFIX	?= /usr/local
LIBEXECDIR = $(PREFIX)/libexec/ssts
SBINDIR	 = $(PREFIX)/sbin
SHAREDIR = $(PREFIX)/share/ssts
UNITDIR	?= $(PREFIX)/lib/systemd/system
UNITS	 = ssts@.socket ssts@.service ssts-migrate.service
SUBST	 = sed -e 's|@LIBEXEC@|$(LIBEXECDIR)|g' -e 's|@SBIN@|$(SBINDIR)|g' \
	   -e 's|@SHARE@|$(SHAREDIR)|g' \
	   -e 's|@UNITS@|$(foreach g,$(GROUPS),ssts@$(g).socket ssts@$(g).service)|g'

install: all
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(SHAREDIR)/sql $(DESTDIR)$(SHAREDIR)/nginx \
	    $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(UNITDIR)
	install -m 0755 $(addprefix $(BUILD)/cgi-bin/,$(GROUPS)) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(BUILD)/cgi-bin/sstsctl $(DESTDIR)$(SBINDIR)
	install -m 0644 templates/*.cs $(DESTDIR)$(SHAREDIR)/templates
	cp -R static $(DESTDIR)$(SHAREDIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(SHAREDIR)/static
	install -m 0644 sql/*.sql $(DESTDIR)$(SHAREDIR)/sql
	install -m 0755 sql/migrate.sh sql/backup.sh sql/restore.sh $(DESTDIR)$(SHAREDIR)/sql
	install -m 0644 nginx/site.conf.in nginx/security-headers.conf $(DESTDIR)$(SHAREDIR)/nginx
	install -m 0755 nginx/site.sh $(DESTDIR)$(SHAREDIR)/nginx
	install -m 0644 nginx/systemd/ssts.env.example $(DESTDIR)$(SHAREDIR)
	for u in $(UNITS); do \
		$(SUBST) nginx/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(SUBST) nginx/systemd/ssts.target.in >$(DESTDIR)$(UNITDIR)/ssts.target
	chmod 0644 $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS) ssts.target)

# The fault suite at full length (tests/faults; a short run is in `make test`).
faults: all
	@SSTS_FAULTS=full /usr/bin/python3 -m pytest -q -s -p no:cacheprovider tests/faults

# Walks the audit log's hash chain of the stack in $SSTS_VAR (default var/).
audit-verify: all
	@bash nginx/stack.sh audit-verify

$(BUILD)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	@ar rcs $@ $(OBJS)

$(BUILD)/cgi-bin/%: cgi-bin/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "LD $@"
	@$(CC) $(CFLAGS_ALL) $< -o $@ $(LIB) $(LDLIBS_ALL) $(LDFLAGS_EXTRA)

clean:
	rm -rf $(BUILD) tests/out

-include tests/unit/unit.mk
-include tests/fuzz/fuzz.mk
