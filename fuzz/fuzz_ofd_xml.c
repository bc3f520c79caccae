/*
 * fuzz_ofd_xml.c - libFuzzer target for the OFD XML layer. Mutated zips
 * rarely get past the CRC check, so this target wraps the input in a valid
 * stored zip instead: the bytes, split at each "\n----\n", become
 * Document.xml, the page Content.xml, Signatures.xml and Signature.xml of a
 * package, which is then read completely (pages, text, signatures).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "eseal/ofd.h"

static void p16(eseal_buf *b, unsigned v) { uint8_t x[2] = { v & 255, (v >> 8) & 255 }; eseal_buf_put(b, x, 2); }
static void p32(eseal_buf *b, uint32_t v) { p16(b, v & 0xFFFF); p16(b, v >> 16); }

static void add(eseal_buf *z, eseal_buf *cd, unsigned *n, const char *name, const uint8_t *d, size_t len)
{
	uint32_t crc = (uint32_t)crc32(0, d, (uInt)len), off = (uint32_t)z->len;
	size_t nl = strlen(name);
	p32(z, 0x04034b50); p16(z, 20); p16(z, 0); p16(z, 0); p16(z, 0); p16(z, 0x5021);
	p32(z, crc); p32(z, (uint32_t)len); p32(z, (uint32_t)len); p16(z, (unsigned)nl); p16(z, 0);
	eseal_buf_put(z, name, nl);
	eseal_buf_put(z, d, len);
	p32(cd, 0x02014b50); p16(cd, 20); p16(cd, 20); p16(cd, 0); p16(cd, 0); p16(cd, 0); p16(cd, 0x5021);
	p32(cd, crc); p32(cd, (uint32_t)len); p32(cd, (uint32_t)len); p16(cd, (unsigned)nl);
	p16(cd, 0); p16(cd, 0); p16(cd, 0); p16(cd, 0); p32(cd, 0); p32(cd, off);
	eseal_buf_put(cd, name, nl);
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ofd[] = "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>"
		"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml"
		"</ofd:Signatures></ofd:DocBody></ofd:OFD>";
	static const char *const names[] = { "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml",
					     "Doc_0/Signs/Signatures.xml", "Doc_0/Signs/Sign_0/Signature.xml" };
	eseal_buf z = ESEAL_BUF_INIT, cd = ESEAL_BUF_INIT;
	unsigned n = 0;
	add(&z, &cd, &n, "OFD.xml", (const uint8_t *)ofd, strlen(ofd));
	const uint8_t *p = data, *end = data + size;
	for (int i = 0; i < 4 && p <= end; i++) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), "\n----\n", 6);
		const uint8_t *e = sep ? sep : end;
		add(&z, &cd, &n, names[i], p, (size_t)(e - p));
		if (!sep)
			break;
		p = sep + 6;
	}
	add(&z, &cd, &n, "Doc_0/Signs/Sign_0/SignedValue.dat", (const uint8_t *)"\x30\x00", 2);
	uint32_t cd_off = (uint32_t)z.len;
	eseal_buf_put(&z, cd.data, cd.len);
	p32(&z, 0x06054b50); p16(&z, 0); p16(&z, 0); p16(&z, n); p16(&z, n);
	p32(&z, (uint32_t)cd.len); p32(&z, cd_off); p16(&z, 0);

	eseal_ofd *d;
	if (eseal_ofd_open_mem(&d, z.data, z.len) == 0) {
		for (size_t i = 0; i < eseal_ofd_sig_count(d); i++) {
			eseal_buf b = ESEAL_BUF_INIT;
			eseal_ofd_sig_value(d, i, &b);
			eseal_buf_free(&b);
		}
		eseal_text_doc *t;
		if (eseal_ofd_text(&t, d) == 0) {
			eseal_buf j = ESEAL_BUF_INIT;
			eseal_text_doc_json(t, 1, &j);
			eseal_buf_free(&j);
			eseal_text_doc_free(t);
		}
		eseal_ofd_free(d);
	}
	eseal_buf_free(&z);
	eseal_buf_free(&cd);
	return 0;
}
