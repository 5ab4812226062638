// SPDX-License-Identifier: MIT
/*
 * sd_stress.c - the Linux twin under load, run as root inside the QEMU VM
 * (tests/vm/init.sh's stress modes; tests/vm/stress.sh boots the VM).
 *
 *   sd_stress storm [N [THREADS]]   N random requests (default 1,000,000)
 *                                   over THREADS threads (default 8), with
 *                                   fd churn and short-lived target threads
 *                                   racing them; then a slab leak check
 *   sd_stress churn CYCLES [KO]     CYCLES finit_module/delete_module cycles
 *                                   of KO (default /sd/seconddriver.ko) while
 *                                   a 64-bit and an i386 opener race rmmod
 *   sd_stress after                 levels 1..31 on a fresh thread, and
 *                                   kthreadd (pid 2) refused at its own
 *                                   level 8
 *   sd_stress race ITERS            two SETs of one thread at once, ITERS
 *                                   times: each must end at one of them
 *   sd_stress opener SHM SLOT       (internal) one opener of churn
 *
 * The i386 build (sd_stress32) runs the same storm through compat_ioctl.
 *
 * THE THREAD-ID RULE. A request that could change a thread (the exact SET
 * code, a readable buffer and a valid level 1..31) names only a thread this
 * program created: a blocked pool target, a storm thread (levels 1..15 only:
 * storm threads never block, and one at SCHED_RR would starve a CPU) or a
 * short-lived thread of the churn thread. Any other id (random, 0, 1, 2, ...)
 * travels only with a level outside 1..31, which the module refuses before
 * it looks the id up. An exited short-lived thread's id stays ours: ids are
 * handed out cyclically (idr_alloc_cyclic) and pid_max is raised to its
 * limit, so an id comes back only after a wrap, which the short-lived
 * threads watch for (a wrap is a FAIL).
 *
 * Prints "PASS name" / "FAIL name: why" and ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "seconddriver.h"
#include "sd_target.h"
#include "sd_vmlib.h"

#define SET_CODE ((unsigned long)SD_LINUX_IOCTL_SET_PRIORITY)
#define MODNAME "seconddriver"
/* Storm threads and openers never block: levels 1..15 (SCHED_OTHER) only. */
#define STORM_MAX_LEVEL 15

static long page;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: one state per thread. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)((rng(s) >> 11) % n);
}

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

/* --- result table ----------------------------------------------------------- */

enum { E_OK, E_FAULT, E_INVAL, E_SRCH, E_NOTTY, E_BADF, E_NOENT, E_OTHER, E_N };
static const char *const ecol_name[E_N] = {
	"0", "EFAULT", "EINVAL", "ESRCH", "ENOTTY", "EBADF", "ENOENT", "other"
};
#define A(x) (1u << (x))

static int ecol(int e)
{
	switch (e) {
	case 0: return E_OK;
	case EFAULT: return E_FAULT;
	case EINVAL: return E_INVAL;
	case ESRCH: return E_SRCH;
	case ENOTTY: return E_NOTTY;
	case EBADF: return E_BADF;
	case ENOENT: return E_NOENT;
	default: return E_OTHER;
	}
}

/* What was sent. Each class has the errnos docs/SPEC.md 9.4 allows for it. */
enum {
	C_SET_TARGET,	/* SET, valid level, a blocked pool target: 0 */
	C_SET_STORM,	/* SET, level 1..15, a storm thread: 0 */
	C_SET_SHORT,	/* SET, valid level, a short-lived thread: 0 or ESRCH */
	C_SET_BADLEVEL,	/* SET, level outside 1..31, any id: EINVAL */
	C_SET_BADPTR,	/* SET, an unreadable buffer: EFAULT */
	C_NEIGHBOUR,	/* SET's nr with another size/dir, nr+-1, another magic,
			   the Windows code: ENOTTY */
	C_RANDOM,	/* a random 32-bit command: ENOTTY */
	C_FIGETBSZ,	/* the generic path's FIGETBSZ: 0 or EFAULT (put_user) */
	C_FIONREAD,	/* FIONREAD/FIOQSIZE: the generic path, then ENOTTY */
	C_GET,		/* GET, a writable buffer, any id: 0 or ESRCH */
	C_SETEX,	/* SET_EX, valid level, a pool or storm thread: 0 */
	C_SETEX_SHORT,	/* SET_EX, valid level, a short-lived thread: 0 or ESRCH */
	C_SETEX_BAD,	/* SET_EX, a bad level (any id) or an unknown flag: EINVAL */
	C_BATCH,	/* BATCH of 1..16 entries under the rule: 0, each entry checked */
	C_BATCH_BAD,	/* BATCH with a bad header: EINVAL */
	C_EXT_BADPTR,	/* GET/SET_EX/BATCH, an unreadable argument or array: EFAULT */
	C_LOG,		/* GET_LOG from anywhere into any room (its answer checked),
			   CLEAR_LOG or GET_INFO: 0 */
	C_LEASE,	/* BOOST of a pool target, detached for 1..20 ms: 0;
			   END_LEASE of this thread's last lease: 0 or ENOENT;
			   LIST_LEASES: 0 */
	C_N
};
static const char *const class_name[C_N] = {
	"set:target", "set:storm-thread", "set:short-lived", "set:bad-level",
	"set:bad-pointer", "neighbour", "random", "generic:FIGETBSZ",
	"generic:FIONREAD/FIOQSIZE", "get", "set_ex:own", "set_ex:short-lived", "set_ex:refused",
	"batch", "batch:bad-header", "ext:bad-pointer", "log:get/clear, info", "lease"
};
static const unsigned class_allowed[C_N] = {
	A(E_OK), A(E_OK), A(E_OK) | A(E_SRCH), A(E_INVAL), A(E_FAULT),
	A(E_NOTTY), A(E_NOTTY), 0 /* per pointer */, A(E_NOTTY),
	A(E_OK) | A(E_SRCH), A(E_OK), A(E_OK) | A(E_SRCH), A(E_INVAL),
	A(E_OK), A(E_INVAL), A(E_FAULT), A(E_OK), A(E_OK) | A(E_NOENT)
};

enum { F_MAIN, F_CHURN, F_BAD, F_N };
static const char *const fd_name[F_N] = { "main fd", "churn fd", "bad fd" };

/* Argument pointers. */
enum {
	P_BUF, P_BUF_UNALIGNED, P_RO, P_RO_UNALIGNED,	/* readable */
	P_NULL, P_ONE, P_HOLE, P_NOACCESS, P_STRADDLE,	/* not readable */
	P_KERNEL, P_NONCANON, P_TOP32,
	P_GARBAGE,	/* random bits: only where nothing is read */
	P_N
};
static const char *const ptr_name[P_N] = {
	"buffer", "unaligned buffer", "read-only record", "unaligned read-only record",
	"NULL", "pointer 1", "unmapped page", "PROT_NONE page", "straddle",
	"kernel address", "non-canonical", "top of 32-bit space", "random bits"
};

/* --- memory the storm points at ------------------------------------------------ */

/*
 * region: [page 0: read/write][page 1: unmapped hole][page 2: PROT_NONE].
 * A ThreadData at the end of page 0 straddles into the hole. Nothing in this
 * process maps a single page (thread stacks and malloc arenas are larger),
 * so the hole stays a hole; the storm checks it again at the end.
 */
static char *region;
static char *ro_page;	/* read-only: ThreadData records, see ro_fill() */
enum { RO_RECORDS = 128, RO_UNALIGNED_OFF = 2048 + 3 };

struct req {
	int cls, fdk, fd, ptrk, tid, level, err;
	int rdonly;		/* fd is the main descriptor opened O_RDONLY */
	int wronly;		/* fd is the main descriptor opened O_WRONLY */
	unsigned long cmd;
	uintptr_t ptr;
};

/* Targets, storm threads, short-lived threads. */
enum { POOL = 8, MAX_STORMERS = 64 };
static struct target pool[POOL];
static pid_t stormer_tid[MAX_STORMERS];
static int nstormers;

/* Short-lived threads: a ring of the latest; the storm picks among the
 * newest WINDOW entries, live or just gone. At most MAX_LIVE live at once. */
enum { RING = 4096, WINDOW = 48, MAX_LIVE = 32 };
struct shortlived {
	int tid;
	int hit;		/* set once by the first successful SET */
	unsigned sleep_us;
};
static struct shortlived ring[RING];
static unsigned ring_next;	/* entries handed out so far (atomic) */
static int short_live;		/* live short-lived threads (atomic) */
static unsigned long short_created, short_create_fail;
static int short_min_tid = INT_MAX, short_max_tid, short_wraps;
/* fd churn: descriptors of /dev/SecondDriver that come and go. */
enum { CHURN_FDS = 8 };
static int churn_fd[CHURN_FDS];
static unsigned long churn_opens, churn_dups, churn_closes, churn_open_fail;
static int main_fd[3];

static int stop_flag;

static int bad_levels[] = { 0, 32, -1, INT_MIN, INT_MAX, 33, 100, -31, 1 << 16 };
static int edge_levels[] = { 1, 15, 16, 31 };

static int ld(int *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void st(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static void ro_fill(uint64_t *s)
{
	ThreadData recs[RO_RECORDS];
	int i;

	for (i = 0; i < RO_RECORDS; i++) {
		if (i % 2 == 0) {	/* a pool target at a valid level */
			recs[i].ThreadId = (sd_u32)pool[(i / 2) % POOL].tid;
			recs[i].Priority = 1 + (i * 7) % 31;
		} else {		/* any id, a refused level */
			recs[i].ThreadId = (sd_u32)rng(s);
			recs[i].Priority = bad_levels[i % (sizeof(bad_levels) / sizeof(bad_levels[0]))];
		}
	}
	memcpy(ro_page, recs, sizeof(recs));
	memcpy(ro_page + RO_UNALIGNED_OFF, recs, sizeof(recs));
}

static int map_regions(void)
{
	region = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || ro_page == MAP_FAILED)
		return -1;
	if (munmap(region + page, page) || mprotect(region + 2 * page, page, PROT_NONE))
		return -1;
	memset(region, 0x5a, page);
	return 0;
}

static int hole_still_unmapped(void)
{
	unsigned char v;

	return mincore(region + page, page, &v) != 0 && errno == ENOMEM;
}

/*
 * Set r->ptr for pointer kind k; valid kinds copy td (8 bytes) into the
 * buffer first. Returns 1 if 4 bytes at the pointer are writable (what
 * FIGETBSZ's put_user needs).
 */
static int make_ptr(struct req *r, int k, const ThreadData *td, unsigned char *buf, uint64_t *s,
		    int ro_index)
{
	int writable = 0;

	r->ptrk = k;
	switch (k) {
	case P_BUF:
		if (td)
			memcpy(buf, td, sizeof(*td));
		r->ptr = (uintptr_t)buf;
		writable = 1;
		break;
	case P_BUF_UNALIGNED:	/* an odd address: 1, 3, 5 or 7 */
		r->ptr = (uintptr_t)(buf + 1 + 2 * rnd(s, 4));
		if (td)
			memcpy((void *)r->ptr, td, sizeof(*td));
		writable = 1;
		break;
	case P_RO:
		r->ptr = (uintptr_t)(ro_page + 8 * ro_index);
		break;
	case P_RO_UNALIGNED:
		r->ptr = (uintptr_t)(ro_page + RO_UNALIGNED_OFF + 8 * ro_index);
		break;
	case P_NULL:
		r->ptr = 0;
		break;
	case P_ONE:
		r->ptr = 1;
		break;
	case P_HOLE:
		r->ptr = (uintptr_t)(region + page + rnd(s, (uint32_t)page - 8));
		break;
	case P_NOACCESS:
		r->ptr = (uintptr_t)(region + 2 * page + rnd(s, (uint32_t)page - 8));
		break;
	case P_STRADDLE: {
		unsigned k8 = 1 + rnd(s, 7);	/* 1..7 bytes before the hole */

		r->ptr = (uintptr_t)(region + page - k8);
		writable = k8 >= 4;
		break;
	}
	case P_KERNEL:		/* 64-bit only */
		r->ptr = (uintptr_t)(rnd(s, 2) ? 0xffffffff81000000ull : 0xffff888000000000ull);
		break;
	case P_NONCANON:	/* 64-bit only */
		r->ptr = (uintptr_t)(rnd(s, 2) ? 0x0000800000000000ull : 0x8000000000001000ull);
		break;
	case P_TOP32:		/* 32-bit only: above an i386 task's TASK_SIZE */
		r->ptr = (uintptr_t)(0xfffff000u + 8 * rnd(s, 500));
		break;
	default:
		r->ptr = (uintptr_t)rng(s);
		break;
	}
	return writable;
}

/* A pointer kind the module cannot read, for this build. */
static int bad_ptr_kind(uint64_t *s)
{
	static const int k64[] = { P_NULL, P_ONE, P_HOLE, P_NOACCESS, P_STRADDLE, P_KERNEL, P_NONCANON };
	static const int k32[] = { P_NULL, P_ONE, P_HOLE, P_NOACCESS, P_STRADDLE, P_TOP32 };

	if (sizeof(void *) == 8)
		return k64[rnd(s, sizeof(k64) / sizeof(k64[0]))];
	return k32[rnd(s, sizeof(k32) / sizeof(k32[0]))];
}

/*
 * Commands the kernel's generic ioctl path answers itself, before or instead
 * of the driver (do_vfs_ioctl and compat_sys_ioctl in fs/ioctl.c, 6.1):
 * FIOCLEX/FIONCLEX/FIONBIO/FIOASYNC/FIOQSIZE/FIONREAD ('T'), FIFREEZE/FITHAW/
 * FS_IOC_FS[GS]ETXATTR and the compat RESVSP family ('X'), FIEMAP and
 * FS_IOC_[GS]ETFLAGS ('f'), FICLONE/FICLONERANGE/FIDEDUPERANGE (0x94), the
 * newer FS_IOC_GETFSUUID/SYSFSPATH (0x15), FIBMAP and FIGETBSZ (1, 2).
 * Random commands skip these whole types; a few harmless ones are sent on
 * purpose as their own classes.
 */
static int is_generic(unsigned long cmd)
{
	unsigned type = _IOC_TYPE(cmd);

	return type == 'T' || type == 'X' || type == 'f' || type == 0x94 || type == 0x15 ||
	       cmd == FIBMAP || cmd == FIGETBSZ;
}

/* The contract's codes: random and neighbour commands stay clear of them. */
static int is_contract(unsigned long cmd)
{
	return cmd == SET_CODE || cmd == SD_LINUX_IOCTL_GET_PRIORITY ||
	       cmd == SD_LINUX_IOCTL_SET_PRIORITY_EX || cmd == SD_LINUX_IOCTL_SET_PRIORITY_BATCH ||
	       cmd == SD_LINUX_IOCTL_GET_LOG || cmd == SD_LINUX_IOCTL_CLEAR_LOG ||
	       cmd == SD_LINUX_IOCTL_GET_INFO || cmd == SD_LINUX_IOCTL_BOOST ||
	       cmd == SD_LINUX_IOCTL_END_LEASE || cmd == SD_LINUX_IOCTL_LIST_LEASES;
}

static unsigned long neighbour_cmd(uint64_t *s)
{
	unsigned dir = _IOC_DIR(SET_CODE), type = _IOC_TYPE(SET_CODE);
	unsigned nr = _IOC_NR(SET_CODE), size = _IOC_SIZE(SET_CODE);
	unsigned long cmd;

	do {
		switch (rnd(s, 6)) {
		case 0:	/* same nr: any direction, any size */
			cmd = _IOC(rnd(s, 4), type, nr, rnd(s, 1u << _IOC_SIZEBITS));
			break;
		case 1:	/* same nr and direction, a size near 8 */
			cmd = _IOC(dir, type, nr, rnd(s, 17));
			break;
		case 2:	/* same nr and size, another direction */
			cmd = _IOC(rnd(s, 4), type, nr, size);
			break;
		case 3:	/* nr + 1, nr - 1 (wraps to 255) */
			cmd = _IOC(dir, type, (nr + (rnd(s, 2) ? 1u : 255u)) & 0xff, size);
			break;
		case 4:	/* another magic, next door or random */
			cmd = _IOC(dir, rnd(s, 2) ? type + (rnd(s, 2) ? 1u : -1u) : rnd(s, 256), nr, size);
			break;
		default: /* the Windows code */
			cmd = IOCTL_SECOND_DRIVER_SET_PRIORITY;
			break;
		}
		cmd &= 0xffffffffu;
	} while (is_contract(cmd) || is_generic(cmd));
	return cmd;
}

/* --- short-lived threads ------------------------------------------------------ */

static void *short_main(void *p)
{
	struct shortlived *e = p;
	struct timespec ts = { 0, (long)e->sleep_us * 1000 };
	int tid = gettid_(), seen;

	st(&e->tid, tid);
	/*
	 * Ids are handed out in increasing order until pid_max wraps them. Live
	 * threads are at most MAX_LIVE creations apart: an id far below the
	 * highest one seen means the ids wrapped, and an old id may be reused.
	 */
	seen = __atomic_load_n(&short_max_tid, __ATOMIC_RELAXED);
	while (tid > seen &&
	       !__atomic_compare_exchange_n(&short_max_tid, &seen, tid, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (tid < seen - 10000)
		__atomic_add_fetch(&short_wraps, 1, __ATOMIC_RELAXED);
	seen = __atomic_load_n(&short_min_tid, __ATOMIC_RELAXED);
	while (tid < seen &&
	       !__atomic_compare_exchange_n(&short_min_tid, &seen, tid, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	nanosleep(&ts, NULL);	/* blocks: it may be at SCHED_RR */
	__atomic_sub_fetch(&short_live, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Creates detached short-lived threads until stop_flag, MAX_LIVE at most. */
static void *creator_main(void *unused)
{
	pthread_attr_t attr;
	uint64_t s = 0x9e3779b97f4a7c15ull ^ (uint64_t)gettid_();
	pthread_t t;

	(void)unused;
	setpriority(PRIO_PROCESS, (id_t)gettid_(), -20);	/* keep up with storm threads at nice -20 */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!ld(&stop_flag)) {
		unsigned k = __atomic_load_n(&ring_next, __ATOMIC_RELAXED);
		struct shortlived *e = &ring[k % RING];

		if (ld(&short_live) >= MAX_LIVE) {
			usleep(100);
			continue;
		}
		st(&e->tid, 0);
		st(&e->hit, 0);
		e->sleep_us = 5000 + rnd(&s, 20000);
		__atomic_add_fetch(&short_live, 1, __ATOMIC_ACQ_REL);
		if (pthread_create(&t, &attr, short_main, e)) {
			__atomic_sub_fetch(&short_live, 1, __ATOMIC_RELEASE);
			short_create_fail++;
			usleep(1000);
			continue;
		}
		__atomic_store_n(&ring_next, k + 1, __ATOMIC_RELEASE);
		short_created++;
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

/* A recent short-lived entry with a known id, or NULL. */
static struct shortlived *pick_short(uint64_t *s)
{
	unsigned n = __atomic_load_n(&ring_next, __ATOMIC_ACQUIRE), back;
	struct shortlived *e;

	if (n == 0)
		return NULL;
	back = rnd(s, n < WINDOW ? n : WINDOW);
	e = &ring[(n - 1 - back) % RING];
	return ld(&e->tid) ? e : NULL;
}

/* --- fd churn ------------------------------------------------------------------ */

static void *fdchurn_main(void *unused)
{
	uint64_t s = 0xd1b54a32d192ed03ull ^ (uint64_t)gettid_();
	int i;

	(void)unused;
	while (!ld(&stop_flag)) {
		int slot = (int)rnd(&s, CHURN_FDS), old = ld(&churn_fd[slot]), fd;

		if (old >= 0) {
			st(&churn_fd[slot], -1);
			close(old);
			churn_closes++;
			continue;
		}
		if (rnd(&s, 3) == 0) {
			int from = ld(&churn_fd[rnd(&s, CHURN_FDS)]);

			fd = from >= 0 ? dup(from) : -1;
			if (fd >= 0)
				churn_dups++;
		} else {
			fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
			if (fd >= 0)
				churn_opens++;
			else
				churn_open_fail++;
		}
		if (fd >= 0)
			st(&churn_fd[slot], fd);
		if (rnd(&s, 16) == 0)
			sched_yield();
	}
	for (i = 0; i < CHURN_FDS; i++)
		if (churn_fd[i] >= 0)
			close(churn_fd[i]);
	return NULL;
}

/* --- the storm ------------------------------------------------------------------- */

struct stormer {
	pthread_t thread;
	int index;
	unsigned long todo, sent;
	uint64_t s;
	unsigned char buf[64];
	/* BATCH: the entries, their results, and each entry's allowed results */
	SdBatchEntry bent[16];
	SdBatchResult bres[16];
	unsigned bexp[16];
	struct sd_batch b;
	/* GET_LOG: its argument and up to 8 records */
	struct sd_get_log gl;
	SdLogRecord lrec[8];
	/* leases: BOOST's argument, the last lease made, LIST_LEASES's */
	struct sd_boost bst;
	SdEndLease el;
	sd_u32 last_lease;
	struct sd_list_leases ll;
	SdLeaseInfo linfo[4];
	unsigned long bad_log;	/* GET_LOG answers that were not whole and in order */
	unsigned long count[C_N][F_N][E_N];
	unsigned long short_ok, short_distinct, unexpected;
	unsigned cpus;		/* bit n: this thread ran on CPU n */
	int ready;
};

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static int go_flag, stormers_done;
static unsigned long printed_fails;

static void report_unexpected(const struct req *r, unsigned allowed)
{
	char want[96] = "", what[64] = "", now[64] = "";
	int e;

	pthread_mutex_lock(&print_lock);
	if (printed_fails++ < 20) {
		for (e = 0; e < E_N; e++)
			if (allowed & A(e))
				snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
					 want[0] ? "|" : "", ecol_name[e]);
		if (r->cls == C_SET_BADPTR)
			snprintf(what, sizeof(what), ", buffer not readable");
		else if (r->cmd == SET_CODE)
			snprintf(what, sizeof(what), ", ThreadData { %u, %d }", (unsigned)r->tid, r->level);
		/*
		 * What the descriptor is now: a churned number may have been
		 * closed and taken by another file since the request.
		 */
		if (r->fd >= 0) {
			char path[32];
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/self/fd/%d", r->fd);
			n = readlink(path, now, sizeof(now) - 1);
			now[n > 0 ? n : 0] = '\0';
		}
		result(0, "storm: unexpected %s for %s on %s %d: cmd %#lx, %s %#llx%s; allowed %s; the fd is now %s",
		       ename(r->err), class_name[r->cls], fd_name[r->fdk], r->fd, r->cmd,
		       ptr_name[r->ptrk], (unsigned long long)r->ptr, what, want,
		       now[0] ? now : "closed");
	}
	pthread_mutex_unlock(&print_lock);
}

static int valid_level(uint64_t *s, int max)
{
	if (rnd(s, 4) == 0) {
		int l = edge_levels[rnd(s, 4)];

		return l <= max ? l : max;
	}
	return 1 + (int)rnd(s, (uint32_t)max);
}

static int bad_level(uint64_t *s)
{
	int l;

	if (rnd(s, 2))
		return bad_levels[rnd(s, sizeof(bad_levels) / sizeof(bad_levels[0]))];
	do
		l = (int)(uint32_t)rng(s);
	while (l >= SD_PRIORITY_MIN && l <= SD_PRIORITY_MAX);
	return l;
}

/* Any id at all: only ever sent with a bad level. */
static int any_tid(uint64_t *s)
{
	static const int fixed[] = { 0, 1, 2, 3, -1, 0x3ffffff0, INT_MAX };
	struct shortlived *e;

	switch (rnd(s, 5)) {
	case 0: return fixed[rnd(s, sizeof(fixed) / sizeof(fixed[0]))];
	case 1: return 1 + (int)rnd(s, 400);
	case 2: return pool[rnd(s, POOL)].tid;
	case 3: return (e = pick_short(s)) ? ld(&e->tid) : 2;
	default: return (int)(uint32_t)rng(s);
	}
}

/* Build one SET request (cmd == SET_CODE) obeying the thread-id rule.
 * Returns the short-lived entry it names, if any. */
static struct shortlived *build_set(struct stormer *me, struct req *r)
{
	uint64_t *s = &me->s;
	ThreadData td;
	struct shortlived *e = NULL;
	unsigned pick = rnd(s, 100);

	r->cmd = SET_CODE;
	if (pick < 35) {
		e = pick_short(s);
		if (e) {
			r->cls = C_SET_SHORT;
			td.ThreadId = (sd_u32)ld(&e->tid);
			td.Priority = valid_level(s, SD_PRIORITY_MAX);
			make_ptr(r, rnd(s, 2) ? P_BUF : P_BUF_UNALIGNED, &td, me->buf, s, 0);
			goto out;
		}
		pick = 40;	/* none yet: a pool target instead */
	}
	if (pick < 55) {
		int k = (int)rnd(s, 4);

		r->cls = C_SET_TARGET;
		if (k >= 2) {	/* a read-only record: even ones are pool targets */
			int i = 2 * (int)rnd(s, RO_RECORDS / 2);

			make_ptr(r, k == 2 ? P_RO : P_RO_UNALIGNED, NULL, NULL, s, i);
			memcpy(&td, (const void *)r->ptr, sizeof(td));
		} else {
			td.ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
			td.Priority = valid_level(s, SD_PRIORITY_MAX);
			make_ptr(r, k ? P_BUF_UNALIGNED : P_BUF, &td, me->buf, s, 0);
		}
	} else if (pick < 65) {
		r->cls = C_SET_STORM;
		td.ThreadId = (sd_u32)stormer_tid[rnd(s, (uint32_t)nstormers)];
		td.Priority = valid_level(s, STORM_MAX_LEVEL);
		make_ptr(r, rnd(s, 2) ? P_BUF : P_BUF_UNALIGNED, &td, me->buf, s, 0);
	} else if (pick < 85) {
		int k = (int)rnd(s, 4);

		r->cls = C_SET_BADLEVEL;
		if (k >= 2) {	/* odd read-only records: any id, a bad level */
			int i = 1 + 2 * (int)rnd(s, RO_RECORDS / 2);

			make_ptr(r, k == 2 ? P_RO : P_RO_UNALIGNED, NULL, NULL, s, i);
			memcpy(&td, (const void *)r->ptr, sizeof(td));
		} else {
			td.ThreadId = (sd_u32)any_tid(s);
			td.Priority = bad_level(s);
			make_ptr(r, k ? P_BUF_UNALIGNED : P_BUF, &td, me->buf, s, 0);
		}
	} else {
		r->cls = C_SET_BADPTR;
		td.ThreadId = 0;
		td.Priority = 0;
		make_ptr(r, bad_ptr_kind(s), NULL, NULL, s, 0);
	}
out:
	r->tid = (int)td.ThreadId;
	r->level = td.Priority;
	return e;
}

/* The codes that change threads or the log, which a read-only descriptor may not send. */
static int is_write_code(unsigned long cmd)
{
	return cmd == SET_CODE || cmd == SD_LINUX_IOCTL_SET_PRIORITY_EX ||
	       cmd == SD_LINUX_IOCTL_SET_PRIORITY_BATCH || cmd == SD_LINUX_IOCTL_CLEAR_LOG ||
	       cmd == SD_LINUX_IOCTL_BOOST || cmd == SD_LINUX_IOCTL_END_LEASE;
}

/*
 * A GET_LOG answer read while the other threads write: no more records than
 * the room, numbered one after another up to NextSeq, each whole. 1 if so.
 */
static int log_answer_ok(const struct stormer *me)
{
	const SdGetLogOut *o = &me->gl.out;
	sd_u32 i;

	if (o->Count > me->gl.capacity || o->Reserved)
		return 0;
	for (i = 0; i < o->Count; i++) {
		const SdLogRecord *rec = &me->lrec[i];

		if (rec->Seq != o->NextSeq - o->Count + i || rec->Os != SD_LOG_OS_LINUX ||
		    rec->Kind == 0 || rec->Kind > SD_LOG_KIND_MAX ||
		    rec->CapturedLength > SD_LOG_CAPTURE_MAX || rec->Reserved)
			return 0;
	}
	return 1;
}

/*
 * One batch entry under the thread-id rule; returns the errnos its result
 * may carry: a pool target or a storm thread at a level it may have (0), a
 * short-lived thread (0 or ESRCH), any id with a refused level (EINVAL), a
 * pool target with Reserved set (EINVAL), or in another process (ESRCH).
 */
static unsigned batch_entry(uint64_t *s, SdBatchEntry *e)
{
	struct shortlived *sl;

	memset(e, 0, sizeof(*e));
	switch (rnd(s, 6)) {
	case 0:
		e->ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
		e->Priority = valid_level(s, SD_PRIORITY_MAX);
		e->ProcessId = rnd(s, 2) ? (sd_u32)getpid() : 0;
		return A(E_OK);
	case 1:
		e->ThreadId = (sd_u32)stormer_tid[rnd(s, (uint32_t)nstormers)];
		e->Priority = valid_level(s, STORM_MAX_LEVEL);
		return A(E_OK);
	case 2:
		sl = pick_short(s);
		if (sl) {
			e->ThreadId = (sd_u32)ld(&sl->tid);
			e->Priority = valid_level(s, SD_PRIORITY_MAX);
			e->ProcessId = rnd(s, 2) ? (sd_u32)getpid() : 0;
			return A(E_OK) | A(E_SRCH);
		}
		/* none yet: */
		__attribute__((fallthrough));
	case 3:
		e->ThreadId = (sd_u32)any_tid(s);
		e->Priority = bad_level(s);
		return A(E_INVAL);
	case 4:
		e->ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
		e->Priority = valid_level(s, SD_PRIORITY_MAX);
		e->Reserved = 1 + (sd_u32)rnd(s, 100);
		return A(E_INVAL);
	default:
		e->ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
		e->Priority = valid_level(s, SD_PRIORITY_MAX);
		e->ProcessId = (sd_u32)getpid() + 1 + rnd(s, 1000);
		return A(E_SRCH);
	}
}

/*
 * GET, SET_EX or BATCH, under the same thread-id rule as SET. Fills r (its
 * command, class and argument); a batch's entries go in me->bent, each one's
 * allowed results in me->bexp.
 */
static void build_ext(struct stormer *me, struct req *r)
{
	uint64_t *s = &me->s;
	unsigned pick = rnd(s, 100);

	if (pick < 8) {
		static const unsigned long cmds[3] = {
			SD_LINUX_IOCTL_GET_PRIORITY, SD_LINUX_IOCTL_SET_PRIORITY_EX,
			SD_LINUX_IOCTL_SET_PRIORITY_BATCH
		};

		r->cls = C_EXT_BADPTR;
		r->cmd = cmds[rnd(s, 3)];
		if (r->cmd == SD_LINUX_IOCTL_SET_PRIORITY_BATCH && rnd(s, 2)) {
			/* a readable header whose entries cannot be read, or whose
			 * results cannot be written (checked before any change) */
			struct sd_batch *b = &me->b;
			struct req tmp;

			batch_entry(s, &me->bent[0]);
			make_ptr(&tmp, bad_ptr_kind(s), NULL, NULL, s, 0);
			b->count = 1;
			b->flags = 0;
			if (rnd(s, 2)) {
				b->entries = (sd_u64)tmp.ptr;
				b->results = (sd_u64)(uintptr_t)me->bres;
			} else {
				b->entries = (sd_u64)(uintptr_t)me->bent;
				b->results = (sd_u64)(uintptr_t)ro_page;
			}
			r->ptrk = P_BUF;
			r->ptr = (uintptr_t)b;
			return;
		}
		make_ptr(r, bad_ptr_kind(s), NULL, NULL, s, 0);
		return;
	}
	if (pick >= 14 && pick < 18) {
		unsigned k = rnd(s, 4);

		r->cls = C_LEASE;
		r->ptrk = P_BUF;
		if (k < 2) {
			me->bst.in.ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
			me->bst.in.Priority = valid_level(s, SD_PRIORITY_MAX);
			me->bst.in.Flags = SD_BOOST_DETACHED;
			me->bst.in.DurationMs = 1 + rnd(s, 20);
			r->cmd = SD_LINUX_IOCTL_BOOST;
			r->ptr = (uintptr_t)&me->bst;
			r->tid = (int)me->bst.in.ThreadId;
			r->level = me->bst.in.Priority;
		} else if (k == 2) {
			me->el.LeaseId = me->last_lease;
			me->el.Reserved = 0;
			r->cmd = SD_LINUX_IOCTL_END_LEASE;
			r->ptr = (uintptr_t)&me->el;
		} else {
			me->ll.leases = (sd_u64)(uintptr_t)me->linfo;
			me->ll.capacity = 4;
			me->ll.reserved = 0;
			r->cmd = SD_LINUX_IOCTL_LIST_LEASES;
			r->ptr = (uintptr_t)&me->ll;
		}
		return;
	}
	if (pick < 14) {
		r->cls = C_LOG;
		r->ptrk = P_BUF;
		if (rnd(s, 8) == 0) {
			r->cmd = SD_LINUX_IOCTL_CLEAR_LOG;	/* takes no argument */
			r->ptr = (uintptr_t)me->buf;
			return;
		}
		if (rnd(s, 7) == 0) {
			r->cmd = SD_LINUX_IOCTL_GET_INFO;
			memset(me->buf, 0x5a, sizeof(SdDriverInfo));
			r->ptr = (uintptr_t)me->buf;
			return;
		}
		/* From the oldest, from 1 (long gone), or from beyond the newest. */
		me->gl.from_seq = rnd(s, 3) == 0 ? 0 : rnd(s, 2) ? 1 : ~0ull;
		me->gl.records = (sd_u64)(uintptr_t)me->lrec;
		me->gl.capacity = rnd(s, 9);
		me->gl.flags = 0;
		memset(&me->gl.out, 0x5a, sizeof(me->gl.out));
		r->cmd = SD_LINUX_IOCTL_GET_LOG;
		r->ptr = (uintptr_t)&me->gl;
		return;
	}
	if (pick < 40) {
		SdGetPriority q = { (sd_u32)any_tid(s), 0 };

		r->cls = C_GET;
		r->cmd = SD_LINUX_IOCTL_GET_PRIORITY;
		r->ptrk = P_BUF;
		memcpy(me->buf, &q, sizeof(q));
		r->ptr = (uintptr_t)me->buf;
		r->tid = (int)q.ThreadId;
		return;
	}
	if (pick < 75) {
		SdSetPriorityEx x = { 0, 0, 0, 0 };
		unsigned k = rnd(s, 4);
		struct shortlived *sl = k == 1 ? pick_short(s) : NULL;

		r->cmd = SD_LINUX_IOCTL_SET_PRIORITY_EX;
		if (k == 0 || (k == 1 && !sl)) {
			r->cls = C_SETEX;
			if (rnd(s, 2)) {
				x.ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
				x.Priority = valid_level(s, SD_PRIORITY_MAX);
			} else {
				x.ThreadId = (sd_u32)stormer_tid[rnd(s, (uint32_t)nstormers)];
				x.Priority = valid_level(s, STORM_MAX_LEVEL);
			}
		} else if (k == 1) {
			r->cls = C_SETEX_SHORT;
			x.ThreadId = (sd_u32)ld(&sl->tid);
			x.Priority = valid_level(s, SD_PRIORITY_MAX);
		} else if (k == 2) {
			r->cls = C_SETEX_BAD;
			x.ThreadId = (sd_u32)any_tid(s);
			x.Priority = bad_level(s);
		} else {
			r->cls = C_SETEX_BAD;	/* an unknown flag: refused before the lookup */
			x.ThreadId = (sd_u32)pool[rnd(s, POOL)].tid;
			x.Priority = valid_level(s, SD_PRIORITY_MAX);
			x.Flags = 1u << (1 + rnd(s, 31));
		}
		r->ptrk = P_BUF;
		memcpy(me->buf, &x, sizeof(x));
		r->ptr = (uintptr_t)me->buf;
		r->tid = (int)x.ThreadId;
		r->level = x.Priority;
		return;
	}
	{
		struct sd_batch *b = &me->b;
		sd_u32 i, n = 1 + rnd(s, 16);

		r->cmd = SD_LINUX_IOCTL_SET_PRIORITY_BATCH;
		r->cls = C_BATCH;
		for (i = 0; i < n; i++)
			me->bexp[i] = batch_entry(s, &me->bent[i]);
		memset(me->bres, 0x5a, sizeof(me->bres));
		b->entries = (sd_u64)(uintptr_t)me->bent;
		b->results = (sd_u64)(uintptr_t)me->bres;
		b->count = n;
		b->flags = 0;
		if (pick >= 96) {
			static const sd_u32 counts[] = { 0, SD_BATCH_MAX + 1, 0xffffffffu };

			r->cls = C_BATCH_BAD;
			if (rnd(s, 2))
				b->count = counts[rnd(s, 3)];
			else
				b->flags = 1u << rnd(s, 32);
		}
		r->ptrk = P_BUF;
		r->ptr = (uintptr_t)b;
	}
}

/* A successful BATCH: each entry's result must be one its kind allows. */
static void check_batch(struct stormer *me, const struct req *r)
{
	sd_u32 i;

	for (i = 0; i < me->b.count; i++) {
		int e = -me->bres[i].Status;

		if ((me->bexp[i] & A(ecol(e))) && ecol(e) != E_OTHER &&
		    (e == 0 || me->bres[i].OldLevel == 0))
			continue;
		me->unexpected++;
		pthread_mutex_lock(&print_lock);
		if (printed_fails++ < 20)
			result(0, "storm: batch entry %u of %u (tid %u, level %d, process %u, reserved %u): result %s, old %d (on %s %d)",
			       i, me->b.count, me->bent[i].ThreadId, me->bent[i].Priority,
			       me->bent[i].ProcessId, me->bent[i].Reserved, ename(e),
			       me->bres[i].OldLevel, fd_name[r->fdk], r->fd);
		pthread_mutex_unlock(&print_lock);
	}
}

static void *stormer_main(void *p)
{
	struct stormer *me = p;
	uint64_t *s = &me->s;

	stormer_tid[me->index] = gettid_();
	st(&me->ready, 1);
	while (!ld(&go_flag))
		usleep(1000);
	for (me->sent = 0; me->sent < me->todo; me->sent++) {
		struct req r;
		struct shortlived *e = NULL;
		unsigned allowed, pick = rnd(s, 100);
		int ok, writable = 0;

		memset(&r, 0, sizeof(r));
		if ((me->sent & 255) == 0) {
			int cpu = sched_getcpu();

			if (cpu >= 0 && cpu < 32)
				me->cpus |= 1u << cpu;
		}
		/* The descriptor. */
		if (pick < 82) {
			r.fdk = F_MAIN;
			r.fd = main_fd[rnd(s, 3)];
			r.rdonly = r.fd == main_fd[1];
			r.wronly = r.fd == main_fd[2];
		} else if (pick < 97) {
			r.fdk = F_CHURN;
			r.fd = ld(&churn_fd[rnd(s, CHURN_FDS)]);
		} else {
			static const int badfds[] = { -1, 9999, INT_MAX };

			r.fdk = F_BAD;
			r.fd = badfds[rnd(s, 3)];
		}
		/* The command, and a buffer for it. */
		pick = rnd(s, 100);
		if (pick < 45) {
			e = build_set(me, &r);
		} else if (pick < 60) {
			build_ext(me, &r);
		} else {
			if (pick < 75) {
				r.cls = C_NEIGHBOUR;
				r.cmd = neighbour_cmd(s);
			} else if (pick < 90) {
				r.cls = C_RANDOM;
				do
					r.cmd = (uint32_t)rng(s);
				while (is_generic(r.cmd));	/* a contract code is built below */
			} else if (pick < 96) {
				r.cls = C_FIGETBSZ;
				r.cmd = FIGETBSZ;
			} else {
				r.cls = C_FIONREAD;
				r.cmd = rnd(s, 2) ? FIONREAD : FIOQSIZE;
			}
			if (r.cmd == SET_CODE) {
				e = build_set(me, &r);	/* a random command that is SET obeys the rule */
			} else if (is_contract(r.cmd)) {
				build_ext(me, &r);	/* and so does one that is another code */
			} else {
				int k = (int)rnd(s, P_N);

				if (r.cls == C_FIGETBSZ && k == P_GARBAGE)
					k = P_BUF;	/* the result must be predictable */
				if (sizeof(void *) == 4 && (k == P_KERNEL || k == P_NONCANON))
					k = P_TOP32;
				if (sizeof(void *) == 8 && k == P_TOP32)
					k = P_KERNEL;
				writable = make_ptr(&r, k, NULL, me->buf, s, (int)rnd(s, RO_RECORDS));
				/* the contents are never read: fill the buffer anyway */
				if (k == P_BUF || k == P_BUF_UNALIGNED)
					memset(me->buf, (int)rnd(s, 256), sizeof(me->buf));
			}
		}
		r.err = ioctl(r.fd, r.cmd, (void *)r.ptr) == 0 ? 0 : errno;

		allowed = r.cls == C_FIGETBSZ ? (writable ? A(E_OK) : A(E_FAULT)) : class_allowed[r.cls];
		if (r.rdonly && is_write_code(r.cmd))
			allowed = A(E_BADF);	/* checked before anything else */
		if (r.wronly && (r.cmd == SD_LINUX_IOCTL_GET_LOG || r.cmd == SD_LINUX_IOCTL_GET_INFO ||
				 r.cmd == SD_LINUX_IOCTL_LIST_LEASES))
			allowed = A(E_BADF);	/* reading the log, settings or leases needs FMODE_READ */
		if (r.cmd == SD_LINUX_IOCTL_BOOST && r.err == 0)
			me->last_lease = me->bst.out.LeaseId;
		if (r.fdk == F_CHURN)
			allowed |= A(E_BADF);
		else if (r.fdk == F_BAD)
			allowed = A(E_BADF);
		me->count[r.cls][r.fdk][ecol(r.err)]++;
		ok = (allowed & A(ecol(r.err))) && ecol(r.err) != E_OTHER;
		if (!ok) {
			me->unexpected++;
			report_unexpected(&r, allowed);
		}
		if (r.cls == C_BATCH && r.err == 0)
			check_batch(me, &r);
		if (r.cmd == SD_LINUX_IOCTL_GET_LOG && r.err == 0 && !log_answer_ok(me))
			me->bad_log++;
		if (r.cmd == SD_LINUX_IOCTL_GET_INFO && r.err == 0 &&
		    (((SdDriverInfo *)me->buf)->Version != SD_INTERFACE_VERSION ||
		     ((SdDriverInfo *)me->buf)->MaxLevel != SD_PRIORITY_MAX))
			me->bad_log++;	/* not this driver's answer */
		if (e && r.err == 0) {
			me->short_ok++;
			if (__atomic_exchange_n(&e->hit, 1, __ATOMIC_ACQ_REL) == 0)
				me->short_distinct++;
		}
	}
	/* Storm threads are targets: each stays until every one is done. */
	__atomic_add_fetch(&stormers_done, 1, __ATOMIC_ACQ_REL);
	while (ld(&stormers_done) < nstormers)
		usleep(1000);
	return NULL;
}

/* Threads of this process, from /proc/self/status. */
static int my_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/*
 * Every thread in the VM that is not this process's, with its policy, nice
 * and rt priority: the storm must change none of them (the thread-id rule).
 */
struct other { int pid, tid, v[3]; };
enum { MAX_OTHERS = 8192 };

static int snapshot_others(struct other *o)
{
	DIR *proc = opendir("/proc"), *task;
	struct dirent *d, *t;
	char path[64];
	int n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc)) && n < MAX_OTHERS) {
		int pid = atoi(d->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task)) && n < MAX_OTHERS) {
			int tid = atoi(t->d_name);
			struct sched_now st;

			if (tid <= 0 || read_stat(pid, tid, &st))
				continue;
			o[n].pid = pid;
			o[n].tid = tid;
			o[n].v[0] = st.st_policy;
			o[n].v[1] = st.st_nice;
			o[n].v[2] = st.st_rt;
			n++;
		}
		closedir(task);
	}
	closedir(proc);
	return n;
}

/* How many threads of before[] still exist and changed; why names the first. */
static int others_changed(const struct other *before, int nb, const struct other *now_, int nn,
			  int *compared, char *why, size_t len)
{
	int i, j, changed = 0;

	*compared = 0;
	for (i = 0; i < nb; i++)
		for (j = 0; j < nn; j++) {
			if (now_[j].tid != before[i].tid || now_[j].pid != before[i].pid)
				continue;
			(*compared)++;
			if (memcmp(now_[j].v, before[i].v, sizeof(before[i].v))) {
				if (!changed++)
					snprintf(why, len, "thread %d of %d: policy/nice/rt %d/%d/%d -> %d/%d/%d",
						 before[i].tid, before[i].pid, before[i].v[0], before[i].v[1],
						 before[i].v[2], now_[j].v[0], now_[j].v[1], now_[j].v[2]);
			}
			break;
		}
	return changed;
}

/* Flush SLUB's per-CPU slabs so that "in use" is close to exact. */
static void slab_shrink(const char *cache)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	write_long(path, 1);
}

static void storm(unsigned long n, int threads)
{
	static const char *const caches[] = { "task_struct", "pid" };
	static struct stormer st_[MAX_STORMERS];
	static struct other others_before[MAX_OTHERS], others_after[MAX_OTHERS];
	int n_others, n_after, compared, changed, ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cpus;
	char why[160] = "";
	unsigned long total[C_N][F_N][E_N], sent = 0, unexpected = 0, short_ok = 0, distinct = 0;
	unsigned long bad_log = 0;
	long before[2], after[2], bound, pid_max;
	pthread_t creator, fdchurn;
	uint64_t seed = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	double t0, t1;
	int i, c, f, e, k, ok, waited;

	if (threads < 1 || threads > MAX_STORMERS) {
		result(0, "storm: THREADS must be 1..%d", MAX_STORMERS);
		return;
	}
	printf("# storm [%s]: seed %#llx\n", bits, (unsigned long long)seed);

	/* Ids must not wrap during the run (the thread-id rule). */
	pid_max = read_long("/proc/sys/kernel/pid_max");
	if (pid_max < 4194304 && write_long("/proc/sys/kernel/pid_max", 4194304) == 0)
		pid_max = read_long("/proc/sys/kernel/pid_max");
	printf("# storm [%s]: pid_max %ld\n", bits, pid_max);

	for (i = 0; i < 3; i++) {
		static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };

		main_fd[i] = open(SD_LINUX_DEVICE_PATH, modes[i] | O_CLOEXEC);
		if (main_fd[i] < 0) {
			result(0, "storm: open %s: %s", SD_LINUX_DEVICE_PATH, strerror(errno));
			return;
		}
	}
	{	/* What the generic path does with FIGETBSZ on this device. */
		int v = -1, rc = ioctl(main_fd[0], FIGETBSZ, &v);

		printf("# storm [%s]: FIGETBSZ on %s: %s, wrote %d (the generic path answers it: "
		       "put_user gives EFAULT for a bad pointer, the driver never sees it)\n",
		       bits, SD_LINUX_DEVICE_PATH, rc ? strerror(errno) : "0", v);
	}
	n_others = snapshot_others(others_before);
	for (k = 0; k < 2; k++) {
		slab_shrink(caches[k]);
		before[k] = slab_in_use(caches[k]);
	}

	if (map_regions()) {
		result(0, "storm: cannot map the test pages: %s", strerror(errno));
		return;
	}
	for (i = 0; i < POOL; i++)
		if (target_start(&pool[i])) {
			result(0, "storm: cannot start pool target %d", i);
			return;
		}
	ro_fill(&seed);
	if (mprotect(ro_page, page, PROT_READ)) {
		result(0, "storm: mprotect: %s", strerror(errno));
		return;
	}

	/*
	 * No churned descriptor yet, before any thread starts. This loop was in
	 * the churn thread, which the storm could outrun on the debug kernel:
	 * a storm thread then read the array's initial 0, sent its request to
	 * the console on fd 0, and got ENOTTY.
	 */
	for (i = 0; i < CHURN_FDS; i++)
		st(&churn_fd[i], -1);
	nstormers = threads;
	for (i = 0; i < threads; i++) {
		st_[i].index = i;
		st_[i].todo = n / (unsigned long)threads + ((unsigned long)i < n % (unsigned long)threads);
		st_[i].s = seed + 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		if (pthread_create(&st_[i].thread, NULL, stormer_main, &st_[i])) {
			result(0, "storm: cannot start storm thread %d", i);
			exit(1);
		}
	}
	for (i = 0; i < threads; i++)
		while (!ld(&st_[i].ready))
			usleep(1000);
	if (pthread_create(&creator, NULL, creator_main, NULL) ||
	    pthread_create(&fdchurn, NULL, fdchurn_main, NULL)) {
		result(0, "storm: cannot start the churn threads");
		exit(1);
	}
	while (__atomic_load_n(&ring_next, __ATOMIC_ACQUIRE) < WINDOW)
		usleep(1000);

	t0 = now();
	st(&go_flag, 1);
	for (i = 0; i < threads; i++)
		pthread_join(st_[i].thread, NULL);
	t1 = now();
	st(&stop_flag, 1);
	pthread_join(creator, NULL);
	pthread_join(fdchurn, NULL);
	for (i = 0; i < POOL; i++)
		target_stop(&pool[i]);

	memset(total, 0, sizeof(total));
	cpus = 0;
	for (i = 0; i < threads; i++) {
		cpus |= st_[i].cpus;
		sent += st_[i].sent;
		unexpected += st_[i].unexpected;
		bad_log += st_[i].bad_log;
		short_ok += st_[i].short_ok;
		distinct += st_[i].short_distinct;
		for (c = 0; c < C_N; c++)
			for (f = 0; f < F_N; f++)
				for (e = 0; e < E_N; e++)
					total[c][f][e] += st_[i].count[c][f][e];
	}

	printf("# storm [%s]: results by what was sent (rows) and errno (columns)\n", bits);
	printf("# %-36s", "class / descriptor");
	for (e = 0; e < E_N; e++)
		printf(" %8s", ecol_name[e]);
	printf("\n");
	for (c = 0; c < C_N; c++)
		for (f = 0; f < F_N; f++) {
			unsigned long row = 0;
			char label[64];

			for (e = 0; e < E_N; e++)
				row += total[c][f][e];
			if (!row)
				continue;
			snprintf(label, sizeof(label), "%s / %s", class_name[c], fd_name[f]);
			printf("# %-36s", label);
			for (e = 0; e < E_N; e++)
				printf(" %8lu", total[c][f][e]);
			printf("\n");
		}

	result(sent == n, "storm: sent %lu of %lu requests over %d threads in %.1f s (%.0f/s)",
	       sent, n, threads, t1 - t0, (double)sent / (t1 - t0));
	result(__builtin_popcount(cpus) == (ncpus < 32 ? ncpus : 32),
	       "storm: the storm threads ran on %d of the VM's %d CPUs (CPU mask %#x)",
	       __builtin_popcount(cpus), ncpus, cpus);
	result(unexpected == 0,
	       "storm: every result was an errno the spec allows for what was sent (%lu unexpected)",
	       unexpected);
	result(bad_log == 0,
	       "storm: every GET_LOG answer read during the storm was whole records, numbered in order, and every GET_INFO this driver's (%lu were not)",
	       bad_log);
	{
		unsigned long set_ok = 0, set_total = 0;

		for (c = C_SET_TARGET; c <= C_SET_BADPTR; c++)
			for (f = 0; f < F_N; f++) {
				set_ok += total[c][f][E_OK];
				for (e = 0; e < E_N; e++)
					set_total += total[c][f][e];
			}
		result(set_ok > 0 && total[C_SET_SHORT][F_MAIN][E_SRCH] + total[C_SET_SHORT][F_CHURN][E_SRCH] > 0,
		       "storm: %lu SET requests, %lu changed a thread; short-lived threads gone before their SET: %lu",
		       set_total, set_ok, total[C_SET_SHORT][F_MAIN][E_SRCH] + total[C_SET_SHORT][F_CHURN][E_SRCH]);
	}
	result(churn_opens > 0 && total[C_SET_TARGET][F_CHURN][E_OK] > 0 &&
	       total[C_SET_TARGET][F_CHURN][E_BADF] + total[C_RANDOM][F_CHURN][E_BADF] +
	       total[C_NEIGHBOUR][F_CHURN][E_BADF] + total[C_SET_BADLEVEL][F_CHURN][E_BADF] > 0,
	       "storm: fd churn: %lu opens, %lu dups, %lu closes (%lu opens failed); requests on churned descriptors both worked and met EBADF",
	       churn_opens, churn_dups, churn_closes, churn_open_fail);
	for (waited = 0; waited < 500 && ld(&short_live) > 0; waited++)
		usleep(10000);
	result(short_wraps == 0 && short_create_fail == 0 && ld(&short_live) == 0,
	       "storm: %lu short-lived threads (ids %d..%d; %lu could not be created), all gone; "
	       "ids never wrapped (so a stale id was never someone else's)",
	       short_created, short_min_tid, short_max_tid, short_create_fail);
	result(hole_still_unmapped(), "storm: the unmapped page stayed unmapped throughout");
	n_after = snapshot_others(others_after);
	changed = others_changed(others_before, n_others, others_after, n_after, &compared, why, sizeof(why));
	result(n_others > 0 && compared > 0 && changed == 0,
	       "storm: no thread outside this program changed policy, nice or rt priority (%d compared)%s%s",
	       compared, changed ? ": " : "", why);

	/* Leaks: every thread of ours is gone; frees wait for RCU. */
	for (waited = 0; waited < 100 && my_threads() != 1; waited++)
		usleep(20000);
	bound = (long)distinct / 4;
	result(distinct >= 1000,
	       "leak: %lu successful SETs on short-lived threads, on %lu distinct threads (>= 1000, so a kept reference per request would show)",
	       short_ok, distinct);
	ok = 0;
	for (waited = 0; waited < 50; waited++) {
		for (k = 0; k < 2; k++) {
			slab_shrink(caches[k]);
			after[k] = slab_in_use(caches[k]);
		}
		ok = before[0] >= 0 && before[1] >= 0 &&
		     after[0] - before[0] < bound && after[1] - before[1] < bound;
		if (ok)
			break;
		usleep(100000);
	}
	for (k = 0; k < 2; k++)
		result(before[k] >= 0 && after[k] - before[k] < bound,
		       "leak: %s objects in use %ld -> %ld (%+ld; bound %ld = distinct short-lived threads set / 4; waited %.1f s)",
		       caches[k], before[k], after[k], after[k] - before[k], bound, waited * 0.1);
	for (i = 0; i < 3; i++)
		close(main_fd[i]);
}

/* --- churn: load/unload with openers racing rmmod ------------------------------ */

struct opener_shm {
	uint32_t stop;
	struct opener_slot {
		uint32_t started, done;
		uint32_t opens, sets_ok, set_fail, enoent, enodev, enxio, other, last_err;
	} slot[2];
};

static int opener(const char *shmpath, int slot)
{
	int fd = open(shmpath, O_RDWR);
	struct opener_shm *shm;
	struct opener_slot *me;
	uint64_t s = 0x51ed27055a1c3a5dull ^ (uint64_t)getpid();

	if (fd < 0)
		return 2;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (shm == MAP_FAILED || slot < 0 || slot > 1)
		return 2;
	me = &shm->slot[slot];
	__atomic_store_n(&me->started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&shm->stop, __ATOMIC_ACQUIRE)) {
		ThreadData td = { (sd_u32)gettid_(), 1 + (int)rnd(&s, STORM_MAX_LEVEL) };
		int err;

		fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			uint32_t *c = errno == ENOENT ? &me->enoent : errno == ENODEV ? &me->enodev :
				      errno == ENXIO ? &me->enxio : &me->other;

			if (c == &me->other)
				__atomic_store_n(&me->last_err, (uint32_t)errno, __ATOMIC_RELAXED);
			__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
			usleep(200);
			continue;
		}
		__atomic_add_fetch(&me->opens, 1, __ATOMIC_RELAXED);
		err = ioctl(fd, SET_CODE, &td) == 0 ? 0 : errno;
		if (err) {
			__atomic_store_n(&me->last_err, (uint32_t)err, __ATOMIC_RELAXED);
			__atomic_add_fetch(&me->set_fail, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_add_fetch(&me->sets_ok, 1, __ATOMIC_RELEASE);
		}
		close(fd);
		/* A short gap, so that rmmod sometimes finds the module unused. */
		usleep(20 + rnd(&s, 200));
	}
	__atomic_store_n(&me->done, 1, __ATOMIC_RELEASE);
	return 0;
}

static int module_loaded(void)
{
	struct stat sb;

	return stat("/sys/module/" MODNAME, &sb) == 0;
}

static int dev_present(void)
{
	struct stat sb;

	return stat(SD_LINUX_DEVICE_PATH, &sb) == 0 && S_ISCHR(sb.st_mode);
}

static int dev_absent(void)
{
	struct stat sb;

	return stat(SD_LINUX_DEVICE_PATH, &sb) != 0 && errno == ENOENT;
}

struct stat3 { double min, max, sum; };
static void stat_add(struct stat3 *s, double v, int first)
{
	if (first || v < s->min)
		s->min = v;
	if (first || v > s->max)
		s->max = v;
	s->sum += v;
}

static void churn(int cycles, const char *ko)
{
	static const char *const progs[2] = { "sd_stress", "sd_stress32" };
	char shmpath[] = "/tmp/sd_churn_XXXXXX", slotarg[2][4];
	struct opener_shm *shm;
	struct stat3 t_ins = { 0, 0, 0 }, t_rm = { 0, 0, 0 }, t_wait = { 0, 0, 0 };
	unsigned long busy = 0, bad_cycles = 0, raced = 0;
	pid_t pid[2];
	double t0 = now();
	int fd, kofd, cyc, i, status[2];

	if (module_loaded()) {
		result(0, "churn: %s is loaded; churn starts from an unloaded module", MODNAME);
		return;
	}
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	fd = mkstemp(shmpath);
	if (kofd < 0 || fd < 0 || ftruncate(fd, sizeof(*shm))) {
		result(0, "churn: cannot open %s or make %s: %s", ko, shmpath, strerror(errno));
		return;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (shm == MAP_FAILED) {
		result(0, "churn: mmap: %s", strerror(errno));
		return;
	}
	memset(shm, 0, sizeof(*shm));
	for (i = 0; i < 2; i++) {
		snprintf(slotarg[i], sizeof(slotarg[i]), "%d", i);
		pid[i] = fork();
		if (pid[i] == 0) {
			execlp(progs[i], progs[i], "opener", shmpath, slotarg[i], (char *)NULL);
			_exit(127);
		}
	}
	for (i = 0; i < 2; i++) {
		int w;

		for (w = 0; w < 5000 && !__atomic_load_n(&shm->slot[i].started, __ATOMIC_ACQUIRE); w++)
			usleep(1000);
		if (!shm->slot[i].started) {
			result(0, "churn: the %s opener did not start", progs[i]);
			__atomic_store_n(&shm->stop, 1, __ATOMIC_RELEASE);
			return;
		}
	}

	for (cyc = 0; cyc < cycles; cyc++) {
		uint32_t base[2];
		double a, b, c;
		int rc, err = 0, got = 0;

		for (i = 0; i < 2; i++)
			base[i] = __atomic_load_n(&shm->slot[i].sets_ok, __ATOMIC_ACQUIRE);
		a = now();
		rc = (int)syscall(SYS_finit_module, kofd, "", 0);
		b = now();
		if (rc) {
			bad_cycles++;
			if (bad_cycles <= 5)
				result(0, "churn: cycle %d: finit_module: %s", cyc, strerror(errno));
			break;
		}
		stat_add(&t_ins, b - a, cyc == 0);
		if (!dev_present()) {
			bad_cycles++;
			if (bad_cycles <= 5)
				result(0, "churn: cycle %d: %s missing after insmod", cyc, SD_LINUX_DEVICE_PATH);
		}
		/* Both openers get one SET through this load before rmmod races them. */
		while (now() - b < 5.0) {
			got = __atomic_load_n(&shm->slot[0].sets_ok, __ATOMIC_ACQUIRE) != base[0] &&
			      __atomic_load_n(&shm->slot[1].sets_ok, __ATOMIC_ACQUIRE) != base[1];
			if (got)
				break;
			usleep(200);
		}
		raced += got;
		c = now();
		stat_add(&t_wait, c - b, cyc == 0);
		for (;;) {
			rc = (int)syscall(SYS_delete_module, MODNAME, O_NONBLOCK);
			err = rc ? errno : 0;
			if (!rc || (err != EAGAIN && err != EBUSY) || now() - c > 10.0)
				break;
			busy++;
			usleep(20);
		}
		stat_add(&t_rm, now() - c, cyc == 0);
		if (rc) {
			bad_cycles++;
			result(0, "churn: cycle %d: delete_module: %s after %.1f s", cyc, strerror(err), now() - c);
			break;
		}
		if (module_loaded() || !dev_absent()) {
			bad_cycles++;
			if (bad_cycles <= 5)
				result(0, "churn: cycle %d: after rmmod: module %s, %s %s", cyc,
				       module_loaded() ? "still loaded" : "gone", SD_LINUX_DEVICE_PATH,
				       dev_absent() ? "gone" : "still there");
		}
	}
	__atomic_store_n(&shm->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		if (waitpid(pid[i], &status[i], 0) != pid[i])
			status[i] = -1;
	unlink(shmpath);
	close(kofd);

	result(cyc == cycles && bad_cycles == 0,
	       "churn: %d of %d cycles of finit_module / delete_module, each ending with the module and %s gone (%.1f s)",
	       cyc, cycles, SD_LINUX_DEVICE_PATH, now() - t0);
	if (cyc > 0)
		printf("# churn: insmod %.2f/%.2f/%.2f ms, wait for both openers %.2f/%.2f/%.2f ms, "
		       "rmmod %.2f/%.2f/%.2f ms (min/avg/max)\n",
		       t_ins.min * 1e3, t_ins.sum * 1e3 / cyc, t_ins.max * 1e3,
		       t_wait.min * 1e3, t_wait.sum * 1e3 / cyc, t_wait.max * 1e3,
		       t_rm.min * 1e3, t_rm.sum * 1e3 / cyc, t_rm.max * 1e3);
	result(cyc > 0 && raced == (unsigned long)cyc && busy > 0,
	       "churn: both openers (64-bit, i386) set their own thread through %lu of %d loads before rmmod; "
	       "rmmod found the module in use %lu times and retried",
	       raced, cyc, busy);
	for (i = 0; i < 2; i++) {
		struct opener_slot *o = &shm->slot[i];

		result(WIFEXITED(status[i]) && WEXITSTATUS(status[i]) == 0 && o->done &&
		       o->set_fail == 0 && o->other == 0 && o->sets_ok > 0,
		       "churn: %s opener: %u opens, %u SETs ok, %u SETs failed%s%s; open failed with ENOENT %u, ENODEV %u, "
		       "ENXIO %u, other %u%s%s (exit %d)",
		       progs[i], o->opens, o->sets_ok, o->set_fail,
		       o->set_fail ? " last " : "", o->set_fail ? ename((int)o->last_err) : "",
		       o->enoent, o->enodev, o->enxio, o->other,
		       o->other ? " last " : "", o->other ? ename((int)o->last_err) : "",
		       WIFEXITED(status[i]) ? WEXITSTATUS(status[i]) : -1);
	}
}

/* --- after: the levels still read back; kthreadd ---------------------------- */

/* The spec's table (docs/SPEC.md 9.3), typed: level -> nice for 1..15. */
/*
 * Two SETs of one thread at once, level 20 (SCHED_RR, two scheduler calls)
 * and level 3 (nice 15), released together from a barrier, ITERS times.
 * The thread must end at exactly one of the two levels; before the module
 * serialised its SETs it ended at neither (SCHED_OTHER, nice 0) in 723 of
 * 20,000 tries on two vCPUs.
 */
struct racer {
	pthread_barrier_t *go;
	int fd, level, iters;
	pid_t tid;
	int errors;
};

static void *racer_main(void *p)
{
	struct racer *r = p;
	int i;

	for (i = 0; i < r->iters; i++) {
		ThreadData td = { (sd_u32)r->tid, r->level };

		pthread_barrier_wait(r->go);
		if (ioctl(r->fd, SET_CODE, &td))
			r->errors++;
		pthread_barrier_wait(r->go);
		pthread_barrier_wait(r->go);
	}
	return NULL;
}

static void race(int iters)
{
	pthread_barrier_t go;
	struct racer a = { &go, -1, 20, iters, 0, 0 }, b = { &go, -1, 3, iters, 0, 0 };
	pthread_t ta, tb;
	struct target t;
	char why[256], first[300] = "";
	int i, n20 = 0, n3 = 0, neither = 0, fd;

	fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	a.fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	b.fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0 || a.fd < 0 || b.fd < 0 || target_start(&t)) {
		result(0, "race: setup: %s", strerror(errno));
		return;
	}
	a.tid = b.tid = t.tid;
	pthread_barrier_init(&go, NULL, 3);
	pthread_create(&ta, NULL, racer_main, &a);
	pthread_create(&tb, NULL, racer_main, &b);
	for (i = 0; i < iters; i++) {
		ThreadData td = { (sd_u32)t.tid, 3 };

		if (ioctl(fd, SET_CODE, &td))
			a.errors++;
		pthread_barrier_wait(&go);	/* both SETs go */
		pthread_barrier_wait(&go);	/* both are done */
		if (at_level(getpid(), t.tid, 20, why, sizeof(why)))
			n20++;
		else if (at_level(getpid(), t.tid, 3, why, sizeof(why)))
			n3++;
		else if (!neither++)
			snprintf(first, sizeof(first), "iteration %d: %s", i, why);
		pthread_barrier_wait(&go);
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&go);
	target_stop(&t);
	close(a.fd);
	close(b.fd);
	close(fd);
	result(neither == 0 && a.errors == 0 && b.errors == 0,
	       "race: %d pairs of SETs of one thread at once (levels 20 and 3) each ended at one of them: level 20 %d, level 3 %d, neither %d, failed SETs %d%s%s",
	       iters, n20, n3, neither, a.errors + b.errors, first[0] ? "; first: " : "", first);
}

static void after(void)
{
	int fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	struct target t;
	char why[256] = "";
	int level, ok = 1;

	if (fd < 0) {
		result(0, "after: open %s: %s", SD_LINUX_DEVICE_PATH, strerror(errno));
		return;
	}
	if (target_start(&t)) {
		result(0, "after: cannot start a target thread");
		close(fd);
		return;
	}
	for (level = SD_PRIORITY_MIN; level <= SD_PRIORITY_MAX && ok; level++) {
		ThreadData td = { (sd_u32)t.tid, level };

		if (ioctl(fd, SET_CODE, &td)) {
			snprintf(why, sizeof(why), "level %d: %s", level, strerror(errno));
			ok = 0;
		} else {
			ok = at_level(getpid(), t.tid, level, why, sizeof(why));
		}
	}
	result(ok, "after: every level 1..31 set on a fresh thread reads back as SPEC 9.3's table says%s%s",
	       ok ? "" : ": ", why);
	target_stop(&t);

	/* kthreadd, pid 2: first at level 8, then sent level 8. */
	{
		ThreadData td = { 2, 8 };
		int was, err, now_ok;

		why[0] = 0;
		was = at_level(2, 2, 8, why, sizeof(why));
		result(was, "after: kthreadd (pid 2) is at level 8 (SCHED_OTHER, nice 0)%s%s",
		       was ? "" : ": ", why);
		err = ioctl(fd, SET_CODE, &td) ? errno : 0;
		now_ok = at_level(2, 2, 8, why, sizeof(why));
		/* SPEC 9.4: kernel threads are refused, and kthreadd stays put. */
		result(was && err == EPERM && now_ok,
		       "after: kthreadd sent its own level 8 is refused: %s (want EPERM), and it stays at level 8",
		       ename(err));
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	if (!strcmp(mode, "opener") && argc == 4)
		return opener(argv[2], atoi(argv[3]));
	if (!strcmp(mode, "storm")) {
		unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000;
		int threads = argc > 3 ? atoi(argv[3]) : 8;

		storm(n, threads);
	} else if (!strcmp(mode, "churn") && argc >= 3) {
		churn(atoi(argv[2]), argc > 3 ? argv[3] : "/sd/" MODNAME ".ko");
	} else if (!strcmp(mode, "after")) {
		after();
	} else if (!strcmp(mode, "race") && argc == 3) {
		race(atoi(argv[2]));
	} else {
		fprintf(stderr, "usage: sd_stress storm [N [THREADS]] | churn CYCLES [KO] | after | race ITERS\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
