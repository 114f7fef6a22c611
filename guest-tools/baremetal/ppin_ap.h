/*
 * The AP's part of ppin.elf init=check: ppin_ap.S is 16-bit real-mode code that the BSP
 * copies to AP_TRAMP and starts the AP in with INIT-SIPI; it exchanges data with the BSP
 * through the block at AP_TRAMP + AP_DATA.  Included by ppin.c and by ppin_ap.S.
 *
 * AP_TRAMP 0x8000 (SIPI vector 0x08: CS = 0x0800, IP = 0): above the IVT, the BDA and the
 * boot sector at 0x7c00, below the multiboot information QEMU puts at 0x9000 (e820 map and
 * mbi, up to about 0x9600), far from the EBDA (0x9fc00) and the guest's image and stack
 * (linked at 1 MiB).  The code and the data block share this one 4 KiB page.
 */
#ifndef PPIN_AP_H
#define PPIN_AP_H

#define AP_TRAMP	0x8000
#define AP_DATA		0x800		/* the data block, CS-relative */

/* the data block: in = set by the BSP, out = set by the AP */
#define AP_MODE		0x00	/* in: AP_WRITE or AP_READ */
#define AP_CTL_MSR	0x04	/* in: PPIN_CTL */
#define AP_PPIN_MSR	0x08	/* in: PPIN */
#define AP_WVAL		0x0c	/* in: AP_WRITE: the value written to PPIN_CTL */
#define AP_STATUS	0x10	/* out: 0 until the AP is done, then AP_DONE or AP_GP */
#define AP_CTL		0x18	/* out: PPIN_CTL when the AP starts */
#define AP_CTL_AFTER	0x20	/* out: AP_WRITE: PPIN_CTL read back after the write */
#define AP_PPIN		0x28	/* out: AP_READ: PPIN */

#define AP_WRITE	1	/* read PPIN_CTL, write AP_WVAL to it, read it back */
#define AP_READ		2	/* read PPIN_CTL, then PPIN */

#define AP_DONE		1
#define AP_GP		2	/* a #GP stopped the AP: the outputs after it are not set */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct ap_data {
	uint32_t mode, ctl_msr, ppin_msr, wval, status, pad;
	uint64_t ctl, ctl_after, ppin;
};

_Static_assert(offsetof(struct ap_data, wval) == AP_WVAL, "AP_WVAL");
_Static_assert(offsetof(struct ap_data, status) == AP_STATUS, "AP_STATUS");
_Static_assert(offsetof(struct ap_data, ctl) == AP_CTL, "AP_CTL");
_Static_assert(offsetof(struct ap_data, ctl_after) == AP_CTL_AFTER, "AP_CTL_AFTER");
_Static_assert(offsetof(struct ap_data, ppin) == AP_PPIN, "AP_PPIN");

extern const char ppin_ap_start[], ppin_ap_end[];
#endif

#endif
