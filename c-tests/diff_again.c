/* Differential: the same TLS 1.3 conversation as diff_reauth (handshake,
 * data, server-initiated re-authentication answered by the client, close),
 * but through push/pull callbacks that fail every other call with EAGAIN.
 * Each operation is retried until it completes; the output records its final
 * code and whether it ever returned GNUTLS_E_AGAIN, and must be the same
 * built against the system GnuTLS and against stepup. FIXTURES is the test
 * PKI directory. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#ifndef FIXTURES
#error "build with -DFIXTURES=\"path/to/tests/fixtures\""
#endif

static char out[8192];
static size_t used;

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + used, sizeof out - used, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof out - used)
        used += (size_t)n;
}

/* The transport: a blocking socket behind callbacks that refuse every other
 * call with EAGAIN, so that every step of every operation is interrupted. */
struct flaky {
    int fd;
    unsigned calls;
    gnutls_session_t session;
};

static ssize_t flaky_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    struct flaky *t = ptr;
    if (t->calls++ % 2 == 0) {
        gnutls_transport_set_errno(t->session, EAGAIN);
        return -1;
    }
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n < 0)
        gnutls_transport_set_errno(t->session, errno);
    return n;
}

static ssize_t flaky_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
    struct flaky *t = ptr;
    if (t->calls++ % 2 == 0) {
        gnutls_transport_set_errno(t->session, EAGAIN);
        return -1;
    }
    ssize_t n = send(t->fd, buf, len, 0);
    if (n < 0)
        gnutls_transport_set_errno(t->session, errno);
    return n;
}

/* Retries an operation while it says AGAIN/INTERRUPTED (bounded); prints
 * "<what> <final code> again=<yes|no>". */
#define RETRY(what, expr)                                                          \
    do {                                                                           \
        int again_ = 0, tries_ = 0;                                                \
        do {                                                                       \
            r = (int)(expr);                                                       \
            if (r == GNUTLS_E_AGAIN)                                               \
                again_ = 1;                                                        \
        } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries_ < 1000); \
        say("%s %d again=%s\n", what, r, again_ ? "yes" : "no");                  \
    } while (0)

static gnutls_certificate_credentials_t credentials(const char *role)
{
    gnutls_certificate_credentials_t cred;
    char cert[512], key[512];
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    snprintf(cert, sizeof cert, FIXTURES "/%s-ecdsa.pem", role);
    snprintf(key, sizeof key, FIXTURES "/%s-ecdsa.key", role);
    gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
    return cred;
}

static gnutls_session_t session_for(unsigned flags, gnutls_certificate_credentials_t cred, struct flaky *t)
{
    gnutls_session_t s;
    gnutls_init(&s, flags);
    gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    t->session = s;
    gnutls_transport_set_ptr(s, t);
    gnutls_transport_set_push_function(s, flaky_push);
    gnutls_transport_set_pull_function(s, flaky_pull);
    return s;
}

static void server(int fd)
{
    struct flaky t = {fd, 0, NULL};
    gnutls_certificate_credentials_t cred = credentials("server");
    gnutls_session_t s = session_for(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, cred, &t);
    char buf[64] = {0};
    int r;
    RETRY("S handshake", gnutls_handshake(s));
    RETRY("S recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("S got '%s'\n", r > 0 ? buf : "");
    RETRY("S send", gnutls_record_send(s, "ping", 4));
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    RETRY("S reauth", gnutls_reauth(s, 0));
    unsigned n = 0;
    say("S peers %s\n", gnutls_certificate_get_peers(s, &n) && n > 0 ? "set" : "none");
    RETRY("S send", gnutls_record_send(s, "done", 4));
    RETRY("S recv end", gnutls_record_recv(s, buf, sizeof buf - 1));
    RETRY("S bye", gnutls_bye(s, GNUTLS_SHUT_WR));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd)
{
    struct flaky t = {fd, 0, NULL};
    gnutls_certificate_credentials_t cred = credentials("client");
    gnutls_session_t s = session_for(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, cred, &t);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    char buf[64] = {0};
    int r;
    RETRY("C handshake", gnutls_handshake(s));
    RETRY("C send", gnutls_record_send(s, "hello", 5));
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("C got '%s'\n", r > 0 ? buf : "");
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    if (r == GNUTLS_E_REAUTH_REQUEST)
        RETRY("C reauth", gnutls_reauth(s, 0));
    memset(buf, 0, sizeof buf);
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("C got '%s'\n", r > 0 ? buf : "");
    RETRY("C bye", gnutls_bye(s, GNUTLS_SHUT_WR));
    RETRY("C recv end", gnutls_record_recv(s, buf, sizeof buf - 1));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    int fds[2];
    signal(SIGPIPE, SIG_IGN);
    alarm(60); /* a hang fails the test instead of stalling the suite */
    gnutls_global_init();
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        return 2;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        client(fds[1]);
        close(fds[1]);
        fputs(out, stdout);
        fflush(stdout);
        _exit(0);
    }
    close(fds[1]);
    server(fds[0]);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    fputs(out, stdout);
    printf("child %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
    gnutls_global_deinit();
    return 0;
}
