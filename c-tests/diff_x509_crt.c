/* Differential: the X.509 certificate accessors real programs call most
 * (issue 15, part 2): validity times, version, fingerprints, the DNs as
 * strings (into a caller's buffer and allocated), export in DER and PEM
 * (into a buffer and allocated), serial numbers, DN attributes by OID,
 * issuer checks against the test CA, hostname checks, and the subjectAltName
 * entries (into a buffer, short, and queried), for every certificate
 * of the test PKI, plus what each says for an empty object, NULL arguments
 * and short buffers. The output must be the same built against the system
 * GnuTLS and against stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static const char *const certs[] = {"ca.pem",         "other-ca.pem",     "server-rsa.pem", "server-ecdsa.pem",
                                    "server-p384.pem", "server-ed25519.pem", "server-www.pem", "client-rsa.pem",
                                    "stranger.pem"};
static const char *const hosts[] = {"localhost", "LOCALHOST", "127.0.0.1", "www.example.org", "example.org",
                                    "foo.example.org", "alice", "stepup test CA", ""};

static void hex(const unsigned char *data, size_t size)
{
    for (size_t i = 0; i < size; i++)
        printf("%02x", data[i]);
}

static unsigned long checksum(const unsigned char *data, size_t size)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < size; i++)
        sum = (sum * 31 + data[i]) % 4294967291UL;
    return sum;
}

static void fingerprints(gnutls_x509_crt_t crt)
{
    const gnutls_digest_algorithm_t algos[] = {GNUTLS_DIG_SHA1, GNUTLS_DIG_SHA256, GNUTLS_DIG_SHA384,
                                               GNUTLS_DIG_SHA512};
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++) {
        unsigned char buf[64];
        size_t size = sizeof buf;
        int rc = gnutls_x509_crt_get_fingerprint(crt, algos[i], buf, &size);
        printf("  fingerprint %d: %d %zu ", (int)algos[i], rc, size);
        if (rc == 0)
            hex(buf, size);
        size = 4;
        rc = gnutls_x509_crt_get_fingerprint(crt, algos[i], buf, &size);
        printf(" short: %d %zu", rc, size);
        size = 0;
        rc = gnutls_x509_crt_get_fingerprint(crt, algos[i], NULL, &size);
        printf(" query: %d %zu\n", rc, size);
    }
}

static void dns(gnutls_x509_crt_t crt)
{
    char buf[512];
    size_t size = sizeof buf;
    int rc = gnutls_x509_crt_get_dn(crt, buf, &size);
    printf("  dn: %d %zu %s\n", rc, size, rc == 0 ? buf : "");
    size = 3;
    rc = gnutls_x509_crt_get_dn(crt, buf, &size);
    printf("  dn short: %d %zu\n", rc, size);
    size = sizeof buf;
    rc = gnutls_x509_crt_get_issuer_dn(crt, buf, &size);
    printf("  issuer dn: %d %zu %s\n", rc, size, rc == 0 ? buf : "");
    gnutls_datum_t d = {NULL, 0};
    rc = gnutls_x509_crt_get_dn2(crt, &d);
    printf("  dn2: %d %u %s\n", rc, d.size, rc == 0 ? (char *)d.data : "");
    gnutls_free(d.data);
    d.data = NULL;
    rc = gnutls_x509_crt_get_issuer_dn2(crt, &d);
    printf("  issuer dn2: %d %u %s\n", rc, d.size, rc == 0 ? (char *)d.data : "");
    gnutls_free(d.data);
}

static void exports(gnutls_x509_crt_t crt)
{
    const gnutls_x509_crt_fmt_t formats[] = {GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
    for (int f = 0; f < 2; f++) {
        size_t size = 0;
        int rc = gnutls_x509_crt_export(crt, formats[f], NULL, &size);
        printf("  export %d query: %d %zu\n", f, rc, size);
        unsigned char *buf = malloc(size + 16);
        size_t room = size;
        rc = gnutls_x509_crt_export(crt, formats[f], buf, &room);
        printf("  export %d: %d %zu %lu\n", f, rc, room, rc == 0 ? checksum(buf, room) : 0);
        room = 10;
        rc = gnutls_x509_crt_export(crt, formats[f], buf, &room);
        printf("  export %d short: %d %zu\n", f, rc, room);
        free(buf);
        gnutls_datum_t d = {NULL, 0};
        rc = gnutls_x509_crt_export2(crt, formats[f], &d);
        printf("  export2 %d: %d %u %lu", f, rc, d.size, rc == 0 ? checksum(d.data, d.size) : 0);
        if (rc == 0 && f == 1)
            printf(" nul %d first %.27s", d.data[d.size] == 0, (char *)d.data);
        printf("\n");
        gnutls_free(d.data);
    }
}

static gnutls_x509_crt_t ca;

static void attributes(gnutls_x509_crt_t crt)
{
    unsigned char buf[256];
    size_t size = sizeof buf;
    int rc = gnutls_x509_crt_get_serial(crt, buf, &size);
    printf("  serial: %d %zu ", rc, size);
    if (rc == 0)
        hex(buf, size);
    size = 2;
    printf(" short: %d", gnutls_x509_crt_get_serial(crt, buf, &size));
    printf(" %zu\n", size);
    const char *const oids[] = {"2.5.4.3", "2.5.4.10", "1.2.840.113549.1.9.1"};
    for (size_t o = 0; o < sizeof oids / sizeof oids[0]; o++) {
        for (unsigned idx = 0; idx < 2; idx++) {
            for (unsigned raw = 0; raw < 2; raw++) {
                size = sizeof buf;
                rc = gnutls_x509_crt_get_dn_by_oid(crt, oids[o], idx, raw, buf, &size);
                printf("  dn %s %u %u: %d %zu ", oids[o], idx, raw, rc, size);
                if (rc == 0)
                    hex(buf, size);
                size = sizeof buf;
                rc = gnutls_x509_crt_get_issuer_dn_by_oid(crt, oids[o], idx, raw, buf, &size);
                printf(" issuer: %d %zu ", rc, size);
                if (rc == 0)
                    hex(buf, size);
                printf("\n");
            }
        }
    }
    size = 2;
    rc = gnutls_x509_crt_get_dn_by_oid(crt, "2.5.4.3", 0, 0, buf, &size);
    printf("  dn by oid short: %d %zu\n", rc, size);
    printf("  issued by the test CA: %u, by itself: %u\n", gnutls_x509_crt_check_issuer(crt, ca),
           gnutls_x509_crt_check_issuer(crt, crt));
}

static void alt_names(gnutls_x509_crt_t crt)
{
    for (unsigned seq = 0; seq < 4; seq++) {
        unsigned char buf[256];
        size_t size = sizeof buf;
        unsigned critical = 9, type = 9;
        int rc = gnutls_x509_crt_get_subject_alt_name2(crt, seq, buf, &size, &type, &critical);
        printf("  san %u: %d type %u critical %u size %zu ", seq, rc, type, critical, size);
        if (rc == GNUTLS_SAN_IPADDRESS)
            hex(buf, size);
        else if (rc > 0)
            printf("%s", (char *)buf);
        size = 3;
        rc = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf, &size, NULL);
        printf(" short: %d %zu", rc, size);
        size = 0;
        rc = gnutls_x509_crt_get_subject_alt_name(crt, seq, NULL, &size, NULL);
        printf(" query: %d %zu\n", rc, size);
        if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
    }
}

static void raw_dns(gnutls_x509_crt_t crt)
{
    gnutls_datum_t dn = {NULL, 0};
    int rc = gnutls_x509_crt_get_raw_dn(crt, &dn);
    printf("  raw dn: %d %u %lu", rc, dn.size, rc == 0 ? checksum(dn.data, dn.size) : 0);
    if (rc == 0)
        gnutls_free(dn.data);
    rc = gnutls_x509_crt_get_raw_issuer_dn(crt, &dn);
    printf(" raw issuer dn: %d %u %lu\n", rc, dn.size, rc == 0 ? checksum(dn.data, dn.size) : 0);
    if (rc == 0)
        gnutls_free(dn.data);
}

static void print_dn_object(const char *what, gnutls_x509_dn_t dn)
{
    for (int irdn = 0; irdn < 8; irdn++) {
        for (int iava = 0; iava < 4; iava++) {
            gnutls_x509_ava_st ava;
            int rc = gnutls_x509_dn_get_rdn_ava(dn, irdn, iava, &ava);
            if (rc < 0) {
                printf("  %s rdn %d ava %d: %d\n", what, irdn, iava, rc);
                if (iava == 0)
                    return;
                break;
            }
            printf("  %s rdn %d ava %d: %.*s tag %lu %.*s\n", what, irdn, iava, (int)ava.oid.size, ava.oid.data,
                   ava.value_tag, (int)ava.value.size, ava.value.data);
        }
    }
}

static void dn_objects(gnutls_x509_crt_t crt)
{
    gnutls_x509_dn_t subject = NULL, issuer = NULL;
    int rc = gnutls_x509_crt_get_subject(crt, &subject);
    printf("  subject object: %d\n", rc);
    if (rc == 0)
        print_dn_object("subject", subject);
    rc = gnutls_x509_crt_get_issuer(crt, &issuer);
    printf("  issuer object: %d\n", rc);
    if (rc == 0) {
        print_dn_object("issuer", issuer);
        gnutls_datum_t str;
        rc = gnutls_x509_dn_get_str(issuer, &str);
        printf("  issuer string: %d %s\n", rc, rc == 0 ? (char *)str.data : "");
        if (rc == 0)
            gnutls_free(str.data);
    }
    /* A DN object of its own, from the raw subject. */
    gnutls_datum_t raw;
    if (gnutls_x509_crt_get_raw_dn(crt, &raw) == 0) {
        gnutls_x509_dn_t own;
        gnutls_x509_dn_init(&own);
        rc = gnutls_x509_dn_import(own, &raw);
        gnutls_datum_t str;
        int s = gnutls_x509_dn_get_str2(own, &str, GNUTLS_X509_DN_FLAG_COMPAT);
        printf("  imported subject: %d, compat string %d %s\n", rc, s, s == 0 ? (char *)str.data : "");
        if (s == 0)
            gnutls_free(str.data);
        gnutls_x509_dn_deinit(own);
        gnutls_free(raw.data);
    }
}

static void one(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, FIXTURES "/%s", name);
    gnutls_datum_t pem = {NULL, 0};
    gnutls_x509_crt_t crt;
    printf("%s\n", name);
    if (gnutls_load_file(path, &pem) < 0 || gnutls_x509_crt_init(&crt) < 0) {
        printf("  cannot load\n");
        return;
    }
    int rc = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
    gnutls_free(pem.data);
    printf("  import: %d\n", rc);
    printf("  version: %d\n", gnutls_x509_crt_get_version(crt));
    printf("  activation: %lld expiration: %lld\n", (long long)gnutls_x509_crt_get_activation_time(crt),
           (long long)gnutls_x509_crt_get_expiration_time(crt));
    fingerprints(crt);
    dns(crt);
    alt_names(crt);
    raw_dns(crt);
    dn_objects(crt);
    attributes(crt);
    exports(crt);
    printf("  hostnames:");
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        printf(" %u/%u", gnutls_x509_crt_check_hostname(crt, hosts[i]),
               gnutls_x509_crt_check_hostname2(crt, hosts[i], GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES));
    printf("\n");
    gnutls_x509_crt_deinit(crt);
}

int main(void)
{
    gnutls_datum_t pem = {NULL, 0};
    if (gnutls_load_file(FIXTURES "/ca.pem", &pem) < 0 || gnutls_x509_crt_init(&ca) < 0 ||
        gnutls_x509_crt_import(ca, &pem, GNUTLS_X509_FMT_PEM) < 0) {
        printf("cannot load the test CA\n");
        return 1;
    }
    gnutls_free(pem.data);
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        one(certs[i]);

    /* An object nothing was imported into, and NULL arguments. */
    gnutls_x509_crt_t empty;
    gnutls_x509_crt_init(&empty);
    unsigned char buf[64];
    size_t size = sizeof buf;
    printf("empty: version %d activation %lld expiration %lld\n", gnutls_x509_crt_get_version(empty),
           (long long)gnutls_x509_crt_get_activation_time(empty),
           (long long)gnutls_x509_crt_get_expiration_time(empty));
    printf("empty: fingerprint %d", gnutls_x509_crt_get_fingerprint(empty, GNUTLS_DIG_SHA256, buf, &size));
    size = sizeof buf;
    printf(" export %d", gnutls_x509_crt_export(empty, GNUTLS_X509_FMT_DER, buf, &size));
    size = sizeof buf;
    printf(" dn %d hostname %u\n", gnutls_x509_crt_get_dn(empty, (char *)buf, &size),
           gnutls_x509_crt_check_hostname(empty, "localhost"));
    size = sizeof buf;
    printf("empty: san %d\n", gnutls_x509_crt_get_subject_alt_name(empty, 0, buf, &size, NULL));
    gnutls_datum_t raw;
    raw.size = 77;
    int raw_rc = gnutls_x509_crt_get_raw_dn(empty, &raw);
    printf("empty: raw dn %d size %u\n", raw_rc, raw.size);
    gnutls_x509_dn_t empty_dn = NULL;
    int dn_rc = gnutls_x509_crt_get_subject(empty, &empty_dn);
    printf("empty: subject object %d\n", dn_rc);
    if (dn_rc == 0)
        print_dn_object("empty subject", empty_dn);
    if (raw_rc == 0)
        gnutls_free(raw.data);
    size = sizeof buf;
    printf("empty: serial %d dn by oid %d issuer %u\n", gnutls_x509_crt_get_serial(empty, buf, &size),
           gnutls_x509_crt_get_dn_by_oid(empty, "2.5.4.3", 0, 0, buf, &size),
           gnutls_x509_crt_check_issuer(empty, ca));
    gnutls_x509_crt_deinit(empty);
    gnutls_x509_crt_deinit(ca);
    return 0;
}
