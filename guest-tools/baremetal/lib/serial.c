/* COM1 (0x3f8) 16550 UART: 115200 8N1, polled output and input. */
#include "bm.h"

#define COM1 0x3f8
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_DLL 0
#define UART_DLM 1
#define LSR_DR 0x01
#define LSR_THRE 0x20

void serial_init(void)
{
	outb(0x00, COM1 + UART_IER);	/* no interrupts: we poll */
	outb(0x80, COM1 + UART_LCR);	/* DLAB */
	outb(0x01, COM1 + UART_DLL);	/* 115200 */
	outb(0x00, COM1 + UART_DLM);
	outb(0x03, COM1 + UART_LCR);	/* 8N1 */
	outb(0x07, COM1 + UART_FCR);	/* enable and clear FIFOs */
	outb(0x03, COM1 + UART_MCR);	/* DTR, RTS */
}

/* "\n" goes out as is (no "\r"): the result lines are parsed byte-exactly. */
void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(c, COM1 + UART_THR);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

bool serial_rx_ready(void)
{
	return inb(COM1 + UART_LSR) & LSR_DR;
}

int serial_getc(void)
{
	while (!serial_rx_ready())
		asm volatile("pause");
	return inb(COM1 + UART_RBR);
}

void serial_drain(void)
{
	while (serial_rx_ready())
		inb(COM1 + UART_RBR);
}
