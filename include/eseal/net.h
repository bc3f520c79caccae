/*
 * net.h - a small HTTP/1.1 client for fetching status answers and lists:
 * plain http:// GET and POST only, one request per connection, a deadline for the
 * whole exchange and a limit on the answer size.
 */
#ifndef ESEAL_NET_H
#define ESEAL_NET_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_http_answer {
	int status;                 /* HTTP status code */
	char content_type[128];
	char etag[128];
	eseal_buf body;
} eseal_http_answer;

/*
 * GETs url ("http://host[:port]/path?query"). timeout_ms bounds connect,
 * send and receive together (0 = 10 s); max_body bounds the body (0 =
 * 16 MiB; ESEAL_ELIMIT beyond). accept may be NULL. Any HTTP status is a
 * success here; the caller looks at ans->status. Free with
 * eseal_http_answer_free.
 */
int eseal_http_get(const char *url, const char *accept, int timeout_ms, size_t max_body,
		   eseal_http_answer *ans);
/* POSTs len bytes of body with Content-Type ctype; otherwise like GET. */
int eseal_http_post(const char *url, const char *ctype, const void *body, size_t len, int timeout_ms,
		    size_t max_body, eseal_http_answer *ans);
/* GET (body NULL) or POST with an Authorization header value (may be
 * NULL; CR and LF refused), for the service's JSON API. */
int eseal_http_call(const char *url, const char *authorization, const char *ctype, const void *body, size_t len,
		    int timeout_ms, size_t max_body, eseal_http_answer *ans);
void eseal_http_answer_free(eseal_http_answer *ans);

#ifdef __cplusplus
}
#endif
#endif
