// SPDX-License-Identifier: MIT
/*
 * sd_json.c - the JSON the client prints and the apply files it reads.
 * See sd_json.h. The parser takes RFC 8259 JSON whole (strings with their
 * escapes, any number, nesting to a fixed depth) and keeps only the members
 * apply needs; anything malformed is refused with where it is.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sd_json.h"

/* ---- output ----------------------------------------------------------------- */

void sd_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void sd_json_print(FILE *f, const struct sd_row *rows, size_t n)
{
	size_t i;

	fputs(n ? "[\n" : "[]\n", f);
	for (i = 0; i < n; i++) {
		const struct sd_row *r = &rows[i];

		fprintf(f, "  {\"pid\": %lu, \"tid\": %lu, \"priority\": %ld",
			(unsigned long)r->pid, (unsigned long)r->tid, (long)r->priority);
		if (r->changed) {
			if (r->has_old)
				fprintf(f, ", \"old\": %ld", (long)r->old);
			else
				fputs(", \"old\": null", f);
			if (r->has_error) {
				fprintf(f, ", \"error\": {\"code\": %lld, \"text\": ", r->error_code);
				sd_json_string(f, r->error_text ? r->error_text : "");
				fputc('}', f);
			} else {
				fputs(", \"error\": null", f);
			}
		}
		fputs(i + 1 < n ? "},\n" : "}\n", f);
	}
	if (n)
		fputs("]\n", f);
}

/* ---- input ------------------------------------------------------------------ */

enum { MAX_DEPTH = 64 };

struct cur {
	const char *start, *p, *end;
	char *why;
	size_t whylen;
	int failed;
};

static void fail(struct cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
}

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int peek(struct cur *c)
{
	ws(c);
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int eat(struct cur *c, char want)
{
	if (peek(c) != (unsigned char)want) {
		fail(c, "at byte %ld: expected '%c'", (long)(c->p - c->start), want);
		return -1;
	}
	c->p++;
	return 0;
}

static int literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n)) {
		fail(c, "at byte %ld: not a JSON value", (long)(c->p - c->start));
		return -1;
	}
	c->p += n;
	return 0;
}

static int hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* A string; its first keylen-1 bytes (unescaped ASCII) go to key, if given. */
static int string(struct cur *c, char *key, size_t keylen)
{
	size_t k = 0;

	if (eat(c, '"'))
		return -1;
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch < 0x20) {
			fail(c, "at byte %ld: a control character in a string",
			     (long)(c->p - c->start - 1));
			return -1;
		}
		if (ch == '\\') {
			if (c->p >= c->end)
				break;
			ch = (unsigned char)*c->p++;
			if (ch == 'u') {
				int i;

				for (i = 0; i < 4; i++) {
					if (c->p >= c->end || !hex(*c->p)) {
						fail(c, "at byte %ld: a bad \\u escape",
						     (long)(c->p - c->start));
						return -1;
					}
					c->p++;
				}
				ch = '?';
			} else if (!strchr("\"\\/bfnrt", ch)) {
				fail(c, "at byte %ld: a bad escape", (long)(c->p - c->start - 1));
				return -1;
			}
		}
		if (key && k + 1 < keylen)
			key[k++] = (char)ch;
	}
	if (key)
		key[k] = '\0';
	return eat(c, '"');
}

/* One digit or more, all taken; -1 (reported, as the number at start) if none. */
static int digit_run(struct cur *c, const char *start)
{
	if (c->p >= c->end || *c->p < '0' || *c->p > '9') {
		fail(c, "at byte %ld: a bad number", (long)(start - c->start));
		return -1;
	}
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return 0;
}

/* A number; *integer and *is_int say whether it is an integer that fits. */
static int number(struct cur *c, long long *integer, int *is_int)
{
	const char *s = c->p;
	int neg = 0, digits = 0, whole = 1;
	unsigned long long v = 0;

	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	if (c->p < c->end && *c->p == '0') {
		c->p++;
		digits = 1;
	} else {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (v > 922337203685477580ull)
				whole = 0;
			v = v * 10 + (unsigned long long)(*c->p++ - '0');
			digits++;
		}
	}
	if (!digits) {
		fail(c, "at byte %ld: not a JSON value", (long)(s - c->start));
		return -1;
	}
	if (c->p < c->end && *c->p == '.') {
		whole = 0;
		c->p++;
		if (digit_run(c, s))
			return -1;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		whole = 0;
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (digit_run(c, s))
			return -1;
	}
	if (whole && v > 9223372036854775807ull)
		whole = 0;
	*is_int = whole;
	*integer = whole ? (neg ? -(long long)v : (long long)v) : 0;
	return 0;
}

/* Any value, kept nowhere. */
static int skip(struct cur *c, int depth)
{
	long long n;
	int is_int, ch = peek(c);

	if (depth > MAX_DEPTH) {
		fail(c, "at byte %ld: nested too deep", (long)(c->p - c->start));
		return -1;
	}
	switch (ch) {
	case '"':
		return string(c, NULL, 0);
	case '{':
	case '[': {
		char close = ch == '{' ? '}' : ']';

		c->p++;
		if (peek(c) == close) {
			c->p++;
			return 0;
		}
		for (;;) {
			if (ch == '{' && (string(c, NULL, 0) || eat(c, ':')))
				return -1;
			if (skip(c, depth + 1))
				return -1;
			if (peek(c) == ',') {
				c->p++;
				continue;
			}
			return eat(c, close);
		}
	}
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	default:
		return number(c, &n, &is_int);
	}
}

/* One member value that must be an integer (or null, if nullable). */
enum { V_NULL, V_INT, V_OTHER };

static int value(struct cur *c, long long *v)
{
	int is_int;

	if (peek(c) == 'n') {
		if (literal(c, "null"))
			return -1;
		return V_NULL;
	}
	if (peek(c) == '-' || (peek(c) >= '0' && peek(c) <= '9')) {
		if (number(c, v, &is_int))
			return -1;
		return is_int ? V_INT : V_OTHER;
	}
	if (skip(c, 1))
		return -1;
	return V_OTHER;
}

int sd_json_parse_apply(const char *text, size_t len, enum sd_apply_field field,
			struct sd_apply_item **items, size_t *n, char *why, size_t whylen)
{
	const char *want = field == SD_APPLY_OLD ? "old" : "priority";
	struct cur c = { text, text, text + len, why, whylen, 0 };
	struct sd_apply_item *out = NULL;
	size_t count = 0, cap = 0, element = 0;

	*items = NULL;
	*n = 0;
	if (eat(&c, '['))
		goto bad;
	if (peek(&c) == ']') {
		c.p++;
		goto done;
	}
	for (;;) {
		int has_tid = 0, has_level = 0, has_error = 0, level_type = V_NULL;
		long long tid = 0, pid = 0, level = 0;

		element++;
		if (eat(&c, '{'))
			goto bad;
		if (peek(&c) != '}') {
			for (;;) {
				char key[16];
				long long v = 0;
				int t;

				if (string(&c, key, sizeof(key)) || eat(&c, ':'))
					goto bad;
				t = value(&c, &v);
				if (t < 0)
					goto bad;
				if (!strcmp(key, "tid")) {
					if (t != V_INT || v < 1 || v > 0xFFFFFFFFll) {
						fail(&c, "element %zu: \"tid\" must be an integer from 1 to 4294967295",
						     element);
						goto bad;
					}
					tid = v;
					has_tid = 1;
				} else if (!strcmp(key, "pid")) {
					if (t != V_INT || v < 0 || v > 0xFFFFFFFFll) {
						fail(&c, "element %zu: \"pid\" must be an integer from 0 to 4294967295",
						     element);
						goto bad;
					}
					pid = v;
				} else if (!strcmp(key, want)) {
					level_type = t;
					level = v;
					has_level = t != V_NULL;
				} else if (!strcmp(key, "error")) {
					has_error = t != V_NULL;
				}
				if (peek(&c) == ',') {
					c.p++;
					continue;
				}
				if (eat(&c, '}'))
					goto bad;
				break;
			}
		} else {
			c.p++;
		}

		/* --undo: an element that failed changed nothing to undo. */
		if (!(field == SD_APPLY_OLD && has_error)) {
			if (!has_tid) {
				fail(&c, "element %zu: no \"tid\"", element);
				goto bad;
			}
			if (!has_level) {
				fail(&c, "element %zu: no \"%s\"", element, want);
				goto bad;
			}
			if (level_type != V_INT || level < SD_PRIORITY_MIN || level > SD_PRIORITY_MAX) {
				fail(&c, "element %zu: \"%s\" must be an integer from %d to %d",
				     element, want, SD_PRIORITY_MIN, SD_PRIORITY_MAX);
				goto bad;
			}
			if (count == cap) {
				struct sd_apply_item *grown;

				cap = cap ? 2 * cap : 16;
				grown = realloc(out, cap * sizeof(*out));
				if (!grown) {
					fail(&c, "out of memory");
					goto bad;
				}
				out = grown;
			}
			out[count].pid = (sd_u32)pid;
			out[count].tid = (sd_u32)tid;
			out[count].level = (sd_s32)level;
			count++;
		}
		if (peek(&c) == ',') {
			c.p++;
			continue;
		}
		if (eat(&c, ']'))
			goto bad;
		break;
	}
done:
	if (peek(&c) != -1) {
		fail(&c, "at byte %ld: text after the array", (long)(c.p - c.start));
		goto bad;
	}
	*items = out;
	*n = count;
	return 0;
bad:
	free(out);
	return -1;
}
