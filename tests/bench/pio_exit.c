/*
 * The reference for jvmm's PIO exit benchmark: the same real-mode guest loop
 * (N `out` instructions to port 0x80, then `out` to 0xF4) driven by raw KVM
 * ioctls from C, with the same VM set-up as jvmm (in-kernel irqchip and PIT,
 * no dirty logging). Prints one line: "<exits> <nanoseconds>".
 *
 * usage: pio_exit N          (the guest loop)
 *        pio_exit --ioctl N  (N KVM_CHECK_EXTENSION calls: the cost of an ioctl without a guest)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "pio_exit: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--ioctl") == 0) {
        long long calls = strtoll(argv[2], NULL, 0);
        int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (fd < 0) die("open /dev/kvm");
        long long start = now_ns();
        for (long long i = 0; i < calls; i++) {
            if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0) die("KVM_CHECK_EXTENSION");
        }
        printf("%lld %lld\n", calls, now_ns() - start);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: pio_exit N | pio_exit --ioctl N\n");
        return 2;
    }
    uint32_t n = (uint32_t)strtoul(argv[1], NULL, 0);
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("open /dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");
    if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0) die("KVM_SET_TSS_ADDR");
    if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) die("KVM_CREATE_IRQCHIP");
    struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
    if (ioctl(vm, KVM_CREATE_PIT2, &pit) < 0) die("KVM_CREATE_PIT2");

    size_t mem_size = 2 << 20;
    uint8_t *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) die("mmap");
    struct kvm_userspace_memory_region region = {
        .slot = 0, .flags = 0, .guest_phys_addr = 0,
        .memory_size = mem_size, .userspace_addr = (uint64_t)mem};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");

    /* mov ecx, n; mov dx, 0x80; 1: out dx, al; dec ecx; jnz 1b; mov dx, 0xf4; out dx, eax; hlt */
    uint8_t code[] = {0x66, 0xB9, n, n >> 8, n >> 16, n >> 24, 0xBA, 0x80, 0x00, 0xEE, 0x66, 0x49, 0x75, 0xFB,
                      0xBA, 0xF4, 0x00, 0x66, 0xEF, 0xF4};
    memcpy(mem + 0x1000, code, sizeof code);

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) die("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = 0x1000, .rflags = 2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");

    long long exits = 0, start = now_ns();
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) continue;
            die("KVM_RUN");
        }
        if (run->exit_reason != KVM_EXIT_IO) {
            fprintf(stderr, "pio_exit: unexpected exit %u\n", run->exit_reason);
            return 1;
        }
        if (run->io.port == 0xF4) break;
        exits++;
    }
    long long elapsed = now_ns() - start;
    printf("%lld %lld\n", exits, elapsed);
    return 0;
}
