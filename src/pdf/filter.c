/*
 * filter.c - stream decoding: FlateDecode (with PNG and TIFF predictors),
 * LZWDecode, ASCIIHexDecode, ASCII85Decode, RunLengthDecode.
 *
 * Every decoder stops at a caller-given output limit (decompression bombs
 * are an error, ESEAL_ELIMIT); image codecs (DCT, JPX, CCITT, JBIG2) are
 * refused by name rather than passed through silently.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pdf_internal.h"

static int too_big(size_t max)
{
	return eseal_error_set(ESEAL_ELIMIT, "stream decodes to more than %zu bytes", max);
}

static int flate(const uint8_t *in, size_t n, size_t max, eseal_buf *out)
{
	z_stream z;
	uint8_t tmp[16384];
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK) /* zlib or gzip header */
		return eseal_error_set(ESEAL_ENOMEM, "zlib init failed");
	z.next_in = (Bytef *)in;
	int rc = Z_OK, raw_tried = 0;
	size_t consumed = 0;
	while (consumed < n || rc == Z_OK) {
		size_t chunk = n - consumed > (1u << 30) ? (1u << 30) : n - consumed;
		z.next_in = (Bytef *)in + consumed;
		z.avail_in = (uInt)chunk;
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		rc = inflate(&z, Z_NO_FLUSH);
		consumed = (size_t)(z.next_in - in);
		size_t got = sizeof tmp - z.avail_out;
		if (got) {
			if (out->len + got > max) {
				inflateEnd(&z);
				return too_big(max);
			}
			if (eseal_buf_put(out, tmp, got)) {
				inflateEnd(&z);
				return ESEAL_ENOMEM;
			}
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc == Z_DATA_ERROR && out->len == 0 && !raw_tried) {
			/* some writers omit the zlib header: retry as raw deflate */
			raw_tried = 1;
			inflateEnd(&z);
			memset(&z, 0, sizeof z);
			if (inflateInit2(&z, -15) != Z_OK)
				return eseal_error_set(ESEAL_ENOMEM, "zlib init failed");
			consumed = 0;
			rc = Z_OK;
			continue;
		}
		if (rc == Z_BUF_ERROR && consumed >= n && got == 0)
			break; /* truncated input: keep what we have */
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			inflateEnd(&z);
			if (out->len)
				return 0; /* corrupt tail: readers keep the decoded part */
			return eseal_error_set(ESEAL_EFORMAT, "corrupt FlateDecode data");
		}
	}
	inflateEnd(&z);
	return 0;
}

static int param_int(const eseal_pdf_val *parms, const char *key, int def)
{
	const eseal_pdf_val *v = pdf_dict_get(parms, key);
	if (v && v->type == ESEAL_PDF_INT && v->u.i >= 0 && v->u.i < 1000000)
		return (int)v->u.i;
	return def;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static int predict(const eseal_pdf_val *parms, eseal_buf *io)
{
	int pred = param_int(parms, "Predictor", 1);
	if (pred <= 1)
		return 0;
	int colors = param_int(parms, "Colors", 1), bpc = param_int(parms, "BitsPerComponent", 8);
	int cols = param_int(parms, "Columns", 1);
	if (colors < 1 || colors > 32 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) || cols < 1)
		return eseal_error_set(ESEAL_EFORMAT, "bad predictor parameters");
	size_t rowlen = ((size_t)colors * bpc * cols + 7) / 8;
	size_t bpp = (size_t)colors * bpc / 8;
	if (!bpp)
		bpp = 1;
	if (pred == 2) {
		if (bpc != 8)
			return eseal_error_set(ESEAL_EUNSUPPORTED, "TIFF predictor with %d bits per component", bpc);
		for (size_t r = 0; r + rowlen <= io->len; r += rowlen)
			for (size_t i = bpp; i < rowlen; i++)
				io->data[r + i] = (uint8_t)(io->data[r + i] + io->data[r + i - bpp]);
		return 0;
	}
	/* PNG: each row starts with its filter type byte */
	uint8_t *prev = calloc(rowlen, 1);
	size_t o = 0;
	if (!prev)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	for (size_t r = 0; r < io->len; r += rowlen + 1) {
		int ft = io->data[r];
		size_t n = io->len - r - 1 < rowlen ? io->len - r - 1 : rowlen;
		uint8_t *row = io->data + r + 1;
		for (size_t i = 0; i < n; i++) {
			int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
			int x = row[i];
			switch (ft) {
			case 1: x += a; break;
			case 2: x += b; break;
			case 3: x += (a + b) / 2; break;
			case 4: x += paeth(a, b, c); break;
			default: break;
			}
			row[i] = (uint8_t)x;
		}
		memcpy(prev, row, n);
		memmove(io->data + o, row, n);
		o += n;
	}
	free(prev);
	io->len = o;
	return 0;
}

static int ahx(const uint8_t *in, size_t n, size_t max, eseal_buf *out)
{
	int hi = -1;
	for (size_t i = 0; i < n && in[i] != '>'; i++) {
		int c = in[i], v;
		if (c >= '0' && c <= '9') v = c - '0';
		else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
		else if (pdf_is_space((uint8_t)c)) continue;
		else return eseal_error_set(ESEAL_EFORMAT, "bad ASCIIHexDecode data");
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (out->len >= max)
			return too_big(max);
		if (eseal_buf_putc(out, (uint8_t)(hi << 4 | v)))
			return ESEAL_ENOMEM;
		hi = -1;
	}
	if (hi >= 0 && eseal_buf_putc(out, (uint8_t)(hi << 4)))
		return ESEAL_ENOMEM;
	return 0;
}

static int a85(const uint8_t *in, size_t n, size_t max, eseal_buf *out)
{
	uint32_t v = 0;
	int k = 0;
	size_t i = 0;
	if (n >= 2 && in[0] == '<' && in[1] == '~')
		i = 2;
	for (; i < n; i++) {
		uint8_t c = in[i];
		if (c == '~')
			break;
		if (pdf_is_space(c))
			continue;
		if (c == 'z' && k == 0) {
			if (out->len + 4 > max)
				return too_big(max);
			if (eseal_buf_put(out, "\0\0\0\0", 4))
				return ESEAL_ENOMEM;
			continue;
		}
		if (c < '!' || c > 'u')
			return eseal_error_set(ESEAL_EFORMAT, "bad ASCII85Decode data");
		v = v * 85 + (c - '!');
		if (++k == 5) {
			uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
			if (out->len + 4 > max)
				return too_big(max);
			if (eseal_buf_put(out, b, 4))
				return ESEAL_ENOMEM;
			v = 0;
			k = 0;
		}
	}
	if (k > 1) {
		int pad = 5 - k;
		for (int j = 0; j < pad; j++)
			v = v * 85 + 84;
		uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
		if (eseal_buf_put(out, b, (size_t)(k - 1)))
			return ESEAL_ENOMEM;
	}
	return 0;
}

static int rle(const uint8_t *in, size_t n, size_t max, eseal_buf *out)
{
	size_t i = 0;
	while (i < n) {
		int l = in[i++];
		if (l == 128)
			break;
		if (l < 128) {
			size_t c = (size_t)l + 1;
			if (c > n - i)
				c = n - i;
			if (out->len + c > max)
				return too_big(max);
			if (eseal_buf_put(out, in + i, c))
				return ESEAL_ENOMEM;
			i += c;
		} else {
			if (i >= n)
				break;
			size_t c = 257 - (size_t)l;
			if (out->len + c > max)
				return too_big(max);
			if (eseal_buf_reserve(out, c))
				return ESEAL_ENOMEM;
			memset(out->data + out->len, in[i++], c);
			out->len += c;
		}
	}
	return 0;
}

static int lzw(const uint8_t *in, size_t n, size_t max, int early, eseal_buf *out)
{
	/* dictionary as (prefix, last byte, length) triples */
	static const int MAXC = 4096;
	uint16_t *prefix = malloc(MAXC * sizeof *prefix);
	uint8_t *suffix = malloc(MAXC), *stack = malloc(MAXC);
	uint16_t *length = malloc(MAXC * sizeof *length);
	int rc = 0;
	if (!prefix || !suffix || !stack || !length) {
		rc = eseal_error_set(ESEAL_ENOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < 256; i++) {
		prefix[i] = 0xFFFF;
		suffix[i] = (uint8_t)i;
		length[i] = 1;
	}
	int next = 258, width = 9, old = -1;
	uint32_t bits = 0;
	int nbits = 0;
	size_t i = 0;
	for (;;) {
		while (nbits < width && i < n) {
			bits = bits << 8 | in[i++];
			nbits += 8;
		}
		if (nbits < width)
			break;
		int code = (int)(bits >> (nbits - width)) & ((1 << width) - 1);
		nbits -= width;
		if (code == 256) {
			next = 258;
			width = 9;
			old = -1;
			continue;
		}
		if (code == 257)
			break;
		int cur = code;
		uint8_t firstc;
		if (code >= next) {
			if (old < 0 || code > next) {
				rc = eseal_error_set(ESEAL_EFORMAT, "corrupt LZWDecode data");
				goto done;
			}
			cur = old; /* KwKwK case */
		}
		/* unwind cur onto the stack */
		int sp = 0, c = cur;
		while (c != 0xFFFF && sp < MAXC) {
			stack[sp++] = suffix[c];
			c = prefix[c];
		}
		firstc = stack[sp - 1];
		if (out->len + (size_t)sp + 1 > max) {
			rc = too_big(max);
			goto done;
		}
		while (sp > 0)
			if (eseal_buf_putc(out, stack[--sp])) {
				rc = ESEAL_ENOMEM;
				goto done;
			}
		if (code >= next && eseal_buf_putc(out, firstc)) {
			rc = ESEAL_ENOMEM;
			goto done;
		}
		if (old >= 0 && next < MAXC) {
			prefix[next] = (uint16_t)old;
			suffix[next] = firstc;
			length[next] = (uint16_t)(length[old] + 1);
			next++;
		}
		old = code;
		if (next + early >= (1 << width) && width < 12)
			width++;
	}
done:
	free(prefix);
	free(suffix);
	free(stack);
	free(length);
	return rc;
}

int pdf_filter_apply(const char *name, const eseal_pdf_val *parms, const uint8_t *in, size_t n,
		     size_t max, eseal_buf *out)
{
	int rc;
	if (!strcmp(name, "FlateDecode") || !strcmp(name, "Fl")) {
		if ((rc = flate(in, n, max, out)))
			return rc;
		return predict(parms, out);
	}
	if (!strcmp(name, "LZWDecode") || !strcmp(name, "LZW")) {
		if ((rc = lzw(in, n, max, param_int(parms, "EarlyChange", 1) ? 1 : 0, out)))
			return rc;
		return predict(parms, out);
	}
	if (!strcmp(name, "ASCIIHexDecode") || !strcmp(name, "AHx"))
		return ahx(in, n, max, out);
	if (!strcmp(name, "ASCII85Decode") || !strcmp(name, "A85"))
		return a85(in, n, max, out);
	if (!strcmp(name, "RunLengthDecode") || !strcmp(name, "RL"))
		return rle(in, n, max, out);
	if (!strcmp(name, "Crypt"))
		return eseal_buf_put(out, in, n);
	return eseal_error_set(ESEAL_EUNSUPPORTED, "stream filter /%s not supported", name);
}

int pdf_stream_raw(eseal_pdf *pdf, const eseal_pdf_val *st, const uint8_t **p, size_t *n)
{
	if (!st || st->type != ESEAL_PDF_STREAM)
		return eseal_error_set(ESEAL_EINVAL, "not a stream");
	*p = st->u.st.base + st->u.st.off;
	*n = st->u.st.len;
	return 0;
}

/* Does the stream carry its own /Crypt filter (e.g. /Identity)? */
static int has_crypt_filter(const eseal_pdf_val *filters)
{
	if (pdf_is_name(filters, "Crypt"))
		return 1;
	if (filters && filters->type == ESEAL_PDF_ARRAY)
		for (size_t i = 0; i < filters->u.a.n; i++)
			if (pdf_is_name(filters->u.a.v[i], "Crypt"))
				return 1;
	return 0;
}

int pdf_decode_stream(eseal_pdf *pdf, const eseal_pdf_val *st, size_t max, eseal_buf *out)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	int rc;
	if ((rc = pdf_stream_raw(pdf, st, &p, &n)))
		return rc;
	if (!max)
		max = pdf->max_stream;
	const eseal_pdf_val *filters = pdf_resolve(pdf, pdf_dict_get(st, "Filter"));
	const eseal_pdf_val *parms = pdf_resolve(pdf, pdf_dict_get(st, "DecodeParms"));
	eseal_buf a = ESEAL_BUF_INIT, b = ESEAL_BUF_INIT;
	const uint8_t *cur = p;
	size_t curn = n;

	if (pdf->crypt.ok && st->u.st.num != pdf->crypt.dict_num &&
	    !pdf_is_name(pdf_dict_get(st, "Type"), "XRef") && !has_crypt_filter(filters) &&
	    !(pdf_is_name(pdf_dict_get(st, "Type"), "Metadata") && !pdf->crypt.encrypt_metadata)) {
		if ((rc = pdf_crypt_decrypt(&pdf->crypt, 0, st->u.st.num, st->u.st.gen, p, n, &a)))
			goto fail;
		cur = a.data;
		curn = a.len;
	}
	size_t nf = filters->type == ESEAL_PDF_ARRAY ? filters->u.a.n : filters->type == ESEAL_PDF_NAME ? 1 : 0;
	if (nf > 8) {
		rc = eseal_error_set(ESEAL_ELIMIT, "stream has %zu filters", nf);
		goto fail;
	}
	for (size_t i = 0; i < nf; i++) {
		const eseal_pdf_val *f = filters->type == ESEAL_PDF_ARRAY ? pdf_resolve(pdf, filters->u.a.v[i]) : filters;
		const eseal_pdf_val *pa = parms->type == ESEAL_PDF_ARRAY ? pdf_resolve(pdf, eseal_pdf_val_at(parms, i))
									 : parms;
		if (f->type != ESEAL_PDF_NAME) {
			rc = eseal_error_set(ESEAL_EFORMAT, "bad /Filter entry");
			goto fail;
		}
		eseal_buf *dst = cur == b.data && b.data ? &a : &b;
		eseal_buf_clear(dst);
		if ((rc = pdf_filter_apply((const char *)f->u.s.p, pa, cur ? cur : (const uint8_t *)"", curn, max, dst)))
			goto fail;
		cur = dst->data;
		curn = dst->len;
	}
	rc = eseal_buf_put(out, cur ? cur : (const uint8_t *)"", curn);
fail:
	eseal_buf_free(&a);
	eseal_buf_free(&b);
	return rc;
}

int eseal_pdf_stream_decode(eseal_pdf *pdf, const eseal_pdf_val *stream, eseal_buf *out)
{
	stream = pdf_resolve(pdf, stream);
	if (stream->type != ESEAL_PDF_STREAM)
		return eseal_error_set(ESEAL_EINVAL, "not a stream");
	return pdf_decode_stream(pdf, stream, pdf->max_stream, out);
}
