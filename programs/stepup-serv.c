/* stepup-serv: an echo server in the manner of gnutls-serv, written only
 * against the GnuTLS API, with gnutls-serv's options in their meaning. A
 * line "**REAUTH**" from the client makes it run gnutls_reauth() and print
 * the outcome and the client's new certificate.
 * Without --echo it answers one HTTP request per connection with a page
 * about the session, like gnutls-serv; GET /reauth re-authenticates first.
 *
 * It serves one connection at a time on 127.0.0.1 (STEPUP_SERV_BIND changes
 * the address), and stops after --max-connections N connections if given. */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *program_name = "stepup-serv";

#define MAX_KEYS 4

struct options {
    unsigned short port;
    int echo;
    const char *certs[MAX_KEYS];
    const char *keys[MAX_KEYS];
    int ncerts, nkeys;
    const char *cafile;
    /* As in gnutls-serv: the handshake asks for a certificate unless
     * --disable-client-cert, and requires one with --require-client-cert;
     * --verify-client-cert checks whatever certificate comes, in the
     * handshake or through **REAUTH**. */
    int disable, require, verify;
    const char *priority;
    const char *pskpasswd;
    long max_connections;
    int noticket;
    /* Where the ticket key is kept: servers sharing it resume each other's
     * sessions (created when missing). */
    const char *ticket_key_file;
};

static gnutls_datum_t ticket_key;

static void usage(void)
{
    fprintf(stderr,
            "usage: stepup-serv [-p PORT] [--echo] --x509certfile F --x509keyfile F ...\n"
            "       [--x509cafile F] [--require-client-cert | --verify-client-cert |\n"
            "        --disable-client-cert] [--pskpasswd F] [--priority S] [-d N]\n"
            "       [--max-connections N] [--noticket] [--ticket-key-file F]\n");
    exit(1);
}

static void parse(int argc, char **argv, struct options *o)
{
    enum { CERT = 256, KEY, CA, REQUIRE, VERIFY, DISABLE, PRIO, PSKPASSWD, MAXCONN, ECHO_, NOTICKET, TICKETKEY };
    static const struct option longs[] = {
        {"port", required_argument, NULL, 'p'},
        {"echo", no_argument, NULL, ECHO_},
        {"x509certfile", required_argument, NULL, CERT},
        {"x509keyfile", required_argument, NULL, KEY},
        {"x509cafile", required_argument, NULL, CA},
        {"require-client-cert", no_argument, NULL, REQUIRE},
        {"verify-client-cert", no_argument, NULL, VERIFY},
        {"disable-client-cert", no_argument, NULL, DISABLE},
        {"priority", required_argument, NULL, PRIO},
        {"pskpasswd", required_argument, NULL, PSKPASSWD},
        {"debug", required_argument, NULL, 'd'},
        {"max-connections", required_argument, NULL, MAXCONN},
        {"noticket", no_argument, NULL, NOTICKET},
        {"ticket-key-file", required_argument, NULL, TICKETKEY},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->port = 5556; /* gnutls-serv's default */
    int c;
    while ((c = getopt_long(argc, argv, "p:d:", longs, NULL)) != -1) {
        switch (c) {
        case 'p': o->port = parse_port(optarg); break;
        case 'd': setup_logging(atoi(optarg)); break;
        case ECHO_: o->echo = 1; break;
        case CERT:
            if (o->ncerts == MAX_KEYS) usage();
            o->certs[o->ncerts++] = optarg;
            break;
        case KEY:
            if (o->nkeys == MAX_KEYS) usage();
            o->keys[o->nkeys++] = optarg;
            break;
        case CA: o->cafile = optarg; break;
        case REQUIRE: o->require = 1; break;
        case VERIFY: o->verify = 1; break;
        case DISABLE: o->disable = 1; break;
        case PRIO: o->priority = optarg; break;
        case PSKPASSWD: o->pskpasswd = optarg; break;
        case MAXCONN: o->max_connections = atol(optarg); break;
        case NOTICKET: o->noticket = 1; break;
        case TICKETKEY: o->ticket_key_file = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || (o->ncerts == 0 && !o->pskpasswd) || o->ncerts != o->nkeys)
        usage();
}

static int listen_on(unsigned short port, int echo)
{
    const char *bind_to = getenv("STEPUP_SERV_BIND");
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, bind_to ? bind_to : "127.0.0.1", &addr.sin_addr) != 1) {
        fprintf(stderr, "stepup-serv: bad STEPUP_SERV_BIND address\n");
        exit(1);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0) {
        perror("stepup-serv: listen");
        exit(1);
    }
    printf("%s Server listening on IPv4 %s port %u...done\n", echo ? "Echo" : "HTTP",
           bind_to ? bind_to : "127.0.0.1", port);
    fflush(stdout);
    return fd;
}

/* Runs gnutls_reauth() to completion, echoing application data that arrives
 * before the client's certificate. Returns gnutls_reauth()'s final code. */
static int run_reauth(gnutls_session_t session, int echo)
{
    char buf[16384];
    for (int round = 0; round < 64; round++) {
        int r = gnutls_reauth(session, 0);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
            continue;
        if (r != GNUTLS_E_GOT_APPLICATION_DATA)
            return r;
        printf("*** Application data arrived during re-authentication\n");
        ssize_t n = gnutls_record_recv(session, buf, sizeof buf);
        if (n > 0 && echo)
            gnutls_record_send(session, buf, (size_t)n);
        else if (n <= 0 && n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
            return (int)n;
    }
    return GNUTLS_E_AGAIN;
}

static void report_verification(gnutls_session_t session)
{
    unsigned status = 0;
    int r = gnutls_certificate_verify_peers2(session, &status);
    if (r < 0) {
        printf("- Could not verify the peer certificate: %s\n", gnutls_strerror(r));
        return;
    }
    gnutls_datum_t text = {NULL, 0};
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) >= 0) {
        printf("- Peer certificate: %s\n", (char *)text.data);
        gnutls_free(text.data);
    }
}

/* The credentials' verify function, as gnutls-serv checks clients: no
 * certificate is fine unless one is required (the handshake enforces that);
 * with --verify-client-cert an untrusted one is refused with access_denied
 * and fails the handshake or the re-authentication. */
static int verify_client_option;

static int verify_client(gnutls_session_t session)
{
    unsigned count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0)
        return 0;
    if (!verify_client_option) {
        printf("- Peer's certificate was NOT verified.\n");
        return 0;
    }
    unsigned status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) < 0 || status != 0) {
        printf("*** Verifying client certificate failed\n");
        gnutls_alert_send(session, GNUTLS_AL_FATAL, GNUTLS_A_ACCESS_DENIED);
        return -1;
    }
    printf("- Peer's certificate was verified\n");
    return 0;
}

/* The session ticket key: read from `path`, or generated (and written to
 * `path` when given, so that other servers can share it). */
static void load_ticket_key(const char *path)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (f) {
        static unsigned char key[64];
        size_t n = fread(key, 1, sizeof key, f);
        fclose(f);
        if (n != sizeof key) {
            fprintf(stderr, "stepup-serv: %s: a ticket key file holds 64 bytes\n", path);
            exit(1);
        }
        ticket_key.data = key;
        ticket_key.size = sizeof key;
        return;
    }
    int r = gnutls_session_ticket_key_generate(&ticket_key);
    if (r < 0)
        die("ticket key", r);
    if (path) {
        f = fopen(path, "wb");
        if (!f || fwrite(ticket_key.data, 1, ticket_key.size, f) != ticket_key.size) {
            fprintf(stderr, "stepup-serv: cannot write %s\n", path);
            exit(1);
        }
        fclose(f);
    }
}

/* Appends printf-style text to a fixed page buffer, truncating safely. */
static void page_add(char *page, size_t size, const char *fmt, ...)
{
    size_t used = strlen(page);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(page + used, size - used, fmt, ap);
    va_end(ap);
}

/* Answers one HTTP request with a page describing the session. The path
 * /reauth first runs gnutls_reauth() and reports its outcome. */
static void answer_http(gnutls_session_t session, const char *request, const struct options *o)
{
    static char page[8192];
    static char response[9000];
    page[0] = '\0';
    int reauth = strncmp(request, "GET /reauth ", 12) == 0;
    printf("*** HTTP request for %s\n", reauth ? "/reauth" : "a page");
    if (reauth) {
        gnutls_certificate_server_set_request(session, o->require ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_REQUEST);
        int r = run_reauth(session, 0);
        printf("*** Re-authentication: %s\n", r < 0 ? gnutls_strerror(r) : "completed");
        page_add(page, sizeof page, "Re-authentication: %s\n", r < 0 ? gnutls_strerror(r) : "completed");
    }
    char *desc = gnutls_session_get_desc(session);
    page_add(page, sizeof page, "Description: %s\n", desc ? desc : "(none)");
    gnutls_free(desc);
    page_add(page, sizeof page, "Protocol: %s\nCipher: %s\n",
             gnutls_protocol_get_name(gnutls_protocol_get_version(session)),
             gnutls_cipher_get_name(gnutls_cipher_get(session)));
    unsigned count = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(session, &count);
    page_add(page, sizeof page, "Client certificates: %u\n", chain ? count : 0);
    snprintf(response, sizeof response,
             "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(page), page);
    size_t len = strlen(response);
    for (size_t sent = 0; sent < len;) {
        ssize_t w = gnutls_record_send(session, response + sent, len - sent);
        if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
            continue;
        if (w < 0)
            break;
        sent += (size_t)w;
    }
    fflush(stdout);
}

/* The priority when none is given: GnuTLS's default, plus the PSK key
 * exchanges when a password file is served. */
#define PSK_PRIORITY "NORMAL:+ECDHE-PSK:+PSK"

/* How long the handshake, and then each read, may take in all. */
#define HANDSHAKE_DEADLINE_S 20
#define READ_DEADLINE_S 60

static void serve(int fd, gnutls_certificate_credentials_t cred, gnutls_psk_server_credentials_t psk,
                  const struct options *o)
{
    gnutls_session_t session;
    int r = gnutls_init(&session, GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH);
    if (r < 0)
        die("gnutls_init", r);
    const char *err_pos = NULL;
    r = o->priority ? gnutls_priority_set_direct(session, o->priority, &err_pos)
        : psk       ? gnutls_priority_set_direct(session, PSK_PRIORITY, &err_pos)
                    : gnutls_set_default_priority(session);
    if (r < 0) {
        fprintf(stderr, "stepup-serv: priority error at '%s': %s\n", err_pos ? err_pos : "",
                gnutls_strerror(r));
        exit(1);
    }
    if (o->ncerts > 0)
        gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
    if (psk)
        gnutls_credentials_set(session, GNUTLS_CRD_PSK, psk);
    gnutls_certificate_server_set_request(session, o->disable   ? GNUTLS_CERT_IGNORE
                                                   : o->require ? GNUTLS_CERT_REQUIRE
                                                                : GNUTLS_CERT_REQUEST);
    if (!o->noticket)
        gnutls_session_ticket_enable_server(session, &ticket_key);
    struct deadline_transport transport;
    deadline_transport_set(session, &transport, fd);
    deadline_transport_arm(&transport, HANDSHAKE_DEADLINE_S);
    gnutls_handshake_set_timeout(session, HANDSHAKE_DEADLINE_S * 1000);

    do {
        r = gnutls_handshake(session);
    } while (r < 0 && !gnutls_error_is_fatal(r));
    if (r < 0) {
        printf("*** Handshake has failed (%s)\n\n", gnutls_strerror(r));
        fflush(stdout);
        gnutls_deinit(session);
        return;
    }
    printf("- Handshake was completed\n");
    if (gnutls_session_is_resumed(session))
        printf("*** This is a resumed session\n");
    printf("- Post-handshake authentication: %s\n",
           (gnutls_session_get_flags(session) & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH) ? "offered by the client"
                                                                                  : "not offered by the client");
    print_session_info(session, "Server");
    if (psk && gnutls_psk_server_get_username(session))
        printf("- PSK username: %s\n", gnutls_psk_server_get_username(session));

    char buf[16384];
    char request[4096];
    size_t request_len = 0;
    for (;;) {
        /* One client at a time: a wall-clock bound on each read, inside a
         * record too, so a client trickling bytes cannot hold the server. */
        deadline_transport_arm(&transport, READ_DEADLINE_S);
        ssize_t n = gnutls_record_recv(session, buf, sizeof buf);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n == GNUTLS_E_PULL_ERROR && monotonic_s() >= transport.deadline) {
            printf("*** Timed out waiting for the client\n");
            break;
        }
        if (n == 0) {
            printf("- Peer has closed the GnuTLS connection\n");
            break;
        }
        if (n < 0) {
            printf("*** Received corrupted data(%d) - server has terminated the connection abnormally\n",
                   (int)n);
            break;
        }
        if (n >= 10 && memcmp(buf, "**REAUTH**", 10) == 0) {
            printf("*** Sending re-authentication request\n");
            fflush(stdout);
            /* As gnutls-serv: a server that asked nothing at the handshake
             * (--disable-client-cert) requires a certificate now; otherwise
             * the handshake's request stands. A failure ends this
             * connection, and the server goes on with the next. */
            if (o->disable)
                gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
            deadline_transport_arm(&transport, READ_DEADLINE_S);
            r = run_reauth(session, o->echo);
            if (r < 0) {
                printf("*** Re-authentication failed: %s\n", gnutls_strerror(r));
                fflush(stdout);
                break;
            } else {
                /* gnutls-serv's answer to a command it carried out. */
                static const char done[] = "Successfully executed command\n";
                if (o->echo)
                    gnutls_record_send(session, done, sizeof done - 1);
                printf("*** Re-authentication was completed\n");
                print_peer_certificate(session);
                if (o->verify)
                    report_verification(session);
                fflush(stdout);
            }
            continue;
        }
        if (o->echo) {
            for (ssize_t sent = 0; sent < n;) {
                ssize_t w = gnutls_record_send(session, buf + sent, (size_t)(n - sent));
                if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
                    continue;
                if (w < 0) {
                    n = w;
                    break;
                }
                sent += w;
            }
            if (n < 0)
                break;
        } else {
            /* HTTP mode, like gnutls-serv without --echo: one request, one
             * plain-text page about the session, then close. */
            size_t take = (size_t)n < sizeof request - 1 - request_len ? (size_t)n : sizeof request - 1 - request_len;
            memcpy(request + request_len, buf, take);
            request_len += take;
            request[request_len] = '\0';
            if (strstr(request, "\r\n\r\n") || request_len == sizeof request - 1) {
                answer_http(session, request, o);
                break;
            }
        }
    }
    gnutls_bye(session, GNUTLS_SHUT_WR);
    gnutls_deinit(session);
    fflush(stdout);
}

/* Closes gently: with the client's bytes still unread, close() would
 * reset the connection and could destroy our last alert before the client
 * reads it. So the write side is shut first, and what the client still
 * sends is read and dropped, bounded in time and bytes. */
static void linger_close(int fd)
{
    shutdown(fd, SHUT_WR);
    double deadline = monotonic_s() + 0.5;
    char scratch[4096];
    for (size_t drained = 0; drained < (1 << 20);) {
        double left = deadline - monotonic_s();
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            break;
        ssize_t n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n <= 0)
            break;
        drained += (size_t)n;
    }
    close(fd);
}

int main(int argc, char **argv)
{
    struct options o;
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int r = gnutls_global_init();
    if (r < 0)
        die("gnutls_global_init", r);
    parse(argc, argv, &o);

    gnutls_certificate_credentials_t cred;
    if ((r = gnutls_certificate_allocate_credentials(&cred)) < 0)
        die("credentials", r);
    for (int i = 0; i < o.ncerts; i++) {
        r = gnutls_certificate_set_x509_key_file2(cred, o.certs[i], o.keys[i], GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0)
            die(o.certs[i], r);
    }
    verify_client_option = o.verify;
    gnutls_certificate_set_verify_function(cred, verify_client);
    if (o.cafile) {
        r = gnutls_certificate_set_x509_trust_file(cred, o.cafile, GNUTLS_X509_FMT_PEM);
        if (r < 0)
            die(o.cafile, r);
        printf("Processed %d CA certificate(s).\n", r);
    }

    gnutls_psk_server_credentials_t psk = NULL;
    if (o.pskpasswd) {
        if ((r = gnutls_psk_allocate_server_credentials(&psk)) < 0)
            die("psk credentials", r);
        if ((r = gnutls_psk_set_server_credentials_file(psk, o.pskpasswd)) < 0)
            die(o.pskpasswd, r);
    }

    if (!o.noticket)
        load_ticket_key(o.ticket_key_file);

    int lfd = listen_on(o.port, o.echo);
    for (long served = 0; o.max_connections <= 0 || served < o.max_connections; served++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            perror("stepup-serv: accept");
            break;
        }
        printf("\n* Accepted connection\n");
        serve(fd, cred, psk, &o);
        linger_close(fd);
    }
    close(lfd);
    if (psk)
        gnutls_psk_free_server_credentials(psk);
    gnutls_certificate_free_credentials(cred);
    gnutls_global_deinit();
    return 0;
}
