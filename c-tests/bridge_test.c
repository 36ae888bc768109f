/* The bridge between the halves through the C API: a UIA stage satisfied by
 * a client certificate obtained with TLS 1.3 post-handshake authentication
 * (stepup_uia_complete_tls), and enrolment of certificate keys. The server
 * is this process, the client a forked child over a socketpair; both use
 * stepup's GnuTLS API. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <stepup/uia.h>

#include "harness.h"

#ifndef FIXTURES
#error "build with -DFIXTURES=\"path/to/tests/fixtures\""
#endif

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define ALICE "@alice:example.org"
#define DELETE "/_matrix/client/v3/delete_devices"
#define FLOWS "{\"flows\":[{\"stages\":[\"m.login.password\"]},{\"stages\":[\"io.stepup.tls_client_cert\"]}]}"
#define ATTEMPT "{\"auth\":{\"type\":\"io.stepup.tls_client_cert\"}}"

/* What the client offers: a certificate (fixture base name, or NULL for
 * none) and whether it offers post-handshake authentication. */
struct client_kind {
    const char *cert;
    int pha;
};

static gnutls_certificate_credentials_t credentials(const char *base)
{
    gnutls_certificate_credentials_t cred;
    if (gnutls_certificate_allocate_credentials(&cred) < 0)
        return NULL;
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    if (base) {
        char cert[512], key[512];
        snprintf(cert, sizeof cert, FIXTURES "/%s.pem", base);
        snprintf(key, sizeof key, FIXTURES "/%s.key", base);
        if (gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
            fprintf(stderr, "cannot load %s\n", cert);
    }
    return cred;
}

/* The client: handshake, a request, then it answers certificate requests
 * until the server's reply arrives. Exits 0 when the reply came. */
static int run_client(int fd, struct client_kind kind)
{
    gnutls_certificate_credentials_t cred = credentials(kind.cert);
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_CLIENT | (kind.pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
    gnutls_priority_set_direct(s, PRIORITY, NULL);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_transport_set_int(s, fd);
    int status = 1;
    if (gnutls_handshake(s) == 0 && gnutls_record_send(s, "request", 7) == 7) {
        char buf[64];
        for (int i = 0; i < 20; i++) {
            ssize_t n = gnutls_record_recv(s, buf, sizeof buf);
            if (n == GNUTLS_E_REAUTH_REQUEST) {
                if (gnutls_reauth(s, 0) < 0)
                    break;
            } else if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                continue;
            } else {
                status = n == 5 && memcmp(buf, "reply", 5) == 0 ? 0 : 1;
                break;
            }
        }
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    return status;
}

/* A server session after its handshake and the client's request, with the
 * client in a child process. */
struct conn {
    gnutls_session_t session;
    gnutls_certificate_credentials_t cred;
    pid_t child;
};

static int open_conn(struct conn *c, struct client_kind kind)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        return -1;
    fflush(stdout);
    c->child = fork();
    if (c->child < 0)
        return -1;
    if (c->child == 0) {
        close(fds[0]);
        alarm(30);
        _exit(run_client(fds[1], kind));
    }
    close(fds[1]);
    c->cred = credentials("server-ecdsa");
    gnutls_init(&c->session, GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH);
    gnutls_priority_set_direct(c->session, PRIORITY, NULL);
    gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, c->cred);
    /* No CA list in the request: a GnuTLS client then offers whatever it
     * holds (as OpenSSL-based clients always do), so an untrusted
     * certificate reaches the stage's check instead of staying home. */
    gnutls_certificate_send_x509_rdn_sequence(c->session, 1);
    gnutls_transport_set_int(c->session, fds[0]);
    char buf[16];
    if (gnutls_handshake(c->session) != 0 || gnutls_record_recv(c->session, buf, sizeof buf) != 7)
        return -1;
    return 0;
}

/* Sends the reply, closes, and returns the client's exit status. */
static int close_conn(struct conn *c)
{
    gnutls_record_send(c->session, "reply", 5);
    gnutls_bye(c->session, GNUTLS_SHUT_WR);
    gnutls_deinit(c->session);
    gnutls_certificate_free_credentials(c->cred);
    int status = -1;
    waitpid(c->child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static stepup_uia *new_engine(const char *mapping)
{
    char config[512];
    snprintf(config, sizeof config,
             "{\"store\":\"memory\",\"server_name\":\"example.org\"%s%s}", mapping ? ",\"tls_client_cert\":" : "",
             mapping ? mapping : "");
    stepup_uia *engine = NULL;
    return stepup_uia_new(config, &engine) == 0 ? engine : NULL;
}

static stepup_uia_request request_of(const char *user)
{
    stepup_uia_request r = {"POST", DELETE, ATTEMPT, strlen(ATTEMPT), user, NULL};
    return r;
}

/* The errcode of a result's body (a bounded copy), or "" for none. */
static const char *errcode_of(const stepup_uia_result *result)
{
    static char code[64];
    code[0] = '\0';
    const char *body = stepup_uia_result_body(result);
    const char *at = body ? strstr(body, "\"errcode\":\"") : NULL;
    if (at) {
        at += strlen("\"errcode\":\"");
        size_t n = strcspn(at, "\"");
        if (n < sizeof code) {
            memcpy(code, at, n);
            code[n] = '\0';
        }
    }
    return code;
}

/* One attempt at the stage over a fresh connection with a client of `kind`;
 * returns the code and copies the errcode and user of the result. */
struct attempt_result {
    int first_code; /* the first call's */
    int code;
    int status;
    char errcode[64];
    char user[64];
    int client_ok;
};

static int attempt(stepup_uia *engine, struct client_kind kind, const char *user, unsigned flags,
                   struct attempt_result *out)
{
    memset(out, 0, sizeof *out);
    stepup_uia_flows *flows = NULL;
    if (stepup_uia_flows_from_json(FLOWS, &flows) != 0)
        return -1;
    struct conn c;
    if (open_conn(&c, kind) != 0) {
        stepup_uia_flows_free(flows);
        return -1;
    }
    stepup_uia_request req = request_of(user);
    stepup_uia_result *result = NULL;
    out->code = stepup_uia_complete_tls(engine, flows, &req, c.session, flags, &result);
    out->first_code = out->code;
    if (out->code == STEPUP_UIA_REAUTH) {
        /* The host's part: ask, then try again. */
        gnutls_certificate_server_set_request(c.session, GNUTLS_CERT_REQUEST);
        int r;
        int rounds = 0;
        while ((r = gnutls_reauth(c.session, 0)) == GNUTLS_E_AGAIN && ++rounds < 100)
            ;
        if (r == 0)
            out->code = stepup_uia_complete_tls(engine, flows, &req, c.session, flags, &result);
    }
    if (result) {
        out->status = stepup_uia_result_status(result);
        snprintf(out->errcode, sizeof out->errcode, "%s", errcode_of(result));
        const char *u = stepup_uia_result_user(result);
        snprintf(out->user, sizeof out->user, "%s", u ? u : "");
        stepup_uia_result_free(result);
    }
    out->client_ok = close_conn(&c) == 0;
    stepup_uia_flows_free(flows);
    return 0;
}

static const struct client_kind ALICE_PHA = {"client-ecdsa", 1};

static int host_runs_the_reauth_then_completes(void)
{
    stepup_uia *engine = new_engine("{\"san_uri\":\"matrix:u/{localpart}:example.org\"}");
    CHECK(engine != NULL);
    struct attempt_result r;
    CHECK_INT(attempt(engine, ALICE_PHA, ALICE, 0, &r), 0);
    stepup_uia_free(engine);
    CHECK_INT(r.first_code, STEPUP_UIA_REAUTH);
    CHECK_INT(r.code, 1);
    CHECK_STR(r.user, ALICE);
    CHECK(r.client_ok);
    return 0;
}

static int the_engine_runs_the_reauth_when_allowed(void)
{
    stepup_uia *engine = new_engine("{\"subject_cn\":\"{localpart}\"}");
    CHECK(engine != NULL);
    struct attempt_result r;
    CHECK_INT(attempt(engine, ALICE_PHA, ALICE, STEPUP_UIA_TLS_RUN_REAUTH, &r), 0);
    CHECK_INT(r.first_code, 1);
    CHECK_STR(r.user, ALICE);
    CHECK(r.client_ok);
    /* An RSA certificate with the same names works alike. */
    struct client_kind rsa = {"client-rsa", 1};
    CHECK_INT(attempt(engine, rsa, ALICE, STEPUP_UIA_TLS_RUN_REAUTH, &r), 0);
    stepup_uia_free(engine);
    CHECK_INT(r.code, 1);
    return 0;
}

static int refusals_are_responses_and_the_connection_lives_on(void)
{
    stepup_uia *engine = new_engine("{\"san_email\":\"{localpart}@example.org\"}");
    CHECK(engine != NULL);
    struct {
        struct client_kind kind;
        const char *user;
        const char *errcode;
    } cases[] = {
        {{NULL, 1}, ALICE, "IO.STEPUP.CERT_MISSING"},
        {{"client-ecdsa", 0}, ALICE, "IO.STEPUP.CERT_UNAVAILABLE"},
        {{"stranger", 1}, ALICE, "IO.STEPUP.CERT_UNTRUSTED"},
        {{"client-ecdsa", 1}, "@bob:example.org", "IO.STEPUP.CERT_WRONG_USER"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct attempt_result r;
        CHECK_INT(attempt(engine, cases[i].kind, cases[i].user, STEPUP_UIA_TLS_RUN_REAUTH, &r), 0);
        CHECK_INT(r.code, 0);
        CHECK_INT(r.status, 401);
        CHECK_STR(r.errcode, cases[i].errcode);
        CHECK(r.client_ok);
    }
    stepup_uia_free(engine);
    return 0;
}

static int enrolled_keys_map_until_revoked(void)
{
    stepup_uia *engine = new_engine(NULL); /* no field patterns */
    CHECK(engine != NULL);
    FILE *f = fopen(FIXTURES "/client-ecdsa.pem", "rb");
    CHECK(f != NULL);
    unsigned char pem[8192];
    size_t len = fread(pem, 1, sizeof pem, f);
    fclose(f);
    char *fingerprint = NULL;
    CHECK_INT(stepup_uia_cert_enrol(engine, ALICE, pem, len, &fingerprint), 0);
    CHECK(fingerprint != NULL && strlen(fingerprint) == 64);
    CHECK_INT(stepup_uia_cert_enrol(engine, "@bob:example.org", pem, len, NULL), STEPUP_E_ENROLMENT);
    CHECK_INT(stepup_uia_cert_enrol(engine, ALICE, (const unsigned char *)"junk", 4, NULL), STEPUP_E_ENROLMENT);
    char *again = NULL;
    CHECK_INT(stepup_uia_cert_enrol_fingerprint(engine, ALICE, fingerprint, &again), 0);
    CHECK_STR(again, fingerprint);
    stepup_free(again);
    char *json = NULL;
    CHECK_INT(stepup_uia_cert_list(engine, ALICE, &json), 1);
    CHECK(json != NULL && strstr(json, fingerprint) != NULL);
    stepup_free(json);

    struct attempt_result r;
    CHECK_INT(attempt(engine, ALICE_PHA, ALICE, STEPUP_UIA_TLS_RUN_REAUTH, &r), 0);
    CHECK_INT(r.code, 1);

    CHECK_INT(stepup_uia_cert_revoke(engine, ALICE, fingerprint), 1);
    CHECK_INT(stepup_uia_cert_revoke(engine, ALICE, fingerprint), 0);
    CHECK_INT(stepup_uia_cert_list(engine, ALICE, &json), 0);
    CHECK_STR(json, "[]");
    stepup_free(json);
    stepup_free(fingerprint);
    CHECK_INT(attempt(engine, ALICE_PHA, ALICE, STEPUP_UIA_TLS_RUN_REAUTH, &r), 0);
    stepup_uia_free(engine);
    CHECK_INT(r.code, 0);
    CHECK_STR(r.errcode, "IO.STEPUP.CERT_UNKNOWN");
    return 0;
}

static int bad_arguments_get_codes(void)
{
    stepup_uia *engine = new_engine(NULL);
    CHECK(engine != NULL);
    stepup_uia_flows *flows = NULL;
    CHECK_INT(stepup_uia_flows_from_json(FLOWS, &flows), 0);
    stepup_uia_request req = request_of(ALICE);
    stepup_uia_result *result = NULL;
    CHECK_INT(stepup_uia_complete_tls(engine, flows, &req, NULL, 0, &result), STEPUP_E_NULL_POINTER);
    CHECK(result == NULL);
    CHECK_INT(stepup_uia_cert_list(engine, ALICE, NULL), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_cert_revoke(engine, ALICE, "not hex"), 0);
    CHECK_INT(stepup_uia_cert_enrol_fingerprint(engine, ALICE, "abcd", NULL), STEPUP_E_ENROLMENT);
    CHECK_STR(STEPUP_UIA_STAGE_TLS_CLIENT_CERT, "io.stepup.tls_client_cert");
    CHECK(strcmp(stepup_strerror(STEPUP_E_TLS), stepup_strerror(12345)) != 0);
    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    return 0;
}

int main(void)
{
    gnutls_global_init();
    static const struct test_case tests[] = {
        TEST_CASE(host_runs_the_reauth_then_completes),
        TEST_CASE(the_engine_runs_the_reauth_when_allowed),
        TEST_CASE(refusals_are_responses_and_the_connection_lives_on),
        TEST_CASE(enrolled_keys_map_until_revoked),
        TEST_CASE(bad_arguments_get_codes),
    };
    int status = run_tests("bridge_test", tests, sizeof tests / sizeof tests[0]);
    gnutls_global_deinit();
    return status;
}
