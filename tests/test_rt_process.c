/* The real-time process settings: the PM QoS CPU latency request (--cpu-latency), checked
 * against the kernel's own aggregate, which /dev/cpu_dma_latency reads back (a 32-bit
 * value in microseconds; Documentation/power/pm_qos_interface.rst). Root only: CI runs as
 * root, and elsewhere the test says why it cannot run. */
#include "ecodrive/rt.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

static int32_t kernel_cpu_latency_us(void)
{
    int fd = open("/dev/cpu_dma_latency", O_RDONLY);
    cr_assert_geq(fd, 0, "/dev/cpu_dma_latency cannot be read (root only)");
    int32_t v = -1;
    cr_assert_eq(read(fd, &v, sizeof v), (ssize_t)sizeof v);
    close(fd);
    return v;
}

Test(rt_process, the_cpu_latency_is_held_while_the_descriptor_is_open)
{
    cr_assert_eq(geteuid(), 0, "needs root, as CI runs it");
    int32_t before = kernel_cpu_latency_us();
    cr_assert_gt(before, 7, "no other request holds it this low already (%d us)", (int)before);
    int fd = eco_rt_hold_cpu_latency(7);
    cr_assert_geq(fd, 0, "%s", eco_last_error());
    cr_expect_eq(kernel_cpu_latency_us(), 7, "the kernel's target is ours while we hold it");
    close(fd);
    cr_expect_eq(kernel_cpu_latency_us(), before, "and back when we let go");
}

Test(rt_process, a_negative_latency_is_refused_by_its_flag)
{
    cr_expect_eq(eco_rt_hold_cpu_latency(-3), -1);
    cr_expect(strstr(eco_last_error(), "--cpu-latency -3") != NULL, "%s", eco_last_error());
}
