/*
 * cli_pki.c - helpers shared by the key, cert, trust and ca commands:
 * hex output and opening a CA directory. Never keeps a
 * passphrase longer than the call that needs it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_pki.h"

void cli_pki_hex(char *out, const uint8_t *p, size_t n)
{
	eseal_hex_encode(out, p, n, 1);
}

int cli_pki_open_ca(const char *dir, const char *pass_file, eseal_ca **ca)
{
	char path[4096];
	eseal_buf b = ESEAL_BUF_INIT;
	snprintf(path, sizeof path, "%s/issuing.key", dir);
	int encrypted = 1;
	if (!eseal_file_read(&b, path, 1 << 20)) {
		eseal_buf_cstr(&b);
		encrypted = strstr((char *)b.data, "ENCRYPTED") != NULL;
	}
	eseal_buf_free(&b);
	char *pass = NULL;
	int ex = encrypted ? cli_passphrase(pass_file, _("CA passphrase: "), 0, &pass) : 0;
	if (ex)
		return ex;
	int rc = eseal_ca_open(ca, dir, pass, pass ? strlen(pass) : 0);
	cli_pass_free(pass);
	return rc ? cli_fail(NULL) : 0;
}
