#include "twoends.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[32768];
static size_t used;

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + used, sizeof out - used, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof out - used)
        used += (size_t)n;
}

void twoends_flush(void)
{
    fputs(out, stdout);
    fflush(stdout);
    used = 0;
    out[0] = '\0';
}

void twoends_run(int count, twoends_side server, twoends_side client)
{
    signal(SIGPIPE, SIG_IGN);
    alarm(60);
    for (int scenario = 0; scenario < count; scenario++) {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
            perror("socketpair");
            exit(2);
        }
        printf("scenario %d\n", scenario);
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            exit(2);
        }
        if (pid == 0) {
            close(fds[0]);
            used = 0;
            out[0] = '\0';
            client(fds[1], scenario);
            close(fds[1]);
            fputs(out, stdout);
            fflush(stdout);
            _exit(0);
        }
        close(fds[1]);
        used = 0;
        out[0] = '\0';
        server(fds[0], scenario);
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        fputs(out, stdout);
        printf("child %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
        fflush(stdout);
    }
}

const char *twoends_code(int r)
{
    static char text[64];
    if (r < 0)
        snprintf(text, sizeof text, "%d %s", r, gnutls_strerror_name(r));
    else
        snprintf(text, sizeof text, "%d", r);
    return text;
}

void twoends_drain(int fd)
{
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

void twoends_half_close(int fd)
{
    shutdown(fd, SHUT_WR);
    twoends_drain(fd);
}

gnutls_certificate_credentials_t twoends_credentials(const char *role, const char *key_type)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    if (key_type) {
        char cert[512], key[512];
        snprintf(cert, sizeof cert, FIXTURES "/%s-%s.pem", role, key_type);
        snprintf(key, sizeof key, FIXTURES "/%s-%s.key", role, key_type);
        int r = gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0)
            fprintf(stderr, "key file %s: %d\n", cert, r);
    }
    return cred;
}

int twoends_load(const char *path, gnutls_datum_t *data)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    static unsigned char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    data->data = buf;
    data->size = (unsigned)n;
    return 0;
}

void twoends_save(const char *path, const gnutls_datum_t *data)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    if (fwrite(data->data, 1, data->size, f) != data->size)
        say("short write of %s\n", path);
    fclose(f);
}

gnutls_session_t twoends_session(unsigned flags, const char *priority, gnutls_certificate_credentials_t cred,
                                 int fd)
{
    gnutls_session_t s;
    gnutls_init(&s, flags);
    gnutls_priority_set_direct(s, priority, NULL);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_transport_set_int(s, fd);
    return s;
}

int twoends_main(int count, twoends_side server, twoends_side client)
{
    gnutls_global_init();
    twoends_run(count, server, client);
    gnutls_global_deinit();
    return 0;
}
