/* String helpers and key=value parameters from the multiboot command line.
 * QEMU passes "<kernel file> <-append text>"; tokens without '=' are ignored. */
#include "bm.h"

#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_FLAG_CMDLINE (1u << 2)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

static char cmdline_buf[1024];

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void params_init(uint32_t mb_magic, const void *mb_info)
{
	const struct mb_info *mbi = mb_info;
	const char *src;
	size_t i;

	cmdline_buf[0] = '\0';
	if (mb_magic != MB_BOOT_MAGIC || !mbi || !(mbi->flags & MBI_FLAG_CMDLINE))
		return;
	src = (const char *)mbi->cmdline;
	for (i = 0; src[i] && i < sizeof(cmdline_buf) - 1; i++)
		cmdline_buf[i] = src[i];
	cmdline_buf[i] = '\0';
}

const char *cmdline(void)
{
	return cmdline_buf;
}

/* Find "key=" at the start of a token; returns the value and its length. */
static const char *find_param(const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = cmdline_buf;

	while (*p) {
		const char *tok;

		while (*p == ' ')
			p++;
		tok = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - tok) > klen && !strncmp(tok, key, klen) && tok[klen] == '=') {
			*len = p - tok - klen - 1;
			return tok + klen + 1;
		}
	}
	return NULL;
}

bool parse_u64(const char *s, size_t len, uint64_t *val)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	for (; len; len--, s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (~0ull - d) / base)
			return false;	/* overflow */
		v = v * base + d;
	}
	*val = v;
	return true;
}

bool param_str(const char *key, char *buf, size_t size)
{
	size_t len;
	const char *v = find_param(key, &len);

	if (!v)
		return false;
	if (len >= size)
		len = size - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return true;
}

bool param_u64(const char *key, uint64_t *val)
{
	size_t len;
	const char *v = find_param(key, &len);

	if (!v)
		return false;
	if (!parse_u64(v, len, val)) {
		char name[64];

		snprintf(name, sizeof(name), "param.%s", key);
		fatal(name, "malformed number in %s=", key);
	}
	return true;
}

static void __noreturn missing(const char *key)
{
	char name[64];

	snprintf(name, sizeof(name), "param.%s", key);
	fatal(name, "missing required parameter %s=", key);
}

uint64_t param_u64_required(const char *key)
{
	uint64_t v;

	if (!param_u64(key, &v))
		missing(key);
	return v;
}

void param_str_required(const char *key, char *buf, size_t size)
{
	if (!param_str(key, buf, size))
		missing(key);
}

int param_u64_list(const char *key, uint64_t *vals, int max)
{
	size_t len;
	const char *v = find_param(key, &len);
	const char *end;
	int n = 0;

	if (!v || !len)
		return 0;
	end = v + len;
	while (v < end) {
		const char *comma = v;

		while (comma < end && *comma != ',')
			comma++;
		if (n == max || !parse_u64(v, comma - v, &vals[n])) {
			char name[64];

			snprintf(name, sizeof(name), "param.%s", key);
			fatal(name, "malformed list (or more than %d values) in %s=", max, key);
		}
		n++;
		v = comma + 1;
	}
	return n;
}
