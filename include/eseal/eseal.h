/*
 * eseal.h - the umbrella header of libeseal.
 */
#ifndef ESEAL_H
#define ESEAL_H

#include "common.h"
#include "crypto.h"
#include "asn1.h"
#include "pki.h"
#include "picture.h"
#include "report.h"
#include "ses.h"
#include "text.h"
#include "ofd.h"
#include "ofdsign.h"
#include "pdf.h"
#include "sample.h"
#include "cms.h"
#include "pdfsign.h"
#include "pdfverify.h"
#include "place.h"
#include "status.h"
#include "tsa.h"
#include "net.h"
#include "audit.h"
#include "store.h"
#include "server.h"
#include "render.h"

#endif
