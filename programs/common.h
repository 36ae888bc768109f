/* Shared bits of stepup-serv and stepup-cli. Written only against the GnuTLS
 * API, so both programs build against stepup and against the system GnuTLS. */
#ifndef STEPUP_PROGRAMS_COMMON_H
#define STEPUP_PROGRAMS_COMMON_H

#include <gnutls/gnutls.h>

/* Prints "- Description: ..." and the peer's certificate chain subjects. */
void print_session_info(gnutls_session_t session, const char *who);

/* Prints the peer certificate's subject and issuer, or that there is none. */
void print_peer_certificate(gnutls_session_t session);

/* The debug level given with -d; 0 prints the usual summary only. */
extern int debug_level;

/* Installs a log function printing "|<level>| message" when -d N > 0. */
void setup_logging(int level);

/* Exits with status 1 after printing "program: what: GnuTLS error text". */
void die(const char *what, int code);

/* Parses a TCP port, exiting with a message on anything but 1..65535. */
unsigned short parse_port(const char *text);

/* Seconds on a monotonic clock. */
double monotonic_s(void);

/* A socket transport whose reads end at a wall-clock deadline, inside a
 * record too: gnutls_record_set_timeout bounds each wait for input only, so
 * a client sending a record a byte at a time would never meet it. A read
 * past the deadline fails the session (GNUTLS_E_PULL_ERROR, errno
 * ETIMEDOUT). */
struct deadline_transport {
    int fd;
    double deadline; /* monotonic_s(); 0: none */
};

/* Makes `t` (on socket `fd`) the transport of `session`. */
void deadline_transport_set(gnutls_session_t session, struct deadline_transport *t, int fd);

/* Reads from now on must be done within `seconds` (0: no deadline). */
void deadline_transport_arm(struct deadline_transport *t, double seconds);

#endif
