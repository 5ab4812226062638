/* SPDX-License-Identifier: MIT */
/*
 * sd_target.h - a target thread for the VM's user-space programs
 * (tests/vm/sd_vmtest.c, bench/sd_bench.c): it reports its thread id, then
 * blocks on a pipe until released. It must block, not spin: a spinning
 * SCHED_RR thread would starve the VM's one CPU.
 */
#ifndef SD_TARGET_H
#define SD_TARGET_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct target {
	pthread_t thread;
	pid_t tid;
	int pipe[2];
	pthread_mutex_t lock;
	pthread_cond_t ready;
};

static inline pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void *target_main(void *p)
{
	struct target *t = p;
	char c;

	pthread_mutex_lock(&t->lock);
	t->tid = gettid_();
	pthread_cond_signal(&t->ready);
	pthread_mutex_unlock(&t->lock);
	while (read(t->pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* Start a target and wait for its thread id. 0, or -1. */
static inline int target_start(struct target *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->ready, NULL);
	if (pipe(t->pipe))
		return -1;
	if (pthread_create(&t->thread, NULL, target_main, t))
		return -1;
	pthread_mutex_lock(&t->lock);
	while (!t->tid)
		pthread_cond_wait(&t->ready, &t->lock);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Release the target and join it. */
static inline void target_stop(struct target *t)
{
	if (write(t->pipe[1], "x", 1) != 1)
		perror("target_stop");
	pthread_join(t->thread, NULL);
	close(t->pipe[0]);
	close(t->pipe[1]);
}

#endif /* SD_TARGET_H */
