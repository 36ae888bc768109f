/* stepup's Cytoplasm TLS backend (libstepup.a built with the `cytoplasm-tls`
 * feature), driven as Cytoplasm's HttpServer and HttpClient drive a backend,
 * over the fake Cytoplasm in this directory (Log, MemoryAllocate and
 * MemoryFree are all the backend calls). Connections run over socket
 * pairs: the backend's server against its own client, against a client of
 * stepup's GnuTLS API (TLS 1.3 and 1.2), and against `openssl s_client`
 * over loopback when the command is there. Checks that TlsInitServer reads
 * nothing (the handshake runs in the thread of the first TlsRead), that a
 * client that sends nothing costs its worker the handshake timeout and no
 * more while another connection is served, that TlsClose closes its own
 * descriptor and no other, that a failed TlsInit* leaves the descriptor
 * open and logs why, and that every cookie is freed.
 *
 * The timeout of a stalled handshake is shortened for the test with the
 * environment variable STEPUP_CYTOPLASM_TLS_HANDSHAKE_TIMEOUT_MS, read by
 * each TlsInit*; the client trusts the test CA through SSL_CERT_FILE. Time
 * is checked only against generous bounds (valgrind slows everything). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fake.h"
#include <gnutls/gnutls.h>

#include "../harness.h"

#define CERT FIXTURES "/server-ecdsa.pem"
#define KEY FIXTURES "/server-ecdsa.key"
#define CA FIXTURES "/ca.pem"
#define TIMEOUT_VAR "STEPUP_CYTOPLASM_TLS_HANDSHAKE_TIMEOUT_MS"

/* syslog's levels (LOG_ERR, LOG_WARNING), as Cytoplasm's Log takes them. */
enum { LEVEL_ERR = 3, LEVEL_WARNING = 4 };

static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
static const char RESPONSE[] = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads with TlsRead until `end` arrives, the stream ends or it fails;
 * returns the byte count or -1 (errno from TlsRead). */
static ssize_t read_until(void *cookie, char *buf, size_t size, const char *end)
{
    size_t got = 0;
    buf[0] = '\0';
    while (got + 1 < size && (!end || !strstr(buf, end))) {
        ssize_t n = TlsRead(cookie, buf + got, size - 1 - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
    }
    return (ssize_t)got;
}

/* Serves one request on a server cookie as a Cytoplasm worker would:
 * reads it (running the handshake), answers, closes. 0 when all went. */
static int serve(void *server)
{
    char request[512];
    ssize_t got = read_until(server, request, sizeof request, "\r\n\r\n");
    int ok = got > 0 && strcmp(request, REQUEST) == 0 &&
             TlsWrite(server, (void *)RESPONSE, strlen(RESPONSE)) == (ssize_t)strlen(RESPONSE);
    return (TlsClose(server) == 0 && ok) ? 0 : -1;
}

/* ---- a client made with TlsInitClient, in its own thread --------------- */

struct backend_client {
    int fd;
    const char *name;
    int made;             /* TlsInitClient returned a cookie */
    int init_errno;
    char response[512];
    ssize_t got;          /* bytes of response before the end, or -1 */
    int closed;           /* TlsClose's return */
};

static void *backend_client_run(void *arg)
{
    struct backend_client *c = arg;
    void *cookie = TlsInitClient(c->fd, c->name);
    c->init_errno = errno;
    c->made = cookie != NULL;
    c->got = -1;
    if (!cookie)
        return NULL;
    if (TlsWrite(cookie, (void *)REQUEST, strlen(REQUEST)) == (ssize_t)strlen(REQUEST))
        c->got = read_until(cookie, c->response, sizeof c->response, NULL);
    c->closed = TlsClose(cookie);
    return NULL;
}

/* ---- a client of stepup's GnuTLS API, in its own thread ---------------- */

struct gnutls_client {
    int fd;
    const char *priority;
    int protocol;         /* gnutls_protocol_get_version after the handshake */
    char response[512];
    ssize_t got;          /* bytes before the end, or a negative GnuTLS code */
};

static void *gnutls_client_run(void *arg)
{
    struct gnutls_client *c = arg;
    gnutls_certificate_credentials_t creds = NULL;
    gnutls_session_t session = NULL;
    c->got = -1;
    if (gnutls_certificate_allocate_credentials(&creds) < 0 ||
        gnutls_certificate_set_x509_trust_file(creds, CA, GNUTLS_X509_FMT_PEM) != 1 ||
        gnutls_init(&session, GNUTLS_CLIENT) < 0 ||
        gnutls_priority_set_direct(session, c->priority, NULL) < 0 ||
        gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, creds) < 0 ||
        gnutls_server_name_set(session, GNUTLS_NAME_DNS, "localhost", strlen("localhost")) < 0)
        goto done;
    gnutls_session_set_verify_cert(session, "localhost", 0);
    gnutls_transport_set_int(session, c->fd);
    gnutls_handshake_set_timeout(session, 20000);
    int ret;
    do {
        ret = gnutls_handshake(session);
    } while (ret < 0 && !gnutls_error_is_fatal(ret));
    if (ret < 0) {
        c->got = ret;
        goto done;
    }
    c->protocol = gnutls_protocol_get_version(session);
    if (gnutls_record_send(session, REQUEST, strlen(REQUEST)) != (ssize_t)strlen(REQUEST))
        goto done;
    size_t got = 0;
    for (;;) {
        ssize_t n = gnutls_record_recv(session, c->response + got, sizeof c->response - 1 - got);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n < 0) {
            c->got = n;
            goto done;
        }
        if (n == 0 || got + (size_t)n + 1 >= sizeof c->response)
            break;
        got += (size_t)n;
    }
    c->response[got] = '\0';
    c->got = (ssize_t)got;
    gnutls_bye(session, GNUTLS_SHUT_WR);
done:
    if (session)
        gnutls_deinit(session);
    if (creds)
        gnutls_certificate_free_credentials(creds);
    close(c->fd);
    return NULL;
}

/* ---- tests ---------------------------------------------------------------- */

static long allocations_at_start;

static int server_init_reads_nothing_and_serves_its_own_client(void)
{
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    /* No client exists yet: a handshake here would wait for it. */
    long started = now_ms();
    void *server = TlsInitServer(sv[0], CERT, KEY);
    CHECK(server != NULL);
    CHECK(now_ms() - started < 5000);
    struct pollfd peer = {sv[1], POLLIN, 0};
    CHECK_INT(poll(&peer, 1, 0), 0);

    struct backend_client client = {.fd = sv[1], .name = "localhost"};
    pthread_t thread;
    CHECK_INT(pthread_create(&thread, NULL, backend_client_run, &client), 0);
    int served = serve(server);
    pthread_join(thread, NULL);
    CHECK_INT(served, 0);
    CHECK(client.made);
    /* The response, then close_notify read as the end of the stream. */
    CHECK_INT(client.got, (long long)strlen(RESPONSE));
    CHECK_STR(client.response, RESPONSE);
    CHECK_INT(client.closed, 0);
    CHECK(!is_open(sv[0]));
    CHECK(!is_open(sv[1]));
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static int server_speaks_tls13_and_tls12_to_the_gnutls_api(void)
{
    static const struct {
        const char *priority;
        int protocol;
    } cases[] = {
        {"NORMAL", GNUTLS_TLS1_3},
        {"NORMAL:-VERS-TLS1.3", GNUTLS_TLS1_2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int sv[2];
        CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        void *server = TlsInitServer(sv[0], CERT, KEY);
        CHECK(server != NULL);
        struct gnutls_client client = {.fd = sv[1], .priority = cases[i].priority};
        pthread_t thread;
        CHECK_INT(pthread_create(&thread, NULL, gnutls_client_run, &client), 0);
        int served = serve(server);
        pthread_join(thread, NULL);
        CHECK_INT(served, 0);
        CHECK_INT(client.protocol, cases[i].protocol);
        CHECK_STR(client.response, RESPONSE);
        CHECK(!is_open(sv[0]));
    }
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

struct stalled_worker {
    void *server;
    ssize_t read;
    int read_errno;
    long waited_ms;
};

static void *stalled_worker_run(void *arg)
{
    struct stalled_worker *w = arg;
    char buf[64];
    long started = now_ms();
    w->read = TlsRead(w->server, buf, sizeof buf);
    w->read_errno = errno;
    w->waited_ms = now_ms() - started;
    return NULL;
}

static int stalled_client_costs_its_worker_a_bounded_wait(void)
{
    int stalled[2], good[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, stalled), 0);
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, good), 0);
    /* The stalled connection times out after 1.5 s; the other has 10 s. */
    CHECK_INT(setenv(TIMEOUT_VAR, "1500", 1), 0);
    struct stalled_worker worker = {.server = TlsInitServer(stalled[0], CERT, KEY)};
    CHECK_INT(unsetenv(TIMEOUT_VAR), 0);
    CHECK(worker.server != NULL);
    void *server = TlsInitServer(good[0], CERT, KEY);
    CHECK(server != NULL);

    /* One worker waits on the client that sends nothing; meanwhile the
     * other connection is served. */
    long lines = FakeLogLines();
    pthread_t stalled_thread, client_thread;
    CHECK_INT(pthread_create(&stalled_thread, NULL, stalled_worker_run, &worker), 0);
    struct backend_client client = {.fd = good[1], .name = "localhost"};
    CHECK_INT(pthread_create(&client_thread, NULL, backend_client_run, &client), 0);
    int served = serve(server);
    pthread_join(client_thread, NULL);
    pthread_join(stalled_thread, NULL);
    CHECK_INT(served, 0);
    CHECK_STR(client.response, RESPONSE);

    CHECK_INT(worker.read, -1);
    CHECK_INT(worker.read_errno, ETIMEDOUT);
    CHECK(worker.waited_ms >= 1400);
    CHECK(worker.waited_ms < 15000);
    CHECK(FakeLogged(lines, "TlsRead(): the TLS handshake did not complete within 1500 ms", LEVEL_WARNING));
    /* The connection stays failed, at once. */
    long started = now_ms();
    char buf[8];
    errno = 0;
    CHECK_INT(TlsRead(worker.server, buf, sizeof buf), -1);
    CHECK_INT(errno, EIO);
    CHECK_INT(TlsWrite(worker.server, "x", 1), -1);
    CHECK_INT(errno, EIO);
    CHECK(now_ms() - started < 1000);
    CHECK_INT(TlsClose(worker.server), 0);
    CHECK(!is_open(stalled[0]));
    /* The peer sees the end of the stream, and no TLS bytes. */
    CHECK_INT(read(stalled[1], buf, sizeof buf), 0);
    close(stalled[1]);
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static int timeout_is_logged_as_a_warning(void)
{
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    CHECK_INT(setenv(TIMEOUT_VAR, "200", 1), 0);
    void *server = TlsInitServer(sv[0], CERT, KEY);
    CHECK_INT(unsetenv(TIMEOUT_VAR), 0);
    CHECK(server != NULL);
    long lines = FakeLogLines();
    char buf[8];
    CHECK_INT(TlsWrite(server, "x", 1), -1);
    CHECK_INT(errno, ETIMEDOUT);
    CHECK_INT(FakeLogLines(), lines + 1);
    CHECK(FakeLogged(lines, "TlsWrite(): the TLS handshake did not complete within 200 ms", LEVEL_WARNING));
    /* Reported once: later failures add no line. */
    CHECK_INT(TlsRead(server, buf, sizeof buf), -1);
    CHECK_INT(FakeLogLines(), lines + 1);
    CHECK_INT(TlsClose(server), 0);
    close(sv[1]);
    return 0;
}

static int close_closes_its_own_descriptor_and_no_other(void)
{
    int zero_was_open = is_open(0);
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int other = open("/dev/null", O_RDONLY);
    CHECK(other >= 0);
    void *server = TlsInitServer(sv[0], CERT, KEY);
    CHECK(server != NULL);
    CHECK_INT(TlsClose(server), 0);
    CHECK(!is_open(sv[0]));
    CHECK(is_open(sv[1]));
    CHECK(is_open(other));
    CHECK_INT(is_open(0), zero_was_open);
    /* No handshake ran: nothing was sent before the end. */
    char buf[8];
    CHECK_INT(read(sv[1], buf, sizeof buf), 0);
    close(sv[1]);
    close(other);
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static int failed_server_init_leaves_the_descriptor_open(void)
{
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    long lines = FakeLogLines();

    errno = 0;
    CHECK(TlsInitServer(sv[0], CERT, FIXTURES "/no-such.key") == NULL);
    CHECK_INT(errno, ENOENT);
    CHECK(FakeLogged(lines, "TlsInitServer(): cannot read the key file " FIXTURES "/no-such.key", LEVEL_ERR));
    CHECK(is_open(sv[0]));

    lines = FakeLogLines();
    errno = 0;
    CHECK(TlsInitServer(sv[0], FIXTURES "/no-such.pem", KEY) == NULL);
    CHECK_INT(errno, ENOENT);
    CHECK(FakeLogged(lines, "TlsInitServer(): cannot read the certificate file", LEVEL_ERR));
    /* A key that is not the certificate's. */
    errno = 0;
    CHECK(TlsInitServer(sv[0], CERT, FIXTURES "/client-ecdsa.key") == NULL);
    CHECK_INT(errno, EINVAL);
    errno = 0;
    CHECK(TlsInitServer(sv[0], CERT, NULL) == NULL);
    CHECK_INT(errno, EINVAL);
    errno = 0;
    CHECK(TlsInitServer(-1, CERT, KEY) == NULL);
    CHECK_INT(errno, EBADF);
    CHECK(is_open(sv[0]));

    /* The descriptor is untouched: still the caller's, and working. */
    CHECK_INT(write(sv[0], "still", 5), 5);
    char buf[8];
    CHECK_INT(read(sv[1], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "still", 5) == 0);
    close(sv[0]);
    close(sv[1]);
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static void *serve_and_discard(void *arg)
{
    void *server = arg;
    char buf[64];
    TlsRead(server, buf, sizeof buf);
    TlsClose(server);
    return NULL;
}

static int client_checks_the_name_and_leaves_the_descriptor_on_failure(void)
{
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    void *server = TlsInitServer(sv[0], CERT, KEY);
    CHECK(server != NULL);
    pthread_t thread;
    CHECK_INT(pthread_create(&thread, NULL, serve_and_discard, server), 0);
    long lines = FakeLogLines();
    errno = 0;
    void *client = TlsInitClient(sv[1], "example.org");
    int client_errno = errno;
    int left_open = is_open(sv[1]);
    /* The caller closes it, as HttpClient does: the server's read ends. */
    close(sv[1]);
    pthread_join(thread, NULL);
    CHECK(client == NULL);
    CHECK_INT(client_errno, EIO);
    CHECK(left_open);
    CHECK(FakeLogged(lines, "TlsInitClient(): the TLS handshake failed", LEVEL_WARNING));
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static int bad_arguments_are_refused(void)
{
    char buf[8];
    errno = 0;
    CHECK_INT(TlsRead(NULL, buf, sizeof buf), -1);
    CHECK_INT(errno, EBADF);
    errno = 0;
    CHECK_INT(TlsWrite(NULL, buf, sizeof buf), -1);
    CHECK_INT(errno, EBADF);
    errno = 0;
    CHECK_INT(TlsClose(NULL), -1);
    CHECK_INT(errno, EBADF);

    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    errno = 0;
    CHECK(TlsInitClient(sv[1], NULL) == NULL);
    CHECK_INT(errno, EINVAL);
    CHECK(is_open(sv[1]));
    void *server = TlsInitServer(sv[0], CERT, KEY);
    CHECK(server != NULL);
    /* Checked before any handshake: nothing goes to the peer. */
    errno = 0;
    CHECK_INT(TlsRead(server, NULL, 16), -1);
    CHECK_INT(errno, EINVAL);
    CHECK_INT(TlsWrite(server, buf, 0), 0);
    CHECK_INT(TlsClose(server), 0);
    CHECK_INT(read(sv[1], buf, sizeof buf), 0);
    close(sv[1]);
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

/* openssl s_client over loopback, TLS 1.3 and 1.2, when the command exists. */
static int openssl_s_client_is_served(void)
{
    if (system("command -v openssl > /dev/null 2>&1") != 0) {
        fprintf(stderr, "openssl_s_client_is_served: no openssl command, nothing checked\n");
        return 0;
    }
    static const char *const versions[] = {"-tls1_3", "-tls1_2"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        int listener = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(listener >= 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof addr;
        CHECK_INT(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
        CHECK_INT(listen(listener, 1), 0);
        CHECK_INT(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
        char command[1024];
        snprintf(command, sizeof command,
                 "printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' | "
                 "openssl s_client -connect 127.0.0.1:%d %s -servername localhost "
                 "-verify_hostname localhost -CAfile %s -verify_return_error -quiet 2> /dev/null",
                 ntohs(addr.sin_port), versions[i], CA);
        FILE *output = popen(command, "r");
        CHECK(output != NULL);
        struct pollfd incoming = {listener, POLLIN, 0};
        int ready = poll(&incoming, 1, 30000);
        int fd = ready == 1 ? accept(listener, NULL, NULL) : -1;
        close(listener);
        void *server = fd >= 0 ? TlsInitServer(fd, CERT, KEY) : NULL;
        char request[512];
        ssize_t got = server ? read_until(server, request, sizeof request, "\r\n\r\n") : -1;
        int answered = got > 0 && strncmp(request, "GET / HTTP/1.0\r\n", 16) == 0 &&
                       TlsWrite(server, (void *)RESPONSE, strlen(RESPONSE)) == (ssize_t)strlen(RESPONSE);
        int closed = server ? TlsClose(server) : -1;
        char seen[512];
        size_t n = fread(seen, 1, sizeof seen - 1, output);
        seen[n] = '\0';
        pclose(output);
        CHECK(fd >= 0);
        CHECK(server != NULL);
        CHECK(answered);
        CHECK_INT(closed, 0);
        CHECK(strstr(seen, "hello") != NULL);
    }
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

int main(void)
{
    /* Before any thread: the client's trust (read at its first TlsInitClient). */
    setenv("SSL_CERT_FILE", CA, 1);
    unsetenv(TIMEOUT_VAR);
    allocations_at_start = FakeLiveAllocations();
    static const struct test_case tests[] = {
        TEST_CASE(server_init_reads_nothing_and_serves_its_own_client),
        TEST_CASE(server_speaks_tls13_and_tls12_to_the_gnutls_api),
        TEST_CASE(stalled_client_costs_its_worker_a_bounded_wait),
        TEST_CASE(timeout_is_logged_as_a_warning),
        TEST_CASE(close_closes_its_own_descriptor_and_no_other),
        TEST_CASE(failed_server_init_leaves_the_descriptor_open),
        TEST_CASE(client_checks_the_name_and_leaves_the_descriptor_on_failure),
        TEST_CASE(bad_arguments_are_refused),
        TEST_CASE(openssl_s_client_is_served),
    };
    return run_tests("cytoplasm-tls", tests, sizeof tests / sizeof tests[0]);
}
