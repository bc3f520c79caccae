/*
 * seal_package.h - the holder's seal package (seal_package.c).
 */
#ifndef ESEAL_SEAL_PACKAGE_H
#define ESEAL_SEAL_PACKAGE_H

#include "eseal/common.h"
#include "eseal/pki.h"

/* The SESeal DER into seal, the encrypted key's PEM block into key_pem
 * (decrypt with eseal_key_from_pem) and the seal certificate. */
int pkg_load(const char *path, eseal_buf *seal, eseal_buf *key_pem, eseal_cert **cert);

#endif
