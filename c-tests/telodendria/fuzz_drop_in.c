/* One fuzz input through the Telodendria drop-in over the fake Cytoplasm:
 * up to six requests of one conversation, each a JSON body and a choice of
 * route and access token; "$S" in a body becomes the session id the last
 * response named. A fresh Db per input; at the end nothing may stay locked
 * or allocated (the fake counts its allocations), else abort() so the
 * fuzzer reports it. Driven by the cargo-fuzz target `telodendria` and
 * replayed over the saved corpus by fuzz_replay.c in `make test`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include <telodendria/Uia.h>

#include "fuzz_drop_in.h"

static const char *const PATHS[] = {
    "/_matrix/client/v3/register",
    "/_matrix/client/v3/account/password",
    "/_matrix/client/v3/account/deactivate",
    "/_matrix/client/v3/auth/m.login.registration_token/fallback/web",
    "/_matrix/client/v3/auth/m.login.password/fallback/web",
    "/_matrix/client/v3/auth/m.login.dummy/fallback/web",
};
static const char *const BEARERS[] = {NULL, "tok-alice", "tok-bob", "no-such-token"};

/* Stops the run with a reason: the fuzzer reports it as a crash. */
static void die(const char *why)
{
    fprintf(stderr, "fuzz_drop_in: %s\n", why);
    abort();
}

/* The fake's parser recurses: keep inputs shallow (the fake's limit, not ours). */
static int too_deep(const char *text)
{
    int depth = 0;
    for (; *text; text++) {
        if (*text == '{' || *text == '[')
            depth++;
        if (depth > 64)
            return 1;
    }
    return 0;
}

/* body with every "$S" replaced by session; malloc'd. */
static char *substitute(const uint8_t *body, size_t len, const char *session)
{
    size_t slen = strlen(session), out_len = 0, size = 1;
    for (size_t i = 0; i < len; i++)
        size += body[i] == '$' && i + 1 < len && body[i + 1] == 'S' ? (i++, slen) : 1;
    /* Exactly the size needed: a read past the end meets the allocator's checks. */
    char *out = malloc(size);
    if (!out)
        die("out of memory");
    for (size_t i = 0; i < len; i++) {
        if (body[i] == '$' && i + 1 < len && body[i + 1] == 'S') {
            memcpy(out + out_len, session, slen);
            out_len += slen;
            i++;
        } else {
            out[out_len++] = body[i] ? (char)body[i] : ' ';
        }
    }
    out[out_len] = '\0';
    return out;
}

static Array *flows_of(const char *first, const char *second)
{
    Array *flow = ArrayCreate();
    ArrayAdd(flow, UiaStageBuild((char *)first, NULL));
    if (second)
        ArrayAdd(flow, UiaStageBuild((char *)second, NULL));
    return flow;
}

void stepup_fuzz_drop_in(const uint8_t *data, size_t len)
{
    if (len > 8192)
        return;
    Db *db = FakeDbCreate();
    FakeUserAdd("alice", "alice-pw");
    FakeUserAdd("bob", "bob-pw");
    FakeAccessTokenAdd("tok-alice", "alice");
    FakeAccessTokenAdd("tok-bob", "bob");
    FakeRegTokenAdd(db, "invite", 2);
    Array *flows = ArrayCreate();
    ArrayAdd(flows, flows_of("m.login.password", NULL));
    ArrayAdd(flows, flows_of("m.login.registration_token", "m.login.dummy"));
    ArrayAdd(flows, UiaDummyFlow());
    Config config;
    memset(&config, 0, sizeof config);
    config.serverName = "example.org";
    char session[128] = "";
    size_t at = 0;
    for (int n = 0; n < 6 && at < len; n++) {
        size_t end = at;
        while (end < len && data[end] != 0xff)
            end++;
        if (end > at) {
            uint8_t shape = data[at];
            char *body = substitute(data + at + 1, end - at - 1, session);
            HashMap *request = too_deep(body) ? NULL : FakeJsonParse(body);
            if (request) {
                HttpServerContext *ctx = FakeContext(shape & 0x10 ? HTTP_DELETE : HTTP_POST,
                                                     PATHS[shape % 6],
                                                     BEARERS[(shape >> 5) & 3]);
                HashMap *response = NULL;
                int code = UiaComplete(flows, ctx, db, request, &response, config);
                if (code == 0 && response == NULL)
                    die("UiaComplete returned 0 without a response");
                if (response) {
                    char *text = FakeJsonEncode(response);
                    const char *key = text ? strstr(text, "\"session\":\"") : NULL;
                    if (key) {
                        key += strlen("\"session\":\"");
                        const char *q = strchr(key, '"');
                        if (q && (size_t)(q - key) < sizeof session) {
                            memcpy(session, key, (size_t)(q - key));
                            session[q - key] = '\0';
                        }
                    }
                    free(text);
                    JsonFree(response);
                }
                FakeContextFree(ctx);
                JsonFree(request);
            }
            free(body);
        }
        at = end + 1;
    }
    UiaFlowsFree(flows);
    if (FakeOpenRefs() != 0 || FakeLockedUsers() != 0)
        die("a Db reference or a user stayed locked");
    FakeDbFree(db);
    FakeUsersFree();
    if (FakeLiveAllocations() != 0)
        die("Cytoplasm allocations leaked");
}
