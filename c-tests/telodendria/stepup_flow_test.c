/* The certificate step-up inside Telodendria: stepup's Uia.h drop-in and
 * its Cytoplasm TLS backend in one archive (features telodendria and
 * cytoplasm-tls), over the fake Cytoplasm in this directory. A server
 * thread works as a Cytoplasm worker: it reads a request from its
 * connection with TlsRead and runs UiaComplete for the password-change
 * route (flows [[m.login.password]]), as alice (her access token). Its
 * client is stepup's own GnuTLS API (with or without post-handshake auth,
 * with various certificates) or `openssl s_client -enable_pha`.
 *
 * Checks: the flow [io.stepup.tls_client_cert] is offered only when
 * STEPUP_TELODENDRIA_CONFIG names settings and the client offered
 * post-handshake auth; completing it asks the client for its certificate
 * on the live connection; the refusals (no certificate, another user's,
 * unknown, another CA's) are 401 with the session and an IO.STEPUP.CERT_*
 * errcode, and the connection stays usable; two connections served at
 * once each see only their own client's certificate; a thread whose
 * connection closed finds none. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake.h"
#include <gnutls/gnutls.h>
#include <telodendria/Uia.h>

#include "../harness.h"

#define CERT FIXTURES "/server-ecdsa.pem"
#define KEY FIXTURES "/server-ecdsa.key"
#define CA FIXTURES "/ca.pem"
#define CONFIG_VAR "STEPUP_TELODENDRIA_CONFIG"
#define STAGE "io.stepup.tls_client_cert"

static const char *const PASSWORD = "/_matrix/client/v3/account/password";
/* The flows as the drop-in answers them when it adds the certificate flow. */
static const char *const BOTH_FLOWS =
    "\"flows\":[{\"stages\":[\"m.login.password\"]},{\"stages\":[\"" STAGE "\"]}]";

static Db *db;
static char config_path[256];
static char config_dir[128];
/* Telodendria serialises its routes on the database lock; the fake Db has
 * none, so calls of UiaComplete take this one. */
static pthread_mutex_t route_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the client: stepup's GnuTLS API, in its own thread ----------------- */

struct client {
    int fd;
    const char *cert;     /* a fixture's base name, or NULL for none */
    int pha;              /* offer post-handshake authentication */
    int requests;         /* how many "go" lines to send, each answered "done" */
    int reauths;          /* certificate requests answered */
    int done;             /* "done" lines read */
};

/* Reads until "done\n", answering certificate requests; 0 when it came. */
static int client_wait_done(gnutls_session_t session, struct client *c)
{
    char buf[64];
    size_t got = 0;
    for (int i = 0; i < 64; i++) {
        ssize_t n = gnutls_record_recv(session, buf + got, sizeof buf - 1 - got);
        if (n == GNUTLS_E_REAUTH_REQUEST) {
            int ret;
            do
                ret = gnutls_reauth(session, 0);
            while (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED);
            if (ret < 0)
                return -1;
            c->reauths++;
            continue;
        }
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "done\n"))
            return 0;
        if (got + 1 >= sizeof buf)
            return -1;
    }
    return -1;
}

static void *client_run(void *arg)
{
    struct client *c = arg;
    gnutls_certificate_credentials_t creds = NULL;
    gnutls_session_t session = NULL;
    char cert[256], key[256];
    if (gnutls_certificate_allocate_credentials(&creds) < 0 ||
        gnutls_certificate_set_x509_trust_file(creds, CA, GNUTLS_X509_FMT_PEM) != 1)
        goto done;
    if (c->cert) {
        snprintf(cert, sizeof cert, "%s/%s.pem", FIXTURES, c->cert);
        snprintf(key, sizeof key, "%s/%s.key", FIXTURES, c->cert);
        if (gnutls_certificate_set_x509_key_file(creds, cert, key, GNUTLS_X509_FMT_PEM) < 0)
            goto done;
    }
    if (gnutls_init(&session, GNUTLS_CLIENT | (c->pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0)) < 0 ||
        gnutls_set_default_priority(session) < 0 ||
        gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, creds) < 0)
        goto done;
    gnutls_session_set_verify_cert(session, "localhost", 0);
    gnutls_transport_set_int(session, c->fd);
    gnutls_handshake_set_timeout(session, 20000);
    int ret;
    do
        ret = gnutls_handshake(session);
    while (ret < 0 && !gnutls_error_is_fatal(ret));
    if (ret < 0)
        goto done;
    for (int i = 0; i < c->requests; i++) {
        if (gnutls_record_send(session, "go\n", 3) != 3 || client_wait_done(session, c) != 0)
            goto done;
        c->done++;
    }
    gnutls_bye(session, GNUTLS_SHUT_WR);
done:
    if (session)
        gnutls_deinit(session);
    if (creds)
        gnutls_certificate_free_credentials(creds);
    close(c->fd);
    return NULL;
}

/* ---- the server: a Cytoplasm worker running the password-change route ---- */

/* What one request sends as its "auth", and what must come back. */
struct step {
    const char *auth;       /* "": no auth; "session": only the session; else a stage type */
    const char *password;   /* for m.login.password */
    int code;               /* UiaComplete's return */
    int status;             /* the HTTP status */
    const char *has;        /* a part of the response, or NULL */
    const char *lacks;      /* what the response must not hold, or NULL */
};

/* Runs the route once for the request just read: alice changes her
 * password. Fills `session` from the response when it names one. */
static int route(Array *flows, const struct step *s, char *session, size_t session_len)
{
    char body[512], auth[256] = "";
    if (strcmp(s->auth, "session") == 0)
        snprintf(auth, sizeof auth, ",\"auth\":{\"session\":\"%s\"}", session);
    else if (strcmp(s->auth, "m.login.password") == 0)
        snprintf(auth, sizeof auth,
                 ",\"auth\":{\"type\":\"m.login.password\",\"session\":\"%s\",\"password\":\"%s\","
                 "\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"}}",
                 session, s->password);
    else if (*s->auth && *session)
        snprintf(auth, sizeof auth, ",\"auth\":{\"type\":\"%s\",\"session\":\"%s\"}", s->auth, session);
    else if (*s->auth)
        snprintf(auth, sizeof auth, ",\"auth\":{\"type\":\"%s\"}", s->auth);
    snprintf(body, sizeof body, "{\"new_password\":\"new-pw\",\"logout_devices\":false%s}", auth);

    HttpServerContext *ctx = FakeContext(HTTP_POST, PASSWORD, "tok-alice");
    HashMap *request = FakeJsonParse(body);
    HashMap *response = NULL;
    Config config;
    memset(&config, 0, sizeof config);
    config.serverName = "example.org";
    pthread_mutex_lock(&route_lock);
    int code = UiaComplete(flows, ctx, db, request, &response, config);
    pthread_mutex_unlock(&route_lock);
    int status = FakeContextStatus(ctx);
    char *text = response ? FakeJsonEncode(response) : NULL;
    if (response)
        JsonFree(response);
    JsonFree(request);
    FakeContextFree(ctx);
    if (text)
        harness_json_session(text, session, session_len);
    int ok = code == s->code && status == s->status && (!s->has || (text && strstr(text, s->has))) &&
             (!s->lacks || !text || !strstr(text, s->lacks));
    if (!ok)
        fprintf(stderr, "route: auth \"%s\": code %d, status %d, response %s\n", s->auth, code, status,
                text ? text : "(none)");
    free(text);
    return ok ? 0 : -1;
}

static Array *password_flows(void)
{
    Array *flows = ArrayCreate();
    Array *flow = ArrayCreate();
    ArrayAdd(flow, UiaStageBuild("m.login.password", NULL));
    ArrayAdd(flows, flow);
    return flows;
}

/* Reads "go\n" from the connection, as a worker reads a request. */
static int read_request(void *cookie)
{
    char buf[8];
    size_t got = 0;
    while (got < 3) {
        ssize_t n = TlsRead(cookie, buf + got, 3 - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return memcmp(buf, "go\n", 3) == 0 ? 0 : -1;
}

struct worker {
    int fd;
    const struct step *steps;
    size_t count;
    pthread_barrier_t *after_first_read;  /* or NULL */
    int failed_step;                      /* -1 when all went as expected */
};

/* Serves the steps on one connection; failed_step says which went wrong. */
static void *worker_run(void *arg)
{
    struct worker *w = arg;
    Array *flows = password_flows();
    char session[128] = "";
    void *cookie = TlsInitServer(w->fd, CERT, KEY);
    w->failed_step = cookie ? -1 : 0;
    for (size_t i = 0; cookie && i < w->count && w->failed_step < 0; i++) {
        if (read_request(cookie) != 0) {
            w->failed_step = (int)i;
            break;
        }
        if (i == 0 && w->after_first_read)
            pthread_barrier_wait(w->after_first_read);
        if (route(flows, &w->steps[i], session, sizeof session) != 0 || TlsWrite(cookie, "done\n", 5) != 5)
            w->failed_step = (int)i;
    }
    if (w->failed_step >= 0 && w->after_first_read && w->failed_step == 0)
        fprintf(stderr, "worker: the first step failed\n");
    if (cookie && TlsClose(cookie) != 0 && w->failed_step < 0)
        w->failed_step = (int)w->count;
    UiaFlowsFree(flows);
    return NULL;
}

/* One connection: the client in a thread, the steps served here. Returns
 * the client's state through *client_out. */
static int serve(struct client client, const struct step *steps, size_t count, struct client *client_out)
{
    int sv[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    client.fd = sv[1];
    client.requests = (int)count;
    struct worker w = {sv[0], steps, count, NULL, -1};
    pthread_t thread;
    CHECK_INT(pthread_create(&thread, NULL, client_run, &client), 0);
    worker_run(&w);
    pthread_join(thread, NULL);
    *client_out = client;
    CHECK_INT(w.failed_step, -1);
    CHECK_INT(client.done, (long long)count);
    return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static long allocations_at_start;

static int a_client_that_offered_pha_gets_the_flow_and_completes_it_with_its_certificate(void)
{
    const struct step steps[] = {
        {"", NULL, 0, 401, BOTH_FLOWS, NULL},
        {STAGE, NULL, 1, 200, NULL, NULL},
    };
    struct client c = {.cert = "client-ecdsa", .pha = 1}, seen;
    CHECK_INT(serve(c, steps, 2, &seen), 0);
    CHECK_INT(seen.reauths, 1);
    return 0;
}

static int enrolled_keys_count_too(void)
{
    /* The revoked fixture (CN mallory, no URI) is enrolled for bob in the
     * settings: bob's key, refused for alice's session. */
    const struct step steps[] = {
        {"", NULL, 0, 401, BOTH_FLOWS, NULL},
        {STAGE, NULL, 0, 401, "\"errcode\":\"IO.STEPUP.CERT_WRONG_USER\"", NULL},
        {"m.login.password", "alice-pw", 1, 200, NULL, NULL},
    };
    struct client c = {.cert = "revoked", .pha = 1}, seen;
    CHECK_INT(serve(c, steps, 3, &seen), 0);
    CHECK_INT(seen.reauths, 1);
    return 0;
}

static int refusals_are_401s_and_the_connection_stays_usable(void)
{
    static const struct {
        const char *cert;
        const char *errcode;
    } cases[] = {
        /* Asked, and sends an empty Certificate. */
        {NULL, "IO.STEPUP.CERT_MISSING"},
        /* Alice's name, but not in the mapped field (no URI). */
        {"client-rsa-pss", "IO.STEPUP.CERT_UNKNOWN"},
        /* Only another CA's certificate: a GnuTLS client sends none. */
        {"stranger", "IO.STEPUP.CERT_MISSING"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char errcode[128];
        snprintf(errcode, sizeof errcode, "\"errcode\":\"%s\"", cases[i].errcode);
        const struct step steps[] = {
            {"", NULL, 0, 401, BOTH_FLOWS, NULL},
            {STAGE, NULL, 0, 401, errcode, NULL},
            /* The session state comes with the refusal. */
            {"session", NULL, 0, 401, "\"completed\":[]", NULL},
            /* The password flow still works, on the same connection. */
            {"m.login.password", "alice-pw", 1, 200, NULL, NULL},
        };
        struct client c = {.cert = cases[i].cert, .pha = 1}, seen;
        if (serve(c, steps, 4, &seen) != 0) {
            fprintf(stderr, "refusal case %zu failed\n", i);
            return 1;
        }
        CHECK_INT(seen.reauths, 1);
    }
    return 0;
}

static int a_client_without_pha_never_sees_the_flow(void)
{
    const struct step steps[] = {
        {"", NULL, 0, 401, "\"flows\":[{\"stages\":[\"m.login.password\"]}]", STAGE},
        /* Attempting the stage anyway: not in any flow offered. */
        {STAGE, NULL, 0, 401, "\"errcode\":\"M_FORBIDDEN\"", NULL},
    };
    struct client c = {.cert = "client-ecdsa", .pha = 0}, seen;
    CHECK_INT(serve(c, steps, 2, &seen), 0);
    CHECK_INT(seen.reauths, 0);
    return 0;
}

static int without_the_settings_nothing_is_added(void)
{
    /* No thread of this test runs yet: the environment may change. */
    unsetenv(CONFIG_VAR);
    const struct step steps[] = {
        {"", NULL, 0, 401, "\"flows\":[{\"stages\":[\"m.login.password\"]}]", STAGE},
    };
    struct client c = {.cert = "client-ecdsa", .pha = 1}, seen;
    int failed = serve(c, steps, 1, &seen);
    setenv(CONFIG_VAR, config_path, 1);
    CHECK_INT(failed, 0);
    CHECK_INT(seen.reauths, 0);
    return 0;
}

static int two_connections_at_once_each_see_their_own_certificate(void)
{
    /* Both workers read their request before either runs the route: a
     * connection noted for the process, not the thread, would be shared. */
    const struct step alice_steps[] = {{STAGE, NULL, 1, 200, NULL, NULL}};
    const struct step bob_steps[] = {{STAGE, NULL, 0, 401, "IO.STEPUP.CERT_WRONG_USER", NULL}};
    pthread_barrier_t barrier;
    CHECK_INT(pthread_barrier_init(&barrier, NULL, 2), 0);
    int a[2], b[2];
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    struct client ca = {.fd = a[1], .cert = "client-ecdsa", .pha = 1, .requests = 1};
    struct client cb = {.fd = b[1], .cert = "revoked", .pha = 1, .requests = 1};
    struct worker wa = {a[0], alice_steps, 1, &barrier, -1};
    struct worker wb = {b[0], bob_steps, 1, &barrier, -1};
    pthread_t threads[4];
    CHECK_INT(pthread_create(&threads[0], NULL, client_run, &ca), 0);
    CHECK_INT(pthread_create(&threads[1], NULL, client_run, &cb), 0);
    CHECK_INT(pthread_create(&threads[2], NULL, worker_run, &wa), 0);
    CHECK_INT(pthread_create(&threads[3], NULL, worker_run, &wb), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&barrier);
    CHECK_INT(wa.failed_step, -1);
    CHECK_INT(wb.failed_step, -1);
    CHECK_INT(ca.reauths, 1);
    CHECK_INT(cb.reauths, 1);
    return 0;
}

static int a_closed_connection_is_not_found(void)
{
    /* This thread served connections above and closed them: a request it
     * serves now (plain HTTP, no TlsRead) gets no certificate flow. */
    Array *flows = password_flows();
    char session[128] = "";
    const struct step start = {"", NULL, 0, 401, "\"flows\":[{\"stages\":[\"m.login.password\"]}]", STAGE};
    int failed = route(flows, &start, session, sizeof session);
    UiaFlowsFree(flows);
    CHECK_INT(failed, 0);
    return 0;
}

/* openssl s_client with post-handshake auth, over loopback: alice's
 * certificate completes the stage, another CA's is untrusted. */
static int openssl_s_client_answers_the_request(void)
{
    if (system("command -v openssl > /dev/null 2>&1") != 0) {
        fprintf(stderr, "openssl_s_client_answers_the_request: SKIPPED, no openssl command\n");
        return 0;
    }
    static const struct {
        const char *cert;
        struct step step;
    } cases[] = {
        {"client-ecdsa", {STAGE, NULL, 1, 200, NULL, NULL}},
        {"stranger", {STAGE, NULL, 0, 401, "IO.STEPUP.CERT_UNTRUSTED", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int listener = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(listener >= 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof addr;
        CHECK_INT(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
        CHECK_INT(listen(listener, 1), 0);
        CHECK_INT(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
        char command[1024];
        snprintf(command, sizeof command,
                 "printf 'go\\n' | timeout 60 openssl s_client -connect 127.0.0.1:%d -tls1_3 -enable_pha "
                 "-cert %s/%s.pem -key %s/%s.key -CAfile %s -verify_return_error -quiet -ign_eof 2> /dev/null",
                 ntohs(addr.sin_port), FIXTURES, cases[i].cert, FIXTURES, cases[i].cert, CA);
        FILE *output = popen(command, "r");
        CHECK(output != NULL);
        struct pollfd incoming = {listener, POLLIN, 0};
        int ready = poll(&incoming, 1, 30000);
        int fd = ready == 1 ? accept(listener, NULL, NULL) : -1;
        close(listener);
        struct worker w = {fd, &cases[i].step, 1, NULL, -1};
        if (fd >= 0)
            worker_run(&w);
        char seen[256];
        size_t n = fread(seen, 1, sizeof seen - 1, output);
        seen[n] = '\0';
        pclose(output);
        CHECK(fd >= 0);
        CHECK_INT(w.failed_step, -1);
        CHECK(strstr(seen, "done") != NULL);
    }
    return 0;
}

static int nothing_left_locked_or_allocated(void)
{
    CHECK_INT(FakeOpenRefs(), 0);
    CHECK_INT(FakeLockedUsers(), 0);
    FakeDbFree(db);
    db = NULL;
    /* Every cookie and every response was freed. */
    CHECK_INT(FakeLiveAllocations(), allocations_at_start);
    return 0;
}

static int write_config(void)
{
    snprintf(config_dir, sizeof config_dir, "/tmp/stepup-flow-XXXXXX");
    if (!mkdtemp(config_dir))
        return -1;
    snprintf(config_path, sizeof config_path, "%s/stepup.json", config_dir);
    FILE *f = fopen(config_path, "w");
    if (!f)
        return -1;
    /* The enrolled fingerprint is SHA-256 of revoked.pem's
     * SubjectPublicKeyInfo (openssl x509 -pubkey | openssl pkey -pubin
     * -outform der | sha256sum). */
    fprintf(f, "{\"client_ca\": \"%s\",\n"
               " \"tls_client_cert\": {\"san_uri\": \"matrix:u/{localpart}:example.org\"},\n"
               " \"enrolled\": {\"bob\": [\"bfa49d220a3c66f0cc61987491707486b3c6b760156fcb7dc0df8159400f3646\"]}}\n",
            CA);
    return fclose(f) == 0 ? 0 : -1;
}

int main(void)
{
    if (write_config() != 0) {
        perror("stepup_flow: cannot write the settings");
        return 1;
    }
    /* Before any thread: the settings, read at each TlsInitServer. */
    setenv(CONFIG_VAR, config_path, 1);
    allocations_at_start = FakeLiveAllocations();
    db = FakeDbCreate();
    FakeUserAdd("alice", "alice-pw");
    FakeUserAdd("bob", "bob-pw");
    FakeAccessTokenAdd("tok-alice", "alice");
    static const struct test_case tests[] = {
        TEST_CASE(a_client_that_offered_pha_gets_the_flow_and_completes_it_with_its_certificate),
        TEST_CASE(enrolled_keys_count_too),
        TEST_CASE(refusals_are_401s_and_the_connection_stays_usable),
        TEST_CASE(a_client_without_pha_never_sees_the_flow),
        TEST_CASE(without_the_settings_nothing_is_added),
        TEST_CASE(two_connections_at_once_each_see_their_own_certificate),
        TEST_CASE(a_closed_connection_is_not_found),
        TEST_CASE(openssl_s_client_answers_the_request),
        TEST_CASE(nothing_left_locked_or_allocated),
    };
    int status = run_tests("stepup-flow", tests, sizeof tests / sizeof tests[0]);
    unlink(config_path);
    rmdir(config_dir);
    if (db)
        FakeDbFree(db);
    FakeUsersFree();
    return status;
}
