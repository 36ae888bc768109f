/* An HTTPS server on libmicrohttpd (which does TLS with GnuTLS): serves one
 * page on 127.0.0.1:PORT with CERT and KEY, writes "listening" to stdout,
 * and exits after answering one request or after 20 seconds. Used by
 * tests/real/real_programs.sh. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

static volatile int answered;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	static char buf[2][16384];
	static int which;
	char *out = buf[which++ & 1];
	size_t n = fread(out, 1, sizeof(buf[0]) - 1, f);
	fclose(f);
	out[n] = 0;
	return out;
}

static enum MHD_Result page(void *cls, struct MHD_Connection *conn, const char *url,
			    const char *method, const char *version, const char *upload,
			    size_t *upload_size, void **state)
{
	static const char body[] = "hello from libmicrohttpd\n";
	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size; (void)state;
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	answered = 1;
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s PORT CERT KEY\n", argv[0]);
		return 2;
	}
	char *cert = slurp(argv[2]), *key = slurp(argv[3]);
	if (cert == NULL || key == NULL) {
		fprintf(stderr, "cannot read the certificate or key\n");
		return 2;
	}
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS,
						0, NULL, NULL, page, NULL,
						MHD_OPTION_SOCK_ADDR, &addr,
						MHD_OPTION_HTTPS_MEM_CERT, cert,
						MHD_OPTION_HTTPS_MEM_KEY, key,
						MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "MHD_start_daemon failed\n");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (int i = 0; i < 200 && !answered; i++)
		usleep(100000);
	usleep(200000); /* let the answer leave */
	MHD_stop_daemon(d);
	printf(answered ? "answered\n" : "no request\n");
	return answered ? 0 : 1;
}
