/* Differential: how much a session buffers when its peer sends far more
 * than the application reads. The server sends 64 records of 16 KiB; the
 * client reads one byte, and then at most the rest of that record may wait
 * in the session (gnutls_record_check_pending), the other records staying
 * in the socket, before the client reads everything and checks it. The
 * output must be the same built against the system GnuTLS and against
 * stepup: neither holds more than one record of plaintext. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define RECORDS 64
#define RECORD 16384

static unsigned char pattern(size_t i) { return (unsigned char)(i * 31 + 7); }

static void server(int fd, int scenario)
{
    (void)scenario;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, PRIORITY, cred, fd);
    int r;
    do {
        r = gnutls_handshake(s);
    } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
    say("S handshake %s\n", twoends_code(r));
    static unsigned char data[RECORD];
    int sent_all = r == 0;
    for (size_t k = 0; sent_all && k < RECORDS; k++) {
        for (size_t i = 0; i < RECORD; i++)
            data[i] = pattern(k * RECORD + i);
        ssize_t n;
        do {
            n = gnutls_record_send(s, data, RECORD);
        } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
        sent_all = n == RECORD;
    }
    say("S sent %d records of 16 KiB: %s\n", RECORDS, sent_all ? "yes" : "no");
    gnutls_bye(s, GNUTLS_SHUT_WR);
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    (void)scenario;
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    int r;
    do {
        r = gnutls_handshake(s);
    } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
    say("C handshake %s\n", twoends_code(r));
    if (r == 0) {
        unsigned char one;
        ssize_t n;
        do {
            n = gnutls_record_recv(s, &one, 1);
        } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
        say("C read one byte: %s\n", n == 1 && one == pattern(0) ? "yes" : "no");
        /* Let the server's records reach the socket buffer. */
        int queued = 0;
        for (int i = 0; i < 1000 && queued < RECORD; i++) {
            usleep(10 * 1000);
            ioctl(fd, FIONREAD, &queued);
        }
        size_t pending = gnutls_record_check_pending(s);
        say("C buffered in the session at most one record: %s\n", pending < RECORD ? "yes" : "no");
        say("C the rest waits in the socket: %s\n", queued >= RECORD ? "yes" : "no");
        static unsigned char buf[RECORD];
        size_t total = 1;
        int intact = 1;
        for (;;) {
            n = gnutls_record_recv(s, buf, sizeof buf);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                continue;
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n; i++)
                intact &= buf[i] == pattern(total + (size_t)i);
            total += (size_t)n;
        }
        say("C read everything intact: %s (%zu bytes, then %s)\n", intact && total == (size_t)RECORDS * RECORD ? "yes" : "no",
            total, twoends_code((int)n));
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(1, server, client);
}
