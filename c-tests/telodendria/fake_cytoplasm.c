/* The fake Cytoplasm and Telodendria described in fake.h. Simple, tracked,
 * and strict where the real ones would crash. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake.h"

/* ---- tracked memory ---------------------------------------------------- */

/* The TLS backend allocates and logs from several threads at once. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void **live;
static size_t live_n, live_cap;

static void *fake_alloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    pthread_mutex_lock(&lock);
    if (live_n == live_cap) {
        live_cap = live_cap ? live_cap * 2 : 256;
        live = realloc(live, live_cap * sizeof *live);
        if (!live)
            abort();
    }
    live[live_n++] = p;
    pthread_mutex_unlock(&lock);
    return p;
}

static void fake_free(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    for (size_t i = live_n; i-- > 0;) {
        if (live[i] == p) {
            live[i] = live[--live_n];
            pthread_mutex_unlock(&lock);
            free(p);
            return;
        }
    }
    fprintf(stderr, "fake cytoplasm: free of memory it did not allocate: %p\n", p);
    abort();
}

/* Cytoplasm's Memory.h (what its Malloc and Free macros call): tracked
 * like the rest; a free of anything else aborts, as Cytoplasm's own
 * MemoryFree reports a bad pointer. */
void *MemoryAllocate(size_t size, const char *file, int line)
{
    if (!file || line < 0)
        abort();
    return fake_alloc(size);
}

void MemoryFree(void *p, const char *file, int line)
{
    if (!file || line < 0)
        abort();
    fake_free(p);
}

static char *fake_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = fake_alloc(n);
    memcpy(d, s, n);
    return d;
}

long FakeLiveAllocations(void)
{
    pthread_mutex_lock(&lock);
    long n = (long)live_n;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- HashMap (insertion-ordered) and Array ------------------------------ */

struct HashMap {
    size_t n, cap;
    char **keys;
    void **vals;
};

HashMap *HashMapCreate(void) { return fake_alloc(sizeof(HashMap)); }

void HashMapFree(HashMap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        fake_free(m->keys[i]);
    fake_free(m->keys);
    fake_free(m->vals);
    fake_free(m);
}

static long map_find(HashMap *m, const char *key)
{
    for (size_t i = 0; m && key && i < m->n; i++)
        if (strcmp(m->keys[i], key) == 0)
            return (long)i;
    return -1;
}

void *HashMapSet(HashMap *m, char *key, void *value)
{
    if (!m || !key || !value)
        return NULL;
    long at = map_find(m, key);
    if (at >= 0) {
        void *old = m->vals[at];
        m->vals[at] = value;
        return old;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        char **keys = fake_alloc(cap * sizeof *keys);
        void **vals = fake_alloc(cap * sizeof *vals);
        if (m->n) {
            memcpy(keys, m->keys, m->n * sizeof *keys);
            memcpy(vals, m->vals, m->n * sizeof *vals);
        }
        fake_free(m->keys);
        fake_free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    m->keys[m->n] = fake_strdup(key);
    m->vals[m->n] = value;
    m->n++;
    return NULL;
}

void *HashMapGet(HashMap *m, const char *key)
{
    long at = map_find(m, key);
    return at >= 0 ? m->vals[at] : NULL;
}

bool HashMapIterateReentrant(HashMap *m, char **key, void **value, size_t *cursor)
{
    if (!m || *cursor >= m->n)
        return false;
    *key = m->keys[*cursor];
    *value = m->vals[*cursor];
    (*cursor)++;
    return true;
}

struct Array {
    size_t n, cap;
    void **items;
};

Array *ArrayCreate(void) { return fake_alloc(sizeof(Array)); }

void ArrayFree(Array *a)
{
    if (!a)
        return;
    fake_free(a->items);
    fake_free(a);
}

size_t ArraySize(Array *a) { return a ? a->n : 0; }

void *ArrayGet(Array *a, size_t i) { return a && i < a->n ? a->items[i] : NULL; }

bool ArrayAdd(Array *a, void *v)
{
    if (!a || !v)
        return false;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        void **items = fake_alloc(cap * sizeof *items);
        if (a->n)
            memcpy(items, a->items, a->n * sizeof *items);
        fake_free(a->items);
        a->items = items;
        a->cap = cap;
    }
    a->items[a->n++] = v;
    return true;
}

/* ---- JSON ---------------------------------------------------------------- */

struct JsonValue {
    int type;
    union {
        HashMap *object;
        Array *array;
        char *string;
        uint64_t integer;
        double number;
        bool boolean;
    } as;
};

static JsonValue *value_of(int type)
{
    JsonValue *v = fake_alloc(sizeof *v);
    v->type = type;
    return v;
}

int JsonValueType(JsonValue *v) { return v ? v->type : JSON_NULL; }
HashMap *JsonValueAsObject(JsonValue *v) { return v && v->type == JSON_OBJECT ? v->as.object : NULL; }
Array *JsonValueAsArray(JsonValue *v) { return v && v->type == JSON_ARRAY ? v->as.array : NULL; }
char *JsonValueAsString(JsonValue *v) { return v && v->type == JSON_STRING ? v->as.string : NULL; }
uint64_t JsonValueAsInteger(JsonValue *v) { return v && v->type == JSON_INTEGER ? v->as.integer : 0; }
double JsonValueAsFloat(JsonValue *v) { return v && v->type == JSON_FLOAT ? v->as.number : 0; }
bool JsonValueAsBoolean(JsonValue *v) { return v && v->type == JSON_BOOLEAN && v->as.boolean; }

JsonValue *JsonValueObject(HashMap *m)
{
    if (!m)
        return NULL;
    JsonValue *v = value_of(JSON_OBJECT);
    v->as.object = m;
    return v;
}

JsonValue *JsonValueArray(Array *a)
{
    if (!a)
        return NULL;
    JsonValue *v = value_of(JSON_ARRAY);
    v->as.array = a;
    return v;
}

JsonValue *JsonValueString(char *s)
{
    if (!s)
        return NULL;
    JsonValue *v = value_of(JSON_STRING);
    v->as.string = fake_strdup(s);
    return v;
}

JsonValue *JsonValueInteger(uint64_t i)
{
    JsonValue *v = value_of(JSON_INTEGER);
    v->as.integer = i;
    return v;
}

JsonValue *JsonValueFloat(double d)
{
    JsonValue *v = value_of(JSON_FLOAT);
    v->as.number = d;
    return v;
}

JsonValue *JsonValueBoolean(bool b)
{
    JsonValue *v = value_of(JSON_BOOLEAN);
    v->as.boolean = b;
    return v;
}

JsonValue *JsonValueNull(void) { return value_of(JSON_NULL); }

void JsonValueFree(JsonValue *v)
{
    if (!v)
        return;
    switch (v->type) {
    case JSON_OBJECT:
        JsonFree(v->as.object);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < ArraySize(v->as.array); i++)
            JsonValueFree(ArrayGet(v->as.array, i));
        ArrayFree(v->as.array);
        break;
    case JSON_STRING:
        fake_free(v->as.string);
        break;
    default:
        break;
    }
    fake_free(v);
}

void JsonFree(HashMap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        JsonValueFree(m->vals[i]);
    HashMapFree(m);
}

static JsonValue *value_dup(JsonValue *v);

static HashMap *object_dup(HashMap *m)
{
    HashMap *d = HashMapCreate();
    for (size_t i = 0; m && i < m->n; i++)
        HashMapSet(d, m->keys[i], value_dup(m->vals[i]));
    return d;
}

static JsonValue *value_dup(JsonValue *v)
{
    switch (JsonValueType(v)) {
    case JSON_OBJECT:
        return JsonValueObject(object_dup(v->as.object));
    case JSON_ARRAY: {
        Array *a = ArrayCreate();
        for (size_t i = 0; i < ArraySize(v->as.array); i++)
            ArrayAdd(a, value_dup(ArrayGet(v->as.array, i)));
        return JsonValueArray(a);
    }
    case JSON_STRING:
        return JsonValueString(v->as.string);
    case JSON_INTEGER:
        return JsonValueInteger(v->as.integer);
    case JSON_FLOAT:
        return JsonValueFloat(v->as.number);
    case JSON_BOOLEAN:
        return JsonValueBoolean(v->as.boolean);
    default:
        return JsonValueNull();
    }
}

JsonValue *FakeJsonGet(HashMap *m, const char *key) { return HashMapGet(m, key); }

/* A minimal JSON parser for building test requests. */
typedef struct {
    const char *p;
    bool bad;
} Parser;

static void skip(Parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')
        ps->p++;
}

static JsonValue *parse_value(Parser *ps);

static char *parse_string(Parser *ps)
{
    if (*ps->p != '"') {
        ps->bad = true;
        return NULL;
    }
    ps->p++;
    char buf[4096];
    size_t n = 0;
    while (*ps->p && *ps->p != '"' && n < sizeof buf - 1) {
        char c = *ps->p++;
        if (c == '\\') {
            if (!*ps->p)
                break; /* a backslash at the very end: not past the terminator */
            c = *ps->p++;
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
        }
        buf[n++] = c;
    }
    if (*ps->p != '"') {
        ps->bad = true;
        return NULL;
    }
    ps->p++;
    buf[n] = '\0';
    return fake_strdup(buf);
}

static HashMap *parse_object(Parser *ps)
{
    HashMap *m = HashMapCreate();
    ps->p++;
    skip(ps);
    if (*ps->p == '}') {
        ps->p++;
        return m;
    }
    while (!ps->bad) {
        skip(ps);
        char *key = parse_string(ps);
        skip(ps);
        if (!key || *ps->p != ':') {
            fake_free(key);
            ps->bad = true;
            break;
        }
        ps->p++;
        JsonValue *v = parse_value(ps);
        JsonValueFree(HashMapSet(m, key, v));
        fake_free(key);
        if (ps->bad)
            break; /* a nested value failed: the whole object does */
        skip(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == '}') {
            ps->p++;
            return m;
        }
        ps->bad = true;
    }
    JsonFree(m);
    return NULL;
}

static JsonValue *parse_value(Parser *ps)
{
    skip(ps);
    if (*ps->p == '{') {
        HashMap *m = parse_object(ps);
        return m ? JsonValueObject(m) : NULL;
    }
    if (*ps->p == '[') {
        ps->p++;
        Array *a = ArrayCreate();
        skip(ps);
        if (*ps->p == ']') {
            ps->p++;
            return JsonValueArray(a);
        }
        while (!ps->bad) {
            JsonValue *v = parse_value(ps);
            if (v)
                ArrayAdd(a, v);
            skip(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p == ']') {
                ps->p++;
                return JsonValueArray(a);
            }
            ps->bad = true;
        }
        JsonValueFree(JsonValueArray(a));
        return NULL;
    }
    if (*ps->p == '"') {
        char *s = parse_string(ps);
        JsonValue *v = s ? JsonValueString(s) : NULL;
        fake_free(s);
        return v;
    }
    if (strncmp(ps->p, "true", 4) == 0) {
        ps->p += 4;
        return JsonValueBoolean(true);
    }
    if (strncmp(ps->p, "false", 5) == 0) {
        ps->p += 5;
        return JsonValueBoolean(false);
    }
    if (strncmp(ps->p, "null", 4) == 0) {
        ps->p += 4;
        return JsonValueNull();
    }
    char *end;
    long long i = strtoll(ps->p, &end, 10);
    if (end != ps->p && *end != '.' && *end != 'e') {
        ps->p = end;
        return JsonValueInteger((uint64_t)i);
    }
    double d = strtod(ps->p, &end);
    if (end != ps->p) {
        ps->p = end;
        return JsonValueFloat(d);
    }
    ps->bad = true;
    return NULL;
}

HashMap *FakeJsonParse(const char *text)
{
    Parser ps = {text, false};
    skip(&ps);
    if (*ps.p != '{')
        return NULL;
    HashMap *m = parse_object(&ps);
    if (ps.bad) {
        JsonFree(m);
        return NULL;
    }
    return m;
}

static void encode_value(JsonValue *v, FILE *out);

static void encode_object(HashMap *m, FILE *out)
{
    fputc('{', out);
    for (size_t i = 0; m && i < m->n; i++) {
        fprintf(out, "%s\"%s\":", i ? "," : "", m->keys[i]);
        encode_value(m->vals[i], out);
    }
    fputc('}', out);
}

static void encode_value(JsonValue *v, FILE *out)
{
    switch (JsonValueType(v)) {
    case JSON_OBJECT:
        encode_object(v->as.object, out);
        break;
    case JSON_ARRAY:
        fputc('[', out);
        for (size_t i = 0; i < ArraySize(v->as.array); i++) {
            if (i)
                fputc(',', out);
            encode_value(ArrayGet(v->as.array, i), out);
        }
        fputc(']', out);
        break;
    case JSON_STRING:
        fprintf(out, "\"%s\"", v->as.string);
        break;
    case JSON_INTEGER:
        fprintf(out, "%lld", (long long)v->as.integer);
        break;
    case JSON_FLOAT:
        fprintf(out, "%g", v->as.number);
        break;
    case JSON_BOOLEAN:
        fputs(v->as.boolean ? "true" : "false", out);
        break;
    default:
        fputs("null", out);
    }
}

char *FakeJsonEncode(HashMap *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        abort();
    encode_object(m, out);
    fclose(out);
    return text;
}

/* ---- Db ----------------------------------------------------------------- */

struct Db {
    size_t n, cap;
    char **paths;
    HashMap **docs;
};

struct DbRef {
    Db *db;
    char *path;
    HashMap *json;
};

static long open_refs;

long FakeOpenRefs(void) { return open_refs; }

Db *FakeDbCreate(void) { return fake_alloc(sizeof(Db)); }

void FakeDbFree(Db *db)
{
    for (size_t i = 0; i < db->n; i++) {
        fake_free(db->paths[i]);
        JsonFree(db->docs[i]);
    }
    fake_free(db->paths);
    fake_free(db->docs);
    fake_free(db);
}

static void path_of(char *buf, size_t len, size_t n, va_list ap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *part = va_arg(ap, const char *);
        if (!part) {
            fprintf(stderr, "fake db: NULL path part (the flat backend would crash)\n");
            abort();
        }
        if (i)
            strncat(buf, "/", len - strlen(buf) - 1);
        strncat(buf, part, len - strlen(buf) - 1);
    }
}

static long doc_find(Db *db, const char *path)
{
    for (size_t i = 0; i < db->n; i++)
        if (strcmp(db->paths[i], path) == 0)
            return (long)i;
    return -1;
}

static long doc_add(Db *db, const char *path)
{
    if (db->n == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 16;
        char **paths = fake_alloc(cap * sizeof *paths);
        HashMap **docs = fake_alloc(cap * sizeof *docs);
        if (db->n) {
            memcpy(paths, db->paths, db->n * sizeof *paths);
            memcpy(docs, db->docs, db->n * sizeof *docs);
        }
        fake_free(db->paths);
        fake_free(db->docs);
        db->paths = paths;
        db->docs = docs;
        db->cap = cap;
    }
    db->paths[db->n] = fake_strdup(path);
    db->docs[db->n] = HashMapCreate();
    return (long)db->n++;
}

static DbRef *ref_to(Db *db, long doc)
{
    DbRef *ref = fake_alloc(sizeof *ref);
    ref->db = db;
    ref->path = fake_strdup(db->paths[doc]);
    ref->json = db->docs[doc];
    open_refs++;
    return ref;
}

DbRef *DbLock(Db *db, size_t n, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, n);
    path_of(path, sizeof path, n, ap);
    va_end(ap);
    long doc = doc_find(db, path);
    return doc < 0 ? NULL : ref_to(db, doc);
}

DbRef *DbCreate(Db *db, size_t n, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, n);
    path_of(path, sizeof path, n, ap);
    va_end(ap);
    if (doc_find(db, path) >= 0)
        return NULL;
    return ref_to(db, doc_add(db, path));
}

bool DbUnlock(Db *db, DbRef *ref)
{
    (void)db;
    if (!ref)
        return false;
    open_refs--;
    fake_free(ref->path);
    fake_free(ref);
    return true;
}

bool DbDelete(Db *db, size_t n, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, n);
    path_of(path, sizeof path, n, ap);
    va_end(ap);
    long doc = doc_find(db, path);
    if (doc < 0)
        return false;
    fake_free(db->paths[doc]);
    JsonFree(db->docs[doc]);
    db->paths[doc] = db->paths[db->n - 1];
    db->docs[doc] = db->docs[db->n - 1];
    db->n--;
    return true;
}

bool DbExists(Db *db, size_t n, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, n);
    path_of(path, sizeof path, n, ap);
    va_end(ap);
    return doc_find(db, path) >= 0;
}

Array *DbList(Db *db, size_t n, ...)
{
    char prefix[1024];
    va_list ap;
    va_start(ap, n);
    path_of(prefix, sizeof prefix, n, ap);
    va_end(ap);
    strncat(prefix, "/", sizeof prefix - strlen(prefix) - 1);
    Array *list = ArrayCreate();
    for (size_t i = 0; i < db->n; i++) {
        const char *p = db->paths[i];
        if (strncmp(p, prefix, strlen(prefix)) == 0 && !strchr(p + strlen(prefix), '/'))
            ArrayAdd(list, fake_strdup(p + strlen(prefix)));
    }
    return list;
}

void DbListFree(Array *list)
{
    for (size_t i = 0; i < ArraySize(list); i++)
        fake_free(ArrayGet(list, i));
    ArrayFree(list);
}

HashMap *DbJson(DbRef *ref) { return ref ? ref->json : NULL; }

bool DbJsonSet(DbRef *ref, HashMap *json)
{
    long doc = ref && json ? doc_find(ref->db, ref->path) : -1;
    if (doc < 0)
        return false;
    JsonFree(ref->db->docs[doc]);
    ref->db->docs[doc] = object_dup(json);
    ref->json = ref->db->docs[doc];
    return true;
}

HashMap *FakeDbPeek(Db *db, const char *path)
{
    long doc = doc_find(db, path);
    return doc < 0 ? NULL : db->docs[doc];
}

size_t FakeDbCount(Db *db, const char *prefix)
{
    size_t count = 0;
    for (size_t i = 0; i < db->n; i++)
        count += strncmp(db->paths[i], prefix, strlen(prefix)) == 0;
    return count;
}

/* ---- Http ---------------------------------------------------------------- */

struct HttpServerContext {
    int method;
    char *path;
    HashMap *headers;
    HashMap *params;
    int status;
};

HttpServerContext *FakeContext(int method, const char *path, const char *bearer)
{
    HttpServerContext *c = fake_alloc(sizeof *c);
    c->method = method;
    c->path = fake_strdup(path);
    c->headers = HashMapCreate();
    c->params = HashMapCreate();
    c->status = 200;
    if (bearer) {
        char value[512];
        snprintf(value, sizeof value, "Bearer %s", bearer);
        HashMapSet(c->headers, "authorization", fake_strdup(value));
    }
    return c;
}

int FakeContextStatus(HttpServerContext *c) { return c->status; }

void FakeContextFree(HttpServerContext *c)
{
    for (size_t i = 0; i < c->headers->n; i++)
        fake_free(c->headers->vals[i]);
    HashMapFree(c->headers);
    HashMapFree(c->params);
    fake_free(c->path);
    fake_free(c);
}

int HttpRequestMethodGet(HttpServerContext *c) { return c->method; }

const char *HttpRequestMethodToString(int m)
{
    static const char *const names[] = {"UNKNOWN", "GET", "HEAD", "POST", "PUT", "DELETE"};
    return m >= 0 && m <= HTTP_DELETE ? names[m] : NULL;
}

char *HttpRequestPath(HttpServerContext *c) { return c->path; }
HashMap *HttpRequestHeaders(HttpServerContext *c) { return c->headers; }
HashMap *HttpRequestParams(HttpServerContext *c) { return c->params; }
void HttpResponseStatus(HttpServerContext *c, int status) { c->status = status; }

/* ---- Users and access tokens --------------------------------------------- */

struct User {
    char *name;
};

static struct { char name[64], password[64]; } users[16];
static struct { char token[64], user[64]; } tokens[16];
static size_t n_users, n_tokens;
static long locked_users;

long FakeLockedUsers(void) { return locked_users; }

void FakeUserAdd(const char *localpart, const char *password)
{
    snprintf(users[n_users].name, sizeof users[n_users].name, "%s", localpart);
    snprintf(users[n_users].password, sizeof users[n_users].password, "%s", password);
    n_users++;
}

void FakeAccessTokenAdd(const char *token, const char *localpart)
{
    snprintf(tokens[n_tokens].token, sizeof tokens[n_tokens].token, "%s", token);
    snprintf(tokens[n_tokens].user, sizeof tokens[n_tokens].user, "%s", localpart);
    n_tokens++;
}

void FakeUsersFree(void) { n_users = n_tokens = 0; }

User *UserLock(Db *db, char *name)
{
    (void)db;
    if (!name) {
        fprintf(stderr, "fake UserLock: NULL name (Telodendria would crash)\n");
        abort();
    }
    for (size_t i = 0; i < n_users; i++) {
        if (strcmp(users[i].name, name) == 0) {
            User *u = fake_alloc(sizeof *u);
            u->name = fake_strdup(name);
            locked_users++;
            return u;
        }
    }
    return NULL;
}

bool UserUnlock(User *u)
{
    if (!u)
        return false;
    locked_users--;
    fake_free(u->name);
    fake_free(u);
    return true;
}

char *UserGetName(User *u) { return u ? u->name : NULL; }

bool UserCheckPassword(User *u, char *password)
{
    for (size_t i = 0; u && password && i < n_users; i++)
        if (strcmp(users[i].name, u->name) == 0)
            return strcmp(users[i].password, password) == 0;
    return false;
}

User *UserAuthenticate(Db *db, char *token)
{
    for (size_t i = 0; token && i < n_tokens; i++)
        if (strcmp(tokens[i].token, token) == 0)
            return UserLock(db, tokens[i].user);
    return NULL;
}

/* ---- Registration tokens: documents tokens/registration/<name> ---------- */

struct RegTokenInfo {
    Db *db;
    DbRef *ref;
    int64_t uses, used, expires_on;
};

void FakeRegTokenAdd(Db *db, const char *name, int64_t uses)
{
    DbRef *ref = DbCreate(db, 3, "tokens", "registration", name);
    HashMapSet(DbJson(ref), "uses", JsonValueInteger((uint64_t)uses));
    HashMapSet(DbJson(ref), "used", JsonValueInteger(0));
    HashMapSet(DbJson(ref), "expires_on", JsonValueInteger(0));
    DbUnlock(db, ref);
}

int RegTokenExists(Db *db, char *name) { return name && DbExists(db, 3, "tokens", "registration", name); }

RegTokenInfo *RegTokenGetInfo(Db *db, char *name)
{
    DbRef *ref = name ? DbLock(db, 3, "tokens", "registration", name) : NULL;
    if (!ref)
        return NULL;
    RegTokenInfo *info = fake_alloc(sizeof *info);
    info->db = db;
    info->ref = ref;
    info->uses = (int64_t)JsonValueAsInteger(HashMapGet(DbJson(ref), "uses"));
    info->used = (int64_t)JsonValueAsInteger(HashMapGet(DbJson(ref), "used"));
    info->expires_on = (int64_t)JsonValueAsInteger(HashMapGet(DbJson(ref), "expires_on"));
    return info;
}

int RegTokenValid(RegTokenInfo *info)
{
    if (!info)
        return 0;
    int64_t now = (int64_t)time(NULL) * 1000;
    return (info->expires_on == 0 || now < info->expires_on) && (info->uses == -1 || info->used < info->uses);
}

void RegTokenUse(RegTokenInfo *info)
{
    if (info && (info->uses == -1 || info->used < info->uses))
        info->used++;
}

int RegTokenClose(RegTokenInfo *info)
{
    if (!info)
        return 0;
    JsonValueFree(HashMapSet(DbJson(info->ref), "used", JsonValueInteger((uint64_t)info->used)));
    DbUnlock(info->db, info->ref);
    info->ref = NULL;
    return 1;
}

void RegTokenFree(RegTokenInfo *info) { fake_free(info); }

/* Log: keeps the last lines and counts them, for tests that expect some. */
#define LOG_KEPT 32
static char kept_lines[LOG_KEPT][1024];
static int kept_levels[LOG_KEPT];
static long log_lines;
static char last_log[1024];
static int last_log_level = -1;

void Log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&lock);
    vsnprintf(last_log, sizeof last_log, fmt, ap);
    last_log_level = level;
    memcpy(kept_lines[log_lines % LOG_KEPT], last_log, sizeof last_log);
    kept_levels[log_lines % LOG_KEPT] = level;
    log_lines++;
    pthread_mutex_unlock(&lock);
    va_end(ap);
}

const char *FakeLastLog(int *level)
{
    if (level)
        *level = last_log_level;
    return last_log;
}

long FakeLogLines(void)
{
    pthread_mutex_lock(&lock);
    long n = log_lines;
    pthread_mutex_unlock(&lock);
    return n;
}

int FakeLogged(long since, const char *part, int level)
{
    int found = 0;
    pthread_mutex_lock(&lock);
    if (since < log_lines - LOG_KEPT)
        since = log_lines - LOG_KEPT;
    for (long i = since < 0 ? 0 : since; i < log_lines && !found; i++)
        found = kept_levels[i % LOG_KEPT] == level && strstr(kept_lines[i % LOG_KEPT], part) != NULL;
    pthread_mutex_unlock(&lock);
    return found;
}
