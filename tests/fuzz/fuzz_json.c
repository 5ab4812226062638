// SPDX-License-Identifier: MIT
/*
 * fuzz_json.c - libFuzzer target: the client's parser of apply files
 * (client/sd_json.c), which reads whatever file a user names.
 *
 * Each input is parsed for apply and for apply --undo. Checks, aborting (a
 * libFuzzer crash) if not: a parse either succeeds with every element's tid
 * in 1..2^32-1 and its level in 1..31, or fails with a reason; ASan and
 * UBSan watch every byte read and every allocation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sd_apply_field fields[] = { SD_APPLY_PRIORITY, SD_APPLY_OLD };
	char *text = malloc(size ? size : 1);	/* exactly the input: no terminator */
	size_t f, i, n;

	if (!text)
		abort();
	memcpy(text, data, size);
	for (f = 0; f < 2; f++) {
		struct sd_apply_item *items;
		char why[128] = "";

		if (sd_json_parse_apply(text, size, fields[f], &items, &n, why, sizeof(why))) {
			if (!why[0] || items || n)
				abort();	/* a failure must say why, and return nothing */
			continue;
		}
		for (i = 0; i < n; i++) {
			if (items[i].tid == 0 || items[i].level < SD_PRIORITY_MIN ||
			    items[i].level > SD_PRIORITY_MAX)
				abort();
		}
		free(items);
	}
	free(text);
	return 0;
}
