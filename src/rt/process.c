/* Process settings for the real-time loop: SCHED_FIFO, CPU affinity, locked memory, the
 * CPUs' wake-up latency. Each failure names the flag, the cause and what grants the
 * permission. */
#include "ecodrive/rt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int eco_rt_sched_fifo(int prio)
{
    int lo = sched_get_priority_min(SCHED_FIFO), hi = sched_get_priority_max(SCHED_FIFO);
    if (prio < lo || prio > hi) {
        eco_set_error("--sched-fifo %d: the priority must be in %d..%d", prio, lo, hi);
        return ECO_EINVAL;
    }
    struct sched_param sp = {.sched_priority = prio};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
        int e = errno;
        eco_set_error("--sched-fifo %d: %s%s", prio, strerror(e),
                      e == EPERM ? " (needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least the "
                                   "priority; the systemd unit grants CAP_SYS_NICE)"
                                 : "");
        return e == EPERM ? ECO_EIO : ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_rt_pin_cpu(int cpu)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    if (cpu < 0 || cpu >= CPU_SETSIZE || (n > 0 && cpu >= n)) {
        eco_set_error("--cpu %d: no such CPU (this machine has CPUs 0..%ld)", cpu, n - 1);
        return ECO_EINVAL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        int e = errno;
        eco_set_error("--cpu %d: %s%s", cpu, strerror(e),
                      e == EINVAL ? " (the CPU is offline or outside this process's cpuset)" : "");
        return e == EPERM ? ECO_EIO : ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_rt_lock_memory(void)
{
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
        int e = errno;
        eco_set_error("--mlockall: %s%s", strerror(e),
                      e == EPERM || e == ENOMEM
                          ? " (needs CAP_IPC_LOCK or an RLIMIT_MEMLOCK large enough; systemd: "
                            "LimitMEMLOCK=infinity)"
                          : "");
        return ECO_EIO;
    }
    return ECO_OK;
}

/* The kernel's PM QoS CPU latency request (Documentation/power/pm_qos_interface.rst): a
 * process that holds /dev/cpu_dma_latency open with a value written keeps every CPU out of
 * idle states slower to leave than that, as rt-tests' cyclictest does for its runs. On a
 * virtual machine the halt state's exit goes through the hypervisor: the wake-up of a
 * sleeping control loop is then late by the host's scheduling (docs/daemon.md). */
int eco_rt_hold_cpu_latency(int us)
{
    if (us < 0) {
        eco_set_error("--cpu-latency %d: must be >= 0 (microseconds)", us);
        return -1;
    }
    int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
    int32_t value = us;
    if (fd < 0 || write(fd, &value, sizeof value) != (ssize_t)sizeof value) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        eco_set_error("--cpu-latency %d: /dev/cpu_dma_latency: %s%s", us, strerror(e),
                      e == EACCES || e == EPERM
                          ? " (root only, mode 0600; systemd: PrivateDevices=no and "
                            "DeviceAllow=/dev/cpu_dma_latency w)"
                          : "");
        return -1;
    }
    return fd;
}
