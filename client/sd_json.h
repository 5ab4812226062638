/* SPDX-License-Identifier: MIT */
/*
 * sd_json.h - the client's JSON: what `--json` prints, and the files
 * `apply` reads.
 *
 * Pure C, no OS calls: the native unit tests compile it as it is.
 *
 * Output: one array per command. A thread read is
 *   {"pid": N, "tid": N, "priority": N}
 * and a thread changed also has
 *   "old": N or null, "error": null or {"code": N, "text": "..."}
 * (the level before, and why the change failed).
 *
 * Input (apply): an array of objects. Each needs an integer "tid" and an
 * integer 1..31 in the field being applied ("priority", or "old" with
 * --undo); "pid", if present, is an integer that guards the thread id (0:
 * no guard). With --undo an element whose "error" is not null is skipped:
 * that change never happened. Other members are ignored.
 */
#ifndef SD_JSON_H
#define SD_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "seconddriver.h"

/* One line of a command's output. */
struct sd_row {
	sd_u32 pid, tid;
	sd_s32 priority;        /* the level read, or the level asked for */
	int changed;            /* a change: prints "old" and "error" */
	int has_old;            /* old is known */
	sd_s32 old;
	int has_error;          /* error_code and error_text say why */
	long long error_code;
	const char *error_text;
};

/* Print rows as one JSON array, and a newline. */
void sd_json_print(FILE *f, const struct sd_row *rows, size_t n);

/* Print s as a JSON string, quoted and escaped. */
void sd_json_string(FILE *f, const char *s);

/* One element of an apply file. */
struct sd_apply_item {
	sd_u32 pid;             /* 0: no guard */
	sd_u32 tid;
	sd_s32 level;           /* the field applied */
};

enum sd_apply_field { SD_APPLY_PRIORITY, SD_APPLY_OLD };

/*
 * Parse an apply file's text. On success returns 0 and sets *items (malloc'd;
 * the caller frees it) and *n. On error returns -1 and writes a one-line
 * reason, naming the element, to why.
 */
int sd_json_parse_apply(const char *text, size_t len, enum sd_apply_field field,
			struct sd_apply_item **items, size_t *n, char *why, size_t whylen);

#endif /* SD_JSON_H */
