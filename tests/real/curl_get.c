/* A libcurl client (built against libcurl-gnutls): GETs URL, trusting only
 * CAFILE, and prints the transfer's result and the body's first line.
 * Exit status: 0 for a completed transfer, 1 for a failed one, 2 for usage
 * or setup errors. Used by tests/real/real_programs.sh. */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>

static size_t keep(char *data, size_t size, size_t count, void *user)
{
	char *first = user;
	size_t have = strlen(first), n = size * count;
	if (have < 255) {
		size_t take = n < 255 - have ? n : 255 - have;
		memcpy(first + have, data, take);
		first[have + take] = 0;
	}
	return n;
}

int main(int argc, char **argv)
{
	char first[256] = "";
	if (argc != 3) {
		fprintf(stderr, "usage: %s URL CAFILE\n", argv[0]);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	CURL *curl = curl_easy_init();
	if (curl == NULL)
		return 2;
	curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
	curl_easy_setopt(curl, CURLOPT_CAINFO, argv[2]);
	curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, first);
	CURLcode rc = curl_easy_perform(curl);
	char *nl = strchr(first, '\n');
	if (nl != NULL)
		*nl = 0;
	printf("result: %d (%s)\n", (int)rc, curl_easy_strerror(rc));
	if (rc == CURLE_OK)
		printf("first line: %s\n", first);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return rc == CURLE_OK ? 0 : 1;
}
