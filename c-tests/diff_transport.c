/* Differential: the transport pointers. With no push/pull functions a
 * pointer set with gnutls_transport_set_ptr is the socket itself (as wget,
 * lynx, mutt and others use it); gnutls_transport_set_int2 sets the
 * pointers custom push/pull functions receive; the getters give back what
 * was set. The output must be the same built against the system GnuTLS and
 * against stepup. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

enum {
    PTR_AS_SOCKET, /* gnutls_transport_set_ptr with the descriptor, default functions */
    INT2_TO_PUSH_PULL, /* set_int2, then custom functions that get the descriptors */
    SCENARIOS
};

static int pushes, pulls;

static ssize_t push_fd(gnutls_transport_ptr_t ptr, const void *data, size_t size)
{
    pushes++;
    return write((int)(intptr_t)ptr, data, size);
}

static ssize_t pull_fd(gnutls_transport_ptr_t ptr, void *data, size_t size)
{
    pulls++;
    return read((int)(intptr_t)ptr, data, size);
}

static void getters(const char *side, gnutls_session_t s, int fd)
{
    gnutls_transport_ptr_t r = NULL, w = NULL;
    int ri = -2, wi = -2;
    gnutls_transport_get_ptr2(s, &r, &w);
    gnutls_transport_get_int2(s, &ri, &wi);
    say("%s get_ptr %s get_ptr2 %s %s get_int %s get_int2 %s %s\n", side,
        gnutls_transport_get_ptr(s) == (gnutls_transport_ptr_t)(intptr_t)fd ? "fd" : "other",
        r == (gnutls_transport_ptr_t)(intptr_t)fd ? "fd" : "other",
        w == (gnutls_transport_ptr_t)(intptr_t)fd ? "fd" : "other",
        gnutls_transport_get_int(s) == fd ? "fd" : "other", ri == fd ? "fd" : "other",
        wi == fd ? "fd" : "other");
}

static gnutls_session_t open_session(unsigned flags, gnutls_certificate_credentials_t cred, int fd, int scenario)
{
    gnutls_session_t s;
    gnutls_init(&s, flags);
    gnutls_priority_set_direct(s, PRIORITY, NULL);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    if (scenario == PTR_AS_SOCKET) {
        gnutls_transport_set_ptr(s, (gnutls_transport_ptr_t)(intptr_t)fd);
    } else {
        gnutls_transport_set_push_function(s, push_fd);
        gnutls_transport_set_pull_function(s, pull_fd);
        gnutls_transport_set_int2(s, fd, fd);
    }
    return s;
}

static void exchange(const char *side, gnutls_session_t s, int fd, int server)
{
    char buf[64];
    int r;
    getters(side, s, fd);
    pushes = pulls = 0;
    say("%s handshake %d\n", side, gnutls_handshake(s));
    if (server) {
        do {
            r = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (r == GNUTLS_E_AGAIN);
        say("%s recv %d\n", side, r);
        say("%s send %d\n", side, (int)gnutls_record_send(s, buf, r > 0 ? (size_t)r : 0));
        say("%s bye %d\n", side, gnutls_bye(s, GNUTLS_SHUT_RDWR));
    } else {
        say("%s send %d\n", side, (int)gnutls_record_send(s, "hello", 5));
        do {
            r = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (r == GNUTLS_E_AGAIN);
        say("%s recv %d\n", side, r);
        do {
            r = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (r == GNUTLS_E_AGAIN);
        say("%s recv end %d\n", side, r);
        say("%s bye %d\n", side, gnutls_bye(s, GNUTLS_SHUT_WR));
    }
    say("%s custom functions used %s\n", side, pushes > 0 && pulls > 0 ? "yes" : "no");
}

static void server(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = open_session(GNUTLS_SERVER, cred, fd, scenario);
    exchange("S", s, fd, 1);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = open_session(GNUTLS_CLIENT, cred, fd, scenario);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    exchange("C", s, fd, 0);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
