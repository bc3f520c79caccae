/*
 * xml.c - safe XML parsing for OFD files and namespace-agnostic lookups.
 *
 * Vendors write "ofd:" prefixes, a default namespace, or the old
 * http://www.ofdspec.org namespace without "/2016", so elements are found by
 * local name only. Parsing never loads a DTD, never substitutes entities and
 * never touches the network; a DOCTYPE is refused outright, since no OFD file
 * needs one and every XML entity attack starts with one.
 */
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>

#include "ofd/ofd_internal.h"

/* A DOCTYPE seen by the parser, in whatever encoding the file uses: stop
 * before any declaration in it is processed. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
	xmlParserCtxtPtr c = ctx;
	c->_private = (void *)1;
	xmlStopParser(c);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libxml2 must be initialised once before threads parse concurrently. */
static void init_libxml(void)
{
	xmlInitParser();
}

int ofd_xml_parse(xmlDocPtr *out, const uint8_t *data, size_t len, const char *what)
{
	*out = NULL;
	pthread_once(&init_once, init_libxml);
	if (len > ESEAL_OFD_MAX_XML)
		return eseal_error_set(ESEAL_ELIMIT, "%s: XML file too large", what);
	if (len > INT32_MAX)
		return eseal_error_set(ESEAL_ELIMIT, "%s: XML file too large", what);
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!ctx)
		return eseal_error_set(ESEAL_ENOMEM, "out of memory");
	ctx->sax->internalSubset = on_doctype;
	ctx->_private = NULL;
	/* No NOENT (entities stay unexpanded), no DTDLOAD, no network. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	xmlDocPtr doc = xmlCtxtReadMemory(ctx, (const char *)data, (int)len, NULL, NULL, opts);
	if (ctx->_private) {
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return eseal_error_set(ESEAL_EFORMAT, "%s: XML with a DOCTYPE is refused (OFD does not "
				       "use one; entity and DTD attacks start there)", what);
	}
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		char msg[200] = "malformed";
		if (e && e->message) {
			snprintf(msg, sizeof msg, "%s", e->message);
			size_t n = strlen(msg);
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = 0;
		}
		int line = e ? e->line : 0;
		xmlFreeParserCtxt(ctx);
		return eseal_error_set(ESEAL_EFORMAT, "%s: XML error at line %d: %s", what, line, msg);
	}
	xmlFreeParserCtxt(ctx);
	if (doc->intSubset || doc->extSubset) {
		xmlFreeDoc(doc);
		return eseal_error_set(ESEAL_EFORMAT, "%s: XML with a DOCTYPE is refused", what);
	}
	if (!xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return eseal_error_set(ESEAL_EFORMAT, "%s: XML has no root element", what);
	}
	*out = doc;
	return 0;
}

int ofd_xml_read(xmlDocPtr *out, const eseal_ofd *d, const char *path)
{
	eseal_buf b = ESEAL_BUF_INIT;
	int rc = eseal_ofd_read(d, path, ESEAL_OFD_MAX_XML, &b);
	if (rc == 0)
		rc = ofd_xml_parse(out, b.data ? b.data : (const uint8_t *)"", b.len, path);
	eseal_buf_free(&b);
	return rc;
}

int ofd_xml_is(xmlNodePtr n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

xmlNodePtr ofd_xml_child(xmlNodePtr parent, const char *local)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (ofd_xml_is(c, local))
			return c;
	return NULL;
}

xmlNodePtr ofd_xml_next(xmlNodePtr n, const char *local)
{
	for (n = n ? n->next : NULL; n; n = n->next)
		if (ofd_xml_is(n, local))
			return n;
	return NULL;
}

char *ofd_xml_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n ? n->properties : NULL; a; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		char *s = strdup(v ? (const char *)v : "");
		xmlFree(v);
		return s;
	}
	return NULL;
}

char *ofd_xml_text(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = strdup(v ? (const char *)v : "");
	xmlFree(v);
	return s;
}

char *ofd_xml_child_text(xmlNodePtr parent, const char *local)
{
	xmlNodePtr c = ofd_xml_child(parent, local);
	if (!c)
		return NULL;
	char *s = ofd_xml_text(c);
	if (!s)
		return NULL;
	size_t a = strspn(s, " \t\r\n"), n = strlen(s);
	while (n > a && strchr(" \t\r\n", s[n - 1]))
		n--;
	memmove(s, s + a, n - a);
	s[n - a] = 0;
	return s;
}
