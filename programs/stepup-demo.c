/* stepup-demo: a small Matrix-style HTTPS server showing step-up
 * authentication with stepup alone: Matrix User-Interactive Authentication
 * (registration with a token, delete_devices behind a password or a client
 * certificate) and TLS 1.3 post-handshake client authentication (the client
 * is asked for its certificate on the live connection, only when an
 * operation needs it).
 *
 * usage: stepup-demo [-p PORT] [--data DIR]
 *
 * It listens on 127.0.0.1 only. On first run it makes a demo PKI in DIR with
 * the openssl command (ca, server and alice, ECDSA P-256) and the secrets
 * (alice's password and access token, a registration token); later runs
 * reuse them. One thread per connection, one HTTP/1.1 request per
 * connection. */
#include "common.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stepup/uia.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *program_name = "stepup-demo";

#define DEFAULT_PORT 8448
#define DEFAULT_DATA_DIR "demo-data"
#define SERVER_NAME "localhost"
/* Post-handshake authentication exists only in TLS 1.3. */
#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

#define MAX_CONNECTIONS 32
#define IO_TIMEOUT_S 10        /* per socket read or write */
#define REQUEST_DEADLINE_S 30  /* to receive a whole request */
#define REAUTH_DEADLINE_S 20   /* to answer a certificate request */
#define EVICT_AFTER_S 1        /* a full server may drop a client that waited this long */
#define DRAIN_DEADLINE_S 1     /* to read what is left of a refused request */
#define MAX_HEADER 16384
#define MAX_BODY 65536
#define MAX_USERS 10000
#define MAX_LOCALPART 64
#define MAX_PASSWORD 256
#define SECRET_LEN 32
#define CLEANUP_INTERVAL_S 300

#define FLOWS_REGISTER "{\"flows\":[{\"stages\":[\"m.login.registration_token\",\"m.login.dummy\"]}]}"
#define FLOWS_DELETE                                                                                   \
    "{\"flows\":[{\"stages\":[\"m.login.password\"]},{\"stages\":[\"" STEPUP_UIA_STAGE_TLS_CLIENT_CERT \
    "\"]}]}"

/* ---------- shared state ---------- */

static stepup_uia *engine;
static stepup_uia_flows *register_flows, *delete_flows;
static gnutls_certificate_credentials_t credentials;
static gnutls_priority_t priority;

struct user {
    char localpart[MAX_LOCALPART + 1];
    /* Zero-padded, so that the comparison always reads the whole buffer. */
    unsigned char password[MAX_PASSWORD + 1];
    size_t password_len;
    char token[SECRET_LEN + 1];
    /* The UIA session whose completion created the user, for replays. */
    char session[128];
};

static pthread_mutex_t users_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user *users;
static size_t users_count, users_cap;

/* Connections in progress: their sockets, so that a shutdown can wake them. */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cond = PTHREAD_COND_INITIALIZER;
static int conn_fds[MAX_CONNECTIONS];
static int conns_active;
/* Whether each connection waits on its client (handshake, request,
 * certificate, drain), and since when: when every slot is taken, the
 * longest waiting is dropped for the newcomer, so slow clients cannot keep
 * everyone else out. */
static int conn_waiting[MAX_CONNECTIONS];
static double conn_waiting_since[MAX_CONNECTIONS];

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* snprintf that reports truncation instead of hiding it. */
static int fmt(char *out, size_t size, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out, size, format, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* ---------- secrets ---------- */

/* Fills out[0..len) with random letters and digits and NUL-terminates it.
 * Rejection sampling keeps the 62 symbols equally likely. */
static int random_string(char *out, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t made = 0;
    while (made < len) {
        unsigned char bytes[64];
        if (gnutls_rnd(GNUTLS_RND_KEY, bytes, sizeof bytes) < 0)
            return -1;
        for (size_t i = 0; i < sizeof bytes && made < len; i++)
            if (bytes[i] < 248) /* 248 = 4 * 62 */
                out[made++] = alphabet[bytes[i] % 62];
    }
    out[len] = '\0';
    return 0;
}

static int is_secret(const char *s)
{
    size_t n = strlen(s);
    if (n < 16 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

struct secrets {
    char alice_password[65];
    char alice_token[65];
    char registration_token[65];
};

static int write_file(const char *path, const char *data, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(data), done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)w;
    }
    if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        close(fd);
        return -1;
    }
    return close(fd);
}

static void load_secrets(const char *dir, struct secrets *s)
{
    char path[4096], tmp[4096];
    if (fmt(path, sizeof path, "%s/secrets", dir) < 0 || fmt(tmp, sizeof tmp, "%s/secrets.tmp", dir) < 0)
        fail("data directory path too long");
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno != ENOENT)
            fail("%s: %s", path, strerror(errno));
        if (random_string(s->alice_password, 24) < 0 || random_string(s->alice_token, SECRET_LEN) < 0 ||
            random_string(s->registration_token, SECRET_LEN) < 0)
            fail("the random generator failed");
        char text[512];
        if (fmt(text, sizeof text,
                "# stepup-demo secrets, made on first run; delete this file for new ones.\n"
                "alice_password=%s\nalice_token=%s\nregistration_token=%s\n",
                s->alice_password, s->alice_token, s->registration_token) < 0)
            fail("secrets too long");
        /* Written aside then renamed, so a crash never leaves half a file. */
        unlink(tmp);
        if (write_file(tmp, text, 0600) < 0 || rename(tmp, path) < 0)
            fail("cannot write %s: %s", path, strerror(errno));
        printf("Generated new secrets in %s\n", path);
        return;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
        fprintf(stderr, "%s: warning: %s is readable by others (chmod 600 it)\n", program_name, path);
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *value = eq + 1;
        char *slot = strcmp(line, "alice_password") == 0       ? s->alice_password
                     : strcmp(line, "alice_token") == 0        ? s->alice_token
                     : strcmp(line, "registration_token") == 0 ? s->registration_token
                                                               : NULL;
        if (slot && is_secret(value))
            memcpy(slot, value, strlen(value) + 1);
    }
    fclose(f);
    if (!s->alice_password[0] || !s->alice_token[0] || !s->registration_token[0])
        fail("%s is incomplete or malformed; delete it to generate new secrets", path);
}

/* ---------- the demo PKI, made with the openssl command ---------- */

/* Runs openssl with `args` (no shell) and returns 0 when it exited with 0;
 * otherwise prints the command and what it wrote, and returns -1. */
static int run_openssl(char *const args[])
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -1;
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    int rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    /* The demo ignores SIGPIPE; openssl gets the default back. */
    posix_spawnattr_t attr;
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    int attr_ok = rc == 0 && posix_spawnattr_init(&attr) == 0;
    if (rc == 0 && !attr_ok)
        rc = ENOMEM;
    if (attr_ok && (rc = posix_spawnattr_setsigdefault(&attr, &pipe_only)) == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    if (rc == 0)
        rc = posix_spawnp(&pid, "openssl", &actions, &attr, args, environ);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    char text[4096];
    size_t len = 0;
    for (;;) {
        char chunk[512];
        ssize_t n = read(out[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n < sizeof text - 1 - len ? (size_t)n : sizeof text - 1 - len;
        memcpy(text + len, chunk, take);
        len += take;
    }
    text[len] = '\0';
    close(out[0]);
    int status = 0;
    if (rc == 0) {
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                status = -1;
                break;
            }
        }
    }
    if (rc == 0 && status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    fprintf(stderr, "%s: this command failed:", program_name);
    for (int i = 0; args[i]; i++)
        fprintf(stderr, " %s", args[i]);
    if (rc != 0)
        fprintf(stderr, "\n  cannot run openssl: %s (is the openssl command installed?)\n", strerror(rc));
    else
        fprintf(stderr, "\n%s", text);
    return -1;
}

static int file_exists(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    return fmt(path, sizeof path, "%s/%s", dir, name) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Issues NAME.pem (subject CN=cn) signed by the demo CA, with a new key
 * NAME.key and the extensions `ext`. */
static int issue(const char *dir, const char *name, const char *cn, const char *ext)
{
    char key[4096], csr[4096], pem[4096], extfile[4096], ca[4096], cakey[4096], subject[128], serial[40];
    unsigned char rnd[8];
    if (fmt(key, sizeof key, "%s/%s.key", dir, name) < 0 || fmt(csr, sizeof csr, "%s/%s.csr", dir, name) < 0 ||
        fmt(pem, sizeof pem, "%s/%s.pem", dir, name) < 0 || fmt(extfile, sizeof extfile, "%s/%s.ext", dir, name) < 0 ||
        fmt(ca, sizeof ca, "%s/ca.pem", dir) < 0 || fmt(cakey, sizeof cakey, "%s/ca.key", dir) < 0 ||
        fmt(subject, sizeof subject, "/CN=%s", cn) < 0 || gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof rnd) < 0)
        return -1;
    rnd[0] &= 0x7f; /* a positive serial */
    if (fmt(serial, sizeof serial, "0x%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
            rnd[5], rnd[6], rnd[7]) < 0)
        return -1;
    if (write_file(extfile, ext, 0600) < 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", program_name, extfile, strerror(errno));
        return -1;
    }
    char *genkey[] = {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", key, NULL};
    char *req[] = {"openssl", "req", "-new", "-key", key, "-subj", subject, "-out", csr, NULL};
    char *sign[] = {"openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cakey, "-set_serial", serial,
                    "-days", "825", "-sha256", "-extfile", extfile, "-out", pem, NULL};
    int r = run_openssl(genkey) == 0 && chmod(key, 0600) == 0 && run_openssl(req) == 0 && run_openssl(sign) == 0
                ? 0
                : -1;
    unlink(csr);
    unlink(extfile);
    return r;
}

static void ensure_pki(const char *dir)
{
    static const char *const files[] = {"ca.pem", "ca.key", "server.pem", "server.key", "alice.pem", "alice.key"};
    int present = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        present += file_exists(dir, files[i]);
    if (present == (int)(sizeof files / sizeof files[0]))
        return;
    if (present > 0)
        printf("The demo PKI in %s is incomplete: making a new one.\n", dir);
    printf("Making a demo PKI in %s with openssl (ECDSA P-256)...\n", dir);
    fflush(stdout);
    char key[4096], pem[4096];
    if (fmt(key, sizeof key, "%s/ca.key", dir) < 0 || fmt(pem, sizeof pem, "%s/ca.pem", dir) < 0)
        fail("data directory path too long");
    char *genkey[] = {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", key, NULL};
    char *selfsign[] = {"openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=stepup demo CA",
                        "-days", "3650", "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", pem, NULL};
    if (run_openssl(genkey) < 0 || chmod(key, 0600) < 0 || run_openssl(selfsign) < 0)
        fail("cannot make the demo CA in %s", dir);
    if (issue(dir, "server", "localhost",
              "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n") < 0)
        fail("cannot make the server certificate in %s", dir);
    if (issue(dir, "alice", "alice",
              "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=clientAuth\n") < 0)
        fail("cannot make alice's certificate in %s", dir);
}

/* mkdir -p, new directories private to the user. */
static void make_dirs(const char *dir)
{
    char path[4096];
    if (fmt(path, sizeof path, "%s", dir) < 0 || !path[0])
        fail("bad data directory '%s'", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0700) < 0 && errno != EEXIST)
                fail("cannot create %s: %s", path, strerror(errno));
            *p = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        fail("%s is not a directory", dir);
}

/* ---------- JSON: just enough to read top-level string members ---------- */

struct json {
    const char *p, *end;
};

enum { JSON_BAD = -1, JSON_LONG = -2, JSON_REFUSED = -3 };

static void json_ws(struct json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Reads the string at j->p (a '"'). With `out`, decodes it there
 * (NUL-terminated, at most size-1 bytes). Returns its decoded length, or
 * JSON_BAD (malformed), JSON_LONG (did not fit; the string is still
 * consumed), JSON_REFUSED (\u0000 or a surrogate escape, which the demo
 * does not take). */
static long json_string(struct json *j, char *out, size_t size)
{
    if (j->p >= j->end || *j->p != '"')
        return JSON_BAD;
    j->p++;
    size_t len = 0;
    int too_long = 0, refused = 0;
    for (;;) {
        if (j->p >= j->end)
            return JSON_BAD;
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            break;
        if (c < 0x20)
            return JSON_BAD;
        unsigned char enc[3];
        size_t n = 1;
        enc[0] = c;
        if (c == '\\') {
            if (j->p >= j->end)
                return JSON_BAD;
            char e = *j->p++;
            switch (e) {
            case '"': case '\\': case '/': enc[0] = (unsigned char)e; break;
            case 'b': enc[0] = '\b'; break;
            case 'f': enc[0] = '\f'; break;
            case 'n': enc[0] = '\n'; break;
            case 'r': enc[0] = '\r'; break;
            case 't': enc[0] = '\t'; break;
            case 'u': {
                if (j->end - j->p < 4)
                    return JSON_BAD;
                unsigned cp = 0;
                for (int i = 0; i < 4; i++) {
                    int v = hex_value(j->p[i]);
                    if (v < 0)
                        return JSON_BAD;
                    cp = cp << 4 | (unsigned)v;
                }
                j->p += 4;
                if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
                    refused = 1;
                    n = 0;
                } else if (cp < 0x80) {
                    enc[0] = (unsigned char)cp;
                } else if (cp < 0x800) {
                    enc[0] = (unsigned char)(0xc0 | cp >> 6);
                    enc[1] = (unsigned char)(0x80 | (cp & 0x3f));
                    n = 2;
                } else {
                    enc[0] = (unsigned char)(0xe0 | cp >> 12);
                    enc[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
                    enc[2] = (unsigned char)(0x80 | (cp & 0x3f));
                    n = 3;
                }
                break;
            }
            default: return JSON_BAD;
            }
        }
        if (out && !too_long) {
            if (len + n > size - 1)
                too_long = 1;
            else
                memcpy(out + len, enc, n);
        }
        len += n;
    }
    if (out && !too_long)
        out[len] = '\0';
    return refused ? JSON_REFUSED : too_long ? JSON_LONG : (long)len;
}

static int json_skip(struct json *j, int depth)
{
    if (depth > 64)
        return JSON_BAD;
    json_ws(j);
    if (j->p >= j->end)
        return JSON_BAD;
    char c = *j->p;
    if (c == '"')
        return json_string(j, NULL, 0) == JSON_BAD ? JSON_BAD : 0;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        json_ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                json_ws(j);
                if (json_string(j, NULL, 0) == JSON_BAD)
                    return JSON_BAD;
                json_ws(j);
                if (j->p >= j->end || *j->p++ != ':')
                    return JSON_BAD;
            }
            if (json_skip(j, depth + 1) < 0)
                return JSON_BAD;
            json_ws(j);
            if (j->p >= j->end)
                return JSON_BAD;
            char sep = *j->p++;
            if (sep == close)
                return 0;
            if (sep != ',')
                return JSON_BAD;
        }
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
            j->p += n;
            return 0;
        }
    }
    const char *start = j->p;
    while (j->p < j->end && strchr("0123456789+-.eE", *j->p))
        j->p++;
    return j->p > start ? 0 : JSON_BAD;
}

/* Finds the top-level member `key` of the JSON object in body[0..len) (the
 * last one if repeated, as the engine's parser does). Returns 1 with *value
 * at its value, 0 when absent, JSON_BAD when the body is not an object. */
static int json_member(const char *body, size_t len, const char *key, struct json *value)
{
    struct json j = {body, body + len};
    int found = 0;
    json_ws(&j);
    if (j.p >= j.end || *j.p++ != '{')
        return JSON_BAD;
    json_ws(&j);
    if (j.p < j.end && *j.p == '}')
        return 0;
    for (;;) {
        char name[128];
        json_ws(&j);
        long n = json_string(&j, name, sizeof name);
        if (n == JSON_BAD)
            return JSON_BAD;
        json_ws(&j);
        if (j.p >= j.end || *j.p++ != ':')
            return JSON_BAD;
        json_ws(&j);
        if (n >= 0 && strcmp(name, key) == 0) {
            *value = j;
            found = 1;
        }
        if (json_skip(&j, 0) < 0)
            return JSON_BAD;
        json_ws(&j);
        if (j.p >= j.end)
            return JSON_BAD;
        char sep = *j.p++;
        if (sep == '}')
            break;
        if (sep != ',')
            return JSON_BAD;
    }
    json_ws(&j);
    return j.p == j.end ? found : JSON_BAD;
}

/* The top-level string member `key`: 1 (decoded into out), 0 absent,
 * JSON_BAD (not a string, or the body is not an object), JSON_LONG,
 * JSON_REFUSED. */
static int json_get_string(const char *body, size_t len, const char *key, char *out, size_t size)
{
    struct json value;
    int r = json_member(body, len, key, &value);
    if (r <= 0)
        return r;
    long n = json_string(&value, out, size);
    return n >= 0 ? 1 : (int)n;
}

/* Writes `s` as the inside of a JSON string. */
static int json_escape(char *out, size_t size, const char *s)
{
    size_t len = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\')
            fmt(esc, sizeof esc, "\\%c", c);
        else if (c < 0x20)
            fmt(esc, sizeof esc, "\\u%04x", c);
        else
            fmt(esc, sizeof esc, "%c", c);
        size_t n = strlen(esc);
        if (len + n >= size)
            return -1;
        memcpy(out + len, esc, n);
        len += n;
    }
    out[len] = '\0';
    return 0;
}

/* ---------- users and access tokens (in memory) ---------- */

static int valid_localpart(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > MAX_LOCALPART)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("._=-/", s[i])))
            return 0;
    return 1;
}

static struct user *find_user_locked(const char *localpart)
{
    for (size_t i = 0; i < users_count; i++)
        if (strcmp(users[i].localpart, localpart) == 0)
            return &users[i];
    return NULL;
}

enum { ADD_OK = 0, ADD_TAKEN = -1, ADD_FULL = -2, ADD_NOMEM = -3 };

/* Adds a user with a fresh access token (copied to token_out) unless the
 * localpart is taken. */
static int add_user(const char *localpart, const char *password, size_t password_len, const char *token,
                    const char *session, char token_out[SECRET_LEN + 1])
{
    char fresh[SECRET_LEN + 1];
    if (!token) {
        if (random_string(fresh, SECRET_LEN) < 0)
            return ADD_NOMEM;
        token = fresh;
    }
    pthread_mutex_lock(&users_lock);
    int r = ADD_OK;
    if (find_user_locked(localpart)) {
        r = ADD_TAKEN;
    } else if (users_count == MAX_USERS) {
        r = ADD_FULL;
    } else if (users_count == users_cap) {
        size_t cap = users_cap ? users_cap * 2 : 16;
        struct user *grown = realloc(users, cap * sizeof *grown);
        if (grown) {
            users = grown;
            users_cap = cap;
        } else {
            r = ADD_NOMEM;
        }
    }
    if (r == ADD_OK) {
        struct user *u = &users[users_count++];
        memset(u, 0, sizeof *u);
        fmt(u->localpart, sizeof u->localpart, "%s", localpart);
        memcpy(u->password, password, password_len);
        u->password_len = password_len;
        fmt(u->token, sizeof u->token, "%s", token);
        fmt(u->session, sizeof u->session, "%s", session ? session : "");
        if (token_out)
            fmt(token_out, SECRET_LEN + 1, "%s", u->token);
    }
    pthread_mutex_unlock(&users_lock);
    return r;
}

/* The localpart of the user holding access token `token` (compared in
 * constant time per user). Returns 1 when found. */
static int user_by_token(const char *token, char localpart[MAX_LOCALPART + 1])
{
    size_t len = strlen(token);
    int found = 0;
    pthread_mutex_lock(&users_lock);
    for (size_t i = 0; i < users_count; i++) {
        const char *t = users[i].token;
        if (strlen(t) != len)
            continue;
        unsigned char diff = 0;
        for (size_t k = 0; k < len; k++)
            diff |= (unsigned char)(t[k] ^ token[k]);
        if (diff == 0 && !found) {
            fmt(localpart, MAX_LOCALPART + 1, "%s", users[i].localpart);
            found = 1;
        }
    }
    pthread_mutex_unlock(&users_lock);
    return found;
}

/* The user a completed registration session created, if any. */
static int user_by_session(const char *session, char localpart[MAX_LOCALPART + 1], char token[SECRET_LEN + 1])
{
    int found = 0;
    pthread_mutex_lock(&users_lock);
    for (size_t i = 0; i < users_count && !found; i++) {
        if (users[i].session[0] && strcmp(users[i].session, session) == 0) {
            fmt(localpart, MAX_LOCALPART + 1, "%s", users[i].localpart);
            fmt(token, SECRET_LEN + 1, "%s", users[i].token);
            found = 1;
        }
    }
    pthread_mutex_unlock(&users_lock);
    return found;
}

/* The engine's m.login.password checker. The comparison reads the whole
 * zero-padded buffer whatever the input, so its time says nothing about
 * how much of the password matched. */
static int check_password(void *ctx, const char *user_id, const char *password)
{
    (void)ctx;
    static const char suffix[] = ":" SERVER_NAME;
    size_t id_len = strlen(user_id), suffix_len = sizeof suffix - 1;
    if (id_len < 2 + suffix_len || user_id[0] != '@' || strcmp(user_id + id_len - suffix_len, suffix) != 0)
        return 0;
    char localpart[MAX_LOCALPART + 1];
    size_t lp_len = id_len - 1 - suffix_len;
    if (lp_len > MAX_LOCALPART)
        return 0;
    memcpy(localpart, user_id + 1, lp_len);
    localpart[lp_len] = '\0';
    size_t pw_len = strlen(password);
    unsigned char given[MAX_PASSWORD + 1] = {0};
    memcpy(given, password, pw_len < MAX_PASSWORD ? pw_len : MAX_PASSWORD);
    int ok = 0;
    pthread_mutex_lock(&users_lock);
    const struct user *u = find_user_locked(localpart);
    if (u) {
        unsigned char diff = (unsigned char)(u->password_len != pw_len);
        for (size_t i = 0; i < sizeof given; i++)
            diff |= (unsigned char)(u->password[i] ^ given[i]);
        ok = diff == 0;
    }
    pthread_mutex_unlock(&users_lock);
    return ok;
}

/* Marks connection `slot` as waiting on its client (or not). */
static void set_waiting(int slot, int waiting)
{
    pthread_mutex_lock(&conns_lock);
    conn_waiting[slot] = waiting;
    conn_waiting_since[slot] = now_s();
    pthread_mutex_unlock(&conns_lock);
}

/* ---------- HTTP over the TLS session ---------- */

struct conn {
    int fd;
    int slot;
    struct deadline_transport transport; /* reads end at wall-clock deadlines */
    gnutls_session_t session;
    int tls_dead;    /* the TLS session failed: close without writing */
    int unread;      /* the client may still be sending: drain before closing */
    char *buf;       /* the request, header then body */
    size_t len;
    char method[16];
    char path[2048];
    char query[1024]; /* after '?', without it */
    char bearer[1024];
    int has_auth;    /* an Authorization header was present */
    int bad_auth;    /* ... but not a usable bearer token */
    int wants_html;  /* Accept names text/html: a browser */
    const char *body;
    size_t body_len;
    char peer[INET6_ADDRSTRLEN]; /* the client's address: new UIA sessions are bounded per address */
};

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 302: return "Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Unknown";
    }
}

static int send_all(struct conn *c, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = gnutls_record_send(c->session, data, len);
        if (w == GNUTLS_E_INTERRUPTED)
            continue;
        /* Anything else, AGAIN included (SO_SNDTIMEO: the client stopped
         * reading for IO_TIMEOUT_S), ends the connection. */
        if (w <= 0) {
            c->tls_dead = 1;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static void log_request(const struct conn *c, int status, const char *note)
{
    char path[128];
    size_t n = 0;
    /* The path comes from the client: only printable ASCII reaches the log. */
    for (const char *p = c->path; *p && n < sizeof path - 4; p++)
        path[n++] = (*p > 0x20 && *p < 0x7f) ? *p : '?';
    if (c->path[n] != '\0') {
        memcpy(path + n, "...", 3);
        n += 3;
    }
    path[n] = '\0';
    printf("stepup-demo: %s %s %d%s%s\n", c->method[0] ? c->method : "-", n ? path : "-", status, note ? " " : "",
           note ? note : "");
    fflush(stdout);
}

/* Sends a response; `extra` holds whole header lines ("Name: value\r\n"). */
static void respond_with(struct conn *c, int status, const char *type, const char *extra, const char *body)
{
    char head[1024];
    size_t len = strlen(body);
    log_request(c, status, NULL);
    if (fmt(head, sizeof head,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "%sConnection: close\r\n\r\n",
            status, reason(status), type, len, extra) < 0)
        return;
    if (send_all(c, head, strlen(head)) == 0)
        send_all(c, body, len);
}

static void respond(struct conn *c, int status, const char *type, const char *body)
{
    respond_with(c, status, type, "", body);
}

static void respond_json(struct conn *c, int status, const char *body)
{
    respond(c, status, "application/json", body);
}

static void respond_error(struct conn *c, int status, const char *errcode, const char *message)
{
    char escaped[1024], body[1200];
    if (json_escape(escaped, sizeof escaped, message) < 0)
        escaped[0] = '\0';
    if (fmt(body, sizeof body, "{\"errcode\":\"%s\",\"error\":\"%s\"}", errcode, escaped) < 0)
        fmt(body, sizeof body, "{\"errcode\":\"%s\"}", errcode);
    respond_json(c, status, body);
}

static void respond_text(struct conn *c, int status, const char *text)
{
    respond(c, status, "text/plain; charset=utf-8", text);
}

/* Reads more of the request. Returns the bytes read, or -1 when the
 * client went away, timed out or broke the TLS session. */
static ssize_t read_some(struct conn *c, char *into, size_t room, double deadline)
{
    for (;;) {
        if (now_s() > deadline)
            return -1;
        /* The transport ends the read at the deadline, inside a record
         * too: a client trickling one record byte by byte meets it. */
        ssize_t n = gnutls_record_recv(c->session, into, room);
        if (n > 0)
            return n;
        if (n == GNUTLS_E_INTERRUPTED)
            continue;
        /* A blocking socket with SO_RCVTIMEO: AGAIN means nothing came for
         * IO_TIMEOUT_S; the session itself is still sound. */
        if (n < 0 && n != GNUTLS_E_AGAIN)
            c->tls_dead = 1;
        return -1;
    }
}

static int header_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/* Reads and parses one request. Returns 0, an HTTP status to answer with
 * (400, 411, 413, 431), or -1 when there is nobody to answer. */
static int read_request(struct conn *c)
{
    double deadline = now_s() + REQUEST_DEADLINE_S;
    deadline_transport_arm(&c->transport, REQUEST_DEADLINE_S);
    char *end_of_head = NULL;
    while (!end_of_head) {
        if (c->len == MAX_HEADER) {
            c->unread = 1;
            return 431;
        }
        ssize_t n = read_some(c, c->buf + c->len, MAX_HEADER - c->len, deadline);
        if (n < 0)
            return -1;
        size_t from = c->len > 3 ? c->len - 3 : 0;
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
        end_of_head = memmem(c->buf + from, c->len - from, "\r\n\r\n", 4);
    }
    size_t head_len = (size_t)(end_of_head - c->buf) + 4;
    c->unread = 1;
    /* The head is parsed as C strings below: a NUL in it would end a line early. */
    if (memchr(c->buf, '\0', head_len))
        return 400;

    /* Request line: METHOD SP /target SP HTTP/1.x */
    char *line = c->buf, *eol = strstr(line, "\r\n");
    *eol = '\0';
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') || (size_t)(sp1 - line) >= sizeof c->method || sp1 == line)
        return 400;
    for (char *p = line; p < sp1; p++)
        if (*p < 'A' || *p > 'Z')
            return 400;
    memcpy(c->method, line, (size_t)(sp1 - line));
    c->method[sp1 - line] = '\0';
    size_t target_len = (size_t)(sp2 - sp1 - 1);
    if (target_len == 0 || sp1[1] != '/')
        return 400;
    size_t path_len = strcspn(sp1 + 1, "? ");
    if (path_len >= sizeof c->path)
        return 400;
    memcpy(c->path, sp1 + 1, path_len);
    c->path[path_len] = '\0';
    if (sp1[1 + path_len] == '?') {
        size_t query_len = (size_t)(sp2 - (sp1 + 2 + path_len));
        if (query_len >= sizeof c->query)
            return 400;
        memcpy(c->query, sp1 + 2 + path_len, query_len);
        c->query[query_len] = '\0';
        for (char *p = c->query; *p; p++)
            if (*p <= 0x20 || *p >= 0x7f)
                return 400;
    }
    for (char *p = c->path; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return 400;
    if (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1, "HTTP/1.0") != 0)
        return 400;

    /* Header fields. */
    long long content_length = -1;
    int expect_continue = 0;
    for (line = eol + 2; line < c->buf + head_len - 2; line = eol + 2) {
        eol = strstr(line, "\r\n");
        *eol = '\0';
        if (*line == ' ' || *line == '\t') /* obsolete line folding */
            return 400;
        char *colon = strchr(line, ':');
        if (!colon || colon == line)
            return 400;
        for (char *p = line; p < colon; p++)
            if (*p <= 0x20 || *p >= 0x7f)
                return 400;
        size_t name_len = (size_t)(colon - line);
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        size_t value_len = strlen(value);
        while (value_len > 0 && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
            value[--value_len] = '\0';
        if (header_is(line, name_len, "Content-Length")) {
            if (value_len == 0 || value_len > 12 || strspn(value, "0123456789") != value_len)
                return 400;
            long long v = atoll(value);
            if (content_length >= 0 && v != content_length)
                return 400;
            content_length = v;
        } else if (header_is(line, name_len, "Transfer-Encoding")) {
            return 411; /* bodies need a Content-Length here */
        } else if (header_is(line, name_len, "Expect")) {
            if (strcasecmp(value, "100-continue") != 0)
                return 400;
            expect_continue = 1;
        } else if (header_is(line, name_len, "Accept")) {
            c->wants_html = strstr(value, "text/html") != NULL;
        } else if (header_is(line, name_len, "Authorization")) {
            c->has_auth = 1;
            if (strncasecmp(value, "Bearer ", 7) == 0 && value_len - 7 < sizeof c->bearer && value_len > 7)
                memcpy(c->bearer, value + 7, value_len - 7 + 1);
            else
                c->bad_auth = 1;
        }
    }

    if (content_length > MAX_BODY)
        return 413;
    size_t want = content_length > 0 ? (size_t)content_length : 0;
    size_t have = c->len - head_len;
    if (expect_continue && have < want) {
        static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (send_all(c, go_on, sizeof go_on - 1) < 0)
            return -1;
    }
    while (have < want) {
        size_t room = MAX_HEADER + MAX_BODY - c->len;
        ssize_t n = read_some(c, c->buf + c->len, room, deadline);
        if (n < 0)
            return -1;
        c->len += (size_t)n;
        have += (size_t)n;
    }
    c->unread = 0;
    c->body = c->buf + head_len;
    c->body_len = want;
    c->buf[head_len + want] = '\0';
    return 0;
}

/* Runs gnutls_reauth to its end, asking for a certificate (REQUEST: the
 * client may decline) and asking for none again afterwards. */
static int run_reauth(struct conn *c)
{
    double deadline = now_s() + REAUTH_DEADLINE_S;
    int r = GNUTLS_E_AGAIN;
    set_waiting(c->slot, 1);
    deadline_transport_arm(&c->transport, REAUTH_DEADLINE_S);
    gnutls_certificate_server_set_request(c->session, GNUTLS_CERT_REQUEST);
    for (int round = 0; round < 64 && now_s() < deadline; round++) {
        r = gnutls_reauth(c->session, 0);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
            continue;
        if (r == GNUTLS_E_GOT_APPLICATION_DATA) {
            /* One request per connection: data sent after it is discarded. */
            char scratch[4096];
            ssize_t n = gnutls_record_recv(c->session, scratch, sizeof scratch);
            if (n < 0 && n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED) {
                r = (int)n;
                break;
            }
            continue;
        }
        break;
    }
    gnutls_certificate_server_set_request(c->session, GNUTLS_CERT_IGNORE);
    set_waiting(c->slot, 0);
    return r;
}

/* Sends what the engine decided (a return of 0). */
static void respond_result(struct conn *c, const stepup_uia_result *result)
{
    int status = stepup_uia_result_status(result);
    const char *body = stepup_uia_result_body(result);
    if (status < 100 || !body)
        respond_error(c, 500, "M_UNKNOWN", "The UIA engine gave no response");
    else
        respond_json(c, status, body);
}

static void respond_engine_error(struct conn *c, int code)
{
    if (code == STEPUP_E_TLS) {
        /* The TLS session is broken: nothing more can be written on it. */
        c->tls_dead = 1;
        log_request(c, 500, "(TLS failed during re-authentication; connection closed)");
        return;
    }
    respond_error(c, 500, "M_UNKNOWN", stepup_strerror(code));
}

static void respond_registered(struct conn *c, const char *localpart, const char *token)
{
    char body[512];
    if (fmt(body, sizeof body, "{\"user_id\":\"@%s:%s\",\"access_token\":\"%s\",\"device_id\":\"DEMO\"}", localpart,
            SERVER_NAME, token) < 0)
        respond_error(c, 500, "M_UNKNOWN", "response too long");
    else
        respond_json(c, 200, body);
}

/* A JSON string member of the registration: from this request's body, or
 * else from the body that started the session. */
static int registration_field(const char *body, size_t len, const char *created, const char *key, char *out,
                              size_t size)
{
    int r = json_get_string(body, len, key, out, size);
    if (r == 0 && created)
        r = json_get_string(created, strlen(created), key, out, size);
    return r;
}

/* Checks a username a client asks for: 0 when it is free and valid, else
 * answers with the error and returns -1. */
static int refuse_username(struct conn *c, int found, const char *username)
{
    if (found == 0) {
        respond_error(c, 400, "M_MISSING_PARAM", "`username` is required");
        return -1;
    }
    if (found < 0 || !valid_localpart(username)) {
        respond_error(c, 400, "M_INVALID_USERNAME",
                      "A username is 1 to 64 characters of a-z, 0-9, and . _ = - /");
        return -1;
    }
    pthread_mutex_lock(&users_lock);
    int taken = find_user_locked(username) != NULL;
    pthread_mutex_unlock(&users_lock);
    if (taken) {
        respond_error(c, 400, "M_USER_IN_USE", "That username is already taken");
        return -1;
    }
    return 0;
}

static void handle_register(struct conn *c)
{
    /* Sized so that anything longer than allowed comes back as JSON_LONG. */
    char username[MAX_LOCALPART + 1], password[MAX_PASSWORD + 1];
    struct json ignored;
    /* A first request (no `auth`) learns at once that its name is unusable,
     * as on Matrix servers; later ones go to the engine, which knows replays. */
    if (json_member(c->body, c->body_len, "auth", &ignored) == 0) {
        int found = json_get_string(c->body, c->body_len, "username", username, sizeof username);
        if (found != 0 && refuse_username(c, found, username) < 0)
            return;
    }
    stepup_uia_request request = {"POST", c->path, c->body_len ? c->body : NULL, c->body_len, NULL,
                                  c->peer[0] ? c->peer : NULL};
    stepup_uia_result *result = NULL;
    int r = stepup_uia_complete(engine, register_flows, &request, &result);
    if (r < 0) {
        respond_engine_error(c, r);
        return;
    }
    if (r == 0) {
        respond_result(c, result);
        stepup_uia_result_free(result);
        return;
    }
    const char *session = stepup_uia_result_session(result);
    char token[SECRET_LEN + 1];
    if (session && stepup_uia_result_replayed(result) == 1 && user_by_session(session, username, token)) {
        respond_registered(c, username, token);
        stepup_uia_result_free(result);
        return;
    }
    const char *created = stepup_uia_result_request_body(result);
    int found = registration_field(c->body, c->body_len, created, "username", username, sizeof username);
    if (refuse_username(c, found, username) < 0) {
        stepup_uia_result_free(result);
        return;
    }
    found = registration_field(c->body, c->body_len, created, "password", password, sizeof password);
    if (found == 0)
        respond_error(c, 400, "M_MISSING_PARAM", "`password` is required");
    else if (found < 0 || password[0] == '\0')
        respond_error(c, 400, "M_INVALID_PARAM", "`password` must be a string of 1 to 256 bytes");
    else {
        int added = add_user(username, password, strlen(password), NULL, session, token);
        if (added == ADD_OK)
            respond_registered(c, username, token);
        else if (added == ADD_TAKEN)
            respond_error(c, 400, "M_USER_IN_USE", "That username is already taken");
        else if (added == ADD_FULL)
            respond_error(c, 403, "M_FORBIDDEN", "The demo holds no more users");
        else
            respond_error(c, 500, "M_UNKNOWN", "Out of memory");
    }
    memset(password, 0, sizeof password);
    stepup_uia_result_free(result);
}

static void handle_delete_devices(struct conn *c)
{
    char localpart[MAX_LOCALPART + 1], user_id[MAX_LOCALPART + 32];
    if (!c->has_auth) {
        respond_error(c, 401, "M_MISSING_TOKEN", "Missing access token");
        return;
    }
    if (c->bad_auth || !user_by_token(c->bearer, localpart)) {
        respond_error(c, 401, "M_UNKNOWN_TOKEN", "Unrecognised access token");
        return;
    }
    fmt(user_id, sizeof user_id, "@%s:%s", localpart, SERVER_NAME);
    stepup_uia_request request = {"POST", c->path, c->body_len ? c->body : NULL, c->body_len, user_id,
                                  c->peer[0] ? c->peer : NULL};
    stepup_uia_result *result = NULL;
    /* The engine asks for the certificate itself when the client tries the
     * certificate stage; it hands the reauth back only when it could not
     * finish it (REAUTH), and then we finish it and ask again. */
    int r = stepup_uia_complete_tls(engine, delete_flows, &request, c->session, STEPUP_UIA_TLS_RUN_REAUTH, &result);
    for (int round = 0; r == STEPUP_UIA_REAUTH && round < 3; round++) {
        int rr = run_reauth(c);
        if (rr < 0 && rr != GNUTLS_E_INVALID_REQUEST) {
            c->tls_dead = 1;
            log_request(c, 500, "(re-authentication failed; connection closed)");
            return;
        }
        r = stepup_uia_complete_tls(engine, delete_flows, &request, c->session, 0, &result);
    }
    if (r == STEPUP_UIA_REAUTH) {
        respond_error(c, 500, "M_UNKNOWN", "Re-authentication did not finish");
        return;
    }
    if (r < 0) {
        respond_engine_error(c, r);
        return;
    }
    if (r == 0)
        respond_result(c, result);
    else /* done; a replay is answered the same, and there is nothing to delete twice */
        respond_json(c, 200, "{}");
    stepup_uia_result_free(result);
}

static void handle_admin(struct conn *c)
{
    int r = run_reauth(c);
    if (r == GNUTLS_E_INVALID_REQUEST) {
        respond_text(c, 403,
                     "403 Forbidden: your client does not offer TLS 1.3 post-handshake authentication, so the\n"
                     "server cannot ask it for a certificate on this connection (curl, openssl s_client\n"
                     "-enable_pha and Python with post_handshake_auth = True do offer it).\n");
        return;
    }
    if (r < 0) {
        c->tls_dead = 1;
        char note[160];
        fmt(note, sizeof note, "(re-authentication failed: %s; connection closed)", gnutls_strerror(r));
        log_request(c, 500, note);
        return;
    }
    unsigned count = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(c->session, &count);
    if (!chain || count == 0) {
        respond_text(c, 403,
                     "403 Forbidden: the server asked for a client certificate (post-handshake auth)\n"
                     "and your client sent none. Try curl --cert alice.pem --key alice.key.\n");
        return;
    }
    unsigned status = 0;
    r = gnutls_certificate_verify_peers2(c->session, &status);
    if (r < 0 || status != 0) {
        gnutls_datum_t why = {NULL, 0};
        char text[1024];
        if (r < 0 || gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) < 0)
            fmt(text, sizeof text, "403 Forbidden: your certificate could not be verified.\n");
        else
            fmt(text, sizeof text, "403 Forbidden: your certificate is not trusted: %s\n", (char *)why.data);
        gnutls_free(why.data);
        respond_text(c, 403, text);
        return;
    }
    gnutls_x509_crt_t crt;
    gnutls_datum_t dn = {NULL, 0};
    if (gnutls_x509_crt_init(&crt) < 0) {
        respond_text(c, 500, "500: out of memory\n");
        return;
    }
    char text[2048];
    int code = 200;
    if (gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) < 0 || gnutls_x509_crt_get_dn3(crt, &dn, 0) < 0) {
        code = 500;
        fmt(text, sizeof text, "500: the verified certificate could not be read\n");
    } else if (fmt(text, sizeof text,
                   "Welcome to the admin page.\n"
                   "The server asked for your certificate on this connection (TLS 1.3 post-handshake\n"
                   "authentication) and verified it against the demo CA.\nSubject: %s\n",
                   (char *)dn.data) < 0) {
        fmt(text, sizeof text, "Welcome to the admin page (verified certificate; its subject is too long).\n");
    }
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    respond_text(c, code, text);
}

static const char index_page[] =
    "stepup-demo: a Matrix-style HTTPS server built on stepup, a Rust library with a\n"
    "GnuTLS-compatible C API and a Matrix User-Interactive Authentication (UIA) engine.\n"
    "\n"
    "It shows step-up authentication: an operation asks for more proof than the access\n"
    "token, either a password (UIA m.login.password) or a client certificate that the\n"
    "server requests on the live connection with TLS 1.3 post-handshake authentication\n"
    "(stage io.stepup.tls_client_cert). Clients are never asked for a certificate during\n"
    "the handshake.\n"
    "\n"
    "Routes:\n"
    "  GET  /                                  this page\n"
    "  POST /_matrix/client/v3/register        register a user: UIA flow m.login.registration_token,\n"
    "                                          m.login.dummy; body {\"username\", \"password\"}\n"
    "  POST /_matrix/client/v3/delete_devices  needs Authorization: Bearer TOKEN; UIA flows\n"
    "                                          m.login.password or io.stepup.tls_client_cert\n"
    "  GET  /admin                             asks for a client certificate on this connection\n"
    "                                          and shows its subject when it is trusted\n"
    "  GET  /_matrix/client/v3/auth/TYPE/fallback/web?session=S\n"
    "                                          the UIA fallback page of stage TYPE, for a browser\n"
    "                                          (POST to the same path: the page's JSON submission)\n";

/* The index for a browser: the same text, and links to the fallback pages
 * (each opens with a fresh session of its flow, made by /fallback-start). */
static const char index_links[] =
    "<h2>The UIA fallback pages</h2>\n"
    "<p>Each link starts a UIA session and opens the fallback page of one stage for it, as a\n"
    "Matrix client does when it cannot do a stage itself.</p>\n<ul>\n"
    "<li><a href=\"/fallback-start/m.login.registration_token\">m.login.registration_token</a>:\n"
    "registration (the token is in the data directory's secrets file)</li>\n"
    "<li><a href=\"/fallback-start/m.login.password\">m.login.password</a>: alice's password, for\n"
    "delete_devices</li>\n"
    "<li><a href=\"/fallback-start/io.stepup.tls_client_cert\">io.stepup.tls_client_cert</a>: why a\n"
    "browser cannot do it</li>\n</ul>\n";

/* ---- the UIA fallback pages ---------------------------------------------- */

/* When `path` (its query aside) is prefix STAGE suffix, copies STAGE (a stage
 * type's characters only) into `stage` and returns 1; else 0. */
static int fallback_stage(const char *path, const char *prefix, const char *suffix, char *stage, size_t size)
{
    size_t plen = strlen(prefix), slen = strlen(suffix);
    if (strncmp(path, prefix, plen) != 0)
        return 0;
    const char *start = path + plen, *query = strchr(start, '?');
    size_t len = query ? (size_t)(query - start) : strlen(start);
    if (len <= slen || memcmp(start + len - slen, suffix, slen) != 0)
        return 0;
    len -= slen;
    if (len >= size || strspn(start, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") < len)
        return 0;
    memcpy(stage, start, len);
    stage[len] = '\0';
    return 1;
}

/* The parameter `name` of the query string `query`, percent-decoded into
 * `out`: 1, or 0 when absent, too long, or holding a NUL. */
static int query_param(const char *query, const char *name, char *out, size_t size)
{
    const char *p = query;
    size_t nlen = strlen(name);
    while (p) {
        const char *end = strchr(p, '&');
        if (!end)
            end = p + strlen(p);
        if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t n = 0;
            for (const char *q = p + nlen + 1; q < end; q++) {
                int ch = (unsigned char)*q;
                if (ch == '+')
                    ch = ' ';
                else if (ch == '%') {
                    if (end - q < 3 || hex_value(q[1]) < 0 || hex_value(q[2]) < 0)
                        return 0;
                    ch = hex_value(q[1]) * 16 + hex_value(q[2]);
                    q += 2;
                }
                if (ch == 0 || n + 1 >= size)
                    return 0;
                out[n++] = (char)ch;
            }
            out[n] = '\0';
            return 1;
        }
        p = *end ? end + 1 : NULL;
    }
    return 0;
}

/* What an HTML page of the demo may do: its own inline scripts, requests to
 * this server, nothing from elsewhere. */
static const char html_headers[] =
    "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'\r\nX-Content-Type-Options: nosniff\r\n";

static void respond_html(struct conn *c, int status, const char *html)
{
    respond_with(c, status, "text/html; charset=utf-8", html_headers, html);
}

/* The index for a browser: the text page, escaped, in a <pre>, and links
 * to the fallback pages. */
static void respond_index_html(struct conn *c)
{
    static const char head[] = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                               "<title>stepup-demo</title>\n</head>\n<body>\n<pre>";
    static const char middle[] = "</pre>\n";
    static const char tail[] = "</body>\n</html>\n";
    char page[sizeof head + 2 * sizeof index_page + sizeof middle + sizeof index_links + sizeof tail];
    size_t n = 0;
    memcpy(page, head, sizeof head - 1);
    n += sizeof head - 1;
    for (const char *p = index_page; *p; p++) {
        const char *e = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : NULL;
        size_t elen = e ? strlen(e) : 1;
        if (n + elen >= sizeof page - sizeof middle - sizeof index_links - sizeof tail)
            break;
        memcpy(page + n, e ? e : p, elen);
        n += elen;
    }
    memcpy(page + n, middle, sizeof middle - 1);
    n += sizeof middle - 1;
    memcpy(page + n, index_links, sizeof index_links - 1);
    n += sizeof index_links - 1;
    memcpy(page + n, tail, sizeof tail);
    respond_html(c, 200, page);
}

/* GET .../auth/STAGE/fallback/web?session=S: the engine's page for the stage. */
static void handle_fallback_page(struct conn *c, const char *stage)
{
    char session[256];
    if (!query_param(c->query, "session", session, sizeof session)) {
        respond_error(c, 400, "M_MISSING_PARAM", "The fallback page needs ?session=");
        return;
    }
    char *html = NULL;
    int r = stepup_uia_fallback_page(stage, session, 0, NULL, &html);
    if (r < 0) {
        respond_error(c, 400, "M_INVALID_PARAM", "The session cannot be shown");
        return;
    }
    respond_html(c, 200, html);
    stepup_free(html);
}

/* POST .../auth/STAGE/fallback/web: the page's submission ({"auth": ...}). */
static void handle_fallback_post(struct conn *c, const char *stage)
{
    stepup_uia_request request = {"POST", c->path, c->body_len ? c->body : NULL, c->body_len, NULL,
                                  c->peer[0] ? c->peer : NULL};
    stepup_uia_result *result = NULL;
    int r = stepup_uia_complete_fallback(engine, stage, &request, &result);
    if (r < 0) {
        respond_engine_error(c, r);
        return;
    }
    respond_result(c, result);
    stepup_uia_result_free(result);
}

/* GET /fallback-start/STAGE, for a person trying the pages: starts a session
 * of the flow that has STAGE (registration for the token; delete_devices,
 * as alice, for the others) and sends the browser to its fallback page. */
static void handle_fallback_start(struct conn *c, const char *stage)
{
    int registration = strcmp(stage, "m.login.registration_token") == 0;
    char user_id[64];
    fmt(user_id, sizeof user_id, "@alice:%s", SERVER_NAME);
    const char *path = registration ? "/_matrix/client/v3/register" : "/_matrix/client/v3/delete_devices";
    stepup_uia_request request = {"POST", path, "{}", 2, registration ? NULL : user_id, c->peer[0] ? c->peer : NULL};
    stepup_uia_result *result = NULL;
    int r = stepup_uia_complete(engine, registration ? register_flows : delete_flows, &request, &result);
    if (r < 0) {
        respond_engine_error(c, r);
        return;
    }
    const char *body = stepup_uia_result_body(result);
    char session[128], head[512];
    if (r != 0 || !body || json_get_string(body, strlen(body), "session", session, sizeof session) != 1) {
        if (r == 0)
            respond_result(c, result);
        else
            respond_error(c, 500, "M_UNKNOWN", "No session was started");
        stepup_uia_result_free(result);
        return;
    }
    stepup_uia_result_free(result);
    log_request(c, 302, NULL);
    if (fmt(head, sizeof head,
            "HTTP/1.1 302 Found\r\nLocation: /_matrix/client/v3/auth/%s/fallback/web?session=%s\r\n"
            "Content-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            stage, session) == 0)
        send_all(c, head, strlen(head));
}

static void route(struct conn *c)
{
    int get = strcmp(c->method, "GET") == 0, post = strcmp(c->method, "POST") == 0;
    char stage[64];
    if (get && strcmp(c->path, "/") == 0 && c->wants_html)
        respond_index_html(c);
    else if (get && strcmp(c->path, "/") == 0)
        respond_text(c, 200, index_page);
    else if (get && fallback_stage(c->path, "/_matrix/client/v3/auth/", "/fallback/web", stage, sizeof stage))
        handle_fallback_page(c, stage);
    else if (post && fallback_stage(c->path, "/_matrix/client/v3/auth/", "/fallback/web", stage, sizeof stage))
        handle_fallback_post(c, stage);
    else if (get && fallback_stage(c->path, "/fallback-start/", "", stage, sizeof stage))
        handle_fallback_start(c, stage);
    else if (post && strcmp(c->path, "/_matrix/client/v3/register") == 0)
        handle_register(c);
    else if (post && strcmp(c->path, "/_matrix/client/v3/delete_devices") == 0)
        handle_delete_devices(c);
    else if (get && strcmp(c->path, "/admin") == 0)
        handle_admin(c);
    else
        respond_error(c, 404, "M_UNRECOGNIZED", "Unrecognized request");
}

/* Closes gently: after a response sent before the whole request was read,
 * reading what is left (briefly) keeps the kernel from resetting the
 * connection before the client has read the response. */
static void finish(struct conn *c)
{
    if (!c->tls_dead)
        gnutls_bye(c->session, GNUTLS_SHUT_WR);
    shutdown(c->fd, SHUT_WR);
    if (c->unread) {
        /* Bounded in time and bytes, whatever pace the client keeps. */
        set_waiting(c->slot, 1);
        double deadline = now_s() + DRAIN_DEADLINE_S;
        char scratch[4096];
        for (size_t drained = 0; drained < 4 * MAX_BODY;) {
            double left = deadline - now_s();
            struct pollfd p = {c->fd, POLLIN, 0};
            if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
                break;
            ssize_t n = recv(c->fd, scratch, sizeof scratch, MSG_DONTWAIT);
            if (n <= 0)
                break;
            drained += (size_t)n;
        }
    }
}

/* Frees a connection slot, closing its socket (if open) under the lock, so
 * that a shutdown never touches a reused descriptor. */
static void release_slot(int slot, int fd)
{
    pthread_mutex_lock(&conns_lock);
    if (fd >= 0)
        close(fd);
    conn_fds[slot] = -1;
    conns_active--;
    pthread_cond_broadcast(&conns_cond);
    pthread_mutex_unlock(&conns_lock);
}

static void *serve(void *arg)
{
    struct conn *c = arg;
    int r = gnutls_init(&c->session, GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH);
    if (r < 0) {
        fprintf(stderr, "%s: gnutls_init: %s\n", program_name, gnutls_strerror(r));
        c->session = NULL;
        goto out;
    }
    if ((r = gnutls_priority_set(c->session, priority)) < 0 ||
        (r = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, credentials)) < 0) {
        fprintf(stderr, "%s: session setup: %s\n", program_name, gnutls_strerror(r));
        goto out;
    }
    /* No certificate request in the handshake: clients are asked only on step-up. */
    gnutls_certificate_server_set_request(c->session, GNUTLS_CERT_IGNORE);
    deadline_transport_set(c->session, &c->transport, c->fd);
    /* A wall-clock bound on the whole handshake, inside records too. */
    deadline_transport_arm(&c->transport, IO_TIMEOUT_S);
    gnutls_handshake_set_timeout(c->session, IO_TIMEOUT_S * 1000);
    do {
        r = gnutls_handshake(c->session);
    } while (r == GNUTLS_E_INTERRUPTED);
    if (r < 0) {
        printf("stepup-demo: TLS handshake failed: %s\n", gnutls_strerror(r));
        fflush(stdout);
        goto out;
    }
    c->buf = malloc(MAX_HEADER + MAX_BODY + 1);
    if (!c->buf)
        goto out;
    int status = read_request(c);
    set_waiting(c->slot, 0);
    if (status > 0)
        respond_error(c, status, status == 413 || status == 431 ? "M_TOO_LARGE" : "M_UNKNOWN",
                      status == 400   ? "Malformed HTTP request"
                      : status == 411 ? "Send the body with a Content-Length"
                      : status == 413 ? "The body is larger than 64 KiB"
                                      : "The request header is too large");
    else if (status == 0)
        route(c);
    finish(c);
out:
    if (c->session)
        gnutls_deinit(c->session);
    free(c->buf);
    int slot = c->slot, fd = c->fd;
    free(c);
    release_slot(slot, fd);
    return NULL;
}

/* ---------- start-up ---------- */

/* Quotes `s` for a POSIX shell when it needs it (for the printed commands). */
static const char *shell_quote(const char *s, char *out, size_t size)
{
    if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+:,@%=") == strlen(s)) {
        fmt(out, size, "%s", s);
        return out;
    }
    size_t len = 0;
    out[len++] = '\'';
    for (; *s && len + 6 < size; s++) {
        if (*s == '\'') {
            memcpy(out + len, "'\\''", 4);
            len += 4;
        } else {
            out[len++] = *s;
        }
    }
    out[len++] = '\'';
    out[len] = '\0';
    return out;
}

static void print_banner(const char *dir, unsigned short port, const struct secrets *s)
{
    char qdir[4200], ca[4300], cert[4300], key[4300];
    shell_quote(dir, qdir, sizeof qdir);
    char raw[4200];
    fmt(raw, sizeof raw, "%s/ca.pem", dir);
    shell_quote(raw, ca, sizeof ca);
    fmt(raw, sizeof raw, "%s/alice.pem", dir);
    shell_quote(raw, cert, sizeof cert);
    fmt(raw, sizeof raw, "%s/alice.key", dir);
    shell_quote(raw, key, sizeof key);
    char url[64];
    fmt(url, sizeof url, "https://127.0.0.1:%u", port);
    const char *reg = "/_matrix/client/v3/register", *del = "/_matrix/client/v3/delete_devices";

    printf("\nThis is stepup-demo, a Matrix-style HTTPS server showing step-up authentication with stepup:\n"
           "Matrix User-Interactive Authentication, and TLS 1.3 post-handshake client\n"
           "authentication (a client certificate is asked for on the live connection, only\n"
           "when an operation needs it).\n\n");
    printf("  URL:         %s/  (or https://localhost:%u/)\n", url, port);
    printf("  Data:        %s (demo CA, server and alice certificates, secrets, uia.db)\n", qdir);
    printf("  Users:       alice (password and access token below); registered users live in memory\n\n");
    printf("Try it (from this directory):\n\n");
    printf("# The index page\n");
    printf("curl -sS --cacert %s %s/\n\n", ca, url);
    printf("# Register carol: start a UIA session, pass the registration token, then m.login.dummy\n");
    printf("S=$(curl -sS --cacert %s %s%s -d '{\"username\":\"carol\",\"password\":\"carol-secret\"}' "
           "| sed -n 's/.*\"session\":\"\\([^\"]*\\)\".*/\\1/p'); echo \"session $S\"\n",
           ca, url, reg);
    printf("curl -sS --cacert %s %s%s -d '{\"username\":\"carol\",\"password\":\"carol-secret\",\"auth\":"
           "{\"type\":\"m.login.registration_token\",\"token\":\"%s\",\"session\":\"'\"$S\"'\"}}'\n",
           ca, url, reg, s->registration_token);
    printf("curl -sS --cacert %s %s%s -d '{\"username\":\"carol\",\"password\":\"carol-secret\",\"auth\":"
           "{\"type\":\"m.login.dummy\",\"session\":\"'\"$S\"'\"}}'\n\n",
           ca, url, reg);
    printf("# delete_devices as alice: without auth (401 with the flows), then with her password\n");
    printf("curl -sS --cacert %s -H 'Authorization: Bearer %s' %s%s -d '{\"devices\":[\"DEMO\"]}'\n", ca,
           s->alice_token, url, del);
    printf("curl -sS --cacert %s -H 'Authorization: Bearer %s' %s%s -d '{\"devices\":[\"DEMO\"],\"auth\":"
           "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
           "\"password\":\"%s\"}}'\n\n",
           ca, s->alice_token, url, del, s->alice_password);
    printf("# delete_devices as alice with her certificate, asked for by post-handshake auth\n");
    printf("curl -sS --tlsv1.3 --cacert %s --cert %s --key %s -H 'Authorization: Bearer %s' %s%s "
           "-d '{\"devices\":[\"DEMO\"],\"auth\":{\"type\":\"%s\"}}'\n\n",
           ca, cert, key, s->alice_token, url, del, STEPUP_UIA_STAGE_TLS_CLIENT_CERT);
    printf("# The admin page: with alice's certificate (200), without one (403)\n");
    printf("curl -sS --tlsv1.3 --cacert %s --cert %s --key %s %s/admin\n", ca, cert, key, url);
    printf("curl -sS --tlsv1.3 --cacert %s %s/admin\n\n", ca, url);
    printf("stepup-demo: listening on %s\n", url);
    fflush(stdout);
}

static int listen_on(unsigned short port)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail("socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0)
        fail("cannot listen on 127.0.0.1:%u: %s", port, strerror(errno));
    return fd;
}

static void usage(void)
{
    fprintf(stderr, "usage: stepup-demo [-p PORT] [--data DIR]\n"
                    "  -p, --port PORT  port on 127.0.0.1 (default %d)\n"
                    "  --data DIR       the demo's PKI, secrets and UIA store (default %s)\n",
            DEFAULT_PORT, DEFAULT_DATA_DIR);
    exit(1);
}

static void setup_engine(const char *dir, const struct secrets *s)
{
    char store[4200], config[4600];
    char raw[4200];
    if (fmt(raw, sizeof raw, "sqlite:%s/uia.db", dir) < 0 || json_escape(store, sizeof store, raw) < 0 ||
        fmt(config, sizeof config,
            "{\"store\":\"%s\",\"server_name\":\"" SERVER_NAME "\","
            "\"tls_client_cert\":{\"subject_cn\":\"{localpart}\"}}",
            store) < 0)
        fail("data directory path too long");
    int r = stepup_uia_new(config, &engine);
    if (r < 0)
        fail("cannot start the UIA engine (%s): %s", raw, stepup_strerror(r));
    if ((r = stepup_uia_flows_from_json(FLOWS_REGISTER, &register_flows)) < 0 ||
        (r = stepup_uia_flows_from_json(FLOWS_DELETE, &delete_flows)) < 0)
        fail("flows: %s", stepup_strerror(r));
    if ((r = stepup_uia_set_password_checker(engine, check_password, NULL)) < 0)
        fail("password checker: %s", stepup_strerror(r));
    if ((r = stepup_uia_token_put(engine, s->registration_token, -1, 0)) < 0)
        fail("registration token: %s", stepup_strerror(r));
}

static void setup_tls(const char *dir)
{
    char cert[4200], key[4200], ca[4200];
    if (fmt(cert, sizeof cert, "%s/server.pem", dir) < 0 || fmt(key, sizeof key, "%s/server.key", dir) < 0 ||
        fmt(ca, sizeof ca, "%s/ca.pem", dir) < 0)
        fail("data directory path too long");
    int r = gnutls_certificate_allocate_credentials(&credentials);
    if (r < 0)
        die("credentials", r);
    if ((r = gnutls_certificate_set_x509_key_file2(credentials, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
        die(cert, r);
    /* The demo CA is the only trust for client certificates. */
    if ((r = gnutls_certificate_set_x509_trust_file(credentials, ca, GNUTLS_X509_FMT_PEM)) < 0)
        die(ca, r);
    const char *err_pos = NULL;
    if ((r = gnutls_priority_init(&priority, PRIORITY, &err_pos)) < 0)
        die("priority", r);
}

/* Waits for a free connection slot; returns it, or -1 when stopping. */
static int take_slot(void)
{
    pthread_mutex_lock(&conns_lock);
    while (conns_active == MAX_CONNECTIONS && !stopping) {
        /* Full: drop the client that has kept us waiting longest, if it
         * waited more than a moment; its thread frees the slot. */
        int victim = -1;
        for (int i = 0; i < MAX_CONNECTIONS; i++)
            if (conn_fds[i] >= 0 && conn_waiting[i] &&
                (victim < 0 || conn_waiting_since[i] < conn_waiting_since[victim]))
                victim = i;
        if (victim >= 0 && now_s() - conn_waiting_since[victim] >= EVICT_AFTER_S) {
            shutdown(conn_fds[victim], SHUT_RDWR);
            conn_waiting[victim] = 0;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&conns_cond, &conns_lock, &until);
    }
    int slot = -1;
    if (!stopping) {
        for (slot = 0; conn_fds[slot] != -1; slot++)
            ;
        conn_fds[slot] = -2; /* reserved until the socket is known */
        conns_active++;
    }
    pthread_mutex_unlock(&conns_lock);
    return slot;
}

static void accept_loop(int lfd)
{
    double next_cleanup = now_s() + CLEANUP_INTERVAL_S;
    while (!stopping) {
        if (now_s() > next_cleanup) {
            int purged = stepup_uia_cleanup(engine);
            if (purged < 0)
                fprintf(stderr, "%s: session cleanup: %s\n", program_name, stepup_strerror(purged));
            next_cleanup = now_s() + CLEANUP_INTERVAL_S;
        }
        int slot = take_slot();
        if (slot < 0)
            break;
        /* poll with a timeout, so a signal between the check and the wait is not missed for long. */
        struct pollfd p = {lfd, POLLIN, 0};
        int ready = poll(&p, 1, 500);
        struct sockaddr_storage from;
        memset(&from, 0, sizeof from);
        socklen_t from_len = sizeof from;
        int fd = ready > 0 ? accept4(lfd, (struct sockaddr *)&from, &from_len, SOCK_CLOEXEC) : -1;
        if (fd < 0) {
            if (ready > 0 && errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
                fprintf(stderr, "%s: accept: %s\n", program_name, strerror(errno));
            release_slot(slot, -1);
            continue;
        }
        struct timeval tv = {IO_TIMEOUT_S, 0};
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            release_slot(slot, fd);
            continue;
        }
        c->fd = fd;
        c->slot = slot;
        if (from.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, c->peer, sizeof c->peer);
        else if (from.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, c->peer, sizeof c->peer);
        pthread_mutex_lock(&conns_lock);
        conn_fds[slot] = fd;
        conn_waiting[slot] = 1; /* the handshake waits on the client */
        conn_waiting_since[slot] = now_s();
        pthread_mutex_unlock(&conns_lock);
        pthread_attr_t attr;
        pthread_t thread;
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        /* Workers never take SIGINT/SIGTERM: the main thread's poll must see them. */
        pthread_sigmask(SIG_BLOCK, &block, &old);
        int rc = pthread_attr_init(&attr);
        if (rc == 0) {
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            rc = pthread_create(&thread, &attr, serve, c);
            pthread_attr_destroy(&attr);
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
            fprintf(stderr, "%s: cannot start a thread: %s\n", program_name, strerror(rc));
            free(c);
            release_slot(slot, fd);
        }
    }
}

/* Wakes the connections still running and waits (a while) for them.
 * Returns 1 when all ended, so that shared objects may be freed. */
static int drain_connections(void)
{
    double until = now_s() + 5;
    pthread_mutex_lock(&conns_lock);
    for (int i = 0; i < MAX_CONNECTIONS; i++)
        if (conn_fds[i] >= 0)
            shutdown(conn_fds[i], SHUT_RDWR);
    while (conns_active > 0 && now_s() < until) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += 1;
        pthread_cond_timedwait(&conns_cond, &conns_lock, &t);
    }
    int done = conns_active == 0;
    pthread_mutex_unlock(&conns_lock);
    return done;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"port", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned short port = DEFAULT_PORT;
    const char *dir = DEFAULT_DATA_DIR;
    int opt;
    while ((opt = getopt_long(argc, argv, "p:h", longs, NULL)) != -1) {
        switch (opt) {
        case 'p': port = parse_port(optarg); break;
        case 'D': dir = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || !dir[0])
        usage();

    for (int i = 0; i < MAX_CONNECTIONS; i++)
        conn_fds[i] = -1;
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: the signal interrupts poll. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int r = gnutls_global_init();
    if (r < 0)
        die("gnutls_global_init", r);
    make_dirs(dir);
    ensure_pki(dir);
    struct secrets secrets;
    load_secrets(dir, &secrets);
    setup_tls(dir);
    setup_engine(dir, &secrets);
    if (add_user("alice", secrets.alice_password, strlen(secrets.alice_password), secrets.alice_token, NULL, NULL) !=
        ADD_OK)
        fail("cannot create alice");
    int lfd = listen_on(port);
    print_banner(dir, port, &secrets);
    memset(&secrets, 0, sizeof secrets);

    accept_loop(lfd);

    close(lfd);
    printf("stepup-demo: stopping\n");
    fflush(stdout);
    if (!drain_connections()) {
        /* A worker still uses the engine: leave the freeing to the exit. */
        fprintf(stderr, "%s: connections still open at exit\n", program_name);
        return 0;
    }
    stepup_uia_flows_free(register_flows);
    stepup_uia_flows_free(delete_flows);
    stepup_uia_free(engine);
    gnutls_priority_deinit(priority);
    gnutls_certificate_free_credentials(credentials);
    gnutls_global_deinit();
    pthread_mutex_lock(&users_lock);
    free(users);
    users = NULL;
    users_count = users_cap = 0;
    pthread_mutex_unlock(&users_lock);
    return 0;
}
