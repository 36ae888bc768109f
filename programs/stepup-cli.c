/* stepup-cli: a client in the manner of gnutls-cli, written only against the
 * GnuTLS API. It copies stdin to the server and the server's data to stdout,
 * answers post-handshake certificate requests (--post-handshake-auth), and
 * prints what it negotiated on stderr-free stdout lines starting with "- ". */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *program_name = "stepup-cli";

struct options {
    const char *host;
    const char *port;
    const char *cafile, *certfile, *keyfile;
    const char *priority;
    const char *pskusername, *pskkey;
    int pha;
    int insecure;
    int resume;
};

static void usage(void)
{
    fprintf(stderr, "usage: stepup-cli HOST [-p PORT] [--x509cafile F] [--x509certfile F --x509keyfile F]\n"
                    "       [--pskusername U --pskkey HEX] [--post-handshake-auth] [--priority S]\n"
                    "       [--insecure] [--resume] [-d N]\n");
    exit(1);
}

static void parse(int argc, char **argv, struct options *o)
{
    enum { CA = 256, CERT, KEY, PHA, PRIO, INSECURE, PSKUSER, PSKKEY, RESUME };
    static const struct option longs[] = {
        {"port", required_argument, NULL, 'p'},
        {"x509cafile", required_argument, NULL, CA},
        {"x509certfile", required_argument, NULL, CERT},
        {"x509keyfile", required_argument, NULL, KEY},
        {"post-handshake-auth", no_argument, NULL, PHA},
        {"priority", required_argument, NULL, PRIO},
        {"insecure", no_argument, NULL, INSECURE},
        {"pskusername", required_argument, NULL, PSKUSER},
        {"pskkey", required_argument, NULL, PSKKEY},
        {"resume", no_argument, NULL, RESUME},
        {"debug", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->port = "443";
    int c;
    while ((c = getopt_long(argc, argv, "p:d:", longs, NULL)) != -1) {
        switch (c) {
        case 'p': parse_port(optarg); o->port = optarg; break;
        case 'd': setup_logging(atoi(optarg)); break;
        case CA: o->cafile = optarg; break;
        case CERT: o->certfile = optarg; break;
        case KEY: o->keyfile = optarg; break;
        case PHA: o->pha = 1; break;
        case PRIO: o->priority = optarg; break;
        case INSECURE: o->insecure = 1; break;
        case PSKUSER: o->pskusername = optarg; break;
        case PSKKEY: o->pskkey = optarg; break;
        case RESUME: o->resume = 1; break;
        default: usage();
        }
    }
    if (optind != argc - 1 || !o->certfile != !o->keyfile || !o->pskusername != !o->pskkey)
        usage();
    o->host = argv[optind];
}

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo(host, port, &hints, &res);
    if (r != 0) {
        fprintf(stderr, "stepup-cli: %s: %s\n", host, gai_strerror(r));
        exit(1);
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            printf("Connecting to '%s:%s'...\n", host, port);
            break;
        }
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "stepup-cli: could not connect to %s:%s\n", host, port);
        exit(1);
    }
    return fd;
}

/* Answers a post-handshake CertificateRequest; returns gnutls_reauth()'s code. */
static int answer_reauth(gnutls_session_t session)
{
    int r;
    int tries = 0;
    do {
        r = gnutls_reauth(session, 0);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < 64);
    return r;
}

/* Sends all of buf; returns 0 or a negative GnuTLS code. */
static int send_all(gnutls_session_t session, const char *buf, size_t len)
{
    size_t sent = 0;
    while (sent < len) {
        ssize_t w = gnutls_record_send(session, buf + sent, len - sent);
        if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
            continue;
        if (w < 0)
            return (int)w;
        sent += (size_t)w;
    }
    return 0;
}

/* Connects and completes a handshake, resuming `resume` when given.
 * Exits on failure; returns the session, its socket in *fd_out. */
static gnutls_session_t open_session(const struct options *o, gnutls_certificate_credentials_t cred,
                                     gnutls_psk_client_credentials_t psk, const gnutls_datum_t *resume,
                                     int *fd_out)
{
    int r;
    gnutls_session_t session;
    r = gnutls_init(&session, GNUTLS_CLIENT | (o->pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
    if (r < 0)
        die("gnutls_init", r);
    const char *err_pos = NULL;
    r = o->priority ? gnutls_priority_set_direct(session, o->priority, &err_pos)
        : psk       ? gnutls_priority_set_direct(session, "NORMAL:+ECDHE-PSK:+PSK", &err_pos)
                    : gnutls_set_default_priority(session);
    if (r < 0) {
        fprintf(stderr, "stepup-cli: priority error at '%s': %s\n", err_pos ? err_pos : "", gnutls_strerror(r));
        exit(1);
    }
    gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
    if (psk)
        gnutls_credentials_set(session, GNUTLS_CRD_PSK, psk);
    gnutls_server_name_set(session, GNUTLS_NAME_DNS, o->host, strlen(o->host));
    /* With a PSK the key proves the server; certificates are checked when
     * the server sends them anyway. */
    if (!o->insecure && !psk)
        gnutls_session_set_verify_cert(session, o->host, 0);
    if (resume && (r = gnutls_session_set_data(session, resume->data, resume->size)) < 0)
        die("session data", r);

    int fd = connect_to(o->host, o->port);
    gnutls_transport_set_int(session, fd);
    gnutls_handshake_set_timeout(session, 20 * 1000);
    do {
        r = gnutls_handshake(session);
    } while (r < 0 && !gnutls_error_is_fatal(r));
    if (r < 0) {
        fprintf(stderr, "*** Handshake has failed: %s\n", gnutls_strerror(r));
        if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            gnutls_datum_t text = {NULL, 0};
            if (gnutls_certificate_verification_status_print(gnutls_session_get_verify_cert_status(session),
                                                             GNUTLS_CRT_X509, &text, 0) >= 0) {
                fprintf(stderr, "- Status: %s\n", (char *)text.data);
                gnutls_free(text.data);
            }
        }
        exit(1);
    }
    *fd_out = fd;
    return session;
}

/* Reads what arrives for up to a second so the server's tickets are in,
 * then returns the session data to resume with (free with gnutls_free). */
static gnutls_datum_t session_for_resumption(gnutls_session_t session, int fd)
{
    char buf[4096];
    for (int i = 0; i < 20 && !(gnutls_session_get_flags(session) & GNUTLS_SFLAGS_SESSION_TICKET); i++) {
        struct pollfd p = {fd, POLLIN, 0};
        if (gnutls_record_check_pending(session) == 0 && poll(&p, 1, 50) <= 0)
            continue;
        ssize_t n = gnutls_record_recv(session, buf, sizeof buf);
        if (n > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        else if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
            break;
    }
    gnutls_datum_t data = {NULL, 0};
    int r = gnutls_session_get_data2(session, &data);
    if (r < 0)
        die("session data", r);
    return data;
}

int main(int argc, char **argv)
{
    struct options o;
    signal(SIGPIPE, SIG_IGN);
    int r = gnutls_global_init();
    if (r < 0)
        die("gnutls_global_init", r);
    parse(argc, argv, &o);

    gnutls_certificate_credentials_t cred;
    if ((r = gnutls_certificate_allocate_credentials(&cred)) < 0)
        die("credentials", r);
    if (o.cafile) {
        r = gnutls_certificate_set_x509_trust_file(cred, o.cafile, GNUTLS_X509_FMT_PEM);
        if (r < 0)
            die(o.cafile, r);
        printf("Processed %d CA certificate(s).\n", r);
    } else if (!o.insecure) {
        /* Like gnutls-cli: the system's trusted CAs by default. */
        r = gnutls_certificate_set_x509_system_trust(cred);
        if (r < 0)
            die("system trust", r);
        printf("Processed %d CA certificate(s).\n", r);
    }
    if (o.certfile) {
        r = gnutls_certificate_set_x509_key_file2(cred, o.certfile, o.keyfile, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0)
            die(o.certfile, r);
    }

    gnutls_psk_client_credentials_t psk = NULL;
    if (o.pskusername) {
        gnutls_datum_t key = {(unsigned char *)o.pskkey, (unsigned)strlen(o.pskkey)};
        if ((r = gnutls_psk_allocate_client_credentials(&psk)) < 0)
            die("psk credentials", r);
        if ((r = gnutls_psk_set_client_credentials(psk, o.pskusername, &key, GNUTLS_PSK_KEY_HEX)) < 0)
            die("--pskkey", r);
    }

    int fd;
    gnutls_session_t session = open_session(&o, cred, psk, NULL, &fd);
    if (o.resume) {
        /* Like gnutls-cli --resume: a second connection resumes the first. */
        gnutls_datum_t data = session_for_resumption(session, fd);
        gnutls_bye(session, GNUTLS_SHUT_WR);
        close(fd);
        gnutls_deinit(session);
        printf("- Disconnecting\n- Connecting again- trying to resume previous session\n");
        session = open_session(&o, cred, psk, &data, &fd);
        gnutls_free(data.data);
        printf("*** This is %s session\n", gnutls_session_is_resumed(session) ? "a resumed" : "a new");
    }
    printf("- Handshake was completed\n");
    print_session_info(session, "Client");

    int status = 0, stdin_open = 1;
    char buf[16384];
    for (;;) {
        if (gnutls_record_check_pending(session) == 0) {
            struct pollfd p[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            if (poll(p, stdin_open ? 2 : 1, 60 * 1000) <= 0)
                break;
            if (stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
                ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
                if (n <= 0) {
                    stdin_open = 0;
                    /* Like gnutls-cli: end of input closes our side and we
                     * keep reading until the server closes. */
                    gnutls_bye(session, GNUTLS_SHUT_WR);
                } else if ((r = send_all(session, buf, (size_t)n)) < 0) {
                    fprintf(stderr, "*** Error sending: %s\n", gnutls_strerror(r));
                    status = 1;
                    break;
                }
                continue;
            }
            if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
        }
        ssize_t n = gnutls_record_recv(session, buf, sizeof buf);
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        } else if (n == 0) {
            printf("- Peer has closed the GnuTLS connection\n");
            break;
        } else if (n == GNUTLS_E_REAUTH_REQUEST) {
            printf("*** Received re-authentication request\n");
            r = answer_reauth(session);
            printf("*** Re-authentication %s%s\n", r < 0 ? "failed: " : "answered",
                   r < 0 ? gnutls_strerror(r) : "");
            fflush(stdout);
            if (r < 0 && gnutls_error_is_fatal(r)) {
                status = 1;
                break;
            }
        } else if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        } else if (!gnutls_error_is_fatal((int)n)) {
            fprintf(stderr, "*** Warning: %s\n", gnutls_strerror((int)n));
        } else {
            if (n == GNUTLS_E_FATAL_ALERT_RECEIVED)
                fprintf(stderr, "*** Received alert [%d]: %s\n", (int)gnutls_alert_get(session),
                        gnutls_alert_get_name(gnutls_alert_get(session)));
            fprintf(stderr, "*** Fatal error: %s\n", gnutls_strerror((int)n));
            status = 1;
            break;
        }
    }
    gnutls_bye(session, GNUTLS_SHUT_WR);
    close(fd);
    gnutls_deinit(session);
    gnutls_certificate_free_credentials(cred);
    if (psk)
        gnutls_psk_free_client_credentials(psk);
    gnutls_global_deinit();
    return status;
}
