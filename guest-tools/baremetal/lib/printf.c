/* Minimal printf: %s %c %d %i %u %x %X %p with l/ll, '0' flag and field widths. */
#include "bm.h"

struct out {
	char *buf;	/* NULL: to the serial port */
	size_t size, len;
};

static void emit(struct out *o, char c)
{
	if (!o->buf)
		serial_putc(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void emit_num(struct out *o, uint64_t v, unsigned base, bool neg, int width,
		     char pad, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg && pad == '0')
		emit(o, '-');
	for (int w = n + neg; w < width; w++)
		emit(o, pad);
	if (neg && pad != '0')
		emit(o, '-');
	while (n)
		emit(o, tmp[--n]);
}

static int do_printf(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		char pad = ' ';
		int width = 0, lng = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			emit(o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) :
			    lng ? va_arg(ap, long) : va_arg(ap, int);
			emit_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, pad,
				 false);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			emit_num(o, u, *fmt == 'u' ? 10 : 16, false, width, pad, *fmt == 'X');
			break;
		case 'p':
			emit(o, '0');
			emit(o, 'x');
			emit_num(o, (uint32_t)va_arg(ap, void *), 16, false, 8, '0', false);
			break;
		case 'c':
			emit(o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int len;

			if (!str)
				str = "(null)";
			len = strlen(str);
			for (; len < width; width--)
				emit(o, ' ');
			while (*str)
				emit(o, *str++);
			break;
		}
		case '%':
			emit(o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			emit(o, '%');
			emit(o, *fmt);
			break;
		}
	}
	return o->len;
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { NULL, 0, 0 };

	return do_printf(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int n = do_printf(&o, fmt, ap);

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
