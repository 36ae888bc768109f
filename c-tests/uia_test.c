/* The native UIA API driven from C only: registration behind
 * [m.login.registration_token, m.login.dummy] and a password-protected
 * device deletion, checking every JSON response. Built static, dynamic and
 * dlopen, run under valgrind. */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stepup/uia.h>

#include "harness.h"

static const char *const REGISTER = "/_matrix/client/v3/register";
static const char *const DELETE_DEVICES = "/_matrix/client/v3/delete_devices";

static int password_calls;

static int check_password(void *ctx, const char *user_id, const char *password)
{
    password_calls++;
    if (ctx != (void *)&password_calls)
        return -1; /* the context must come back unchanged */
    return strcmp(user_id, "@alice:example.org") == 0 && strcmp(password, "correct horse") == 0;
}

static int otp_stage(void *ctx, const char *stage_type, const char *auth_json, const char *session,
                     const char *requesting_user, stepup_uia_verdict *verdict)
{
    (void)ctx;
    (void)session;
    if (strcmp(stage_type, "org.example.otp") != 0)
        return -1;
    if (strstr(auth_json, "\"code\":\"424242\"") != NULL) {
        if (requesting_user)
            stepup_uia_verdict_set_user(verdict, requesting_user);
        return 1;
    }
    stepup_uia_verdict_set_error(verdict, "M_FORBIDDEN", "wrong one-time code");
    return 0;
}

/* Runs one request; returns the stepup_uia_complete code, result in *out. */
static int complete(stepup_uia *engine, stepup_uia_flows *flows, const char *path, const char *body,
                    const char *user, stepup_uia_result **out)
{
    stepup_uia_request req = {"POST", path, body, body ? strlen(body) : 0, user, NULL};
    *out = NULL;
    return stepup_uia_complete(engine, flows, &req, out);
}

static stepup_uia *new_engine(const char *config)
{
    stepup_uia *engine = NULL;
    if (stepup_uia_new(config, &engine) != 0)
        return NULL;
    stepup_uia_set_password_checker(engine, check_password, &password_calls);
    stepup_uia_register_stage(engine, "org.example.otp", otp_stage, NULL);
    return engine;
}

static int registration_flow(const char *config)
{
    stepup_uia *engine = new_engine(config);
    CHECK(engine != NULL);
    stepup_uia_flows *flows = NULL;
    const char *stages[] = {"m.login.registration_token", "m.login.dummy"};
    CHECK_INT(stepup_uia_flows_new(&flows), 0);
    CHECK_INT(stepup_uia_flows_add(flows, stages, 2), 0);
    CHECK_INT(stepup_uia_token_put(engine, "invite-42", 1, 0), 0);

    stepup_uia_result *r;
    char session[128], body[512];
    /* 1. No auth: 401 with flows, params and a session. */
    CHECK_INT(complete(engine, flows, REGISTER, "{\"username\":\"carol\"}", NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r),
                 "\"flows\":[{\"stages\":[\"m.login.registration_token\",\"m.login.dummy\"]}]") != NULL);
    CHECK(strstr(stepup_uia_result_body(r), "\"params\":{") != NULL);
    CHECK(strstr(stepup_uia_result_body(r), "\"completed\":[]") != NULL);
    CHECK(harness_json_session(stepup_uia_result_body(r), session, sizeof session));
    CHECK(stepup_uia_result_session(r) == NULL);
    stepup_uia_result_free(r);

    /* 2. A wrong token: 401, errcode, nothing completed. */
    snprintf(body, sizeof body,
             "{\"username\":\"carol\",\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"nope\","
             "\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_UNAUTHORIZED\"") != NULL);
    CHECK(strstr(stepup_uia_result_body(r), "\"completed\":[]") != NULL);
    stepup_uia_result_free(r);

    /* 3. The right token: 401 with completed, and a pending use. */
    snprintf(body, sizeof body,
             "{\"username\":\"carol\",\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"invite-42\","
             "\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"completed\":[\"m.login.registration_token\"]") != NULL);
    stepup_uia_result_free(r);
    int64_t allowed = 0;
    uint64_t pending = 9, completed = 9;
    CHECK_INT(stepup_uia_token_get(engine, "invite-42", &allowed, &pending, &completed), 1);
    CHECK_INT(allowed, 1);
    CHECK_INT(pending, 1);
    CHECK_INT(completed, 0);

    /* 4. Dummy: done, with this request's body; no token (it came in an
     *    earlier request, and the engine keeps only its digest). */
    snprintf(body, sizeof body,
             "{\"username\":\"carol\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 1);
    CHECK_INT(stepup_uia_result_status(r), 200);
    CHECK(stepup_uia_result_body(r) == NULL);
    CHECK_STR(stepup_uia_result_session(r), session);
    CHECK(stepup_uia_result_token(r) == NULL);
    CHECK_STR(stepup_uia_result_flow(r), "[\"m.login.registration_token\",\"m.login.dummy\"]");
    CHECK_STR(stepup_uia_result_request_body(r), "{\"username\":\"carol\"}");
    CHECK(stepup_uia_result_user(r) == NULL);
    CHECK_INT(stepup_uia_result_replayed(r), 0);
    stepup_uia_result_free(r);
    CHECK_INT(stepup_uia_token_get(engine, "invite-42", NULL, &pending, &completed), 1);
    CHECK_INT(pending, 0);
    CHECK_INT(completed, 1);

    /* 5. The same request again: replayed; another body: refused. */
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 1);
    CHECK_INT(stepup_uia_result_replayed(r), 1);
    stepup_uia_result_free(r);
    snprintf(body, sizeof body,
             "{\"username\":\"mallory\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 403);
    CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_FORBIDDEN\"") != NULL);
    stepup_uia_result_free(r);

    /* 6. The used-up token cannot start a second registration. */
    CHECK_INT(complete(engine, flows, REGISTER,
                       "{\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"invite-42\"}}", NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_UNAUTHORIZED\"") != NULL);
    stepup_uia_result_free(r);

    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    return 0;
}

static int registration_on_memory_store(void)
{
    return registration_flow("{\"store\":\"memory\",\"server_name\":\"example.org\"}");
}

/* Removes a SQLite database at `path` with its -wal and -shm files, and
 * its directory `dir`. */
static void remove_database(const char *dir, const char *path)
{
    char wal[300], shm[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
}

static int registration_on_sqlite_store(void)
{
    char dir[] = "/tmp/stepup-uia-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], config[512];
    snprintf(path, sizeof path, "%s/uia.db", dir);
    snprintf(config, sizeof config, "{\"store\":\"sqlite:%s\",\"server_name\":\"example.org\"}", path);
    int failed = registration_flow(config);
    remove_database(dir, path);
    return failed;
}

/* A server that forks after opening the SQLite store (a pre-forking
 * server) and frees the engine in the child: the child must neither hang on
 * nor touch the parent's checkpoint thread. (SQLite forbids using a
 * connection across fork, so the child does no completion.) */
static int sqlite_store_survives_fork(void)
{
    char dir[] = "/tmp/stepup-uia-fork-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], config[512];
    snprintf(path, sizeof path, "%s/uia.db", dir);
    snprintf(config, sizeof config,
             "{\"store\":\"sqlite:%s\",\"server_name\":\"example.org\",\"max_new_sessions\":0}", path);
    stepup_uia *engine = new_engine(config);
    CHECK(engine != NULL);
    stepup_uia_flows *flows = NULL;
    CHECK_INT(stepup_uia_flows_from_json("{\"flows\":[{\"stages\":[\"m.login.dummy\"]}]}", &flows), 0);
    stepup_uia_result *r = NULL;
    CHECK_INT(complete(engine, flows, REGISTER, "{}", NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    stepup_uia_result_free(r);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* A panic inside the free is caught at the API boundary, so the
         * only trace of one is its message: catch stderr and demand none. */
        FILE *err = tmpfile();
        if (err == NULL || dup2(fileno(err), 2) < 0)
            _exit(2);
        stepup_uia_free(engine);
        stepup_uia_flows_free(flows);
        _exit(lseek(2, 0, SEEK_END) == 0 ? 0 : 1);
    }
    /* Bounded: a child stuck in the engine's free is killed and fails. */
    int status = 0;
    pid_t done = 0;
    for (int waited_ms = 0; waited_ms < 60000 && done == 0; waited_ms += 10) {
        done = waitpid(child, &status, WNOHANG);
        if (done == 0) {
            struct timespec pause = {0, 10 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    if (done == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    CHECK(done == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The parent's engine still works after the child is gone, past the
     * checkpoint thread's wake-up mark. */
    for (int i = 0; i < 400; i++) {
        CHECK_INT(complete(engine, flows, REGISTER, "{}", NULL, &r), 0);
        CHECK_INT(stepup_uia_result_status(r), 401);
        stepup_uia_result_free(r);
    }
    stepup_uia_free(engine);
    stepup_uia_flows_free(flows);
    remove_database(dir, path);
    return 0;
}

static int password_protected_device_deletion(void)
{
    stepup_uia *engine = new_engine("{\"store\":\"memory\",\"server_name\":\"example.org\"}");
    CHECK(engine != NULL);
    stepup_uia_flows *flows = NULL;
    CHECK_INT(stepup_uia_flows_from_json(
                  "{\"flows\":[{\"stages\":[\"m.login.password\"]},{\"stages\":[\"org.example.otp\"]}]}", &flows),
              0);
    const char *alice = "@alice:example.org";
    stepup_uia_result *r;
    char session[128], body[512];

    CHECK_INT(complete(engine, flows, DELETE_DEVICES, "{\"devices\":[\"ABC\"]}", alice, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "{\"stages\":[\"m.login.password\"]}") != NULL);
    CHECK(harness_json_session(stepup_uia_result_body(r), session, sizeof session));
    stepup_uia_result_free(r);

    /* A wrong password: 401 with M_FORBIDDEN and the flows again. */
    password_calls = 0;
    snprintf(body, sizeof body,
             "{\"devices\":[\"ABC\"],\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
             "\"user\":\"alice\"},\"password\":\"hunter2\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, DELETE_DEVICES, body, alice, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_FORBIDDEN\"") != NULL);
    CHECK(strstr(stepup_uia_result_body(r), "\"flows\":") != NULL);
    CHECK_INT(password_calls, 1);
    stepup_uia_result_free(r);

    /* Another user's session cannot be used by bob. */
    CHECK_INT(complete(engine, flows, DELETE_DEVICES, body, "@bob:example.org", &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 403);
    stepup_uia_result_free(r);

    /* The right password: done, authenticating alice. */
    snprintf(body, sizeof body,
             "{\"devices\":[\"ABC\"],\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
             "\"user\":\"alice\"},\"password\":\"correct horse\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, DELETE_DEVICES, body, alice, &r), 1);
    CHECK_STR(stepup_uia_result_user(r), alice);
    CHECK_STR(stepup_uia_result_flow(r), "[\"m.login.password\"]");
    CHECK_STR(stepup_uia_result_request_body(r), "{\"devices\":[\"ABC\"]}");
    stepup_uia_result_free(r);

    /* The custom stage path, through the registered validator. */
    CHECK_INT(complete(engine, flows, DELETE_DEVICES,
                       "{\"auth\":{\"type\":\"org.example.otp\",\"code\":\"000000\"}}", alice, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"error\":\"wrong one-time code\"") != NULL);
    CHECK(harness_json_session(stepup_uia_result_body(r), session, sizeof session));
    stepup_uia_result_free(r);
    snprintf(body, sizeof body, "{\"auth\":{\"type\":\"org.example.otp\",\"code\":\"424242\",\"session\":\"%s\"}}",
             session);
    CHECK_INT(complete(engine, flows, DELETE_DEVICES, body, alice, &r), 1);
    CHECK_STR(stepup_uia_result_user(r), alice);
    stepup_uia_result_free(r);

    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    return 0;
}

static int bad_input_gets_codes_not_crashes(void)
{
    stepup_uia *engine = NULL;
    stepup_uia_flows *flows = NULL;
    stepup_uia_result *r = (stepup_uia_result *)0x1; /* must stay untouched on error */
    CHECK_INT(stepup_uia_new("{\"store\":\"memory\"}", NULL), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_new("{\"stor\":\"memory\"}", &engine), STEPUP_E_CONFIG);
    CHECK(engine == NULL);
    CHECK_INT(stepup_uia_new("{\"store\":\"nowhere:x\"}", &engine), STEPUP_E_STORE);
    CHECK_INT(stepup_uia_new("{\"store\":\"memory\"}", &engine), 0);
    CHECK_INT(stepup_uia_flows_from_json("{\"flows\":[]}", &flows), STEPUP_E_FLOWS);
    CHECK_INT(stepup_uia_flows_from_json(NULL, &flows), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_flows_dummy(&flows), 0);
    stepup_uia_request req = {"POST", REGISTER, NULL, 0, NULL, NULL};
    CHECK_INT(stepup_uia_complete(NULL, flows, &req, &r), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_complete(engine, NULL, &req, &r), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_complete(engine, flows, NULL, &r), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_complete(engine, flows, &req, NULL), STEPUP_E_NULL_POINTER);
    req.method = NULL;
    CHECK_INT(stepup_uia_complete(engine, flows, &req, &r), STEPUP_E_NULL_POINTER);
    req.method = "POST";
    req.body_len = 10; /* a length without a body */
    CHECK_INT(stepup_uia_complete(engine, flows, &req, &r), STEPUP_E_NULL_POINTER);
    CHECK(r == (stepup_uia_result *)0x1);
    /* Malformed bodies are the client's fault: a 4xx response, not an error. */
    const char *bodies[] = {"{", "[]", "{\"auth\":5}", "\xff\xfe"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        CHECK_INT(complete(engine, flows, REGISTER, bodies[i], NULL, &r), 0);
        CHECK_INT(stepup_uia_result_status(r), 400);
        CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_") != NULL);
        stepup_uia_result_free(r);
    }
    /* A password stage without a checker fails closed. */
    stepup_uia_flows *password = NULL;
    CHECK_INT(stepup_uia_flows_from_json("{\"flows\":[{\"stages\":[\"m.login.password\"]}]}", &password), 0);
    r = NULL;
    CHECK_INT(complete(engine, password, REGISTER,
                       "{\"auth\":{\"type\":\"m.login.password\",\"user\":\"a\",\"password\":\"b\"}}", NULL, &r),
              STEPUP_E_MISSING_HOOK);
    CHECK(r == NULL);
    CHECK(stepup_uia_result_body(NULL) == NULL);
    CHECK_INT(stepup_uia_result_status(NULL), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_register_stage(engine, "m.login.password", otp_stage, NULL), STEPUP_E_CONFIG);
    CHECK_INT(stepup_uia_token_put(engine, "bad token!", 1, 0), STEPUP_E_CONFIG);
    CHECK_INT(stepup_uia_cleanup(NULL), STEPUP_E_NULL_POINTER);
    CHECK_INT(stepup_uia_cleanup(engine), 0);
    stepup_uia_flows_free(password);
    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    stepup_uia_free(NULL);
    stepup_uia_flows_free(NULL);
    stepup_uia_result_free(NULL);
    return 0;
}

static int fallback_step_then_endpoint_completes(void)
{
    stepup_uia *engine = new_engine("{\"store\":\"memory\",\"server_name\":\"example.org\"}");
    CHECK(engine != NULL);
    stepup_uia_flows *flows = NULL;
    CHECK_INT(stepup_uia_flows_from_json("{\"flows\":[{\"stages\":[\"m.login.terms\"]}]}", &flows), 0);
    stepup_uia_result *r;
    char session[128], body[256];
    CHECK_INT(complete(engine, flows, REGISTER, "{\"username\":\"dana\"}", NULL, &r), 0);
    CHECK(harness_json_session(stepup_uia_result_body(r), session, sizeof session));
    stepup_uia_result_free(r);

    /* The page posts the stage; the session advances but is not completed. */
    snprintf(body, sizeof body, "{\"auth\":{\"session\":\"%s\"}}", session);
    stepup_uia_request page = {"POST", "/_matrix/client/v3/auth/m.login.terms/fallback/web", body, strlen(body), NULL, NULL};
    CHECK_INT(stepup_uia_complete_fallback(engine, "m.login.terms", &page, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    CHECK(strstr(stepup_uia_result_body(r), "\"completed\":[\"m.login.terms\"]") != NULL);
    stepup_uia_result_free(r);
    CHECK_INT(stepup_uia_complete_fallback(engine, "not a type", &page, &r), STEPUP_E_INVALID_ARGUMENT);

    /* The client repeats its request with the session: done. */
    snprintf(body, sizeof body, "{\"username\":\"dana\",\"auth\":{\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, body, NULL, &r), 1);
    CHECK_STR(stepup_uia_result_flow(r), "[\"m.login.terms\"]");
    stepup_uia_result_free(r);
    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    return 0;
}

/* Hole 7: sessions started from one client address are bounded (429 with
 * retry_after_ms past the bound), other addresses are not held back, and a
 * session refuses a body other than the one it was started for. */
static int new_sessions_are_bounded_per_client_address(void)
{
    stepup_uia *engine = NULL;
    CHECK_INT(stepup_uia_new("{\"store\":\"memory\",\"max_new_sessions_per_client\":2}", &engine), 0);
    stepup_uia_flows *flows = NULL;
    CHECK_INT(stepup_uia_flows_new(&flows), 0);
    const char *stages[] = {"m.login.dummy"};
    CHECK_INT(stepup_uia_flows_add(flows, stages, 1), 0);
    const char *body = "{\"username\":\"erin\"}";
    stepup_uia_request req = {"POST", REGISTER, body, strlen(body), NULL, "198.51.100.7"};
    stepup_uia_result *r = NULL;
    char session[128];
    for (int i = 0; i < 2; i++) {
        CHECK_INT(stepup_uia_complete(engine, flows, &req, &r), 0);
        CHECK_INT(stepup_uia_result_status(r), 401);
        CHECK(harness_json_session(stepup_uia_result_body(r), session, sizeof session));
        stepup_uia_result_free(r);
    }
    CHECK_INT(stepup_uia_complete(engine, flows, &req, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 429);
    CHECK(strstr(stepup_uia_result_body(r), "\"errcode\":\"M_LIMIT_EXCEEDED\"") != NULL);
    /* The first session's place frees a session lifetime (15 min) after it. */
    const char *wait = strstr(stepup_uia_result_body(r), "\"retry_after_ms\":");
    CHECK(wait != NULL);
    long wait_ms = strtol(wait + strlen("\"retry_after_ms\":"), NULL, 10);
    CHECK(wait_ms > 800000 && wait_ms <= 900000);
    stepup_uia_result_free(r);
    req.client = "198.51.100.8";
    CHECK_INT(stepup_uia_complete(engine, flows, &req, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 401);
    stepup_uia_result_free(r);

    /* The last session started for erin: mallory's body is refused. */
    char other[256];
    snprintf(other, sizeof other,
             "{\"username\":\"mallory\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, other, NULL, &r), 0);
    CHECK_INT(stepup_uia_result_status(r), 403);
    stepup_uia_result_free(r);
    snprintf(other, sizeof other,
             "{\"username\":\"erin\",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"%s\"}}", session);
    CHECK_INT(complete(engine, flows, REGISTER, other, NULL, &r), 1);
    CHECK_STR(stepup_uia_result_request_body(r), "{\"username\":\"erin\"}");
    stepup_uia_result_free(r);
    stepup_uia_flows_free(flows);
    stepup_uia_free(engine);
    return 0;
}

static int fallback_page_is_escaped_and_freed(void)
{
    char *html = NULL;
    CHECK_INT(stepup_uia_fallback_page("m.login.password", "\"><script>x</script>", 0, "<b>bad</b>", &html), 0);
    CHECK(html != NULL);
    CHECK(strstr(html, "<script>x") == NULL);
    CHECK(strstr(html, "&lt;b&gt;bad&lt;/b&gt;") != NULL);
    CHECK(strstr(html, "type=\"password\"") != NULL);
    stepup_free(html);
    html = NULL;
    CHECK_INT(stepup_uia_fallback_page("m.login.terms", "abc", 1, NULL, &html), 0);
    CHECK(strstr(html, "onAuthDone") != NULL);
    stepup_free(html);
    CHECK_INT(stepup_uia_fallback_page(NULL, "abc", 1, NULL, &html), STEPUP_E_NULL_POINTER);
    stepup_free(NULL);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST_CASE(registration_on_memory_store),
        TEST_CASE(registration_on_sqlite_store),
        TEST_CASE(sqlite_store_survives_fork),
        TEST_CASE(password_protected_device_deletion),
        TEST_CASE(bad_input_gets_codes_not_crashes),
        TEST_CASE(fallback_step_then_endpoint_completes),
        TEST_CASE(fallback_page_is_escaped_and_freed),
        TEST_CASE(new_sessions_are_bounded_per_client_address),
    };
    return run_tests("uia", tests, sizeof tests / sizeof tests[0]);
}
