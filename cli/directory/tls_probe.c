/* Why TLS to a directory failed, in words. libldap (with GnuTLS on Debian) says only "Can't contact
 * LDAP server" whatever went wrong, so after a failure msgadm opens a second connection with OpenSSL,
 * the same CA file and the same host, and names the check that failed: the CA, or the host name and
 * the names the certificate holds. For StartTLS it sends the StartTLS request first. */
#include "tls_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The StartTLS extended request (RFC 4511 4.14.1), message id 1. */
static const unsigned char starttls_request[] = {
    0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, '1', '.', '3', '.', '6', '.', '1',
    '.',  '4',	'.',  '1',  '.',  '1',	'4',  '6',  '6',  '.', '2', '0', '0', '3', '7'};

static int carry_on(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1;
}

static bool inet_pton_any(const char *host, unsigned char *buf)
{
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static int wait_fd(int fd, short events, long timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n;

	do
		n = poll(&p, 1, (int)timeout_ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

static int connect_to(const char *host, const char *port, long timeout_ms)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL, *a;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (a = res; a != NULL && fd < 0; a = a->ai_next) {
		int err = 0;
		socklen_t len = sizeof(err);

		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
		if (fd < 0)
			continue;
		if ((connect(fd, a->ai_addr, a->ai_addrlen) != 0 &&
		     (errno != EINPROGRESS || wait_fd(fd, POLLOUT, timeout_ms) != 0 ||
		      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0))) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* StartTLS: the request, and an extended response whose result code is success. */
static int start_tls(int fd, long timeout_ms, char *why, size_t size)
{
	unsigned char reply[256];
	ssize_t n;

	if (write(fd, starttls_request, sizeof(starttls_request)) != (ssize_t)sizeof(starttls_request) ||
	    wait_fd(fd, POLLIN, timeout_ms) != 0 || (n = read(fd, reply, sizeof(reply))) <= 0) {
		snprintf(why, size, "the server did not answer the StartTLS request");
		return -1;
	}
	/* 30 LL 02 01 01 78 LL 0a 01 CODE: short lengths are all a StartTLS answer needs */
	if (n < 10 || reply[0] != 0x30 || reply[5] != 0x78 || reply[7] != 0x0a || reply[9] != 0) {
		snprintf(why, size, "the server refused StartTLS");
		return -1;
	}
	return 0;
}

/* "DNS:ldap.example.gov, IP:10.0.0.1": the names the certificate holds. */
static void names_of(X509 *cert, char *out, size_t size)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names) && used < size; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);

		if (g->type == GEN_DNS)
			used += (size_t)snprintf(out + used, size - used, "%sDNS:%.*s", used ? ", " : "",
						 ASN1_STRING_length(g->d.dNSName),
						 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
			const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);

			used += (size_t)snprintf(out + used, size - used, "%sIP:%u.%u.%u.%u",
						 used ? ", " : "", ip[0], ip[1], ip[2], ip[3]);
		}
	}
	GENERAL_NAMES_free(names);
	if (out[0] == '\0') {
		X509_NAME_oneline(X509_get_subject_name(cert), out, (int)size);
		if (strlen(out) + 20 < size) {
			memmove(out + 17, out, strlen(out) + 1);
			memcpy(out, "no names; subject", 17);
		}
	}
}

int tls_probe(const char *host, const char *port, bool starttls, const char *ca_file, long timeout_ms,
	      char *why, size_t size)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	X509 *cert = NULL;
	int fd = -1, rc = -1;
	long verify;
	char names[512];
	unsigned char ip[16];
	const bool is_ip = inet_pton_any(host, ip);

	if (ctx == NULL) {
		snprintf(why, size, "OpenSSL could not start");
		goto done;
	}
	/* the handshake goes on whatever the checks find, so that the certificate can be named; the
	 * first failure is in the verify result */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, carry_on);
	if (ca_file != NULL ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1
			    : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(why, size, "the CA file %s holds no certificate OpenSSL can read",
			 ca_file ? ca_file : "(system)");
		goto done;
	}
	if ((fd = connect_to(host, port, timeout_ms)) < 0) {
		snprintf(why, size, "cannot connect to %s port %s", host, port);
		rc = TLS_PROBE_UNREACHABLE;
		goto done;
	}
	if (starttls && start_tls(fd, timeout_ms, why, size) != 0)
		goto done;
	ssl = SSL_new(ctx);
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1)
		goto done;
	if (is_ip)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	else {
		SSL_set_tlsext_host_name(ssl, host);
		X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl), host, 0);
	}
	if (SSL_connect(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK) {
		snprintf(why, size,
			 "OpenSSL verifies the certificate for %s against %s; libldap refused it anyway (it "
			 "checks "
			 "the host name as the URL gives it: use the name or address the certificate holds)",
			 host, ca_file ? ca_file : "the system's CAs");
		rc = 0;
		goto done;
	}
	verify = SSL_get_verify_result(ssl);
	cert = SSL_get1_peer_certificate(ssl);
	if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
		if (cert != NULL)
			names_of(cert, names, sizeof(names));
		snprintf(why, size, "the server's certificate does not name %s (it names %s)", host,
			 cert != NULL ? names : "nothing msgadm could read");
	} else if (verify != X509_V_OK) {
		snprintf(why, size, "the server's certificate is not trusted by ca_file %s: %s",
			 ca_file ? ca_file : "(the system's CAs)", X509_verify_cert_error_string(verify));
	} else {
		unsigned long e = ERR_peek_last_error();

		snprintf(why, size, "the TLS handshake failed: %s",
			 e ? ERR_reason_error_string(e) : "no reason given");
	}
done:
	X509_free(cert);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return rc;
}
