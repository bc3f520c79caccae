/*
 * sample.h - small, real sample documents for the demo and for tests:
 * a multi-page contract between two organisations, as OFD and as PDF,
 * with a signature block naming each party.
 */
#ifndef ESEAL_SAMPLE_H
#define ESEAL_SAMPLE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct eseal_sample_opts {
	const char *title;      /* default 示例采购合同 */
	const char *party_a;    /* 甲方; default 示例科技有限公司 */
	const char *party_b;    /* 乙方; default 示例商贸有限公司 */
	int pages;              /* >= 1; default 3 */
	time_t date;            /* date printed in the signature block; 0 = now */
} eseal_sample_opts;

/* Writes the sample contract as an OFD package to path (atomically). The
 * fonts are referenced by name (宋体), not embedded. */
int eseal_sample_ofd(const char *path, const eseal_sample_opts *opts);
/* The same contract as a PDF (atomically): a non-embedded STSong-Light
 * Type0 font with /UniGB-UCS2-H, so the text extracts as Unicode. */
int eseal_sample_pdf(const char *path, const eseal_sample_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
