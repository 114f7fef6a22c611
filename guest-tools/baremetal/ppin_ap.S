/*
 * The AP's real-mode code for ppin.elf init=check (see ppin_ap.h).  The BSP copies it to
 * AP_TRAMP and sends INIT, then a SIPI with vector AP_TRAMP >> 12: the AP starts here in
 * real mode, CS = AP_TRAMP >> 4, IP = 0 (rdmsr and wrmsr work in real mode: CPL 0).
 * It reads PPIN_CTL; AP_WRITE then writes AP_WVAL and reads PPIN_CTL back, AP_READ reads
 * PPIN; it sets AP_STATUS last and halts until the next INIT.  A #GP comes through the
 * real-mode IVT, whose vector 13 the AP points at ap_gp first (the guest makes no BIOS
 * calls, so nothing else needs that entry): it sets AP_STATUS = AP_GP and halts.
 */
#include "ppin_ap.h"

	.section .rodata.ppin_ap, "a"	/* copied, not run in place */
	.code16
	.globl ppin_ap_start, ppin_ap_end
ppin_ap_start:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	xor	%ax, %ax
	mov	%ax, %es
	movw	$(ap_gp - ppin_ap_start), %es:(13 * 4)	/* IVT[13] = CS:ap_gp */
	mov	%cs, %es:(13 * 4 + 2)

	mov	AP_DATA + AP_CTL_MSR, %ecx
	rdmsr
	mov	%eax, AP_DATA + AP_CTL
	mov	%edx, AP_DATA + AP_CTL + 4
	cmpl	$AP_READ, AP_DATA + AP_MODE
	je	1f

	mov	AP_DATA + AP_WVAL, %eax		/* AP_WRITE */
	xor	%edx, %edx
	wrmsr
	rdmsr
	mov	%eax, AP_DATA + AP_CTL_AFTER
	mov	%edx, AP_DATA + AP_CTL_AFTER + 4
	jmp	2f

1:	mov	AP_DATA + AP_PPIN_MSR, %ecx	/* AP_READ */
	rdmsr
	mov	%eax, AP_DATA + AP_PPIN
	mov	%edx, AP_DATA + AP_PPIN + 4

2:	movl	$AP_DONE, AP_DATA + AP_STATUS
3:	hlt
	jmp	3b

ap_gp:	movl	$AP_GP, %cs:AP_DATA + AP_STATUS
	jmp	3b
ppin_ap_end:

	.section .note.GNU-stack, "", @progbits
