/* Exit statuses: a contract with scripts and CI pipelines (documented in msgadm(1)). */
#ifndef MSGADM_EXITCODE_H
#define MSGADM_EXITCODE_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1,	/* generic failure */
	EXIT_CHANGES = 2,	/* plan --detailed-exitcode: changes pending */
	EXIT_FINDINGS = 2,	/* lint: a finding reached --fail-on */
	EXIT_PARTIAL = 3,	/* apply finished, some changes failed */
	EXIT_USAGE = 64,	/* bad command line */
	EXIT_DATAERR = 65,	/* invalid policy or data */
	EXIT_NOINPUT = 66,	/* input file missing or unreadable */
	EXIT_UNAVAILABLE = 69,	/* server unreachable, 5xx after retries */
	EXIT_TEMPFAIL = 75,	/* rate limited or timed out after retries */
	EXIT_PROTOCOL = 76,	/* unexpected server reply */
	EXIT_NOPERM = 77,	/* 401/403 */
	EXIT_CONFIG = 78,	/* bad configuration (contexts file, token file) */
	EXIT_INTERRUPTED = 130, /* Ctrl-C (SIGINT): a request cancelled in the console, an apply stopped */
};

#endif
