/* Tests of the console's hook in cli/io/http.c: a signal handler that calls http_interrupt cancels the
 * request in progress promptly, without retries, with status 130. The server here accepts
 * connections (the kernel's backlog does) and never answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "io/http.h"

static int silent_fd = -1;
static char silent_url[64];

/* A listening socket nobody accepts on: connects succeed, replies never come. */
static int start_silent_server(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	(void)state;
	silent_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (silent_fd < 0 || bind(silent_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(silent_fd, 8) != 0 || getsockname(silent_fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	snprintf(silent_url, sizeof(silent_url), "http://127.0.0.1:%d", ntohs(a.sin_port));
	return 0;
}

static int stop_silent_server(void **state)
{
	(void)state;
	close(silent_fd);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
	http_interrupt();
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sends method to the silent server with http_interrupt called by SIGALRM after 200 ms; returns the
 * seconds it took. */
static double interrupted_request(const char *method, enum http_retry retry, struct msg_err *err, int *rc,
				  unsigned long *requests)
{
	struct http_config cfg = {
	    .base_url = silent_url, .label = "test", .timeout_ms = 20000, .max_attempts = 5};
	struct itimerval timer = {.it_value = {.tv_sec = 0, .tv_usec = 200000}};
	struct sigaction sa = {0};
	struct http_reply reply;
	struct http_client *c;
	double start;

	memset(err, 0, sizeof(*err));
	c = http_client_new(&cfg, err);
	assert_non_null(c);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	http_interrupt_clear();
	setitimer(ITIMER_REAL, &timer, NULL);
	start = now_s();
	*rc = http_request(c, method, "/_synapse/admin/v2/users", NULL, retry, &reply, err);
	start = now_s() - start;
	*requests = http_request_count(c);
	http_interrupt_clear();
	http_reply_clear(&reply);
	http_client_free(c);
	return start;
}

static void test_interrupt_cancels_a_waiting_request_promptly(void **state)
{
	struct msg_err err;
	unsigned long requests;
	int rc;
	double took = interrupted_request("GET", HTTP_IDEMPOTENT, &err, &rc, &requests);

	(void)state;
	assert_int_equal(rc, -1);
	assert_int_equal(err.status, EXIT_INTERRUPTED);
	assert_string_equal(err.text, "test: GET /_synapse/admin/v2/users: interrupted");
	assert_int_equal(requests, 1); /* not retried */
	if (took > 1.5)
		fail_msg("the request took %.2f s to notice the interrupt", took);
}

static void test_an_interrupted_create_has_an_unknown_outcome(void **state)
{
	struct msg_err err;
	unsigned long requests;
	int rc;

	(void)state;
	interrupted_request("POST", HTTP_NOT_IDEMPOTENT, &err, &rc, &requests);
	assert_int_equal(rc, -1);
	assert_int_equal(err.status, EXIT_INTERRUPTED);
	assert_true(err.unknown_outcome);
	assert_int_equal(requests, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interrupt_cancels_a_waiting_request_promptly),
	    cmocka_unit_test(test_an_interrupted_create_has_an_unknown_outcome),
	};
	return cmocka_run_group_tests(tests, start_silent_server, stop_silent_server);
}
