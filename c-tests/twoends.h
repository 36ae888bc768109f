/* Two ends of a TLS conversation for the differential tests: a server in
 * this process and a client in a forked child, over a socketpair. Each side
 * collects its lines with say(); they are printed after the scenario, the
 * client's first, so the output never depends on scheduling.
 *
 * Files using this are built with -DFIXTURES="path/to/tests/fixtures". */
#ifndef STEPUP_C_TWOENDS_H
#define STEPUP_C_TWOENDS_H

#include <gnutls/gnutls.h>

#ifndef FIXTURES
#error "build with -DFIXTURES=\"path/to/tests/fixtures\""
#endif

/* Appends a line (printf-style) to this side's output. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the lines collected so far and starts afresh (for output made
 * outside twoends_run). */
void twoends_flush(void);

/* One side of a scenario: gets its socket and the scenario number. */
typedef void (*twoends_side)(int fd, int scenario);

/* Runs `count` scenarios, printing "scenario N", both sides' lines, and
 * whether the child exited cleanly. Sets a 60 s alarm so a hang fails. */
void twoends_run(int count, twoends_side server, twoends_side client);

/* A whole test program: gnutls_global_init, twoends_run, gnutls_global_deinit;
 * returns main's exit status. */
int twoends_main(int count, twoends_side server, twoends_side client);

/* A return code as the tests print it: the number, and for a negative one
 * its GnuTLS name (a static buffer, valid until the next call). */
const char *twoends_code(int r);

/* Reads and drops everything until the peer has closed. */
void twoends_drain(int fd);

/* Shuts down our writing half, then drains until the peer has closed:
 * a side that is done (or failed) lets the other finish its writes. */
void twoends_half_close(int fd);

/* Certificate credentials trusting the test CA, with ROLE-KEYTYPE.pem/.key
 * from the fixtures when key_type is not NULL (e.g. "server", "ecdsa"). */
gnutls_certificate_credentials_t twoends_credentials(const char *role, const char *key_type);

/* Reads the file at `path` (at most 64 KiB) into `data`, which then points
 * into a static buffer, valid until the next call; -1 if it cannot be
 * opened. For session data kept from one scenario's client to the next. */
int twoends_load(const char *path, gnutls_datum_t *data);

/* Writes `data` to the file at `path`; says so when the write falls short. */
void twoends_save(const char *path, const gnutls_datum_t *data);

/* A session with `flags`, `priority`, `cred` and the socket `fd`. */
gnutls_session_t twoends_session(unsigned flags, const char *priority, gnutls_certificate_credentials_t cred,
                                 int fd);

#endif
