/* A small fake of the Cytoplasm and Telodendria functions stepup's Uia.h
 * drop-in and its Cytoplasm TLS backend call, written from their documented
 * signatures, for testing them without the real projects. It uses the real
 * headers' guard names, so stepup's <telodendria/Uia.h> sees these
 * definitions and declares none of its own. Every allocation is tracked:
 * a free of memory the fake did not allocate aborts the program
 * (Telodendria's allocator would crash). */
#ifndef FAKE_CYTOPLASM_H
#define FAKE_CYTOPLASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CYTOPLASM_HASHMAP_H
#define CYTOPLASM_ARRAY_H
#define CYTOPLASM_DB_H
#define CYTOPLASM_HTTPSERVER_H
#define TELODENDRIA_MATRIX_H
#define TELODENDRIA_CONFIG_H
#define CYTOPLASM_MEMORY_H
#define CYTOPLASM_LOG_H
#define CYTOPLASM_TLS_H

typedef struct HashMap HashMap;
typedef struct Array Array;
typedef struct JsonValue JsonValue;
typedef struct Db Db;
typedef struct DbRef DbRef;
typedef struct HttpServerContext HttpServerContext;
typedef struct HttpRouter HttpRouter;
typedef struct User User;
typedef struct RegTokenInfo RegTokenInfo;

typedef struct MatrixHttpHandlerArgs {
    Db *db;
    HttpRouter *router;
} MatrixHttpHandlerArgs;

/* Telodendria 1.7.0-alpha4's generated Config, field for field. */
typedef struct ConfigRunAs {
    char *gid;
    char *uid;
} ConfigRunAs;
typedef struct ConfigLogConfig {
    int output;
    bool color;
    char *timestampFormat;
    int level;
} ConfigLogConfig;
typedef struct Config {
    void *ref;
    Db *db;
    char *pid;
    Array *listen;
    ConfigRunAs runAs;
    char *baseUrl;
    int64_t maxCache;
    char *err;
    bool federation;
    bool ok;
    ConfigLogConfig log;
    char *identityServer;
    char *serverName;
    bool registration;
} Config;

enum { JSON_NULL, JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_INTEGER, JSON_FLOAT, JSON_BOOLEAN };
enum { HTTP_METHOD_UNKNOWN, HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE };

/* The Cytoplasm/Telodendria API the fake provides (as declared upstream). */
HashMap *HashMapCreate(void);
void HashMapFree(HashMap *);
void *HashMapSet(HashMap *, char *, void *);
void *HashMapGet(HashMap *, const char *);
bool HashMapIterateReentrant(HashMap *, char **, void **, size_t *);
Array *ArrayCreate(void);
void ArrayFree(Array *);
size_t ArraySize(Array *);
void *ArrayGet(Array *, size_t);
bool ArrayAdd(Array *, void *);
int JsonValueType(JsonValue *);
HashMap *JsonValueAsObject(JsonValue *);
Array *JsonValueAsArray(JsonValue *);
char *JsonValueAsString(JsonValue *);
uint64_t JsonValueAsInteger(JsonValue *);
double JsonValueAsFloat(JsonValue *);
bool JsonValueAsBoolean(JsonValue *);
JsonValue *JsonValueObject(HashMap *);
JsonValue *JsonValueArray(Array *);
JsonValue *JsonValueString(char *);
JsonValue *JsonValueInteger(uint64_t);
JsonValue *JsonValueFloat(double);
JsonValue *JsonValueBoolean(bool);
JsonValue *JsonValueNull(void);
void JsonValueFree(JsonValue *);
void JsonFree(HashMap *);
DbRef *DbCreate(Db *, size_t, ...);
DbRef *DbLock(Db *, size_t, ...);
bool DbUnlock(Db *, DbRef *);
bool DbDelete(Db *, size_t, ...);
bool DbExists(Db *, size_t, ...);
Array *DbList(Db *, size_t, ...);
void DbListFree(Array *);
HashMap *DbJson(DbRef *);
bool DbJsonSet(DbRef *, HashMap *);
int HttpRequestMethodGet(HttpServerContext *);
const char *HttpRequestMethodToString(int);
char *HttpRequestPath(HttpServerContext *);
HashMap *HttpRequestHeaders(HttpServerContext *);
HashMap *HttpRequestParams(HttpServerContext *);
void HttpResponseStatus(HttpServerContext *, int);
User *UserAuthenticate(Db *, char *);
User *UserLock(Db *, char *);
bool UserUnlock(User *);
char *UserGetName(User *);
bool UserCheckPassword(User *, char *);
int RegTokenExists(Db *, char *);
RegTokenInfo *RegTokenGetInfo(Db *, char *);
int RegTokenValid(RegTokenInfo *);
void RegTokenUse(RegTokenInfo *);
int RegTokenClose(RegTokenInfo *);
void RegTokenFree(RegTokenInfo *);
/* Cytoplasm's Log.h: a syslog level (LOG_ERR is 3) and a printf format. */
void Log(int, const char *, ...);
/* Cytoplasm's Memory.h: what its Malloc(size) and Free(p) macros call. */
void *MemoryAllocate(size_t, const char *, int);
void MemoryFree(void *, const char *, int);

/* Cytoplasm's Tls.h: the five functions a TLS backend defines (stepup's
 * cytoplasm-tls feature; not the fake's). */
void *TlsInitClient(int, const char *);
void *TlsInitServer(int, const char *, const char *);
ssize_t TlsRead(void *, void *, size_t);
ssize_t TlsWrite(void *, void *, size_t);
int TlsClose(void *);

/* Test helpers (not Cytoplasm API). */
HashMap *FakeJsonParse(const char *text);       /* an object, or NULL */
char *FakeJsonEncode(HashMap *map);             /* malloc'd text; free() it */
JsonValue *FakeJsonGet(HashMap *map, const char *key);
Db *FakeDbCreate(void);
void FakeDbFree(Db *);
HashMap *FakeDbPeek(Db *, const char *path);    /* a document, without locking; NULL if absent */
size_t FakeDbCount(Db *, const char *prefix);
HttpServerContext *FakeContext(int method, const char *path, const char *bearer);
int FakeContextStatus(HttpServerContext *);
void FakeContextFree(HttpServerContext *);
void FakeUserAdd(const char *localpart, const char *password);
void FakeAccessTokenAdd(const char *token, const char *localpart);
void FakeRegTokenAdd(Db *, const char *name, int64_t uses);
void FakeUsersFree(void);
long FakeLiveAllocations(void);
long FakeOpenRefs(void);
long FakeLockedUsers(void);
const char *FakeLastLog(int *level);            /* the last Log line ("" for none) and its level */
long FakeLogLines(void);                        /* how many lines Log was given */
/* Whether a line from number `since` on (of the last 32) holds `part`, at `level`. */
int FakeLogged(long since, const char *part, int level);

#endif
