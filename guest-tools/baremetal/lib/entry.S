/*
 * Multiboot entry: QEMU's -kernel loader enters here in 32-bit protected mode with
 * EAX = 0x2BADB002 and EBX = the multiboot information.  Load our own flat GDT and the
 * exception IDT, then call main(cmdline) via bm_start().
 */
#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000000

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text.entry, "ax"
	.globl _start
	.code32
_start:
	cli
	cld
	mov $stack_top, %esp
	mov %eax, %esi			/* multiboot magic */
	mov %ebx, %edi			/* multiboot info */
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	push %edi
	push %esi
	call bm_start			/* does not return */
2:	hlt
	jmp 2b

	.section .rodata
	.balign 8
gdt:
	.quad 0				/* null */
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code, ring 0 */
	.quad 0x00cf92000000ffff	/* 0x10: flat 32-bit data, ring 0 */
gdt_end:
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

/*
 * Exception stubs: push a dummy error code when the CPU does not, the vector, the
 * general registers, and call exception_handler(struct ex_regs *); it may change the
 * saved EIP to a recovery point.
 */
	.text
.macro EXC vec, has_err
	.globl exc_stub_\vec
exc_stub_\vec:
	.if \has_err == 0
	push $0
	.endif
	push $\vec
	jmp exc_common
.endm

	EXC 0, 0
	EXC 1, 0
	EXC 2, 0
	EXC 3, 0
	EXC 4, 0
	EXC 5, 0
	EXC 6, 0
	EXC 7, 0
	EXC 8, 1
	EXC 9, 0
	EXC 10, 1
	EXC 11, 1
	EXC 12, 1
	EXC 13, 1
	EXC 14, 1
	EXC 15, 0
	EXC 16, 0
	EXC 17, 1
	EXC 18, 0
	EXC 19, 0
	EXC 20, 0
	EXC 21, 1
	EXC 22, 0
	EXC 23, 0
	EXC 24, 0
	EXC 25, 0
	EXC 26, 0
	EXC 27, 0
	EXC 28, 0
	EXC 29, 1
	EXC 30, 1
	EXC 31, 0

exc_common:
	pusha
	mov %esp, %eax
	push %eax
	call exception_handler
	add $4, %esp
	popa
	add $8, %esp			/* vector, error code */
	/*
	 * Same-privilege return without iret: [esp] = eip, cs, eflags.  The KVM on the
	 * project's machines (kvm-pvm) cannot emulate iret for this guest ("INTERNAL_ERROR
	 * in batch emul" at the iret); popf + ret is equivalent at ring 0 with no stack
	 * switch.  Reorder to [esp] = eflags, eip.
	 */
	push %eax
	mov 4(%esp), %eax		/* eip */
	xchg %eax, 12(%esp)		/* eflags slot <- eip, eax <- eflags */
	mov %eax, 8(%esp)		/* cs slot <- eflags */
	pop %eax
	add $4, %esp
	popf
	ret

	.section .rodata
	.balign 4
	.globl exc_stubs
exc_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long exc_stub_\n
	.endr

	.section .note.GNU-stack, "", @progbits

	.bss
	.balign 16
stack:
	.skip 16384
stack_top:
