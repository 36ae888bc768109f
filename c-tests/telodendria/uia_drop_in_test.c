/* stepup's Telodendria drop-in (libstepup.a built with the `telodendria`
 * feature), driven as Telodendria's routes drive Uia.c, over the fake
 * Cytoplasm in this directory: registration with a token, password change,
 * deactivation with and without an access token, replay, cross-endpoint and
 * cross-user attempts, the fallback route and cleanup. Checks the response
 * maps and the Db documents; the fake aborts on any foreign free, and the
 * last test checks that nothing stayed locked or allocated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include <telodendria/Uia.h>

#include "../harness.h"

static const char *const REGISTER = "/_matrix/client/v3/register";
static const char *const PASSWORD = "/_matrix/client/v3/account/password";
static const char *const DEACTIVATE = "/_matrix/client/v3/account/deactivate";
static const char *const TOKEN_FALLBACK = "/_matrix/client/v3/auth/m.login.registration_token/fallback/web";

static Db *db;

typedef struct {
    int code;        /* UiaComplete's return */
    int status;      /* the HTTP status it left */
    char *response;  /* *response encoded, or NULL */
    char *session;   /* request.auth.session after the call, or NULL */
} Result;

static void result_free(Result *r)
{
    free(r->response);
    free(r->session);
}

static Array *flows_of(const char *first, const char *second)
{
    Array *flows = ArrayCreate();
    Array *flow = ArrayCreate();
    ArrayAdd(flow, UiaStageBuild((char *)first, NULL));
    if (second)
        ArrayAdd(flow, UiaStageBuild((char *)second, NULL));
    ArrayAdd(flows, flow);
    return flows;
}

static Result call(Array *flows, const char *path, const char *bearer, const char *body)
{
    Result r = {0, 0, NULL, NULL};
    HttpServerContext *ctx = FakeContext(HTTP_POST, path, bearer);
    HashMap *request = FakeJsonParse(body);
    HashMap *response = NULL;
    Config config;
    memset(&config, 0, sizeof config);
    config.serverName = "example.org";
    r.code = UiaComplete(flows, ctx, db, request, &response, config);
    r.status = FakeContextStatus(ctx);
    if (response) {
        r.response = FakeJsonEncode(response);
        JsonFree(response);
    }
    char *session = JsonValueAsString(FakeJsonGet(JsonValueAsObject(FakeJsonGet(request, "auth")), "session"));
    r.session = session ? strdup(session) : NULL;
    JsonFree(request);
    FakeContextFree(ctx);
    return r;
}

static const char *doc_string(const char *path, const char *key)
{
    return JsonValueAsString(FakeJsonGet(FakeDbPeek(db, path), key));
}

static long token_used(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tokens/registration/%s", name);
    return (long)JsonValueAsInteger(FakeJsonGet(FakeDbPeek(db, path), "used"));
}

/* Pending uses are counted by the token's SHA-256 (hex), never its name. */
static long token_pending(const char *name)
{
    static const char *const digests[][2] = {
        {"invite", "5014f9af3a684fdd64a775c1c4c532ee66b1b96cb56b1d02170d2249b6764f75"},
        {"fb", "5f3731b52ad0fb2f820b91495eb9961aebcbbc79d5881e5a26a382e694b9ccc0"},
        {"idle", "4fb62348858c2f6fbd6db27fa4c11edd8559119869d1034e2bd3390fd92b1a04"},
    };
    HashMap *counts = FakeDbPeek(db, "stepup/registration_tokens");
    if (!counts)
        return 0;
    if (counts && FakeJsonGet(counts, name) != NULL)
        return -1; /* a name is stored: a failure whatever the test expects */
    for (size_t i = 0; i < sizeof digests / sizeof digests[0]; i++)
        if (strcmp(digests[i][0], name) == 0)
            return (long)JsonValueAsInteger(FakeJsonGet(counts, digests[i][1]));
    return -1;
}

static int registration_with_a_token(void)
{
    FakeRegTokenAdd(db, "invite", 1);
    Array *flows = flows_of("m.login.registration_token", NULL);
    ArrayAdd(flows, UiaDummyFlow());
    char session[128], body[512], path[256];

    Result r = call(flows, REGISTER, NULL, "{\"username\":\"carol\",\"password\":\"pw\"}");
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.response, "\"flows\":[{\"stages\":[\"m.login.registration_token\"]},{\"stages\":[\"m.login.dummy\"]}]") != NULL);
    CHECK(strstr(r.response, "\"params\":{") != NULL);
    CHECK(harness_json_session(r.response, session, sizeof session));
    result_free(&r);

    snprintf(body, sizeof body,
             "{\"username\":\"carol\",\"password\":\"pw\",\"auth\":{\"type\":\"m.login.registration_token\","
             "\"token\":\"invite\",\"session\":\"%s\"}}", session);
    r = call(flows, REGISTER, NULL, body);
    CHECK_INT(r.code, 1);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.session, session);
    snprintf(path, sizeof path, "user_interactive/%s", session);
    CHECK_STR(doc_string(path, "registration_token"), "invite"); /* what RouteRegister reads */
    /* The password in the request body is never stored with the session. */
    char *doc = FakeJsonEncode(FakeDbPeek(db, path));
    int has_password = strstr(doc, "pw") != NULL || strstr(doc, "password") != NULL;
    free(doc);
    CHECK(!has_password);
    CHECK_INT(token_used("invite"), 1);
    CHECK_INT(token_pending("invite"), 0);
    result_free(&r);

    /* The one-use token cannot register a second account. */
    r = call(flows, REGISTER, NULL,
             "{\"username\":\"dave\",\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"invite\"}}");
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.response, "\"errcode\":\"M_UNAUTHORIZED\"") != NULL);
    result_free(&r);
    CHECK_INT(token_used("invite"), 1);

    /* auth without a session on the first request: the session is named in the request. */
    r = call(flows, REGISTER, NULL, "{\"username\":\"erin\",\"auth\":{\"type\":\"m.login.dummy\"}}");
    CHECK_INT(r.code, 1);
    CHECK(r.session != NULL);
    snprintf(path, sizeof path, "user_interactive/%s", r.session);
    CHECK(FakeDbPeek(db, path) != NULL);
    result_free(&r);
    UiaFlowsFree(flows);
    return 0;
}

static int password_change_with_an_access_token(void)
{
    Array *flows = flows_of("m.login.password", NULL);
    char session[128], body[512];
    Result r = call(flows, PASSWORD, "tok-alice", "{\"new_password\":\"n\"}");
    CHECK_INT(r.status, 401);
    CHECK(harness_json_session(r.response, session, sizeof session));
    result_free(&r);

    snprintf(body, sizeof body,
             "{\"new_password\":\"n\",\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
             "\"user\":\"alice\"},\"password\":\"wrong\",\"session\":\"%s\"}}", session);
    r = call(flows, PASSWORD, "tok-alice", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.response, "\"errcode\":\"M_FORBIDDEN\"") != NULL);
    CHECK(strstr(r.response, "\"flows\":") != NULL);
    result_free(&r);

    snprintf(body, sizeof body,
             "{\"new_password\":\"n\",\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
             "\"user\":\"@alice:example.org\"},\"password\":\"alice-pw\",\"session\":\"%s\"}}", session);
    r = call(flows, PASSWORD, "tok-alice", body);
    CHECK_INT(r.code, 1);
    CHECK_INT(r.status, 200);
    result_free(&r);

    /* Replay: Telodendria would change the password again, so even the
     * identical request is refused once the session is used. */
    r = call(flows, PASSWORD, "tok-alice", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 403);
    result_free(&r);
    snprintf(body, sizeof body, "{\"new_password\":\"other\",\"auth\":{\"session\":\"%s\"}}", session);
    r = call(flows, PASSWORD, "tok-alice", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 403);
    result_free(&r);

    /* Cross-endpoint: the session does not authorise deactivation. */
    r = call(flows, DEACTIVATE, "tok-alice", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 403);
    result_free(&r);
    UiaFlowsFree(flows);
    return 0;
}

static int cross_user_attempts_are_refused(void)
{
    Array *flows = flows_of("m.login.password", NULL);
    char session[128], body[512];
    Result r = call(flows, PASSWORD, "tok-alice", "{}");
    CHECK(harness_json_session(r.response, session, sizeof session));
    result_free(&r);

    /* Bob's access token on alice's session. */
    snprintf(body, sizeof body, "{\"auth\":{\"type\":\"m.login.password\",\"user\":\"bob\",\"password\":\"bob-pw\",\"session\":\"%s\"}}", session);
    r = call(flows, PASSWORD, "tok-bob", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 403);
    result_free(&r);

    /* Alice's token, bob's password: the stage may not prove another user. */
    r = call(flows, PASSWORD, "tok-alice", body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 403);
    result_free(&r);
    UiaFlowsFree(flows);
    return 0;
}

static int deactivation_with_and_without_an_access_token(void)
{
    char path[256];
    /* Without a token: the password flow, and the session records the localpart. */
    Array *flows = flows_of("m.login.password", NULL);
    Result r = call(flows, DEACTIVATE, NULL,
                    "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
                    "\"password\":\"alice-pw\"}}");
    CHECK_INT(r.code, 1);
    CHECK(r.session != NULL);
    snprintf(path, sizeof path, "user_interactive/%s", r.session);
    CHECK_STR(doc_string(path, "user"), "alice"); /* what RouteDeactivate reads */
    result_free(&r);
    UiaFlowsFree(flows);

    /* With a token: the dummy flow. */
    Array *dummy = ArrayCreate();
    ArrayAdd(dummy, UiaDummyFlow());
    r = call(dummy, DEACTIVATE, "tok-alice", "{\"auth\":{\"type\":\"m.login.dummy\"}}");
    CHECK_INT(r.code, 1);
    CHECK_INT(r.status, 200);
    result_free(&r);
    UiaFlowsFree(dummy);
    return 0;
}

static int fallback_route_advances_the_session(void)
{
    FakeRegTokenAdd(db, "fb", 2);
    Array *flows = flows_of("m.login.registration_token", NULL);
    char session[128], body[512];
    Result r = call(flows, REGISTER, NULL, "{\"username\":\"fay\"}");
    CHECK(harness_json_session(r.response, session, sizeof session));
    result_free(&r);

    /* Telodendria's fallback route passes flows built from the URL; the drop-in checks the session's own. */
    Array *url_flows = flows_of("m.login.registration_token", NULL);
    snprintf(body, sizeof body, "{\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"fb\",\"session\":\"%s\"}}", session);
    r = call(url_flows, TOKEN_FALLBACK, NULL, body);
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.response, "\"completed\":[\"m.login.registration_token\"]") != NULL);
    result_free(&r);
    UiaFlowsFree(url_flows);
    CHECK_INT(token_pending("fb"), 1);
    CHECK_INT(token_used("fb"), 0);

    snprintf(body, sizeof body, "{\"username\":\"fay\",\"auth\":{\"session\":\"%s\"}}", session);
    r = call(flows, REGISTER, NULL, body);
    CHECK_INT(r.code, 1);
    result_free(&r);
    CHECK_INT(token_used("fb"), 1);
    CHECK_INT(token_pending("fb"), 0);
    UiaFlowsFree(flows);
    return 0;
}

static int cleanup_purges_idle_sessions_and_releases_uses(void)
{
    FakeRegTokenAdd(db, "idle", 1);
    Array *flows = flows_of("m.login.registration_token", "m.login.dummy");
    Result r = call(flows, REGISTER, NULL, "{\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"idle\"}}");
    CHECK_INT(r.code, 0);
    char session[128];
    CHECK(harness_json_session(r.response, session, sizeof session));
    CHECK_INT(token_pending("idle"), 1);
    char path[256];
    snprintf(path, sizeof path, "user_interactive/%s", session);
    HashMap *doc = FakeDbPeek(db, path);
    CHECK(doc != NULL);
    /* In progress, the document holds the token's digest, not the token. */
    char *text = FakeJsonEncode(doc);
    int names_token = strstr(text, "idle") != NULL;
    free(text);
    CHECK(!names_token);
    /* Age it past the 15-minute idle lifetime. */
    JsonValueFree(HashMapSet(doc, "last_access_ms", JsonValueInteger(1)));
    /* Documents from Telodendria's own Uia.c: the idle one goes, a fresh one stays. */
    DbRef *old = DbCreate(db, 2, "user_interactive", "legacyold");
    HashMapSet(DbJson(old), "last_access", JsonValueInteger(1));
    DbUnlock(db, old);
    DbRef *fresh = DbCreate(db, 2, "user_interactive", "legacyfresh");
    HashMapSet(DbJson(fresh), "last_access", JsonValueInteger(UINT64_MAX / 2));
    DbUnlock(db, fresh);
    MatrixHttpHandlerArgs args = {db, NULL};
    UiaCleanup(&args);
    CHECK(FakeDbPeek(db, path) == NULL);
    CHECK(FakeDbPeek(db, "user_interactive/legacyold") == NULL);
    CHECK(FakeDbPeek(db, "user_interactive/legacyfresh") != NULL);
    CHECK_INT(token_pending("idle"), 0);
    result_free(&r);
    UiaFlowsFree(flows);
    return 0;
}

static int bad_input_never_crashes(void)
{
    HashMap *response = NULL;
    Config config;
    memset(&config, 0, sizeof config);
    config.serverName = "example.org";
    HttpServerContext *ctx = FakeContext(HTTP_POST, REGISTER, NULL);
    HashMap *request = FakeJsonParse("{}");
    CHECK(UiaComplete(NULL, ctx, db, request, &response, config) < 0);
    CHECK(response == NULL);
    config.serverName = NULL;
    Array *flows = flows_of("m.login.dummy", NULL);
    CHECK(UiaComplete(flows, ctx, db, request, &response, config) < 0);
    JsonFree(request);
    FakeContextFree(ctx);
    CHECK(UiaStageBuild(NULL, NULL) == NULL);
    CHECK(UiaStageBuild("has space", NULL) == NULL);
    UiaFlowsFree(NULL);
    UiaCleanup(NULL);

    Result r = call(flows, REGISTER, NULL, "{\"auth\":5}");
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.response, "\"errcode\":\"M_BAD_JSON\"") != NULL);
    result_free(&r);
    r = call(flows, REGISTER, NULL, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"no-such-session\"}}");
    CHECK_INT(r.code, 0);
    CHECK_INT(r.status, 400);
    result_free(&r);
    /* A stage with params: they are shown to the client and freed with the flows. */
    Array *terms = ArrayCreate();
    Array *flow = ArrayCreate();
    ArrayAdd(flow, UiaStageBuild("m.login.terms", FakeJsonParse("{\"policies\":{\"privacy\":{\"version\":\"1\"}}}")));
    ArrayAdd(terms, flow);
    r = call(terms, REGISTER, NULL, "{}");
    CHECK(strstr(r.response, "\"m.login.terms\":{\"policies\":{\"privacy\":{\"version\":\"1\"}}}") != NULL);
    result_free(&r);
    UiaFlowsFree(terms);
    UiaFlowsFree(flows);
    return 0;
}

/* Issue 14: a stored session document of the drop-in's that no longer
 * reads back is an error (<0), never "no session", and nothing is written. */
static int corrupt_session_document_is_an_error(void)
{
    Array *flows = flows_of("m.login.dummy", NULL);
    Result r = call(flows, REGISTER, NULL, "{}");
    char session[64], path[128], body[256];
    CHECK(harness_json_session(r.response, session, sizeof session));
    result_free(&r);
    snprintf(path, sizeof path, "user_interactive/%s", session);
    HashMap *doc = FakeDbPeek(db, path);
    CHECK(doc != NULL);
    JsonValueFree(HashMapSet(doc, "completed", JsonValueInteger(7)));
    char *before = FakeJsonEncode(doc);
    snprintf(body, sizeof body, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"%s\"}}", session);
    r = call(flows, REGISTER, NULL, body);
    CHECK(r.code < 0);
    /* ... logged at LOG_ERR, naming the session ... */
    int level = 0;
    const char *logged = FakeLastLog(&level);
    CHECK_INT(level, 3);
    CHECK(strstr(logged, session) != NULL);
    /* ... with nothing written. */
    char *after = FakeJsonEncode(FakeDbPeek(db, path));
    CHECK_STR(after, before);
    free(before);
    free(after);
    result_free(&r);
    UiaFlowsFree(flows);
    return 0;
}

static int nothing_left_locked_or_allocated(void)
{
    CHECK_INT(FakeOpenRefs(), 0);
    CHECK_INT(FakeLockedUsers(), 0);
    FakeDbFree(db);
    db = NULL;
    CHECK_INT(FakeLiveAllocations(), 0);
    return 0;
}

int main(void)
{
    db = FakeDbCreate();
    FakeUserAdd("alice", "alice-pw");
    FakeUserAdd("bob", "bob-pw");
    FakeAccessTokenAdd("tok-alice", "alice");
    FakeAccessTokenAdd("tok-bob", "bob");
    static const struct test_case tests[] = {
        TEST_CASE(registration_with_a_token),
        TEST_CASE(password_change_with_an_access_token),
        TEST_CASE(cross_user_attempts_are_refused),
        TEST_CASE(deactivation_with_and_without_an_access_token),
        TEST_CASE(fallback_route_advances_the_session),
        TEST_CASE(cleanup_purges_idle_sessions_and_releases_uses),
        TEST_CASE(bad_input_never_crashes),
        TEST_CASE(corrupt_session_document_is_an_error),
        TEST_CASE(nothing_left_locked_or_allocated),
    };
    return run_tests("telodendria", tests, sizeof tests / sizeof tests[0]);
}
